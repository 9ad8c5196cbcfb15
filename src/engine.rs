//! One scan end to end: fetch, decode, extract, check, judge.

use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use sha2::{Digest, Sha256};
use url::Url;

use crate::checks::{self, CheckInput, Finding, Outcome, PageState};
use crate::classify::{Classification, classify};
use crate::domain::{normalise_host, registrable_domain};
use crate::extract::{self, Budget, PageFacts};
use crate::fetch::{ErrorKind, FetchError, Fetcher, decode};
use crate::filing::FilingRecord;
use crate::net::DnsAnswer;
use crate::notice::{self, DraftInput};
use crate::page_read::{PageRead, ReadKey, Reuse, StoredRead};
use crate::readers::Readers;
use crate::render::{RenderMode, RenderReason, RenderRequest, RenderStatus, Renderer, needs_render};
use crate::result::{
    CheckResult, Classified, DnsInfo, Extracted, FetchInfo, JudgedPage, RenderInfo, SCHEMA, ScanResult, Versions,
};
use crate::rules::RuleSet;
use crate::verdict::{Judged, decide};

/// What to scan: a domain (https first, then http) or a URL as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub url: Url,
    pub bare_domain: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a domain or http(s) URL: {0:?}")]
pub struct TargetError(pub String);

impl Target {
    pub fn parse(input: &str) -> Result<Self, TargetError> {
        let err = || TargetError(input.to_string());
        if input.contains("://") {
            let url = Url::parse(input.trim()).map_err(|_| err())?;
            if !matches!(url.scheme(), "http" | "https") {
                return Err(err());
            }
            let host = url.host_str().ok_or_else(err)?.trim_end_matches('.').to_ascii_lowercase();
            return Ok(Target { host, url, bare_domain: false });
        }
        let host = normalise_host(input).map_err(|_| err())?;
        let url = Url::parse(&format!("https://{host}/")).map_err(|_| err())?;
        Ok(Target { host, url, bare_domain: true })
    }
}

/// The Asia/Shanghai date now: the day date rules count from.
pub fn today_in_shanghai() -> NaiveDate {
    Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive()
}

/// Runs scans; cheap to clone and share between tasks.
#[derive(Clone)]
pub struct Scanner {
    fetcher: Fetcher,
    rules: Arc<RuleSet>,
    /// The browser pool; without one every page is judged as served (`--render never`).
    renderer: Option<Arc<Renderer>>,
    /// Decoding, parsing and classifying run on these threads, one per core: with hundreds of fetches in
    /// flight, more would only add context switches, parsed pages and search caches in memory.
    readers: Arc<Readers>,
}

/// What extraction of one document produced.
type Read = (PageFacts, Classification);

/// What reading the served page gave (afresh or reused), before any rendering.
struct StaticRead {
    read: Read,
    encoding: String,
    /// Why it is to be rendered in this scan's mode, if it is.
    reason: Option<RenderReason>,
    /// The page needs rendering whatever the mode (an `always` render that fails falls back on it
    /// unless so).
    needed: bool,
    /// The served body, kept only when the page is to be rendered.
    body: Option<Vec<u8>>,
    /// The read to keep for the target, when it was read afresh and reads are kept.
    kept: Option<PageRead>,
}

impl Scanner {
    pub fn new(fetcher: Fetcher, rules: Arc<RuleSet>) -> Self {
        Scanner { fetcher, rules, renderer: None, readers: Arc::new(Readers::per_core()) }
    }

    /// The same scanner rendering script-built pages with this pool (its mode decides when).
    pub fn with_renderer(mut self, renderer: Arc<Renderer>) -> Self {
        self.renderer = Some(renderer);
        self
    }

    pub fn renderer(&self) -> Option<&Arc<Renderer>> {
        self.renderer.as_ref()
    }

    fn render_mode(&self) -> RenderMode {
        self.renderer.as_ref().map_or(RenderMode::Never, |r| r.options().mode)
    }

    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The guarded fetcher every request of a scan goes through, the browser's included.
    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    /// The same scanner with other rules (a reload).
    pub fn with_rules(&self, rules: Arc<RuleSet>) -> Self {
        Scanner {
            fetcher: self.fetcher.clone(),
            rules,
            renderer: self.renderer.clone(),
            readers: Arc::clone(&self.readers),
        }
    }

    /// The server a target will be fetched from, for per-address limits: its first address, else
    /// the host itself.
    pub async fn address_key(&self, target: &Target) -> String {
        let port = target.url.port_or_known_default().unwrap_or(443);
        match self.fetcher.resolve_only(&target.host, port).await {
            Some(answer) => answer.addresses.first().map_or_else(|| target.host.clone(), ToString::to_string),
            None => target.host.clone(),
        }
    }

    /// Replaces the scan's `change.*` checks by the comparison with the site's previous scans
    /// (newest first) and its open change findings' evidence; `judge` afterwards.
    pub fn compare_with_history(
        &self,
        result: &mut ScanResult,
        previous: &[checks::ScanFacts],
        open: &std::collections::HashMap<String, checks::Evidence>,
        filing: Option<&FilingRecord>,
    ) {
        let current = checks::ScanFacts::of(result);
        let input = checks::ChangeInput {
            current: &current,
            previous,
            open,
            filing,
            rules: &self.rules,
            scans: self.rules.changes.scans,
        };
        let page_url = result.fetch.final_url.clone().unwrap_or_else(|| result.fetch.url.clone());
        for compared in self.describe(checks::run_changes(&input), &page_url) {
            match result.checks.iter_mut().find(|c| c.id == compared.id) {
                Some(slot) => *slot = compared,
                None => result.checks.push(compared),
            }
        }
    }

    /// Decides the verdict and the notice drafts from the checks again, after a policy changed them.
    pub fn judge(&self, result: &mut ScanResult, filing: Option<&FilingRecord>) {
        result.verdict = decide(
            result.checks.iter().map(|c| Judged { id: &c.id, outcome: c.outcome, notice: c.notice }),
            filing.is_some(),
        );
        result.notice_drafts = match filing {
            Some(filing) => notice::drafts(
                &DraftInput {
                    domain: &result.domain,
                    filing,
                    checks: &result.checks,
                    notices: &result.verdict.notices,
                    today: result.today,
                    url: result.fetch.final_url.as_deref().unwrap_or(&result.fetch.url),
                    sha256: result.fetch.sha256.as_deref(),
                },
                &self.rules,
            ),
            None => Vec::new(),
        };
    }

    pub async fn scan(&self, target: &Target, filing: Option<&FilingRecord>, today: NaiveDate) -> ScanResult {
        self.scan_reusing(target, filing, today, Reuse::Off).await.0
    }

    /// A scan that, with [`Reuse::Known`], reuses the target's stored read when the served page is the
    /// one it was read from (same [`ReadKey`]). Returns the result and, when the page was read afresh
    /// under `Known`, the read to store for the next scan.
    #[tracing::instrument(name = "scan", skip_all, fields(domain = %target.host, url = %target.url))]
    pub async fn scan_reusing(
        &self,
        target: &Target,
        filing: Option<&FilingRecord>,
        today: NaiveDate,
        reuse: Reuse,
    ) -> (ScanResult, Option<StoredRead>) {
        let scanned_at = Utc::now();
        let mut fetched = self.fetcher.fetch_homepage(&target.url, target.bare_domain).await;
        let page_url = fetched.final_url.clone().unwrap_or_else(|| fetched.url.clone());
        let readable = fetched.error.is_none() && fetched.status.is_some();
        // The body's digest and size are kept; the bytes themselves move to the extraction below.
        let sha256 = fetched.status.map(|_| format!("{:x}", Sha256::digest(&fetched.body)));
        let body_len = fetched.body.len() as u64;
        let url = Url::parse(&page_url).unwrap_or_else(|_| target.url.clone());
        let mode = self.render_mode();
        let mut render = RenderInfo { mode, ..RenderInfo::default() };
        let mut unreadable: Option<String> = None;
        let mut screenshots = Vec::new();

        let (key, known) = match (reuse, &sha256, readable) {
            (Reuse::Known(known), Some(sha), true) => (
                Some(ReadKey::of(sha, &page_url, fetched.content_type.as_deref(), &target.host, &self.rules.digest)),
                known,
            ),
            _ => (None, None),
        };
        let reused = known.filter(|k| key.as_ref() == Some(&k.key)).map(|k| k.read);
        let keep = key.is_some() && reused.is_none();
        let mut fresh: Option<StoredRead> = None;
        // A reading thread for the page's CPU work; waiting for one is the scanner's queue, not the page's time.
        let admission = if readable && reused.is_none() { Some(self.readers.admit().await) } else { None };
        // The scan's time limit covers extraction and rendering too: they get what the fetch left, counted from
        // here (waits for room and for a thread are not the page's time).
        let left = self.fetcher.total_timeout().saturating_sub(fetched.elapsed);
        let budget = Budget::lasting(left);
        let deadline = tokio::time::Instant::now() + left;
        let mut extract_error: Option<FetchError> = None;
        let (read, encoding) = if readable {
            let rules = Arc::clone(&self.rules);
            let body = std::mem::take(&mut fetched.body);
            let content_type = fetched.content_type.clone();
            let tld = target.host.rsplit('.').next().map(|t| t.as_bytes().to_vec());
            let page = url.clone();
            let static_budget = budget;
            let reason_for = move |needs: Option<RenderReason>| match mode {
                RenderMode::Never => None,
                RenderMode::Always => Some(RenderReason::Always),
                RenderMode::Auto => needs,
            };
            let read = match (reused, admission) {
                // The page this target served last time, read then: only what follows is done again.
                (Some(r), _) => {
                    metrics::counter!("icp_patrol_page_reads_reused_total").increment(1);
                    let reason = reason_for(r.needs_render);
                    let body = reason.map(|_| body);
                    Ok(Ok(StaticRead {
                        read: (r.facts, r.classification),
                        encoding: r.encoding,
                        reason,
                        needed: r.needs_render.is_some(),
                        body,
                        kept: None,
                    }))
                }
                (None, admission) => {
                    let admission = admission.expect("a fresh read of a readable page is admitted above");
                    let work = move || {
                        let decoded = decode(&body, content_type.as_deref(), tld.as_deref());
                        let facts = extract::extract_within(&decoded.text, &page, &rules.provinces, &static_budget)?;
                        static_budget.check("classification")?;
                        let classification = classify(&facts, &rules);
                        let needs = needs_render(&decoded.text, &facts, &classification);
                        let kept = keep.then(|| PageRead::of(&facts, &classification, decoded.encoding, needs));
                        let reason = reason_for(needs);
                        let needed = needs.is_some();
                        let body = reason.map(|_| body);
                        Ok::<_, extract::OutOfTime>(StaticRead {
                            read: (facts, classification),
                            encoding: decoded.encoding.to_string(),
                            reason,
                            needed,
                            body,
                            kept,
                        })
                    };
                    self.readers.run(admission, work).await
                }
            };
            match read {
                Ok(Ok(StaticRead { read, encoding: enc, reason, needed, body, kept })) => {
                    fresh = key.zip(kept).map(|(key, read)| StoredRead { key, read });
                    let mut read = Some(read);
                    if let (Some(reason), Some(body), Some(renderer)) = (reason, body, self.renderer.as_ref()) {
                        render.reason = Some(reason);
                        let outcome = renderer
                            .render(RenderRequest {
                                url: &url,
                                document: body,
                                content_type: fetched.content_type.clone(),
                                fetcher: &self.fetcher,
                                answers: std::mem::take(&mut fetched.answers),
                                deadline,
                                max_body: crate::fetch::DEFAULT_MAX_BODY,
                            })
                            .await;
                        render.outcome = Some(outcome.status);
                        render.detail = outcome.detail.clone();
                        render.elapsed_ms = outcome.elapsed.as_millis() as u64;
                        render.requests = outcome.requests;
                        render.screenshots = outcome.screenshots.iter().map(|s| s.info()).collect();
                        screenshots = outcome.screenshots;
                        match outcome.html {
                            Some(html) if outcome.status == RenderStatus::Rendered => {
                                match self.read_document(html, url.clone(), budget).await {
                                    // An app that failed here and shows nothing is not judged: what it
                                    // would have shown is unknown (strings in its bundles are no evidence).
                                    Ok((facts, _)) if facts.icp.is_empty() && !outcome.script_errors.is_empty() => {
                                        unreadable = Some(format!(
                                            "the page's scripts failed and it shows no number: {}",
                                            outcome.script_errors.join("; ")
                                        ));
                                    }
                                    Ok(rendered) => {
                                        read = Some(rendered);
                                        render.judged = JudgedPage::Rendered;
                                    }
                                    Err(why) => {
                                        unreadable = Some(format!("the rendered page could not be read: {why}"))
                                    }
                                }
                            }
                            _ if needed || reason != RenderReason::Always => {
                                unreadable = Some(format!(
                                    "the page is built by script ({}) and could not be rendered: {}",
                                    reason.as_str(),
                                    outcome.detail.as_deref().unwrap_or("no detail")
                                ));
                            }
                            _ => {}
                        }
                    }
                    (read, Some(enc))
                }
                Ok(Err(out_of_time)) => {
                    unreadable =
                        Some(format!("the page could not be read within the scan's time limit: {out_of_time}"));
                    extract_error = Some(FetchError::new(ErrorKind::ExtractTimeout, out_of_time.to_string()));
                    (None, None)
                }
                Err(_) => (None, None),
            }
        } else {
            (None, None)
        };
        // The body has been read (or was not to be): it goes, and its room is another page's.
        fetched.body = Vec::new();
        drop(fetched.room.take());
        let (facts, classification) = match read {
            Some((f, c)) => (Some(f), Some(c)),
            None => (None, None),
        };

        let dns = self.dns_answers(target, fetched.dns.clone()).await;
        let page = match (&fetched.error, readable) {
            (None, true) => PageState::Fetched { final_url: &page_url, redirects: &fetched.redirects },
            (Some(error), _) => PageState::Failed { error, redirects: &fetched.redirects },
            (None, false) => unreachable!("a fetch without a status has an error"),
        };
        let input = CheckInput {
            host: &target.host,
            url: target.url.as_str(),
            page,
            facts: facts.as_ref(),
            classification: classification.as_ref(),
            dns: &dns,
            filing,
            today,
            rules: &self.rules,
            rendered: render.judged == JudgedPage::Rendered,
            unreadable: unreadable.as_deref(),
        };
        let findings = checks::run(&input);
        let checks = self.describe(findings, &page_url);
        let verdict =
            decide(checks.iter().map(|c| Judged { id: &c.id, outcome: c.outcome, notice: c.notice }), filing.is_some());
        let notice_drafts = match filing {
            Some(filing) => notice::drafts(
                &DraftInput {
                    domain: &target.host,
                    filing,
                    checks: &checks,
                    notices: &verdict.notices,
                    today,
                    url: &page_url,
                    sha256: sha256.as_deref(),
                },
                &self.rules,
            ),
            None => Vec::new(),
        };

        let result = ScanResult {
            schema: SCHEMA.to_string(),
            versions: Versions { scanner: env!("CARGO_PKG_VERSION").to_string(), rules: self.rules.digest.clone() },
            domain: target.host.clone(),
            scanned_at,
            today,
            filing: filing.cloned(),
            dns: dns_info(&dns),
            fetch: FetchInfo {
                url: fetched.url.clone(),
                final_url: fetched.final_url.clone(),
                status: fetched.status,
                redirects: fetched.redirects.clone(),
                encoding,
                bytes: body_len,
                sha256,
                elapsed_ms: fetched.elapsed.as_millis() as u64,
                // A page that could not be read in time: the site answered, its page is not judged.
                error: fetched.error.clone().or(extract_error),
                remote_address: fetched.remote_address,
                https_error: fetched.https_error.clone(),
                retry_after_secs: fetched.retry_after.map(|d| d.as_secs()),
            },
            render,
            classified: classified(classification.as_ref()),
            extracted: facts.map(extracted).unwrap_or_default(),
            checks,
            verdict,
            notice_drafts,
            screenshots,
        };
        (result, fresh)
    }

    /// Extraction and classification of a document (a rendered DOM, or a page read for `rules
    /// explain`), on the reading threads like the served page's, within the budget.
    pub(crate) async fn read_document(&self, html: String, url: Url, budget: Budget) -> Result<Read, String> {
        let rules = Arc::clone(&self.rules);
        let admission = self.readers.admit().await;
        let read = self
            .readers
            .run(admission, move || {
                let facts = extract::extract_within(&html, &url, &rules.provinces, &budget)?;
                budget.check("classification")?;
                let classification = classify(&facts, &rules);
                Ok::<_, extract::OutOfTime>((facts, classification))
            })
            .await;
        match read {
            Ok(Ok(read)) => Ok(read),
            Ok(Err(out_of_time)) => Err(out_of_time.to_string()),
            Err(_) => Err("extraction stopped".into()),
        }
    }

    /// The scanned host's answer and its `www.`/apex sibling's (a filing covers both names).
    async fn dns_answers(&self, target: &Target, main: Option<DnsAnswer>) -> Vec<DnsAnswer> {
        let Some(main) = main else { return Vec::new() };
        let host = target.host.as_str();
        let apex = registrable_domain(host);
        let sibling = if host == apex {
            Some(format!("www.{apex}"))
        } else if host.strip_prefix("www.") == Some(apex.as_str()) {
            Some(apex)
        } else {
            None
        };
        let port = target.url.port_or_known_default().unwrap_or(443);
        let mut out = vec![main];
        if let Some(sibling) = sibling
            && let Some(answer) = self.fetcher.resolve_only(&sibling, port).await
        {
            out.push(answer);
        }
        out
    }

    /// Adds the catalogue's severity, notice kind and messages; a check turned off is skipped.
    fn describe(&self, findings: Vec<Finding>, page_url: &str) -> Vec<CheckResult> {
        findings
            .into_iter()
            .filter_map(|f| {
                let spec = self.rules.catalogue.get(f.id)?;
                let mut f = f;
                if !spec.enabled {
                    f = Finding::skipped(f.id, "turned off in checks.toml");
                }
                let (message, message_en) = if f.outcome == Outcome::Fail {
                    (spec.message.clone(), spec.message_en.clone())
                } else {
                    (spec.rule.clone(), spec.rule_en.clone())
                };
                let mut evidence = f.evidence;
                if evidence.url.is_none() && f.outcome != Outcome::Skipped {
                    evidence.url = Some(page_url.to_string());
                }
                Some(CheckResult {
                    id: f.id.to_string(),
                    outcome: f.outcome,
                    severity: spec.severity,
                    notice: spec.notice,
                    message,
                    message_en,
                    detail: f.detail,
                    evidence,
                })
            })
            .collect()
    }
}

fn dns_info(answers: &[DnsAnswer]) -> DnsInfo {
    let Some(main) = answers.first() else {
        return DnsInfo::default();
    };
    DnsInfo {
        addresses: main.addresses.clone(),
        cnames: main.cnames.clone(),
        error: main.error.clone(),
        overridden: main.overridden,
        related: answers[1..].to_vec(),
    }
}

fn extracted(facts: PageFacts) -> Extracted {
    Extracted {
        title: facts.title,
        og_site_name: facts.og_site_name,
        heading: facts.heading,
        logo_alt: facts.logo_alt,
        icp: facts.icp,
        psb: facts.psb,
        copyright: facts.copyright,
        footer_text: Some(facts.footer_text).filter(|t| !t.is_empty()),
    }
}

/// What the page says it is, as the result reports it.
fn classified(c: Option<&Classification>) -> Classified {
    let Some(c) = c else { return Classified::default() };
    Classified {
        placeholder: c.placeholder.as_ref().map(|(kind, _)| kind.as_str().to_string()),
        industries: c.industries.iter().map(|h| h.key.clone()).collect(),
        industries_by_model: c.industries.iter().filter(|h| h.by_model).map(|h| h.key.clone()).collect(),
        commercial: !c.commercial.is_empty(),
        site_names: c.site_names.clone(),
        operator: c.operator.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let d = Target::parse("WWW.Example.cn").expect("domain");
        assert_eq!(
            (d.host.as_str(), d.url.as_str(), d.bare_domain),
            ("www.example.cn", "https://www.example.cn/", true)
        );
        let u = Target::parse("http://a.example.cn:8080/x").expect("url");
        assert_eq!((u.host.as_str(), u.bare_domain), ("a.example.cn", false));
        assert!(Target::parse("ftp://a.cn/").is_err());
        assert!(Target::parse("not a domain").is_err());
    }
}
