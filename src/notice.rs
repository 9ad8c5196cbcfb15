//! Notice drafts: for each notice kind the verdict calls for, the Chinese text from
//! `rules/notices/<kind>.md` with the entry's facts, every failing check's evidence and the deadline
//! (the rules' days after the scan, moved on to a working day by `rules/holidays.toml`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::checks::Outcome;
use crate::domain::display_host;
use crate::filing::FilingRecord;
use crate::result::{CheckResult, NoticeDraft};
use crate::rules::{NoticeKind, RuleSet};

/// How much of a page excerpt a notice quotes.
const EXCERPT_CHARS: usize = 120;

#[derive(Serialize)]
struct Context<'a> {
    domain: String,
    principal: &'a str,
    site_name: &'a str,
    site_number: &'a str,
    provider: &'a str,
    scanned_on: NaiveDate,
    deadline: NaiveDate,
    url: &'a str,
    sha256: &'a str,
    findings: Vec<FindingView<'a>>,
}

#[derive(Serialize)]
struct FindingView<'a> {
    id: &'a str,
    message: &'a str,
    expected: Option<&'a str>,
    found: Option<&'a str>,
    link: Option<&'a str>,
    excerpt: Option<String>,
    due: Option<NaiveDate>,
    /// A change: the value before and after.
    before: Option<&'a str>,
    after: Option<&'a str>,
    /// What to do about this finding (`rules/checks.toml` `remedy`).
    remedy: &'a str,
}

/// What the drafts are made from.
pub struct DraftInput<'a> {
    pub domain: &'a str,
    pub filing: &'a FilingRecord,
    pub checks: &'a [CheckResult],
    pub notices: &'a [NoticeKind],
    pub today: NaiveDate,
    pub url: &'a str,
    pub sha256: Option<&'a str>,
}

/// One draft per notice kind; a template that fails to render says so in the draft.
pub fn drafts(input: &DraftInput<'_>, rules: &RuleSet) -> Vec<NoticeDraft> {
    input
        .notices
        .iter()
        .filter(|k| **k != NoticeKind::None)
        .map(|&kind| {
            let due = rules.holidays.after_days(input.today, rules.deadlines.days(kind));
            let deadline = due.date;
            let findings = input
                .checks
                .iter()
                .filter(|c| c.outcome == Outcome::Fail && c.notice == kind)
                .map(|c| FindingView {
                    id: &c.id,
                    message: &c.message,
                    expected: c.evidence.expected.as_deref(),
                    found: c.evidence.found.as_deref(),
                    link: c.evidence.link.as_deref(),
                    excerpt: c.evidence.excerpt.as_deref().map(|e| shorten(e, EXCERPT_CHARS)),
                    due: c.evidence.due,
                    before: c.evidence.before.as_deref(),
                    after: c.evidence.after.as_deref(),
                    remedy: rules.catalogue.get(&c.id).map_or("", |s| s.remedy.as_str()),
                })
                .collect();
            let context = Context {
                domain: display_host(input.domain),
                principal: &input.filing.principal,
                site_name: &input.filing.site_name,
                site_number: &input.filing.site_number,
                provider: input
                    .filing
                    .provider
                    .as_deref()
                    .map(|id| rules.providers.get(id).map_or(id, |p| p.name.as_str()))
                    .unwrap_or("接入商"),
                scanned_on: input.today,
                deadline,
                url: input.url,
                sha256: input.sha256.unwrap_or("-"),
                findings,
            };
            let text = rules
                .notices
                .render(kind, &context)
                .unwrap_or_else(|e| format!("（通知模板 rules/notices/{}.md 无法生成：{e}）", kind.as_str()));
            NoticeDraft { kind, deadline, deadline_warning: due.warning, text }
        })
        .collect()
}

fn shorten(s: &str, limit: usize) -> String {
    if s.chars().count() <= limit { s.to_string() } else { format!("{}…", s.chars().take(limit).collect::<String>()) }
}
