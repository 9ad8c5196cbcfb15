//! PHP code left in a page (`<?php … ?>`, `<?= … ?>`), removed before the HTML parser sees it.
//!
//! A served page never holds it: the server ran it. A template does, and so does a page served
//! without its interpreter. The parser reads `<?` as a bogus comment that ends at the first `>`, and
//! PHP is full of them (`$this->title`, `'zh' => [...]`), so the rest of each block became visible
//! text: a default page's strings array read as its content, a footer's number pushed far from the
//! bottom by code. Without the blocks the page reads as a browser shows it when each block prints
//! nothing, which is what a bogus comment without a `>` inside would have shown too — unless the block
//! prints markup of its own: a theme that writes its footer as `echo '<a href=…>湘ICP备…</a>'` (dev
//! r954) shows that footer when it runs, so the strings such a block prints stay, in order.

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
        let close = html[start..].find("?>").map(|i| start + i);
        let end = close.map_or(html.len(), |c| c + 2);
        let short_echo = html[start..].starts_with("<?=");
        let code = &html[start + if short_echo { 3 } else { 5 }..close.unwrap_or(html.len())];
        if let Some(markup) = printed_markup(code, short_echo) {
            out.push_str(&markup);
        }
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

/// The string literals a block prints (the arguments of `echo` and `print`, or the whole of a `<?=`
/// block, outside any call's parentheses), joined in order — when they hold markup. A block that prints
/// only text or variables is dropped as before: its words depend on data the template does not hold.
fn printed_markup(code: &str, short_echo: bool) -> Option<String> {
    let bytes = code.as_bytes();
    let mut out = String::new();
    let mut printing = short_echo;
    let mut statement_start = !short_echo;
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                let (literal, next) = string_literal(code, i + 1, quote);
                if printing && depth == 0 {
                    out.push_str(&literal);
                }
                statement_start = false;
                i = next;
                continue;
            }
            // Comments run to the end of their line (or the block), or to `*/`.
            b'#' => i = code[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = code[i..].find('\n').map_or(bytes.len(), |n| i + n),
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = code[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2)
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth = depth.saturating_sub(1),
            b';' | b'{' | b'}' => {
                printing = false;
                statement_start = true;
                depth = 0;
            }
            b if b.is_ascii_whitespace() => {}
            _ => {
                if statement_start {
                    let word: String =
                        code[i..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    printing = word.eq_ignore_ascii_case("echo") || word.eq_ignore_ascii_case("print");
                    i += word.len().max(1);
                    statement_start = false;
                    continue;
                }
            }
        }
        i += 1;
    }
    let markup = out.as_bytes().windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/'));
    markup.then_some(out)
}

/// A PHP string literal's text from just after its opening quote, with its escaped quotes and
/// backslashes resolved, and the index after its closing quote.
fn string_literal(code: &str, from: usize, quote: u8) -> (String, usize) {
    let bytes = code.as_bytes();
    let mut text = String::new();
    let mut run = from;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if matches!(bytes.get(i + 1), Some(&b) if b == quote || b == b'\\') => {
                text.push_str(&code[run..i]);
                text.push(bytes[i + 1] as char);
                i += 2;
                run = i;
            }
            b if b == quote => {
                text.push_str(&code[run..i]);
                return (text, i + 1);
            }
            _ => i += 1,
        }
    }
    text.push_str(&code[run..]);
    (text, bytes.len())
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
    fn a_block_printing_markup_leaves_what_it_prints() {
        let page = concat!(
            "<p>Copyright &copy; 2014-<?php echo date(\"Y\"); echo \" <a title='\";bloginfo('name');",
            "echo '：'; echo \"' href='//example.top/'>\"; bloginfo('name'); ",
            "echo '</a><a href=\"http://beian.miit.gov.cn/\">湘ICP备17019987号</a>'; ?></p>"
        );
        assert_eq!(
            without_php(page),
            "<p>Copyright &copy; 2014- <a title='：' href='//example.top/'></a><a href=\"http://beian.miit.gov.cn/\">湘ICP备17019987号</a></p>"
        );
        // A comment's quotes print nothing; a short echo prints its markup; text alone is not kept.
        assert_eq!(without_php("<?php // echo '<b>x</b>';\n$a = 1; ?><p>y</p>"), "<p>y</p>");
        assert_eq!(without_php("<?= '<b>x</b>' ?><?php echo 'plain'; ?>"), "<b>x</b>");
        assert_eq!(without_php("<?php echo 'It\\'s <i>ok</i>'; ?>"), "It's <i>ok</i>");
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
