//! The industry model's leads on each target's latest scan (the `leads` column), read without the results.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;

use super::{Store, StoreError};

/// Rows with leads that are their target's latest scan (the partial index `scans_leads` holds only rows with leads;
/// a target's newest row is found by `scans_target_id`).
const LATEST_WITH_LEADS: &str = "SELECT s.domain, s.leads FROM scans s WHERE s.leads IS NOT NULL \
                                 AND s.id = (SELECT MAX(t.id) FROM scans t WHERE t.target = s.target)";

impl Store {
    /// Each filed domain whose targets' latest scans have leads, with the leads of those scans together: of every
    /// domain (`None`, for `report --leads`), or of these domains only.
    pub async fn latest_leads(
        &self,
        domains: Option<&[&str]>,
    ) -> Result<BTreeMap<String, BTreeSet<String>>, StoreError> {
        let rows = match domains {
            None => sqlx::query(LATEST_WITH_LEADS).fetch_all(self.pool()).await?,
            Some(domains) => {
                self.fetch_in(domains, |list| format!("{LATEST_WITH_LEADS} AND s.domain IN ({list})")).await?
            }
        };
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for row in rows {
            let domain: String = row.try_get(0)?;
            let leads: String = row.try_get(1)?;
            out.entry(domain).or_default().extend(leads.split(',').filter(|k| !k.is_empty()).map(str::to_string));
        }
        Ok(out)
    }
}
