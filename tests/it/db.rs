//! Databases for tests: a temporary SQLite file, or a fresh PostgreSQL database on 127.0.0.1:5432
//! created for the test and dropped after it. PostgreSQL tests never skip: without a server they
//! fail and say how to start one.

use std::sync::atomic::{AtomicUsize, Ordering};

use icp_patrol::store::Store;
use sqlx::Connection;

pub const PG_ADMIN: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

pub struct TestDb {
    pub url: String,
    pub kind: Kind,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    pub async fn new(kind: Kind) -> TestDb {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDb { url, kind, _dir: Some(dir), pg_name: None }
            }
            Kind::Postgres => {
                static N: AtomicUsize = AtomicUsize::new(0);
                let name =
                    format!("icp_test_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst), rand_suffix());
                let mut admin = sqlx::PgConnection::connect(PG_ADMIN).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL is needed on 127.0.0.1:5432 (user postgres, trust auth) and is not reachable: {e}\n\
                         start it with: pg_ctlcluster $(ls /etc/postgresql) main start   (.ci/run does this)"
                    )
                });
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut admin)
                    .await
                    .expect("create database");
                let _ = admin.close().await;
                TestDb {
                    url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
                    kind,
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }

    pub async fn store(&self) -> Store {
        Store::connect(&self.url).await.expect("store connects and migrates")
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos() as u64).unwrap_or(0)
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else { return };
        // Dropping needs async I/O; do it on a thread of its own so any runtime state is left alone.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async move {
                if let Ok(mut admin) = sqlx::PgConnection::connect(PG_ADMIN).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

/// Both backends, for suites that must pass on each.
pub async fn both() -> Vec<TestDb> {
    vec![TestDb::new(Kind::Sqlite).await, TestDb::new(Kind::Postgres).await]
}
