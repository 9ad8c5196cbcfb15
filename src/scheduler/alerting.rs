//! The daemon's alerting: which cycles it enqueued and waits to see finished, the digest of those
//! that are, and events for its own troubles. Everything here only queues (see `alert::Alerter`).

use std::sync::Mutex;
use std::time::Duration;

use chrono::NaiveDate;

use crate::alert::{Alerter, Event, collect};
use crate::rules::RuleSet;
use crate::store::{Store, StoreError};

#[derive(Default)]
pub(super) struct Alerting {
    pub alerter: Alerter,
    /// Cycles this daemon enqueued (not those another daemon had enqueued first), to digest when done.
    watched: Mutex<Vec<String>>,
}

/// A finished cycle of at least this many scans, none of which reached its site, is told as failed
/// (one unreachable site is a finding, not the daemon's trouble).
const UNREACHED_MIN_SCANS: i64 = 3;

/// How often the daemon looks for finished cycles.
pub(super) const DIGEST_EVERY: Duration = Duration::from_secs(2);

impl Alerting {
    pub fn new(alerter: Alerter) -> Self {
        Alerting { alerter, watched: Mutex::default() }
    }

    pub fn watch(&self, cycle: &str, added: usize) {
        if added > 0 && !self.alerter.is_empty() {
            self.watched.lock().unwrap_or_else(|p| p.into_inner()).push(cycle.to_string());
        }
    }

    pub fn store_failed(&self, e: &StoreError) {
        self.alerter.event(Event::StoreUnreachable { error: e.to_string() });
    }

    pub fn cycle_failed(&self, schedule: &str, e: &StoreError) {
        self.alerter.event(Event::CycleFailed { schedule: schedule.to_string(), error: e.to_string() });
    }

    /// Before a schedule's next cycle: its previous one still has jobs to do. Told by the daemon that
    /// enqueued that cycle only (it still watches it), not by every daemon sharing the store.
    pub async fn check_behind(&self, store: &Store, schedule: &str, previous: Option<&str>) {
        let Some(previous) = previous else { return };
        if !self.watched.lock().unwrap_or_else(|p| p.into_inner()).iter().any(|c| c == previous) {
            return;
        }
        match store.pending_in_cycle(previous).await {
            Ok(0) => {}
            Ok(pending) => {
                tracing::warn!(%schedule, %previous, pending, "schedule fell behind: its previous cycle is not finished");
                self.alerter.event(Event::CycleBehind {
                    schedule: schedule.to_string(),
                    previous: previous.to_string(),
                    pending,
                });
            }
            Err(e) => self.store_failed(&e),
        }
    }

    /// Publishes one digest for the watched cycles that finished (all of them with `all`, at the end
    /// of a `--once` run); nothing when there is nothing new to tell.
    pub async fn digest_finished(&self, store: &Store, rules: &RuleSet, today: NaiveDate, all: bool) {
        if self.alerter.is_empty() {
            return;
        }
        let watched: Vec<String> = self.watched.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut done = Vec::new();
        for cycle in watched {
            match store.pending_in_cycle(&cycle).await {
                Ok(0) => done.push(cycle),
                Ok(_) if all => done.push(cycle),
                Ok(_) => {}
                Err(e) => return self.store_failed(&e),
            }
        }
        if done.is_empty() && !all {
            return;
        }
        self.watched.lock().unwrap_or_else(|p| p.into_inner()).retain(|c| !done.contains(c));
        let mut events = Vec::new();
        for cycle in &done {
            match store.cycle_reach(cycle).await {
                Ok((scans, unreached)) if scans >= UNREACHED_MIN_SCANS && unreached == scans => {
                    tracing::error!(%cycle, scans, "no scan of the cycle reached its site");
                    events.push(Event::CycleUnreached { cycle: cycle.clone(), scans });
                }
                Ok(_) => {}
                Err(e) => return self.store_failed(&e),
            }
        }
        match collect(store, rules, today, done, &|t| self.alerter.listens(t)).await {
            Ok(mut digest) => {
                digest.events = events;
                if !digest.is_empty() {
                    self.alerter.publish(&digest);
                }
            }
            Err(e) => self.store_failed(&e),
        }
    }
}
