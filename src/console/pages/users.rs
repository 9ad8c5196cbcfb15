//! Accounts, for leads: add one, change its role or password, disable or enable it. Each change is in
//! the audit trail; a lead cannot disable or demote their own account (the console would lose its
//! last lead that way).

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use serde_json::json;

use super::super::{Caller, Console, Refusal, password};
use super::{chrome, given};
use crate::state::Role;
use crate::store::{AccountError, AuditEntry, UserChange};

impl From<AccountError> for Refusal {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Exists(_) => Refusal::Conflict(e.to_string()),
            AccountError::Unknown(_) => Refusal::NotFound(e.to_string()),
            AccountError::Store(e) => e.into(),
        }
    }
}

impl From<password::PasswordError> for Refusal {
    fn from(e: password::PasswordError) -> Self {
        match e {
            password::PasswordError::TooShort => {
                Refusal::BadRequest(format!("密码至少 {} 个字符", password::MIN_LENGTH))
            }
            other => Refusal::Internal(other.to_string()),
        }
    }
}

pub async fn list(State(console): State<Arc<Console>>, caller: Caller) -> Result<Html<String>, Refusal> {
    caller.require(Role::Lead)?;
    let now = crate::store::now_ms();
    let users: Vec<_> = console
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| {
            json!({
                "name": u.name,
                "role": u.role.as_str(),
                "role_zh": u.role.zh(),
                "created_at": u.created_at,
                "active": u.is_active(),
                "locked": u.is_locked(now),
                "password": u.password_hash.is_some(),
            })
        })
        .collect();
    console.views.render("users.html", json!({ "me": chrome(&caller), "users": users, "roles": Role::ALL }))
}

fn role(value: &str) -> Result<Role, Refusal> {
    value.parse().map_err(|_| Refusal::BadRequest(format!("角色 {value:?} 无效（viewer、reviewer、lead）")))
}

#[derive(Deserialize)]
pub struct AddForm {
    csrf: String,
    name: String,
    role: String,
    password: String,
}

pub async fn add(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Form(form): Form<AddForm>,
) -> Result<Redirect, Refusal> {
    caller.require(Role::Lead)?;
    caller.check_csrf(&form.csrf)?;
    let name = form.name.trim();
    if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
        return Err(Refusal::BadRequest("用户名为 1 到 64 个字符，不含控制字符".into()));
    }
    let role = role(&form.role)?;
    let hash = password::hash(form.password).await?;
    let audit = AuditEntry::new(&caller.actor(), "user_added", name).after(&json!({ "role": role }));
    console.store.add_user(name, role, Some(&hash), &audit).await?;
    Ok(Redirect::to("/users"))
}

#[derive(Deserialize)]
pub struct ChangeForm {
    csrf: String,
    /// role, password, disable, enable.
    action: String,
    role: Option<String>,
    password: Option<String>,
}

pub async fn change(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Path(name): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Result<Redirect, Refusal> {
    caller.require(Role::Lead)?;
    caller.check_csrf(&form.csrf)?;
    let actor = caller.actor();
    let hash;
    let (change, audit) = match form.action.as_str() {
        "role" => {
            let role = role(given(&form.role).unwrap_or_default())?;
            if name == caller.user.name && role != Role::Lead {
                return Err(Refusal::BadRequest("不能降低自己的角色".into()));
            }
            (UserChange::Role(role), AuditEntry::new(&actor, "user_role", &name).after(&json!({ "role": role })))
        }
        "password" => {
            hash = password::hash(form.password.unwrap_or_default()).await?;
            (UserChange::Password(&hash), AuditEntry::new(&actor, "user_password", &name))
        }
        "disable" if name == caller.user.name => return Err(Refusal::BadRequest("不能停用自己的账号".into())),
        "disable" => (UserChange::Disable, AuditEntry::new(&actor, "user_disabled", &name)),
        "enable" => (UserChange::Enable, AuditEntry::new(&actor, "user_enabled", &name)),
        other => return Err(Refusal::BadRequest(format!("操作 {other:?} 无效"))),
    };
    let before = console.store.user_by_name(&name).await?;
    let audit = audit.before(&before.map(|u| json!({ "role": u.role, "active": u.is_active() })));
    console.store.change_user(&name, change, &audit).await?;
    Ok(Redirect::to("/users"))
}
