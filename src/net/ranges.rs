//! Membership of an address in many CIDR ranges: a prefix trie per address family, so a provider
//! with thousands of ranges costs a walk down at most 32 or 128 bits, not a scan of every range.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixSet;

#[derive(Debug, Clone, Default)]
pub struct RangeTable {
    v4: PrefixSet<Ipv4Net>,
    v6: PrefixSet<Ipv6Net>,
    len: usize,
}

impl RangeTable {
    pub fn new(ranges: impl IntoIterator<Item = IpNet>) -> Self {
        let mut table = RangeTable::default();
        for net in ranges {
            match net.trunc() {
                IpNet::V4(n) => {
                    table.v4.insert(n);
                }
                IpNet::V6(n) => {
                    table.v6.insert(n);
                }
            }
            table.len += 1;
        }
        table
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        match addr {
            IpAddr::V4(a) => self.v4.get_lpm(&Ipv4Net::from(a)).is_some(),
            // An IPv4-mapped IPv6 answer is the IPv4 address.
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => self.v4.get_lpm(&Ipv4Net::from(v4)).is_some(),
                None => self.v6.get_lpm(&Ipv6Net::from(a)).is_some(),
            },
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_membership() {
        let t = RangeTable::new(
            ["203.0.113.0/24", "198.51.100.128/25", "2001:db8:10::/48"].map(|s| s.parse().expect("net")),
        );
        for inside in ["203.0.113.7", "198.51.100.200", "2001:db8:10::1", "::ffff:203.0.113.9"] {
            assert!(t.contains(inside.parse().expect("ip")), "{inside}");
        }
        for outside in ["203.0.114.1", "198.51.100.5", "2001:db8:11::1", "10.0.0.1"] {
            assert!(!t.contains(outside.parse().expect("ip")), "{outside}");
        }
        assert_eq!(t.len(), 3);
    }
}
