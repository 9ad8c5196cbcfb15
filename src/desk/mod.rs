//! What a reviewer does to the store — decide on a finding, undo a decision, record a notice sent,
//! extend it — with its rules and its line of the audit trail, in one place. The command line and the
//! console both call these, so the two can never disagree.

mod decisions;
mod notices;

pub use decisions::{DecisionRequest, check_request as decisions_check, decide, undo};
pub use notices::{Extended, SentNotice, extend_notice, send_notice};

use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The request does not fit together (a waiver without its last day, a deadline in the past).
    #[error("{0}")]
    Invalid(String),
    /// What the request names is not there (no open finding of that check, no such notice).
    #[error("{0}")]
    Missing(String),
    /// The store's state does not allow it (a notice extended already, a decision undone already).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}
