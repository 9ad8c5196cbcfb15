//! The daemon's side: `publish` hands a digest to every channel's bounded queue and returns at once;
//! one task per channel sends what its queue holds. A full queue drops the new digest (counted in
//! `icp_patrol_alerts_dropped_total`): a receiver that hangs or refuses costs the scanning nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::{Notify, mpsc};

use super::AlertError;
use super::digest::{Digest, Event};
use super::send::{Transport, messages};
use super::settings::{AlertSettings, Channel};
use super::vendor::Refusal;

/// A store failure is told at most this often (every failing query would otherwise be an alert).
const STORE_EVENT_EVERY: Duration = Duration::from_secs(600);

/// Cheap to clone; without channels every call does nothing.
#[derive(Clone, Default)]
pub struct Alerter {
    inner: Option<Arc<Inner>>,
}

struct Inner {
    queues: Vec<(Arc<Channel>, mpsc::Sender<Digest>)>,
    /// Digests queued or being sent, over all channels (for `flush`).
    pending: Arc<Pending>,
    last_store_event: std::sync::Mutex<Option<Instant>>,
}

#[derive(Default)]
struct Pending {
    count: AtomicUsize,
    idle: Notify,
}

impl Pending {
    fn done(&self) {
        if self.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.idle.notify_waiters();
        }
    }
}

/// Every channel's series exist from the start, at zero.
fn register_series(channels: &[Channel]) {
    metrics::describe_counter!("icp_patrol_alerts_sent_total", "alert messages delivered, by channel");
    metrics::describe_counter!(
        "icp_patrol_alerts_failed_total",
        "alert messages given up on after their tries, by channel"
    );
    metrics::describe_counter!("icp_patrol_alerts_dropped_total", "alert digests dropped on a full queue, by channel");
    for c in channels {
        for name in
            ["icp_patrol_alerts_sent_total", "icp_patrol_alerts_failed_total", "icp_patrol_alerts_dropped_total"]
        {
            metrics::counter!(name, "channel" => c.name.clone()).increment(0);
        }
    }
}

/// Sends every message of a digest to one channel; how many went, or the first refusal (and how
/// many went before it).
pub async fn deliver(
    transport: &Transport,
    channel: &Channel,
    digest: &Digest,
    report_url: Option<&str>,
) -> Result<usize, (usize, Refusal)> {
    let mut sent = 0;
    for message in messages(channel, digest, report_url) {
        transport.send(channel, &message).await.map_err(|r| (sent, r))?;
        sent += 1;
    }
    Ok(sent)
}

impl Alerter {
    /// Starts one sender task per channel (on the current runtime). `env` reads a variable.
    pub fn start(settings: &AlertSettings, env: &dyn Fn(&str) -> Option<String>) -> Result<Alerter, AlertError> {
        let channels = settings.resolve(env)?;
        Self::with_channels(settings, channels)
    }

    /// The same, from channels already resolved.
    pub fn with_channels(settings: &AlertSettings, channels: Vec<Channel>) -> Result<Alerter, AlertError> {
        if channels.is_empty() {
            return Ok(Alerter::default());
        }
        register_series(&channels);
        let transport = Transport::new(settings)?;
        let pending = Arc::new(Pending::default());
        let mut queues = Vec::new();
        for channel in channels {
            let channel = Arc::new(channel);
            let (tx, mut rx) = mpsc::channel::<Digest>(settings.queue.max(1));
            let (transport, pending, report_url) =
                (transport.clone(), Arc::clone(&pending), settings.report_url.clone());
            let task_channel = Arc::clone(&channel);
            tokio::spawn(async move {
                let channel = task_channel;
                while let Some(digest) = rx.recv().await {
                    for message in messages(&channel, &digest, report_url.as_deref()) {
                        let label = channel.name.clone();
                        match transport.send(&channel, &message).await {
                            Ok(()) => {
                                metrics::counter!("icp_patrol_alerts_sent_total", "channel" => label).increment(1)
                            }
                            Err(r) => {
                                metrics::counter!("icp_patrol_alerts_failed_total", "channel" => label).increment(1);
                                tracing::error!(channel = %channel.name, kind = channel.kind.as_str(), "alert not delivered: {}", r.detail);
                            }
                        }
                    }
                    pending.done();
                }
            });
            queues.push((channel, tx));
        }
        Ok(Alerter { inner: Some(Arc::new(Inner { queues, pending, last_store_event: Default::default() })) })
    }

    pub fn is_empty(&self) -> bool {
        self.inner.is_none()
    }

    /// Whether some channel is told of `trigger` (what none is told of is not claimed in the store).
    pub fn listens(&self, trigger: super::digest::Trigger) -> bool {
        self.inner.as_ref().is_some_and(|i| i.queues.iter().any(|(c, _)| c.filter.listens(trigger)))
    }

    /// Queues each channel's part of `digest` (nothing for a channel whose filter keeps nothing).
    /// Never waits.
    pub fn publish(&self, digest: &Digest) {
        let Some(inner) = &self.inner else { return };
        for (channel, tx) in &inner.queues {
            let part = channel.filter.apply(digest);
            if part.is_empty() {
                continue;
            }
            inner.pending.count.fetch_add(1, Ordering::AcqRel);
            if let Err(e) = tx.try_send(part) {
                inner.pending.done();
                if matches!(e, mpsc::error::TrySendError::Full(_)) {
                    metrics::counter!("icp_patrol_alerts_dropped_total", "channel" => channel.name.clone())
                        .increment(1);
                    tracing::warn!(channel = %channel.name, "alert queue full; digest dropped");
                }
            }
        }
    }

    /// Tells of a daemon event at once (a store failure at most every ten minutes).
    pub fn event(&self, event: Event) {
        let Some(inner) = &self.inner else { return };
        if matches!(event, Event::StoreUnreachable { .. }) {
            let mut last = inner.last_store_event.lock().unwrap_or_else(|p| p.into_inner());
            if last.is_some_and(|t| t.elapsed() < STORE_EVENT_EVERY) {
                return;
            }
            *last = Some(Instant::now());
        }
        self.publish(&Digest::event(event, Utc::now()));
    }

    /// Waits until everything queued is sent or given up on, for at most `within`; whether it was.
    pub async fn flush(&self, within: Duration) -> bool {
        let Some(inner) = &self.inner else { return true };
        let pending = Arc::clone(&inner.pending);
        let drained = async {
            loop {
                let idle = pending.idle.notified();
                if pending.count.load(Ordering::Acquire) == 0 {
                    return;
                }
                idle.await;
            }
        };
        tokio::time::timeout(within, drained).await.is_ok()
    }
}
