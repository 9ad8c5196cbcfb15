//! Filing records in the store: all-or-nothing import that updates in place, withdrawal (never
//! deletion), and look-ups for scans and schedules.

use std::collections::HashMap;

use sqlx::Row;

use super::{Store, StoreError, now_ms};
use crate::filing::FilingRecord;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub withdrawn: usize,
}

/// A filing as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFiling {
    pub record: FilingRecord,
    pub province: Option<String>,
    pub status: String,
    pub first_online: Option<i64>,
}

impl Store {
    /// Writes every record in one transaction: new ones added, changed ones updated in place (and
    /// reactivated), and with `replace` every active filing absent from `records` withdrawn.
    pub async fn import(
        &self,
        records: &[FilingRecord],
        province_of: impl Fn(&FilingRecord) -> Option<String>,
        replace: bool,
    ) -> Result<ImportSummary, StoreError> {
        let now = now_ms();
        let mut tx = self.pool().begin().await?;
        let existing: HashMap<String, (String, String)> = sqlx::query("SELECT domain, record, status FROM filings")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| (r.get::<String, _>(0), (r.get::<String, _>(1), r.get::<String, _>(2))))
            .collect();
        let mut summary = ImportSummary::default();
        for record in records {
            let json = serde_json::to_string(record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            match existing.get(&record.domain) {
                Some((old, status)) if old == &json && status == "active" => summary.unchanged += 1,
                Some(_) => {
                    sqlx::query(
                        "UPDATE filings SET record = $1, province = $2, provider = $3, status = 'active', \
                         withdrawn_at = NULL, updated_at = $4 WHERE domain = $5",
                    )
                    .bind(&json)
                    .bind(province_of(record))
                    .bind(record.provider.clone())
                    .bind(now)
                    .bind(&record.domain)
                    .execute(&mut *tx)
                    .await?;
                    summary.updated += 1;
                }
                None => {
                    sqlx::query(
                        "INSERT INTO filings (domain, record, province, provider, status, imported_at, updated_at) \
                         VALUES ($1, $2, $3, $4, 'active', $5, $6)",
                    )
                    .bind(&record.domain)
                    .bind(&json)
                    .bind(province_of(record))
                    .bind(record.provider.clone())
                    .bind(now)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    summary.added += 1;
                }
            }
        }
        if replace {
            let keep: std::collections::HashSet<&str> = records.iter().map(|r| r.domain.as_str()).collect();
            for (domain, (_, status)) in &existing {
                if status == "active" && !keep.contains(domain.as_str()) {
                    sqlx::query(
                        "UPDATE filings SET status = 'withdrawn', withdrawn_at = $1, updated_at = $2 WHERE domain = $3",
                    )
                    .bind(now)
                    .bind(now)
                    .bind(domain)
                    .execute(&mut *tx)
                    .await?;
                    summary.withdrawn += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// Active filings, optionally of one province or provider.
    pub async fn active_filings(
        &self,
        province: Option<&str>,
        provider: Option<&str>,
    ) -> Result<Vec<StoredFiling>, StoreError> {
        let rows = sqlx::query(
            "SELECT record, province, status, first_online FROM filings WHERE status = 'active' \
             AND (CAST($1 AS TEXT) IS NULL OR province = $2) AND (CAST($3 AS TEXT) IS NULL OR provider = $4) ORDER BY domain",
        )
        .bind(province)
        .bind(province)
        .bind(provider)
        .bind(provider)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(stored).collect()
    }

    /// Every filing, withdrawn ones too.
    pub async fn all_filings(&self) -> Result<Vec<StoredFiling>, StoreError> {
        let rows = sqlx::query("SELECT record, province, status, first_online FROM filings ORDER BY domain")
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(stored).collect()
    }

    /// The filing of a host: its own, or its apex's for a `www.` host.
    pub async fn filing_for_host(&self, host: &str) -> Result<Option<StoredFiling>, StoreError> {
        Ok(self.filings_for_hosts(&[host]).await?.remove(host))
    }

    /// [`Store::filing_for_host`] of several hosts in one statement, by host as given; a host without a
    /// filing has no entry.
    pub async fn filings_for_hosts(&self, hosts: &[&str]) -> Result<HashMap<String, StoredFiling>, StoreError> {
        let keys: Vec<(&str, String, String)> = hosts
            .iter()
            .map(|given| {
                let host = given.trim_end_matches('.').to_ascii_lowercase();
                let apex = host.strip_prefix("www.").unwrap_or(&host).to_string();
                (*given, host, apex)
            })
            .collect();
        let mut domains: Vec<&str> = keys.iter().flat_map(|(_, host, apex)| [host.as_str(), apex.as_str()]).collect();
        domains.sort_unstable();
        domains.dedup();
        let mut by_domain: HashMap<String, StoredFiling> = HashMap::new();
        let sql = |list: &str| {
            format!("SELECT record, province, status, first_online, domain FROM filings WHERE domain IN ({list})")
        };
        for row in self.fetch_in(&domains, sql).await? {
            let domain: String = row.try_get(4)?;
            by_domain.insert(domain, stored(row)?);
        }
        // A host's own filing comes before its apex's.
        Ok(keys
            .into_iter()
            .filter_map(|(given, host, apex)| {
                let filing = by_domain.get(&host).or_else(|| by_domain.get(&apex))?;
                Some((given.to_string(), filing.clone()))
            })
            .collect())
    }
}

fn stored(row: sqlx::any::AnyRow) -> Result<StoredFiling, StoreError> {
    let json: String = row.try_get(0)?;
    let record: FilingRecord = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(StoredFiling { record, province: row.try_get(1)?, status: row.try_get(2)?, first_online: row.try_get(3)? })
}
