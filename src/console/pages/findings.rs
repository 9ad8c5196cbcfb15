//! The list of findings: filters (province, provider, notice kind, status, new or recurring, decision,
//! entity, date, host), a page at a time from the database, and download links for the same filter.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::super::{Caller, Console, Refusal};
use super::{chrome, given};
use crate::report::{Entity, fingerprint};
use crate::state::{DecisionKind, FindingStatus, Role};
use crate::store::{FindingQuery, Recurrence};

/// The filter as the page's form and links carry it.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Filter {
    pub province: Option<String>,
    pub provider: Option<String>,
    pub notice: Option<String>,
    /// open (default), resolved, all.
    pub status: Option<String>,
    /// new, recurring.
    pub change: Option<String>,
    /// undecided, confirmed, false_positive, waived.
    pub decision: Option<String>,
    pub entity: Option<String>,
    /// Seen on or after this day.
    pub since: Option<String>,
    /// Part of a host name.
    pub q: Option<String>,
    pub page: Option<u32>,
}

impl Filter {
    /// The query string of this filter without its page (for links that keep the filter).
    pub fn query_string(&self) -> String {
        let mut parts = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("province", &self.province),
            ("provider", &self.provider),
            ("notice", &self.notice),
            ("status", &self.status),
            ("change", &self.change),
            ("decision", &self.decision),
            ("entity", &self.entity),
            ("since", &self.since),
            ("q", &self.q),
        ] {
            if let Some(v) = given(v) {
                parts.append_pair(k, v);
            }
        }
        parts.finish()
    }

    pub fn status(&self) -> Result<Option<FindingStatus>, Refusal> {
        match given(&self.status).unwrap_or("open") {
            "all" => Ok(None),
            s => s.parse().map(Some).map_err(|_| Refusal::BadRequest(format!("状态 {s:?} 无效"))),
        }
    }

    /// The day as Unix ms at its start in Beijing.
    pub fn since_ms(&self) -> Result<Option<i64>, Refusal> {
        let Some(day) = given(&self.since) else { return Ok(None) };
        let day = crate::filing::parse_date(day).ok_or_else(|| Refusal::BadRequest(format!("日期 {day:?} 无效")))?;
        Ok(day
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(chrono_tz::Asia::Shanghai).single())
            .map(|t| t.timestamp_millis()))
    }

    /// The entity a filter names, resolved against the filings; `Err` names what was not found.
    pub async fn entity(&self, console: &Console) -> Result<Option<(Entity, Vec<String>)>, Refusal> {
        let Some(query) = given(&self.entity) else { return Ok(None) };
        let filings = console.store.all_filings().await?;
        let entity = Entity::resolve(&filings, query)
            .ok_or_else(|| Refusal::NotFound(format!("没有找到主体 {query:?}（可填主办单位名称、备案号或域名）")))?;
        let domains = filings.iter().filter(|f| entity.includes(&f.record)).map(|f| f.record.domain.clone()).collect();
        Ok(Some((entity, domains)))
    }

    async fn query(&self, console: &Console) -> Result<FindingQuery, Refusal> {
        let decision = match given(&self.decision) {
            None => None,
            Some("undecided") => Some(None),
            Some(d) => {
                Some(Some(d.parse::<DecisionKind>().map_err(|_| Refusal::BadRequest(format!("审核结论 {d:?} 无效")))?))
            }
        };
        let recurrence = match given(&self.change) {
            None => None,
            Some("new") => Some(Recurrence::New),
            Some("recurring") => Some(Recurrence::Recurring),
            Some(c) => return Err(Refusal::BadRequest(format!("变化 {c:?} 无效"))),
        };
        Ok(FindingQuery {
            province: given(&self.province).map(str::to_string),
            provider: given(&self.provider).map(str::to_string),
            notice: given(&self.notice).map(str::to_string),
            status: self.status()?,
            recurrence,
            decision,
            domains: self.entity(console).await?.map(|(_, d)| d),
            seen_since_ms: self.since_ms()?,
            host_contains: given(&self.q).map(|q| q.to_ascii_lowercase()),
        })
    }
}

pub async fn home(_caller: Caller) -> Response {
    Redirect::to("/findings").into_response()
}

pub async fn list(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Query(filter): Query<Filter>,
) -> Result<Html<String>, Refusal> {
    caller.require(Role::Viewer)?;
    let query = filter.query(&console).await?;
    let size = i64::from(console.settings.page_size);
    let page = i64::from(filter.page.unwrap_or(1).max(1));
    let found = console.store.findings_page(&query, (page - 1) * size, size).await?;
    let pages = ((found.total + size - 1) / size).max(1);
    let rows: Vec<_> = found
        .rows
        .iter()
        .map(|r| {
            let f = &r.finding;
            let spec = console.rules.catalogue.get(&f.check_id);
            let holds = r.decision_fingerprint.as_deref().is_some_and(|fp| fp == fingerprint(&f.check_id, &f.evidence));
            json!({
                "id": f.id,
                "domain": f.domain,
                "target": f.target,
                "host": crate::domain::display_host(&f.target),
                "check_id": f.check_id,
                "check_name": spec.map(|s| s.name.as_str()).unwrap_or_default(),
                "notice": f.notice.zh(),
                "status": if f.status == FindingStatus::Open { "未解决" } else { "已解决" },
                "first_seen": f.first_seen,
                "last_seen": f.last_seen,
                "consecutive": f.consecutive,
                "province": r.province,
                "recurring": r.recurring,
                "decision": r.decision.map(decision_zh),
                "decision_holds": holds,
            })
        })
        .collect();
    let latest_id = console.store.latest_finding_id().await?;
    console.views.render(
        "findings.html",
        json!({
            "me": chrome(&caller),
            "filter": filter,
            "keep": filter.query_string(),
            "rows": rows,
            "total": found.total,
            "page": page,
            "pages": pages,
            "latest_id": latest_id,
            "provinces": console.rules.provinces.all().iter().map(|p| p.name.clone()).collect::<Vec<_>>(),
            "providers": console.rules.providers.keys().cloned().collect::<Vec<_>>(),
        }),
    )
}

/// The newest finding's id, for the page's script to tell that new findings came in.
pub async fn latest(State(console): State<Arc<Console>>, caller: Caller) -> Result<Response, Refusal> {
    caller.require(Role::Viewer)?;
    let latest = console.store.latest_finding_id().await?;
    let body = json!({ "latest_id": latest }).to_string();
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

pub fn decision_zh(d: DecisionKind) -> &'static str {
    match d {
        DecisionKind::Confirmed => "确认违规",
        DecisionKind::FalsePositive => "误报",
        DecisionKind::Waived => "豁免",
    }
}
