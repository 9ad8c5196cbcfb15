//! Reviewers' decisions, notices with their deadlines, and report runs.

use chrono::NaiveDate;
use sqlx::Row;

use super::audit::{AuditEntry, write as write_audit};
use super::{Store, StoreError, now_ms};
use crate::rules::NoticeKind;
use crate::state::{DecisionKind, NoticeState};

/// A reviewer's decision on one check of one scanned host.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    pub domain: String,
    pub target: String,
    pub check_id: String,
    pub decision: DecisionKind,
    pub until: Option<NaiveDate>,
    pub note: String,
    pub decided_by: String,
    pub decided_at: i64,
    /// What evidence was judged (see `report::fingerprint`).
    pub fingerprint: String,
}

/// A notice sent to a customer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoticeRow {
    pub id: i64,
    pub domain: String,
    pub kind: NoticeKind,
    pub sent_at: i64,
    pub sent_by: String,
    pub deadline: NaiveDate,
    pub extended_to: Option<NaiveDate>,
    pub state: NoticeState,
    pub settled_at: Option<i64>,
}

impl NoticeRow {
    /// The deadline in force (the extension's, once granted).
    pub fn due(&self) -> NaiveDate {
        self.extended_to.unwrap_or(self.deadline)
    }
}

fn day(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|d| d.parse().ok())
}

pub(super) fn notice(r: sqlx::any::AnyRow) -> Result<NoticeRow, sqlx::Error> {
    let deadline: String = r.try_get(5)?;
    let state: String = r.try_get(7)?;
    let kind: String = r.try_get(2)?;
    Ok(NoticeRow {
        id: r.try_get(0)?,
        domain: r.try_get(1)?,
        kind: kind.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        sent_at: r.try_get(3)?,
        sent_by: r.try_get(4)?,
        deadline: deadline.parse().unwrap_or_default(),
        extended_to: day(r.try_get(6)?),
        state: state.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        settled_at: r.try_get(8)?,
    })
}

/// A stored decision with its id and, once a lead undid it, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecisionRow {
    pub id: i64,
    #[serde(flatten)]
    pub decision: Decision,
    pub undone_at: Option<i64>,
    pub undone_by: Option<String>,
}

const DECISION_COLUMNS: &str =
    "domain, target, check_id, decision, until_day, note, decided_by, decided_at, fingerprint";

fn decision(r: &sqlx::any::AnyRow) -> Result<Decision, StoreError> {
    let kind: String = r.try_get(3)?;
    Ok(Decision {
        domain: r.try_get(0)?,
        target: r.try_get(1)?,
        check_id: r.try_get(2)?,
        decision: kind.parse().map_err(|e| StoreError::Corrupt(format!("decisions: {e}")))?,
        until: day(r.try_get(4)?),
        note: r.try_get(5)?,
        decided_by: r.try_get(6)?,
        decided_at: r.try_get(7)?,
        fingerprint: r.try_get(8)?,
    })
}

pub(super) const NOTICE_COLUMNS: &str = "id, domain, kind, sent_at, sent_by, deadline, extended_to, state, settled_at";

impl Store {
    /// Stores a decision and its line of the audit trail in one transaction; returns its id.
    pub async fn add_decision(&self, d: &Decision, audit: &AuditEntry) -> Result<i64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query(
            "INSERT INTO decisions (domain, target, check_id, decision, until_day, note, decided_by, decided_at, fingerprint) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&d.domain)
        .bind(&d.target)
        .bind(&d.check_id)
        .bind(d.decision.as_str())
        .bind(d.until.map(|u| u.to_string()))
        .bind(&d.note)
        .bind(&d.decided_by)
        .bind(d.decided_at)
        .bind(&d.fingerprint)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks a decision undone (a lead's undo): the one before it, if any, is in force again. `Ok(false)`
    /// when there is no such decision or it was undone already.
    pub async fn undo_decision(&self, id: i64, by: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        let update =
            sqlx::query("UPDATE decisions SET undone_at = $1, undone_by = $2 WHERE id = $3 AND undone_at IS NULL")
                .bind(now_ms())
                .bind(by)
                .bind(id);
        self.update_one_audited(update, audit).await
    }

    /// Runs an update guarded to one row and, only when it took, writes its audit entry, in one
    /// transaction: an action and its audit row exist together or not at all.
    async fn update_one_audited(
        &self,
        update: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool().begin().await?;
        if update.execute(&mut *tx).await?.rows_affected() != 1 {
            return Ok(false);
        }
        write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every decision on one filed domain's hosts, undone ones included, newest first.
    pub async fn decisions_of(&self, domain: &str) -> Result<Vec<DecisionRow>, StoreError> {
        let sql = format!(
            "SELECT {DECISION_COLUMNS}, id, undone_at, undone_by FROM decisions WHERE domain = $1 ORDER BY id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(domain).fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| {
                Ok(DecisionRow {
                    decision: decision(&r)?,
                    id: r.try_get(9)?,
                    undone_at: r.try_get(10)?,
                    undone_by: r.try_get(11)?,
                })
            })
            .collect()
    }

    /// One decision by id, undone or not.
    pub async fn decision_by_id(&self, id: i64) -> Result<Option<DecisionRow>, StoreError> {
        let sql = format!("SELECT {DECISION_COLUMNS}, id, undone_at, undone_by FROM decisions WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(self.pool()).await?;
        row.map(|r| {
            Ok(DecisionRow {
                decision: decision(&r)?,
                id: r.try_get(9)?,
                undone_at: r.try_get(10)?,
                undone_by: r.try_get(11)?,
            })
        })
        .transpose()
    }

    /// The decision in force per (target, check): the latest one not undone, for every decided check.
    pub async fn latest_decisions(&self) -> Result<Vec<Decision>, StoreError> {
        let sql = format!(
            "SELECT {DECISION_COLUMNS} FROM decisions d WHERE d.id = (SELECT MAX(e.id) FROM decisions e \
             WHERE e.target = d.target AND e.check_id = d.check_id AND e.undone_at IS NULL)"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
        rows.iter().map(decision).collect()
    }

    /// Open findings of a filed domain (its own host and its `www.`) that feed a notice of `kind`.
    pub async fn open_findings_for_notice(&self, domain: &str, kind: NoticeKind) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM findings WHERE (domain = $1 OR target = $1) AND status = 'open' AND notice = $2",
        )
        .bind(domain)
        .bind(kind.as_str())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get(0)?)
    }

    /// Records a notice sent, with its line of the audit trail; returns its id.
    pub async fn add_notice(
        &self,
        domain: &str,
        kind: NoticeKind,
        deadline: NaiveDate,
        by: &str,
        audit: &AuditEntry,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let row = sqlx::query(
            "INSERT INTO notices (domain, kind, sent_at, sent_by, deadline, state) VALUES ($1, $2, $3, $4, $5, 'sent') RETURNING id",
        )
        .bind(domain)
        .bind(kind.as_str())
        .bind(now_ms())
        .bind(by)
        .bind(deadline.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = row.try_get(0)?;
        write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Grants the one extension a notice may have; `Ok(false)` when it already had one or is settled.
    pub async fn extend_notice(&self, id: i64, to: NaiveDate, audit: &AuditEntry) -> Result<bool, StoreError> {
        let update =
            sqlx::query("UPDATE notices SET extended_to = $1 WHERE id = $2 AND extended_to IS NULL AND state = 'sent'")
                .bind(to.to_string())
                .bind(id);
        self.update_one_audited(update, audit).await
    }

    pub async fn notices(&self, domain: Option<&str>) -> Result<Vec<NoticeRow>, StoreError> {
        let sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notices WHERE (CAST($1 AS TEXT) IS NULL OR domain = $2) ORDER BY sent_at, id"
        );
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(domain).bind(domain).fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(notice).collect::<Result<_, _>>()?)
    }

    /// Sent notices whose deadline (or extension) has come.
    pub async fn due_notices(&self, today: NaiveDate) -> Result<Vec<NoticeRow>, StoreError> {
        let sql = format!("SELECT {NOTICE_COLUMNS} FROM notices WHERE state = 'sent' ORDER BY id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
        let all: Vec<NoticeRow> = rows.into_iter().map(notice).collect::<Result<_, _>>()?;
        Ok(all.into_iter().filter(|n| n.due() <= today).collect())
    }

    pub async fn settle_notice(&self, id: i64, state: NoticeState, scan_id: Option<i64>) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE notices SET state = $1, settled_at = $2, settled_scan = $3 WHERE id = $4 AND state = 'sent'",
        )
        .bind(state.as_str())
        .bind(now_ms())
        .bind(scan_id)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records a report run; returns when the previous one ran, if any.
    /// When the last report ran, without recording one.
    pub async fn last_report_ms(&self) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query("SELECT MAX(created_at) FROM reports").fetch_one(self.pool()).await?.try_get(0)?)
    }

    pub async fn record_report(&self, format: &str, filters: &str) -> Result<Option<i64>, StoreError> {
        let last: Option<i64> =
            sqlx::query("SELECT MAX(created_at) FROM reports").fetch_one(self.pool()).await?.try_get(0)?;
        sqlx::query("INSERT INTO reports (created_at, format, filters) VALUES ($1, $2, $3)")
            .bind(now_ms())
            .bind(format)
            .bind(filters)
            .execute(self.pool())
            .await?;
        Ok(last)
    }

    /// The latest stored scan of each of these hosts.
    pub async fn latest_scans(&self, targets: &[String]) -> Result<Vec<super::ScanRow>, StoreError> {
        let mut out = Vec::new();
        for chunk in targets.chunks(200) {
            let sql = format!(
                "{} WHERE s.id IN (SELECT MAX(id) FROM scans WHERE target IN ({}) GROUP BY target)",
                super::results::SCAN_SELECT,
                super::placeholders(1, chunk.len())
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for t in chunk {
                q = q.bind(t);
            }
            for r in q.fetch_all(self.pool()).await? {
                out.push(super::results::scan_row(r)?);
            }
        }
        Ok(out)
    }
}
