//! Name resolution for scans (hickory), the SSRF guard, and address-range tables.
//!
//! One question per name per scan: the answer is recorded as evidence and the fetcher connects to
//! exactly those addresses. Failures are told apart: only NXDOMAIN and NODATA say a name has no
//! address; SERVFAIL, timeouts and refusals say nothing about the site.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, LookupIpStrategy, NameServerConfig, ResolveHosts, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::net::{DnsError, NetError, NoRecords};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::RData;

// Re-exported so callers of the old paths keep compiling; the types live in `net`.
pub use crate::net::{DnsAnswer, Guard, RangeTable, non_public_reason};
use crate::net::{ErrorKind, FetchError, Lookup};

#[derive(Debug, thiserror::Error)]
pub enum DnsSetupError {
    #[error("cannot build the resolver: {0}")]
    Build(String),
}

/// How to resolve: the system's configuration, or these servers.
#[derive(Debug, Clone, Default)]
pub struct DnsOptions {
    pub nameservers: Vec<SocketAddr>,
    pub timeout: Option<Duration>,
}

/// A shared resolver (with its cache); cheap to clone.
#[derive(Clone)]
pub struct Dns {
    resolver: Arc<TokioResolver>,
}

impl Dns {
    /// Questions go to `options.nameservers`, or to the system's servers when none are given. The
    /// hosts file is never read: a scan must see what the public sees.
    pub fn new(options: &DnsOptions) -> Result<Self, DnsSetupError> {
        let mut builder = if options.nameservers.is_empty() {
            // Without a readable system configuration every question fails (and says why) rather
            // than the whole run.
            TokioResolver::builder_tokio().unwrap_or_else(|e| {
                tracing::warn!("no system resolver configuration ({e}); DNS questions will fail");
                TokioResolver::builder_with_config(
                    ResolverConfig::from_name_servers(vec![]),
                    TokioRuntimeProvider::default(),
                )
            })
        } else {
            let servers = options
                .nameservers
                .iter()
                .map(|ns| {
                    let (mut udp, mut tcp) = (ConnectionConfig::udp(), ConnectionConfig::tcp());
                    udp.port = ns.port();
                    tcp.port = ns.port();
                    NameServerConfig::new(ns.ip(), true, vec![udp, tcp])
                })
                .collect();
            TokioResolver::builder_with_config(
                ResolverConfig::from_name_servers(servers),
                TokioRuntimeProvider::default(),
            )
        };
        let opts = builder.options_mut();
        opts.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
        opts.use_hosts_file = ResolveHosts::Never;
        opts.preserve_intermediates = true;
        opts.timeout = options.timeout.unwrap_or(Duration::from_secs(5));
        opts.attempts = 2;
        let resolver = builder.build().map_err(|e| DnsSetupError::Build(e.to_string()))?;
        Ok(Dns { resolver: Arc::new(resolver) })
    }

    /// A and AAAA of `host`, following CNAMEs; never fails, the error is in the answer.
    pub async fn lookup(&self, host: &str) -> DnsAnswer {
        let fqdn = format!("{}.", host.trim_end_matches('.'));
        let mut answer = DnsAnswer { host: host.to_string(), ..DnsAnswer::default() };
        match self.resolver.lookup_ip(fqdn.as_str()).await {
            Ok(found) => {
                for record in found.as_lookup().answers() {
                    match &record.data {
                        RData::A(a) => push_unique(&mut answer.addresses, IpAddr::V4(a.0)),
                        RData::AAAA(a) => push_unique(&mut answer.addresses, IpAddr::V6(a.0)),
                        RData::CNAME(c) => {
                            answer.cnames.push(c.0.to_string().trim_end_matches('.').to_ascii_lowercase())
                        }
                        _ => {}
                    }
                }
                if answer.addresses.is_empty() {
                    answer.error = Some(FetchError::new(ErrorKind::Nodata, format!("{host} has no A or AAAA record")));
                }
            }
            Err(e) => answer.error = Some(classify(host, &e)),
        }
        answer
    }
}

impl Lookup for Dns {
    fn lookup<'a>(&'a self, host: &'a str) -> BoxFuture<'a, DnsAnswer> {
        Box::pin(Dns::lookup(self, host))
    }
}

fn push_unique(list: &mut Vec<IpAddr>, addr: IpAddr) {
    if !list.contains(&addr) {
        list.push(addr);
    }
}

fn classify(host: &str, e: &NetError) -> FetchError {
    let kind = match e {
        NetError::Dns(DnsError::NoRecordsFound(NoRecords { response_code: ResponseCode::NXDomain, .. })) => {
            ErrorKind::Nxdomain
        }
        NetError::Dns(DnsError::NoRecordsFound(_)) => ErrorKind::Nodata,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => ErrorKind::Refused,
        NetError::Dns(DnsError::ResponseCode(_)) => ErrorKind::Servfail,
        NetError::Timeout => ErrorKind::DnsTimeout,
        _ => ErrorKind::Other,
    };
    FetchError::new(kind, format!("{host}: {e}"))
}
