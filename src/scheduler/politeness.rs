//! Politeness towards the servers scanned, for the daemon and `scan --all` alike. Many filed sites
//! share one server and one registrable domain may hold many filed hosts, so each server address
//! and each registrable domain gets its own limit of scans at once and a minimum interval between
//! their starts. A site answering 429 (or 503 with `Retry-After`) is left alone for as long as it
//! asks (within a cap); a server address that keeps timing out is paused for a while (its error budget),
//! so it costs the run neither workers nor waiting. Other hosts are not slowed by any of it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;

use super::limiter::KeyedLimiter;
use crate::net::{ErrorKind, FetchError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolitenessOptions {
    /// Scans at once against one server address.
    pub per_address: usize,
    /// Scans at once of hosts of one registrable domain.
    pub per_domain: usize,
    /// Time between the starts of two scans of one server address (zero: none).
    pub min_interval: Duration,
    /// Consecutive timeouts from one server address before it is paused.
    pub error_budget: u32,
    /// How long a server that spent its error budget is left alone.
    pub pause: Duration,
    /// The pause after a 429 without `Retry-After`.
    pub default_backoff: Duration,
    /// The longest `Retry-After` honoured (a server asking for a week gets this).
    pub max_backoff: Duration,
}

impl PolitenessOptions {
    /// The limits the configuration sets (`[daemon]`; `scan --all` uses them too).
    pub fn from_settings(settings: &crate::config::DaemonSettings) -> Self {
        PolitenessOptions {
            per_address: settings.per_address.max(1),
            per_domain: settings.per_domain.max(1),
            min_interval: Duration::from_millis(settings.min_interval_ms),
            error_budget: settings.host_error_budget.max(1),
            pause: Duration::from_secs(settings.host_pause_secs),
            default_backoff: Duration::from_secs(settings.rate_limit_backoff_secs),
            max_backoff: Duration::from_secs(settings.max_retry_after_secs),
        }
    }
}

impl Default for PolitenessOptions {
    fn default() -> Self {
        PolitenessOptions {
            per_address: 4,
            per_domain: 4,
            min_interval: Duration::ZERO,
            error_budget: 5,
            pause: Duration::from_secs(300),
            default_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(3600),
        }
    }
}

/// The two keys a scan is limited by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKeys {
    /// The server's first address (or the host name when it has none yet).
    pub address: String,
    /// The registrable domain of the scanned host.
    pub domain: String,
}

impl HostKeys {
    /// The keys of a scan target: the server it will be fetched from, and its registrable domain.
    pub async fn of(scanner: &crate::engine::Scanner, target: &crate::engine::Target) -> HostKeys {
        HostKeys { address: scanner.address_key(target).await, domain: crate::domain::registrable_domain(&target.host) }
    }
}

/// Why a host is being left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HoldReason {
    /// It answered 429/503 and asked for a pause.
    RetryAfter,
    /// It timed out too often in a row.
    ErrorBudget,
}

impl HoldReason {
    pub const ALL: [HoldReason; 2] = [HoldReason::RetryAfter, HoldReason::ErrorBudget];

    pub fn as_str(self) -> &'static str {
        match self {
            HoldReason::RetryAfter => "retry_after",
            HoldReason::ErrorBudget => "error_budget",
        }
    }
}

/// The permits of one admitted scan, released when dropped.
pub struct Admitted {
    _domain: OwnedSemaphorePermit,
    _address: OwnedSemaphorePermit,
}

pub enum Admission {
    Go(Admitted),
    /// Not before this instant (the job waits in the queue, not in a worker).
    Held {
        until: Instant,
        reason: HoldReason,
    },
}

#[derive(Debug, Default)]
struct HostState {
    held_until: Option<(Instant, HoldReason)>,
    consecutive_timeouts: u32,
    next_start: Option<Instant>,
}

pub struct Politeness {
    options: PolitenessOptions,
    addresses: KeyedLimiter,
    domains: KeyedLimiter,
    hosts: Mutex<HashMap<String, HostState>>,
}

/// Entries kept before idle ones are forgotten.
const REMEMBERED: usize = 65_536;

impl Politeness {
    pub fn new(options: PolitenessOptions) -> Self {
        Politeness {
            addresses: KeyedLimiter::new(options.per_address),
            domains: KeyedLimiter::new(options.per_domain),
            options,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Whether either key is being left alone now, and until when.
    pub fn held(&self, keys: &HostKeys) -> Option<(Instant, HoldReason)> {
        let now = Instant::now();
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        [address_key(&keys.address), domain_key(&keys.domain)]
            .iter()
            .filter_map(|k| hosts.get(k)?.held_until)
            .filter(|(until, _)| *until > now)
            .max_by_key(|(until, _)| *until)
    }

    /// Waits for a slot of the address and the domain (and the address's interval), unless the host
    /// is being left alone: then says until when, at once.
    pub async fn admit(&self, keys: &HostKeys) -> Admission {
        if let Some((until, reason)) = self.held(keys) {
            return Admission::Held { until, reason };
        }
        let domain = self.domains.acquire(&keys.domain).await;
        let address = self.addresses.acquire(&keys.address).await;
        if !self.options.min_interval.is_zero() {
            let start = {
                let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
                let state = hosts.entry(address_key(&keys.address)).or_default();
                let start = state.next_start.map_or_else(Instant::now, |s| s.max(Instant::now()));
                state.next_start = Some(start + self.options.min_interval);
                start
            };
            tokio::time::sleep_until(start).await;
        }
        // A hold may have begun while this scan waited for its slot.
        if let Some((until, reason)) = self.held(keys) {
            return Admission::Held { until, reason };
        }
        Admission::Go(Admitted { _domain: domain, _address: address })
    }

    /// Learns from a scan's fetch: a rate-limiting answer holds the registrable domain for as long as
    /// asked; timeouts count against the server address's error budget, anything else resets it.
    /// Returns the hold that began, if one did.
    pub fn observe(
        &self,
        keys: &HostKeys,
        error: Option<&FetchError>,
        retry_after: Option<Duration>,
    ) -> Option<(Instant, HoldReason)> {
        let now = Instant::now();
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if hosts.len() > REMEMBERED {
            hosts.retain(|_, s| {
                s.consecutive_timeouts > 0
                    || s.held_until.is_some_and(|(u, _)| u > now)
                    || s.next_start.is_some_and(|n| n > now)
            });
        }
        let kind = error.map(|e| e.kind);
        let hold = match kind {
            Some(ErrorKind::RateLimited) => {
                let wait = retry_after.unwrap_or(self.options.default_backoff).min(self.options.max_backoff);
                let hold = (now + wait, HoldReason::RetryAfter);
                // The site asked, not the server: one address serves many filed sites on shared
                // hosting, and one vhost's limit must not stall its neighbours.
                let state = hosts.entry(domain_key(&keys.domain)).or_default();
                state.held_until = Some(state.held_until.map_or(hold, |h| h.max(hold)));
                Some(hold)
            }
            Some(ErrorKind::Timeout) => {
                let state = hosts.entry(address_key(&keys.address)).or_default();
                state.consecutive_timeouts += 1;
                if state.consecutive_timeouts >= self.options.error_budget.max(1) {
                    state.consecutive_timeouts = 0;
                    let hold = (now + self.options.pause, HoldReason::ErrorBudget);
                    state.held_until = Some(hold);
                    Some(hold)
                } else {
                    None
                }
            }
            _ => {
                if let Some(state) = hosts.get_mut(&address_key(&keys.address)) {
                    state.consecutive_timeouts = 0;
                }
                None
            }
        };
        if let Some((_, reason)) = hold {
            metrics::counter!("icp_patrol_host_holds_total", "reason" => reason.as_str()).increment(1);
        }
        hold
    }
}

fn address_key(address: &str) -> String {
    format!("a:{address}")
}

fn domain_key(domain: &str) -> String {
    format!("d:{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(address: &str, domain: &str) -> HostKeys {
        HostKeys { address: address.into(), domain: domain.into() }
    }

    fn error(kind: ErrorKind) -> FetchError {
        FetchError::new(kind, "test")
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_holds_that_site_only() {
        let p = Politeness::new(PolitenessOptions::default());
        let busy = keys("10.0.0.1", "busy.cn");
        let hold = p.observe(&busy, Some(&error(ErrorKind::RateLimited)), Some(Duration::from_secs(30)));
        assert_eq!(hold.map(|h| h.1), Some(HoldReason::RetryAfter));
        assert!(matches!(p.admit(&busy).await, Admission::Held { reason: HoldReason::RetryAfter, .. }));
        // Its other hosts (on any server) wait too; its neighbours on the shared server do not.
        assert!(p.held(&keys("10.0.0.9", "busy.cn")).is_some());
        assert!(p.held(&keys("10.0.0.1", "other.cn")).is_none());
        assert!(matches!(p.admit(&keys("10.0.0.2", "calm.cn")).await, Admission::Go(_)));
        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(p.held(&busy).is_some());
        tokio::time::advance(Duration::from_secs(2)).await;
        assert!(matches!(p.admit(&busy).await, Admission::Go(_)));
    }

    #[tokio::test(start_paused = true)]
    async fn a_long_retry_after_is_capped_and_a_missing_one_defaulted() {
        let options = PolitenessOptions::default();
        let p = Politeness::new(options.clone());
        let k = keys("10.0.0.1", "a.cn");
        let (until, _) =
            p.observe(&k, Some(&error(ErrorKind::RateLimited)), Some(Duration::from_secs(86_400))).expect("held");
        assert_eq!(until - Instant::now(), options.max_backoff);
        let k = keys("10.0.0.2", "b.cn");
        let (until, _) = p.observe(&k, Some(&error(ErrorKind::RateLimited)), None).expect("held");
        assert_eq!(until - Instant::now(), options.default_backoff);
    }

    #[tokio::test(start_paused = true)]
    async fn timeouts_in_a_row_spend_the_error_budget() {
        let p = Politeness::new(PolitenessOptions { error_budget: 3, ..PolitenessOptions::default() });
        let k = keys("10.0.0.1", "slow.cn");
        assert!(p.observe(&k, Some(&error(ErrorKind::Timeout)), None).is_none());
        assert!(p.observe(&k, Some(&error(ErrorKind::Timeout)), None).is_none());
        // A good answer in between resets the count.
        assert!(p.observe(&k, None, None).is_none());
        assert!(p.observe(&k, Some(&error(ErrorKind::Timeout)), None).is_none());
        assert!(p.observe(&k, Some(&error(ErrorKind::Timeout)), None).is_none());
        let hold = p.observe(&k, Some(&error(ErrorKind::Timeout)), None);
        assert_eq!(hold.map(|h| h.1), Some(HoldReason::ErrorBudget));
        assert!(p.held(&k).is_some());
        // The pause is the server's: the domain's other servers go on.
        assert!(p.held(&keys("10.0.0.2", "slow.cn")).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn starts_on_one_address_keep_the_interval() {
        let p = Politeness::new(PolitenessOptions {
            min_interval: Duration::from_secs(2),
            per_address: 8,
            per_domain: 8,
            ..PolitenessOptions::default()
        });
        let k = keys("10.0.0.1", "a.cn");
        let t0 = Instant::now();
        let _a = p.admit(&k).await;
        let _b = p.admit(&k).await;
        let _c = p.admit(&k).await;
        assert_eq!(Instant::now() - t0, Duration::from_secs(4));
        // Another address is not spaced by this one.
        let t1 = Instant::now();
        let _d = p.admit(&keys("10.0.0.2", "b.cn")).await;
        assert_eq!(Instant::now(), t1);
    }
}
