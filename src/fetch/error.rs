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
    /// The page arrived but reading it did not finish within the scan's time limit.
    ExtractTimeout,
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

/// Sorts a reqwest error into a kind by what its causes say.
pub(crate) fn classify(err: &reqwest::Error) -> FetchError {
    let mut chain = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(err);
    let mut refused = false;
    let mut tls = false;
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            // rustls reports handshake failures as I/O errors wrapping its own, and `io::Error::source`
            // skips the error it wraps: look inside by hand.
            let mut wrapped = io.get_ref();
            while let Some(inner) = wrapped {
                tls |= inner.is::<rustls::Error>();
                wrapped = inner.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref);
            }
            // A reset or abort at connect time is the site refusing us as surely as a refused SYN.
            refused |= matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
            );
        }
        tls |= e.downcast_ref::<rustls::Error>().is_some();
        if !chain.is_empty() {
            chain.push_str(": ");
        }
        chain.push_str(&e.to_string());
        source = e.source();
    }
    let lower = chain.to_ascii_lowercase();
    tls |= lower.contains("tls") || lower.contains("certificate") || lower.contains("handshake");
    let kind = if err.is_timeout() {
        ErrorKind::Timeout
    } else if refused {
        ErrorKind::Refused
    } else if tls {
        ErrorKind::Tls
    } else if err.is_decode() || err.is_body() {
        ErrorKind::Decode
    } else {
        ErrorKind::Other
    };
    FetchError::new(kind, chain)
}
