//! The threads that read pages: decoding, parsing, extraction and classification of a served or rendered
//! page run on a fixed set of threads, one per core, in the order the scans were admitted.
//!
//! Not on tokio's blocking pool: it starts a thread whenever none is idle at the moment work comes, and
//! the next page's work comes as the last one ends, so a daemon's first cycle read its pages on a dozen
//! threads by turns. Each rule pattern keeps a search cache (lazy DFA states, sets sized to its automaton)
//! for every thread that searched with it at once, and those caches were the largest part of the daemon's
//! memory: peak RSS 368–392 MiB with 2,000 scans in flight, 285–289 MiB with two threads (docs/scale.md).

use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, mpsc};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

type Job = Box<dyn FnOnce() + Send>;

/// The reading threads and the admission to them.
pub struct Readers {
    /// One per thread: a scan holds one from before its page's time limit starts to count until its read
    /// ends, so waiting for a thread is the scanner's queue, not the page's time.
    permits: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
}

/// The read was not finished: it panicked (a bug, kept from taking the thread with it).
#[derive(Debug, thiserror::Error)]
#[error("the page's reading stopped")]
pub struct ReadStopped;

impl Readers {
    /// One thread per core the process may use.
    pub fn per_core() -> Self {
        Readers::new(cores())
    }

    pub fn new(threads: usize) -> Self {
        let threads = threads.max(1);
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads {
            let receiver = Arc::clone(&receiver);
            // Without its threads the scanner can read nothing; failing to start one is the process's end.
            std::thread::Builder::new()
                .name(format!("page-reader-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job, never while working on one.
                        let job = match receiver.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        match job {
                            // A panic drops the job's answer (its scan sees `ReadStopped`); the thread goes on.
                            Ok(job) => drop(std::panic::catch_unwind(AssertUnwindSafe(job))),
                            // Every sender is gone: the scanner has been dropped.
                            Err(_) => return,
                        }
                    }
                })
                .expect("starting a page-reading thread");
        }
        Readers { permits: Arc::new(Semaphore::new(threads)), jobs: sender }
    }

    /// A place on a reading thread, waited for in turn.
    pub async fn admit(&self) -> OwnedSemaphorePermit {
        Arc::clone(&self.permits).acquire_owned().await.expect("never closed")
    }

    /// Runs `work` on a reading thread under its admission (so no more work is queued than there are
    /// threads). It runs to its end even when the caller stops waiting, and the admission is released when
    /// the work ends.
    pub async fn run<T: Send + 'static>(
        &self,
        admission: OwnedSemaphorePermit,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ReadStopped> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let read = work();
            // Released before the answer goes, so the thread is free again by the time its caller hears.
            drop(admission);
            let _ = answer.send(read);
        });
        self.jobs.send(job).map_err(|_| ReadStopped)?;
        answered.await.map_err(|_| ReadStopped)
    }
}

/// The cores the process may use (2 when the system does not say).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_readers_and_a_panic_stops_only_its_own_read() {
        let readers = Readers::new(1);
        let name = readers.run(readers.admit().await, || std::thread::current().name().map(str::to_string));
        assert_eq!(name.await.expect("ran").as_deref(), Some("page-reader-0"));
        assert!(readers.run(readers.admit().await, || panic!("a bug in a read")).await.is_err());
        let after = readers.run(readers.admit().await, || 2 + 2).await;
        assert_eq!(after.expect("the thread survived the panic"), 4);
        assert_eq!(readers.permits.available_permits(), 1, "each admission was released with its work");
    }

    #[tokio::test]
    async fn admission_is_one_per_thread() {
        let readers = Readers::new(2);
        let (_a, _b) = (readers.admit().await, readers.admit().await);
        assert_eq!(readers.permits.available_permits(), 0);
    }
}
