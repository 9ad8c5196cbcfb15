//! The values that cross between the network edges (`dns`, `fetch`) and the pure core (`checks`,
//! `rules`, `result`): what DNS answered, why a fetch failed, the redirects followed, and the address
//! policy (the SSRF guard, range tables). Both sides import this module; neither imports the other.

mod error;
mod guard;
mod ranges;
mod retry_after;

use std::net::IpAddr;

use futures_util::future::BoxFuture;
use serde::{Deserialize, Serialize};

pub use error::{ErrorKind, FetchError};
pub use guard::{Guard, non_public_reason};
pub use ranges::RangeTable;
pub use retry_after::retry_after;

/// What DNS said about one name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsAnswer {
    pub host: String,
    pub addresses: Vec<IpAddr>,
    /// The CNAME chain, in order, without trailing dots.
    pub cnames: Vec<String>,
    pub error: Option<FetchError>,
    /// The addresses came from an operator override (`--resolve`, `--connect-to`), not from DNS.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overridden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redirect {
    pub from: String,
    pub to: String,
    /// The HTTP status (3xx), or the page's own status for a client-side redirect.
    pub status: u16,
    /// `meta_refresh` or `script` for a redirect written in the page; absent for HTTP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// Answers a name's A and AAAA question; the fetcher asks through this so it needs no resolver of its own.
pub trait Lookup: Send + Sync {
    /// Never fails: the error is in the answer.
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, DnsAnswer>;
}
