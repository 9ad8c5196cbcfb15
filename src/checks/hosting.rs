//! Hosting: the filed domain has an address, inside the filing's provider, and (commercial
//! filings) the addresses it was filed with.

use std::net::IpAddr;

use super::{CheckInput, Finding, NO_FILING};
use crate::net::DnsAnswer;
use crate::net::ErrorKind;

pub(super) fn run(input: &CheckInput<'_>, out: &mut Vec<Finding>) {
    let Some(main) = input.dns.first() else {
        let why = "the target is an IP address";
        out.extend(
            ["hosting.no_address", "hosting.off_provider", "hosting.ip_changed"].map(|id| Finding::skipped(id, why)),
        );
        return;
    };
    out.push(no_address(main));
    out.push(off_provider(input));
    out.push(ip_changed(input, main));
}

fn addresses_text(addrs: &[IpAddr]) -> String {
    addrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")
}

fn no_address(main: &DnsAnswer) -> Finding {
    const ID: &str = "hosting.no_address";
    match &main.error {
        None if !main.addresses.is_empty() => Finding::pass(ID).found(addresses_text(&main.addresses)),
        Some(e) if matches!(e.kind, ErrorKind::Nxdomain | ErrorKind::Nodata) => {
            Finding::fail(ID).detail(format!("{:?}: {}", e.kind, e.detail)).found(e.detail.clone())
        }
        Some(e) => Finding::inconclusive(ID, &format!("DNS did not answer ({:?}): {}", e.kind, e.detail)),
        None => Finding::inconclusive(ID, "no answer recorded"),
    }
}

fn off_provider(input: &CheckInput<'_>) -> Finding {
    const ID: &str = "hosting.off_provider";
    let Some(filing) = input.filing else {
        return Finding::skipped(ID, NO_FILING);
    };
    let Some(id) = filing.provider.as_deref() else {
        return Finding::skipped(ID, "no provider recorded in the filing");
    };
    let Some(provider) = input.rules.providers.get(id) else {
        return Finding::inconclusive(ID, &format!("no rules/providers/{id}.toml to check against"));
    };
    let answered: Vec<&DnsAnswer> = input.dns.iter().filter(|a| !a.addresses.is_empty()).collect();
    if answered.is_empty() {
        return match input.dns.iter().find_map(|a| a.error.as_ref()) {
            Some(e) if !matches!(e.kind, ErrorKind::Nxdomain | ErrorKind::Nodata) => {
                Finding::inconclusive(ID, &format!("DNS did not answer ({:?})", e.kind))
            }
            _ => Finding::skipped(ID, "no address (see hosting.no_address)"),
        };
    }
    // One filed name (the host or its www./apex sibling) served by the provider is enough.
    for answer in &answered {
        if let Some(inside) = answer.addresses.iter().find(|a| provider.contains(**a)) {
            return Finding::pass(ID).found(format!("{} -> {inside}", answer.host)).expected(provider.name.clone());
        }
        if let Some(cname) = provider.cdn_cname(answer) {
            return Finding::pass(ID)
                .found(format!("{} -> CNAME {cname}", answer.host))
                .expected(provider.name.clone());
        }
    }
    let found = answered
        .iter()
        .map(|a| {
            let chain = if a.cnames.is_empty() { String::new() } else { format!(" (CNAME {})", a.cnames.join(" -> ")) };
            format!("{} -> {}{chain}", a.host, addresses_text(&a.addresses))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Finding::fail(ID)
        .detail(format!("no address in the ranges of {} and no CNAME into its CDN", provider.name))
        .expected(format!("{} ({})", provider.name, provider.id))
        .found(found)
}

fn ip_changed(input: &CheckInput<'_>, main: &DnsAnswer) -> Finding {
    const ID: &str = "hosting.ip_changed";
    let Some(filing) = input.filing else {
        return Finding::skipped(ID, NO_FILING);
    };
    if !filing.is_commercial() {
        return Finding::skipped(ID, "non-commercial filing");
    }
    if filing.filed_ips.is_empty() {
        return Finding::skipped(ID, "no IP recorded in the filing");
    }
    if main.addresses.is_empty() {
        return Finding::skipped(ID, "no address (see hosting.no_address)");
    }
    let unfiled: Vec<IpAddr> = main.addresses.iter().copied().filter(|a| !filing.filed_ips.contains(a)).collect();
    let expected = addresses_text(&filing.filed_ips);
    if unfiled.is_empty() {
        Finding::pass(ID).expected(expected).found(addresses_text(&main.addresses))
    } else {
        Finding::fail(ID)
            .detail(format!("not filed: {}", addresses_text(&unfiled)))
            .expected(expected)
            .found(addresses_text(&main.addresses))
    }
}
