//! Why a fetch or a DNS question failed, in the kinds spec §3 names.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    Nxdomain,
    Nodata,
    Servfail,
    DnsTimeout,
    Refused,
    Timeout,
    Tls,
    HttpStatus,
    TooLarge,
    TooManyRedirects,
    PrivateTarget,
    Decode,
    Other,
}

impl ErrorKind {
    /// Transport failures after which `http://` is tried when `https://` failed.
    pub fn falls_back_to_http(self) -> bool {
        matches!(self, ErrorKind::Refused | ErrorKind::Timeout | ErrorKind::Tls | ErrorKind::Other)
    }

    /// The site answered nothing usable: the failures `site.unreachable` is about. DNS trouble other
    /// than a missing name, and our own refusals, are not the site's fault.
    pub fn means_unreachable(self) -> bool {
        matches!(
            self,
            ErrorKind::Refused
                | ErrorKind::Timeout
                | ErrorKind::Tls
                | ErrorKind::HttpStatus
                | ErrorKind::TooManyRedirects
                | ErrorKind::Nxdomain
                | ErrorKind::Nodata
        )
    }
}

/// `{ "kind": …, "detail": "…" }` in the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{kind:?}: {detail}")]
pub struct FetchError {
    pub kind: ErrorKind,
    pub detail: String,
}

impl FetchError {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        FetchError { kind, detail: detail.into() }
    }
}
