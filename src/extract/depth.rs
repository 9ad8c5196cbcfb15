//! A bound on element nesting, applied before the HTML parser sees a page.
//!
//! The HTML tree builder checks "has an element in scope" by walking its stack of open elements, so
//! a page of 200,000 nested `<div>`s costs it time quadratic in the depth (minutes of CPU for 2 MB).
//! Browsers bound the depth for the same reason (Chromium attaches elements past 512 levels to the
//! element at the limit). This pass does the same in one linear scan of the markup: it tracks an
//! approximation of the open-element stack and, past [`MAX_DEPTH`], drops the start tag of each
//! further element together with its end tag, so the content stays and only the nesting goes (links
//! and footers keep a few levels more, since they carry what the checks judge). A page
//! that never nests that deep is passed through untouched.

use std::borrow::Cow;

/// Nesting beyond this many levels is flattened. Real pages stay far below (the corpus's deepest
/// page nests about 40 levels); the parser's cost per element is proportional to it.
pub(crate) const MAX_DEPTH: usize = 256;
/// Levels past [`MAX_DEPTH`] still open to links and `<footer>`s.
const EXTRA_DEPTH: usize = 16;
/// How far down the stack an end tag looks for its element; an end tag that matches nothing
/// within this reach is ignored, as the parser ignores stray end tags.
const END_TAG_REACH: usize = 64;

/// Elements that never stay open (void) or close themselves when a sibling opens (optional end
/// tags); they do not deepen the stack.
const FLAT: [&str; 33] = [
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta",
    "param", "source", "track", "wbr", "frame", "image", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
    "rb", "rt", "rp", "html", "body",
];
/// Elements whose content is text up to their end tag.
const RAW_TEXT: [&str; 10] =
    ["script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title", "plaintext"];

struct Open {
    name: String,
    dropped: bool,
}

/// The page with nesting bounded; borrowed when nothing had to change.
pub(crate) fn bound_depth(html: &str) -> Cow<'_, str> {
    let cuts = cuts(html);
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (start, end) in cuts {
        out.push_str(&html[at..start]);
        at = end;
    }
    out.push_str(&html[at..]);
    Cow::Owned(out)
}

/// The byte ranges of the tags to drop, in order.
fn cuts(html: &str) -> Vec<(usize, usize)> {
    let b = html.as_bytes();
    let mut cuts = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    // Inside <svg> or <math> a self-closing tag really closes (in HTML it does not).
    let mut foreign = 0usize;
    // Entries of `open` whose tags are dropped: the parser sees `open.len() - dropped_open` levels.
    let mut dropped_open = 0usize;
    let mut i = 0;
    while let Some(off) = memchr(b'<', &b[i..]) {
        let lt = i + off;
        i = lt + 1;
        let Some(&next) = b.get(i) else { break };
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        if next == b'!' || next == b'?' {
            i = find(b, i, b">").map_or(b.len(), |e| e + 1);
            continue;
        }
        let end_tag = next == b'/';
        let name_start = if end_tag { i + 1 } else { i };
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            if end_tag {
                // `</3>`: a bogus comment up to `>`.
                i = find(b, i, b">").map_or(b.len(), |e| e + 1);
            }
            continue;
        }
        let mut j = name_start;
        while j < b.len() && !matches!(b[j], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'/' | b'>') {
            j += 1;
        }
        let name = html[name_start..j].to_ascii_lowercase();
        let (tag_end, self_closing) = tag_end(b, j);
        i = tag_end;
        if end_tag {
            if let Some(k) = open.iter().rev().take(END_TAG_REACH).position(|o| o.name == name) {
                let at = open.len() - 1 - k;
                if open[at].dropped {
                    cuts.push((lt, tag_end));
                }
                for closed in open.drain(at..) {
                    foreign -= usize::from(is_foreign(&closed.name));
                    dropped_open -= usize::from(closed.dropped);
                }
            }
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) && foreign == 0 {
            i = raw_text_end(b, i, name.as_bytes());
            continue;
        }
        if FLAT.contains(&name.as_str()) || (self_closing && foreign > 0) {
            continue;
        }
        if name == "a" {
            // A new link closes the one still open (the parser's adoption of `<a>` in `<a>`).
            if let Some(k) = open.iter().rev().take(END_TAG_REACH).position(|o| o.name == "a") {
                let at = open.len() - 1 - k;
                for closed in open.drain(at..) {
                    foreign -= usize::from(is_foreign(&closed.name));
                    dropped_open -= usize::from(closed.dropped);
                }
            }
        }
        // Links and footers carry what the checks judge: past the limit they keep a few levels more.
        let depth = open.len() - dropped_open;
        let kept_past_limit = matches!(name.as_str(), "a" | "footer") && depth < MAX_DEPTH + EXTRA_DEPTH;
        let dropped = depth >= MAX_DEPTH && !kept_past_limit;
        if dropped {
            cuts.push((lt, tag_end));
            dropped_open += 1;
        }
        foreign += usize::from(is_foreign(&name));
        open.push(Open { name, dropped });
    }
    cuts
}

fn is_foreign(name: &str) -> bool {
    matches!(name, "svg" | "math")
}

/// Where a tag whose name ends at `j` ends (after its `>`), and whether it is written `/>`;
/// attribute values in quotes may hold `>`.
fn tag_end(b: &[u8], mut j: usize) -> (usize, bool) {
    let mut last = 0u8;
    while j < b.len() {
        match b[j] {
            b'>' => return (j + 1, last == b'/'),
            b'=' => {
                j += 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if let Some(&q) = b.get(j).filter(|&&q| q == b'"' || q == b'\'') {
                    j = memchr(q, &b[j + 1..]).map_or(b.len(), |e| j + 1 + e + 1);
                    last = q;
                    continue;
                }
                last = b'=';
                continue;
            }
            c if !c.is_ascii_whitespace() => last = c,
            _ => {}
        }
        j += 1;
    }
    (b.len(), false)
}

/// Where the raw text of an element named `name` ends: at its end tag (left for the caller to read).
fn raw_text_end(b: &[u8], mut i: usize, name: &[u8]) -> usize {
    if name == b"plaintext" {
        return b.len();
    }
    while let Some(off) = find(b, i, b"</") {
        let at = off + 2;
        if b.len() >= at + name.len() && b[at..at + name.len()].eq_ignore_ascii_case(name) {
            return off;
        }
        i = at;
    }
    b.len()
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= b.len() {
        return None;
    }
    b[from..].windows(needle.len()).position(|w| w == needle).map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_pages_pass_untouched() {
        let page = "<html><body><div class='a>b'><p>x<p>y<ul><li>1<li>2</ul><svg><path/><path/></svg></div>\
                    <script>if (a<b) document.write('<div><div>')</script><!-- <div> --></body></html>";
        assert!(matches!(bound_depth(page), Cow::Borrowed(_)));
    }

    #[test]
    fn deep_nesting_is_flattened_past_the_limit_and_text_stays() {
        let n = MAX_DEPTH + 50;
        let page = format!("<body>{}京ICP备12345678号{}<p>after</p></body>", "<div>".repeat(n), "</div>".repeat(n));
        let bounded = bound_depth(&page);
        assert_eq!(bounded.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(bounded.matches("</div>").count(), MAX_DEPTH);
        assert!(bounded.contains("京ICP备12345678号") && bounded.contains("<p>after</p>"));
    }

    #[test]
    fn unclosed_links_and_self_closing_foreign_tags_do_not_deepen() {
        let page = format!("<body>{}<svg>{}</svg></body>", "<a href=/x>x".repeat(2000), "<g/>".repeat(2000));
        assert!(matches!(bound_depth(&page), Cow::Borrowed(_)));
    }
}

#[cfg(test)]
mod corpus {
    use super::*;

    /// The bound never touches a real page: the labelled corpus reads exactly as the parser alone reads it.
    #[test]
    fn no_corpus_page_nests_to_the_limit() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut pages = 0;
        for set in std::fs::read_dir(root).expect("fixtures").flatten() {
            for page in std::fs::read_dir(set.path()).into_iter().flatten().flatten() {
                let Ok(bytes) = std::fs::read(page.path().join("page.html")) else { continue };
                let text = String::from_utf8_lossy(&bytes);
                assert!(matches!(bound_depth(&text), Cow::Borrowed(_)), "{}", page.path().display());
                pages += 1;
            }
        }
        assert!(pages > 50, "{pages} pages");
    }
}
