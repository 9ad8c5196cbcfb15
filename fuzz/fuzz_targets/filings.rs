//! Filing imports: CSV, XLSX and JSON (the first byte chooses); errors, never panics.
#![no_main]

use std::path::Path;

use icp_patrol::filing::parse_filings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else { return };
    let name = ["filings.csv", "filings.json", "filings.xlsx"][usize::from(choice) % 3];
    if let Ok(set) = parse_filings(Path::new(name), bytes) {
        for r in set.records() {
            assert!(set.for_host(&r.domain).is_some(), "{}", r.domain);
        }
    }
});
