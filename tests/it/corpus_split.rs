//! The corpus's held-back split: each case's `meta.json` says `"split": "dev"` (rules may be tuned on
//! it) or `"split": "test"` (reported, never tuned on). Cases from before the split existed were all
//! tuned on and count as `dev`.

use std::path::Path;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Split {
    Dev,
    Test,
}

impl Split {
    pub fn of(case_dir: &Path) -> Split {
        let meta: Value = std::fs::read_to_string(case_dir.join("meta.json"))
            .ok()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Value::Null);
        match meta["split"].as_str() {
            Some("test") => Split::Test,
            Some("dev") | None => Split::Dev,
            Some(other) => panic!("{}: unknown split {other:?}", case_dir.display()),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Split::Dev => "dev",
            Split::Test => "test",
        }
    }
}

/// Agreement over scored cases.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub agree: usize,
    pub total: usize,
}

impl Tally {
    pub fn add(&mut self, ok: bool) {
        self.total += 1;
        self.agree += usize::from(ok);
    }

    pub fn absorb(&mut self, other: Tally) {
        self.agree += other.agree;
        self.total += other.total;
    }

    pub fn share(&self) -> f64 {
        if self.total == 0 { 1.0 } else { self.agree as f64 / self.total as f64 }
    }

    pub fn pct(&self) -> String {
        format!("{:.1}% ({}/{})", self.share() * 100.0, self.agree, self.total)
    }
}

/// The case folders under `tests/fixtures/<kind>`, sorted.
pub fn cases(kind: &str) -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(kind);
    let mut cases: Vec<_> = std::fs::read_dir(&root).expect("fixtures").flatten().map(|e| e.path()).collect();
    cases.retain(|p| p.join("expect.json").is_file());
    cases.sort();
    cases
}

/// `f` over `items` on every core, results in the items' order: the content corpus is thousands of pages,
/// and one thread reading them made it the longest test of the suite.
pub fn par_map<T: Send>(items: &[std::path::PathBuf], f: impl Fn(&Path) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> =
            items.chunks(chunk).map(|part| scope.spawn(|| part.iter().map(|p| f(p)).collect::<Vec<T>>())).collect();
        workers.into_iter().flat_map(|w| w.join().expect("corpus worker")).collect()
    })
}

const CONFIDENCES: [&str; 3] = ["high", "medium", "low"];

/// A case's `expect.json`, with exactly the label `keys` and a known `confidence`: a misspelt or missing key
/// would read as no label, and a slip in a value would be scored silently. Errors name the file and field.
pub fn labels(case_dir: &Path, keys: &[&str]) -> Value {
    let expect = unchecked_labels(case_dir);
    labels_are_shaped(&case_dir.join("expect.json"), &expect, keys);
    expect
}

/// A case's `expect.json` as JSON, for a caller that checks its shape itself; a file that cannot be read or
/// parsed is named.
pub fn unchecked_labels(case_dir: &Path) -> Value {
    let path = case_dir.join("expect.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// [`labels`]' checks on a label already read from `path`.
pub fn labels_are_shaped(path: &Path, expect: &Value, keys: &[&str]) {
    let have: std::collections::BTreeSet<&str> =
        expect.as_object().into_iter().flat_map(|o| o.keys().map(String::as_str)).collect();
    let want: std::collections::BTreeSet<&str> = keys.iter().copied().collect();
    assert!(have == want, "{}: keys {have:?}, want {want:?}", path.display());
    let conf = &expect["confidence"];
    assert!(conf.as_str().is_some_and(|c| CONFIDENCES.contains(&c)), "{}: field `confidence`: {conf}", path.display());
}
