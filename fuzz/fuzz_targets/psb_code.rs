//! Public-security codes: parsing never panics, and a parsed code parses again to itself.
#![no_main]

use icp_patrol::filing::PsbCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(code) = PsbCode::parse(input) {
        assert_eq!(PsbCode::parse(code.as_str()).as_ref(), Ok(&code));
        let _ = (code.is_national_format(), code.province_code());
    }
});
