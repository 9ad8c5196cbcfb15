//! The target of an anchor: `href` resolved against the page, or a `window.open` / `location` target
//! in `onclick` or a `javascript:` URL.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

static JS_TARGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:window\.open|location\.(?:href|assign|replace)|location)\s*(?:\(|=)\s*['"]([^'"]+)['"]"#)
        .expect("js target pattern")
});

/// The absolute URL an anchor opens, or `None` for no target, `#`, and bare `javascript:`.
pub(crate) fn anchor_target(href: Option<&str>, onclick: Option<&str>, base: &Url) -> Option<String> {
    let href = href.map(str::trim).filter(|h| !h.is_empty());
    if let Some(h) = href {
        let lower = h.to_ascii_lowercase();
        if lower.starts_with("javascript:") {
            return js_target(h, base).or_else(|| onclick.and_then(|js| js_target(js, base)));
        }
        if !h.starts_with('#') {
            return base.join(h).ok().map(String::from);
        }
    }
    onclick.and_then(|js| js_target(js, base))
}

fn js_target(js: &str, base: &Url) -> Option<String> {
    let caps = JS_TARGET.captures(js)?;
    let target = caps.get(1)?.as_str().trim();
    if target.is_empty() || target.starts_with('#') {
        return None;
    }
    base.join(target).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://www.example.cn/a/b.html").expect("url")
    }

    #[test]
    fn resolves_hrefs_and_script_targets() {
        let b = base();
        assert_eq!(anchor_target(Some("/x"), None, &b).as_deref(), Some("https://www.example.cn/x"));
        assert_eq!(
            anchor_target(Some(" https://beian.miit.gov.cn/ "), None, &b).as_deref(),
            Some("https://beian.miit.gov.cn/")
        );
        assert_eq!(anchor_target(Some("#"), None, &b), None);
        assert_eq!(anchor_target(Some("javascript:void(0)"), None, &b), None);
        assert_eq!(anchor_target(Some(""), None, &b), None);
        assert_eq!(anchor_target(None, None, &b), None);
        assert_eq!(
            anchor_target(Some("#"), Some("window.open('https://beian.miit.gov.cn/')"), &b).as_deref(),
            Some("https://beian.miit.gov.cn/")
        );
        assert_eq!(
            anchor_target(Some("javascript:location.href=\"http://beian.miit.gov.cn\""), None, &b).as_deref(),
            Some("http://beian.miit.gov.cn/")
        );
    }
}
