//! The daemon loop: schedules enqueue cycles, workers claim and scan, leases are renewed, and on
//! shutdown in-flight scans get a grace period before their jobs go back to the queue.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::alerting::{Alerting, DIGEST_EVERY};
use super::cron::CronSchedule;
use super::politeness::{Admission, HostKeys, Politeness, PolitenessOptions};
use super::prefetch::{self, JobContext};
use super::recorder::Recorder;
use super::{history, policy};
use crate::config::{Config, Schedule};
use crate::domain::registrable_domain;
use crate::engine::{Scanner, Target, today_in_shanghai};
use crate::net::ErrorKind;
use crate::page_read::Reuse;
use crate::rules::RuleSet;
use crate::state::NoticeState;
use crate::store::{ClaimedJob, Store, StoreError, now_ms};

/// What a run did (for `--once`, the demo and tests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub cycles: Vec<String>,
    pub recorded: usize,
    pub retried: usize,
    pub released: usize,
    /// Jobs put back because their host was being left alone (429 `Retry-After`, error budget).
    pub deferred: usize,
}

/// Swaps the rules of a running daemon (SIGHUP) and tells whether it is still running.
#[derive(Clone)]
pub struct DaemonHandle {
    scanner: Arc<RwLock<Scanner>>,
}

impl DaemonHandle {
    /// The digest of the rules in use.
    pub fn rules_digest(&self) -> String {
        self.scanner.read().unwrap_or_else(|p| p.into_inner()).rules().digest.clone()
    }

    /// Loads the rules directory afresh; a broken edit keeps the last good rules and says why.
    pub fn reload_rules(&self, dir: &std::path::Path) -> Result<String, crate::rules::RuleErrors> {
        let rules = RuleSet::load(dir)?;
        let digest = rules.digest.clone();
        let mut scanner = self.scanner.write().unwrap_or_else(|p| p.into_inner());
        *scanner = scanner.with_rules(Arc::new(rules));
        Ok(digest)
    }
}

pub struct Daemon {
    store: Store,
    scanner: Arc<RwLock<Scanner>>,
    config: Config,
    worker: String,
    today: Option<NaiveDate>,
    alerts: Alerting,
}

/// Failures worth another attempt before a result is recorded.
fn transient(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::Timeout | ErrorKind::Refused | ErrorKind::DnsTimeout | ErrorKind::Servfail | ErrorKind::Other
    )
}

impl Daemon {
    pub fn new(store: Store, scanner: Scanner, config: Config) -> Self {
        let worker = format!(
            "{}-{}-{:x}",
            std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim(),
            std::process::id(),
            now_ms() & 0xffff_ffff
        );
        Daemon {
            store,
            scanner: Arc::new(RwLock::new(scanner)),
            config,
            worker,
            today: None,
            alerts: Alerting::default(),
        }
    }

    /// Sends digests and events to these channels (none by default).
    pub fn with_alerter(mut self, alerter: crate::alert::Alerter) -> Self {
        self.alerts = Alerting::new(alerter);
        self
    }

    /// Fixes the day date rules count from (tests, replays).
    pub fn with_today(mut self, today: NaiveDate) -> Self {
        self.today = Some(today);
        self
    }

    pub fn handle(&self) -> DaemonHandle {
        DaemonHandle { scanner: Arc::clone(&self.scanner) }
    }

    pub fn worker_id(&self) -> &str {
        &self.worker
    }

    /// The jobs of one cycle of a schedule: every active filing of its group, and `www.` + each apex.
    async fn targets(&self, schedule: &Schedule) -> Result<Vec<(String, String)>, StoreError> {
        let filings = self.store.active_filings(schedule.province.as_deref(), schedule.provider.as_deref()).await?;
        let mut targets = Vec::with_capacity(filings.len() * 2);
        for f in filings {
            let domain = f.record.domain;
            if self.config.daemon.include_www && registrable_domain(&domain) == domain {
                targets.push((domain.clone(), format!("www.{domain}")));
            }
            targets.push((domain.clone(), domain));
        }
        Ok(targets)
    }

    /// Enqueues one cycle of a schedule now; returns its id.
    pub async fn enqueue_now(&self, schedule: &Schedule, tag: &str) -> Result<String, StoreError> {
        let cycle = format!("{}@{tag}", schedule.name);
        let targets = self.targets(schedule).await?;
        let added = self.store.enqueue(&cycle, &targets, now_ms()).await?;
        self.alerts.watch(&cycle, added);
        tracing::info!(%cycle, jobs = added, "cycle enqueued");
        Ok(cycle)
    }

    /// Runs until `shutdown`. With `once`, every schedule fires one cycle now and the run ends when the
    /// queue holds nothing due (or at shutdown).
    pub async fn run(self, shutdown: CancellationToken, once: bool) -> Result<RunSummary, StoreError> {
        // A run that ends on a store failure says so on the alert channels (within the grace period).
        let (alerter, grace) = (self.alerts.alerter.clone(), Duration::from_secs(self.config.daemon.grace_secs));
        let result = self.run_until(shutdown, once).await;
        if let Err(e) = &result {
            alerter.event(crate::alert::Event::StoreUnreachable { error: e.to_string() });
            alerter.flush(grace).await;
        }
        result
    }

    async fn run_until(self, shutdown: CancellationToken, once: bool) -> Result<RunSummary, StoreError> {
        let settings = self.config.daemon.clone();
        let lease_ms = (settings.lease_secs * 1000) as i64;
        let this = Arc::new(self);
        let mut summary = RunSummary::default();
        let stop_claiming = shutdown.child_token();
        let hard_stop = CancellationToken::new();
        let tracker = TaskTracker::new();
        // Jobs claimed and not yet finished, with their targets.
        let in_flight: Arc<std::sync::Mutex<HashMap<i64, String>>> = Arc::default();
        let total = Arc::new(Semaphore::new(settings.concurrency));
        let politeness = Arc::new(Politeness::new(PolitenessOptions::from_settings(&settings)));
        let counters = Arc::new(Counters::default());
        let (recorder, writer) = Recorder::start(this.store.clone(), this.worker.clone());

        // Notices whose deadline has come are re-scanned (now, and every minute while running).
        this.enqueue_due_notices().await?;
        if !once {
            let this = Arc::clone(&this);
            let stop = stop_claiming.clone();
            tracker.spawn(async move {
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => return,
                        _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                    }
                    if let Err(e) = this.enqueue_due_notices().await {
                        tracing::error!("notice deadlines: {e}");
                        this.alerts.store_failed(&e);
                    }
                }
            });
        }
        if !once {
            // A digest for each cycle this daemon enqueued, once it is finished.
            let this = Arc::clone(&this);
            let stop = stop_claiming.clone();
            tracker.spawn(async move {
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => return,
                        _ = tokio::time::sleep(DIGEST_EVERY) => {}
                    }
                    let rules = this.scanner.read().unwrap_or_else(|p| p.into_inner()).clone();
                    let today = this.today.unwrap_or_else(today_in_shanghai);
                    this.alerts.digest_finished(&this.store, rules.rules(), today, false).await;
                }
            });
        }
        if once {
            let tag = Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
            for schedule in &this.config.schedule {
                summary.cycles.push(this.enqueue_now(schedule, &format!("once-{tag}")).await?);
            }
        } else {
            for schedule in this.config.schedule.clone() {
                let this = Arc::clone(&this);
                let stop = stop_claiming.clone();
                tracker.spawn(async move { this.fire_schedule(schedule, stop).await });
            }
        }

        // Retention: scans past `keep_days` are pruned once a day (the first an hour after start).
        if !once && settings.keep_days > 0 {
            let this = Arc::clone(&this);
            let stop = stop_claiming.clone();
            let keep_ms = (settings.keep_days as i64) * 86_400_000;
            tracker.spawn(async move {
                let mut wait = Duration::from_secs(3600);
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => return,
                        _ = tokio::time::sleep(wait) => {}
                    }
                    wait = Duration::from_secs(86_400);
                    match this.store.prune(now_ms() - keep_ms).await {
                        Ok(p) => tracing::info!(
                            scans = p.scans,
                            check_rows = p.check_rows,
                            jobs = p.jobs,
                            page_reads = p.page_reads,
                            "pruned"
                        ),
                        Err(e) => tracing::error!("pruning: {e}"),
                    }
                }
            });
        }

        // Leases of in-flight jobs are renewed well before they run out.
        {
            let this = Arc::clone(&this);
            let in_flight = Arc::clone(&in_flight);
            let stop = hard_stop.clone();
            tokio::spawn(async move {
                let every = Duration::from_millis((lease_ms / 3).max(100) as u64);
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tokio::time::sleep(every) => {}
                    }
                    let ids: Vec<i64> = in_flight.lock().unwrap_or_else(|p| p.into_inner()).keys().copied().collect();
                    if let Err(e) = this.store.renew(&this.worker, &ids, lease_ms).await {
                        tracing::warn!("renewing leases: {e}");
                        this.alerts.store_failed(&e);
                    }
                    if let Err(e) = this.store.take_daemon_lock(&this.worker, lease_ms).await {
                        tracing::error!("daemon lock: {e}");
                    }
                    // The queue's depth for /metrics, counted here rather than after every scan.
                    if let Ok(counts) = this.store.queue_counts().await {
                        metrics::gauge!("icp_patrol_queue_depth").set(counts.queued as f64);
                    }
                }
            });
        }

        // Claims are event-driven: a batch is claimed ahead (its leases renewed with the in-flight
        // ones) and each job starts the moment a permit frees. The loop sleeps only when nothing is due,
        // and then wakes early when a job finishes (it may have queued a retry or ended a `--once` run).
        let poll = Duration::from_millis(settings.poll_ms.max(10));
        let batch = settings.concurrency.clamp(1, 256);
        let finished = Arc::new(tokio::sync::Notify::new());
        let mut ready: std::collections::VecDeque<ClaimedJob> = std::collections::VecDeque::new();
        let mut contexts: HashMap<i64, JobContext> = HashMap::new();
        // A store failure ends the claiming, not the process: the shutdown below still runs (grace
        // period, held jobs released, lock released) and the failure is returned after it.
        let mut failure: Option<StoreError> = None;
        // A job whose result the store refuses would be refused again when its lease runs out and it is
        // claimed anew: the first such failure ends the claiming as a failed claim does (a `--once` run
        // ends with it instead of retrying for ever; systemd restarts a daemon that stopped so).
        let job_failure: Arc<std::sync::Mutex<Option<StoreError>>> = Arc::default();
        while !stop_claiming.is_cancelled() {
            if ready.is_empty() {
                let jobs = match this.store.claim(&this.worker, batch, lease_ms).await {
                    Ok(jobs) => jobs,
                    Err(e) => {
                        tracing::error!("claiming jobs: {e}; stopping");
                        this.alerts.store_failed(&e);
                        failure = Some(e);
                        break;
                    }
                };
                if jobs.is_empty() {
                    // Once: done when nothing is due or held anywhere (later retries stay queued; jobs a
                    // dead daemon held are waited for until their lease runs out and they are claimed here).
                    if once && in_flight_len(&in_flight) == 0 {
                        match this.store.unfinished_due().await {
                            Ok(0) => break,
                            Ok(_) => {}
                            Err(e) => {
                                tracing::error!("counting unfinished jobs: {e}; stopping");
                                failure = Some(e);
                                break;
                            }
                        }
                    }
                    tokio::select! {
                        _ = stop_claiming.cancelled() => break,
                        _ = finished.notified() => continue,
                        _ = tokio::time::sleep(poll) => continue,
                    }
                }
                // A target whose earlier job is still running may record before this batch's job of it
                // starts: that job reads its own history when it starts.
                let busy: std::collections::HashSet<String> = {
                    let mut held = in_flight.lock().unwrap_or_else(|p| p.into_inner());
                    let busy = held.values().cloned().collect();
                    held.extend(jobs.iter().map(|j| (j.id, j.target.clone())));
                    busy
                };
                let window = history::window(&this.scanner.read().unwrap_or_else(|p| p.into_inner()));
                // Without them each job reads its own as it starts: slower, not wrong.
                contexts = prefetch::read(&this.store, &jobs, &busy, window, this.config.daemon.reuse_reads)
                    .await
                    .unwrap_or_else(|e| {
                        tracing::warn!("reading the claimed jobs' filings and history: {e}; each job reads its own");
                        HashMap::new()
                    });
                ready.extend(jobs);
            }
            let permit = tokio::select! {
                _ = stop_claiming.cancelled() => break,
                permit = Arc::clone(&total).acquire_owned() => permit.expect("the total semaphore is never closed"),
            };
            let Some(job) = ready.pop_front() else { continue };
            let context = contexts.remove(&job.id);
            let this = Arc::clone(&this);
            let politeness = Arc::clone(&politeness);
            let in_flight = Arc::clone(&in_flight);
            let hard_stop = hard_stop.clone();
            let counters = Arc::clone(&counters);
            let finished = Arc::clone(&finished);
            let recorder = recorder.clone();
            let job_failure = Arc::clone(&job_failure);
            let stop_claiming = stop_claiming.clone();
            // Every log line of the job says which job, target and cycle it is about.
            let span = tracing::info_span!("job", job = job.id, domain = %job.target, cycle = %job.cycle, attempt = job.attempts);
            tracker.spawn(tracing::Instrument::instrument(
                async move {
                    let id = job.id;
                    tokio::select! {
                        outcome = this.work(&job, context, &politeness, &recorder) => match outcome {
                            Err(e) => {
                                tracing::error!("job failed: {e}; stopping");
                                this.alerts.store_failed(&e);
                                job_failure.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                                stop_claiming.cancel();
                            }
                            Ok(worked) => counters.count(worked),
                        },
                        _ = hard_stop.cancelled() => {
                            // Past the grace period: the job goes back to the queue, not counted as an attempt.
                            match this.store.requeue(&this.worker, id, now_ms(), Some("daemon stopped"), false).await {
                                Ok(_) => counters.count(Worked::Released),
                                Err(e) => tracing::error!(job = id, "releasing: {e}"),
                            }
                        }
                    }
                    in_flight.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
                    drop(permit);
                    finished.notify_one();
                },
                span,
            ));
        }
        // Jobs claimed ahead but never started go straight back to the queue, not counted as attempts.
        for job in ready.drain(..) {
            match this.store.requeue(&this.worker, job.id, now_ms(), Some("daemon stopped"), false).await {
                Ok(_) => summary.released += 1,
                Err(e) => tracing::error!(job = job.id, "releasing: {e}"),
            }
            in_flight.lock().unwrap_or_else(|p| p.into_inner()).remove(&job.id);
        }

        stop_claiming.cancel();
        // Stop: no more claims; in-flight scans get the grace period, then are released.
        tracker.close();
        let grace = Duration::from_secs(settings.grace_secs);
        if tokio::time::timeout(grace, tracker.wait()).await.is_err() {
            tracing::warn!(grace_secs = settings.grace_secs, "grace period over; releasing unfinished jobs");
            hard_stop.cancel();
            tracker.wait().await;
        }
        hard_stop.cancel();
        if failure.is_none() {
            failure = job_failure.lock().unwrap_or_else(|p| p.into_inner()).take();
        }
        // Every worker is done: what they handed the writers is written before the run ends.
        drop(recorder);
        if writer.await.is_err() {
            tracing::error!("the recorder ended abnormally");
        }
        if once && failure.is_none() {
            let rules = this.scanner.read().unwrap_or_else(|p| p.into_inner()).clone();
            let today = this.today.unwrap_or_else(today_in_shanghai);
            this.alerts.digest_finished(&this.store, rules.rules(), today, true).await;
        }
        // What is queued gets the grace period to go out; a receiver that hangs does not hold the stop.
        if !this.alerts.alerter.flush(grace).await {
            tracing::warn!(grace_secs = settings.grace_secs, "alerts still unsent at stop");
        }
        if let Err(e) = this.store.release_daemon_lock(&this.worker).await {
            tracing::warn!("releasing the daemon lock: {e}");
        }
        summary.recorded = counters.recorded.load(std::sync::atomic::Ordering::Relaxed);
        summary.retried = counters.retried.load(std::sync::atomic::Ordering::Relaxed);
        summary.released += counters.released.load(std::sync::atomic::Ordering::Relaxed);
        summary.deferred = counters.deferred.load(std::sync::atomic::Ordering::Relaxed);
        match failure {
            Some(e) => Err(e),
            None => Ok(summary),
        }
    }

    /// One re-scan job per notice whose deadline has come (the cycle names the notice).
    async fn enqueue_due_notices(&self) -> Result<(), StoreError> {
        let today = self.today.unwrap_or_else(today_in_shanghai);
        for notice in self.store.due_notices(today).await? {
            // One re-scan per notice per day until it is settled (an inconclusive one is tried again).
            let cycle = format!("deadline:{}@{today}", notice.id);
            let added = self.store.enqueue(&cycle, &[(notice.domain.clone(), notice.domain.clone())], now_ms()).await?;
            self.alerts.watch(&cycle, added);
        }
        Ok(())
    }

    /// After a deadline re-scan: rectified when no failing check feeds the notice's kind any more
    /// (checks a reviewer set apart on the same evidence do not count), overdue otherwise.
    async fn settle_notice(
        &self,
        cycle: &str,
        result: &crate::result::ScanResult,
        scan_id: i64,
    ) -> Result<(), StoreError> {
        let Some(id) =
            cycle.strip_prefix("deadline:").and_then(|n| n.split('@').next()).and_then(|n| n.parse::<i64>().ok())
        else {
            return Ok(());
        };
        let Some(notice) = self.store.notices(Some(&result.domain)).await?.into_iter().find(|n| n.id == id) else {
            return Ok(());
        };
        let decisions = self.store.latest_decisions().await?;
        let today = self.today.unwrap_or_else(today_in_shanghai);
        let apart = |check: &crate::result::CheckResult| {
            let evidence = serde_json::to_string(&check.evidence).unwrap_or_default();
            decisions
                .iter()
                .any(|d| d.target == result.domain && crate::report::set_apart(d, &check.id, &evidence, today))
        };
        let still_failing = result
            .checks
            .iter()
            .any(|c| c.outcome == crate::checks::Outcome::Fail && c.notice == notice.kind && !apart(c));
        let undecided = result.verdict.status == crate::verdict::Status::Inconclusive;
        let state = if still_failing {
            NoticeState::Overdue
        } else if undecided {
            return Ok(());
        } else {
            NoticeState::Rectified
        };
        self.store.settle_notice(id, state, Some(scan_id)).await?;
        tracing::info!(domain = %result.domain, kind = %notice.kind, %state, "notice settled at its deadline");
        Ok(())
    }

    async fn fire_schedule(&self, schedule: Schedule, stop: CancellationToken) {
        let cron = match CronSchedule::parse(&schedule.cron, &schedule.timezone) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(schedule = %schedule.name, "{e}");
                return;
            }
        };
        let mut after = Utc::now();
        let mut previous: Option<String> = None;
        loop {
            let Some(next) = cron.next_after(after) else { return };
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(wait) => {}
            }
            let tag = next.format("%Y-%m-%dT%H:%M:%SZ").to_string();
            self.alerts.check_behind(&self.store, &schedule.name, previous.as_deref()).await;
            match self.enqueue_now(&schedule, &tag).await {
                Ok(cycle) => previous = Some(cycle),
                Err(e) => {
                    tracing::error!(schedule = %schedule.name, "enqueueing: {e}");
                    self.alerts.cycle_failed(&schedule.name, &e);
                }
            }
            after = next;
        }
    }

    /// One job: the filing, a permit for its server address, the scan, retry or record. `context` is
    /// what its batch's claim read for it; without one the job reads its own.
    async fn work(
        &self,
        job: &ClaimedJob,
        context: Option<JobContext>,
        politeness: &Politeness,
        recorder: &Recorder,
    ) -> Result<Worked, StoreError> {
        let filing = match &context {
            Some(context) => context.filing.clone(),
            None => self.store.filing_for_host(&job.domain).await?,
        };
        let Some(stored) = filing.filter(|f| f.status == "active") else {
            self.store.skip_job(&self.worker, job.id, "filing withdrawn or removed").await?;
            return Ok(Worked::Skipped);
        };
        // The opening date is the filing's own (开通日期, else the approval date: `opening_date`), the
        // same for every scan; when the daemon first saw the site online must not move the 30 days.
        let online_known = stored.first_online.is_some();
        let filing = stored.record;
        let scanner = self.scanner.read().unwrap_or_else(|p| p.into_inner()).clone();
        let Ok(target) = Target::parse(&job.target) else {
            self.store.skip_job(&self.worker, job.id, "not a scannable host").await?;
            return Ok(Worked::Skipped);
        };
        let keys = HostKeys::of(&scanner, &target).await;
        // A server that asked for a pause (or spent its error budget) is not asked now: the job waits
        // in the queue, not in a worker, and is not counted as an attempt.
        let _admitted = match politeness.admit(&keys).await {
            Admission::Go(admitted) => admitted,
            Admission::Held { until, reason } => {
                let at = now_ms() + until.saturating_duration_since(tokio::time::Instant::now()).as_millis() as i64;
                let why = format!("host left alone ({})", reason.as_str());
                self.store.requeue(&self.worker, job.id, at, Some(&why), false).await?;
                metrics::counter!("icp_patrol_jobs_deferred_total", "reason" => reason.as_str()).increment(1);
                return Ok(Worked::Deferred);
            }
        };
        let started = std::time::Instant::now();
        let today = self.today.unwrap_or_else(today_in_shanghai);
        let (known_read, read_history) = match context {
            Some(context) => (context.page_read, Some((context.open, context.previous))),
            None => (None, None),
        };
        let reuse = match (self.config.daemon.reuse_reads, &read_history) {
            (false, _) => Reuse::Off,
            (true, Some(_)) => Reuse::Known(known_read.map(Box::new)),
            (true, None) => Reuse::Known(self.store.page_read(&target.host).await?.map(Box::new)),
        };
        let (mut result, read) = scanner.scan_reusing(&target, Some(&filing), today, reuse).await;
        metrics::histogram!("icp_patrol_scan_seconds").record(started.elapsed().as_secs_f64());
        let retry_after = result.fetch.retry_after_secs.map(Duration::from_secs);
        let hold = politeness.observe(&keys, result.fetch.error.as_ref(), retry_after);
        if let Some(e) = &result.fetch.error {
            metrics::counter!("icp_patrol_fetch_errors_total", "kind" => e.kind.as_str()).increment(1);
            if e.kind == ErrorKind::RateLimited && job.attempts < self.config.daemon.max_attempts {
                // Asked again when the server said, not before (its other jobs wait as long).
                let wait = hold
                    .map_or(Duration::ZERO, |(until, _)| until.saturating_duration_since(tokio::time::Instant::now()));
                self.store
                    .requeue(&self.worker, job.id, now_ms() + wait.as_millis() as i64, Some(&e.detail), true)
                    .await?;
                return Ok(Worked::Retried);
            }
            if transient(e.kind) && job.attempts < self.config.daemon.max_attempts {
                let backoff =
                    self.config.daemon.retry_backoff_secs.saturating_mul(1 << (job.attempts - 1).clamp(0, 16));
                let at = now_ms() + (backoff * 1000) as i64;
                self.store.requeue(&self.worker, job.id, at, Some(&e.detail), true).await?;
                return Ok(Worked::Retried);
            }
        }
        let open = match read_history {
            Some((open, previous)) => {
                history::compare_with(&scanner, &mut result, Some(&filing), &open, &previous);
                open
            }
            None => {
                let open = self.store.open_findings(&job.target).await?;
                history::compare(&self.store, &scanner, &mut result, Some(&filing), &open).await?;
                open
            }
        };
        let follow_up = policy::apply(&mut result, &open, &self.config.daemon, now_ms());
        scanner.judge(&mut result, Some(&filing));
        let result = Arc::new(result);
        match recorder.record(Arc::clone(&result), job.id, read, online_known).await? {
            Some(scan_id) => {
                if job.cycle.starts_with("deadline:") {
                    self.settle_notice(&job.cycle, &result, scan_id).await?;
                }
                metrics::counter!("icp_patrol_scans_total", "verdict" => result.verdict.status.as_str()).increment(1);
                if follow_up.confirm {
                    let at = now_ms() + (self.config.daemon.confirm_after_secs * 1000) as i64;
                    let cycle = format!("confirm:{}@{at}", job.target);
                    self.store.enqueue(&cycle, &[(job.domain.clone(), job.target.clone())], at).await?;
                }
                Ok(Worked::Recorded)
            }
            None => {
                tracing::warn!(job = job.id, target = %job.target, "lease lost before recording; another worker has the job");
                Ok(Worked::Skipped)
            }
        }
    }
}

fn in_flight_len(set: &std::sync::Mutex<HashMap<i64, String>>) -> usize {
    set.lock().unwrap_or_else(|p| p.into_inner()).len()
}

enum Worked {
    Recorded,
    Retried,
    Released,
    Skipped,
    /// Put back until its host may be asked again.
    Deferred,
}

#[derive(Default)]
struct Counters {
    recorded: std::sync::atomic::AtomicUsize,
    retried: std::sync::atomic::AtomicUsize,
    released: std::sync::atomic::AtomicUsize,
    deferred: std::sync::atomic::AtomicUsize,
}

impl Counters {
    fn count(&self, worked: Worked) {
        use std::sync::atomic::Ordering::Relaxed;
        match worked {
            Worked::Recorded => {
                self.recorded.fetch_add(1, Relaxed);
            }
            Worked::Retried => {
                self.retried.fetch_add(1, Relaxed);
            }
            Worked::Released => {
                self.released.fetch_add(1, Relaxed);
            }
            Worked::Skipped => {}
            Worked::Deferred => {
                self.deferred.fetch_add(1, Relaxed);
            }
        }
    }
}
