//! The render stage, an edge beside `fetch`: pages whose footer a script builds are read as a visitor
//! sees them, in headless Chromium driven over the DevTools protocol. The browser never opens a
//! connection of its own: every request it makes is intercepted and answered by the scan's guarded
//! fetcher (same SSRF guard, same per-scan DNS answers, same caps and deadline), and its network
//! stack is fenced off besides (names resolve to nothing, connections go to a loopback black hole).
//!
//! Why a small protocol client of our own and not a CDP crate: the scanner needs about fifteen
//! commands over the browser's pipe; chromiumoxide and headless_chrome bring a generated protocol of
//! several hundred thousand lines, a WebSocket stack and minutes of build time on a two-core CI for
//! them. The pipe needs no port (nothing else on the machine can drive the browser).

mod browser;
mod cdp;
pub mod driver;
mod heuristic;
mod scripts;
mod session;

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

pub use browser::{BrowserError, locate};
pub use heuristic::{RenderReason, needs_render};

use crate::fetch::{AnswerCache, Fetcher};

/// When a page is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RenderMode {
    /// When the static page shows no footer number and looks built by script.
    #[default]
    Auto,
    Always,
    Never,
}

impl RenderMode {
    pub fn as_str(self) -> &'static str {
        match self {
            RenderMode::Auto => "auto",
            RenderMode::Always => "always",
            RenderMode::Never => "never",
        }
    }
}

impl FromStr for RenderMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "auto" => Ok(RenderMode::Auto),
            "always" => Ok(RenderMode::Always),
            "never" => Ok(RenderMode::Never),
            other => Err(format!("{other:?} is not a render mode (auto, always, never)")),
        }
    }
}

/// Limits of the render stage.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub mode: RenderMode,
    /// The browser binary; `None`: `chromium` (or another known name) on the PATH.
    pub browser: Option<PathBuf>,
    /// Pages rendered at once by one process.
    pub concurrency: usize,
    /// How long a page may take to settle (inside the scan's own deadline).
    pub budget: Duration,
    /// Requests a page may make (scripts, styles, XHR); the rest are refused.
    pub max_requests: usize,
    pub max_screenshot_height: u32,
    pub max_screenshot_bytes: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            mode: RenderMode::Auto,
            browser: None,
            concurrency: 4,
            budget: Duration::from_secs(5),
            max_requests: 200,
            max_screenshot_height: 4000,
            max_screenshot_bytes: 4 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScreenshotKind {
    Footer,
    Page,
}

/// A PNG taken during a render; the bytes travel beside the result, the digest inside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Screenshot {
    pub kind: ScreenshotKind,
    pub png: Vec<u8>,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
}

impl Screenshot {
    pub fn new(kind: ScreenshotKind, png: Vec<u8>, width: u32, height: u32) -> Self {
        let sha256 = format!("{:x}", Sha256::digest(&png));
        Screenshot { kind, png, sha256, width, height }
    }

    pub fn info(&self) -> ScreenshotInfo {
        ScreenshotInfo {
            kind: self.kind,
            sha256: self.sha256.clone(),
            bytes: self.png.len(),
            width: self.width,
            height: self.height,
        }
    }
}

/// A screenshot as the result describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreenshotInfo {
    pub kind: ScreenshotKind,
    pub sha256: String,
    pub bytes: usize,
    pub width: u32,
    pub height: u32,
}

/// The page's own requests during a render.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestCounts {
    /// Requests the page made (its document not counted).
    pub made: usize,
    /// Answered by the scan's fetcher.
    pub fulfilled: usize,
    /// Refused before any connection: private targets, other schemes, other methods, over the limit.
    pub refused: usize,
    /// Tried and failed (timeouts, unknown names, connection errors).
    pub failed: usize,
}

/// How a render ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenderStatus {
    Rendered,
    /// No browser could be started.
    Unavailable,
    /// The browser crashed or answered nonsense.
    Failed,
    /// The page did not load in time.
    Timeout,
}

impl RenderStatus {
    pub const ALL: [RenderStatus; 4] =
        [RenderStatus::Rendered, RenderStatus::Unavailable, RenderStatus::Failed, RenderStatus::Timeout];

    /// The form in the JSON result and the metrics' `outcome` label.
    pub fn as_str(self) -> &'static str {
        match self {
            RenderStatus::Rendered => "rendered",
            RenderStatus::Unavailable => "unavailable",
            RenderStatus::Failed => "failed",
            RenderStatus::Timeout => "timeout",
        }
    }
}

/// One render's outcome.
#[derive(Debug, Clone)]
pub struct RenderOutcome {
    pub status: RenderStatus,
    /// Why it did not render, when it did not.
    pub detail: Option<String>,
    /// The serialised DOM, hidden elements marked (see [`HIDDEN_ATTRIBUTE`]).
    pub html: Option<String>,
    pub screenshots: Vec<Screenshot>,
    pub requests: RequestCounts,
    /// Uncaught exceptions and failed script or data requests of the page.
    pub script_errors: Vec<String>,
    pub elapsed: Duration,
}

pub use crate::extract::HIDDEN_ATTRIBUTE;

/// What one render needs from the scan.
pub struct RenderRequest<'a> {
    pub url: &'a Url,
    /// The document as the static fetch read it (served to the browser, not fetched again).
    pub document: Vec<u8>,
    pub content_type: Option<String>,
    pub fetcher: &'a Fetcher,
    /// The scan's DNS answers: the page's requests ask no resolver for names already answered.
    pub answers: AnswerCache,
    pub deadline: Instant,
    pub max_body: usize,
}

/// A bounded pool over one browser process: at most `concurrency` pages at once, the process
/// started on first use and again after a crash, killed with its process group when dropped.
pub struct Renderer {
    options: RenderOptions,
    browser: tokio::sync::Mutex<Option<Arc<browser::Browser>>>,
    permits: Semaphore,
    black_hole: BlackHole,
}

impl Renderer {
    /// Sets up the pool (the browser starts on the first render); call inside the Tokio runtime.
    pub fn new(options: RenderOptions) -> std::io::Result<Renderer> {
        let permits = Semaphore::new(options.concurrency.max(1));
        Ok(Renderer { options, browser: tokio::sync::Mutex::new(None), permits, black_hole: BlackHole::start()? })
    }

    pub fn options(&self) -> &RenderOptions {
        &self.options
    }

    /// Connections the browser's own network stack opened (to the black hole): zero unless a request
    /// escaped interception.
    pub fn escaped_connections(&self) -> usize {
        self.black_hole.accepted.load(Ordering::Relaxed)
    }

    /// The process group of the running browser, if one runs: for operators' diagnostics and the
    /// tests of crash recovery and shutdown.
    pub async fn browser_group(&self) -> Option<i32> {
        self.browser.lock().await.as_ref().filter(|b| b.connection.is_alive()).and_then(|b| b.group())
    }

    /// Stops the browser (and every process of its group) now.
    pub async fn shutdown(&self) {
        self.browser.lock().await.take();
    }

    pub async fn render(&self, request: RenderRequest<'_>) -> RenderOutcome {
        let started = std::time::Instant::now();
        let outcome = |status, detail: String| RenderOutcome {
            status,
            detail: Some(detail),
            html: None,
            screenshots: vec![],
            requests: RequestCounts::default(),
            script_errors: vec![],
            elapsed: started.elapsed(),
        };
        let permit = tokio::time::timeout_at(request.deadline, self.permits.acquire()).await;
        let Ok(Ok(_permit)) = permit else {
            return outcome(RenderStatus::Timeout, "no render slot free before the scan's deadline".into());
        };
        let browser = match self.browser().await {
            Ok(b) => b,
            Err(e) => return outcome(RenderStatus::Unavailable, e.to_string()),
        };
        let counters = Arc::new(session::Counters::default());
        let page = session::PageContext {
            connection: Arc::clone(&browser.connection),
            fetcher: request.fetcher.clone(),
            answers: Arc::new(tokio::sync::Mutex::new(request.answers)),
            page_url: request.url.clone(),
            document: Arc::new(request.document),
            content_type: request.content_type,
            deadline: request.deadline,
            counters: Arc::clone(&counters),
            max_requests: self.options.max_requests,
            max_body: request.max_body,
        };
        let result = session::render(page, &self.options).await;
        let requests = counters.snapshot();
        let elapsed = started.elapsed();
        let status = match &result {
            Ok(_) => RenderStatus::Rendered,
            Err(session::SessionError::Timeout) => RenderStatus::Timeout,
            Err(_) => RenderStatus::Failed,
        };
        metrics::counter!("icp_patrol_renders_total", "outcome" => status.as_str()).increment(1);
        metrics::histogram!("icp_patrol_render_seconds").record(elapsed.as_secs_f64());
        match result {
            Ok(rendered) => RenderOutcome {
                status,
                detail: None,
                html: Some(rendered.html),
                screenshots: rendered.screenshots,
                requests,
                script_errors: rendered.script_errors,
                elapsed,
            },
            Err(e) => {
                if !browser.connection.is_alive() {
                    // A crashed browser is replaced on the next render.
                    let mut slot = self.browser.lock().await;
                    if slot.as_ref().is_some_and(|b| Arc::ptr_eq(b, &browser)) {
                        slot.take();
                    }
                }
                RenderOutcome {
                    status,
                    detail: Some(e.to_string()),
                    html: None,
                    screenshots: vec![],
                    requests,
                    script_errors: vec![],
                    elapsed,
                }
            }
        }
    }

    async fn browser(&self) -> Result<Arc<browser::Browser>, BrowserError> {
        let mut slot = self.browser.lock().await;
        if let Some(b) = slot.as_ref().filter(|b| b.connection.is_alive()) {
            return Ok(Arc::clone(b));
        }
        let path = locate(self.options.browser.as_deref())?;
        let started = Arc::new(browser::Browser::start(&path, self.black_hole.addr, &[]).await?);
        *slot = Some(Arc::clone(&started));
        Ok(started)
    }
}

/// A loopback listener the browser's proxy setting points at: it accepts and drops every
/// connection, and counts them (a connection here means a request escaped interception).
pub(crate) struct BlackHole {
    addr: std::net::SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl BlackHole {
    fn start() -> std::io::Result<BlackHole> {
        let listener = std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))?;
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let addr = listener.local_addr()?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        let task = tokio::spawn(async move {
            while let Ok((stream, peer)) = listener.accept().await {
                counter.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(%peer, "the browser opened a connection of its own; refused");
                drop(stream);
            }
        });
        Ok(BlackHole { addr, accepted, task })
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.task.abort();
    }
}
