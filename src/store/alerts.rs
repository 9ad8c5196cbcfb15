//! What the alert digest reads: findings that feed a notice and were never told of, notices past
//! their deadline never told of. Each is claimed (marked told) in the statement that finds it, so of
//! two daemons sharing a database only one tells it.

use chrono::NaiveDate;
use sqlx::Row;

use super::reviews::{NOTICE_COLUMNS, notice};
use super::{NoticeRow, Store, StoreError, placeholders};
use crate::rules::{NoticeKind, Severity};

/// A finding to tell of, with what the filters need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertFinding {
    pub domain: String,
    pub target: String,
    pub check_id: String,
    pub notice: NoticeKind,
    pub severity: Severity,
    pub first_seen: i64,
    pub evidence: String,
    pub province: Option<String>,
    pub provider: Option<String>,
}

fn severity(s: &str) -> Severity {
    match s {
        "error" => Severity::Error,
        "info" => Severity::Info,
        _ => Severity::Warning,
    }
}

impl Store {
    /// Open findings that feed a notice and were not told of yet, marked told at `now` (ms).
    pub async fn claim_alert_findings(&self, now: i64) -> Result<Vec<AlertFinding>, StoreError> {
        let ids: Vec<i64> = sqlx::query(
            "UPDATE findings SET alerted_at = $1 WHERE status = 'open' AND notice <> 'none' AND alerted_at IS NULL RETURNING id",
        )
        .bind(now)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(200) {
            let sql = format!(
                "SELECT f.domain, f.target, f.check_id, f.notice, c.severity, f.first_seen, f.evidence, fl.province, fl.provider \
                 FROM findings f \
                 LEFT JOIN scans ls ON ls.id = f.last_scan_id \
                 LEFT JOIN check_results c ON c.scan_id = COALESCE(ls.same_as, ls.id) AND c.check_id = f.check_id \
                 LEFT JOIN filings fl ON fl.domain = f.domain \
                 WHERE f.id IN ({}) ORDER BY f.domain, f.target, f.check_id",
                placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for id in chunk {
                q = q.bind(id);
            }
            for r in q.fetch_all(self.pool()).await? {
                let notice: String = r.try_get(3)?;
                let sev: Option<String> = r.try_get(4)?;
                out.push(AlertFinding {
                    domain: r.try_get(0)?,
                    target: r.try_get(1)?,
                    check_id: r.try_get(2)?,
                    notice: notice.parse().map_err(|e| StoreError::Corrupt(format!("findings: {e}")))?,
                    severity: severity(sev.as_deref().unwrap_or("warning")),
                    first_seen: r.try_get(5)?,
                    evidence: r.try_get(6)?,
                    province: r.try_get(7)?,
                    provider: r.try_get(8)?,
                });
            }
        }
        Ok(out)
    }

    /// Notices past their deadline (settled overdue by their re-scan, or still open a day after it)
    /// not told of yet, marked told at `now`, with their filing's province and provider.
    pub async fn claim_overdue_notices(
        &self,
        today: NaiveDate,
        now: i64,
    ) -> Result<Vec<(NoticeRow, Option<String>, Option<String>)>, StoreError> {
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notices WHERE overdue_alerted_at IS NULL AND state IN ('sent', 'overdue') ORDER BY id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
        let candidates: Vec<NoticeRow> = rows.into_iter().map(notice).collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for n in candidates {
            let overdue = n.state == crate::state::NoticeState::Overdue || n.due() < today;
            if !overdue {
                continue;
            }
            let claimed =
                sqlx::query("UPDATE notices SET overdue_alerted_at = $1 WHERE id = $2 AND overdue_alerted_at IS NULL")
                    .bind(now)
                    .bind(n.id)
                    .execute(self.pool())
                    .await?;
            if claimed.rows_affected() != 1 {
                continue;
            }
            let place = sqlx::query("SELECT province, provider FROM filings WHERE domain = $1")
                .bind(&n.domain)
                .fetch_optional(self.pool())
                .await?;
            let (province, provider) = match place {
                Some(r) => (r.try_get(0)?, r.try_get(1)?),
                None => (None, None),
            };
            out.push((n, province, provider));
        }
        Ok(out)
    }

    /// Of a cycle's recorded scans: how many, and how many got no page at all (`site.unreachable`
    /// not passed: refused, timed out, DNS trouble). A scan keeps no row for a check that passed as
    /// before: no row is a pass.
    pub async fn cycle_reach(&self, cycle: &str) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN c.outcome IS NULL OR c.outcome = 'pass' THEN 0 ELSE 1 END), 0) FROM jobs j \
             JOIN scans s ON s.job_id = j.id \
             LEFT JOIN check_results c ON c.scan_id = COALESCE(s.same_as, s.id) AND c.check_id = 'site.unreachable' \
             WHERE j.cycle = $1",
        )
        .bind(cycle)
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }
}
