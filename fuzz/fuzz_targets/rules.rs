//! The rules loader: the built-in rules with one file replaced by the input; errors, never panics.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use icp_patrol::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 8] = [
    "provinces.toml",
    "checks.toml",
    "placeholders.toml",
    "preapproval.toml",
    "commercial.toml",
    "naming.toml",
    "holidays.toml",
    "providers/fuzz.toml",
];

static DIR: LazyLock<PathBuf> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("icp-patrol-fuzz-rules-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    RuleSet::write_embedded(&dir).expect("write rules");
    dir
});

fuzz_target!(|data: &[u8]| {
    let Some((&choice, text)) = data.split_first() else { return };
    let Ok(text) = std::str::from_utf8(text) else { return };
    let file = DIR.join(FILES[usize::from(choice) % FILES.len()]);
    let original = std::fs::read(&file).ok();
    std::fs::write(&file, text).expect("write");
    let _ = RuleSet::load(&DIR);
    match original {
        Some(bytes) => std::fs::write(&file, bytes).expect("restore"),
        None => std::fs::remove_file(&file).expect("remove"),
    }
});
