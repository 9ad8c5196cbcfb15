//! Findings to a verdict: `notice` > `inconclusive` > `pending` > `compliant` (spec §3).

use serde::{Deserialize, Serialize};

use crate::checks::Outcome;
use crate::rules::NoticeKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Compliant,
    Pending,
    Inconclusive,
    Notice,
}

impl Status {
    /// The process exit status for a scan with this verdict.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Compliant | Status::Pending => 0,
            Status::Notice => 1,
            Status::Inconclusive => 2,
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

pub fn decide<'a>(checks: impl IntoIterator<Item = Judged<'a>>) -> Verdict {
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
        let v = decide([j("icp.missing", Fail, SpecialInspection), j("site.x", Inconclusive, None)]);
        assert_eq!((v.status, v.notices), (Status::Notice, vec![SpecialInspection]));
        assert_eq!(decide([j("a", Inconclusive, None), j("psb.pending", Fail, None)]).status, Status::Inconclusive);
        assert_eq!(decide([j("psb.pending", Fail, None), j("icp.format", Fail, None)]).status, Status::Pending);
        assert_eq!(decide([j("icp.format", Fail, None), j("b", Pass, SpecialInspection)]).status, Status::Compliant);
        assert_eq!(Status::Notice.exit_code(), 1);
    }
}
