//! Decisions on findings: bound to the evidence judged, recorded with the audit trail; a lead may undo one.

use chrono::NaiveDate;

use super::DeskError;
use crate::report::fingerprint;
use crate::state::DecisionKind;
use crate::store::{Actor, AuditEntry, Decision, DecisionRow, Store, now_ms};

/// A reviewer's decision as asked for, before it is checked and stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRequest {
    /// The scanned host (normalised).
    pub target: String,
    pub check_id: String,
    pub decision: DecisionKind,
    pub until: Option<NaiveDate>,
    pub note: String,
}

/// A decision's parts must fit together before anything is stored.
pub fn check_request(decision: DecisionKind, until: Option<NaiveDate>, today: NaiveDate) -> Result<(), DeskError> {
    match (decision, until) {
        (DecisionKind::Waived, None) => {
            Err(DeskError::Invalid("a waiver needs its last day (--until / 豁免截止日)".into()))
        }
        (DecisionKind::Waived, Some(u)) if u < today => Err(DeskError::Invalid(format!(
            "the waiver's last day {u} is in the past (today is {today}); a waiver runs until a day to come"
        ))),
        (DecisionKind::Waived, Some(_)) | (_, None) => Ok(()),
        (other, Some(_)) => Err(DeskError::Invalid(format!("a last day is for waivers only, not for {other}"))),
    }
}

/// Records a decision on an open finding, bound to the evidence the finding shows now.
pub async fn decide(
    store: &Store,
    actor: &Actor,
    request: DecisionRequest,
    today: NaiveDate,
) -> Result<Decision, DeskError> {
    check_request(request.decision, request.until, today)?;
    if request.note.trim().is_empty() {
        return Err(DeskError::Invalid("a decision needs a note saying why".into()));
    }
    let open = store.open_findings(&request.target).await?;
    let Some(finding) = open.get(&request.check_id) else {
        return Err(DeskError::Missing(format!("{} has no open finding {}", request.target, request.check_id)));
    };
    let decision = Decision {
        domain: finding.domain.clone(),
        target: request.target.clone(),
        check_id: request.check_id.clone(),
        decision: request.decision,
        until: request.until,
        note: request.note,
        decided_by: actor.name.clone(),
        decided_at: now_ms(),
        fingerprint: fingerprint(&request.check_id, &finding.evidence),
    };
    let before = store.decisions_of(&finding.domain).await?.into_iter().find(|d| {
        d.undone_at.is_none() && d.decision.target == decision.target && d.decision.check_id == decision.check_id
    });
    let audit = AuditEntry::new(actor, "decision", format!("{} {}", decision.target, decision.check_id))
        .before(&before.map(|d| d.decision))
        .after(&decision);
    store.add_decision(&decision, &audit).await?;
    Ok(decision)
}

/// Undoes a decision (a lead's correction): the decision before it, if any, is in force again.
pub async fn undo(store: &Store, actor: &Actor, id: i64) -> Result<DecisionRow, DeskError> {
    let Some(row) = store.decision_by_id(id).await? else {
        return Err(DeskError::Missing(format!("there is no decision {id}")));
    };
    if row.undone_at.is_some() {
        return Err(DeskError::Conflict(format!("decision {id} was undone already")));
    }
    let subject = format!("{} {}", row.decision.target, row.decision.check_id);
    let audit = AuditEntry::new(actor, "decision_undone", subject).before(&row.decision);
    if !store.undo_decision(id, &actor.name, &audit).await? {
        return Err(DeskError::Conflict(format!("decision {id} was undone already")));
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_parts_must_fit_together() {
        let today: NaiveDate = "2026-11-28".parse().expect("date");
        let later = Some("2026-12-31".parse().expect("date"));
        assert!(check_request(DecisionKind::Waived, later, today).is_ok());
        assert!(check_request(DecisionKind::FalsePositive, None, today).is_ok());
        assert!(check_request(DecisionKind::Waived, None, today).is_err());
        assert!(check_request(DecisionKind::Waived, Some("2026-11-27".parse().expect("date")), today).is_err());
        assert!(check_request(DecisionKind::Confirmed, later, today).is_err());
    }
}
