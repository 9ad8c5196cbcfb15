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
    /// 429, or 503 with `Retry-After`: the server asks to be left alone for a while. Says nothing of
    /// the site, so nothing is judged from it.
    RateLimited,
    TooLarge,
    TooManyRedirects,
    PrivateTarget,
    Decode,
    /// The page arrived but reading it did not finish within the scan's time limit.
    ExtractTimeout,
    Other,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 15] = [
        ErrorKind::Nxdomain,
        ErrorKind::Nodata,
        ErrorKind::Servfail,
        ErrorKind::DnsTimeout,
        ErrorKind::Refused,
        ErrorKind::Timeout,
        ErrorKind::Tls,
        ErrorKind::HttpStatus,
        ErrorKind::RateLimited,
        ErrorKind::TooLarge,
        ErrorKind::TooManyRedirects,
        ErrorKind::PrivateTarget,
        ErrorKind::Decode,
        ErrorKind::ExtractTimeout,
        ErrorKind::Other,
    ];

    /// The one string form (JSON, metrics labels).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Nxdomain => "nxdomain",
            ErrorKind::Nodata => "nodata",
            ErrorKind::Servfail => "servfail",
            ErrorKind::DnsTimeout => "dns_timeout",
            ErrorKind::Refused => "refused",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "tls",
            ErrorKind::HttpStatus => "http_status",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::TooManyRedirects => "too_many_redirects",
            ErrorKind::PrivateTarget => "private_target",
            ErrorKind::Decode => "decode",
            ErrorKind::ExtractTimeout => "extract_timeout",
            ErrorKind::Other => "other",
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_string_form() {
        for k in ErrorKind::ALL {
            assert_eq!(serde_json::to_value(k).expect("json"), k.as_str());
        }
    }
}
