//! `sqlx::migrate!` embeds the migration files when the crate compiles; a migration added without a
//! change to Rust code must still rebuild it.
//!
//! `BUILD_SOURCE_DIGEST` (not `ICP_PATROL_…`: cargo sets it when it runs tests too, and those names
//! are settings) names the code this build was made from (every file under `src/` and the
//! locked dependencies): a page read kept by one build is reused only by a build of the same code.

use std::hash::{DefaultHasher, Hasher};
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    files.push(PathBuf::from("Cargo.lock"));
    files.sort();
    let mut hash = DefaultHasher::new();
    for file in &files {
        hash.write(file.to_string_lossy().as_bytes());
        // A missing file (no lock file in a fresh checkout) hashes as empty: still one digest per tree.
        let bytes = std::fs::read(file).unwrap_or_default();
        hash.write_usize(bytes.len());
        hash.write(&bytes);
    }
    println!("cargo:rustc-env=BUILD_SOURCE_DIGEST={:016x}", hash.finish());
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}
