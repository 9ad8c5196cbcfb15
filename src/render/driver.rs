//! A browser page driven by a script, for tests that use a web interface as a person would (the
//! reviewer console's browser tests). The same fenced browser as a scan's renders, except that the
//! page may reach the loopback addresses it is given directly; every other request still goes to the
//! black hole, and downloads land in a directory of the caller's.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedReceiver;

use super::BlackHole;
use super::browser::{Browser, BrowserError};
use super::cdp::{CdpError, Connection, Event};

const STEP: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error(transparent)]
    Browser(#[from] BrowserError),
    #[error(transparent)]
    Cdp(#[from] CdpError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Page(String),
}

pub struct DrivenPage {
    connection: Arc<Connection>,
    session: String,
    events: UnboundedReceiver<Event>,
    _browser: Browser,
    black_hole: BlackHole,
}

impl DrivenPage {
    /// Starts a browser that may reach `direct` (and nothing else), with one page whose downloads go
    /// into `downloads`.
    pub async fn open(chromium: &Path, direct: &[SocketAddr], downloads: &Path) -> Result<DrivenPage, DriverError> {
        let black_hole = BlackHole::start()?;
        let browser = Browser::start(chromium, black_hole.addr, direct).await?;
        let connection = Arc::clone(&browser.connection);
        let c = &connection;
        c.call(
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": downloads.display().to_string() }),
            None,
            STEP,
        )
        .await?;
        let target = c.call("Target.createTarget", json!({ "url": "about:blank" }), None, STEP).await?;
        let target = target["targetId"].as_str().ok_or_else(|| DriverError::Page("no target id".into()))?;
        let attached =
            c.call("Target.attachToTarget", json!({ "targetId": target, "flatten": true }), None, STEP).await?;
        let session =
            attached["sessionId"].as_str().ok_or_else(|| DriverError::Page("no session id".into()))?.to_string();
        let events = c.subscribe(&session);
        c.call("Page.enable", json!({}), Some(&session), STEP).await?;
        c.call("Runtime.enable", json!({}), Some(&session), STEP).await?;
        Ok(DrivenPage { connection, session, events, _browser: browser, black_hole })
    }

    /// Connections the browser tried to open anywhere but the direct addresses.
    pub fn escaped_connections(&self) -> usize {
        self.black_hole.accepted.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Opens `url` and waits until it has loaded.
    pub async fn goto(&mut self, url: &str) -> Result<(), DriverError> {
        self.drain();
        let answer = self.connection.call("Page.navigate", json!({ "url": url }), Some(&self.session), STEP).await?;
        if let Some(error) = answer.get("errorText").and_then(Value::as_str) {
            return Err(DriverError::Page(format!("{url}: {error}")));
        }
        self.wait_for_load().await
    }

    /// Runs `expression` in the page (promises awaited) and returns its value.
    pub async fn eval(&self, expression: &str) -> Result<Value, DriverError> {
        let answer = self
            .connection
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
                Some(&self.session),
                STEP,
            )
            .await?;
        if let Some(details) = answer.get("exceptionDetails") {
            return Err(DriverError::Page(format!("{expression}: {details}")));
        }
        Ok(answer["result"]["value"].clone())
    }

    /// Runs `expression` that leads to another page (a form submitted, a link followed) and waits
    /// until that page has loaded.
    pub async fn act(&mut self, expression: &str) -> Result<(), DriverError> {
        self.drain();
        self.eval(expression).await?;
        self.wait_for_load().await
    }

    /// The page's text (what a person reads).
    pub async fn text(&self) -> Result<String, DriverError> {
        Ok(self.eval("document.body ? document.body.innerText : ''").await?.as_str().unwrap_or_default().to_string())
    }

    /// Waits for a finished download in `dir` (Chromium writes `*.crdownload` until it is complete).
    pub async fn wait_for_download(&self, dir: &Path, within: Duration) -> Result<PathBuf, DriverError> {
        let until = tokio::time::Instant::now() + within;
        loop {
            for entry in std::fs::read_dir(dir)? {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e != "crdownload") {
                    return Ok(path);
                }
            }
            if tokio::time::Instant::now() > until {
                return Err(DriverError::Page(format!("no download in {} within {within:?}", dir.display())));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn drain(&mut self) {
        while self.events.try_recv().is_ok() {}
    }

    async fn wait_for_load(&mut self) -> Result<(), DriverError> {
        let wait = async {
            while let Some(event) = self.events.recv().await {
                if event.method == "Page.loadEventFired" {
                    return Ok(());
                }
            }
            Err(DriverError::Page("the browser went away".into()))
        };
        tokio::time::timeout(STEP, wait).await.map_err(|_| DriverError::Page("the page did not load in time".into()))?
    }
}
