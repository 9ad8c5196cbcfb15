//! The industry model's leads on each target's latest scan (the `leads` column), read without the results.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;

use super::{Store, StoreError};

impl Store {
    /// Each filed domain whose targets' latest scans have leads, with the leads of those scans together.
    pub async fn latest_leads(&self) -> Result<BTreeMap<String, BTreeSet<String>>, StoreError> {
        // The outer scan reads only rows with leads (a partial index); a target's newest row by `scans_target_id`.
        let rows = sqlx::query(
            "SELECT s.domain, s.leads FROM scans s WHERE s.leads IS NOT NULL \
             AND s.id = (SELECT MAX(t.id) FROM scans t WHERE t.target = s.target)",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for row in rows {
            let domain: String = row.try_get(0)?;
            let leads: String = row.try_get(1)?;
            out.entry(domain).or_default().extend(leads.split(',').filter(|k| !k.is_empty()).map(str::to_string));
        }
        Ok(out)
    }
}
