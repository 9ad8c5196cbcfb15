//! Each target's last page read (see [`crate::page_read`]): looked up before a scan, replaced in the
//! transaction that records a scan whose page was read afresh.

use std::collections::HashMap;

use sqlx::Row;

use super::{Store, StoreError};
use crate::page_read::{PageRead, ReadKey, StoredRead};

impl Store {
    /// The read stored for `target`. A row that no longer decodes is no read (the page is read again
    /// and the row replaced), not an error: it is a cache, and a scan must not fail on it.
    pub async fn page_read(&self, target: &str) -> Result<Option<StoredRead>, StoreError> {
        Ok(self.page_reads(&[target]).await?.remove(target))
    }

    /// [`Store::page_read`] of several targets in one statement, by target.
    pub async fn page_reads(&self, targets: &[&str]) -> Result<HashMap<String, StoredRead>, StoreError> {
        let mut reads = HashMap::new();
        let sql = |list: &str| format!("SELECT target, key, read FROM page_reads WHERE target IN ({list})");
        for row in self.fetch_in(targets, sql).await? {
            let target: String = row.try_get(0)?;
            let key: String = row.try_get(1)?;
            let bytes: Vec<u8> = row.try_get(2)?;
            match PageRead::decode(&bytes) {
                Ok(read) => {
                    reads.insert(target, StoredRead { key: ReadKey(key), read });
                }
                Err(e) => tracing::warn!(target, "stored page read ignored: {e}"),
            }
        }
        Ok(reads)
    }
}

/// Stores (or replaces) a target's read, in the caller's transaction.
pub(super) async fn put(
    tx: &mut sqlx::AnyConnection,
    target: &str,
    key: &ReadKey,
    encoded: &[u8],
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO page_reads (target, key, read, stored_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (target) DO UPDATE SET key = excluded.key, read = excluded.read, stored_at = excluded.stored_at",
    )
    .bind(target)
    .bind(&key.0)
    .bind(encoded)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
