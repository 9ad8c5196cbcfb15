//! `--resolve HOST:PORT:ADDR[,ADDR…]` and `--connect-to HOST1:PORT1:HOST2:PORT2`, as in curl.
//!
//! Addresses given this way are the operator's explicit choice, so they may be loopback or private.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{option} {value:?}: {why}")]
pub struct OverrideError {
    pub option: &'static str,
    pub value: String,
    pub why: &'static str,
}

/// `HOST:PORT:ADDR[,ADDR…]`: connect to ADDR when the URL names HOST and PORT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveEntry {
    pub host: String,
    pub port: u16,
    pub addrs: Vec<IpAddr>,
}

/// `HOST1:PORT1:HOST2:PORT2`: connect to HOST2:PORT2 instead; an empty HOST1 or PORT1 matches any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub to_host: String,
    pub to_port: u16,
}

/// Splits on ':' but keeps `[v6]` together.
fn fields(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_brackets = false;
    for c in s.chars() {
        match c {
            '[' => in_brackets = true,
            ']' => in_brackets = false,
            ':' if !in_brackets => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

fn ip(s: &str) -> Option<IpAddr> {
    s.trim_start_matches('[').trim_end_matches(']').parse().ok()
}

impl FromStr for ResolveEntry {
    type Err = OverrideError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why| OverrideError { option: "--resolve", value: s.to_string(), why };
        let parts = fields(s);
        let [host, port, addrs] = parts.as_slice() else {
            return Err(err("expected HOST:PORT:ADDR[,ADDR...]"));
        };
        let port = port.parse().map_err(|_| err("PORT is not a port number"))?;
        let addrs: Option<Vec<IpAddr>> = addrs.split(',').map(ip).collect();
        let addrs = addrs.filter(|a| !a.is_empty()).ok_or_else(|| err("ADDR is not an IP address"))?;
        if host.is_empty() {
            return Err(err("HOST is empty"));
        }
        Ok(ResolveEntry { host: host.to_ascii_lowercase(), port, addrs })
    }
}

impl FromStr for ConnectTo {
    type Err = OverrideError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why| OverrideError { option: "--connect-to", value: s.to_string(), why };
        let parts = fields(s);
        let [host, port, to_host, to_port] = parts.as_slice() else {
            return Err(err("expected HOST1:PORT1:HOST2:PORT2"));
        };
        let port =
            if port.is_empty() { None } else { Some(port.parse().map_err(|_| err("PORT1 is not a port number"))?) };
        let to_port = to_port.parse().map_err(|_| err("PORT2 is not a port number"))?;
        if to_host.is_empty() {
            return Err(err("HOST2 is empty"));
        }
        Ok(ConnectTo {
            host: (!host.is_empty()).then(|| host.to_ascii_lowercase()),
            port,
            to_host: to_host.trim_start_matches('[').trim_end_matches(']').to_string(),
            to_port,
        })
    }
}

/// All overrides of one run.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub resolve: Vec<ResolveEntry>,
    pub connect_to: Vec<ConnectTo>,
}

/// Where to connect for a host and port, when an override decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Fixed socket addresses, exempt from the private-address guard.
    Pinned(Vec<SocketAddr>),
    /// Connect to another host name (resolved normally) and port.
    Via { host: String, port: u16 },
}

impl Overrides {
    pub fn is_empty(&self) -> bool {
        self.resolve.is_empty() && self.connect_to.is_empty()
    }

    pub fn route(&self, host: &str, port: u16) -> Option<Route> {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if let Some(c) = self
            .connect_to
            .iter()
            .find(|c| c.host.as_deref().is_none_or(|h| h == host) && c.port.is_none_or(|p| p == port))
        {
            return Some(match ip(&c.to_host) {
                Some(addr) => Route::Pinned(vec![SocketAddr::new(addr, c.to_port)]),
                None => match self.route(&c.to_host, c.to_port) {
                    Some(Route::Pinned(addrs)) => Route::Pinned(addrs),
                    _ => Route::Via { host: c.to_host.clone(), port: c.to_port },
                },
            });
        }
        self.resolve
            .iter()
            .find(|r| r.host == host && r.port == port)
            .map(|r| Route::Pinned(r.addrs.iter().map(|a| SocketAddr::new(*a, port)).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_curl_forms() {
        let r: ResolveEntry = "www.example.cn:443:127.0.0.2,[::1]".parse().expect("resolve");
        assert_eq!(r.addrs, ["127.0.0.2".parse::<IpAddr>().expect("ip"), "::1".parse().expect("ip")]);
        let c: ConnectTo = "example.cn:443:127.0.0.1:8443".parse().expect("connect-to");
        assert_eq!((c.host.as_deref(), c.port, c.to_port), (Some("example.cn"), Some(443), 8443));
        let any: ConnectTo = "::127.0.0.1:80".parse().expect("any");
        assert_eq!((any.host, any.port), (None, None));
        assert!("example.cn:x:127.0.0.1".parse::<ResolveEntry>().is_err());
        assert!("example.cn:80:localhost".parse::<ResolveEntry>().is_err());
    }

    #[test]
    fn routes_match_host_and_port() {
        let o = Overrides {
            resolve: vec!["a.cn:80:127.0.0.2".parse().expect("r")],
            connect_to: vec!["b.cn:443:127.0.0.3:9443".parse().expect("c")],
        };
        assert_eq!(o.route("A.cn", 80), Some(Route::Pinned(vec!["127.0.0.2:80".parse().expect("sa")])));
        assert_eq!(o.route("a.cn", 443), None);
        assert_eq!(o.route("b.cn", 443), Some(Route::Pinned(vec!["127.0.0.3:9443".parse().expect("sa")])));
        assert_eq!(o.route("b.cn", 80), None);
    }
}
