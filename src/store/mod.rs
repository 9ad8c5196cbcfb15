//! The only place that touches the database: filings, the job queue, scans with their check results,
//! findings with a lifecycle. SQLite by default (a file, zero set-up), PostgreSQL for several daemons
//! sharing the work; one API, the backend chosen by the URL.
//!
//! Queries are written once for both (sqlx `Any`): times are Unix milliseconds, JSON is text,
//! placeholders are `$n` (SQLite accepts them too). Where the dialects differ (claiming jobs with
//! `FOR UPDATE SKIP LOCKED`) the backend is asked.

mod accounts;
mod alerts;
mod audit;
mod console;
mod filings;
mod jobs;
mod leads;
mod lock;
mod page_reads;
mod results;
mod retention;
mod reviews;
mod unchanged;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};

pub use accounts::{AccountError, SessionRow, User, UserChange};
pub use alerts::AlertFinding;
pub use audit::{Actor, AuditEntry, AuditRow, Via};
pub use console::{FindingPage, FindingQuery, ListedFinding, Recurrence};
pub use filings::{ImportSummary, StoredFiling};
pub use jobs::{ClaimedJob, QueueCounts};
pub use lock::LockError;
pub use results::{FindingRow, JobResult, ScanRow, StorageFigures};
pub use retention::Pruned;
pub use reviews::{Decision, DecisionRow, NoticeRow};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?} (expected sqlite://… or postgres://…)")]
    UnsupportedUrl(String),
    #[error("cannot connect to {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    /// The server did not accept a connection: named with its host and port, and why, at once
    /// (not a pool timing out half a minute later).
    #[error("cannot reach the database server {host}:{port} ({url}): {cause}")]
    Unreachable { url: String, host: String, port: u16, cause: String },
    #[error("migrating {url}: {source}")]
    Migrate { url: String, source: sqlx::migrate::MigrateError },
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// The daemon's writer of results ended before this result was recorded (the daemon is stopping).
    #[error("the daemon's recorder has stopped")]
    RecorderStopped,
}

/// A connection pool and which dialect it speaks.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: String,
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// The URL with any password replaced, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl Store {
    /// Connects and applies the migrations of the backend.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend: Backend = url.parse()?;
        let shown = redact_url(url);
        let (url, max) = match backend {
            // Create the file if missing; one writer at a time is SQLite's nature.
            Backend::Sqlite if !url.contains("mode=") => {
                (format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' }), 8)
            }
            Backend::Sqlite => (url.to_string(), 8),
            Backend::Postgres => (url.to_string(), 16),
        };
        let mut options = AnyPoolOptions::new().max_connections(max).acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    Ok(())
                })
            });
        }
        if backend == Backend::Postgres {
            probe(&url, &shown).await?;
        }
        let pool = options.connect(&url).await.map_err(|source| StoreError::Connect { url: shown.clone(), source })?;
        let store = Store { pool, backend, url: shown };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations (idempotent).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let result = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&self.pool).await,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&self.pool).await,
        };
        result.map_err(|source| StoreError::Migrate { url: self.url.clone(), source })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL, password redacted.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A cheap liveness question for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// How long a database server may take to accept the first connection before the command fails.
const REACH_TIMEOUT: Duration = Duration::from_secs(5);

/// One connection, outside the pool (which retries until its acquire timeout and then says only
/// that it timed out): fails within `REACH_TIMEOUT` with the server's address and the cause.
async fn probe(url: &str, shown: &str) -> Result<(), StoreError> {
    use sqlx::Connection;
    let parsed = url::Url::parse(url).ok();
    let host = parsed.as_ref().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| "localhost".into());
    let port = parsed.as_ref().and_then(url::Url::port).unwrap_or(5432);
    let unreachable =
        |cause: String| StoreError::Unreachable { url: shown.to_string(), host: host.clone(), port, cause };
    match tokio::time::timeout(REACH_TIMEOUT, sqlx::AnyConnection::connect(url)).await {
        Err(_) => Err(unreachable(format!("no answer within {} s", REACH_TIMEOUT.as_secs()))),
        Ok(Err(e)) => Err(unreachable(root_cause(&e))),
        Ok(Ok(conn)) => {
            let _ = conn.close().await;
            Ok(())
        }
    }
}

/// The innermost cause's text (`Connection refused (os error 111)`), once.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last: &dyn std::error::Error = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

impl FromStr for Backend {
    type Err = StoreError;
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.to_string()))
        }
    }
}

/// The most keys one batched look-up binds (SQLite allows 32,766 variables and 500 terms of a compound
/// SELECT, which the recent facts' per-target union is; a few hundred keep each statement's reply small).
const IN_LIST_MAX: usize = 200;

impl Store {
    /// The rows of `sql(list)` over `keys`, a few hundred at a time: `list` is the placeholders of one
    /// chunk (`$1, $2, …`), to which its keys are bound in order.
    pub(crate) async fn fetch_in(
        &self,
        keys: &[&str],
        sql: impl Fn(&str) -> String,
    ) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
        let mut rows = Vec::new();
        for chunk in keys.chunks(IN_LIST_MAX) {
            let sql = sql(&placeholders(1, chunk.len()));
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for key in chunk {
                query = query.bind(*key);
            }
            rows.extend(query.fetch_all(self.pool()).await?);
        }
        Ok(rows)
    }
}

/// `$from, $from+1, …` for `n` values: placeholders both dialects accept.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The rows of a multi-row `VALUES`: `rows` tuples of `width` placeholders numbered from `$1`, each
/// followed by `constants` (SQL literals the same in every row, or nothing).
pub(crate) fn value_rows(rows: usize, width: usize, constants: &str) -> String {
    (0..rows)
        .map(|i| {
            let values = placeholders(i * width + 1, width);
            if constants.is_empty() { format!("({values})") } else { format!("({values}, {constants})") }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::value_rows;

    #[test]
    fn value_rows_number_every_placeholder_once_and_repeat_the_constants() {
        assert_eq!(value_rows(2, 3, ""), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_rows(2, 2, "'open', 1"), "($1, $2, 'open', 1), ($3, $4, 'open', 1)");
    }
}
