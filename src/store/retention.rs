//! Retention: full scan results are kept for a configured number of days; findings, decisions and
//! notices (the history a reviewer reads) are kept for ever, and so is every scan they point at.

use sqlx::Row;

use super::{Store, StoreError};
use crate::state::JobState;

/// What a prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Pruned {
    pub jobs: u64,
    pub scans: u64,
    pub check_rows: u64,
    /// Page reads not renewed since the cutoff (they are read again at the next scan).
    pub page_reads: u64,
}

/// Scans older than the cutoff that nothing kept points at: no finding's last scan, no notice's
/// settling scan, no newer scan repeating it.
const PRUNABLE: &str = "SELECT id FROM scans WHERE scanned_at < $1 \
     AND id NOT IN (SELECT last_scan_id FROM findings) \
     AND id NOT IN (SELECT settled_scan FROM notices WHERE settled_scan IS NOT NULL) \
     AND id NOT IN (SELECT same_as FROM scans WHERE same_as IS NOT NULL)";

impl Store {
    /// Removes finished jobs and scans older than `cutoff_ms` (Unix milliseconds), in one
    /// transaction. A repeated result is removed once the last scan repeating it has gone (a later
    /// prune).
    pub async fn prune(&self, cutoff_ms: i64) -> Result<Pruned, StoreError> {
        let mut tx = self.pool().begin().await?;
        let ids: Vec<i64> = sqlx::query(PRUNABLE)
            .bind(cutoff_ms)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut pruned = Pruned::default();
        for chunk in ids.chunks(500) {
            let list = super::placeholders(1, chunk.len());
            for (table, column) in [("evidence", "scan_id"), ("check_results", "scan_id"), ("scans", "id")] {
                let sql = format!("DELETE FROM {table} WHERE {column} IN ({list})");
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for id in chunk {
                    q = q.bind(id);
                }
                let n = q.execute(&mut *tx).await?.rows_affected();
                match table {
                    "check_results" => pruned.check_rows += n,
                    "scans" => pruned.scans += n,
                    _ => {}
                }
            }
        }
        pruned.jobs = sqlx::query("DELETE FROM jobs WHERE state IN ($1, $2) AND created_at < $3")
            .bind(JobState::Done.as_str())
            .bind(JobState::Skipped.as_str())
            .bind(cutoff_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        pruned.page_reads = sqlx::query("DELETE FROM page_reads WHERE stored_at < $1")
            .bind(cutoff_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(pruned)
    }
}
