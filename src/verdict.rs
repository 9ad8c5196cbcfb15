//! Findings to a verdict: `notice` > `inconclusive` > `no_record` > `pending` > `compliant` (spec §3).

use serde::{Deserialize, Serialize};

use crate::checks::Outcome;
use crate::rules::NoticeKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Compliant,
    Pending,
    /// No filing record is known for the host: the checks that compare with it were skipped, so the
    /// scan cannot say the site is compliant.
    NoRecord,
    Inconclusive,
    Notice,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Compliant, Status::Pending, Status::NoRecord, Status::Inconclusive, Status::Notice];

    /// The verdict as reviewers say it.
    pub fn zh(self) -> &'static str {
        match self {
            Status::Compliant => "合规",
            Status::Pending => "待办",
            Status::NoRecord => "无备案记录",
            Status::Inconclusive => "无法判定",
            Status::Notice => "需发通知",
        }
    }

    /// The one string form (JSON, the store, metrics labels).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Compliant => "compliant",
            Status::Pending => "pending",
            Status::NoRecord => "no_record",
            Status::Inconclusive => "inconclusive",
            Status::Notice => "notice",
        }
    }

    /// The process exit status for a scan with this verdict.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Compliant | Status::Pending => 0,
            Status::Notice => 1,
            Status::Inconclusive | Status::NoRecord => 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub status: Status,
    pub notices: Vec<NoticeKind>,
}

/// Checks whose failure is a deadline not yet due rather than a violation.
const DEADLINE_CHECKS: [&str; 1] = ["psb.pending"];

/// One judged check as the verdict sees it.
pub struct Judged<'a> {
    pub id: &'a str,
    pub outcome: Outcome,
    pub notice: NoticeKind,
}

/// `has_record`: a filing record was known for the host.
pub fn decide<'a>(checks: impl IntoIterator<Item = Judged<'a>>, has_record: bool) -> Verdict {
    let mut notices: Vec<NoticeKind> = Vec::new();
    let (mut inconclusive, mut pending) = (false, false);
    for c in checks {
        match c.outcome {
            Outcome::Fail if c.notice != NoticeKind::None => notices.push(c.notice),
            Outcome::Fail if DEADLINE_CHECKS.contains(&c.id) => pending = true,
            Outcome::Inconclusive => inconclusive = true,
            _ => {}
        }
    }
    notices.sort();
    notices.dedup();
    let status = if !notices.is_empty() {
        Status::Notice
    } else if inconclusive {
        Status::Inconclusive
    } else if !has_record {
        Status::NoRecord
    } else if pending {
        Status::Pending
    } else {
        Status::Compliant
    };
    Verdict { status, notices }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(id: &str, outcome: Outcome, notice: NoticeKind) -> Judged<'_> {
        Judged { id, outcome, notice }
    }

    #[test]
    fn precedence() {
        use NoticeKind::*;
        use Outcome::*;
        let v = decide([j("icp.missing", Fail, SpecialInspection), j("site.x", Inconclusive, None)], true);
        assert_eq!((v.status, v.notices), (Status::Notice, vec![SpecialInspection]));
        assert_eq!(
            decide([j("a", Inconclusive, None), j("psb.pending", Fail, None)], true).status,
            Status::Inconclusive
        );
        assert_eq!(decide([j("psb.pending", Fail, None), j("icp.format", Fail, None)], true).status, Status::Pending);
        assert_eq!(
            decide([j("icp.format", Fail, None), j("b", Pass, SpecialInspection)], true).status,
            Status::Compliant
        );
        assert_eq!(Status::Notice.exit_code(), 1);
    }

    #[test]
    fn without_a_record_nothing_is_compliant() {
        use NoticeKind::*;
        use Outcome::*;
        assert_eq!(decide([j("icp.format", Pass, None)], false).status, Status::NoRecord);
        assert_eq!(decide([j("psb.pending", Fail, None)], false).status, Status::NoRecord);
        assert_eq!(decide([j("a", Inconclusive, None)], false).status, Status::Inconclusive);
        assert_eq!(decide([j("icp.missing", Fail, SpecialInspection)], false).status, Status::Notice);
        assert_eq!(Status::NoRecord.exit_code(), 2);
        assert!(Status::Pending < Status::NoRecord && Status::NoRecord < Status::Inconclusive);
        for s in Status::ALL {
            assert_eq!(serde_json::to_value(s).expect("json"), s.as_str());
        }
    }
}
