//! Redirects a browser follows that HTTP does not show: `<meta http-equiv="refresh">` and the
//! one-line `location.href = "…"` stubs many homepages are. Judging the stub instead of the page it
//! forwards to would report a missing number that the site does show.

use std::sync::LazyLock;

use regex::bytes::Regex;

/// How far into a page a refresh is looked for (it belongs in `<head>`).
const HEAD_BYTES: usize = 8192;
/// A page this small with a script redirect is a stub; larger pages are judged as they are.
const STUB_BYTES: usize = 4096;
/// Longer delays are a page meant to be read first.
const MAX_DELAY_SECS: u32 = 5;

static META_REFRESH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<meta\b[^>]*?http-equiv\s*=\s*["']?refresh["']?[^>]*?content\s*=\s*["']?\s*(\d+)\s*[;,]\s*url\s*=\s*['"]?([^"'>\s]+)"#)
        .expect("meta refresh pattern")
});
static META_REFRESH_CONTENT_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<meta\b[^>]*?content\s*=\s*["']?\s*(\d+)\s*[;,]\s*url\s*=\s*['"]?([^"'>\s]+)[^>]*?http-equiv\s*=\s*["']?refresh"#)
        .expect("meta refresh pattern")
});
/// The word every refresh carries: a head without it (most pages) needs no other search.
static REFRESH_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)refresh").expect("refresh word"));
/// `<noscript>` blocks and comments: a refresh there is not what a browser with scripts does.
static INERT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<noscript\b.*?</noscript\s*>|<!--.*?-->").expect("inert pattern"));
static SCRIPT_LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']|location\.(?:replace|assign)\(\s*["']([^"']+)["']\s*\)"#)
        .expect("script location pattern")
});

/// How a client-side redirect was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    MetaRefresh,
    Script,
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::MetaRefresh => "meta_refresh",
            Via::Script => "script",
        }
    }
}

/// The target a browser would go on to, as written in the page (resolve it against the page URL).
pub fn client_redirect(body: &[u8]) -> Option<(String, Via)> {
    let head = &body[..body.len().min(HEAD_BYTES)];
    // Removing the inert blocks only takes text away, so a head without the word has no refresh after.
    let head = if REFRESH_WORD.is_match(head) { INERT.replace_all(head, &b""[..]) } else { b""[..].into() };
    for re in [&*META_REFRESH, &*META_REFRESH_CONTENT_FIRST] {
        if let Some(c) = re.captures(&head) {
            let delay: u32 = std::str::from_utf8(&c[1]).ok()?.parse().ok()?;
            if delay <= MAX_DELAY_SECS {
                return Some((String::from_utf8_lossy(&c[2]).into_owned(), Via::MetaRefresh));
            }
        }
    }
    if body.len() <= STUB_BYTES
        && let Some(c) = SCRIPT_LOCATION.captures(body)
    {
        let target = c.get(1).or_else(|| c.get(2))?;
        return Some((String::from_utf8_lossy(target.as_bytes()).into_owned(), Via::Script));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_refreshes_and_stubs() {
        let page = br#"<html><head><meta http-equiv="Refresh" content="0; URL=/cn/index.html"></head></html>"#;
        assert_eq!(client_redirect(page), Some(("/cn/index.html".into(), Via::MetaRefresh)));
        let reversed = br#"<meta content='1;url=http://www.example.cn/' http-equiv='refresh'>"#;
        assert_eq!(client_redirect(reversed), Some(("http://www.example.cn/".into(), Via::MetaRefresh)));
        let stub = br#"<script>window.location.href = "/home.html";</script>"#;
        assert_eq!(client_redirect(stub), Some(("/home.html".into(), Via::Script)));
        let replace = br#"<script>location.replace('/m/')</script>"#;
        assert_eq!(client_redirect(replace), Some(("/m/".into(), Via::Script)));
    }

    #[test]
    fn leaves_real_pages_alone() {
        assert_eq!(client_redirect(br#"<meta http-equiv="refresh" content="300; url=/">"#), None, "a slow refresh");
        let mut big = vec![b' '; 5000];
        big.extend_from_slice(br#"<script>if (mobile) location.href = "/m/";</script>"#);
        assert_eq!(client_redirect(&big), None, "a real page that redirects some visitors");
        assert_eq!(client_redirect(b"<p>hello</p>"), None);
        let noscript =
            br#"<head><noscript><meta http-equiv="refresh" content="0; url=/noscript.htm"/></noscript></head>"#;
        assert_eq!(client_redirect(noscript), None, "only browsers without scripts follow it");
        assert_eq!(client_redirect(br#"<!-- <meta http-equiv="refresh" content="0;url=/x"> -->"#), None);
    }
}
