//! Text folding for matching rule words against pages: NFKC (full width to half width), simplified
//! characters for traditional ones, lower case, no white space.

use std::borrow::Cow;
use std::sync::LazyLock;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

pub fn fold(s: &str) -> String {
    folded(&simplified(&nfkc(s)))
}

/// A text in NFKC and simplified characters, its case kept and its words one space apart (where a word begins and
/// ends matters, "Hospital San José" against "Hospitality Group", and whether the next word is a name's).
pub fn spaced(s: &str) -> String {
    simplified(&nfkc(s)).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// [`fold`] of a text already read through [`simplified`]: a page's text is converted once.
pub fn fold_simplified(s: &str) -> String {
    folded(&nfkc(s))
}

/// A text in NFKC (and simplified characters) without white space, in lower case.
fn folded(normal: &str) -> String {
    let mut out = String::with_capacity(normal.len());
    for c in normal.chars() {
        if c.is_ascii() {
            // Not `is_ascii_whitespace`: that leaves out the vertical tab, which is white space.
            if !c.is_whitespace() {
                out.push(c.to_ascii_lowercase());
            }
        } else if is_caseless_cjk(c) {
            // Most of a Chinese page: no case and no white space to look up (U+3000, the
            // ideographic space, is not in the range: NFKC has made it a plain space already).
            out.push(c);
        } else if !c.is_whitespace() && !is_invisible(c) {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The text with traditional characters written as their simplified forms (fast2s's table, which keeps
/// the few characters that are no variant in some words: 乾隆, 慰藉), borrowed when there are none.
/// Sites in Taiwan and Hong Kong and the 繁體 editions of mainland sites say 課程, 論壇, 掛號: the rules
/// list each word once, in simplified characters, and text and rules are both read through this.
/// Every character maps to one of the same UTF-8 length, so a match's byte range in the result quotes
/// the original text. A text with no character that is traditional by itself is read as written (a
/// character fast2s changes only beside another, 著 in 看著, comes with others that are).
pub fn simplified(s: &str) -> Cow<'_, str> {
    // Most text has no traditional character: a bit per character finds that without fast2s's
    // look-ups and copy (which cost the scan 15% of its time on the footer corpus).
    if s.is_ascii() || !has_traditional(s) {
        return Cow::Borrowed(s);
    }
    let mut converted = fast2s::convert(s);
    // fast2s keeps 覆 in 回覆 and 答覆, the reply of every board in Taiwan and Hong Kong (回复 in simplified).
    for (word, simple) in [("回覆", "回复"), ("答覆", "答复")] {
        if converted.contains(word) {
            converted = converted.replace(word, simple);
        }
    }
    debug_assert_eq!(converted.len(), s.len(), "a character changed its length");
    if converted == s { Cow::Borrowed(s) } else { Cow::Owned(converted) }
}

/// The CJK blocks fast2s's table draws from (radicals to the unified ideographs, and the compatibility
/// ideographs); every character it changes is in them.
const CJK: std::ops::RangeInclusive<u32> = 0x2E80..=0x9FFF;
const CJK_COMPATIBILITY: std::ops::RangeInclusive<u32> = 0xF900..=0xFAFF;

/// A bit per character of those blocks: set where fast2s writes the character, alone, as another.
static TRADITIONAL: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; (CJK.clone().count() + CJK_COMPATIBILITY.clone().count()).div_ceil(64)];
    for (i, code) in CJK.chain(CJK_COMPATIBILITY).enumerate() {
        let Some(c) = char::from_u32(code) else { continue };
        let mut one = [0u8; 4];
        let one = c.encode_utf8(&mut one);
        if fast2s::convert(one) != *one {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    bits
});

/// Whether the text has a character fast2s writes, alone, as another.
fn has_traditional(s: &str) -> bool {
    let table = TRADITIONAL.as_slice();
    s.chars().any(|c| {
        let code = c as u32;
        let index = if CJK.contains(&code) {
            code - CJK.start()
        } else if CJK_COMPATIBILITY.contains(&code) {
            code - CJK_COMPATIBILITY.start() + (CJK.end() - CJK.start() + 1)
        } else {
            return false;
        } as usize;
        table[index / 64] & (1 << (index % 64)) != 0
    })
}

/// `found`, a part of `read` (the [`simplified`] form of `shown`), as `shown` writes it: a name read in
/// simplified characters is reported in the page's own.
pub fn as_written(shown: &str, read: &str, found: &str) -> String {
    read.find(found).and_then(|at| shown.get(at..at + found.len())).unwrap_or(found).to_string()
}

/// A name read by `reader` in the text's simplified characters (the words it looks for are written so: 有限公司,
/// 医院), reported as the text writes it.
pub fn read_as_written(shown: &str, reader: impl FnOnce(&str) -> Option<String>) -> Option<String> {
    let read = simplified(shown);
    reader(&read).map(|name| as_written(shown, &read, &name))
}

/// Zero-width characters: no white space by Unicode's table, yet nothing a reader sees. Sites put them
/// inside menu items and buttons ("\u{200b}写回答", dev c3938) where a word must still match.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}')
}

/// A Chinese character of the unified ideographs block (not CJK punctuation): what the name and holder
/// readers count as Chinese text.
pub fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// CJK punctuation, kana, Hangul compatibility letters, strokes, enclosed and squared forms and the
/// unified ideographs: no letter there has a case.
fn is_caseless_cjk(c: char) -> bool {
    ('\u{3001}'..='\u{9FFF}').contains(&c)
}

/// The NFKC form of a text, borrowed when it is already in it: most page text is, and the quick
/// check costs a fraction of normalising.
pub fn nfkc(s: &str) -> Cow<'_, str> {
    // ASCII and the unified ideographs are their own NFKC form, and they are most of a Chinese page:
    // one pass over the bytes saves the quick check's table look-up per character.
    if s.is_ascii() || s.chars().all(|c| c.is_ascii() || ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
        return Cow::Borrowed(s);
    }
    match is_nfkc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        IsNormalized::No | IsNormalized::Maybe => Cow::Owned(s.nfkc().collect()),
    }
}

/// Template syntax left in served pages (`<%@ … %>`, `${…}`, `{{…}}`, `{maccms:…}`, `<#-- -->`, and
/// PHP's `<?php … ?>`, `<?= … ?>`, ThinkPHP's `{$…}` and `{:…}`, a JSP tag library's `<fmt:message key="…"/>`,
/// kept as text where the parser keeps text, as in a `<title>`: dev c2198), which a visitor sees as noise, not
/// content.
/// Borrowed when the text has none (every form starts with `<`, `$` or `{`).
pub fn strip_template_syntax(s: &str) -> Cow<'_, str> {
    if !s.contains(['<', '$', '{']) {
        return Cow::Borrowed(s);
    }
    static TEMPLATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"<\s*%.*?%>|<\s*#--.*?-->|\$\{[^}]*\}|\{\{[^}]*\}\}|\{[a-z]+:[^}]*\}|<\s*%--.*?--%>|<\?(?:php|=)?.*?\?>|\{[$:][^}]*\}|<\s*/?\s*[A-Za-z][\w-]*:[A-Za-z][\w.-]*(?:\s[^<>]*)?/?\s*>",
        )
        .expect("template pattern")
    });
    TEMPLATE.replace_all(s, " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_agrees_with_the_plain_definition_on_every_corpus_page() {
        let plain = |s: &str| -> String {
            let normal: String = s.nfkc().collect();
            simplified(&normal)
                .chars()
                .filter(|c| !c.is_whitespace() && !is_invisible(*c))
                .flat_map(char::to_lowercase)
                .collect()
        };
        let mut samples: Vec<String> =
            ["ＡＢＣ　ｄｅｆ", "İstanbul ΣΑΣ Ⓐ ㎏ ﾃｽﾄ", "\u{3000}网站\u{3001}名称", "ǅemal", "\u{200b}写回答\u{feff}"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        for corpus in ["footers", "content"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(corpus);
            for case in std::fs::read_dir(dir).expect("corpus").flatten() {
                if let Ok(bytes) = std::fs::read(case.path().join("page.html")) {
                    samples.push(String::from_utf8_lossy(&bytes).into_owned());
                }
            }
        }
        for s in &samples {
            assert_eq!(fold(s), plain(s), "{}", s.chars().take(60).collect::<String>());
        }
    }

    #[test]
    fn traditional_text_reads_as_simplified_with_each_character_where_it_was() {
        let shown = "本網頁內容 長松工藝社 版權所有 · 課程 論壇 掛號";
        let read = simplified(shown);
        assert_eq!(read, "本网页内容 长松工艺社 版权所有 · 课程 论坛 挂号");
        assert_eq!(read.len(), shown.len());
        assert_eq!(as_written(shown, &read, "长松工艺社"), "長松工藝社");
        assert_eq!(fold("版權所有"), fold("版权所有"));
        // Text with no traditional character is not copied; a word that keeps its character stays.
        assert!(matches!(simplified("版权所有 Copyright"), Cow::Borrowed(_)));
        assert_eq!(simplified("乾隆"), "乾隆");
        assert_eq!(simplified("樓主 回覆"), "楼主 回复");
    }

    #[test]
    fn every_character_keeps_its_length_and_place_when_simplified() {
        // Quoting evidence by the byte range of a match in the simplified text relies on it (fast2s 0.3 holds it
        // for its table; a new table that did not would fail here, not mis-quote in a scan).
        let every: String = (0x80..=0xFFFF).filter_map(char::from_u32).collect();
        let converted = fast2s::convert(&every);
        assert!(every.chars().zip(converted.chars()).all(|(a, b)| a.len_utf8() == b.len_utf8()));
        assert_eq!(every.chars().count(), converted.chars().count());
    }

    #[test]
    fn folds_and_strips() {
        assert_eq!(fold(" Ｗelcome to  NGINX! "), "welcometonginx!");
        assert_eq!(fold("\u{200b}写回答"), "写回答");
        assert_eq!(
            strip_template_syntax(
                "< %@ page x %> 网站 ${post.title} {{$a}} {maccms:name} <?php echo $t; ?> {$site.name} {:__('Home')} <f:message key=\"a.b\"/>"
            )
            .split_whitespace()
            .collect::<Vec<_>>(),
            ["网站"]
        );
    }
}
