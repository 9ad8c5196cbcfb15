//! The pure core takes values only: no module of it names an edge (`fetch`, `dns`, `store`), and the
//! two network edges do not name each other (design.md, "The core imports no edge").

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn offenders(modules: &[&str], forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for m in modules {
        let dir = root.join(m);
        let path = if dir.exists() { dir } else { root.join(format!("{m}.rs")) };
        sources(&path, &mut files);
    }
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        for (n, line) in text.lines().enumerate() {
            for edge in forbidden {
                if line.contains(&format!("crate::{edge}::")) || line.contains(&format!("crate::{edge}}}")) {
                    found.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
                }
            }
        }
    }
    found
}

#[test]
fn the_core_names_no_edge() {
    let core = ["filing", "rules", "extract", "classify", "checks", "verdict", "notice", "result", "net"];
    let found = offenders(&core, &["fetch", "dns", "store"]);
    assert!(found.is_empty(), "the core imports an edge:\n{}", found.join("\n"));
}

#[test]
fn dns_and_fetch_do_not_import_each_other() {
    let mut found = offenders(&["dns"], &["fetch"]);
    found.extend(offenders(&["fetch"], &["dns"]));
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn alert_messages_are_built_without_the_edges() {
    let pure = ["alert/digest", "alert/message", "alert/vendor"];
    let found = offenders(&pure, &["fetch", "dns", "store", "scheduler"]);
    assert!(found.is_empty(), "an alert message module imports an edge:\n{}", found.join("\n"));
}
