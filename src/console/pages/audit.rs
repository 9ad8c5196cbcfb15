//! The audit trail for leads: every decision, undo, notice action, login and account change, newest
//! first, and as a CSV file.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::super::{Caller, Console, Refusal};
use super::chrome;
use crate::state::Role;

const PAGE: i64 = 100;
/// Lines in one CSV export at most; a longer trail is exported in parts by `offset`.
const EXPORT_MAX: i64 = 100_000;

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u32>,
    offset: Option<i64>,
}

pub async fn list(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, Refusal> {
    caller.require(Role::Lead)?;
    let page = i64::from(q.page.unwrap_or(1).max(1));
    let (rows, total) = console.store.audit_page((page - 1) * PAGE, PAGE).await?;
    console.views.render(
        "audit.html",
        json!({ "me": chrome(&caller), "rows": rows, "total": total, "page": page, "pages": ((total + PAGE - 1) / PAGE).max(1) }),
    )
}

pub async fn export(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> Result<Response, Refusal> {
    caller.require(Role::Lead)?;
    let (rows, _) = console.store.audit_page(q.offset.unwrap_or(0).max(0), EXPORT_MAX).await?;
    let mut out = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
    let internal = |e: csv::Error| Refusal::Internal(e.to_string());
    out.write_record(["时间", "操作人", "途径", "地址", "操作", "对象", "之前", "之后"]).map_err(internal)?;
    for r in rows {
        let at = chrono::DateTime::from_timestamp_millis(r.at)
            .map(|t| t.with_timezone(&chrono_tz::Asia::Shanghai).to_rfc3339())
            .unwrap_or_default();
        let cells = [
            at,
            r.actor,
            r.via,
            r.address.unwrap_or_default(),
            r.action,
            r.subject,
            r.before.unwrap_or_default(),
            r.after.unwrap_or_default(),
        ];
        out.write_record(cells.iter().map(|c| crate::report::neutralise(c))).map_err(internal)?;
    }
    let bytes = out.into_inner().map_err(|e| Refusal::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"icp-patrol-audit.csv\""),
        ],
        bytes,
    )
        .into_response())
}
