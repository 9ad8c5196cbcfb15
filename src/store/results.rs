//! Scan results, their check results, and findings with a lifecycle: a finding opens on the first
//! failing scan, counts consecutive failing scans, and is resolved by the first passing one.

use std::collections::HashMap;

use sqlx::Row;

use super::unchanged::{Moment, timeless};
use super::{Store, StoreError, now_ms, placeholders};
use crate::checks::{Outcome, ScanFacts};
use crate::page_read::{ReadKey, StoredRead};
use crate::result::ScanResult;
use crate::state::FindingStatus;

/// An open or resolved finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FindingRow {
    pub id: i64,
    pub domain: String,
    pub target: String,
    pub check_id: String,
    pub status: FindingStatus,
    pub notice: crate::rules::NoticeKind,
    pub first_seen: i64,
    pub last_seen: i64,
    pub resolved_at: Option<i64>,
    pub consecutive: i64,
    pub last_scan_id: i64,
    pub evidence: String,
}

/// The columns [`scan_row`] reads, from `scans s`: an unchanged scan's result is that of the scan it
/// repeats (`same_as`), with its own moment laid over it.
pub(super) const SCAN_SELECT: &str = "SELECT s.id, s.job_id, s.domain, s.target, s.scanned_at, s.verdict, \
     CASE WHEN s.same_as IS NULL THEN s.result ELSE f.result END, s.moment \
     FROM scans s LEFT JOIN scans f ON f.id = s.same_as";

/// Reads a row of [`SCAN_SELECT`] into a [`ScanRow`].
pub(super) fn scan_row(r: sqlx::any::AnyRow) -> Result<ScanRow, StoreError> {
    let json: String = r.try_get(6)?;
    let moment: Option<String> = r.try_get(7)?;
    let mut result: ScanResult = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if let Some(moment) = moment {
        let moment: Moment = serde_json::from_str(&moment).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        moment.lay_over(&mut result);
    }
    Ok(ScanRow {
        id: r.try_get(0)?,
        job_id: r.try_get(1)?,
        domain: r.try_get(2)?,
        target: r.try_get(3)?,
        scanned_at: r.try_get(4)?,
        verdict: r.try_get(5)?,
        result,
    })
}

/// A stored scan.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRow {
    pub id: i64,
    pub job_id: Option<i64>,
    pub domain: String,
    pub target: String,
    pub scanned_at: i64,
    pub verdict: String,
    pub result: ScanResult,
}

const FINDING_COLUMNS: &str = "id, domain, target, check_id, status, notice, first_seen, last_seen, resolved_at, \
                               consecutive, last_scan_id, evidence";
/// [`FINDING_COLUMNS`] of `findings f` (for queries that join).
pub(super) const FINDING_COLUMNS_OF_F: &str = "f.id, f.domain, f.target, f.check_id, f.status, f.notice, f.first_seen, \
                                               f.last_seen, f.resolved_at, f.consecutive, f.last_scan_id, f.evidence";

pub(super) fn finding(r: &sqlx::any::AnyRow) -> Result<FindingRow, sqlx::Error> {
    let status: String = r.try_get(4)?;
    let notice: String = r.try_get(5)?;
    Ok(FindingRow {
        id: r.try_get(0)?,
        domain: r.try_get(1)?,
        target: r.try_get(2)?,
        check_id: r.try_get(3)?,
        status: status.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        notice: notice.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        first_seen: r.try_get(6)?,
        last_seen: r.try_get(7)?,
        resolved_at: r.try_get(8)?,
        consecutive: r.try_get(9)?,
        last_scan_id: r.try_get(10)?,
        evidence: r.try_get(11)?,
    })
}

fn outcome_str(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Inconclusive => "inconclusive",
        Outcome::Skipped => "skipped",
    }
}

impl Store {
    /// The open findings of a scanned host, by check id.
    pub async fn open_findings(&self, target: &str) -> Result<HashMap<String, FindingRow>, StoreError> {
        Ok(self.open_findings_of(&[target]).await?.remove(target).unwrap_or_default())
    }

    /// [`Store::open_findings`] of several hosts in one statement, by host; a host with none has no entry.
    pub async fn open_findings_of(
        &self,
        targets: &[&str],
    ) -> Result<HashMap<String, HashMap<String, FindingRow>>, StoreError> {
        let mut open: HashMap<String, HashMap<String, FindingRow>> = HashMap::new();
        let sql =
            |list: &str| format!("SELECT {FINDING_COLUMNS} FROM findings WHERE target IN ({list}) AND status = 'open'");
        for row in self.fetch_in(targets, sql).await? {
            let f = finding(&row)?;
            open.entry(f.target.clone()).or_default().insert(f.check_id.clone(), f);
        }
        Ok(open)
    }

    /// Every finding (open and resolved), for reports.
    pub async fn findings(&self) -> Result<Vec<FindingRow>, StoreError> {
        let sql = format!("SELECT {FINDING_COLUMNS} FROM findings ORDER BY domain, target, check_id, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(self.pool()).await?;
        Ok(rows.into_iter().map(|r| finding(&r)).collect::<Result<_, _>>()?)
    }

    /// Records a scan with its check results and the findings it opens, extends or resolves, in one
    /// transaction. With a job, only while `worker` still holds it: `Ok(None)` when it does not (its
    /// lease ran out and another worker took over), and nothing is written.
    pub async fn record(&self, result: &ScanResult, job: Option<(i64, &str)>) -> Result<Option<i64>, StoreError> {
        self.record_with_read(result, job, None).await
    }

    /// `record`, storing too the target's page read when the scan read its page afresh (in the same
    /// transaction: a read is kept only with the scan that made it).
    pub async fn record_with_read(
        &self,
        result: &ScanResult,
        job: Option<(i64, &str)>,
        read: Option<&StoredRead>,
    ) -> Result<Option<i64>, StoreError> {
        let previous = self.previous_scans(&[result.domain.as_str()]).await?.remove(&result.domain).unwrap_or_default();
        let prepared = prepare(result, read, &previous)?;
        let mut tx = self.pool().begin().await?;
        let recorded = write(&mut tx, result, prepared, job, false).await?;
        tx.commit().await?;
        Ok(recorded)
    }

    /// Records several of one worker's jobs' results in one transaction (one commit for the group);
    /// per job as `record` does: `None` for a job whose lease the worker no longer holds.
    pub async fn record_group(&self, results: &[JobResult<'_>], worker: &str) -> Result<Vec<Option<i64>>, StoreError> {
        let targets: Vec<&str> = results.iter().map(|r| r.result.domain.as_str()).collect();
        let previous = self.previous_scans(&targets).await?;
        let none = PreviousScan::default();
        let mut prepared = Vec::with_capacity(results.len());
        for r in results {
            prepared.push(prepare(r.result, r.read, previous.get(&r.result.domain).unwrap_or(&none))?);
        }
        let mut tx = self.pool().begin().await?;
        let mut recorded = Vec::with_capacity(results.len());
        for (r, prepared) in results.iter().zip(prepared) {
            recorded.push(write(&mut tx, r.result, prepared, Some((r.job, worker)), r.online_known).await?);
        }
        tx.commit().await?;
        Ok(recorded)
    }

    /// Each target's last scan, as the recording compares with it: its id, its digest, the scan it
    /// repeats, and the checks that did not pass in the result it holds (its own or the one it
    /// repeats), one statement for all. Read before the write transaction: on SQLite a transaction
    /// that reads first cannot become the writer once another has written (it would fail busy, not
    /// wait). Two scans of one host recorded at once both compare with the same earlier scan, which is
    /// still right: equal digests mean equal results.
    async fn previous_scans(&self, targets: &[&str]) -> Result<HashMap<String, PreviousScan>, StoreError> {
        let mut previous: HashMap<String, PreviousScan> = HashMap::new();
        let sql = |list: &str| {
            format!(
                "SELECT s.target, s.id, s.digest, s.same_as, c.check_id FROM scans s \
                 LEFT JOIN check_results c ON c.scan_id = COALESCE(s.same_as, s.id) AND c.outcome <> 'pass' \
                 WHERE s.id IN (SELECT MAX(id) FROM scans WHERE target IN ({list}) GROUP BY target)"
            )
        };
        for row in self.fetch_in(targets, sql).await? {
            let target: String = row.try_get(0)?;
            let id: i64 = row.try_get(1)?;
            let entry = previous.entry(target).or_insert(PreviousScan {
                digest: row.try_get(2)?,
                holder: row.try_get::<Option<i64>, _>(3)?.unwrap_or(id),
                not_passed: std::collections::HashSet::new(),
            });
            if let Some(check) = row.try_get::<Option<String>, _>(4)? {
                entry.not_passed.insert(check);
            }
        }
        Ok(previous)
    }
}

/// One of a target's recent scans: (scanned_at, id) to order by, the scan holding its facts (itself or
/// the one it repeats), its moment.
type RecentScan = ((i64, i64), i64, Option<String>);

/// A target's last scan, as [`Store::previous_scans`] reads it.
#[derive(Debug, Clone, Default)]
struct PreviousScan {
    digest: Option<String>,
    /// The scan that holds its result: itself, or the one it repeats.
    holder: i64,
    not_passed: std::collections::HashSet<String>,
}

/// What a result is recorded with, serialised before the write transaction, given its target's last
/// scan (`PreviousScan::default()` when it has none: no digest matches).
fn prepare(result: &ScanResult, read: Option<&StoredRead>, previous: &PreviousScan) -> Result<Prepared, StoreError> {
    let domain = result.filing.as_ref().map_or(result.domain.as_str(), |f| f.domain.as_str()).to_string();
    // An unchanged scan (the same result as the host's last, but for its moment) stores a reference
    // to the first scan of the run, not the result again.
    let (digest, timeless) = timeless(result).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let moment = serde_json::to_string(&Moment::of(result)).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let same_as = (previous.digest.as_deref() == Some(digest.as_str())).then_some(previous.holder);
    // One serialisation: the result without its moment is both what the digest is of and what is
    // stored (the moment is stored beside it).
    let json = if same_as.is_some() { String::new() } else { timeless };
    let facts = match same_as {
        Some(_) => None,
        None => Some(serde_json::to_string(&ScanFacts::of(result)).map_err(|e| StoreError::Corrupt(e.to_string()))?),
    };
    // Check results: the ones that did not pass, and those that passed after not passing in the
    // host's previous scan; a missing row is a pass. Multi-row statements: a few round trips.
    // Readers find a scan's rows under the scan that holds its result (`COALESCE(same_as, id)`).
    let not_passed_before = previous.not_passed.clone();
    let read = read.map(|r| (r.key.clone(), r.read.encode()));
    let leads = leads_of(result);
    Ok(Prepared { domain, digest, json, moment, facts, leads, same_as, not_passed_before, read })
}

/// The `leads` column of a result: the industry model's industries, sorted and joined by `,`; `None` when it reads none.
fn leads_of(result: &ScanResult) -> Option<String> {
    let mut keys = result.classified.industries_by_model.clone();
    keys.sort();
    keys.dedup();
    (!keys.is_empty()).then(|| keys.join(","))
}

/// A result's row, serialised, and what its host's previous scan says it repeats or changed.
struct Prepared {
    domain: String,
    digest: String,
    json: String,
    moment: String,
    facts: Option<String>,
    /// The industry model's leads, as the `leads` column holds them.
    leads: Option<String>,
    same_as: Option<i64>,
    not_passed_before: std::collections::HashSet<String>,
    /// The page read to keep for the target, encoded.
    read: Option<(ReadKey, Vec<u8>)>,
}

/// One job's result for [`Store::record_group`].
pub struct JobResult<'a> {
    pub result: &'a ScanResult,
    pub job: i64,
    /// The page read the scan made afresh, kept for the target with the scan.
    pub read: Option<&'a StoredRead>,
    /// The filing's first day online is stored already (read with the job's filing): nothing to set.
    pub online_known: bool,
}

/// Writes one prepared result in the transaction; `Ok(None)`, writing nothing, when the job's lease is
/// no longer the worker's.
async fn write(
    tx: &mut sqlx::AnyConnection,
    result: &ScanResult,
    prepared: Prepared,
    job: Option<(i64, &str)>,
    online_known: bool,
) -> Result<Option<i64>, StoreError> {
    let now = now_ms();
    let Prepared { domain, digest, json, moment, facts, leads, same_as, not_passed_before, read } = prepared;
    if let Some((id, worker)) = job {
        let held = sqlx::query(
            "UPDATE jobs SET state = 'done', locked_by = NULL, lease_until = NULL WHERE id = $1 AND locked_by = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(worker)
        .execute(&mut *tx)
        .await?;
        if held.rows_affected() != 1 {
            return Ok(None);
        }
    }
    let scan_id: i64 = sqlx::query(
        "INSERT INTO scans (job_id, domain, target, scanned_at, verdict, scanner_version, rules_version, result, \
         same_as, digest, moment, facts, leads) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(job.map(|(id, _)| id))
    .bind(&domain)
    .bind(&result.domain)
    .bind(result.scanned_at.timestamp_millis())
    .bind(result.verdict.status.as_str())
    .bind(&result.versions.scanner)
    .bind(&result.versions.rules)
    .bind(&json)
    .bind(same_as)
    .bind(&digest)
    .bind(&moment)
    .bind(&facts)
    .bind(&leads)
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;

    // Screenshots of a rendered scan, in the same transaction as the scan they evidence; an
    // unchanged scan's are those of the scan it repeats (their digests are part of the result).
    let shots = if same_as.is_some() { &[][..] } else { &result.screenshots[..] };
    for shot in shots {
        let kind = match shot.kind {
            crate::render::ScreenshotKind::Footer => "footer",
            crate::render::ScreenshotKind::Page => "page",
        };
        sqlx::query("INSERT INTO evidence (scan_id, kind, sha256, png) VALUES ($1, $2, $3, $4)")
            .bind(scan_id)
            .bind(kind)
            .bind(&shot.sha256)
            .bind(&shot.png)
            .execute(&mut *tx)
            .await?;
    }

    if let Some((key, encoded)) = &read {
        super::page_reads::put(tx, &result.domain, key, encoded, now).await?;
    }

    // An unchanged scan's check rows are those of the result it repeats: none of its own.
    let kept: Vec<&crate::result::CheckResult> = result
        .checks
        .iter()
        .filter(|c| same_as.is_none() && (c.outcome != Outcome::Pass || not_passed_before.contains(&c.id)))
        .collect();
    for chunk in kept.chunks(50) {
        let sql = format!(
            "INSERT INTO check_results (scan_id, check_id, outcome, severity, notice, evidence) VALUES {}",
            super::value_rows(chunk.len(), 6, "")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
        for c in chunk {
            q = q
                .bind(scan_id)
                .bind(&c.id)
                .bind(outcome_str(c.outcome))
                .bind(format!("{:?}", c.severity).to_lowercase())
                .bind(c.notice.as_str())
                .bind(serde_json::to_string(&c.evidence).unwrap_or_default());
        }
        q.execute(&mut *tx).await?;
    }

    let sql = format!("SELECT {FINDING_COLUMNS} FROM findings WHERE target = $1 AND status = 'open'");
    let open: HashMap<String, FindingRow> = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
        .bind(&result.domain)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| finding(&r))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .map(|f| (f.check_id.clone(), f))
        .collect();
    // Evidence is serialised only for the checks whose finding keeps it (most checks pass).
    let evidence = |c: &crate::result::CheckResult| serde_json::to_string(&c.evidence).unwrap_or_default();
    // A finding that fails again as it failed before (the same evidence and notice, the usual case
    // for a site that has not changed) is only touched: one statement for all of them, where each
    // was one round trip to PostgreSQL.
    let mut touched: Vec<i64> = Vec::new();
    // New findings (a first scan fails several checks at once) go in together, as the check rows do.
    let mut opened: Vec<&crate::result::CheckResult> = Vec::new();
    for c in &result.checks {
        match (c.outcome, open.get(&c.id)) {
            (Outcome::Fail, Some(f)) => {
                let now_evidence = evidence(c);
                if f.notice == c.notice && f.evidence == now_evidence {
                    touched.push(f.id);
                    continue;
                }
                sqlx::query(
                    "UPDATE findings SET last_seen = $1, consecutive = consecutive + 1, last_scan_id = $2, \
                     evidence = $3, notice = $4 WHERE id = $5",
                )
                .bind(now)
                .bind(scan_id)
                .bind(now_evidence)
                .bind(c.notice.as_str())
                .bind(f.id)
                .execute(&mut *tx)
                .await?;
            }
            (Outcome::Fail, None) => opened.push(c),
            // A check that no longer applies (its premise is gone: `skipped`) closes its finding too;
            // the reason is the skipped result's evidence in the closing scan (`last_scan_id`).
            (Outcome::Pass | Outcome::Skipped, Some(f)) => {
                sqlx::query(
                    "UPDATE findings SET status = 'resolved', resolved_at = $1, last_scan_id = $2 WHERE id = $3",
                )
                .bind(now)
                .bind(scan_id)
                .bind(f.id)
                .execute(&mut *tx)
                .await?;
            }
            _ => {}
        }
    }
    for chunk in opened.chunks(50) {
        let sql = format!(
            "INSERT INTO findings (domain, target, check_id, notice, first_seen, last_seen, last_scan_id, evidence, \
             status, consecutive) VALUES {}",
            super::value_rows(chunk.len(), 8, "'open', 1")
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
        for c in chunk {
            q = q
                .bind(&domain)
                .bind(&result.domain)
                .bind(&c.id)
                .bind(c.notice.as_str())
                .bind(now)
                .bind(now)
                .bind(scan_id)
                .bind(evidence(c));
        }
        q.execute(&mut *tx).await?;
    }
    for chunk in touched.chunks(super::IN_LIST_MAX) {
        let sql = format!(
            "UPDATE findings SET last_seen = $1, consecutive = consecutive + 1, last_scan_id = $2 WHERE id IN ({})",
            placeholders(3, chunk.len())
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(now).bind(scan_id);
        for id in chunk {
            q = q.bind(id);
        }
        q.execute(&mut *tx).await?;
    }
    if !online_known && result.fetch.status.is_some_and(|s| s < 400) {
        sqlx::query("UPDATE filings SET first_online = $1 WHERE domain = $2 AND first_online IS NULL")
            .bind(now)
            .bind(&domain)
            .execute(&mut *tx)
            .await?;
    }
    Ok(Some(scan_id))
}

impl Store {
    /// Stored scans, newest first, optionally of one filing's domain, at most `limit`.
    pub async fn scans(&self, domain: Option<&str>, limit: i64) -> Result<Vec<ScanRow>, StoreError> {
        let sql = format!(
            "{SCAN_SELECT} WHERE (CAST($1 AS TEXT) IS NULL OR s.domain = $2) ORDER BY s.scanned_at DESC, s.id DESC LIMIT $3"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(domain)
            .bind(domain)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(scan_row).collect()
    }

    /// What the latest scans of one host showed, newest first, at most `limit` (what the change checks
    /// compare with): the facts stored beside each result, else (scans recorded before there were
    /// any) the facts of its parsed result; each with its own scan's time.
    pub async fn recent_facts(&self, target: &str, limit: i64) -> Result<Vec<ScanFacts>, StoreError> {
        Ok(self.recent_facts_of(&[target], limit).await?.remove(target).unwrap_or_default())
    }

    /// [`Store::recent_facts`] of several hosts in one statement (and one more per repeated scan whose
    /// source fell out of the window), by host; a host without scans has no entry.
    pub async fn recent_facts_of(
        &self,
        targets: &[&str],
        limit: i64,
    ) -> Result<HashMap<String, Vec<ScanFacts>>, StoreError> {
        let mut held: HashMap<i64, ScanFacts> = HashMap::new();
        let mut wanted: HashMap<String, Vec<RecentScan>> = HashMap::new();
        // Each target's latest `limit` scans through the (target, scanned_at) index, one limited
        // subquery per target (a window over every stored scan of the targets would read their whole
        // history). The limit is a number of this program's, written into the statement.
        let sql = |list: &str| {
            list.split(", ")
                .map(|key| {
                    format!(
                        "SELECT * FROM (SELECT target, id, same_as, moment, \
                         CASE WHEN same_as IS NULL THEN facts END AS facts, \
                         CASE WHEN same_as IS NULL AND facts IS NULL THEN result ELSE '' END AS result, scanned_at \
                         FROM scans WHERE target = {key} ORDER BY scanned_at DESC, id DESC LIMIT {limit}) latest"
                    )
                })
                .collect::<Vec<_>>()
                .join(" UNION ALL ")
        };
        for r in self.fetch_in(targets, sql).await? {
            let id: i64 = r.try_get(1)?;
            let same_as: Option<i64> = r.try_get(2)?;
            if same_as.is_none() && !held.contains_key(&id) {
                held.insert(id, facts_of(r.try_get(4)?, r.try_get(5)?)?);
            }
            let order = (r.try_get::<i64, _>(6)?, id);
            wanted.entry(r.try_get(0)?).or_default().push((order, same_as.unwrap_or(id), r.try_get(3)?));
        }
        for (_, source, _) in wanted.values().flatten() {
            if !held.contains_key(source) {
                let row = sqlx::query(
                    "SELECT facts, CASE WHEN facts IS NULL THEN result ELSE '' END FROM scans WHERE id = $1",
                )
                .bind(source)
                .fetch_one(self.pool())
                .await?;
                held.insert(*source, facts_of(row.try_get(0)?, row.try_get(1)?)?);
            }
        }
        wanted
            .into_iter()
            .map(|(target, mut scans)| {
                // Newest first, whatever order the union returned its parts in.
                scans.sort_by_key(|scan| std::cmp::Reverse(scan.0));
                let facts = scans
                    .into_iter()
                    .map(|(_, source, moment)| {
                        let mut facts = held[&source].clone();
                        if let Some(moment) = moment {
                            let moment: Moment =
                                serde_json::from_str(&moment).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                            facts.scanned_at = Some(moment.scanned_at());
                        }
                        Ok(facts)
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                Ok((target, facts))
            })
            .collect()
    }

    /// The screenshots stored with a scan: `(kind, sha256, png)`.
    pub async fn evidence(&self, scan_id: i64) -> Result<Vec<(String, String, Vec<u8>)>, StoreError> {
        // An unchanged scan's screenshots are those of the scan it repeats.
        let rows = sqlx::query(
            "SELECT kind, sha256, png FROM evidence WHERE scan_id = \
             COALESCE((SELECT same_as FROM scans WHERE id = $1), $2) ORDER BY kind",
        )
        .bind(scan_id)
        .bind(scan_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?))).collect()
    }

    /// How many results each job has (a job never has more than one; tests check it).
    pub async fn results_per_cycle(&self, cycle: &str) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT j.target, COUNT(s.id) FROM jobs j LEFT JOIN scans s ON s.job_id = j.id WHERE j.cycle = $1 GROUP BY j.target ORDER BY j.target",
        )
        .bind(cycle)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
    }
}

/// What the scans take in the store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StorageFigures {
    pub scans: i64,
    /// Scans that keep their own result (the others repeat one).
    pub full_results: i64,
    /// Bytes of stored result JSON.
    pub result_bytes: i64,
    pub check_rows: i64,
    pub evidence_bytes: i64,
    /// Targets with a kept page read, and the reads' bytes.
    pub page_reads: i64,
    pub page_read_bytes: i64,
}

impl Store {
    /// How many scans, full results, check rows and bytes the store holds.
    pub async fn storage(&self) -> Result<StorageFigures, StoreError> {
        let scans = sqlx::query(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN same_as IS NULL THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(LENGTH(result)), 0) FROM scans",
        )
        .fetch_one(self.pool())
        .await?;
        let checks = sqlx::query("SELECT COUNT(*) FROM check_results").fetch_one(self.pool()).await?;
        let evidence = sqlx::query("SELECT COALESCE(SUM(LENGTH(png)), 0) FROM evidence").fetch_one(self.pool()).await?;
        let reads = sqlx::query("SELECT COUNT(*), COALESCE(SUM(LENGTH(read)), 0) FROM page_reads")
            .fetch_one(self.pool())
            .await?;
        Ok(StorageFigures {
            scans: scans.try_get(0)?,
            full_results: scans.try_get(1)?,
            result_bytes: scans.try_get(2)?,
            check_rows: checks.try_get(0)?,
            evidence_bytes: evidence.try_get(0)?,
            page_reads: reads.try_get(0)?,
            page_read_bytes: reads.try_get(1)?,
        })
    }
}

/// A scan's stored facts, or those of its result when it was recorded without them.
fn facts_of(facts: Option<String>, result: String) -> Result<ScanFacts, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
    match facts {
        Some(facts) => serde_json::from_str(&facts).map_err(corrupt),
        None => Ok(ScanFacts::of(&serde_json::from_str::<ScanResult>(&result).map_err(corrupt)?)),
    }
}
