//! A site farm: real HTTP servers on loopback that serve sample sites by Host header, with the
//! behaviours real sites show (redirects, errors, slow answers, resets, legacy encodings, huge
//! pages). The demo and the integration tests use it; it never listens beyond 127.0.0.0/8 or ::1.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How one site answers `GET /`.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// 200 with these bytes; `content_type` exactly as sent (charset or not).
    Page { body: Vec<u8>, content_type: String },
    /// Any status with a small body.
    Status { code: u16, body: String },
    /// A redirect to `location` (absolute or relative).
    Redirect { code: u16, location: String },
    /// Waits, then serves the page: longer than a scan's time limit makes a timeout.
    Slow { delay: Duration, body: Vec<u8> },
    /// A 200 body of this many bytes.
    Huge { bytes: usize },
    /// A site of several files: the page at `/` and the scripts, fragments and styles it loads, by
    /// path, each with its content type.
    Files(Vec<(String, String, Vec<u8>)>),
    /// A rate-limiting answer (429 or 503) with this `Retry-After`, if any.
    RateLimited { code: u16, retry_after: Option<String> },
}

impl Behaviour {
    pub fn html(body: impl Into<String>) -> Self {
        Behaviour::Page { body: body.into().into_bytes(), content_type: "text/html; charset=utf-8".into() }
    }

    /// Bytes as given with no charset in the header, so the page's own declaration must be read.
    pub fn bytes(body: Vec<u8>) -> Self {
        Behaviour::Page { body, content_type: "text/html".into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FarmError {
    #[error("the farm binds loopback addresses only, not {0}")]
    NotLoopback(IpAddr),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// A running farm; dropping it stops the servers.
pub struct Farm {
    /// Serves every site by Host header.
    pub addr: SocketAddr,
    /// Accepts connections and resets them at once.
    pub reset_addr: SocketAddr,
    tasks: Vec<JoinHandle<()>>,
    hits: Hits,
}

/// Requests per host, as the farm saw them.
type Hits = Arc<std::sync::Mutex<HashMap<String, usize>>>;

impl Drop for Farm {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

type Sites = Arc<HashMap<String, Behaviour>>;

#[derive(Clone)]
struct FarmState {
    sites: Sites,
    hits: Hits,
}

impl Farm {
    /// Starts the farm on `ip` (a loopback address) with ephemeral ports.
    pub async fn start(ip: IpAddr, sites: HashMap<String, Behaviour>) -> Result<Farm, FarmError> {
        Self::start_on(SocketAddr::new(ip, 0), sites).await
    }

    /// Starts the farm on a given loopback address and port (port 0: any free one); the reset
    /// listener takes any free port on the same address.
    pub async fn start_on(at: SocketAddr, sites: HashMap<String, Behaviour>) -> Result<Farm, FarmError> {
        let ip = at.ip();
        if !ip.is_loopback() {
            return Err(FarmError::NotLoopback(ip));
        }
        let bind = |addr: SocketAddr| async move {
            TcpListener::bind(addr).await.map_err(|source| FarmError::Bind { addr, source })
        };
        let listener = bind(at).await?;
        let reset = bind(SocketAddr::new(ip, 0)).await?;
        let addr = listener.local_addr().map_err(|source| FarmError::Bind { addr: SocketAddr::new(ip, 0), source })?;
        let reset_addr =
            reset.local_addr().map_err(|source| FarmError::Bind { addr: SocketAddr::new(ip, 0), source })?;
        let sites: Sites = Arc::new(sites.into_iter().map(|(h, b)| (h.to_ascii_lowercase(), b)).collect());
        let hits = Hits::default();
        let app = Router::new().fallback(serve).with_state(FarmState { sites, hits: Arc::clone(&hits) });
        let http = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let resetter = tokio::spawn(async move {
            while let Ok((stream, _)) = reset.accept().await {
                // Linger 0 makes close send RST instead of FIN: a connection reset by peer.
                let _ = stream.set_zero_linger();
                drop(stream);
            }
        });
        Ok(Farm { addr, reset_addr, tasks: vec![http, resetter], hits })
    }

    /// How many requests a host (its Host header) has had.
    pub fn hits(&self, host: &str) -> usize {
        self.hits.lock().unwrap_or_else(|p| p.into_inner()).get(&host.to_ascii_lowercase()).copied().unwrap_or(0)
    }
}

async fn serve(State(state): State<FarmState>, headers: HeaderMap, uri: Uri) -> Response {
    let sites = state.sites;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.rsplit_once(':').filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit())).map_or(h, |(h, _)| h))
        .unwrap_or_default()
        .to_ascii_lowercase();
    *state.hits.lock().unwrap_or_else(|p| p.into_inner()).entry(host.clone()).or_default() += 1;
    let Some(site) = sites.get(&host) else {
        return (StatusCode::NOT_FOUND, format!("no site {host} on this farm")).into_response();
    };
    if let Behaviour::Files(files) = site {
        let path = if uri.path() == "/index.html" { "/" } else { uri.path() };
        return match files.iter().find(|(p, _, _)| p == path) {
            Some((_, content_type, body)) => page(body.clone(), content_type),
            None => (StatusCode::NOT_FOUND, "not found").into_response(),
        };
    }
    if !matches!(uri.path(), "/" | "/index.html") {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    match site.clone() {
        Behaviour::Page { body, content_type } => page(body, &content_type),
        Behaviour::Status { code, body } => {
            (StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), body).into_response()
        }
        Behaviour::Redirect { code, location } => {
            let mut r = StatusCode::from_u16(code).unwrap_or(StatusCode::FOUND).into_response();
            if let Ok(v) = HeaderValue::from_str(&location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Behaviour::Slow { delay, body } => {
            tokio::time::sleep(delay).await;
            page(body, "text/html; charset=utf-8")
        }
        Behaviour::Huge { bytes } => page(vec![b'a'; bytes], "text/html"),
        Behaviour::RateLimited { code, retry_after } => {
            let mut r =
                (StatusCode::from_u16(code).unwrap_or(StatusCode::TOO_MANY_REQUESTS), "slow down").into_response();
            if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Behaviour::Files(_) => unreachable!("served by path above"),
    }
}

fn page(body: Vec<u8>, content_type: &str) -> Response {
    let mut r = Response::new(Body::from(body));
    if let Ok(v) = HeaderValue::from_str(content_type) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}
