//! What reviewers read, as values: one row per entry and finding, entries with their evidence and
//! notice drafts, a summary, and what changed since the last report. Pure: built from stored values.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::checks::{Evidence, Outcome};
use crate::domain::display_host;
use crate::filing::FilingRecord;
use crate::net::Redirect;
use crate::result::{CheckResult, NoticeDraft, ScanResult};
use crate::rules::{NoticeKind, RuleSet};
use crate::state::{DecisionKind, FindingStatus, NoticeState};
use crate::store::{Decision, FindingRow, NoticeRow, ScanRow, StoredFiling};

pub const SCHEMA: &str = "icp-patrol/report/v1";
/// What reviewers are told an industry model lead is, wherever one is shown (reports, the console).
pub const LEAD_NOTE: &str = "仅供审核参考，不作为通知依据";
pub const MIIT_QUERY: &str = "https://beian.miit.gov.cn/#/Integrated/recordQuery";

/// How a finding moved since the previous report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    New,
    Resolved,
    Recurring,
    Unchanged,
}

impl Change {
    pub fn zh(self) -> &'static str {
        match self {
            Change::New => "新增",
            Change::Resolved => "已整改",
            Change::Recurring => "复发",
            Change::Unchanged => "",
        }
    }
}

/// One finding of one entry: a row of the spreadsheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub domain: String,
    pub target: String,
    pub site_number: String,
    pub principal: String,
    pub province: Option<String>,
    pub provider: Option<String>,
    pub check_id: String,
    /// The check's short Chinese name (`rules/checks.toml` `name`).
    #[serde(default)]
    pub check_name: String,
    pub notice: String,
    pub message: String,
    pub excerpt: String,
    pub link: Option<String>,
    pub expected: Option<String>,
    pub found: Option<String>,
    /// A `change.*` finding: the value before the change and after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub first_seen: NaiveDate,
    pub last_seen: NaiveDate,
    pub consecutive: i64,
    pub status: String,
    pub change: Change,
    pub deadline: Option<NaiveDate>,
    pub decision: Option<String>,
    pub site_url: String,
    pub miit_url: String,
}

/// A notice sent and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeView {
    pub kind: String,
    pub sent_on: NaiveDate,
    pub deadline: NaiveDate,
    pub extended_to: Option<NaiveDate>,
    pub state: String,
}

/// One scan in an entry's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryScan {
    pub scanned_at: DateTime<Utc>,
    pub target: String,
    pub verdict: String,
    pub failing: Vec<String>,
}

/// One filed domain: its findings, the evidence of its latest scan, its notices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub domain: String,
    pub display_domain: String,
    pub site_number: String,
    pub site_name: String,
    pub principal: String,
    pub province: Option<String>,
    pub verdict: Option<String>,
    pub scanned_at: Option<DateTime<Utc>>,
    pub final_url: Option<String>,
    pub redirects: Vec<Redirect>,
    pub addresses: Vec<String>,
    pub footer_text: Option<String>,
    pub numbers_shown: Vec<String>,
    /// The industries the industry model alone reads on the site's latest scans (apex and `www.` together) that the
    /// filing would need a pre-approval for ([`open_leads`]): leads for a reviewer, in no finding or notice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub industry_leads: Vec<String>,
    /// Listed for its leads alone (`report --leads`): the site has no open finding, and the entry no row or draft.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lead_only: bool,
    /// The footer region as the rendered page showed it: a `data:image/png;base64,…` URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer_screenshot: Option<String>,
    pub rows: Vec<Row>,
    /// Findings a reviewer judged false positives or waived, kept out of notices.
    pub set_apart: Vec<Row>,
    pub notice_drafts: Vec<NoticeDraft>,
    pub notices: Vec<NoticeView>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryScan>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub entries: usize,
    pub findings: usize,
    pub by_notice: BTreeMap<String, usize>,
    pub by_province: BTreeMap<String, usize>,
    pub by_check: BTreeMap<String, usize>,
    /// Entries with industry leads (with `--leads`, also sites with no finding).
    #[serde(default)]
    pub with_leads: usize,
    pub new: usize,
    pub resolved: usize,
    pub recurring: usize,
    pub set_apart: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    pub province: Option<String>,
    pub provider: Option<String>,
    pub notice: Option<String>,
    /// `open` (default), `resolved` or `all`.
    pub status: String,
    pub since: Option<NaiveDate>,
    pub domain: Option<String>,
    /// Only the sites of one entity (`report --entity`, `precheck`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<super::Entity>,
    /// Also the sites with no finding whose latest scans have industry leads (`report --leads`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub leads: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub generated_at: DateTime<Utc>,
    pub today: NaiveDate,
    pub since_last_report: Option<DateTime<Utc>>,
    pub filters: Filters,
    pub summary: Summary,
    pub entries: Vec<Entry>,
    /// Check ids to their Chinese names, for the writers (not part of the JSON).
    #[serde(skip)]
    pub check_names: BTreeMap<String, String>,
    /// A line above everything else (the pre-check's go / no-go), for the writers.
    #[serde(skip)]
    pub headline: Option<String>,
    /// Industry keys (of the leads) to their Chinese names, for the writers.
    #[serde(skip)]
    pub industry_names: BTreeMap<String, String>,
}

/// What the report is built from, as the store gives it.
pub struct Inputs<'a> {
    pub filings: &'a [StoredFiling],
    pub findings: &'a [FindingRow],
    pub decisions: &'a [Decision],
    pub notices: &'a [NoticeRow],
    /// The latest scan of each entry, reduced to what the report shows.
    pub latest: &'a HashMap<String, ScanEvidence>,
    /// The industry model's leads on each domain's latest scans that a reviewer should look at ([`open_leads`]).
    pub leads: &'a BTreeMap<String, Vec<String>>,
    pub history: &'a [ScanRow],
    pub last_report_ms: Option<i64>,
    pub today: NaiveDate,
    pub rules: &'a RuleSet,
}

/// What a report keeps of an entry's latest scan (not the whole result: reports cover many sites).
#[derive(Debug, Clone, PartialEq)]
pub struct ScanEvidence {
    pub domain: String,
    pub verdict: String,
    pub scanned_at: DateTime<Utc>,
    pub url: String,
    pub final_url: Option<String>,
    pub sha256: Option<String>,
    pub redirects: Vec<Redirect>,
    pub addresses: Vec<String>,
    pub footer_text: Option<String>,
    pub numbers: Vec<String>,
    /// Only the failing checks (what notice drafts are made of).
    pub failing: Vec<CheckResult>,
    /// The footer screenshot of a rendered scan, read from the store.
    pub footer_png: Option<Vec<u8>>,
}

impl ScanEvidence {
    pub fn of(s: &ScanResult) -> Self {
        ScanEvidence {
            domain: s.domain.clone(),
            verdict: s.verdict.status.as_str().to_string(),
            scanned_at: s.scanned_at,
            url: s.fetch.url.clone(),
            final_url: s.fetch.final_url.clone(),
            sha256: s.fetch.sha256.clone(),
            redirects: s.fetch.redirects.clone(),
            addresses: s.dns.addresses.iter().map(ToString::to_string).collect(),
            footer_text: s.extracted.footer_text.clone(),
            numbers: s.extracted.icp.iter().map(|n| n.number.clone()).collect(),
            failing: s.checks.iter().filter(|c| c.outcome == Outcome::Fail).cloned().collect(),
            footer_png: None,
        }
    }
}

/// The evidence a reviewer judged: check id and the normalised evidence, hashed. A decision holds
/// while the fingerprint is the same; new evidence brings the finding back.
pub fn fingerprint(check_id: &str, evidence_json: &str) -> String {
    let ev: Evidence = serde_json::from_str(evidence_json).unwrap_or_default();
    let norm = |s: &Option<String>| {
        s.as_deref().map(|v| v.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default()
    };
    let mut h = Sha256::new();
    for part in [check_id.to_string(), norm(&ev.expected), norm(&ev.found), norm(&ev.link), norm(&ev.excerpt)] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    // Only change findings carry these; other fingerprints stay as they were.
    if ev.before.is_some() || ev.after.is_some() {
        for part in [norm(&ev.before), norm(&ev.after)] {
            h.update(part.as_bytes());
            h.update([0]);
        }
    }
    format!("{:x}", h.finalize())
}

fn day(ms: i64) -> NaiveDate {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&chrono_tz::Asia::Shanghai).date_naive())
        .unwrap_or_default()
}

/// The one decision rule, for the daemon's deadline pass and the reports alike: a reviewer's
/// decision sets a finding apart (out of notices) when it was made on this same evidence and, on
/// `today`, it is a false positive or a waiver whose `until` has not passed.
pub fn set_apart(d: &Decision, check_id: &str, evidence_json: &str, today: NaiveDate) -> bool {
    d.check_id == check_id && d.fingerprint == fingerprint(check_id, evidence_json) && sets_apart(d, today)
}

/// Whether a decision keeps a finding out of notices today (its evidence already matched).
fn sets_apart(d: &Decision, today: NaiveDate) -> bool {
    match d.decision {
        DecisionKind::FalsePositive => true,
        DecisionKind::Waived => d.until.is_none_or(|u| u >= today),
        DecisionKind::Confirmed => false,
    }
}

pub fn build(inputs: &Inputs<'_>, filters: &Filters) -> Report {
    let filings: HashMap<&str, &StoredFiling> = inputs.filings.iter().map(|f| (f.record.domain.as_str(), f)).collect();
    let decisions: HashMap<(&str, &str), &Decision> =
        inputs.decisions.iter().map(|d| ((d.target.as_str(), d.check_id.as_str()), d)).collect();
    let latest: HashMap<&str, &ScanEvidence> = inputs.latest.iter().map(|(t, e)| (t.as_str(), e)).collect();
    // A finding is recurring when the same check of the same host was resolved before.
    let resolved_before: HashSet<(&str, &str, i64)> = inputs
        .findings
        .iter()
        .filter(|f| f.status == FindingStatus::Resolved)
        .map(|f| (f.target.as_str(), f.check_id.as_str(), f.id))
        .collect();
    let recurring =
        |f: &FindingRow| resolved_before.iter().any(|(t, c, id)| *t == f.target && *c == f.check_id && *id < f.id);
    let since_ms = inputs.last_report_ms;
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    for f in inputs.findings {
        let Some(filing) = filings.get(f.domain.as_str()) else { continue };
        let wanted_status = match filters.status.as_str() {
            "all" => true,
            "resolved" => f.status == FindingStatus::Resolved,
            _ => f.status == FindingStatus::Open,
        };
        let notice_ok = filters.notice.as_ref().is_none_or(|n| f.notice.as_str() == n);
        let since_ok = filters.since.is_none_or(|s| day(f.last_seen) >= s);
        if !(wanted_status && filters.wants_site(filing) && notice_ok && since_ok) {
            continue;
        }
        let evidence: Evidence = serde_json::from_str(&f.evidence).unwrap_or_default();
        let spec = inputs.rules.catalogue.get(&f.check_id);
        let change = match since_ms {
            Some(t) if f.status == FindingStatus::Resolved && f.resolved_at.is_some_and(|r| r > t) => Change::Resolved,
            Some(t) if f.status == FindingStatus::Open && f.first_seen > t => {
                if recurring(f) {
                    Change::Recurring
                } else {
                    Change::New
                }
            }
            None if f.status == FindingStatus::Open => Change::New,
            _ => Change::Unchanged,
        };
        let deadline = inputs
            .notices
            .iter()
            .filter(|n| n.domain == f.domain && n.kind == f.notice && n.state == NoticeState::Sent)
            .map(NoticeRow::due)
            .max();
        let decision = decisions.get(&(f.target.as_str(), f.check_id.as_str())).copied();
        let applies = decision.filter(|d| d.fingerprint == fingerprint(&f.check_id, &f.evidence));
        let decision_text = match (decision, applies) {
            (Some(d), Some(_)) => Some(match d.until {
                Some(u) => format!("{} (until {u}) by {}: {}", d.decision, d.decided_by, d.note),
                None => format!("{} by {}: {}", d.decision, d.decided_by, d.note),
            }),
            (Some(d), None) => {
                Some(format!("{} by {} no longer applies: the evidence changed", d.decision, d.decided_by))
            }
            _ => None,
        };
        let row = Row {
            domain: f.domain.clone(),
            target: f.target.clone(),
            site_number: filing.record.site_number.clone(),
            principal: filing.record.principal.clone(),
            province: filing.province.clone(),
            provider: filing.record.provider.clone(),
            check_id: f.check_id.clone(),
            check_name: spec.map(|s| s.name.clone()).unwrap_or_default(),
            notice: f.notice.as_str().to_string(),
            message: spec.map(|s| s.message.clone()).unwrap_or_default(),
            excerpt: evidence.excerpt.clone().unwrap_or_default(),
            link: evidence.link.clone(),
            expected: evidence.expected.clone(),
            found: evidence.found.clone(),
            before: evidence.before.clone(),
            after: evidence.after.clone(),
            first_seen: day(f.first_seen),
            last_seen: day(f.last_seen),
            consecutive: f.consecutive,
            status: f.status.as_str().to_string(),
            change,
            deadline,
            decision: decision_text,
            site_url: format!("http://{}/", f.target),
            miit_url: MIIT_QUERY.to_string(),
        };
        let entry = entries
            .entry(f.domain.clone())
            .or_insert_with(|| new_entry(filing, latest.get(f.domain.as_str()).copied(), inputs));
        if applies.is_some_and(|d| sets_apart(d, inputs.today)) {
            entry.set_apart.push(row);
        } else {
            entry.rows.push(row);
        }
    }
    // A lead is no finding: with `--leads` the active sites with leads and no open finding are listed too (one with an
    // open finding the filters left out is not: its entry would read as a site with nothing found).
    if filters.leads {
        let open: HashSet<&str> =
            inputs.findings.iter().filter(|f| f.status == FindingStatus::Open).map(|f| f.domain.as_str()).collect();
        for domain in inputs.leads.keys() {
            let Some(filing) = filings.get(domain.as_str()) else { continue };
            if lead_site_wanted(filters, filing) && !open.contains(domain.as_str()) && !entries.contains_key(domain) {
                let mut entry = new_entry(filing, latest.get(domain.as_str()).copied(), inputs);
                entry.lead_only = true;
                entries.insert(domain.clone(), entry);
            }
        }
    }
    if let Some(domain) = &filters.domain
        && let Some(filing) = filings.get(domain.as_str())
    {
        let entry = entries
            .entry(domain.clone())
            .or_insert_with(|| new_entry(filing, latest.get(domain.as_str()).copied(), inputs));
        entry.history = inputs
            .history
            .iter()
            .map(|s| HistoryScan {
                scanned_at: s.result.scanned_at,
                target: s.target.clone(),
                verdict: s.verdict.clone(),
                failing: s.result.checks.iter().filter(|c| c.outcome == Outcome::Fail).map(|c| c.id.clone()).collect(),
            })
            .collect();
    }
    for entry in entries.values_mut().filter(|e| !e.lead_only) {
        entry.notice_drafts =
            drafts(entry, latest.get(entry.domain.as_str()).copied(), filings.get(entry.domain.as_str()), inputs);
    }
    let entries: Vec<Entry> = entries.into_values().collect();
    let mut summary = Summary {
        entries: entries.len(),
        with_leads: entries.iter().filter(|e| !e.industry_leads.is_empty()).count(),
        ..Summary::default()
    };
    for row in entries.iter().flat_map(|e| e.rows.iter()) {
        summary.findings += 1;
        *summary.by_notice.entry(row.notice.clone()).or_default() += 1;
        *summary.by_province.entry(row.province.clone().unwrap_or_else(|| "-".into())).or_default() += 1;
        *summary.by_check.entry(row.check_id.clone()).or_default() += 1;
        match row.change {
            Change::New => summary.new += 1,
            Change::Resolved => summary.resolved += 1,
            Change::Recurring => summary.recurring += 1,
            Change::Unchanged => {}
        }
    }
    summary.set_apart = entries.iter().map(|e| e.set_apart.len()).sum();
    Report {
        schema: SCHEMA.into(),
        generated_at: Utc::now(),
        today: inputs.today,
        since_last_report: since_ms.and_then(DateTime::from_timestamp_millis),
        filters: filters.clone(),
        summary,
        entries,
        headline: None,
        industry_names: inputs.rules.preapproval.industries.iter().map(|i| (i.key.clone(), i.name.clone())).collect(),
        check_names: inputs
            .rules
            .catalogue
            .ids()
            .filter_map(|id| inputs.rules.catalogue.get(id).map(|s| (id.to_string(), s.name.clone())))
            .collect(),
    }
}

/// The leads of a site's latest scans a reviewer should look at: industries whose pre-approval the filing lacks,
/// as `content.preapproval` would say were they the rules' findings, and every one on a filing that may show no
/// pre-approval content (a person's, or a type its province limits: `content.personal_scope`).
pub fn open_leads<'k>(
    rules: &RuleSet,
    filing: &FilingRecord,
    leads: impl IntoIterator<Item = &'k String>,
) -> Vec<String> {
    let limited = crate::checks::scope_limited(filing, rules);
    leads
        .into_iter()
        .filter(|k| limited || rules.preapproval.get(k).is_some_and(|i| i.lacks_approval(&filing.preapprovals)))
        .cloned()
        .collect()
}

/// Whether `report --leads` lists a site with leads and no open finding: an active filing the filters take.
pub fn lead_site_wanted(filters: &Filters, filing: &StoredFiling) -> bool {
    filing.status == "active" && filters.wants_site(filing)
}

impl Filters {
    /// Whether the filters' site conditions (province, provider, domain, entity) take this filing.
    pub fn wants_site(&self, filing: &StoredFiling) -> bool {
        self.province.as_ref().is_none_or(|p| filing.province.as_ref() == Some(p))
            && self.provider.as_ref().is_none_or(|p| filing.record.provider.as_ref() == Some(p))
            && self.domain.as_ref().is_none_or(|d| &filing.record.domain == d)
            && self.entity.as_ref().is_none_or(|e| e.includes(&filing.record))
    }
}

fn new_entry(filing: &StoredFiling, latest: Option<&ScanEvidence>, inputs: &Inputs<'_>) -> Entry {
    let r = &filing.record;
    Entry {
        domain: r.domain.clone(),
        display_domain: display_host(&r.domain),
        site_number: r.site_number.clone(),
        site_name: r.site_name.clone(),
        principal: r.principal.clone(),
        province: filing.province.clone(),
        verdict: latest.map(|s| s.verdict.clone()),
        scanned_at: latest.map(|s| s.scanned_at),
        final_url: latest.and_then(|s| s.final_url.clone()),
        redirects: latest.map(|s| s.redirects.clone()).unwrap_or_default(),
        addresses: latest.map(|s| s.addresses.clone()).unwrap_or_default(),
        footer_text: latest.and_then(|s| s.footer_text.clone()),
        numbers_shown: latest.map(|s| s.numbers.clone()).unwrap_or_default(),
        industry_leads: inputs.leads.get(&r.domain).cloned().unwrap_or_default(),
        lead_only: false,
        footer_screenshot: latest.and_then(|s| s.footer_png.as_ref()).map(|png| {
            use base64::Engine;
            format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
        }),
        rows: Vec::new(),
        set_apart: Vec::new(),
        notice_drafts: Vec::new(),
        notices: inputs
            .notices
            .iter()
            .filter(|n| n.domain == r.domain)
            .map(|n| NoticeView {
                kind: n.kind.as_str().to_string(),
                sent_on: day(n.sent_at),
                deadline: n.deadline,
                extended_to: n.extended_to,
                state: n.state.as_str().to_string(),
            })
            .collect(),
        history: Vec::new(),
    }
}

/// Drafts from the latest scan, without the checks a reviewer set apart.
fn drafts(
    entry: &Entry,
    latest: Option<&ScanEvidence>,
    filing: Option<&&StoredFiling>,
    inputs: &Inputs<'_>,
) -> Vec<NoticeDraft> {
    let (Some(scan), Some(filing)) = (latest, filing) else { return Vec::new() };
    let apart: HashSet<&str> = entry.set_apart.iter().map(|r| r.check_id.as_str()).collect();
    let checks: Vec<_> = scan.failing.iter().filter(|c| !apart.contains(c.id.as_str())).cloned().collect();
    let mut kinds: Vec<NoticeKind> = checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail && c.notice != NoticeKind::None)
        .map(|c| c.notice)
        .collect();
    kinds.sort();
    kinds.dedup();
    crate::notice::drafts(
        &crate::notice::DraftInput {
            domain: &scan.domain,
            filing: &filing.record,
            checks: &checks,
            notices: &kinds,
            today: inputs.today,
            url: scan.final_url.as_deref().unwrap_or(&scan.url),
            sha256: scan.sha256.as_deref(),
        },
        inputs.rules,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filed(principal_type: &str, site_number: &str, preapprovals: &[&str]) -> FilingRecord {
        FilingRecord {
            domain: "example.cn".into(),
            site_number: site_number.into(),
            principal: "北京示例科技有限公司".into(),
            principal_type: principal_type.into(),
            site_name: "示例科技官网".into(),
            approved_on: NaiveDate::from_ymd_opt(2024, 3, 1).expect("day"),
            opened_on: None,
            psb_code: None,
            license: None,
            preapprovals: preapprovals.iter().map(|p| p.to_string()).collect(),
            provider: None,
            filed_ips: vec![],
        }
    }

    #[test]
    fn open_leads_are_those_the_filing_lacks_the_approval_for_and_any_where_the_scope_is_limited() {
        let rules = RuleSet::embedded();
        let leads: Vec<String> = ["publishing", "healthcare"].map(String::from).to_vec();
        let beijing = "京ICP备16020626号-1";
        // Healthcare's pre-approval is cancelled nationally: no ground even as the rules' finding.
        assert_eq!(open_leads(&rules, &filed("企业", beijing, &[]), &leads), ["publishing"]);
        assert!(open_leads(&rules, &filed("企业", beijing, &["出版"]), &leads).is_empty());
        assert_eq!(open_leads(&rules, &filed("个人", beijing, &["出版"]), &leads), ["publishing", "healthcare"]);
        // A province that limits companies' scope as a person's (rules/provinces.toml `scope_limited`).
        let limited = rules
            .provinces
            .all()
            .iter()
            .find(|p| p.scope_limited.iter().any(|t| t == "企业"))
            .expect("a province limiting companies");
        let number = format!("{}ICP备16020626号-1", limited.icp_chars[0]);
        assert_eq!(open_leads(&rules, &filed("企业", &number, &["出版"]), &leads), ["publishing", "healthcare"]);
    }

    #[test]
    fn a_lead_only_site_is_an_active_filing_the_site_filters_take() {
        let stored = |status: &str| StoredFiling {
            record: filed("企业", "京ICP备16020626号-1", &[]),
            province: Some("北京".into()),
            status: status.into(),
            first_online: None,
        };
        let all = Filters::default();
        assert!(lead_site_wanted(&all, &stored("active")));
        assert!(!lead_site_wanted(&all, &stored("withdrawn")), "a withdrawn filing is no longer scanned");
        let elsewhere = Filters { province: Some("江苏".into()), ..Filters::default() };
        assert!(!lead_site_wanted(&elsewhere, &stored("active")));
        // The findings' filters are not the site's: a lead is no finding.
        let notice = Filters { notice: Some("change_filing".into()), status: "resolved".into(), ..Filters::default() };
        assert!(lead_site_wanted(&notice, &stored("active")));
    }
}
