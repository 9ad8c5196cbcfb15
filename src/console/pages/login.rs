//! Signing in and out. Wrong passwords count per account (the account locks after
//! `console.max_failed_logins` for `console.lockout_minutes`) and per address (`console.address_attempts`
//! in ten minutes); every attempt is in the audit trail, with the name tried and where from.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::caller::{client_address, same_origin};
use super::super::session::{self, LOGIN_COOKIE, SESSION_COOKIE};
use super::super::{Caller, Console, Refusal, password};
use crate::store::{Actor, AuditEntry, now_ms};

fn login_page(console: &Console, error: Option<&str>, status: StatusCode) -> Result<Response, Refusal> {
    let token = session::random_token();
    let page = console.views.render("login.html", minijinja::context! { token => &token, error => error })?;
    let cookie = session::set_cookie(LOGIN_COOKIE, &token, 600, console.secure_cookies());
    Ok((status, [(header::SET_COOKIE, cookie)], page).into_response())
}

pub async fn form(State(console): State<Arc<Console>>) -> Result<Response, Refusal> {
    login_page(&console, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    token: String,
}

pub async fn submit(
    State(console): State<Arc<Console>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, Refusal> {
    same_origin(&Method::POST, &headers)?;
    let address = client_address(Some(peer.ip()), &headers, &console);
    let actor = Actor::console(form.name.trim(), address.to_string());
    if !console.limiter.attempt(address, std::time::Instant::now()) {
        console.store.audit(&AuditEntry::new(&actor, "login_refused", "too many attempts from this address")).await?;
        return Err(Refusal::TooManyAttempts);
    }
    let cookie = session::read_cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if cookie.is_empty() || !session::same(&cookie, &form.token) {
        return Err(Refusal::CrossSite);
    }
    let now = now_ms();
    let user = console.store.user_by_name(form.name.trim()).await?.filter(|u| u.is_active());
    let Some(user) = user else {
        password::verify(form.password, None).await;
        console.store.audit(&AuditEntry::new(&actor, "login_failed", "no such active account")).await?;
        return login_page(&console, Some("用户名或密码错误"), StatusCode::UNAUTHORIZED);
    };
    if user.is_locked(now) {
        password::verify(form.password, None).await;
        console.store.audit(&AuditEntry::new(&actor, "login_failed", "account locked")).await?;
        return login_page(
            &console,
            Some("账号因多次密码错误已暂时锁定，请稍后再试或联系组长"),
            StatusCode::UNAUTHORIZED,
        );
    }
    if !password::verify(form.password, user.password_hash.clone()).await {
        let lock_ms = (console.settings.lockout_minutes * 60_000) as i64;
        let locked =
            console.store.note_failed_login(user.id, i64::from(console.settings.max_failed_logins), lock_ms).await?;
        let why = if locked { "wrong password; account locked" } else { "wrong password" };
        console.store.audit(&AuditEntry::new(&actor, "login_failed", why)).await?;
        let message = if locked {
            "账号因多次密码错误已暂时锁定，请稍后再试或联系组长"
        } else {
            "用户名或密码错误"
        };
        return login_page(&console, Some(message), StatusCode::UNAUTHORIZED);
    }
    console.store.clear_failed_logins(user.id).await?;
    let token = session::random_token();
    let expires = now + (console.settings.session_hours * 3_600_000) as i64;
    let csrf = session::random_token();
    console.store.add_session(&session::token_hash(&token), user.id, &csrf, &address.to_string(), expires).await?;
    console
        .store
        .audit(&AuditEntry::new(&Actor::console(&user.name, address.to_string()), "login", &user.name))
        .await?;
    let secure = console.secure_cookies();
    let signed = session::sign(&console.key, &token);
    // Appended, not set: both cookies must reach the browser.
    Ok((
        AppendHeaders([
            (
                header::SET_COOKIE,
                session::set_cookie(SESSION_COOKIE, &signed, console.settings.session_hours * 3600, secure),
            ),
            (header::SET_COOKIE, session::set_cookie(LOGIN_COOKIE, "", 0, secure)),
        ]),
        Redirect::to("/findings"),
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct LogoutForm {
    csrf: String,
}

pub async fn logout(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Form(form): Form<LogoutForm>,
) -> Result<Response, Refusal> {
    caller.check_csrf(&form.csrf)?;
    if let Some(hash) = &caller.session {
        console.store.end_session(hash).await?;
    }
    console.store.audit(&AuditEntry::new(&caller.actor(), "logout", &caller.user.name)).await?;
    let cookie = session::set_cookie(SESSION_COOKIE, "", 0, console.secure_cookies());
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}
