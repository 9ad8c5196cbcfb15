//! The time a page's extraction may take. Extraction runs on a blocking thread that cannot be
//! killed, so it checks its budget between bounded steps and gives up promptly when it runs out,
//! freeing the worker.

use std::time::{Duration, Instant};

/// How many loop steps run between two looks at the clock (a look costs tens of nanoseconds).
pub(crate) const CHECK_EVERY: usize = 4096;

/// Until when extraction may run; unlimited by default.
#[derive(Debug, Clone, Copy, Default)]
pub struct Budget {
    deadline: Option<Instant>,
}

impl Budget {
    pub fn unlimited() -> Self {
        Budget { deadline: None }
    }

    pub fn until(deadline: Instant) -> Self {
        Budget { deadline: Some(deadline) }
    }

    pub fn lasting(time: Duration) -> Self {
        Budget { deadline: Instant::now().checked_add(time) }
    }

    /// `Err` once the deadline has passed; `stage` says where the work stopped.
    pub fn check(&self, stage: &'static str) -> Result<(), OutOfTime> {
        match self.deadline {
            Some(deadline) if Instant::now() >= deadline => Err(OutOfTime { stage }),
            _ => Ok(()),
        }
    }
}

/// Extraction ran out of time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reading the page did not finish within the scan's time limit (stopped in {stage})")]
pub struct OutOfTime {
    pub stage: &'static str,
}
