//! The names a page calls itself and the organisation it names as its operator.

use crate::extract::PageFacts;
pub use crate::extract::is_organisation;
use crate::text::fold;

const TITLE_SEPARATORS: [char; 12] = ['-', '_', '|', '–', '—', '·', ':', '：', '丨', '｜', '·', '>'];
/// A title part longer than this is a headline, not a name.
const PART_MAX_CHARS: usize = 24;
const GENERIC_NAMES: [&str; 8] = ["首页", "document", "home", "index", "网站名称", "主页", "welcome", "untitled"];
/// Title segments, og:site_name, the main heading and the logo's alt text, without repeats or the
/// generic words templates leave ("首页", "Document").
pub fn site_names(facts: &PageFacts) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        let s = s.trim();
        let key = fold(s);
        if s.is_empty() || GENERIC_NAMES.iter().any(|g| key == *g) {
            return;
        }
        if !out.iter().any(|o| fold(o) == key) {
            out.push(s.to_string());
        }
    };
    if let Some(title) = &facts.title {
        add(title);
        if title.contains(TITLE_SEPARATORS) {
            for part in title.split(TITLE_SEPARATORS).filter(|p| p.trim().chars().count() <= PART_MAX_CHARS) {
                add(part);
            }
        }
    }
    for name in [&facts.og_site_name, &facts.heading, &facts.logo_alt].into_iter().flatten() {
        add(name);
    }
    out
}

/// The holder the copyright lines name, preferring a Chinese organisation's full name.
pub fn operator_of(facts: &PageFacts) -> Option<String> {
    let holders: Vec<&str> = facts.copyright.iter().filter_map(|c| c.holder.as_deref()).collect();
    let rank = |h: &&str| {
        let han = h.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        (is_organisation(h) && han, is_organisation(h), han, h.chars().count())
    };
    holders.iter().max_by_key(|h| rank(h)).map(|h| h.to_string())
}
