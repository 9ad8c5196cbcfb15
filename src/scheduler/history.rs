//! The edge that feeds the `change.*` checks: the site's previous scans and its open change findings,
//! read from the store and handed to the pure comparison as values.

use std::collections::HashMap;

use crate::checks::{Evidence, ScanFacts};
use crate::engine::Scanner;
use crate::filing::FilingRecord;
use crate::result::ScanResult;
use crate::store::{FindingRow, Store, StoreError};

/// Compares a fresh result with the stored history of its host (before the result is recorded),
/// then judges it again. `open` is the host's open findings.
pub async fn compare(
    store: &Store,
    scanner: &Scanner,
    result: &mut ScanResult,
    filing: Option<&FilingRecord>,
    open: &HashMap<String, FindingRow>,
) -> Result<(), StoreError> {
    // The debounce needs the last `scans - 1` values and the one before them; a few more let scans
    // that could not tell (a failed fetch) pass without losing the change.
    let window = scanner.rules().changes.scans as i64 + 4;
    let previous: Vec<ScanFacts> = store.recent_facts(&result.domain, window).await?;
    let open: HashMap<String, Evidence> = open
        .iter()
        .filter(|(id, _)| id.starts_with("change."))
        .map(|(id, f)| (id.clone(), serde_json::from_str(&f.evidence).unwrap_or_default()))
        .collect();
    scanner.compare_with_history(result, &previous, &open, filing);
    scanner.judge(result, filing);
    Ok(())
}
