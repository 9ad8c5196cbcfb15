//! Console accounts and their sessions. Passwords arrive here already hashed (argon2id, by
//! `console::password`); a session is kept as the SHA-256 of its token, never the token itself.

use sqlx::Row;

use super::audit::{AuditEntry, write as write_audit};
use super::{Store, StoreError, now_ms};
use crate::state::Role;

/// A console account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// `None`: the account signs in only through the identity proxy.
    #[serde(skip)]
    pub password_hash: Option<String>,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
}

impl User {
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }

    pub fn is_locked(&self, now: i64) -> bool {
        self.locked_until.is_some_and(|t| t > now)
    }
}

/// A live session with its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub user: User,
    pub csrf: String,
    pub expires_at: i64,
}

/// What an account change may run into besides the database.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("there is already an account named {0:?}")]
    Exists(String),
    #[error("there is no account named {0:?}")]
    Unknown(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Store(e.into())
    }
}

const USER_COLUMNS: &str = "id, name, role, password_hash, created_at, disabled_at, failed_logins, locked_until";

fn user(r: &sqlx::any::AnyRow, at: usize) -> Result<User, sqlx::Error> {
    let role: String = r.try_get(at + 2)?;
    Ok(User {
        id: r.try_get(at)?,
        name: r.try_get(at + 1)?,
        role: role.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        password_hash: r.try_get(at + 3)?,
        created_at: r.try_get(at + 4)?,
        disabled_at: r.try_get(at + 5)?,
        failed_logins: r.try_get(at + 6)?,
        locked_until: r.try_get(at + 7)?,
    })
}

impl Store {
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
        Ok(rows.iter().map(|r| user(r, 0)).collect::<Result<_, _>>()?)
    }

    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE name = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(name).fetch_optional(self.pool()).await?;
        Ok(row.as_ref().map(|r| user(r, 0)).transpose()?)
    }

    /// Creates an account; the trail records it in the same transaction.
    pub async fn add_user(
        &self,
        name: &str,
        role: Role,
        password_hash: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<i64, AccountError> {
        let mut tx = self.pool().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(now_ms())
        .fetch_one(&mut *tx)
        .await;
        let id: i64 = match inserted {
            Ok(row) => row.try_get(0)?,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(AccountError::Exists(name.to_string()));
            }
            Err(e) => return Err(e.into()),
        };
        write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an account's password, role or state by name; its sessions end when it is disabled
    /// or its password changes. `Unknown` when no such account exists.
    pub async fn change_user(
        &self,
        name: &str,
        change: UserChange<'_>,
        audit: &AuditEntry,
    ) -> Result<(), AccountError> {
        let mut tx = self.pool().begin().await?;
        let done = match change {
            UserChange::Password(hash) => {
                sqlx::query(
                    "UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE name = $2",
                )
                .bind(hash)
                .bind(name)
                .execute(&mut *tx)
                .await?
            }
            UserChange::Role(role) => {
                sqlx::query("UPDATE users SET role = $1 WHERE name = $2")
                    .bind(role.as_str())
                    .bind(name)
                    .execute(&mut *tx)
                    .await?
            }
            UserChange::Disable => {
                sqlx::query("UPDATE users SET disabled_at = $1 WHERE name = $2 AND disabled_at IS NULL")
                    .bind(now_ms())
                    .bind(name)
                    .execute(&mut *tx)
                    .await?
            }
            UserChange::Enable => {
                sqlx::query(
                    "UPDATE users SET disabled_at = NULL, failed_logins = 0, locked_until = NULL WHERE name = $1",
                )
                .bind(name)
                .execute(&mut *tx)
                .await?
            }
        };
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT 1 FROM users WHERE name = $1").bind(name).fetch_optional(&mut *tx).await?;
            if exists.is_none() {
                return Err(AccountError::Unknown(name.to_string()));
            }
        }
        if matches!(change, UserChange::Password(_) | UserChange::Disable | UserChange::Role(_)) {
            sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = $1)")
                .bind(name)
                .execute(&mut *tx)
                .await?;
        }
        write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Counts a wrong password; the `max`-th in a row locks the account for `lock_ms`. Returns
    /// whether the account is now locked.
    pub async fn note_failed_login(&self, user_id: i64, max: i64, lock_ms: i64) -> Result<bool, StoreError> {
        let now = now_ms();
        let row = sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1, \
             locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE locked_until END \
             WHERE id = $3 RETURNING locked_until",
        )
        .bind(max)
        .bind(now + lock_ms)
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?;
        let locked: Option<i64> = match row {
            Some(r) => r.try_get(0)?,
            None => None,
        };
        Ok(locked.is_some_and(|t| t > now))
    }

    /// A good password: the count of wrong ones starts again (a lock that ran out is lifted).
    pub async fn clear_failed_logins(&self, user_id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn add_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        address: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        // Sessions that ran out go as new ones come: the table holds live sessions only.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(self.pool()).await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, address, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(address)
        .bind(now)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The session of a token's hash, if it is live and its account is active.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let sql = format!(
            "SELECT s.csrf, s.expires_at, {} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
            USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(token_hash)
            .bind(now_ms())
            .fetch_optional(self.pool())
            .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(SessionRow { csrf: r.try_get(0)?, expires_at: r.try_get(1)?, user: user(&r, 2)? }))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await?;
        Ok(())
    }

    /// The key sessions are signed with, made on first use and shared by every daemon of the database.
    pub async fn console_key(&self, fresh: impl FnOnce() -> String) -> Result<String, StoreError> {
        let read = || sqlx::query("SELECT secret FROM console_keys WHERE name = 'session'");
        if let Some(r) = read().fetch_optional(self.pool()).await? {
            return Ok(r.try_get(0)?);
        }
        // Two daemons starting at once: one insert wins, both read the winner's key.
        let _ = sqlx::query("INSERT INTO console_keys (name, secret, created_at) VALUES ('session', $1, $2)")
            .bind(fresh())
            .bind(now_ms())
            .execute(self.pool())
            .await;
        Ok(read().fetch_one(self.pool()).await?.try_get(0)?)
    }
}

/// One change to an account.
#[derive(Debug, Clone, Copy)]
pub enum UserChange<'a> {
    Password(&'a str),
    Role(Role),
    Disable,
    Enable,
}
