//! Whether a static page needs rendering before it is judged: it shows no filing number in its
//! footer and looks built by script. Pure: the page's text and facts in, a reason out.

use std::sync::LazyLock;

use regex::Regex;

use crate::classify::Classification;
use crate::extract::PageFacts;
use crate::rules::PlaceholderKind;

/// Why a page was rendered (or would have been), as the result reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenderReason {
    /// `--render always`.
    Always,
    /// An empty application mount point (`#app`, `#root`, `#__next`, …).
    AppRoot,
    /// Little visible text beside scripts: the body is written by them.
    ScriptBody,
    /// A `<noscript>` asking the visitor to enable JavaScript.
    Noscript,
    /// Inline script that loads or writes markup (`document.write`, XHR/fetch, jQuery `.load`).
    ScriptLoadedFragment,
}

impl RenderReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RenderReason::Always => "always",
            RenderReason::AppRoot => "app_root",
            RenderReason::ScriptBody => "script_body",
            RenderReason::Noscript => "noscript",
            RenderReason::ScriptLoadedFragment => "script_loaded_fragment",
        }
    }
}

static NOSCRIPT_ASKS_FOR_JS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<noscript[^>]*>[^<]{0,400}?(?:javascript|启用|开启|打开|允许)").expect("noscript pattern")
});

/// Inline script that fetches or writes markup into the page.
static WRITES_MARKUP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"document\.write(?:ln)?\s*\(|\.innerHTML\s*=|insertAdjacentHTML|XMLHttpRequest|\bfetch\s*\(|\$\.(?:ajax|get|getJSON|post)\s*\(|\.load\s*\(\s*['\x22]|\.html\s*\(",
    )
    .expect("script pattern")
});

static INLINE_SCRIPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<script\b[^>]*>(.*?)</script>").expect("inline script pattern"));

/// Visible characters below which a page with scripts is taken as written by them.
const SCRIPT_BODY_MAX_CHARS: usize = 300;
/// Visible characters below which an app mount point is taken as not yet rendered on the server.
const APP_ROOT_MAX_CHARS: usize = 2000;

/// The reason to render a page whose footer shows no number, or `None` when it is a static page
/// (or already shows its number).
///
/// A page the served text already places as a server or panel default, a parked or
/// under-construction page, or an interception page is judged as served: what it is does not depend
/// on what its scripts add, and a render that failed would only turn a clear finding into an unknown.
/// A blank page is another matter: blank is what an application shell looks like before it runs.
pub fn needs_render(html: &str, facts: &PageFacts, classification: &Classification) -> Option<RenderReason> {
    if facts.icp.iter().any(|n| n.in_footer) {
        return None;
    }
    let placed = classification.placeholder.as_ref().is_some_and(|(kind, _)| *kind != PlaceholderKind::Blank);
    if placed || classification.blocked.is_some() {
        return None;
    }
    let scripts = facts.signals.scripts > 0 || html.contains("<script");
    if !scripts {
        return None;
    }
    if facts.signals.app_root && facts.visible_chars < APP_ROOT_MAX_CHARS {
        return Some(RenderReason::AppRoot);
    }
    if facts.visible_chars < SCRIPT_BODY_MAX_CHARS {
        return Some(RenderReason::ScriptBody);
    }
    if NOSCRIPT_ASKS_FOR_JS.is_match(html) {
        return Some(RenderReason::Noscript);
    }
    if INLINE_SCRIPT.captures_iter(html).filter_map(|c| c.get(1)).any(|body| WRITES_MARKUP.is_match(body.as_str())) {
        return Some(RenderReason::ScriptLoadedFragment);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn reason(html: &str) -> Option<RenderReason> {
        let rules = RuleSet::embedded();
        let url = url::Url::parse("http://example.cn/").expect("url");
        let facts = crate::extract::extract(html, &url, &rules.provinces);
        let classification = crate::classify::classify(&facts, &rules);
        needs_render(html, &facts, &classification)
    }

    #[test]
    fn static_pages_are_not_rendered() {
        let filler = "公司简介 产品中心 新闻动态 联系我们 ".repeat(40);
        assert_eq!(reason(&format!("<p>{filler}</p><footer>京ICP备12345678号-1</footer>")), None);
        assert_eq!(reason(&format!("<p>{filler}</p><script src=a.js></script>")), None);
        assert_eq!(reason("<p>short page without scripts</p>"), None);
        // The number is there already: no need, whatever the scripts do.
        assert_eq!(reason("<div id=app></div><footer>京ICP备12345678号-1</footer><script src=a.js></script>"), None);
        // A parked page is one as served, whatever its scripts do.
        assert_eq!(reason("<h1>该域名正在出售</h1><p>域名出售 联系我们</p><script src=/track.js></script>"), None);
    }

    #[test]
    fn script_built_pages_are_rendered() {
        assert_eq!(reason("<div id=app></div><script src=/assets/index.js></script>"), Some(RenderReason::AppRoot));
        assert_eq!(reason("<div class=x>Loading</div><script src=/main.js></script>"), Some(RenderReason::ScriptBody));
        let filler = "公司简介 产品中心 新闻动态 联系我们 ".repeat(40);
        assert_eq!(
            reason(&format!("<p>{filler}</p><noscript>请启用 JavaScript</noscript><script src=a.js></script>")),
            Some(RenderReason::Noscript)
        );
        assert_eq!(
            reason(&format!("<p>{filler}</p><div id=ft></div><script>$('#ft').load('footer.html')</script>")),
            Some(RenderReason::ScriptLoadedFragment)
        );
        assert_eq!(
            reason(&format!("<p>{filler}</p><script>document.write('<p>京ICP备')</script>")),
            Some(RenderReason::ScriptLoadedFragment)
        );
    }
}
