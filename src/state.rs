//! The states the store keeps as text — job states, finding statuses, reviewers' decisions and
//! notice states — as enums with one string mapping each. Rows are parsed into them once, where
//! the store reads them; everything else compares enums, never strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A stored text that names no state of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a {kind}")]
pub struct UnknownState {
    pub kind: &'static str,
    pub value: String,
}

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownState;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownState { kind: $what, value: s.to_string() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum! {
    /// Where a job of the queue stands.
    JobState, "job state" {
        Queued = "queued",
        Running = "running",
        Done = "done",
        /// Not scanned: the filing was withdrawn or the target is not a host.
        Skipped = "skipped",
    }
}

text_enum! {
    /// A finding's life: open from its first failing scan until a scan passes or the check no
    /// longer applies.
    FindingStatus, "finding status" {
        Open = "open",
        Resolved = "resolved",
    }
}

text_enum! {
    /// A reviewer's decision on a finding.
    DecisionKind, "decision" {
        /// A real violation.
        Confirmed = "confirmed",
        /// The scanner is wrong: kept out of notices while the evidence stays the same.
        FalsePositive = "false_positive",
        /// Kept out of notices until the waiver's `until`.
        Waived = "waived",
    }
}

text_enum! {
    /// A notice sent to a customer, and how its deadline settled it.
    NoticeState, "notice state" {
        Sent = "sent",
        Rectified = "rectified",
        Overdue = "overdue",
    }
}

text_enum! {
    /// What a console account may do: a viewer reads and downloads, a reviewer also decides and
    /// records notices, a lead also undoes decisions and manages accounts.
    Role, "role" {
        Viewer = "viewer",
        Reviewer = "reviewer",
        Lead = "lead",
    }
}

impl Role {
    /// Whether this role includes everything `other` may do (the roles are nested).
    pub fn includes(self, other: Role) -> bool {
        self.rank() >= other.rank()
    }

    fn rank(self) -> u8 {
        match self {
            Role::Viewer => 0,
            Role::Reviewer => 1,
            Role::Lead => 2,
        }
    }

    /// The role as the console shows it.
    pub fn zh(self) -> &'static str {
        match self {
            Role::Viewer => "查看",
            Role::Reviewer => "审核员",
            Role::Lead => "组长",
        }
    }
}

impl NoticeState {
    /// The state as reviewers say it.
    pub fn zh(self) -> &'static str {
        match self {
            NoticeState::Sent => "已发出",
            NoticeState::Rectified => "已整改",
            NoticeState::Overdue => "逾期",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Copy + PartialEq + fmt::Debug + FromStr + Serialize>(
        all: &[T],
        text: impl Fn(T) -> &'static str,
    ) {
        for &v in all {
            assert_eq!(text(v).parse::<T>().ok(), Some(v));
            assert_eq!(serde_json::to_value(v).expect("json"), text(v), "serde and as_str agree");
        }
    }

    #[test]
    fn one_string_mapping_each() {
        round_trips(JobState::ALL, JobState::as_str);
        round_trips(FindingStatus::ALL, FindingStatus::as_str);
        round_trips(DecisionKind::ALL, DecisionKind::as_str);
        round_trips(NoticeState::ALL, NoticeState::as_str);
        round_trips(Role::ALL, Role::as_str);
        assert_eq!("paused".parse::<JobState>().unwrap_err().to_string(), "\"paused\" is not a job state");
    }
}
