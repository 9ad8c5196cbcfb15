//! Who is asking: the account behind the session cookie (or the identity proxy's header, from a
//! trusted proxy only), from which address. Every handler that shows or changes anything takes a
//! [`Caller`] and states the role it needs; a form post also proves its CSRF token.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use super::session::{self, SESSION_COOKIE};
use super::{Console, Refusal};
use crate::state::Role;
use crate::store::{Actor, User};

pub struct Caller {
    pub user: User,
    pub csrf: String,
    pub address: IpAddr,
    /// The session's token hash (`None` behind the identity proxy: there is no session to end).
    pub session: Option<String>,
}

impl Caller {
    pub fn require(&self, role: Role) -> Result<(), Refusal> {
        if self.user.role.includes(role) { Ok(()) } else { Err(Refusal::Forbidden) }
    }

    /// A form's token must be this caller's.
    pub fn check_csrf(&self, token: &str) -> Result<(), Refusal> {
        if session::same(token, &self.csrf) { Ok(()) } else { Err(Refusal::CrossSite) }
    }

    pub fn actor(&self) -> Actor {
        Actor::console(self.user.name.clone(), self.address.to_string())
    }
}

/// The client's address: the peer's, or the first hop a trusted proxy names in `X-Forwarded-For`.
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, console: &Console) -> IpAddr {
    let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if !trusted(peer, console) {
        return peer;
    }
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(peer)
}

fn trusted(peer: IpAddr, console: &Console) -> bool {
    console.settings.trusted_proxies.iter().any(|net| net.contains(&peer))
}

/// A state-changing request must come from the console's own pages: a browser names the site that
/// sent it (`Sec-Fetch-Site`, `Origin`), and another site's form is refused before anything else.
pub fn same_origin(method: &Method, headers: &HeaderMap) -> Result<(), Refusal> {
    if matches!(*method, Method::GET | Method::HEAD) {
        return Ok(());
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return Err(Refusal::CrossSite);
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or(origin);
        if origin == "null" || !origin_host.eq_ignore_ascii_case(host) {
            return Err(Refusal::CrossSite);
        }
    }
    Ok(())
}

fn peer(parts: &Parts) -> Option<IpAddr> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

impl FromRequestParts<Arc<Console>> for Caller {
    type Rejection = Refusal;

    async fn from_request_parts(parts: &mut Parts, console: &Arc<Console>) -> Result<Caller, Refusal> {
        same_origin(&parts.method, &parts.headers)?;
        let peer = peer(parts);
        let address = client_address(peer, &parts.headers, console);
        if let Some(name) = proxied_name(parts, peer, console) {
            let user = console.store.user_by_name(&name).await?.filter(User::is_active).ok_or(Refusal::Forbidden)?;
            let csrf = session::derived(&console.key, &format!("proxy:{}", user.name));
            return Ok(Caller { user, csrf, address, session: None });
        }
        let cookie = session::read_cookie(&parts.headers, SESSION_COOKIE).ok_or(Refusal::SignIn)?;
        let token = session::verify(&console.key, &cookie).ok_or(Refusal::SignIn)?;
        let hash = session::token_hash(token);
        let row = console.store.session(&hash).await?.ok_or(Refusal::SignIn)?;
        Ok(Caller { user: row.user, csrf: row.csrf, address, session: Some(hash) })
    }
}

/// The account an identity proxy vouches for, only when the request comes from a trusted proxy.
fn proxied_name(parts: &Parts, peer: Option<IpAddr>, console: &Console) -> Option<String> {
    let header = console.settings.identity_header.as_deref()?;
    if !trusted(peer?, console) {
        return None;
    }
    let name = parts.headers.get(header)?.to_str().ok()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}
