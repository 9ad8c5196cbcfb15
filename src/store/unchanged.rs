//! What makes two scans of a host "the same": their results without what differs in every scan (the
//! time, the day, the timings, the body's digest and size, which a page's clock or token changes).
//! A result is stored without its moment, the moment beside it; an unchanged scan stores only a
//! reference to the first scan of its run plus its own moment. Reading lays the moment over the
//! stored result, so history and reports read as before.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::result::ScanResult;

/// The parts of a result that differ in every scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct Moment {
    scanned_at: DateTime<Utc>,
    today: NaiveDate,
    elapsed_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    bytes: u64,
    #[serde(default)]
    render_elapsed_ms: u64,
}

impl Moment {
    pub(super) fn of(result: &ScanResult) -> Moment {
        Moment {
            scanned_at: result.scanned_at,
            today: result.today,
            elapsed_ms: result.fetch.elapsed_ms,
            sha256: result.fetch.sha256.clone(),
            bytes: result.fetch.bytes,
            render_elapsed_ms: result.render.elapsed_ms,
        }
    }

    pub(super) fn scanned_at(&self) -> DateTime<Utc> {
        self.scanned_at
    }

    /// The result as it was at this moment.
    pub(super) fn lay_over(&self, result: &mut ScanResult) {
        result.scanned_at = self.scanned_at;
        result.today = self.today;
        result.fetch.elapsed_ms = self.elapsed_ms;
        result.fetch.sha256.clone_from(&self.sha256);
        result.fetch.bytes = self.bytes;
        result.render.elapsed_ms = self.render_elapsed_ms;
    }
}

/// A result without its moment, as stored (the moment is kept beside it and laid over it when read),
/// and its digest: equal for two scans that found the same.
pub(super) fn timeless(result: &ScanResult) -> Result<(String, String), serde_json::Error> {
    let mut timeless = result.clone();
    Moment {
        scanned_at: DateTime::<Utc>::UNIX_EPOCH,
        today: NaiveDate::MIN,
        elapsed_ms: 0,
        sha256: None,
        bytes: 0,
        render_elapsed_ms: 0,
    }
    .lay_over(&mut timeless);
    let json = serde_json::to_string(&timeless)?;
    let digest = format!("{:x}", Sha256::digest(json.as_bytes()));
    Ok((digest, json))
}
