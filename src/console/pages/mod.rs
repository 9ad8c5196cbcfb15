//! The console's pages and form handlers, one file per part of the console.

pub mod actions;
pub mod assets;
pub mod audit;
pub mod findings;
pub mod login;
pub mod reports;
pub mod site;
pub mod users;

use serde_json::{Value, json};

use super::Caller;
use crate::state::Role;

/// What every page shows around its content: who is signed in, what they may do, the form token.
fn chrome(caller: &Caller) -> Value {
    json!({
        "name": caller.user.name,
        "role": caller.user.role.as_str(),
        "role_zh": caller.user.role.zh(),
        "csrf": caller.csrf,
        "can_decide": caller.user.role.includes(Role::Reviewer),
        "is_lead": caller.user.role.includes(Role::Lead),
        "signed_in_by_session": caller.session.is_some(),
    })
}

/// A form or query field with something in it.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}
