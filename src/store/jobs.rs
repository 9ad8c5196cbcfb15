//! The job queue: a cycle of a schedule makes one job per target; workers claim batches under a
//! lease; a result is recorded only by the worker that still holds the lease, so a job whose holder
//! died is taken over after the lease and nothing is recorded twice.

use sqlx::Row;

use crate::state::JobState;

use super::{Backend, Store, StoreError, now_ms, placeholders};

/// A job a worker holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedJob {
    pub id: i64,
    pub cycle: String,
    /// The filing's key.
    pub domain: String,
    /// The host to scan (the domain, or `www.` + an apex domain).
    pub target: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct QueueCounts {
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

impl Store {
    /// Adds one job per (domain, target) to `cycle`; jobs the cycle already has are left alone, so
    /// several daemons firing the same schedule enqueue it once.
    pub async fn enqueue(
        &self,
        cycle: &str,
        targets: &[(String, String)],
        run_at_ms: i64,
    ) -> Result<usize, StoreError> {
        let now = now_ms();
        let mut added = 0;
        for chunk in targets.chunks(200) {
            let mut tx = self.pool().begin().await?;
            for (domain, target) in chunk {
                let done = sqlx::query(
                    "INSERT INTO jobs (cycle, domain, target, state, attempts, run_at, created_at) \
                     VALUES ($1, $2, $3, 'queued', 0, $4, $5) ON CONFLICT (cycle, target) DO NOTHING",
                )
                .bind(cycle)
                .bind(domain)
                .bind(target)
                .bind(run_at_ms)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                added += done.rows_affected() as usize;
            }
            tx.commit().await?;
        }
        Ok(added)
    }

    /// Claims up to `n` due jobs: queued ones whose time has come, and running ones whose lease ran out
    /// (their holder died). PostgreSQL skips rows another daemon is claiming; SQLite has one writer.
    pub async fn claim(&self, worker: &str, n: usize, lease_ms: i64) -> Result<Vec<ClaimedJob>, StoreError> {
        let now = now_ms();
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', locked_by = $1, lease_until = $2, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $3) \
             OR (state = 'running' AND lease_until < $4) ORDER BY run_at, id LIMIT $5{lock}) \
             RETURNING id, cycle, domain, target, attempts"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(worker)
            .bind(now + lease_ms)
            .bind(now)
            .bind(now)
            .bind(n as i64)
            .fetch_all(self.pool())
            .await?;
        let mut jobs: Vec<ClaimedJob> = rows
            .into_iter()
            .map(|r| {
                Ok(ClaimedJob {
                    id: r.try_get(0)?,
                    cycle: r.try_get(1)?,
                    domain: r.try_get(2)?,
                    target: r.try_get(3)?,
                    attempts: r.try_get::<i64, _>(4)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// Extends the leases of jobs still being worked on.
    pub async fn renew(&self, worker: &str, ids: &[i64], lease_ms: i64) -> Result<(), StoreError> {
        // A few statements for the whole set, not one per job; a job the daemon no longer works on is
        // not in `ids`, so its lease runs out and another worker can take it.
        // On PostgreSQL a job whose row a result writer holds is being recorded (done, or back to
        // one-by-one recording, within moments): the renewal skips it rather than wait, because it
        // would take the rows in id order while a writer takes its group's in domain order.
        let until = now_ms() + lease_ms;
        for chunk in ids.chunks(500) {
            let list = placeholders(3, chunk.len());
            let sql = match self.backend() {
                Backend::Sqlite => format!(
                    "UPDATE jobs SET lease_until = $1 WHERE locked_by = $2 AND state = 'running' AND id IN ({list})"
                ),
                Backend::Postgres => format!(
                    "UPDATE jobs SET lease_until = $1 WHERE id IN (SELECT id FROM jobs WHERE locked_by = $2 \
                     AND state = 'running' AND id IN ({list}) FOR UPDATE SKIP LOCKED)"
                ),
            };
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(until).bind(worker);
            for id in chunk {
                q = q.bind(id);
            }
            q.execute(self.pool()).await?;
        }
        Ok(())
    }

    /// Puts a held job back in the queue at `run_at_ms` (a transient failure, or shutdown).
    pub async fn requeue(
        &self,
        worker: &str,
        id: i64,
        run_at_ms: i64,
        error: Option<&str>,
        count_attempt: bool,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'queued', locked_by = NULL, lease_until = NULL, run_at = $1, \
             last_error = COALESCE($2, last_error), attempts = attempts - $3 WHERE id = $4 AND locked_by = $5 AND state = 'running'",
        )
        .bind(run_at_ms)
        .bind(error)
        .bind(if count_attempt { 0_i64 } else { 1_i64 })
        .bind(id)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends a held job without a result (its filing was withdrawn, say).
    pub async fn skip_job(&self, worker: &str, id: i64, why: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'skipped', locked_by = NULL, lease_until = NULL, last_error = $1 \
             WHERE id = $2 AND locked_by = $3 AND state = 'running'",
        )
        .bind(why)
        .bind(id)
        .bind(worker)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn queue_counts(&self) -> Result<QueueCounts, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetch_all(self.pool()).await?;
        let mut counts = QueueCounts::default();
        for r in rows {
            let state: String = r.try_get(0)?;
            let n: i64 = r.try_get(1)?;
            match state.parse::<JobState>().map_err(|e| StoreError::Corrupt(format!("jobs: {e}")))? {
                JobState::Queued => counts.queued = n,
                JobState::Running => counts.running = n,
                JobState::Done => counts.done = n,
                JobState::Skipped => counts.failed += n,
            }
        }
        Ok(counts)
    }

    /// Jobs due now or held by some worker: what a `--once` run must still see finished. A job held by
    /// a worker that died stays here until its lease runs out and it is claimed again.
    pub async fn unfinished_due(&self) -> Result<i64, StoreError> {
        let row =
            sqlx::query("SELECT COUNT(*) FROM jobs WHERE (state = 'queued' AND run_at <= $1) OR state = 'running'")
                .bind(now_ms())
                .fetch_one(self.pool())
                .await?;
        Ok(row.try_get(0)?)
    }

    /// The cycles in the queue, oldest first.
    pub async fn cycles(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT cycle, MIN(created_at) AS c FROM jobs GROUP BY cycle ORDER BY c, cycle")
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Jobs of a cycle not yet done (queued or running).
    pub async fn pending_in_cycle(&self, cycle: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) FROM jobs WHERE cycle = $1 AND state IN ('queued', 'running')")
            .bind(cycle)
            .fetch_one(self.pool())
            .await?;
        Ok(row.try_get(0)?)
    }
}
