//! When scans run: cron schedules make cycles of jobs in the store, workers claim them under a lease,
//! scans are bounded in total and per server address, transient failures are retried with backoff,
//! results are judged with their history and recorded once. `run` takes its shutdown signal as an
//! argument, so tests stop it as SIGTERM does.

mod alerting;
mod cron;
mod daemon;
mod limiter;
mod ops;
mod policy;

pub use cron::{CronError, CronSchedule};
pub use daemon::{Daemon, DaemonHandle, RunSummary};
pub use limiter::KeyedLimiter;
pub use ops::{prometheus, serve as serve_ops};
pub use policy::{FollowUp, apply as apply_policy};
