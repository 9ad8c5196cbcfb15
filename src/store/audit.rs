//! The audit trail: who did what, when, from where, and the state before and after. Written in the
//! same transaction as the change it records, so the trail cannot miss an action or name one that
//! did not happen.

use sqlx::Row;

use super::{Store, StoreError, now_ms};

/// How an action reached the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    Cli,
    Console,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::Cli => "cli",
            Via::Console => "console",
        }
    }
}

/// Who acts: a console account (with the address the request came from) or a command-line user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub via: Via,
    pub address: Option<String>,
}

impl Actor {
    pub fn cli(name: impl Into<String>) -> Actor {
        Actor { name: name.into(), via: Via::Cli, address: None }
    }

    pub fn console(name: impl Into<String>, address: impl Into<String>) -> Actor {
        Actor { name: name.into(), via: Via::Console, address: Some(address.into()) }
    }
}

/// One line of the trail, before it is stored. `before` and `after` are JSON (or absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor: Actor,
    pub action: &'static str,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl AuditEntry {
    pub fn new(actor: &Actor, action: &'static str, subject: impl Into<String>) -> AuditEntry {
        AuditEntry { actor: actor.clone(), action, subject: subject.into(), before: None, after: None }
    }

    pub fn before(mut self, value: &impl serde::Serialize) -> AuditEntry {
        self.before = serde_json::to_string(value).ok();
        self
    }

    pub fn after(mut self, value: &impl serde::Serialize) -> AuditEntry {
        self.after = serde_json::to_string(value).ok();
        self
    }
}

/// A stored line of the trail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub via: String,
    pub address: Option<String>,
    pub action: String,
    pub subject: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Writes a line of the trail on the transaction (or connection) of the change it records.
pub(super) async fn write(conn: &mut sqlx::AnyConnection, entry: &AuditEntry) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit (at, actor, via, address, action, subject, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now_ms())
    .bind(&entry.actor.name)
    .bind(entry.actor.via.as_str())
    .bind(entry.actor.address.as_deref())
    .bind(entry.action)
    .bind(&entry.subject)
    .bind(entry.before.as_deref())
    .bind(entry.after.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Records an action that changes nothing else (a login, a report downloaded).
    pub async fn audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let mut conn = self.pool().acquire().await?;
        write(&mut conn, entry).await
    }

    /// The trail, newest first, a page at a time.
    pub async fn audit_page(&self, offset: i64, limit: i64) -> Result<(Vec<AuditRow>, i64), StoreError> {
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM audit").fetch_one(self.pool()).await?.try_get(0)?;
        let rows = sqlx::query(
            "SELECT id, at, actor, via, address, action, subject, before, after FROM audit ORDER BY id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(self.pool())
        .await?;
        let rows = rows
            .into_iter()
            .map(|r| {
                Ok(AuditRow {
                    id: r.try_get(0)?,
                    at: r.try_get(1)?,
                    actor: r.try_get(2)?,
                    via: r.try_get(3)?,
                    address: r.try_get(4)?,
                    action: r.try_get(5)?,
                    subject: r.try_get(6)?,
                    before: r.try_get(7)?,
                    after: r.try_get(8)?,
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok((rows, total))
    }
}
