//! Host names: normalising (IDN to punycode, case, trailing dot) and the registrable domain.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a domain name: {0:?}")]
pub struct DomainError(pub String);

/// The ASCII form of a host name as the scanner stores and compares it.
pub fn normalise_host(input: &str) -> Result<String, DomainError> {
    let trimmed = input.trim().trim_end_matches('.');
    if trimmed.is_empty() || trimmed.contains(['/', ':', '@', ' ', '?', '#']) {
        return Err(DomainError(input.to_string()));
    }
    let url = url::Url::parse(&format!("http://{trimmed}/")).map_err(|_| DomainError(input.to_string()))?;
    match url.host() {
        Some(url::Host::Domain(d)) if is_hostname(d) => Ok(d.to_string()),
        _ => Err(DomainError(input.to_string())),
    }
}

/// At least two labels, none empty or longer than 63 bytes, 253 in all.
fn is_hostname(d: &str) -> bool {
    d.len() <= 253 && d.split('.').count() >= 2 && d.split('.').all(|l| !l.is_empty() && l.len() <= 63)
}

/// `www.example.com.cn` -> `example.com.cn`; the host itself when the suffix list does not know it.
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&host).map(str::to_string).unwrap_or(host)
}

/// The host as a person reads it (punycode back to Unicode).
pub fn display_host(host: &str) -> String {
    let (unicode, result) = idna::domain_to_unicode(host);
    if result.is_ok() { unicode } else { host.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_dot_and_idn() {
        assert_eq!(normalise_host("WWW.Example.CN.").as_deref(), Ok("www.example.cn"));
        assert_eq!(normalise_host("例子.中国").as_deref(), Ok("xn--fsqu00a.xn--fiqs8s"));
        assert!(normalise_host("http://a.cn/").is_err());
        assert!(normalise_host("localhost").is_err());
        assert!(normalise_host("bad..cn").is_err());
        assert!(normalise_host(&format!("{}.cn", "a".repeat(64))).is_err());
        assert_eq!(display_host("xn--fsqu00a.xn--fiqs8s"), "例子.中国");
    }

    #[test]
    fn registrable_domain_uses_the_suffix_list() {
        assert_eq!(registrable_domain("www.example.com.cn"), "example.com.cn");
        assert_eq!(registrable_domain("a.b.example.cn"), "example.cn");
    }
}
