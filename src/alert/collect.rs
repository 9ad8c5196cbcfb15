//! The digest of a finished cycle, from the store: findings and overdue notices not told of yet
//! (claimed as they are read), less what a reviewer set apart on the same evidence. Only what some
//! channel listens to is claimed: a findings channel added later still hears of the open ones.

use chrono::{NaiveDate, Utc};

use super::digest::{Digest, FindingItem, OverdueItem, Trigger};
use crate::rules::RuleSet;
use crate::store::{Store, StoreError};

pub async fn collect(
    store: &Store,
    rules: &RuleSet,
    today: NaiveDate,
    cycles: Vec<String>,
    wanted: &(dyn Fn(Trigger) -> bool + Sync),
) -> Result<Digest, StoreError> {
    let now = Utc::now();
    let found =
        if wanted(Trigger::Findings) { store.claim_alert_findings(now.timestamp_millis()).await? } else { vec![] };
    let decisions = if found.is_empty() { vec![] } else { store.latest_decisions().await? };
    let findings = found
        .into_iter()
        .filter(|f| {
            !decisions
                .iter()
                .any(|d| d.target == f.target && crate::report::set_apart(d, &f.check_id, &f.evidence, today))
        })
        .map(|f| FindingItem {
            message: rules.catalogue.get(&f.check_id).map_or_else(|| f.check_id.clone(), |c| c.message.clone()),
            domain: f.domain,
            target: f.target,
            check_id: f.check_id,
            severity: f.severity,
            notice: f.notice,
            province: f.province,
            provider: f.provider,
            first_seen: f.first_seen,
        })
        .collect();
    let overdue = if wanted(Trigger::Overdue) {
        store.claim_overdue_notices(today, now.timestamp_millis()).await?
    } else {
        vec![]
    };
    let overdue = overdue
        .into_iter()
        .map(|(n, province, provider)| OverdueItem {
            notice_id: n.id,
            due: n.due(),
            domain: n.domain,
            kind: n.kind,
            state: n.state,
            province,
            provider,
        })
        .collect();
    Ok(Digest { cycles, findings, overdue, ..Digest::new(now) })
}
