//! Addresses a scan may not connect to unless an operator pinned them or allowed their network:
//! loopback, private, link-local and the other non-public ranges, including IPv6 forms that embed them.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// The SSRF guard: refuses non-public addresses except in explicitly allowed networks (test farms).
#[derive(Debug, Clone, Default)]
pub struct Guard {
    allow: Vec<IpNet>,
}

impl Guard {
    pub fn new(allow: Vec<IpNet>) -> Self {
        Guard { allow }
    }

    /// `Err(reason)` when the scanner must not connect to `addr`.
    pub fn check(&self, addr: IpAddr) -> Result<(), &'static str> {
        match non_public_reason(addr) {
            Some(_) if self.allow.iter().any(|n| n.contains(&addr)) => Ok(()),
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    }
}

/// Why an address is refused, or `None` when it is public.
pub fn non_public_reason(addr: IpAddr) -> Option<&'static str> {
    match addr {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(a: Ipv4Addr) -> Option<&'static str> {
    let [o0, o1, o2, _] = a.octets();
    let reason = if a.is_loopback() {
        "loopback"
    } else if a.is_private() {
        "private (RFC 1918)"
    } else if a.is_link_local() {
        "link-local"
    } else if o0 == 100 && (64..128).contains(&o1) {
        "shared address space (CGNAT)"
    } else if o0 == 0 || a.is_unspecified() {
        "this network (0.0.0.0/8)"
    } else if a.is_multicast() {
        "multicast"
    } else if a.is_broadcast() {
        "broadcast"
    } else if o0 == 198 && (o1 == 18 || o1 == 19) {
        "benchmarking (198.18.0.0/15)"
    } else if (o0, o1, o2) == (192, 0, 2) || (o0, o1, o2) == (198, 51, 100) || (o0, o1, o2) == (203, 0, 113) {
        "documentation"
    } else if (o0, o1, o2) == (192, 0, 0) || (o0, o1, o2) == (192, 88, 99) {
        "IETF protocol assignment"
    } else if o0 >= 240 {
        "reserved (240.0.0.0/4)"
    } else {
        return None;
    };
    Some(reason)
}

fn v6_reason(a: Ipv6Addr) -> Option<&'static str> {
    if let Some(v4) = a.to_ipv4_mapped() {
        return v4_reason(v4).map(|_| "IPv4-mapped non-public address");
    }
    let s = a.segments();
    let embedded_v4 = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    let reason = if a.is_loopback() {
        "loopback"
    } else if a.is_unspecified() {
        "unspecified"
    } else if s[0] & 0xfe00 == 0xfc00 {
        "unique local (fc00::/7)"
    } else if s[0] & 0xffc0 == 0xfe80 {
        "link-local"
    } else if s[0] & 0xffc0 == 0xfec0 {
        "site-local (deprecated)"
    } else if s[0] & 0xff00 == 0xff00 {
        "multicast"
    } else if s[0] == 0x2001 && s[1] == 0x0db8 {
        "documentation"
    } else if s[0] == 0x2001 && s[1] == 0 {
        // Teredo carries the client's IPv4 address (inverted) and its relay's: a way around the
        // guard, and never a website's own address.
        "Teredo (2001::/32)"
    } else if s[0] == 0x0064 && s[1] == 0xff9b && s[2] == 0x0001 {
        // Local-use NAT64 (RFC 8215) translates into whatever network the operator routes it to.
        "local-use NAT64 (64:ff9b:1::/48)"
    } else if s[0] == 0x0064 && s[1] == 0xff9b && v4_reason(embedded_v4(s[6], s[7])).is_some() {
        "NAT64 of a non-public address"
    } else if s[0] == 0x2002 && v4_reason(embedded_v4(s[1], s[2])).is_some() {
        "6to4 of a non-public address"
    } else if s[..6] == [0; 6] && v4_reason(embedded_v4(s[6], s[7])).is_some() {
        "IPv4-compatible non-public address"
    } else {
        return None;
    };
    Some(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_every_non_public_range_and_embedding() {
        for a in [
            "127.0.0.1",
            "127.9.9.9",
            "10.0.0.5",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.9",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "2002:c0a8:101::1",
            "2001::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "64:ff9b:1::808:808",
            "64:ff9b:1:ffff::1",
        ] {
            let ip: IpAddr = a.parse().expect("ip");
            assert!(non_public_reason(ip).is_some(), "{a} must be refused");
        }
    }

    #[test]
    fn an_allowed_network_lifts_the_guard_for_itself_only() {
        let guard = Guard::new(vec!["127.0.1.0/24".parse().expect("net")]);
        assert!(guard.check("127.0.1.9".parse().expect("ip")).is_ok());
        assert!(guard.check("127.0.0.1".parse().expect("ip")).is_err());
        assert!(Guard::default().check("10.0.0.1".parse().expect("ip")).is_err());
    }

    #[test]
    fn allows_public_addresses() {
        for a in ["1.1.1.1", "223.5.5.5", "100.128.0.1", "172.32.0.1", "2400:3200::1", "64:ff9b::808:808"] {
            let ip: IpAddr = a.parse().expect("ip");
            assert_eq!(non_public_reason(ip), None, "{a}");
        }
    }
}
