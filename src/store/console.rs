//! The console's reads: findings filtered and paged in the database (a provider has hundreds of
//! thousands open), and one filed domain's findings for its page.

use sqlx::Row;

use super::results::{FINDING_COLUMNS_OF_F, finding};
use super::{FindingRow, Store, StoreError};
use crate::state::DecisionKind;

/// Whether a finding is the first of its kind on its host or came back after being resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    New,
    Recurring,
}

/// The console's filters. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FindingQuery {
    pub province: Option<String>,
    pub provider: Option<String>,
    /// A notice kind's id (`special_inspection`, `change_filing`, `none`).
    pub notice: Option<String>,
    /// `None`: open and resolved alike.
    pub status: Option<crate::state::FindingStatus>,
    pub recurrence: Option<Recurrence>,
    /// The decision in force; `Some(None)`: findings nobody has decided on.
    pub decision: Option<Option<DecisionKind>>,
    /// Only these filed domains (an entity's).
    pub domains: Option<Vec<String>>,
    /// Seen on or after this moment (Unix ms).
    pub seen_since_ms: Option<i64>,
    /// Hosts containing this text.
    pub host_contains: Option<String>,
}

/// A finding as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListedFinding {
    #[serde(flatten)]
    pub finding: FindingRow,
    pub province: Option<String>,
    pub provider: Option<String>,
    pub recurring: bool,
    /// The decision in force (latest not undone) and the fingerprint it judged.
    pub decision: Option<DecisionKind>,
    pub decision_fingerprint: Option<String>,
}

/// One page of findings and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingPage {
    pub rows: Vec<ListedFinding>,
    pub total: i64,
}

enum Bind {
    Text(String),
    Int(i64),
}

/// A WHERE clause being built and its values, numbered from `$1`.
#[derive(Default)]
struct Where {
    clauses: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    /// A condition on one value; `clause` gets the value's placeholder number.
    fn on(&mut self, value: Bind, clause: impl FnOnce(usize) -> String) {
        self.binds.push(value);
        self.clauses.push(clause(self.binds.len()));
    }
}

fn conditions(q: &FindingQuery) -> (String, Vec<Bind>) {
    let mut w = Where { clauses: vec!["1 = 1".into()], binds: Vec::new() };
    if let Some(p) = &q.province {
        w.on(Bind::Text(p.clone()), |n| format!("g.province = ${n}"));
    }
    if let Some(p) = &q.provider {
        w.on(Bind::Text(p.clone()), |n| format!("g.provider = ${n}"));
    }
    if let Some(n) = &q.notice {
        w.on(Bind::Text(n.clone()), |i| format!("f.notice = ${i}"));
    }
    if let Some(s) = q.status {
        w.on(Bind::Text(s.as_str().to_string()), |i| format!("f.status = ${i}"));
    }
    if let Some(since) = q.seen_since_ms {
        w.on(Bind::Int(since), |i| format!("f.last_seen >= ${i}"));
    }
    if let Some(text) = &q.host_contains {
        let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        w.on(Bind::Text(format!("%{escaped}%")), |i| format!("f.target LIKE ${i} ESCAPE '\\'"));
    }
    match q.recurrence {
        Some(Recurrence::Recurring) => w.clauses.push(format!("EXISTS ({RESOLVED_BEFORE})")),
        Some(Recurrence::New) => w.clauses.push(format!("NOT EXISTS ({RESOLVED_BEFORE})")),
        None => {}
    }
    // As joins, not as the scalar DECISION_IN_FORCE per row: the count reads every matching finding.
    match q.decision {
        Some(Some(kind)) => w.on(Bind::Text(kind.as_str().to_string()), |i| format!("EXISTS ({DECIDED_AS}${i})")),
        Some(None) => w.clauses.push(format!("NOT EXISTS ({DECIDED})")),
        None => {}
    }
    if let Some(domains) = &q.domains {
        if domains.is_empty() {
            w.clauses.push("1 = 0".into());
        } else {
            let from = w.binds.len() + 1;
            w.binds.extend(domains.iter().cloned().map(Bind::Text));
            w.clauses.push(format!("f.domain IN ({})", super::placeholders(from, domains.len())));
        }
    }
    (w.clauses.join(" AND "), w.binds)
}

const RESOLVED_BEFORE: &str = "SELECT 1 FROM findings r WHERE r.target = f.target AND r.check_id = f.check_id \
                               AND r.status = 'resolved' AND r.id < f.id";
const DECISION_IN_FORCE: &str = "SELECT d.decision FROM decisions d WHERE d.target = f.target AND d.check_id = f.check_id \
                                 AND d.undone_at IS NULL ORDER BY d.id DESC LIMIT 1";
/// Some decision not undone: the one in force is then the latest of them.
const DECIDED: &str = "SELECT 1 FROM decisions d WHERE d.target = f.target AND d.check_id = f.check_id \
                       AND d.undone_at IS NULL";
/// The decision in force is of the kind bound right after this text.
const DECIDED_AS: &str = "SELECT 1 FROM decisions d WHERE d.target = f.target AND d.check_id = f.check_id \
                          AND d.undone_at IS NULL AND NOT EXISTS (SELECT 1 FROM decisions l WHERE l.target = d.target \
                          AND l.check_id = d.check_id AND l.undone_at IS NULL AND l.id > d.id) AND d.decision = ";
const FINGERPRINT_IN_FORCE: &str = "SELECT d.fingerprint FROM decisions d WHERE d.target = f.target \
                                    AND d.check_id = f.check_id AND d.undone_at IS NULL ORDER BY d.id DESC LIMIT 1";

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    binds: &'q [Bind],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    for b in binds {
        q = match b {
            Bind::Text(t) => q.bind(t.as_str()),
            Bind::Int(i) => q.bind(*i),
        };
    }
    q
}

impl Store {
    /// One page of findings matching `q`, most recently seen first, and the number that match.
    pub async fn findings_page(&self, q: &FindingQuery, offset: i64, limit: i64) -> Result<FindingPage, StoreError> {
        let (clause, binds) = conditions(q);
        let from = "FROM findings f LEFT JOIN filings g ON g.domain = f.domain";
        let count_sql = format!("SELECT COUNT(*) {from} WHERE {clause}");
        let total: i64 = bind_all(sqlx::query(sqlx::AssertSqlSafe(count_sql.as_str())), &binds)
            .fetch_one(self.pool())
            .await?
            .try_get(0)?;
        let n = binds.len();
        // The page's ids first, then the costly columns for those rows only: a deep page skips
        // tens of thousands of rows, which must not each pay for three subqueries.
        let sql = format!(
            "SELECT {FINDING_COLUMNS_OF_F}, g.province, g.provider, \
             CASE WHEN EXISTS ({RESOLVED_BEFORE}) THEN 1 ELSE 0 END, ({DECISION_IN_FORCE}), ({FINGERPRINT_IN_FORCE}) \
             FROM (SELECT f.id {from} WHERE {clause} ORDER BY f.last_seen DESC, f.id DESC LIMIT ${} OFFSET ${}) page \
             JOIN findings f ON f.id = page.id LEFT JOIN filings g ON g.domain = f.domain \
             ORDER BY f.last_seen DESC, f.id DESC",
            n + 1,
            n + 2
        );
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql.as_str())), &binds)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.pool())
            .await?;
        let rows = rows
            .into_iter()
            .map(|r| {
                let recurring: i32 = r.try_get::<i32, _>(14).or_else(|_| r.try_get::<i64, _>(14).map(|v| v as i32))?;
                let decision: Option<String> = r.try_get(15)?;
                Ok(ListedFinding {
                    finding: finding(&r)?,
                    province: r.try_get(12)?,
                    provider: r.try_get(13)?,
                    recurring: recurring != 0,
                    decision: decision
                        .map(|d| d.parse::<DecisionKind>())
                        .transpose()
                        .map_err(|e| StoreError::Corrupt(format!("decisions: {e}")))?,
                    decision_fingerprint: r.try_get(16)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(FindingPage { rows, total })
    }

    /// Every finding of one filed domain's hosts, open first, then the newest.
    pub async fn findings_of(&self, domain: &str) -> Result<Vec<FindingRow>, StoreError> {
        let sql = format!(
            "SELECT {FINDING_COLUMNS_OF_F} FROM findings f WHERE f.domain = $1 \
             ORDER BY CASE WHEN f.status = 'open' THEN 0 ELSE 1 END, f.last_seen DESC, f.id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(domain).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(finding).collect::<Result<_, _>>()?)
    }

    /// One finding by id.
    pub async fn finding_by_id(&self, id: i64) -> Result<Option<FindingRow>, StoreError> {
        let sql = format!("SELECT {FINDING_COLUMNS_OF_F} FROM findings f WHERE f.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(finding).transpose()?)
    }
}

impl Store {
    /// The newest finding's id (0 when there is none): a page compares it with the one it was drawn with.
    pub async fn latest_finding_id(&self) -> Result<i64, StoreError> {
        let id: Option<i64> = sqlx::query("SELECT MAX(id) FROM findings").fetch_one(self.pool()).await?.try_get(0)?;
        Ok(id.unwrap_or(0))
    }
}
