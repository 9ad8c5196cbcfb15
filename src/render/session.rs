//! One render: a fresh browser context and page, every request of the page answered by the scan's
//! own fetcher, the page left to settle, then hidden elements marked, the DOM serialised and the
//! footer and page photographed. The context (cookies, storage, cache) is thrown away afterwards.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use super::cdp::{CdpError, Connection};
use super::{RenderOptions, RequestCounts, Screenshot, ScreenshotKind, scripts};
use crate::fetch::{AnswerCache, ErrorKind, Fetcher};

/// How long the page must stay quiet (loaded, no request pending) to count as settled.
const QUIET: Duration = Duration::from_millis(400);
/// One protocol command never waits longer than this (within the render's own deadline).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{0}")]
    Cdp(#[from] CdpError),
    #[error("the page did not load within the render budget")]
    Timeout,
    #[error("the browser went away during the render")]
    Crashed,
    #[error("the rendered document is larger than {0} bytes")]
    TooLarge(usize),
    #[error("unexpected answer from the browser: {0}")]
    Unexpected(String),
}

/// What the page produced.
pub struct Rendered {
    pub html: String,
    pub screenshots: Vec<Screenshot>,
    /// Uncaught exceptions and failed script requests: a page that shows nothing after these is not
    /// judged (its app may simply not have run here).
    pub script_errors: Vec<String>,
}

/// The page's own request counters, shared with the request handlers.
#[derive(Default)]
pub struct Counters {
    made: AtomicUsize,
    fulfilled: AtomicUsize,
    refused: AtomicUsize,
    failed: AtomicUsize,
}

impl Counters {
    pub fn snapshot(&self) -> RequestCounts {
        RequestCounts {
            made: self.made.load(Ordering::Relaxed),
            fulfilled: self.fulfilled.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }
}

/// What the request handlers need, cheap to clone into each.
#[derive(Clone)]
pub struct PageContext {
    pub connection: Arc<Connection>,
    pub fetcher: Fetcher,
    pub answers: Arc<tokio::sync::Mutex<AnswerCache>>,
    pub page_url: Url,
    pub document: Arc<Vec<u8>>,
    pub content_type: Option<String>,
    pub deadline: Instant,
    pub counters: Arc<Counters>,
    pub max_requests: usize,
    pub max_body: usize,
}

fn timeout_until(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now()).min(COMMAND_TIMEOUT).max(Duration::from_millis(50))
}

/// Renders one page in a context of its own, which is disposed of whatever happens.
pub async fn render(page: PageContext, options: &RenderOptions) -> Result<Rendered, SessionError> {
    let conn = Arc::clone(&page.connection);
    let t = timeout_until(page.deadline);
    let context = conn.call("Target.createBrowserContext", json!({ "disposeOnDetach": true }), None, t).await?;
    let context = context["browserContextId"]
        .as_str()
        .ok_or_else(|| SessionError::Unexpected("no browser context id".into()))?
        .to_string();
    let result = render_in(&page, &context, options).await;
    let _ =
        conn.call("Target.disposeBrowserContext", json!({ "browserContextId": context }), None, COMMAND_TIMEOUT).await;
    result
}

async fn render_in(page: &PageContext, context: &str, options: &RenderOptions) -> Result<Rendered, SessionError> {
    let conn = &page.connection;
    let t = || timeout_until(page.deadline);
    // Downloads are refused for the whole context.
    let _ = conn
        .call("Browser.setDownloadBehavior", json!({ "behavior": "deny", "browserContextId": context }), None, t())
        .await;
    let target = conn
        .call("Target.createTarget", json!({ "url": "about:blank", "browserContextId": context }), None, t())
        .await?;
    let target = target["targetId"].as_str().ok_or_else(|| SessionError::Unexpected("no target id".into()))?;
    let attached =
        conn.call("Target.attachToTarget", json!({ "targetId": target, "flatten": true }), None, t()).await?;
    let session =
        attached["sessionId"].as_str().ok_or_else(|| SessionError::Unexpected("no session id".into()))?.to_string();
    let mut events = conn.subscribe(&session);
    let s = Some(session.as_str());
    let outcome = async {
        conn.call("Fetch.enable", json!({ "patterns": [{ "urlPattern": "*", "requestStage": "Request" }] }), s, t())
            .await?;
        conn.call("Page.enable", json!({}), s, t()).await?;
        conn.call("Runtime.enable", json!({}), s, t()).await?;
        conn.call("Page.addScriptToEvaluateOnNewDocument", json!({ "source": scripts::GUARD }), s, t()).await?;
        // The navigation answers only once its document request is fulfilled, which `settle` does:
        // it runs beside it.
        let navigation = {
            let conn = Arc::clone(conn);
            let (session, url, t) = (session.clone(), page.page_url.to_string(), t());
            tokio::spawn(async move { conn.call("Page.navigate", json!({ "url": url }), Some(&session), t).await })
        };
        let settled = settle(page, &session, &mut events, options).await;
        navigation.abort();
        let script_errors = settled?;
        let html = evaluate(conn, s, scripts::MARK_HIDDEN_AND_SERIALISE, t()).await?;
        let html = html.as_str().ok_or_else(|| SessionError::Unexpected("the DOM is not a string".into()))?.to_string();
        if html.len() > page.max_body {
            return Err(SessionError::TooLarge(page.max_body));
        }
        let screenshots = photograph(conn, s, options, t()).await;
        Ok(Rendered { html, screenshots, script_errors })
    }
    .await;
    conn.unsubscribe(&session);
    outcome
}

/// Answers the page's requests until it has loaded and stayed quiet, or the budget runs out (a page
/// that loaded but keeps polling is taken as it stands then; one that never loaded is a timeout).
async fn settle(
    page: &PageContext,
    session: &str,
    events: &mut tokio::sync::mpsc::UnboundedReceiver<super::cdp::Event>,
    options: &RenderOptions,
) -> Result<Vec<String>, SessionError> {
    let mut script_errors: Vec<String> = Vec::new();
    let budget_end = (Instant::now() + options.budget).min(page.deadline);
    // Each handler says which script or data request failed, if it did.
    let mut handlers: JoinSet<Option<String>> = JoinSet::new();
    let mut loaded = false;
    let mut last_activity = Instant::now();
    let mut document_served = false;
    loop {
        let quiet_at = last_activity + QUIET;
        tokio::select! {
            event = events.recv() => {
                let Some(event) = event else { return Err(SessionError::Crashed) };
                match event.method.as_str() {
                    "Fetch.requestPaused" => {
                        last_activity = Instant::now();
                        let first_document = !document_served
                            && event.params["resourceType"] == "Document"
                            && same_document(event.params["request"]["url"].as_str(), &page.page_url);
                        document_served |= first_document;
                        let page = page.clone();
                        let session = session.to_string();
                        handlers.spawn(async move { answer(page, session, event.params, first_document).await });
                    }
                    "Runtime.exceptionThrown" if script_errors.len() < 10 => {
                        let details = &event.params["exceptionDetails"];
                        let text = details["exception"]["description"]
                            .as_str()
                            .or_else(|| details["text"].as_str())
                            .unwrap_or("exception");
                        script_errors.push(text.lines().next().unwrap_or(text).chars().take(200).collect());
                    }
                    "Page.loadEventFired" => {
                        loaded = true;
                        last_activity = Instant::now();
                    }
                    _ => {}
                }
            }
            Some(done) = handlers.join_next() => {
                last_activity = Instant::now();
                if let Ok(Some(failed)) = done && script_errors.len() < 10 {
                    script_errors.push(failed);
                }
            }
            _ = tokio::time::sleep_until(quiet_at), if loaded && handlers.is_empty() => return Ok(script_errors),
            _ = tokio::time::sleep_until(budget_end) => {
                return if loaded { Ok(script_errors) } else { Err(SessionError::Timeout) };
            }
        }
        if !page.connection.is_alive() {
            return Err(SessionError::Crashed);
        }
    }
}

fn same_document(requested: Option<&str>, page: &Url) -> bool {
    let Some(requested) = requested.and_then(|r| Url::parse(r).ok()) else { return false };
    let (mut a, mut b) = (requested, page.clone());
    a.set_fragment(None);
    b.set_fragment(None);
    a == b
}

/// Fulfils one paused request from the scan's fetcher, or fails it; a failed script, XHR or fetch
/// request is reported back.
async fn answer(page: PageContext, session: String, params: Value, first_document: bool) -> Option<String> {
    let conn = &page.connection;
    let s = Some(session.as_str());
    let request_id = params["requestId"].as_str()?;
    let vital = matches!(params["resourceType"].as_str(), Some("Script" | "XHR" | "Fetch" | "Document"));
    let t = timeout_until(page.deadline);
    let fail = |reason: &str| json!({ "requestId": request_id, "errorReason": reason });
    if first_document {
        // The document is the one the static fetch already read: no second request for it.
        let mut headers = vec![];
        if let Some(ct) = &page.content_type {
            headers.push(json!({ "name": "Content-Type", "value": ct }));
        }
        let body = BASE64.encode(page.document.as_slice());
        let params = json!({ "requestId": request_id, "responseCode": 200, "responseHeaders": headers, "body": body });
        let _ = conn.call("Fetch.fulfillRequest", params, s, t).await;
        return None;
    }
    let counters = &page.counters;
    let made = counters.made.fetch_add(1, Ordering::Relaxed) + 1;
    let method = params["request"]["method"].as_str().unwrap_or("GET");
    let url = params["request"]["url"].as_str().and_then(|u| Url::parse(u).ok());
    let refuse = match &url {
        _ if !matches!(method, "GET" | "HEAD") => true,
        Some(u) => !matches!(u.scheme(), "http" | "https"),
        None => true,
    };
    if refuse || made > page.max_requests {
        counters.refused.fetch_add(1, Ordering::Relaxed);
        let _ = conn.call("Fetch.failRequest", fail("BlockedByClient"), s, t).await;
        return None;
    }
    let url = url.expect("checked above");
    match page.fetcher.fetch_resource(&url, page.deadline, &page.answers, page.max_body).await {
        Ok(resource) => {
            counters.fulfilled.fetch_add(1, Ordering::Relaxed);
            let headers: Vec<Value> = resource.headers.iter().map(|(n, v)| json!({ "name": n, "value": v })).collect();
            let params = json!({
                "requestId": request_id,
                "responseCode": resource.status,
                "responseHeaders": headers,
                "body": BASE64.encode(&resource.body),
            });
            let _ = conn.call("Fetch.fulfillRequest", params, s, timeout_until(page.deadline)).await;
            (vital && resource.status >= 400).then(|| format!("{url}: HTTP {}", resource.status))
        }
        Err(e) => {
            let reason = match e.kind {
                ErrorKind::PrivateTarget => {
                    counters.refused.fetch_add(1, Ordering::Relaxed);
                    "AddressUnreachable"
                }
                ErrorKind::Timeout => {
                    counters.failed.fetch_add(1, Ordering::Relaxed);
                    "TimedOut"
                }
                ErrorKind::Nxdomain | ErrorKind::Nodata => {
                    counters.failed.fetch_add(1, Ordering::Relaxed);
                    "NameNotResolved"
                }
                _ => {
                    counters.failed.fetch_add(1, Ordering::Relaxed);
                    "Failed"
                }
            };
            tracing::debug!(url = %url, kind = ?e.kind, "render request failed: {}", e.detail);
            let _ = conn.call("Fetch.failRequest", fail(reason), s, timeout_until(page.deadline)).await;
            (vital && e.kind != ErrorKind::PrivateTarget).then(|| format!("{url}: {}", e.detail))
        }
    }
}

async fn evaluate(conn: &Connection, session: Option<&str>, script: &str, t: Duration) -> Result<Value, SessionError> {
    let answer = conn
        .call(
            "Runtime.evaluate",
            json!({ "expression": script, "returnByValue": true, "awaitPromise": false }),
            session,
            t,
        )
        .await?;
    if let Some(exception) = answer.get("exceptionDetails") {
        return Err(SessionError::Unexpected(format!("script failed: {}", exception["text"])));
    }
    Ok(answer["result"]["value"].clone())
}

/// The footer region and the top of the page as PNGs, each within the configured bounds; a
/// photograph that cannot be taken is left out (the DOM is the evidence that decides).
async fn photograph(conn: &Connection, s: Option<&str>, options: &RenderOptions, t: Duration) -> Vec<Screenshot> {
    let mut out = Vec::new();
    if let Ok(rect) = evaluate(conn, s, scripts::FOOTER_BOX, t).await
        && let (Some(x), Some(y), Some(w), Some(h)) =
            (rect["x"].as_f64(), rect["y"].as_f64(), rect["width"].as_f64(), rect["height"].as_f64())
        && let Some(shot) = capture(conn, s, ScreenshotKind::Footer, (x, y, w, h), options, t).await
    {
        out.push(shot);
    }
    if let Ok(metrics) = conn.call("Page.getLayoutMetrics", json!({}), s, t).await {
        let size = &metrics["cssContentSize"];
        let w = size["width"].as_f64().unwrap_or(1280.0).clamp(1.0, 1920.0);
        let h = size["height"].as_f64().unwrap_or(900.0).clamp(1.0, f64::from(options.max_screenshot_height));
        if let Some(shot) = capture(conn, s, ScreenshotKind::Page, (0.0, 0.0, w, h), options, t).await {
            out.push(shot);
        }
    }
    out
}

async fn capture(
    conn: &Connection,
    s: Option<&str>,
    kind: ScreenshotKind,
    (x, y, width, height): (f64, f64, f64, f64),
    options: &RenderOptions,
    t: Duration,
) -> Option<Screenshot> {
    let params = json!({
        "format": "png",
        "captureBeyondViewport": true,
        "clip": { "x": x, "y": y, "width": width, "height": height, "scale": 1 },
    });
    let answer = conn.call("Page.captureScreenshot", params, s, t).await.ok()?;
    let png = BASE64.decode(answer["data"].as_str()?).ok()?;
    if png.len() > options.max_screenshot_bytes {
        tracing::debug!(?kind, bytes = png.len(), "screenshot over the byte limit; left out");
        return None;
    }
    Some(Screenshot::new(kind, png, width.round() as u32, height.round() as u32))
}
