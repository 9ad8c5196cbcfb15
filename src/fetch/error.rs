//! Sorting reqwest failures into the kinds of `crate::net::ErrorKind`.

use crate::net::{ErrorKind, FetchError};

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
