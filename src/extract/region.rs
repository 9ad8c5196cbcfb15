//! Which parts of a page are its bottom region (the footer) and which are its main content.
//!
//! Footers are built in many ways: a `<footer>` element, a block whose id or class says so, or
//! simply the last blocks of the document. Numbers that stand in article text are not footer numbers.

use std::sync::LazyLock;

use regex::Regex;

static FOOTER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)foot|copyright|copy-?right|(^|\s)copy(\s|$)|bottom|beian|(^|[-_\s])icp|banquan|(^|[-_\s])(bq|ft|record)([-_\s]|$)",
    )
    .expect("footer pattern")
});
static NOT_FOOTER_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)footnote|foot-?note|bottom-?nav|tabbar").expect("not-footer pattern"));
static MAIN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(^|[-_\s])(article|post-?content|entry-?content|news-?content|article-?content|content-?text|main-?text|detail-?content|TRS_Editor)([-_\s]|$)")
        .expect("main pattern")
});

/// An element's id and class say it is (part of) the footer.
pub(crate) fn names_footer(id: Option<&str>, class: Option<&str>) -> bool {
    [id, class].into_iter().flatten().any(|v| FOOTER_NAME.is_match(v) && !NOT_FOOTER_NAME.is_match(v))
}

/// An element's id and class say it holds the article body.
pub(crate) fn names_main(id: Option<&str>, class: Option<&str>) -> bool {
    [id, class].into_iter().flatten().any(|v| MAIN_NAME.is_match(v))
}

/// The share of a page's visible text, counted from its end, that is taken as its bottom region when
/// no element names it.
pub(crate) const TAIL_SHARE: f64 = 0.3;
/// The bottom region is at least this many visible characters long (short pages are all footer).
pub(crate) const TAIL_MIN_CHARS: usize = 600;

/// The page's last visible characters are its bottom whatever names its blocks bear: a CMS that wraps every
/// edited snippet in its article class (TRS's `TRS_Editor`, the footer's copyright and filing lines too,
/// dev c3340) still shows them last.
pub(crate) const LAST_CHARS: usize = 120;

/// Where the position-based bottom region starts, in visible characters.
pub(crate) fn tail_start(visible_chars: usize) -> usize {
    let share = (visible_chars as f64 * TAIL_SHARE) as usize;
    visible_chars.saturating_sub(share.max(TAIL_MIN_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footer_names() {
        for name in [
            "footer",
            "site-footer",
            "g-footer",
            "copyright",
            "bottom",
            "beian",
            "ft copy",
            "icp-info",
            "ft",
            "g-ft",
            "wrap ft",
            "record",
            "beian-record",
        ] {
            assert!(names_footer(None, Some(name)), "{name}");
        }
        for name in ["footnote", "header", "copy-btn-x", "topic", "bottom-nav", "left", "soft", "records-list"] {
            assert!(!names_footer(Some(name), None), "{name}");
        }
    }

    #[test]
    fn tail_covers_short_pages_whole() {
        assert_eq!(tail_start(500), 0);
        assert_eq!(tail_start(10_000), 7_000);
    }
}
