//! The console's forms that change the store: a decision on a finding, a lead's undo, a notice sent or
//! extended. Each checks the role and the CSRF token, then calls the same [`crate::desk`] function as
//! the command line.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use serde::Deserialize;

use super::super::{Caller, Console, Refusal};
use super::given;
use crate::desk::{self, DecisionRequest};
use crate::engine::today_in_shanghai;
use crate::rules::NoticeKind;
use crate::state::{DecisionKind, Role};

fn back_to(host: &str) -> Redirect {
    let path: String = url::form_urlencoded::byte_serialize(host.as_bytes()).collect();
    Redirect::to(&format!("/site/{path}"))
}

fn day(v: &Option<String>, what: &str) -> Result<Option<chrono::NaiveDate>, Refusal> {
    given(v)
        .map(|d| crate::filing::parse_date(d).ok_or_else(|| Refusal::BadRequest(format!("{what} {d:?} 不是日期"))))
        .transpose()
}

fn host_of(host: &str) -> Result<String, Refusal> {
    crate::domain::normalise_host(host).map_err(|e| Refusal::BadRequest(e.to_string()))
}

#[derive(Deserialize)]
pub struct DecideForm {
    csrf: String,
    target: String,
    check_id: String,
    decision: String,
    until: Option<String>,
    note: String,
}

pub async fn decide(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Path(host): Path<String>,
    Form(form): Form<DecideForm>,
) -> Result<Redirect, Refusal> {
    caller.require(Role::Reviewer)?;
    caller.check_csrf(&form.csrf)?;
    let decision = form
        .decision
        .parse::<DecisionKind>()
        .map_err(|_| Refusal::BadRequest(format!("审核结论 {:?} 无效", form.decision)))?;
    let request = DecisionRequest {
        target: host_of(&form.target)?,
        check_id: form.check_id,
        decision,
        until: day(&form.until, "豁免截止日")?,
        note: form.note,
    };
    desk::decide(&console.store, &caller.actor(), request, today_in_shanghai()).await?;
    Ok(back_to(&host))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
    /// The page to return to.
    host: Option<String>,
}

pub async fn undo(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Result<Redirect, Refusal> {
    caller.require(Role::Lead)?;
    caller.check_csrf(&form.csrf)?;
    let undone = desk::undo(&console.store, &caller.actor(), id).await?;
    Ok(back_to(given(&form.host).unwrap_or(&undone.decision.domain)))
}

#[derive(Deserialize)]
pub struct NoticeForm {
    csrf: String,
    kind: String,
    deadline: Option<String>,
}

fn notice_kind(kind: &str) -> Result<NoticeKind, Refusal> {
    match kind.parse::<NoticeKind>() {
        Ok(NoticeKind::None) | Err(_) => Err(Refusal::BadRequest(format!("通知类型 {kind:?} 无效"))),
        Ok(k) => Ok(k),
    }
}

pub async fn send_notice(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Path(host): Path<String>,
    Form(form): Form<NoticeForm>,
) -> Result<Redirect, Refusal> {
    caller.require(Role::Reviewer)?;
    caller.check_csrf(&form.csrf)?;
    let domain = host_of(&host)?;
    let kind = notice_kind(&form.kind)?;
    let deadline = day(&form.deadline, "整改期限")?;
    desk::send_notice(&console.store, &console.rules, &caller.actor(), &domain, kind, deadline, today_in_shanghai())
        .await?;
    Ok(back_to(&host))
}

#[derive(Deserialize)]
pub struct ExtendForm {
    csrf: String,
    kind: String,
    days: u32,
}

pub async fn extend_notice(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Path(host): Path<String>,
    Form(form): Form<ExtendForm>,
) -> Result<Redirect, Refusal> {
    caller.require(Role::Reviewer)?;
    caller.check_csrf(&form.csrf)?;
    let domain = host_of(&host)?;
    let kind = notice_kind(&form.kind)?;
    desk::extend_notice(&console.store, &console.rules, &caller.actor(), &domain, kind, form.days).await?;
    Ok(back_to(&host))
}
