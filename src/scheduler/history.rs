//! The edge that feeds the `change.*` checks: the site's previous scans and its open change findings,
//! read from the store and handed to the pure comparison as values.

use std::collections::HashMap;

use crate::checks::{Evidence, ScanFacts};
use crate::engine::Scanner;
use crate::filing::FilingRecord;
use crate::result::ScanResult;
use crate::store::{FindingRow, Store, StoreError};

/// How many of a host's latest scans the comparison reads: the debounce needs the last `scans - 1`
/// values and the one before them; a few more let scans that could not tell (a failed fetch) pass
/// without losing the change.
pub fn window(scanner: &Scanner) -> i64 {
    scanner.rules().changes.scans as i64 + 4
}

/// Compares a fresh result with the stored history of its host (before the result is recorded),
/// then judges it again. `open` is the host's open findings.
pub async fn compare(
    store: &Store,
    scanner: &Scanner,
    result: &mut ScanResult,
    filing: Option<&FilingRecord>,
    open: &HashMap<String, FindingRow>,
) -> Result<(), StoreError> {
    let previous = store.recent_facts(&result.domain, window(scanner)).await?;
    compare_with(scanner, result, filing, open, &previous);
    Ok(())
}

/// [`compare`] with the host's latest scans already read (newest first, at most [`window`]).
pub fn compare_with(
    scanner: &Scanner,
    result: &mut ScanResult,
    filing: Option<&FilingRecord>,
    open: &HashMap<String, FindingRow>,
    previous: &[ScanFacts],
) {
    let open: HashMap<String, Evidence> = open
        .iter()
        .filter(|(id, _)| id.starts_with("change."))
        .map(|(id, f)| (id.clone(), serde_json::from_str(&f.evidence).unwrap_or_default()))
        .collect();
    scanner.compare_with_history(result, previous, &open, filing);
    scanner.judge(result, filing);
}
