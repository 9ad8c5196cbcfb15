//! The only door to the network for pages: bounded, redirect-recording, SSRF-guarded HTTP fetches.
//!
//! Every hop's addresses are vetted before the connection (operator overrides, else DNS and the
//! guard) and handed to reqwest through a pinned resolver; redirects are followed by hand so each
//! hop is recorded and vetted; bodies are capped after decompression; all of it under one deadline.

mod decode;
mod error;
mod guard;
mod overrides;
mod pinned;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use url::Url;

pub use decode::{Decoded, decode};
pub use error::{ErrorKind, FetchError};
pub use guard::non_public_reason;
pub use overrides::{ConnectTo, OverrideError, Overrides, ResolveEntry, Route};
use pinned::PinnedResolver;

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
}

pub const DEFAULT_MAX_BODY: usize = 5 * 1024 * 1024;

impl Default for FetchOptions {
    fn default() -> Self {
        FetchOptions {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body: DEFAULT_MAX_BODY,
            max_redirects: 10,
            user_agent: format!(
                "icp-patrol/{} (ICP filing compliance check by the site's hosting provider)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    pub status: u16,
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
    /// The addresses vetted for the first hop (the scanned host).
    pub addresses: Vec<IpAddr>,
    pub elapsed: Duration,
    pub error: Option<FetchError>,
    /// Why `https://` was given up for `http://`, when it was.
    pub https_error: Option<FetchError>,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchSetupError {
    #[error("cannot set up TLS: {0}")]
    Tls(#[from] rustls::Error),
}

/// Shared by every scan of a run: limits, overrides and one TLS configuration.
#[derive(Clone)]
pub struct Fetcher {
    options: FetchOptions,
    overrides: Arc<Overrides>,
    tls: rustls::ClientConfig,
}

impl Fetcher {
    pub fn new(options: FetchOptions, overrides: Overrides) -> Result<Self, FetchSetupError> {
        use rustls_platform_verifier::BuilderVerifierExt;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_platform_verifier()?
            .with_no_client_auth();
        tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Fetcher {
            options,
            overrides: Arc::new(overrides),
            tls,
        })
    }

    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    /// A bare domain is tried over `https://` first, then `http://`; a URL is fetched as given.
    pub async fn fetch_homepage(&self, domain_or_url: &Url, is_bare_domain: bool) -> FetchOutcome {
        let started = Instant::now();
        let deadline = started + self.options.total_timeout;
        let mut outcome = self.fetch_url(domain_or_url.clone(), deadline).await;
        if is_bare_domain
            && domain_or_url.scheme() == "https"
            && outcome.status.is_none()
            && outcome
                .error
                .as_ref()
                .is_some_and(|e| e.kind.falls_back_to_http())
        {
            let mut http = domain_or_url.clone();
            let _ = http.set_scheme("http");
            let https_error = outcome.error.take();
            outcome = self.fetch_url(http, deadline).await;
            outcome.https_error = https_error;
        }
        outcome.elapsed = started.elapsed();
        outcome
    }

    async fn fetch_url(&self, start: Url, deadline: Instant) -> FetchOutcome {
        let mut outcome = FetchOutcome {
            url: start.to_string(),
            ..Default::default()
        };
        let resolver = PinnedResolver::default();
        let client = match self.client(resolver.clone()) {
            Ok(c) => c,
            Err(e) => {
                outcome.error = Some(FetchError::new(
                    ErrorKind::Other,
                    format!("cannot build HTTP client: {e}"),
                ));
                return outcome;
            }
        };
        let mut url = start;
        loop {
            let addrs = match self.vet(&url, deadline).await {
                Ok(a) => a,
                Err(e) => {
                    outcome.error = Some(e);
                    return outcome;
                }
            };
            if outcome.redirects.is_empty() {
                outcome.addresses = addrs.iter().map(SocketAddr::ip).collect();
            }
            let host = url.host_str().unwrap_or_default().to_string();
            resolver.pin(&host, addrs);
            let response = match tokio::time::timeout_at(deadline, self.send(&client, &url)).await {
                Err(_) => {
                    outcome.error = Some(FetchError::new(
                        ErrorKind::Timeout,
                        "no response within the time limit",
                    ));
                    return outcome;
                }
                Ok(Err(e)) => {
                    outcome.error = Some(error::classify(&e));
                    return outcome;
                }
                Ok(Ok(r)) => r,
            };
            let status = response.status();
            outcome.status = Some(status.as_u16());
            outcome.final_url = Some(url.to_string());
            if status.is_redirection() {
                let next = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| url.join(l.trim()).ok());
                let Some(next) = next else {
                    outcome.error = Some(FetchError::new(
                        ErrorKind::HttpStatus,
                        format!("{status} without a usable Location"),
                    ));
                    return outcome;
                };
                outcome.redirects.push(Redirect {
                    from: url.to_string(),
                    to: next.to_string(),
                    status: status.as_u16(),
                });
                if outcome.redirects.len() > self.options.max_redirects {
                    outcome.error = Some(FetchError::new(
                        ErrorKind::TooManyRedirects,
                        format!("more than {} redirects", self.options.max_redirects),
                    ));
                    return outcome;
                }
                if !matches!(next.scheme(), "http" | "https") {
                    outcome.error = Some(FetchError::new(
                        ErrorKind::Other,
                        format!("redirect to unsupported URL {next}"),
                    ));
                    return outcome;
                }
                url = next;
                continue;
            }
            outcome.content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            match tokio::time::timeout_at(deadline, read_capped(response, self.options.max_body))
                .await
            {
                Err(_) => {
                    outcome.error = Some(FetchError::new(
                        ErrorKind::Timeout,
                        "body not complete within the time limit",
                    ))
                }
                Ok(Err(e)) => outcome.error = Some(e),
                Ok(Ok(body)) => outcome.body = body,
            }
            if outcome.error.is_none() && (status.is_client_error() || status.is_server_error()) {
                outcome.error = Some(FetchError::new(ErrorKind::HttpStatus, status.to_string()));
            }
            return outcome;
        }
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
            .build()
    }

    /// Sends without an explicit port in the URL, so the port the vetted address carries is the one
    /// connected to (a URL port would override it); the Host header keeps what the URL said.
    async fn send(
        &self,
        client: &reqwest::Client,
        url: &Url,
    ) -> Result<reqwest::Response, reqwest::Error> {
        let mut wire = url.clone();
        let host_header = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        let _ = wire.set_port(None);
        client
            .get(wire)
            .header(reqwest::header::HOST, host_header)
            .header(
                reqwest::header::ACCEPT,
                "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            )
            .header(reqwest::header::ACCEPT_LANGUAGE, "zh-CN,zh;q=0.9,en;q=0.5")
            .send()
            .await
    }

    /// The socket addresses one hop may connect to.
    async fn vet(&self, url: &Url, deadline: Instant) -> Result<Vec<SocketAddr>, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::new(
                ErrorKind::Other,
                format!("unsupported URL scheme {}", url.scheme()),
            ));
        }
        let port = url.port_or_known_default().unwrap_or(80);
        let host = match url.host() {
            Some(url::Host::Domain(d)) => d.to_string(),
            Some(url::Host::Ipv4(a)) => a.to_string(),
            Some(url::Host::Ipv6(a)) => a.to_string(),
            None => return Err(FetchError::new(ErrorKind::Other, "URL without a host")),
        };
        let (lookup_host, lookup_port) = match self.overrides.route(&host, port) {
            Some(Route::Pinned(addrs)) => return Ok(addrs),
            Some(Route::Via { host, port }) => (host, port),
            None => (host, port),
        };
        let addrs: Vec<SocketAddr> = match lookup_host.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, lookup_port)],
            Err(_) => system_lookup(&lookup_host, lookup_port, deadline).await?,
        };
        let (public, refused): (Vec<SocketAddr>, Vec<SocketAddr>) = addrs
            .into_iter()
            .partition(|a| non_public_reason(a.ip()).is_none());
        if public.is_empty() {
            let why = refused
                .iter()
                .map(|a| {
                    format!(
                        "{} ({})",
                        a.ip(),
                        non_public_reason(a.ip()).unwrap_or("non-public")
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            return Err(FetchError::new(
                ErrorKind::PrivateTarget,
                format!("target address is private: {why}"),
            ));
        }
        Ok(public)
    }
}

/// Name resolution through the system, used until a scan has its own resolver configured.
async fn system_lookup(
    host: &str,
    port: u16,
    deadline: Instant,
) -> Result<Vec<SocketAddr>, FetchError> {
    match tokio::time::timeout_at(deadline, tokio::net::lookup_host((host, port))).await {
        Err(_) => Err(FetchError::new(
            ErrorKind::DnsTimeout,
            format!("no answer for {host}"),
        )),
        Ok(Err(e)) => Err(FetchError::new(ErrorKind::Nxdomain, format!("{host}: {e}"))),
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err(FetchError::new(
                    ErrorKind::Nodata,
                    format!("{host} has no address"),
                ))
            } else {
                Ok(addrs)
            }
        }
    }
}

async fn read_capped(mut response: reqwest::Response, max: usize) -> Result<Vec<u8>, FetchError> {
    let too_large =
        || FetchError::new(ErrorKind::TooLarge, format!("body larger than {max} bytes"));
    if response
        .content_length()
        .is_some_and(|len| len > max as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| error::classify(&e))? {
        if body.len() + chunk.len() > max {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
