//! The reviewer console: the filing team's browser view of the store. Server-rendered HTML (minijinja,
//! every crawled string escaped), local accounts or an identity proxy, roles checked on the server for
//! every route, CSRF tokens on every form, a strict Content-Security-Policy, and every decision, notice
//! action, login and account change in the audit trail. Decisions and notices go through [`crate::desk`]
//! and downloads through [`crate::report`]: the same code as the command line.

mod caller;
mod headers;
mod limiter;
mod pages;
pub mod password;
mod refusal;
mod session;
mod views;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tokio_util::sync::CancellationToken;

pub use caller::Caller;
pub use refusal::Refusal;

use crate::config::ConsoleSettings;
use crate::rules::RuleSet;
use crate::store::{Store, StoreError};

/// What every request handler shares.
pub struct Console {
    pub store: Store,
    pub rules: Arc<RuleSet>,
    pub settings: ConsoleSettings,
    key: Vec<u8>,
    limiter: limiter::AddressLimiter,
    views: views::Views,
}

impl Console {
    /// Reads (or makes, on first use) the database's session key.
    pub async fn new(store: Store, rules: Arc<RuleSet>, settings: ConsoleSettings) -> Result<Console, StoreError> {
        let key = store.console_key(session::random_token).await?.into_bytes();
        let limiter = limiter::AddressLimiter::new(settings.address_attempts);
        Ok(Console { store, rules, settings, key, limiter, views: views::Views::new() })
    }

    /// Session cookies are `Secure` when users reach the console over TLS.
    fn secure_cookies(&self) -> bool {
        self.settings.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

pub fn router(console: Arc<Console>) -> Router {
    Router::new()
        .route("/", get(pages::findings::home))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/logout", post(pages::login::logout))
        .route("/findings", get(pages::findings::list))
        .route("/findings/latest", get(pages::findings::latest))
        .route("/site/{host}", get(pages::site::show))
        .route("/site/{host}/decide", post(pages::actions::decide))
        .route("/site/{host}/notice", post(pages::actions::send_notice))
        .route("/site/{host}/extend", post(pages::actions::extend_notice))
        .route("/decisions/{id}/undo", post(pages::actions::undo))
        .route("/evidence/{scan}/{kind}", get(pages::site::screenshot))
        .route("/reports/{format}", get(pages::reports::download))
        .route("/audit", get(pages::audit::list))
        .route("/audit.csv", get(pages::audit::export))
        .route("/users", get(pages::users::list).post(pages::users::add))
        .route("/users/{name}", post(pages::users::change))
        .route("/static/console.css", get(pages::assets::css))
        .route("/static/console.js", get(pages::assets::js))
        .layer(axum::middleware::from_fn(headers::secure))
        .with_state(console)
}

/// Serves the console until `shutdown`; returns the bound address (port 0 picks one).
pub async fn serve(console: Console, addr: SocketAddr, shutdown: CancellationToken) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(Arc::new(console)).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown.cancelled_owned()).await {
            tracing::error!("console: {e}");
        }
    });
    Ok(bound)
}
