//! Both readings of one live page for `rules explain URL`: the page as served and, when a browser is
//! at hand, as rendered, each extracted and classified by the same code a scan uses. Nothing is
//! judged or stored; the point is to show a rule writer where the two readings part.

use url::Url;

use crate::classify::Classification;
use crate::engine::{Scanner, Target};
use crate::extract::{Budget, PageFacts};
use crate::fetch::decode;
use crate::render::{RenderMode, RenderReason, RenderRequest, RenderStatus, RequestCounts, needs_render};

/// A page read: what extraction found and what classification concluded from it.
pub struct Reading {
    pub facts: PageFacts,
    pub classification: Classification,
}

/// What the browser made of the page.
pub struct RenderAttempt {
    pub status: RenderStatus,
    pub detail: Option<String>,
    pub requests: RequestCounts,
    pub script_errors: Vec<String>,
    pub elapsed_ms: u128,
    /// The rendered DOM read like a served page; `None` when nothing rendered or it could not be read.
    pub reading: Result<Reading, String>,
}

/// The page as served and as rendered.
pub struct Explanation {
    pub url: String,
    pub final_url: Option<String>,
    pub status: Option<u16>,
    /// Why the page could not be fetched, when it could not.
    pub fetch_error: Option<String>,
    pub encoding: Option<String>,
    pub served: Result<Reading, String>,
    /// What `--render auto` would decide for the served page.
    pub render_reason: Option<RenderReason>,
    /// `None` when the scanner has no browser (`--render never`).
    pub rendered: Option<RenderAttempt>,
}

/// Fetches the target with the scanner's guarded fetcher, reads it, and renders it when the scanner
/// has a browser: always in `always` mode (a rule writer wants both readings side by side), and in
/// `auto` mode only when a scan would.
pub async fn explain(scanner: &Scanner, target: &Target) -> Explanation {
    let mut fetched = scanner.fetcher().fetch_homepage(&target.url, target.bare_domain).await;
    let page_url = fetched.final_url.clone().unwrap_or_else(|| fetched.url.clone());
    let url = Url::parse(&page_url).unwrap_or_else(|_| target.url.clone());
    let mut explanation = Explanation {
        url: fetched.url.clone(),
        final_url: fetched.final_url.clone(),
        status: fetched.status,
        fetch_error: fetched.error.as_ref().map(ToString::to_string),
        encoding: None,
        served: Err("the page was not fetched".into()),
        render_reason: None,
        rendered: None,
    };
    if fetched.error.is_some() || fetched.status.is_none() {
        return explanation;
    }
    let deadline = tokio::time::Instant::now() + scanner.fetcher().total_timeout();
    let budget = Budget::lasting(scanner.fetcher().total_timeout().saturating_sub(fetched.elapsed));
    let decoded = decode(&fetched.body, fetched.content_type.as_deref(), None);
    explanation.encoding = Some(decoded.encoding.to_string());
    explanation.served = read(scanner, decoded.text.clone(), url.clone(), budget).await;
    if let Ok(served) = &explanation.served {
        explanation.render_reason = needs_render(&decoded.text, &served.facts, &served.classification);
    }
    let Some(renderer) = scanner.renderer() else { return explanation };
    if renderer.options().mode == RenderMode::Auto && explanation.render_reason.is_none() {
        return explanation;
    }
    let outcome = renderer
        .render(RenderRequest {
            url: &url,
            document: std::mem::take(&mut fetched.body),
            content_type: fetched.content_type.clone(),
            fetcher: scanner.fetcher(),
            answers: std::mem::take(&mut fetched.answers),
            deadline,
            max_body: crate::fetch::DEFAULT_MAX_BODY,
        })
        .await;
    let reading = match outcome.html {
        Some(html) => read(scanner, html, url, budget).await,
        None => Err(outcome.detail.clone().unwrap_or_else(|| "nothing rendered".into())),
    };
    explanation.rendered = Some(RenderAttempt {
        status: outcome.status,
        detail: outcome.detail,
        requests: outcome.requests,
        script_errors: outcome.script_errors,
        elapsed_ms: outcome.elapsed.as_millis(),
        reading,
    });
    explanation
}

/// The scan's own reading of a document.
async fn read(scanner: &Scanner, html: String, url: Url, budget: Budget) -> Result<Reading, String> {
    let (facts, classification) = scanner.read_document(html, url, budget).await?;
    Ok(Reading { facts, classification })
}
