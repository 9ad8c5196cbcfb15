//! A DevTools-protocol connection over the pipe Chromium opens with `--remote-debugging-pipe`:
//! NUL-terminated JSON messages on the child's fds 3 (commands in) and 4 (replies and events out).
//! No port is opened, so nothing else on the machine can drive the browser.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::unix::pipe;
use tokio::sync::{mpsc, oneshot};

/// A protocol message larger than this ends the connection (a screenshot is capped well below).
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, thiserror::Error)]
pub enum CdpError {
    #[error("the browser closed the DevTools pipe")]
    Closed,
    #[error("no answer to {0} in time")]
    Timeout(String),
    #[error("{method}: {message}")]
    Protocol { method: String, message: String },
}

/// An event of one page session.
#[derive(Debug, Clone)]
pub struct Event {
    pub method: String,
    pub params: Value,
}

type Pending = HashMap<u64, oneshot::Sender<Result<Value, CdpError>>>;

struct Shared {
    pending: Mutex<Pending>,
    sessions: Mutex<HashMap<String, mpsc::UnboundedSender<Event>>>,
    alive: AtomicBool,
}

/// One browser's protocol connection, shared by its page sessions.
pub struct Connection {
    writer: tokio::sync::Mutex<pipe::Sender>,
    next_id: AtomicU64,
    shared: Arc<Shared>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

impl Connection {
    pub fn new(to_browser: pipe::Sender, from_browser: pipe::Receiver) -> Connection {
        let shared =
            Arc::new(Shared { pending: Mutex::default(), sessions: Mutex::default(), alive: AtomicBool::new(true) });
        let reader = tokio::spawn(read_loop(from_browser, Arc::clone(&shared)));
        Connection { writer: tokio::sync::Mutex::new(to_browser), next_id: AtomicU64::new(1), shared, reader }
    }

    pub fn is_alive(&self) -> bool {
        self.shared.alive.load(Ordering::Acquire)
    }

    /// Events of `session` from now on (register before the command that causes them).
    pub fn subscribe(&self, session: &str) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.shared.sessions).insert(session.to_string(), tx);
        rx
    }

    pub fn unsubscribe(&self, session: &str) {
        lock(&self.shared.sessions).remove(session);
    }

    /// Sends a command and waits for its answer.
    pub async fn call(
        &self,
        method: &str,
        params: Value,
        session: Option<&str>,
        timeout: Duration,
    ) -> Result<Value, CdpError> {
        if !self.is_alive() {
            return Err(CdpError::Closed);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        lock(&self.shared.pending).insert(id, tx);
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            message["sessionId"] = Value::String(s.to_string());
        }
        let mut bytes = serde_json::to_vec(&message)
            .map_err(|e| CdpError::Protocol { method: method.to_string(), message: e.to_string() })?;
        bytes.push(0);
        let written = {
            let mut w = self.writer.lock().await;
            tokio::time::timeout(timeout, w.write_all(&bytes)).await
        };
        if !matches!(written, Ok(Ok(()))) {
            lock(&self.shared.pending).remove(&id);
            self.shared.alive.store(false, Ordering::Release);
            return Err(CdpError::Closed);
        }
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(answer)) => answer.map_err(|e| match e {
                CdpError::Protocol { message, .. } => CdpError::Protocol { method: method.to_string(), message },
                other => other,
            }),
            Ok(Err(_)) => Err(CdpError::Closed),
            Err(_) => {
                lock(&self.shared.pending).remove(&id);
                Err(CdpError::Timeout(method.to_string()))
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn read_loop(mut from_browser: pipe::Receiver, shared: Arc<Shared>) {
    let mut buffer: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    let mut scanned = 0;
    loop {
        let n = match from_browser.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buffer.extend_from_slice(&chunk[..n]);
        // Only the new bytes are searched for the terminator: linear in the message size.
        while let Some(end) = buffer[scanned..].iter().position(|&b| b == 0).map(|p| p + scanned) {
            dispatch(&buffer[..end], &shared);
            buffer.drain(..=end);
            scanned = 0;
        }
        scanned = buffer.len();
        if buffer.len() > MAX_MESSAGE {
            break;
        }
    }
    shared.alive.store(false, Ordering::Release);
    for (_, waiter) in lock(&shared.pending).drain() {
        let _ = waiter.send(Err(CdpError::Closed));
    }
    lock(&shared.sessions).clear();
}

fn dispatch(message: &[u8], shared: &Shared) {
    let Ok(mut value) = serde_json::from_slice::<Value>(message) else { return };
    if let Some(id) = value.get("id").and_then(Value::as_u64) {
        let Some(waiter) = lock(&shared.pending).remove(&id) else { return };
        let answer = match value.get_mut("error") {
            Some(error) => Err(CdpError::Protocol {
                method: String::new(),
                message: error.get("message").and_then(Value::as_str).unwrap_or("error").to_string(),
            }),
            None => Ok(value.get_mut("result").map(Value::take).unwrap_or(Value::Null)),
        };
        let _ = waiter.send(answer);
        return;
    }
    let (Some(method), Some(session)) = (
        value.get("method").and_then(Value::as_str).map(str::to_string),
        value.get("sessionId").and_then(Value::as_str).map(str::to_string),
    ) else {
        return;
    };
    let event = Event { method, params: value.get_mut("params").map(Value::take).unwrap_or_default() };
    if let Some(tx) = lock(&shared.sessions).get(&session) {
        let _ = tx.send(event);
    }
}
