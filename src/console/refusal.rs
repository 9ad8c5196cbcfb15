//! Why a request was not served, as an answer: a status and a short page in Chinese. Internal errors are
//! logged with their cause and shown without it.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::desk::DeskError;
use crate::store::StoreError;

#[derive(Debug)]
pub enum Refusal {
    /// Not signed in: to the login page.
    SignIn,
    /// Signed in, but the role does not allow it.
    Forbidden,
    /// A form without its CSRF token, or posted from another site.
    CrossSite,
    BadRequest(String),
    NotFound(String),
    Conflict(String),
    TooManyAttempts,
    Internal(String),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Internal(e.to_string())
    }
}

impl From<DeskError> for Refusal {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::Invalid(m) => Refusal::BadRequest(m),
            DeskError::Missing(m) => Refusal::NotFound(m),
            DeskError::Conflict(m) => Refusal::Conflict(m),
            DeskError::Store(e) => e.into(),
        }
    }
}

impl From<crate::report::ReportError> for Refusal {
    fn from(e: crate::report::ReportError) -> Self {
        Refusal::Internal(e.to_string())
    }
}

fn page(status: StatusCode, title: &str, detail: &str) -> Response {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <link rel=\"stylesheet\" href=\"/static/console.css\"></head><body><main class=\"refusal\">\
         <h1>{t}</h1><p>{d}</p><p><a href=\"/findings\">返回问题列表</a></p></main></body></html>",
        t = esc(title),
        d = esc(detail)
    );
    (status, Html(body)).into_response()
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Refusal::SignIn => Redirect::to("/login").into_response(),
            Refusal::Forbidden => page(StatusCode::FORBIDDEN, "权限不足", "您的角色不能执行此操作。"),
            Refusal::CrossSite => {
                page(StatusCode::FORBIDDEN, "请求被拒绝", "表单令牌无效或请求来自其他站点，请刷新页面后重试。")
            }
            Refusal::BadRequest(m) => page(StatusCode::BAD_REQUEST, "无法执行", &m),
            Refusal::NotFound(m) => page(StatusCode::NOT_FOUND, "未找到", &m),
            Refusal::Conflict(m) => page(StatusCode::CONFLICT, "无法执行", &m),
            Refusal::TooManyAttempts => {
                page(StatusCode::TOO_MANY_REQUESTS, "尝试次数过多", "此地址的登录尝试过多，请稍后再试。")
            }
            Refusal::Internal(cause) => {
                tracing::error!("console: {cause}");
                page(StatusCode::INTERNAL_SERVER_ERROR, "内部错误", "服务器出错，详情已记录在日志中。")
            }
        }
    }
}
