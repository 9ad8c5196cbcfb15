//! One filed site's page: its filing, the latest scan's evidence (footer text with the numbers marked,
//! screenshots, redirects, addresses), its findings with their decisions, notice drafts and notices,
//! and the history of scans and decisions.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use super::super::{Caller, Console, Refusal};
use super::chrome;
use super::findings::decision_zh;
use crate::report::fingerprint;
use crate::rules::NoticeKind;
use crate::state::{FindingStatus, NoticeState, Role};

/// The footer text cut where a shown number begins and ends, so the page can mark the numbers
/// without putting markup into crawled text.
pub fn marked(text: &str, numbers: &[String]) -> Vec<(String, bool)> {
    let mut spans: Vec<(usize, usize)> = numbers
        .iter()
        .filter(|n| !n.is_empty())
        .flat_map(|n| text.match_indices(n.as_str()).map(|(at, m)| (at, at + m.len())).collect::<Vec<_>>())
        .collect();
    spans.sort();
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end) in spans {
        if start < at {
            continue;
        }
        if start > at {
            out.push((text[at..start].to_string(), false));
        }
        out.push((text[start..end].to_string(), true));
        at = end;
    }
    if at < text.len() {
        out.push((text[at..].to_string(), false));
    }
    out
}

/// The industry model's leads of a scan a reviewer should look at (those the report lists too), by their Chinese names.
fn leads_named(
    rules: &crate::rules::RuleSet,
    filing: Option<&crate::store::StoredFiling>,
    leads: &[String],
) -> Vec<String> {
    let Some(filing) = filing else { return Vec::new() };
    crate::report::open_leads(rules, &filing.record, leads)
        .into_iter()
        .map(|k| rules.preapproval.get(&k).map_or(k, |i| i.name.clone()))
        .collect()
}

pub async fn show(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Path(host): Path<String>,
) -> Result<Html<String>, Refusal> {
    caller.require(Role::Viewer)?;
    let host = crate::domain::normalise_host(&host).map_err(|e| Refusal::BadRequest(e.to_string()))?;
    let store = &console.store;
    let filing = store.filing_for_host(&host).await?;
    let domain = filing.as_ref().map(|f| f.record.domain.clone()).unwrap_or_else(|| host.clone());
    let findings = store.findings_of(&domain).await?;
    if filing.is_none() && findings.is_empty() {
        return Err(Refusal::NotFound(format!("{host} 没有备案记录，也没有发现问题")));
    }
    let decisions = store.decisions_of(&domain).await?;
    let notices = store.notices(Some(&domain)).await?;
    let scans = store.scans(Some(&domain), 20).await?;
    let mut seen = HashSet::new();
    let latest: Vec<Value> = scans
        .iter()
        .filter(|s| seen.insert(s.target.clone()))
        .map(|s| {
            let r = &s.result;
            let numbers: Vec<String> = r.extracted.icp.iter().map(|n| n.number.clone()).collect();
            let footer = r.extracted.footer_text.as_deref().unwrap_or_default();
            json!({
                "scan_id": s.id,
                "target": s.target,
                "host": crate::domain::display_host(&s.target),
                "scanned_at": s.scanned_at,
                "verdict": s.verdict,
                "url": r.fetch.url,
                "final_url": r.fetch.final_url,
                "status": r.fetch.status,
                "redirects": r.fetch.redirects,
                "addresses": r.dns.addresses.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "title": r.extracted.title,
                "footer": marked(footer, &numbers).into_iter().map(|(t, m)| json!({"text": t, "mark": m})).collect::<Vec<_>>(),
                "screenshots": r.render.screenshots.iter().map(|sh| serde_json::to_value(sh.kind).unwrap_or_default()).collect::<Vec<_>>(),
                "drafts": r.notice_drafts,
                "leads": leads_named(&console.rules, filing.as_ref(), &r.classified.industries_by_model),
            })
        })
        .collect();
    let today = crate::engine::today_in_shanghai();
    let rows: Vec<Value> = findings
        .iter()
        .map(|f| {
            let spec = console.rules.catalogue.get(&f.check_id);
            let in_force = decisions
                .iter()
                .find(|d| d.undone_at.is_none() && d.decision.target == f.target && d.decision.check_id == f.check_id);
            let evidence: Value = serde_json::from_str(&f.evidence).unwrap_or(Value::Null);
            json!({
                "id": f.id,
                "target": f.target,
                "host": crate::domain::display_host(&f.target),
                "check_id": f.check_id,
                "check_name": spec.map(|s| s.name.as_str()).unwrap_or_default(),
                "message": spec.map(|s| s.message.as_str()).unwrap_or_default(),
                "notice": f.notice.zh(),
                "open": f.status == FindingStatus::Open,
                "first_seen": f.first_seen,
                "last_seen": f.last_seen,
                "consecutive": f.consecutive,
                "evidence": evidence,
                "decision": in_force.map(|d| json!({
                    "kind": decision_zh(d.decision.decision),
                    "by": d.decision.decided_by,
                    "at": d.decision.decided_at,
                    "note": d.decision.note,
                    "until": d.decision.until,
                    "holds": d.decision.fingerprint == fingerprint(&f.check_id, &f.evidence),
                })),
            })
        })
        .collect();
    let open_kinds: Vec<&str> = [NoticeKind::SpecialInspection, NoticeKind::ChangeFiling]
        .into_iter()
        .filter(|k| findings.iter().any(|f| f.status == FindingStatus::Open && f.notice == *k))
        .map(NoticeKind::as_str)
        .collect();
    let notice_rows: Vec<Value> = notices
        .iter()
        .rev()
        .map(|n| {
            json!({
                "kind": n.kind.as_str(),
                "kind_zh": n.kind.zh(),
                "sent_at": n.sent_at,
                "sent_by": n.sent_by,
                "deadline": n.deadline,
                "due": n.due(),
                "extended": n.extended_to.is_some(),
                "state": n.state.zh(),
                "open": n.state == NoticeState::Sent,
            })
        })
        .collect();
    let history: Vec<Value> = scans
        .iter()
        .map(|s| json!({ "id": s.id, "host": crate::domain::display_host(&s.target), "at": s.scanned_at, "verdict": s.verdict }))
        .collect();
    let decision_log: Vec<Value> = decisions
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "host": crate::domain::display_host(&d.decision.target),
                "check_id": d.decision.check_id,
                "kind": decision_zh(d.decision.decision),
                "by": d.decision.decided_by,
                "at": d.decision.decided_at,
                "note": d.decision.note,
                "until": d.decision.until,
                "undone_at": d.undone_at,
                "undone_by": d.undone_by,
            })
        })
        .collect();
    console.views.render(
        "site.html",
        json!({
            "me": chrome(&caller),
            "host": host,
            "domain": domain,
            "display": crate::domain::display_host(&domain),
            "filing": filing.as_ref().map(|f| json!({
                "site_name": f.record.site_name,
                "principal": f.record.principal,
                "site_number": f.record.site_number,
                "province": f.province,
                "status": f.status,
            })),
            "latest": latest,
            "lead_note": crate::report::LEAD_NOTE,
            "findings": rows,
            "open_kinds": open_kinds,
            "notices": notice_rows,
            "history": history,
            "decisions": decision_log,
            "today": today,
        }),
    )
}

/// A rendered scan's screenshot, from the store.
pub async fn screenshot(
    State(console): State<Arc<Console>>,
    caller: Caller,
    Path((scan, kind)): Path<(i64, String)>,
) -> Result<Response, Refusal> {
    caller.require(Role::Viewer)?;
    let png = console
        .store
        .evidence(scan)
        .await?
        .into_iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, _, png)| png)
        .ok_or_else(|| Refusal::NotFound(format!("扫描 {scan} 没有 {kind} 截图")))?;
    Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "private, max-age=86400")], png).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_cut_out_of_the_footer_text() {
        let parts = marked("版权所有 京ICP备12345678号-1 京公网安备", &["京ICP备12345678号-1".to_string()]);
        assert_eq!(parts.iter().filter(|(_, m)| *m).count(), 1);
        assert_eq!(
            parts.iter().map(|(t, _)| t.as_str()).collect::<String>(),
            "版权所有 京ICP备12345678号-1 京公网安备"
        );
        assert_eq!(marked("无号码", &[]), vec![("无号码".to_string(), false)]);
    }
}
