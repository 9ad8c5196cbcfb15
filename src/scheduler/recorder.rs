//! How the daemon's results reach the store: workers hand their results to writer tasks and wait
//! for the answer; a writer records whatever has arrived while it was writing its last group in one
//! transaction, so a busy daemon commits once for many scans instead of once per scan. SQLite has one
//! writer at a time anyway: one writer task. PostgreSQL takes writers side by side: several, each on
//! its own connection (one writer running every statement in turn was the bottleneck there). A group
//! is written in the order of its filings' domains and targets, so two groups in flight take their
//! row locks in one order and cannot deadlock. Either way each job is recorded once, and only while
//! this worker holds its lease (the store checks that per job inside the transaction).

use std::sync::Arc;

use tokio::sync::{Mutex, mpsc, oneshot};

use crate::page_read::StoredRead;
use crate::result::ScanResult;
use crate::store::{Backend, JobResult, Store, StoreError};

/// At most this many results in one transaction: a long write holds SQLite's lock from the others.
const MAX_GROUP: usize = 64;
/// PostgreSQL writers side by side (each holds one of the pool's connections while it writes).
const POSTGRES_WRITERS: usize = 4;

type Outcome = Result<Option<i64>, StoreError>;

pub(super) struct Item {
    result: Arc<ScanResult>,
    job: i64,
    read: Option<StoredRead>,
    online_known: bool,
    reply: oneshot::Sender<Outcome>,
}

/// Hands results to the writer tasks.
#[derive(Clone)]
pub(super) struct Recorder {
    queue: mpsc::Sender<Item>,
}

impl Recorder {
    /// The recorder for this store and the task that ends once every `Recorder` is dropped and what
    /// was handed to the writers is written.
    pub(super) fn start(store: Store, worker: String) -> (Recorder, tokio::task::JoinHandle<()>) {
        let writers = match store.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => POSTGRES_WRITERS,
        };
        let (queue, arrivals) = mpsc::channel(MAX_GROUP * 4);
        let arrivals = Arc::new(Mutex::new(arrivals));
        let handles: Vec<_> =
            (0..writers).map(|_| tokio::spawn(write_groups(store.clone(), worker.clone(), arrivals.clone()))).collect();
        let all = tokio::spawn(async move {
            for handle in handles {
                if let Err(e) = handle.await {
                    tracing::error!("a result writer stopped: {e}");
                }
            }
        });
        (Recorder { queue }, all)
    }

    /// Records a job's result, and the page read its scan made when it read the page afresh: the
    /// scan's id, or `None` when the lease was no longer this worker's. `online_known`: the filing's
    /// first day online is stored already.
    pub(super) async fn record(
        &self,
        result: Arc<ScanResult>,
        job: i64,
        read: Option<StoredRead>,
        online_known: bool,
    ) -> Outcome {
        let (reply, answer) = oneshot::channel();
        let item = Item { result, job, read, online_known, reply };
        self.queue.send(item).await.map_err(|_| StoreError::RecorderStopped)?;
        answer.await.map_err(|_| StoreError::RecorderStopped)?
    }
}

async fn write_groups(store: Store, worker: String, arrivals: Arc<Mutex<mpsc::Receiver<Item>>>) {
    let mut group: Vec<Item> = Vec::with_capacity(MAX_GROUP);
    // The lock is held only while waiting for arrivals: the next writer takes the next group while
    // this one writes.
    while arrivals.lock().await.recv_many(&mut group, MAX_GROUP).await > 0 {
        group.sort_by(|a, b| lock_order(&a.result).cmp(&lock_order(&b.result)));
        let results: Vec<JobResult<'_>> = group
            .iter()
            .map(|item| JobResult {
                result: item.result.as_ref(),
                job: item.job,
                read: item.read.as_ref(),
                online_known: item.online_known,
            })
            .collect();
        match store.record_group(&results, &worker).await {
            Ok(recorded) => {
                for (item, id) in group.drain(..).zip(recorded) {
                    let _ = item.reply.send(Ok(id));
                }
            }
            Err(e) => {
                // One result the store refuses must not fail the others: each is recorded on its own.
                tracing::warn!(results = group.len(), "recording a group: {e}; recording one by one");
                for item in group.drain(..) {
                    let outcome =
                        store.record_with_read(&item.result, Some((item.job, &worker)), item.read.as_ref()).await;
                    let _ = item.reply.send(outcome);
                }
            }
        }
    }
}

/// The rows a result's transaction locks belong to its filing's domain and its target.
fn lock_order(result: &ScanResult) -> (&str, &str) {
    (result.filing.as_ref().map_or(result.domain.as_str(), |f| f.domain.as_str()), result.domain.as_str())
}
