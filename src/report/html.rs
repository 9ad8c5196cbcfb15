//! One self-contained HTML file: no network, a filterable paginated view, each entry's evidence and
//! notice drafts. Data goes in as JSON (`<` escaped) and onto the page through `textContent`; a
//! nonce-based Content-Security-Policy keeps anything else from running.
//!
//! The data is compact (what a row repeats of its entry is left out; messages are looked up by check
//! id) and streamed into the file, so a report over 100,000 findings stays a file a browser opens.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::model::{Entry, Report, Row};

const TEMPLATE: &str = include_str!("report.html");
/// Where the JSON goes in the rendered template.
const DATA_MARK: &str = "@@REPORT_DATA@@";

#[derive(Serialize)]
struct Payload<'a> {
    messages: BTreeMap<&'a str, &'a str>,
    /// Check ids to their Chinese names.
    names: BTreeMap<&'a str, &'a str>,
    /// Machine ids (notice kinds, verdicts, notice states) to the words reviewers use.
    words: BTreeMap<&'static str, &'static str>,
    /// Industry keys to their Chinese names (the leads).
    industries: &'a BTreeMap<String, String>,
    #[serde(serialize_with = "entries")]
    entries: &'a [Entry],
}

#[derive(Serialize)]
struct CompactRow<'a> {
    check_id: &'a str,
    excerpt: &'a str,
    found: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<&'a str>,
    link: Option<&'a str>,
    first_seen: chrono::NaiveDate,
    consecutive: i64,
    change: super::Change,
    deadline: Option<chrono::NaiveDate>,
    decision: Option<&'a str>,
}

impl<'a> From<&'a Row> for CompactRow<'a> {
    fn from(r: &'a Row) -> Self {
        CompactRow {
            check_id: &r.check_id,
            excerpt: &r.excerpt,
            found: r.found.as_deref(),
            before: r.before.as_deref(),
            after: r.after.as_deref(),
            link: r.link.as_deref(),
            first_seen: r.first_seen,
            consecutive: r.consecutive,
            change: r.change,
            deadline: r.deadline,
            decision: r.decision.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct CompactEntry<'a> {
    domain: &'a str,
    display_domain: &'a str,
    site_number: &'a str,
    site_name: &'a str,
    principal: &'a str,
    province: Option<&'a str>,
    verdict: Option<&'a str>,
    /// Beijing time with the zone named, as the dates beside it.
    scanned_at: Option<String>,
    final_url: Option<&'a str>,
    redirects: &'a [crate::net::Redirect],
    addresses: &'a [String],
    footer_text: Option<&'a str>,
    numbers_shown: &'a [String],
    industry_leads: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    footer_screenshot: Option<&'a str>,
    rows: Vec<CompactRow<'a>>,
    set_apart: Vec<CompactRow<'a>>,
    notice_drafts: &'a [crate::result::NoticeDraft],
    notices: &'a [super::model::NoticeView],
    history: Vec<CompactScan<'a>>,
}

#[derive(Serialize)]
struct CompactScan<'a> {
    scanned_at: String,
    target: &'a str,
    verdict: &'a str,
    failing: &'a [String],
}

fn entries<S: serde::Serializer>(entries: &&[Entry], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(entries.iter().map(|e| {
        CompactEntry {
            domain: &e.domain,
            display_domain: &e.display_domain,
            site_number: &e.site_number,
            site_name: &e.site_name,
            principal: &e.principal,
            province: e.province.as_deref(),
            verdict: e.verdict.as_deref(),
            scanned_at: e.scanned_at.map(crate::clock::beijing),
            final_url: e.final_url.as_deref(),
            redirects: &e.redirects,
            addresses: &e.addresses,
            footer_text: e.footer_text.as_deref(),
            numbers_shown: &e.numbers_shown,
            industry_leads: &e.industry_leads,
            footer_screenshot: e.footer_screenshot.as_deref(),
            rows: e.rows.iter().map(CompactRow::from).collect(),
            set_apart: e.set_apart.iter().map(CompactRow::from).collect(),
            notice_drafts: &e.notice_drafts,
            notices: &e.notices,
            history: e
                .history
                .iter()
                .map(|h| CompactScan {
                    scanned_at: crate::clock::beijing(h.scanned_at),
                    target: &h.target,
                    verdict: &h.verdict,
                    failing: &h.failing,
                })
                .collect(),
        }
    }))
}

/// Escapes `<` as it streams, so no string in the JSON can close the `<script>` element.
struct NoTagWriter<W: Write>(W);

impl<W: Write> Write for NoTagWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut start = 0;
        for (i, b) in buf.iter().enumerate() {
            if *b == b'<' {
                self.0.write_all(&buf[start..i])?;
                self.0.write_all(b"\\u003c")?;
                start = i + 1;
            }
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

fn words() -> BTreeMap<&'static str, &'static str> {
    use crate::rules::NoticeKind;
    use crate::state::NoticeState;
    use crate::verdict::Status;
    let mut w = BTreeMap::new();
    for k in [NoticeKind::SpecialInspection, NoticeKind::ChangeFiling, NoticeKind::None] {
        w.insert(k.as_str(), k.zh());
    }
    for s in Status::ALL {
        w.insert(s.as_str(), s.zh());
    }
    w.insert("lead_note", super::LEAD_NOTE);
    for (s, zh) in [(NoticeState::Sent, "已发出"), (NoticeState::Rectified, "已整改"), (NoticeState::Overdue, "逾期")]
    {
        w.insert(s.as_str(), zh);
    }
    w
}

/// The filters as a reviewer reads them: "状态 open · 省份 江苏".
fn describe_filters(f: &super::Filters) -> String {
    let mut parts = vec![format!("状态 {}", if f.status.is_empty() { "open" } else { &f.status })];
    let notice = f.notice.as_deref().map(|n| crate::rules::NoticeKind::zh_of(n).to_string());
    let named = [("省份", &f.province), ("接入商", &f.provider), ("通知", &notice), ("域名", &f.domain)];
    parts.extend(named.iter().filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}"))));
    if let Some(e) = &f.entity {
        parts.push(format!("主体 {}", e.describe()));
    }
    if f.leads {
        parts.push("含行业模型线索的网站".to_string());
    }
    if let Some(since) = f.since {
        parts.push(format!("自 {since}"));
    }
    parts.join(" · ")
}

pub fn write(report: &Report, out: &mut impl Write) -> Result<(), super::ReportError> {
    let nonce = format!(
        "{:x}",
        Sha256::digest(format!(
            "{}{}",
            report.generated_at.timestamp_nanos_opt().unwrap_or(0),
            report.summary.findings
        ))
    );
    let mut env = minijinja::Environment::new();
    // The template's name ends in .html: every {{ value }} is HTML-escaped unless marked safe.
    env.add_template("report.html", TEMPLATE)?;
    let html = env.get_template("report.html")?.render(minijinja::context! {
        nonce => &nonce[..32],
        generated => crate::clock::beijing(report.generated_at),
        since => report.since_last_report.map(crate::clock::beijing),
        filters => describe_filters(&report.filters),
        headline => report.headline.as_deref(),
        summary => minijinja::value::Value::from(minijinja::value::Serde(&report.summary)),
        notice_cards => report
            .summary
            .by_notice
            .iter()
            .map(|(k, n)| (crate::rules::NoticeKind::zh_of(k).to_string(), *n))
            .collect::<Vec<_>>(),
        data => DATA_MARK,
    })?;
    let (head, tail) = html.split_once(DATA_MARK).expect("the template has the data mark");
    out.write_all(head.as_bytes())?;
    let mut messages = BTreeMap::new();
    let mut names = BTreeMap::new();
    for row in report.entries.iter().flat_map(|e| e.rows.iter().chain(e.set_apart.iter())) {
        messages.entry(row.check_id.as_str()).or_insert(row.message.as_str());
        if !row.check_name.is_empty() {
            names.entry(row.check_id.as_str()).or_insert(row.check_name.as_str());
        }
    }
    for scan in report.entries.iter().flat_map(|e| e.history.iter()) {
        for id in &scan.failing {
            if let Some(name) = report.check_names.get(id) {
                names.entry(id.as_str()).or_insert(name.as_str());
            }
        }
    }
    let payload =
        Payload { messages, names, words: words(), industries: &report.industry_names, entries: &report.entries };
    serde_json::to_writer(NoTagWriter(&mut *out), &payload)?;
    out.write_all(tail.as_bytes())?;
    Ok(())
}
