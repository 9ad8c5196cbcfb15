//! What one alert says: the new findings that feed a notice, the notices past their deadline, and
//! what went wrong with the daemon itself, for one cycle. A channel's filter picks its part (pure).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::rules::{NoticeKind, Severity};
use crate::state::NoticeState;

/// What an alert is about; a channel may listen to some only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// New findings that feed a notice.
    Findings,
    /// Notices past their deadline.
    Overdue,
    /// A cycle that could not be enqueued, reached no site, or fell behind its schedule.
    Cycle,
    /// The daemon cannot reach its store.
    Store,
}

/// A new finding that feeds a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingItem {
    pub domain: String,
    pub target: String,
    pub check_id: String,
    /// The catalogue's message, in Chinese.
    pub message: String,
    pub severity: Severity,
    pub notice: NoticeKind,
    pub province: Option<String>,
    pub provider: Option<String>,
    /// Unix milliseconds.
    pub first_seen: i64,
}

/// A notice whose deadline passed without the site being rectified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverdueItem {
    pub notice_id: i64,
    pub domain: String,
    pub kind: NoticeKind,
    pub due: NaiveDate,
    pub state: NoticeState,
    pub province: Option<String>,
    pub provider: Option<String>,
}

/// Something wrong with the daemon rather than with a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A schedule fired while its previous cycle still had jobs to do.
    CycleBehind { schedule: String, previous: String, pending: i64 },
    /// A cycle could not be enqueued.
    CycleFailed { schedule: String, error: String },
    /// A cycle finished without one of its scans reaching its site: the scanner's own network or DNS
    /// is the likelier fault.
    CycleUnreached { cycle: String, scans: i64 },
    /// A query to the store failed.
    StoreUnreachable { error: String },
}

impl Event {
    pub fn trigger(&self) -> Trigger {
        match self {
            Event::CycleBehind { .. } | Event::CycleFailed { .. } | Event::CycleUnreached { .. } => Trigger::Cycle,
            Event::StoreUnreachable { .. } => Trigger::Store,
        }
    }
}

/// One digest: sent once per cycle (and per event) to each channel whose filter keeps something.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub generated_at: DateTime<Utc>,
    /// The cycles this digest closes (empty for an event on its own).
    pub cycles: Vec<String>,
    pub findings: Vec<FindingItem>,
    pub overdue: Vec<OverdueItem>,
    pub events: Vec<Event>,
    /// A sample sent by `icp-patrol alert test`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub test: bool,
}

impl Digest {
    pub fn new(generated_at: DateTime<Utc>) -> Self {
        Digest { generated_at, cycles: vec![], findings: vec![], overdue: vec![], events: vec![], test: false }
    }

    pub fn event(event: Event, generated_at: DateTime<Utc>) -> Self {
        Digest { events: vec![event], ..Digest::new(generated_at) }
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty() && self.overdue.is_empty() && self.events.is_empty()
    }

    /// What `icp-patrol alert test` sends: every section, made-up sites.
    pub fn sample(generated_at: DateTime<Utc>) -> Self {
        let finding = |domain: &str, check: &str, message: &str, severity, notice| FindingItem {
            domain: domain.into(),
            target: domain.into(),
            check_id: check.into(),
            message: message.into(),
            severity,
            notice,
            province: Some("广东".into()),
            provider: None,
            first_seen: generated_at.timestamp_millis(),
        };
        Digest {
            generated_at,
            cycles: vec!["alert-test".into()],
            findings: vec![
                finding(
                    "sample-a.example.cn",
                    "icp.missing",
                    "网站首页未展示备案号",
                    Severity::Error,
                    NoticeKind::SpecialInspection,
                ),
                finding(
                    "sample-b.example.cn",
                    "site.redirect_offsite",
                    "首页跳转至其他域名，与备案域名不符",
                    Severity::Warning,
                    NoticeKind::ChangeFiling,
                ),
            ],
            overdue: vec![OverdueItem {
                notice_id: 0,
                domain: "sample-c.example.cn".into(),
                kind: NoticeKind::SpecialInspection,
                due: generated_at.date_naive(),
                state: NoticeState::Overdue,
                province: Some("广东".into()),
                provider: None,
            }],
            events: vec![],
            test: true,
        }
    }
}

/// A channel's choice of what it is told.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub provinces: Vec<String>,
    pub providers: Vec<String>,
    pub notices: Vec<NoticeKind>,
    pub min_severity: Option<Severity>,
    /// Empty: every trigger.
    pub triggers: Vec<Trigger>,
}

impl Filter {
    pub fn listens(&self, t: Trigger) -> bool {
        self.triggers.is_empty() || self.triggers.contains(&t)
    }

    /// An empty list admits everything; a set one admits only what it names (an unknown province
    /// or provider is not admitted by a list that names some).
    fn place(&self, province: Option<&String>, provider: Option<&String>) -> bool {
        let ok = |list: &[String], v: Option<&String>| list.is_empty() || v.is_some_and(|v| list.contains(v));
        ok(&self.provinces, province) && ok(&self.providers, provider)
    }

    fn kind(&self, k: NoticeKind) -> bool {
        self.notices.is_empty() || self.notices.contains(&k)
    }

    /// The part of `digest` this channel is told of.
    pub fn apply(&self, digest: &Digest) -> Digest {
        let findings = if self.listens(Trigger::Findings) {
            digest
                .findings
                .iter()
                .filter(|f| self.place(f.province.as_ref(), f.provider.as_ref()))
                .filter(|f| self.kind(f.notice))
                .filter(|f| self.min_severity.is_none_or(|m| f.severity >= m))
                .cloned()
                .collect()
        } else {
            vec![]
        };
        let overdue = if self.listens(Trigger::Overdue) {
            digest
                .overdue
                .iter()
                .filter(|n| self.place(n.province.as_ref(), n.provider.as_ref()) && self.kind(n.kind))
                .cloned()
                .collect()
        } else {
            vec![]
        };
        let events = digest.events.iter().filter(|e| self.listens(e.trigger())).cloned().collect();
        Digest { findings, overdue, events, ..digest.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest() -> Digest {
        let mut d = Digest::sample(Utc::now());
        d.findings[1].province = Some("北京".into());
        d.events.push(Event::StoreUnreachable { error: "down".into() });
        d
    }

    #[test]
    fn no_filter_keeps_everything() {
        let d = digest();
        assert_eq!(Filter::default().apply(&d), d);
    }

    #[test]
    fn filters_by_province_kind_severity_and_trigger() {
        let d = digest();
        let beijing = Filter { provinces: vec!["北京".into()], ..Filter::default() }.apply(&d);
        assert_eq!(beijing.findings.len(), 1);
        assert!(beijing.overdue.is_empty(), "the overdue notice is 广东's");
        assert_eq!(beijing.events.len(), 1, "events have no province and reach every channel listening");
        let errors = Filter { min_severity: Some(Severity::Error), ..Filter::default() }.apply(&d);
        assert_eq!(errors.findings.iter().map(|f| f.check_id.as_str()).collect::<Vec<_>>(), ["icp.missing"]);
        let change = Filter { notices: vec![NoticeKind::ChangeFiling], ..Filter::default() }.apply(&d);
        assert_eq!(change.findings.len(), 1);
        assert!(change.overdue.is_empty());
        let ops = Filter { triggers: vec![Trigger::Store], ..Filter::default() }.apply(&d);
        assert!(ops.findings.is_empty() && ops.overdue.is_empty() && ops.events.len() == 1);
        let provider = Filter { providers: vec!["acme".into()], ..Filter::default() }.apply(&d);
        assert!(provider.findings.is_empty(), "no finding names a provider");
        let nothing =
            Filter { provinces: vec!["上海".into()], triggers: vec![Trigger::Findings], ..Filter::default() };
        assert!(nothing.apply(&d).is_empty());
    }
}
