//! How the daemon's results reach the store. On SQLite, which has one writer at a time anyway, one
//! task writes them: workers hand it their results and wait for the answer, and it records whatever
//! has arrived while it was writing the last group in one transaction, so a busy daemon commits once
//! for many scans instead of once per scan. On PostgreSQL each worker records its own result on the
//! pool: every statement there is a round trip to the server, and one writer running them one after
//! another was ten times slower than the pool's connections side by side (23 against 225 sites/s on
//! the farm bench). Either way each job is recorded once, and only while this worker holds its lease
//! (the store checks that per job inside the transaction).

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::page_read::StoredRead;
use crate::result::ScanResult;
use crate::store::{Backend, Store, StoreError};

/// At most this many results in one transaction: a long write holds SQLite's lock from the others.
const MAX_GROUP: usize = 64;

type Outcome = Result<Option<i64>, StoreError>;

pub(super) struct Item {
    result: Arc<ScanResult>,
    job: i64,
    read: Option<StoredRead>,
    reply: oneshot::Sender<Outcome>,
}

#[derive(Clone)]
pub(super) enum Recorder {
    /// Results go to the writer task, which records them in groups.
    Grouped { queue: mpsc::Sender<Item> },
    /// Each result is recorded by its worker in a transaction of its own.
    Direct { store: Store, worker: String },
}

impl Recorder {
    /// The recorder for this store, and the writer task when there is one; the writer ends once every
    /// `Recorder` is dropped and what was handed to it is written.
    pub(super) fn start(store: Store, worker: String) -> (Recorder, Option<tokio::task::JoinHandle<()>>) {
        match store.backend() {
            Backend::Sqlite => {
                let (queue, arrivals) = mpsc::channel(MAX_GROUP * 4);
                (Recorder::Grouped { queue }, Some(tokio::spawn(write_groups(store, worker, arrivals))))
            }
            Backend::Postgres => (Recorder::Direct { store, worker }, None),
        }
    }

    /// Records a job's result, and the page read its scan made when it read the page afresh: the
    /// scan's id, or `None` when the lease was no longer this worker's.
    pub(super) async fn record(&self, result: Arc<ScanResult>, job: i64, read: Option<StoredRead>) -> Outcome {
        match self {
            Recorder::Grouped { queue } => {
                let (reply, answer) = oneshot::channel();
                queue.send(Item { result, job, read, reply }).await.map_err(|_| StoreError::RecorderStopped)?;
                answer.await.map_err(|_| StoreError::RecorderStopped)?
            }
            Recorder::Direct { store, worker } => {
                store.record_with_read(&result, Some((job, worker)), read.as_ref()).await
            }
        }
    }
}

async fn write_groups(store: Store, worker: String, mut arrivals: mpsc::Receiver<Item>) {
    let mut group: Vec<Item> = Vec::with_capacity(MAX_GROUP);
    while arrivals.recv_many(&mut group, MAX_GROUP).await > 0 {
        let results: Vec<(&ScanResult, i64, Option<&StoredRead>)> =
            group.iter().map(|item| (item.result.as_ref(), item.job, item.read.as_ref())).collect();
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
