//! The config loader: a config file and one environment variable from the input; errors, never panics.
#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use icp_patrol::config::Config;
use libfuzzer_sys::fuzz_target;

static FILE: LazyLock<PathBuf> =
    LazyLock::new(|| std::env::temp_dir().join(format!("icp-patrol-fuzz-config-{}.toml", std::process::id())));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // The last line, when it reads NAME=VALUE, is an environment variable instead.
    let (file, env) = match text.rsplit_once('\n').and_then(|(f, last)| last.split_once('=').map(|kv| (f, kv))) {
        Some((f, (k, v))) if k.starts_with("ICP_PATROL_") => (f, vec![(k.to_string(), v.to_string())]),
        _ => (text, vec![]),
    };
    std::fs::write(&*FILE, file).expect("write");
    let _ = Config::load(Some(&FILE), env);
});
