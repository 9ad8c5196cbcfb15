//! Charset decoding of arbitrary bytes, with or without a declared charset.
#![no_main]

use icp_patrol::fetch::decode;
use libfuzzer_sys::fuzz_target;

const TYPES: [Option<&str>; 4] =
    [None, Some("text/html; charset=gbk"), Some("text/html; charset=utf-8"), Some("text/html; charset=\"big5\"")];

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else { return };
    let hint: Option<&[u8]> = if choice & 4 == 0 { Some(b"cn") } else { None };
    let decoded = decode(bytes, TYPES[usize::from(choice & 3)], hint);
    assert!(!decoded.encoding.is_empty());
});
