//! Reports for the list's current filter, in the formats of `icp-patrol report`, built by the same
//! code: `report::collect` then `report::write`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::super::{Caller, Console, Refusal};
use super::findings::Filter;
use super::given;
use crate::engine::today_in_shanghai;
use crate::report::{self, Filters, Format};
use crate::state::Role;
use crate::store::AuditEntry;

fn format_of(name: &str) -> Result<(Format, &'static str), Refusal> {
    match name {
        "xlsx" => Ok((Format::Xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")),
        "csv" => Ok((Format::Csv, "text/csv; charset=utf-8")),
        "html" => Ok((Format::Html, "text/html; charset=utf-8")),
        "jsonl" => Ok((Format::Jsonl, "application/x-ndjson")),
        other => Err(Refusal::NotFound(format!("没有 {other} 格式的报告（xlsx、csv、html、jsonl）"))),
    }
}

pub async fn download(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Path(name): Path<String>,
    Query(filter): Query<Filter>,
) -> Result<Response, Refusal> {
    caller.require(Role::Viewer)?;
    let (format, content_type) = format_of(&name)?;
    let status = match filter.status()? {
        None => "all".to_string(),
        Some(s) => s.as_str().to_string(),
    };
    let since = given(&filter.since).and_then(crate::filing::parse_date);
    let filters = Filters {
        province: given(&filter.province).map(str::to_string),
        provider: given(&filter.provider).map(str::to_string),
        notice: given(&filter.notice).map(str::to_string),
        status,
        since,
        domain: None,
        entity: filter.entity(&console).await?.map(|(e, _)| e),
        leads: false,
    };
    let today = today_in_shanghai();
    let built = report::collect(&console.store, &console.rules, &filters, today, &name).await?;
    let file = tempfile::NamedTempFile::new().map_err(|e| Refusal::Internal(e.to_string()))?;
    let path = file.path().to_path_buf();
    let bytes = tokio::task::spawn_blocking(move || {
        report::write(&built, format, &path)?;
        Ok::<_, report::ReportError>(std::fs::read(&path)?)
    })
    .await
    .map_err(|e| Refusal::Internal(e.to_string()))??;
    let audit = AuditEntry::new(&caller.actor(), "report_downloaded", format!("{name} {}", filter.query_string()));
    console.store.audit(&audit).await?;
    let disposition = format!("attachment; filename=\"icp-patrol-report-{}.{name}\"", today.format("%Y%m%d"));
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}
