//! Reports reviewers work from, read from the store: XLSX, CSV, HTML and JSON Lines, with evidence,
//! notice drafts, what changed since the last report, and reviewers' decisions applied.

mod csv;
mod entity;
mod html;
mod jsonl;
pub mod model;
mod xlsx;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;

pub use csv::neutralise;
pub use entity::Entity;
pub use model::{Change, Entry, Filters, LEAD_NOTE, Report, Row, fingerprint, open_leads, set_apart};

use crate::rules::RuleSet;
use crate::store::{Store, StoreError, StoredFiling};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
    #[error("CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("HTML template: {0}")]
    Template(#[from] minijinja::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Xlsx,
    Csv,
    Html,
    Jsonl,
}

/// The columns of CSV and XLSX: Chinese header and the row field. Cells are what a reviewer reads
/// (notice kinds 专项核查/变更备案, statuses in Chinese); JSON Lines keep the machine ids.
pub const COLUMNS: [(&str, &str); 25] = [
    ("域名", "target"),
    ("网站备案号", "site_number"),
    ("主办单位", "principal"),
    ("省份", "province"),
    ("接入商", "provider"),
    ("检查项", "check_id"),
    ("检查项名称", "check_name"),
    ("通知类型", "notice"),
    ("问题描述", "message"),
    ("证据摘录", "excerpt"),
    ("备案号链接", "link"),
    ("应为", "expected"),
    ("实际", "found"),
    ("变更前", "before"),
    ("变更后", "after"),
    ("首次发现", "first_seen"),
    ("最近发现", "last_seen"),
    ("连续次数", "consecutive"),
    ("状态", "status"),
    ("变化", "change"),
    ("整改期限", "deadline"),
    ("审核结论", "decision"),
    ("备案主体域名", "domain"),
    ("网站地址", "site_url"),
    ("工信部查询", "miit_url"),
];

/// A row's cells in [`COLUMNS`] order.
pub fn cells(r: &Row) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        crate::domain::display_host(&r.target),
        r.site_number.clone(),
        r.principal.clone(),
        o(&r.province),
        o(&r.provider),
        r.check_id.clone(),
        r.check_name.clone(),
        crate::rules::NoticeKind::zh_of(&r.notice).to_string(),
        r.message.clone(),
        r.excerpt.clone(),
        o(&r.link),
        o(&r.expected),
        o(&r.found),
        o(&r.before),
        o(&r.after),
        r.first_seen.to_string(),
        r.last_seen.to_string(),
        r.consecutive.to_string(),
        status_zh(&r.status).to_string(),
        r.change.zh().to_string(),
        r.deadline.map(|d| d.to_string()).unwrap_or_default(),
        o(&r.decision),
        r.domain.clone(),
        r.site_url.clone(),
        r.miit_url.clone(),
    ]
}

/// A finding's status as reviewers say it (the JSON keeps the id).
fn status_zh(status: &str) -> &str {
    match status.parse::<crate::state::FindingStatus>() {
        Ok(crate::state::FindingStatus::Open) => "未解决",
        Ok(crate::state::FindingStatus::Resolved) => "已解决",
        Err(_) => status,
    }
}

/// Reads the store and builds the report; records the run (the next report's "since").
pub async fn collect(
    store: &Store,
    rules: &RuleSet,
    filters: &Filters,
    today: NaiveDate,
    format: &str,
) -> Result<Report, ReportError> {
    collect_as(store, rules, filters, today, Some(format)).await
}

/// As [`collect`]; with `format` `None` the run is not recorded (a pre-check's view leaves the
/// reports' "new since the last report" marks as they were).
pub async fn collect_as(
    store: &Store,
    rules: &RuleSet,
    filters: &Filters,
    today: NaiveDate,
    format: Option<&str>,
) -> Result<Report, ReportError> {
    let filings = store.all_filings().await?;
    let findings = store.findings().await?;
    let decisions = store.latest_decisions().await?;
    let notices = store.notices(None).await?;
    let mut targets: Vec<String> =
        findings.iter().filter(|f| f.status == crate::state::FindingStatus::Open).map(|f| f.domain.clone()).collect();
    // The leads a reviewer should look at, by domain: of every domain with `--leads` (one statement over the rows
    // with leads, each checked to be its target's latest), else of the entries' domains only.
    let by_domain: HashMap<&str, &StoredFiling> = filings.iter().map(|f| (f.record.domain.as_str(), f)).collect();
    let of: Vec<&str> = targets.iter().map(String::as_str).chain(filters.domain.as_deref()).collect();
    let leads: BTreeMap<String, Vec<String>> = store
        .latest_leads((!filters.leads).then_some(&of[..]))
        .await?
        .into_iter()
        .filter_map(|(domain, keys)| {
            let filing = by_domain.get(domain.as_str())?;
            let open = model::open_leads(rules, &filing.record, &keys);
            (!open.is_empty()).then_some((domain, open))
        })
        .collect();
    if filters.leads {
        // Only the sites the listing can take: their latest scans are read whole below.
        targets.extend(
            leads
                .keys()
                .filter(|d| by_domain.get(d.as_str()).is_some_and(|f| model::lead_site_wanted(filters, f)))
                .cloned(),
        );
    }
    targets.sort();
    targets.dedup();
    // Reduced chunk by chunk: a report over many sites never holds every whole result at once.
    let mut latest = std::collections::HashMap::new();
    for chunk in targets.chunks(500) {
        for scan in store.latest_scans(chunk).await? {
            let mut evidence = model::ScanEvidence::of(&scan.result);
            // A rendered scan's footer photograph, shown beside the footer text (static scans have none).
            if !scan.result.render.screenshots.is_empty() {
                evidence.footer_png = store
                    .evidence(scan.id)
                    .await?
                    .into_iter()
                    .find(|(kind, _, _)| kind == "footer")
                    .map(|(_, _, png)| png);
            }
            latest.insert(scan.target.clone(), evidence);
        }
    }
    let history = match &filters.domain {
        Some(d) => store.scans(Some(d), 500).await?,
        None => Vec::new(),
    };
    let last_report_ms = match format {
        Some(format) => store.record_report(format, &serde_json::to_string(filters)?).await?,
        None => store.last_report_ms().await?,
    };
    let inputs = model::Inputs {
        filings: &filings,
        findings: &findings,
        decisions: &decisions,
        notices: &notices,
        latest: &latest,
        leads: &leads,
        history: &history,
        last_report_ms,
        today,
        rules,
    };
    Ok(model::build(&inputs, filters))
}

/// Writes a report in one format to a file (or stdout for `-`).
pub fn write(report: &Report, format: Format, path: &Path) -> Result<(), ReportError> {
    if format == Format::Xlsx {
        return Ok(xlsx::write(report, path)?);
    }
    let file: Box<dyn std::io::Write> = if path == Path::new("-") {
        Box::new(std::io::stdout().lock())
    } else {
        Box::new(std::fs::File::create(path)?)
    };
    let mut out = std::io::BufWriter::new(file);
    match format {
        Format::Csv => csv::write(report, &mut out)?,
        Format::Html => html::write(report, &mut out)?,
        Format::Jsonl => jsonl::write(report, &mut out)?,
        Format::Xlsx => unreachable!("handled above"),
    }
    std::io::Write::flush(&mut out)?;
    Ok(())
}

/// One text file per entry and notice kind with the draft to send.
pub fn write_notices(report: &Report, dir: &Path) -> Result<usize, ReportError> {
    std::fs::create_dir_all(dir)?;
    let mut n = 0;
    for entry in &report.entries {
        for draft in &entry.notice_drafts {
            let name = format!("{}_{}.txt", entry.domain, draft.kind.as_str());
            std::fs::write(dir.join(name), &draft.text)?;
            n += 1;
        }
    }
    Ok(n)
}
