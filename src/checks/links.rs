//! Classifying the anchors that carry numbers: the MIIT filing system and the MPS platform.

use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkClass {
    // Ordered worst to best, so the best occurrence of a number can be picked with `max`.
    Missing,
    Wrong,
    Outdated,
    Current,
}

const MIIT_RETIRED_HOSTS: [&str; 5] =
    ["www.beian.miit.gov.cn", "miitbeian.gov.cn", "www.miitbeian.gov.cn", "www.miibeian.gov.cn", "miibeian.gov.cn"];
const MIIT_PAGES: [&str; 2] = ["/Integrated/index", "/Integrated/recordQuery"];

/// `https://beian.miit.gov.cn/` (either scheme; root, `#/Integrated/index` or `#/Integrated/recordQuery`)
/// is current; retired hosts and other paths are outdated; anything else is wrong.
pub fn classify_icp_link(link: Option<&str>) -> LinkClass {
    let Some(url) = link.and_then(|l| Url::parse(l).ok()).filter(|u| matches!(u.scheme(), "http" | "https")) else {
        return LinkClass::Missing;
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    if host == "beian.miit.gov.cn" {
        let root = url.path() == "/" && url.query().is_none();
        let page_ok = url.fragment().is_none_or(|f| {
            let f = f.trim_end_matches('/');
            f.is_empty() || MIIT_PAGES.contains(&f)
        });
        return if root && page_ok { LinkClass::Current } else { LinkClass::Outdated };
    }
    if MIIT_RETIRED_HOSTS.contains(&host.as_str()) { LinkClass::Outdated } else { LinkClass::Wrong }
}

/// `beian.mps.gov.cn/#/query/webSearch?code=<the same code>` is current; the `www.beian.gov.cn` portal is
/// outdated; another host, or a code that is missing or differs, is wrong.
pub fn classify_psb_link(link: Option<&str>, code: &str) -> LinkClass {
    let Some(url) = link.and_then(|l| Url::parse(l).ok()).filter(|u| matches!(u.scheme(), "http" | "https")) else {
        return LinkClass::Missing;
    };
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    match host.as_str() {
        "beian.mps.gov.cn" => {
            let params =
                [url.query().unwrap_or(""), url.fragment().and_then(|f| f.split_once('?')).map_or("", |(_, q)| q)];
            let linked_code =
                params.iter().flat_map(|q| q.split('&')).find_map(|kv| kv.strip_prefix("code=")).map(|c| c.trim());
            if linked_code == Some(code) { LinkClass::Current } else { LinkClass::Wrong }
        }
        "www.beian.gov.cn" | "beian.gov.cn" => LinkClass::Outdated,
        _ => LinkClass::Wrong,
    }
}

/// The three link checks of a number (`missing`, `outdated`, `wrong`, in that order) for its best link.
pub(super) fn link_findings(class: LinkClass, [missing, outdated, wrong]: [&'static str; 3]) -> [super::Finding; 3] {
    use super::Finding;
    let not_linked = "the number is not linked";
    match class {
        LinkClass::Current => [Finding::pass(missing), Finding::pass(outdated), Finding::pass(wrong)],
        LinkClass::Outdated => [Finding::pass(missing), Finding::fail(outdated), Finding::pass(wrong)],
        LinkClass::Wrong => [Finding::pass(missing), Finding::pass(outdated), Finding::fail(wrong)],
        LinkClass::Missing => {
            [Finding::fail(missing), Finding::skipped(outdated, not_linked), Finding::skipped(wrong, not_linked)]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LinkClass::*;

    #[test]
    fn miit_links() {
        for l in [
            "https://beian.miit.gov.cn/",
            "http://beian.miit.gov.cn",
            "https://beian.miit.gov.cn/#/Integrated/index",
            "https://beian.miit.gov.cn/#/Integrated/recordQuery",
        ] {
            assert_eq!(classify_icp_link(Some(l)), Current, "{l}");
        }
        for l in [
            "http://www.beian.miit.gov.cn/",
            "http://www.miitbeian.gov.cn/",
            "http://miitbeian.gov.cn/publish/query/indexFirst.action",
            "http://www.miibeian.gov.cn/",
            "https://beian.miit.gov.cn/publish/query/indexFirst.action",
        ] {
            assert_eq!(classify_icp_link(Some(l)), Outdated, "{l}");
        }
        for l in ["http://www.miit.gov.cn/", "http://www.beian.gov.cn/", "https://icp.chinaz.com/x"] {
            assert_eq!(classify_icp_link(Some(l)), Wrong, "{l}");
        }
        assert_eq!(classify_icp_link(None), Missing);
        assert_eq!(classify_icp_link(Some("mailto:a@b.cn")), Missing);
    }

    #[test]
    fn mps_links() {
        let code = "11010502000001";
        assert_eq!(
            classify_psb_link(Some("https://beian.mps.gov.cn/#/query/webSearch?code=11010502000001"), code),
            Current
        );
        assert_eq!(
            classify_psb_link(Some("https://beian.mps.gov.cn/#/query/webSearch?code=11010502000002"), code),
            Wrong
        );
        assert_eq!(classify_psb_link(Some("https://beian.mps.gov.cn/#/query/webSearch"), code), Wrong);
        assert_eq!(
            classify_psb_link(
                Some("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=11010502000001"),
                code
            ),
            Outdated
        );
        assert_eq!(classify_psb_link(Some("https://example.cn/"), code), Wrong);
        assert_eq!(classify_psb_link(None, code), Missing);
    }
}
