//! What a claimed batch of jobs needs from the store before its scans: each job's filing, its
//! target's kept page read, its open findings and the recent facts the change checks compare with,
//! read for the whole batch in four statements. On SQLite every statement is a hand-off to sqlx's
//! connection thread; read job by job they were four of the nine statements of an unchanged scan.

use std::collections::{HashMap, HashSet};

use crate::checks::ScanFacts;
use crate::engine::Target;
use crate::page_read::StoredRead;
use crate::store::{ClaimedJob, FindingRow, Store, StoreError, StoredFiling};

/// A job's reads, made when its batch was claimed.
#[derive(Debug, Default)]
pub(super) struct JobContext {
    pub filing: Option<StoredFiling>,
    /// `None` as well when reads are not reused.
    pub page_read: Option<StoredRead>,
    pub open: HashMap<String, FindingRow>,
    pub previous: Vec<ScanFacts>,
}

/// The contexts of `jobs`, by job id. Only the first job of each target gets one, and none whose
/// target is `busy` (an earlier job of it still running): a second job of the same target (a
/// confirmation beside the cycle's job) reads its own when it runs, after the first may have recorded.
/// Jobs whose target does not parse get none (they are skipped).
pub(super) async fn read(
    store: &Store,
    jobs: &[ClaimedJob],
    busy: &HashSet<String>,
    window: i64,
    with_page_reads: bool,
) -> Result<HashMap<i64, JobContext>, StoreError> {
    let mut seen = HashSet::new();
    let firsts: Vec<(&ClaimedJob, String)> = jobs
        .iter()
        .filter(|job| seen.insert(job.target.as_str()) && !busy.contains(&job.target))
        .filter_map(|job| Some((job, Target::parse(&job.target).ok()?.host)))
        .collect();
    if firsts.is_empty() {
        return Ok(HashMap::new());
    }
    let domains: Vec<&str> = firsts.iter().map(|(job, _)| job.domain.as_str()).collect();
    let targets: Vec<&str> = firsts.iter().map(|(job, _)| job.target.as_str()).collect();
    let hosts: Vec<&str> = firsts.iter().map(|(_, host)| host.as_str()).collect();
    let filings = store.filings_for_hosts(&domains).await?;
    let page_reads = if with_page_reads { store.page_reads(&hosts).await? } else { HashMap::new() };
    let mut open = store.open_findings_of(&targets).await?;
    let previous = store.recent_facts_of(&hosts, window).await?;
    Ok(firsts
        .into_iter()
        .map(|(job, host)| {
            let context = JobContext {
                filing: filings.get(&job.domain).cloned(),
                page_read: page_reads.get(&host).cloned(),
                open: open.remove(&job.target).unwrap_or_default(),
                previous: previous.get(&host).cloned().unwrap_or_default(),
            };
            (job.id, context)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn only_the_first_job_of_a_target_in_a_batch_gets_a_context() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("q.db").display())).await.expect("store");
        let target = |t: &str| (t.to_string(), t.to_string());
        store.enqueue("cycle", &[target("a.example.cn"), target("not a host")], 0).await.expect("enqueue");
        store.enqueue("confirm:a.example.cn", &[target("a.example.cn")], 0).await.expect("enqueue");
        let jobs = store.claim("w", 10, 60_000).await.expect("claim");
        assert_eq!(jobs.len(), 3);
        let contexts = read(&store, &jobs, &HashSet::new(), 6, true).await.expect("read");
        let first = jobs.iter().find(|j| j.target == "a.example.cn").expect("a job of a");
        assert_eq!(
            contexts.keys().collect::<Vec<_>>(),
            [&first.id],
            "the second job of a and the bad target read their own"
        );
        let context = &contexts[&first.id];
        assert!(context.filing.is_none() && context.page_read.is_none(), "nothing stored for a yet");
        assert!(context.open.is_empty() && context.previous.is_empty());
        // A target an earlier batch's job is still scanning gets no context either.
        let busy = HashSet::from(["a.example.cn".to_string()]);
        assert!(read(&store, &jobs, &busy, 6, true).await.expect("read").is_empty());
    }
}
