//! When scans run: cron schedules make cycles of jobs in the store, workers claim them under a lease,
//! scans are bounded in total and kept polite per server address and registrable domain, transient failures are retried with backoff,
//! results are judged with their history and recorded once. `run` takes its shutdown signal as an
//! argument, so tests stop it as SIGTERM does.

mod alerting;
mod cron;
mod daemon;
pub mod history;
mod limiter;
mod ops;
mod policy;
mod politeness;
mod prefetch;
mod recorder;

pub use cron::{CronError, CronSchedule};
pub use daemon::{Daemon, DaemonHandle, RunSummary};
pub use limiter::KeyedLimiter;
pub use ops::{prometheus, serve as serve_ops};
pub use policy::{FollowUp, apply as apply_policy};
pub use politeness::{Admission, HoldReason, HostKeys, Politeness, PolitenessOptions};
