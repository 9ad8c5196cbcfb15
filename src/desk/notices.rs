//! Notices to customers: recorded when sent (with the deadline the rules give), extended once by at
//! most 7 working days.

use chrono::NaiveDate;

use super::DeskError;
use crate::rules::{NoticeKind, RuleSet};
use crate::state::NoticeState;
use crate::store::{Actor, AuditEntry, Store};

/// A notice recorded as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentNotice {
    pub id: i64,
    pub deadline: NaiveDate,
    /// Why the deadline may be off (a year the holiday calendar does not cover yet).
    pub warning: Option<String>,
}

/// A notice's deadline moved by its one extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extended {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub warning: Option<String>,
}

/// Records that a notice of `kind` went to `domain`. Without a deadline, today plus the rules' days
/// for the kind (working days, holidays skipped).
pub async fn send_notice(
    store: &Store,
    rules: &RuleSet,
    actor: &Actor,
    domain: &str,
    kind: NoticeKind,
    deadline: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<SentNotice, DeskError> {
    if kind == NoticeKind::None {
        return Err(DeskError::Invalid("a notice is special_inspection or change_filing".into()));
    }
    let (deadline, warning) = match deadline {
        Some(d) => (d, None),
        None => {
            let due = rules.holidays.after_days(today, rules.deadlines.days(kind));
            (due.date, due.warning)
        }
    };
    if deadline < today {
        return Err(DeskError::Invalid(format!(
            "the deadline {deadline} is before the day the notice is sent ({today})"
        )));
    }
    if store.filing_for_host(domain).await?.is_none() {
        return Err(DeskError::Missing(format!("{domain} has no filing record (import it first)")));
    }
    if store.open_findings_for_notice(domain, kind).await? == 0 {
        return Err(DeskError::Missing(format!("{domain} has no open finding that feeds a {kind} notice")));
    }
    if store.notices(Some(domain)).await?.iter().any(|n| n.kind == kind && n.state == NoticeState::Sent) {
        return Err(DeskError::Conflict(format!("{domain}: a {kind} notice was sent already and is still open")));
    }
    let audit = AuditEntry::new(actor, "notice_sent", format!("{domain} {kind}"))
        .after(&serde_json::json!({ "kind": kind, "deadline": deadline }));
    let id = store.add_notice(domain, kind, deadline, &actor.name, &audit).await?;
    Ok(SentNotice { id, deadline, warning })
}

/// Grants the open notice of `kind` its one extension of `days` working days (1 to 7).
pub async fn extend_notice(
    store: &Store,
    rules: &RuleSet,
    actor: &Actor,
    domain: &str,
    kind: NoticeKind,
    days: u32,
) -> Result<Extended, DeskError> {
    if !(1..=7).contains(&days) {
        return Err(DeskError::Invalid(format!("an extension is 1 to 7 working days, not {days}")));
    }
    let notices = store.notices(Some(domain)).await?;
    let Some(n) = notices.iter().rev().find(|n| n.kind == kind && n.state == NoticeState::Sent) else {
        return Err(DeskError::Missing(format!("{domain} has no open {kind} notice")));
    };
    if n.extended_to.is_some() {
        return Err(DeskError::Conflict(format!(
            "{domain}: the {kind} notice was extended already (one extension per notice)"
        )));
    }
    let due = rules.holidays.add_working_days(n.deadline, days);
    let audit = AuditEntry::new(actor, "notice_extended", format!("{domain} {kind}"))
        .before(&serde_json::json!({ "deadline": n.deadline }))
        .after(&serde_json::json!({ "deadline": due.date, "days": days }));
    if !store.extend_notice(n.id, due.date, &audit).await? {
        return Err(DeskError::Conflict(format!("{domain}: the {kind} notice was extended or settled meanwhile")));
    }
    Ok(Extended { from: n.deadline, to: due.date, warning: due.warning })
}
