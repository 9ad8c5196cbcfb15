//! What one scan may say alone and what needs history: `site.unreachable` feeds a notice only after
//! N failing scans over at least a day; `hosting.off_provider` only when a second scan confirms it.
//! Pure: the result, the target's open findings and the settings in; the adjusted result out.

use std::collections::HashMap;

use crate::checks::Outcome;
use crate::config::DaemonSettings;
use crate::result::ScanResult;
use crate::rules::{NoticeKind, Severity};
use crate::store::FindingRow;

/// What the daemon must do besides recording the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FollowUp {
    /// Scan again after the confirmation delay: a first `hosting.off_provider` failure.
    pub confirm: bool,
}

const HOUR_MS: i64 = 3_600_000;

pub fn apply(
    result: &mut ScanResult,
    open: &HashMap<String, FindingRow>,
    settings: &DaemonSettings,
    now_ms: i64,
) -> FollowUp {
    let mut follow_up = FollowUp::default();
    for check in result.checks.iter_mut().filter(|c| c.outcome == Outcome::Fail) {
        let prior = open.get(&check.id);
        match check.id.as_str() {
            "site.unreachable" => {
                let scans = prior.map_or(1, |p| p.consecutive + 1);
                let since = prior.map_or(now_ms, |p| p.first_seen);
                let hours = (now_ms - since) / HOUR_MS;
                if scans >= settings.unreachable_scans && hours >= settings.unreachable_hours {
                    check.severity = Severity::Error;
                    check.notice = NoticeKind::SpecialInspection;
                    check.detail = Some(format!("unreachable in {scans} scans in a row over {hours} hours"));
                } else {
                    check.detail = Some(format!(
                        "{scans} of {} failing scans over {hours} of {} hours before a notice",
                        settings.unreachable_scans, settings.unreachable_hours
                    ));
                }
            }
            "hosting.off_provider" if prior.is_none() => {
                check.notice = NoticeKind::None;
                check.detail = Some("awaiting confirmation by a second scan".into());
                follow_up.confirm = true;
            }
            _ => {}
        }
    }
    follow_up
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::CheckResult;

    fn result_failing(id: &str) -> ScanResult {
        let mut r: ScanResult =
            serde_json::from_str(include_str!("../../tests/golden/unreachable.json")).expect("golden");
        r.checks = vec![CheckResult {
            id: id.into(),
            outcome: Outcome::Fail,
            severity: Severity::Warning,
            notice: NoticeKind::None,
            message: String::new(),
            message_en: String::new(),
            detail: None,
            evidence: Default::default(),
        }];
        r
    }

    fn open(id: &str, consecutive: i64, first_seen: i64) -> HashMap<String, FindingRow> {
        HashMap::from([(
            id.to_string(),
            FindingRow {
                id: 1,
                domain: "a.cn".into(),
                target: "a.cn".into(),
                check_id: id.into(),
                status: crate::state::FindingStatus::Open,
                notice: NoticeKind::None,
                first_seen,
                last_seen: first_seen,
                resolved_at: None,
                consecutive,
                last_scan_id: 1,
                evidence: "{}".into(),
            },
        )])
    }

    #[test]
    fn unreachable_escalates_after_n_scans_over_a_day() {
        let s = DaemonSettings::default();
        let now = 100 * HOUR_MS;
        let mut first = result_failing("site.unreachable");
        apply(&mut first, &HashMap::new(), &s, now);
        assert_eq!(first.checks[0].notice, NoticeKind::None);
        let mut quick = result_failing("site.unreachable");
        apply(&mut quick, &open("site.unreachable", 5, now - 2 * HOUR_MS), &s, now);
        assert_eq!(quick.checks[0].notice, NoticeKind::None, "many scans within hours are not enough");
        let mut long = result_failing("site.unreachable");
        apply(&mut long, &open("site.unreachable", 2, now - 30 * HOUR_MS), &s, now);
        assert_eq!((long.checks[0].notice, long.checks[0].severity), (NoticeKind::SpecialInspection, Severity::Error));
    }

    #[test]
    fn off_provider_needs_a_confirming_scan() {
        let s = DaemonSettings::default();
        let mut first = result_failing("hosting.off_provider");
        first.checks[0].notice = NoticeKind::SpecialInspection;
        assert!(apply(&mut first, &HashMap::new(), &s, 0).confirm);
        assert_eq!(first.checks[0].notice, NoticeKind::None);
        let mut second = result_failing("hosting.off_provider");
        second.checks[0].notice = NoticeKind::SpecialInspection;
        assert!(!apply(&mut second, &open("hosting.off_provider", 1, 0), &s, 10).confirm);
        assert_eq!(second.checks[0].notice, NoticeKind::SpecialInspection);
    }
}
