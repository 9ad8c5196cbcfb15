//! The only door to the network for pages: bounded, redirect-recording, SSRF-guarded HTTP fetches.
//!
//! Every hop's addresses are vetted before the connection (operator overrides, else DNS and the
//! guard) and handed to reqwest through a pinned resolver; redirects are followed by hand so each
//! hop is recorded and vetted; bodies are capped after decompression; all of it under one deadline.

mod client_redirect;
mod decode;
mod error;
mod overrides;
mod pinned;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

pub use client_redirect::{Via, client_redirect};
pub use decode::{Decoded, decode};
pub use overrides::{ConnectTo, OverrideError, Overrides, ResolveEntry, Route};
use pinned::PinnedResolver;

// Re-exported so callers of the old paths keep compiling; the types live in `net`.
use crate::net::{DnsAnswer, Guard, Lookup};
pub use crate::net::{ErrorKind, FetchError, Redirect};

/// Limits of one page fetch.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    pub connect_timeout: Duration,
    /// For the whole fetch: every hop, both schemes, the body.
    pub total_timeout: Duration,
    /// Body bytes after decompression.
    pub max_body: usize,
    pub max_redirects: usize,
    pub user_agent: String,
    /// Pages whose bodies may be in memory at once, from the first byte read to the end of their reading
    /// (`None`: 64 per core). A fetch whose response has come waits for room before reading the body: with
    /// thousands of scans in flight on a fast network, bodies would otherwise pile up while they wait for
    /// a core.
    pub pages_in_memory: Option<usize>,
}

/// Pages in memory at once when the operator has not said: a little more than the cores can read while
/// the next bodies arrive.
const PAGES_IN_MEMORY_PER_CORE: usize = 64;

pub const DEFAULT_MAX_BODY: usize = 5 * 1024 * 1024;

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body: DEFAULT_MAX_BODY,
            max_redirects: 10,
            pages_in_memory: None,
            user_agent: format!(
                "icp-patrol/{} (ICP filing compliance check by the site's hosting provider)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// What one homepage fetch produced; `error` says why it stopped short.
#[derive(Debug, Clone, Default)]
pub struct FetchOutcome {
    pub url: String,
    pub final_url: Option<String>,
    pub status: Option<u16>,
    pub redirects: Vec<Redirect>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// What the scanned host resolved to (or was pinned to); `None` for an IP-literal URL.
    pub dns: Option<DnsAnswer>,
    pub elapsed: Duration,
    pub error: Option<FetchError>,
    /// Where the final response came from.
    pub remote_address: Option<SocketAddr>,
    /// Why `https://` was given up for `http://`, when it was.
    pub https_error: Option<FetchError>,
    /// Every name this fetch resolved, so later requests of the same scan ask no resolver again.
    pub answers: AnswerCache,
    /// How long a rate-limiting server (429, 503) asked to be left alone (`Retry-After`).
    pub retry_after: Option<Duration>,
    /// The body's place among the pages in memory (`FetchOptions::pages_in_memory`): dropping it, once the
    /// body has been read or let go, lets another fetch read its body.
    pub room: Option<Arc<OwnedSemaphorePermit>>,
    /// How long the fetch waited for that place: the scanner's queue, not the site's time (left out of
    /// `elapsed`, and added to the fetch's deadline).
    pub waited: Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchSetupError {
    #[error("cannot set up TLS: {0}")]
    Tls(#[from] rustls::Error),
}

/// Shared by every scan of a run: limits, overrides, the resolver, the guard and one TLS configuration.
#[derive(Clone)]
pub struct Fetcher {
    options: FetchOptions,
    overrides: Arc<Overrides>,
    dns: Arc<dyn Lookup>,
    guard: Arc<Guard>,
    tls: rustls::ClientConfig,
    /// Room for the pages in memory (`FetchOptions::pages_in_memory`).
    rooms: Arc<Semaphore>,
}

/// The answers of one scan, so every name is asked once (the render stage's requests reuse them).
pub type AnswerCache = HashMap<String, DnsAnswer>;

/// One response to a page's own request (a script, a style, an XHR), for the render stage: a single
/// hop (the browser follows redirects itself, each hop vetted again), body capped and decompressed.
#[derive(Debug, Clone)]
pub struct Resource {
    pub status: u16,
    /// Response headers a browser needs, without those that describe the wire form of the body
    /// (it arrives decompressed) or that would keep state (cookies).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Fetcher {
    pub fn new(
        options: FetchOptions,
        overrides: Overrides,
        dns: impl Lookup + 'static,
        guard: Guard,
    ) -> Result<Self, FetchSetupError> {
        use rustls_platform_verifier::BuilderVerifierExt;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_platform_verifier()?
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let cores = crate::readers::cores();
        let rooms =
            Arc::new(Semaphore::new(options.pages_in_memory.unwrap_or(PAGES_IN_MEMORY_PER_CORE * cores).max(1)));
        Ok(Fetcher { options, overrides: Arc::new(overrides), dns: Arc::new(dns), guard: Arc::new(guard), tls, rooms })
    }

    /// The time one scan may take: fetch, extraction and rendering together.
    pub fn total_timeout(&self) -> Duration {
        self.options.total_timeout
    }

    /// A bare domain is tried over `https://` first, then `http://`; a URL is fetched as given.
    pub async fn fetch_homepage(&self, domain_or_url: &Url, is_bare_domain: bool) -> FetchOutcome {
        let started = Instant::now();
        let deadline = started + self.options.total_timeout;
        let mut answers = AnswerCache::new();
        let mut outcome = self.fetch_url(domain_or_url.clone(), deadline, &mut answers).await;
        // An https attempt given up for http had no response, so it neither waited for room nor holds one.
        if is_bare_domain
            && domain_or_url.scheme() == "https"
            && outcome.status.is_none()
            && outcome.error.as_ref().is_some_and(|e| e.kind.falls_back_to_http())
        {
            let mut http = domain_or_url.clone();
            let _ = http.set_scheme("http");
            let https_error = outcome.error.take();
            outcome = self.fetch_url(http, deadline, &mut answers).await;
            outcome.https_error = https_error;
        }
        outcome.elapsed = started.elapsed().saturating_sub(outcome.waited);
        outcome.answers = answers;
        outcome
    }

    /// One request of a rendered page, through the same guard, overrides and per-scan answers as the
    /// page itself; `GET` only.
    pub async fn fetch_resource(
        &self,
        url: &Url,
        deadline: Instant,
        answers: &tokio::sync::Mutex<AnswerCache>,
        max_body: usize,
    ) -> Result<Resource, FetchError> {
        let resolver = PinnedResolver::default();
        let client = self
            .client(resolver.clone())
            .map_err(|e| FetchError::new(ErrorKind::Other, format!("cannot build HTTP client: {e}")))?;
        let addrs = {
            let mut answers = answers.lock().await;
            self.vet(url, deadline, &mut answers).await?
        };
        let first = addrs.first().copied();
        resolver.pin(url.host_str().unwrap_or_default(), addrs);
        let response = match tokio::time::timeout_at(deadline, self.send(&client, url, first)).await {
            Err(_) => return Err(FetchError::new(ErrorKind::Timeout, "no response within the time limit")),
            Ok(Err(e)) => return Err(error::classify(&e)),
            Ok(Ok(r)) => r,
        };
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| {
                !matches!(
                    name.as_str(),
                    "content-encoding" | "content-length" | "transfer-encoding" | "connection" | "set-cookie"
                )
            })
            .filter_map(|(name, value)| Some((name.as_str().to_string(), value.to_str().ok()?.to_string())))
            .collect();
        let body =
            match tokio::time::timeout_at(deadline, read_capped(response, max_body.min(self.options.max_body))).await {
                Err(_) => return Err(FetchError::new(ErrorKind::Timeout, "body not complete within the time limit")),
                Ok(result) => result?,
            };
        Ok(Resource { status, headers, body })
    }

    async fn fetch_url(&self, start: Url, mut deadline: Instant, answers: &mut AnswerCache) -> FetchOutcome {
        let mut outcome = FetchOutcome { url: start.to_string(), ..Default::default() };
        let resolver = PinnedResolver::default();
        let client = match self.client(resolver.clone()) {
            Ok(c) => c,
            Err(e) => {
                outcome.error = Some(FetchError::new(ErrorKind::Other, format!("cannot build HTTP client: {e}")));
                return outcome;
            }
        };
        let mut url = start;
        // The outcome as it stood before following a client-side redirect, to fall back on.
        let mut stub: Option<FetchOutcome> = None;
        loop {
            let vetted = self.vet(&url, deadline, answers).await;
            if outcome.redirects.is_empty() {
                outcome.dns = url.host_str().and_then(|h| answers.get(h)).cloned();
            }
            let addrs = match vetted {
                Ok(a) => a,
                Err(e) => {
                    outcome.error = Some(e);
                    break;
                }
            };
            let host = url.host_str().unwrap_or_default().to_string();
            let first = addrs.first().copied();
            resolver.pin(&host, addrs);
            let response = match tokio::time::timeout_at(deadline, self.send(&client, &url, first)).await {
                Err(_) => {
                    outcome.error = Some(FetchError::new(ErrorKind::Timeout, "no response within the time limit"));
                    break;
                }
                Ok(Err(e)) => {
                    outcome.error = Some(error::classify(&e));
                    break;
                }
                Ok(Ok(r)) => r,
            };
            let status = response.status();
            outcome.status = Some(status.as_u16());
            outcome.remote_address = response.remote_addr();
            outcome.final_url = Some(url.to_string());
            if status.is_redirection() {
                let next = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| url.join(l.trim()).ok());
                let Some(next) = next else {
                    outcome.error =
                        Some(FetchError::new(ErrorKind::HttpStatus, format!("{status} without a usable Location")));
                    break;
                };
                outcome.redirects.push(Redirect {
                    from: url.to_string(),
                    to: next.to_string(),
                    status: status.as_u16(),
                    via: None,
                });
                if outcome.redirects.len() > self.options.max_redirects {
                    outcome.error = Some(FetchError::new(
                        ErrorKind::TooManyRedirects,
                        format!("more than {} redirects", self.options.max_redirects),
                    ));
                    break;
                }
                if !matches!(next.scheme(), "http" | "https") {
                    outcome.error =
                        Some(FetchError::new(ErrorKind::Other, format!("redirect to unsupported URL {next}")));
                    break;
                }
                url = next;
                continue;
            }
            outcome.content_type =
                response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| crate::net::retry_after(v, chrono::Utc::now()));
            if outcome.room.is_none() {
                let (room, waited) = self.room().await;
                outcome.room = Some(Arc::new(room));
                outcome.waited += waited;
                deadline += waited;
            }
            match tokio::time::timeout_at(deadline, read_capped(response, self.options.max_body)).await {
                Err(_) => {
                    outcome.error = Some(FetchError::new(ErrorKind::Timeout, "body not complete within the time limit"))
                }
                Ok(Err(e)) => outcome.error = Some(e),
                Ok(Ok(body)) => outcome.body = body,
            }
            let rate_limited = status == reqwest::StatusCode::TOO_MANY_REQUESTS
                || (status == reqwest::StatusCode::SERVICE_UNAVAILABLE && retry_after.is_some());
            if rate_limited {
                // Whatever the body said, the server asked for a pause: nothing of the site is judged.
                outcome.retry_after = retry_after;
                let wait = retry_after.map(|d| format!(" (Retry-After {} s)", d.as_secs())).unwrap_or_default();
                outcome.error = Some(FetchError::new(ErrorKind::RateLimited, format!("{status}{wait}")));
            } else if outcome.error.is_none() && (status.is_client_error() || status.is_server_error()) {
                outcome.error = Some(FetchError::new(ErrorKind::HttpStatus, status.to_string()));
            }
            // A page that forwards the browser elsewhere is followed like an HTTP redirect, within the
            // same limit, so the page judged is the one a visitor sees.
            if outcome.error.is_none()
                && outcome.redirects.len() < self.options.max_redirects
                && let Some((target, via)) = client_redirect(&outcome.body)
                && let Ok(next) = url.join(target.trim())
                && matches!(next.scheme(), "http" | "https")
                && next != url
            {
                // The page stays in memory once, in the stub, under the room this fetch holds.
                let body = std::mem::take(&mut outcome.body);
                stub = Some(FetchOutcome { body, ..outcome.clone() });
                outcome.redirects.push(Redirect {
                    from: url.to_string(),
                    to: next.to_string(),
                    status: status.as_u16(),
                    via: Some(via.as_str().to_string()),
                });
                url = next;
                continue;
            }
            break;
        }
        // A client-side redirect whose target cannot be fetched: judge the page that was there.
        if outcome.error.is_some()
            && let Some(stub) = stub
        {
            tracing::debug!(url = %outcome.url, "client-side redirect target failed; judging the page itself");
            outcome = stub;
        }
        outcome
    }

    /// A place among the pages in memory, and how long it was waited for (zero when one was free).
    async fn room(&self) -> (OwnedSemaphorePermit, Duration) {
        if let Ok(room) = Arc::clone(&self.rooms).try_acquire_owned() {
            return (room, Duration::ZERO);
        }
        let asked = Instant::now();
        let room = Arc::clone(&self.rooms).acquire_owned().await.expect("never closed");
        let waited = asked.elapsed();
        metrics::histogram!("icp_patrol_fetch_room_wait_seconds").record(waited.as_secs_f64());
        (room, waited)
    }

    fn client(&self, resolver: PinnedResolver) -> Result<reqwest::Client, reqwest::Error> {
        reqwest::Client::builder()
            .use_preconfigured_tls(self.tls.clone())
            .dns_resolver(resolver)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.options.connect_timeout)
            .user_agent(&self.options.user_agent)
            .pool_max_idle_per_host(0)
            // HTTP/2 flow control from the protocol's 64 KiB window, widened as a body is read: a response that
            // waits for room among the pages in memory holds at most that much (with the fixed 2 MiB window it
            // would already hold the whole page), and one being read is not slowed.
            .http2_adaptive_window(true)
            .build()
    }

    /// Sends without an explicit port in the URL, so the port the vetted address carries is the one
    /// connected to (a URL port would override it); the Host header keeps what the URL said. reqwest
    /// never asks a resolver for an IP-literal host, so such a URL goes out as the vetted address
    /// itself, port included.
    async fn send(
        &self,
        client: &reqwest::Client,
        url: &Url,
        vetted: Option<SocketAddr>,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut wire = url.clone();
        let host_header = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        let ip_literal = matches!(url.host(), Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)));
        match vetted {
            Some(addr) if ip_literal => {
                let _ = wire.set_ip_host(addr.ip());
                let _ = wire.set_port(Some(addr.port()));
            }
            _ => {
                let _ = wire.set_port(None);
            }
        }
        client
            .get(wire)
            .header(reqwest::header::HOST, host_header)
            .header(reqwest::header::ACCEPT, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
            .header(reqwest::header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.5")
            .send()
            .await
    }

    /// The socket addresses one hop may connect to: an override, else DNS (once per name per scan),
    /// then the guard. The answer for the hop's host is left in `answers` as evidence.
    async fn vet(
        &self,
        url: &Url,
        deadline: Instant,
        answers: &mut AnswerCache,
    ) -> Result<Vec<SocketAddr>, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::new(ErrorKind::Other, format!("unsupported URL scheme {}", url.scheme())));
        }
        let port = url.port_or_known_default().unwrap_or(80);
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_string(),
            Some(url::Host::Ipv4(a)) => a.to_string(),
            Some(url::Host::Ipv6(a)) => a.to_string(),
            None => return Err(FetchError::new(ErrorKind::Other, "URL without a host")),
        };
        let (lookup_host, lookup_port) = match self.overrides.route(&host, port) {
            Some(Route::Pinned(addrs)) => {
                let addresses = addrs.iter().map(SocketAddr::ip).collect();
                answers.entry(host.clone()).or_insert(DnsAnswer {
                    host,
                    addresses,
                    overridden: true,
                    ..DnsAnswer::default()
                });
                return Ok(addrs);
            }
            Some(Route::Via { host, port }) => (host, port),
            None => (host.clone(), port),
        };
        let addrs: Vec<IpAddr> = match lookup_host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => {
                let answer = match answers.get(&lookup_host) {
                    Some(a) => a.clone(),
                    None => {
                        let looked_up = tokio::time::timeout_at(deadline, self.dns.lookup(&lookup_host)).await;
                        let answer = looked_up.unwrap_or_else(|_| DnsAnswer {
                            host: lookup_host.clone(),
                            error: Some(FetchError::new(
                                ErrorKind::DnsTimeout,
                                format!("no answer for {lookup_host} in time"),
                            )),
                            ..DnsAnswer::default()
                        });
                        answers.insert(lookup_host.clone(), answer.clone());
                        if lookup_host != host {
                            answers
                                .entry(host.clone())
                                .or_insert_with(|| DnsAnswer { host: host.clone(), ..answer.clone() });
                        }
                        answer
                    }
                };
                if let Some(e) = answer.error {
                    return Err(e);
                }
                answer.addresses
            }
        };
        let (allowed, refused): (Vec<IpAddr>, Vec<IpAddr>) =
            addrs.into_iter().partition(|a| self.guard.check(*a).is_ok());
        if allowed.is_empty() {
            let why = refused
                .iter()
                .map(|a| format!("{a} ({})", self.guard.check(*a).err().unwrap_or("non-public")))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(FetchError::new(ErrorKind::PrivateTarget, format!("target address is private: {why}")));
        }
        Ok(allowed.into_iter().map(|a| SocketAddr::new(a, lookup_port)).collect())
    }

    /// Resolves a name the page was not fetched from (the `www.`/apex sibling), unless doing so would
    /// ask a resolver the operator did not choose: names routed by overrides are answered from them.
    pub async fn resolve_only(&self, host: &str, port: u16) -> Option<DnsAnswer> {
        match self.overrides.route(host, port) {
            Some(Route::Pinned(addrs)) => Some(DnsAnswer {
                host: host.to_string(),
                addresses: addrs.iter().map(SocketAddr::ip).collect(),
                overridden: true,
                ..DnsAnswer::default()
            }),
            Some(Route::Via { .. }) => None,
            None if self.overrides.is_empty() => Some(self.dns.lookup(host).await),
            None => None,
        }
    }
}

/// The most a body's buffer starts with, whatever length the server announces.
const FIRST_BUFFER: usize = 256 * 1024;

async fn read_capped(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, FetchError> {
    let too_large = || FetchError::new(ErrorKind::TooLarge, format!("body larger than {max} bytes"));
    let announced = response.content_length();
    if announced.is_some_and(|len| len > max as u64) {
        return Err(too_large());
    }
    // Sized once when the length is known (grown by doubling, a page's buffer averages a third more than its
    // bytes), but not beyond what most pages are: a server's word is no reason to set aside megabytes.
    let mut body = Vec::with_capacity(announced.map_or(0, |len| (len as usize).min(max).min(FIRST_BUFFER)));
    while let Some(chunk) = response.chunk().await.map_err(|e| error::classify(&e))? {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
