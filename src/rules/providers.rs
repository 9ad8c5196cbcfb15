//! Hosting providers (`rules/providers/<id>.toml`): the mainland address ranges and CDN CNAME
//! suffixes a filed domain must resolve into.

use std::net::IpAddr;

use ipnet::IpNet;
use serde::Deserialize;

use crate::net::{DnsAnswer, RangeTable};

/// A provider file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProviderFile {
    /// Must equal the file name without `.toml`; filings name it in their `provider` column.
    pub id: String,
    pub name: String,
    /// Where the ranges come from and when they were taken (for people; part of the rules digest).
    #[serde(default, rename = "source")]
    pub _source: Option<String>,
    /// Mainland IPv4 ranges in CIDR form (Hong Kong and overseas ranges do not belong here).
    #[serde(default)]
    pub ipv4: Vec<String>,
    #[serde(default)]
    pub ipv6: Vec<String>,
    /// A CNAME ending in one of these means the site is served by the provider's CDN.
    #[serde(default)]
    pub cname_suffixes: Vec<String>,
}

/// A provider, compiled.
#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub ranges: RangeTable,
    pub cname_suffixes: Vec<String>,
}

impl Provider {
    pub(crate) fn compile(file: ProviderFile, bad: &mut Vec<String>) -> Provider {
        let mut nets: Vec<IpNet> = Vec::new();
        for (family, text) in file.ipv4.iter().map(|t| (4, t)).chain(file.ipv6.iter().map(|t| (6, t))) {
            match text.trim().parse::<IpNet>() {
                Ok(net) if (family == 4) == matches!(net, IpNet::V4(_)) => nets.push(net),
                Ok(_) => bad.push(format!("{text:?} is not an IPv{family} range")),
                Err(_) => bad.push(format!("{text:?} is not a CIDR range (e.g. 203.0.113.0/24)")),
            }
        }
        Provider {
            id: file.id,
            name: file.name,
            ranges: RangeTable::new(nets),
            cname_suffixes: file
                .cname_suffixes
                .iter()
                .map(|s| s.trim().trim_matches('.').to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        self.ranges.contains(addr)
    }

    /// The CNAME of `answer` that points into this provider's CDN, if any.
    pub fn cdn_cname<'a>(&self, answer: &'a DnsAnswer) -> Option<&'a str> {
        answer
            .cnames
            .iter()
            .find(|c| self.cname_suffixes.iter().any(|s| c.as_str() == s || c.ends_with(&format!(".{s}"))))
            .map(String::as_str)
    }
}
