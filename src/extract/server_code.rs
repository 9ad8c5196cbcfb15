//! PHP code left in a page (`<?php … ?>`, `<?= … ?>`), removed before the HTML parser sees it.
//!
//! A served page never holds it: the server ran it. A template does, and so does a page served
//! without its interpreter. The parser reads `<?` as a bogus comment that ends at the first `>`, and
//! PHP is full of them (`$this->title`, `'zh' => [...]`), so the rest of each block became visible
//! text: a default page's strings array read as its content, a footer's number pushed far from the
//! bottom by code. Without the blocks the page reads as a browser shows it when each block prints
//! nothing, which is what a bogus comment without a `>` inside would have shown too.

use std::borrow::Cow;

/// The page without its PHP blocks; borrowed when it has none. A block that is never closed runs to
/// the end of the page, as PHP runs it.
pub(crate) fn without_php(html: &str) -> Cow<'_, str> {
    let Some(first) = next_block(html, 0) else {
        return Cow::Borrowed(html);
    };
    let mut out = String::with_capacity(html.len());
    let mut from = 0;
    let mut start = first;
    loop {
        out.push_str(&html[from..start]);
        let end = html[start..].find("?>").map_or(html.len(), |i| start + i + 2);
        match next_block(html, end) {
            Some(next) => {
                from = end;
                start = next;
            }
            None => {
                out.push_str(&html[end..]);
                return Cow::Owned(out);
            }
        }
    }
}

/// Where the next block opens at or after `from`: `<?=`, or `<?php` followed by white space.
fn next_block(html: &str, from: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(i) = html[at..].find("<?") {
        let open = at + i;
        let rest = &bytes[open + 2..];
        let php = rest.len() >= 4 && rest[..3].eq_ignore_ascii_case(b"php") && rest[3].is_ascii_whitespace();
        if rest.first() == Some(&b'=') || php {
            return Some(open);
        }
        at = open + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_each_block_and_keeps_the_markup_around_it() {
        let page = "<?php $lang = ['zh' => ['t' => '未绑定']]; ?><title><?= $t ?> - 站点</title><p>a<?PHP\necho $x->y; ?>b</p>";
        assert_eq!(without_php(page), "<title> - 站点</title><p>ab</p>");
    }

    #[test]
    fn an_unclosed_block_runs_to_the_end() {
        assert_eq!(without_php("<p>页脚</p><?php\nfooter($x->icp);"), "<p>页脚</p>");
    }

    #[test]
    fn other_processing_instructions_and_plain_pages_stay() {
        for page in ["<?xml version=\"1.0\"?><html><p>a</p>", "<p>1 <? 2</p>", "<p>no code</p>", "<?phpinfo"] {
            assert!(matches!(without_php(page), Cow::Borrowed(_)), "{page}");
        }
    }
}
