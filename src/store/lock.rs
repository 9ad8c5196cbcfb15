//! One daemon per SQLite file. SQLite has one writer; a second daemon on the same file would only
//! queue behind the first, so it is turned away with a clear error. A lock left by a daemon that was
//! killed is taken over when its process is gone or the lock has expired.

use sqlx::Row;

use super::{Backend, Store, StoreError, now_ms};

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another daemon ({holder}, pid {pid} on {host}) is using this SQLite database until {until}; \
         one daemon per SQLite file (use PostgreSQL to run several)"
    )]
    Held { holder: String, host: String, pid: i64, until: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

fn process_alive(pid: i64) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

impl Store {
    /// Takes (or refreshes) the daemon lock for `holder`; PostgreSQL needs none.
    pub async fn take_daemon_lock(&self, holder: &str, ttl_ms: i64) -> Result<(), LockError> {
        if self.backend() != Backend::Sqlite {
            return Ok(());
        }
        let now = now_ms();
        let host = hostname();
        let pid = i64::from(std::process::id());
        let mut tx = self.pool().begin().await.map_err(StoreError::from)?;
        let current = sqlx::query("SELECT holder, host, pid, expires_at FROM daemon_lock WHERE name = 'daemon'")
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        if let Some(row) = current {
            let other: String = row.try_get(0).map_err(StoreError::from)?;
            let other_host: String = row.try_get(1).map_err(StoreError::from)?;
            let other_pid: i64 = row.try_get(2).map_err(StoreError::from)?;
            let expires: i64 = row.try_get(3).map_err(StoreError::from)?;
            let dead_here = other_host == host && !process_alive(other_pid);
            if other != holder && expires > now && !dead_here {
                let until =
                    chrono::DateTime::from_timestamp_millis(expires).map(|t| t.to_rfc3339()).unwrap_or_default();
                return Err(LockError::Held { holder: other, host: other_host, pid: other_pid, until });
            }
        }
        sqlx::query(
            "INSERT INTO daemon_lock (name, holder, host, pid, expires_at) VALUES ('daemon', $1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid, expires_at = excluded.expires_at",
        )
        .bind(holder)
        .bind(&host)
        .bind(pid)
        .bind(now + ttl_ms)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Gives the lock up on a clean stop.
    pub async fn release_daemon_lock(&self, holder: &str) -> Result<(), StoreError> {
        if self.backend() == Backend::Sqlite {
            sqlx::query("DELETE FROM daemon_lock WHERE name = 'daemon' AND holder = $1")
                .bind(holder)
                .execute(self.pool())
                .await?;
        }
        Ok(())
    }
}
