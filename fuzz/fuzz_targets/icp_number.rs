//! ICP numbers: parsing never panics, and what parses reads back the same from its own text.
#![no_main]

use icp_patrol::filing::{IcpNumber, normalise_identifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(n) = IcpNumber::parse(input) {
        let again = IcpNumber::parse(&n.to_string()).expect("a parsed number parses again");
        assert_eq!((again.prefix, again.kind, again.serial.as_str()), (n.prefix, n.kind, n.serial.as_str()));
        let _ = (n.is_template(), n.entity_text());
    }
    for (range, n) in IcpNumber::find_all(&normalise_identifier(input)) {
        assert!(range.start < range.end);
        let _ = n.entity_text();
    }
});
