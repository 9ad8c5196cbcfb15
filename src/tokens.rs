//! How a text is cut into tokens for the industry model (`classify::industry_model`) and for checking its file
//! (`rules::industry_model`): one definition, so a feature the file names is one a page can show.

/// A token longer than this (in characters) is a run of letters no word is (a hash, base64), not a word.
const MAX_TOKEN_CHARS: usize = 24;

/// Chinese, Japanese, Thai, Lao, Khmer and Burmese text runs on without spaces between words: its features are the
/// pairs of characters next to each other (记者 in 本报记者, 门诊 in 门诊时间, วิ in วิทยุ). Other scripts' are their words.
fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}')
}

/// A word goes on through letters, digits and the marks that belong to a letter (Devanagari's vowels).
fn is_word_char(c: char) -> bool {
    !is_unspaced(c) && (c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c))
}

/// Calls `token` with each character pair of the text's unspaced runs and each word of its other runs (beginning
/// with a letter, 2 to [`MAX_TOKEN_CHARS`] characters), in lower case.
pub fn tokens(text: &str, mut token: impl FnMut(&str)) {
    let lower = text.to_lowercase();
    let mut chars = lower.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if is_unspaced(c) {
            if let Some(&(next, d)) = chars.peek().filter(|(_, d)| is_unspaced(*d)) {
                token(&lower[start..next + d.len_utf8()]);
            }
        } else if is_word_char(c) {
            let mut end = start + c.len_utf8();
            let mut count = 1;
            while let Some(&(at, d)) = chars.peek().filter(|(_, d)| is_word_char(*d)) {
                end = at + d.len_utf8();
                count += 1;
                chars.next();
            }
            if c.is_alphabetic() && (2..=MAX_TOKEN_CHARS).contains(&count) {
                token(&lower[start..end]);
            }
        }
    }
}

/// Whether `token` is one [`tokens`] can give: it gives exactly it, cut from itself.
pub fn is_token(token: &str) -> bool {
    let mut found = Vec::new();
    tokens(token, |t| found.push(t.to_string()));
    found.len() == 1 && found[0] == token
}

/// The pair of characters of an unspaced script with up to `reach` characters of its run on each side, where `text`
/// first has it ("看电视剧集吧" for 视剧 in "看电视剧集吧"): a pair may cut a word, and a reviewer reads the word. `None` for a word of a
/// spaced script (it is whole), a pair the text does not have, or one that stands alone.
pub fn pair_in_context(text: &str, pair: &str, reach: usize) -> Option<String> {
    if !pair.chars().all(is_unspaced) {
        return None;
    }
    let at = text.find(pair)?;
    let before: usize = text[..at].chars().rev().take(reach).take_while(|c| is_unspaced(*c)).map(char::len_utf8).sum();
    let end = at + pair.len();
    let after: usize = text[end..].chars().take(reach).take_while(|c| is_unspaced(*c)).map(char::len_utf8).sum();
    (before + after > 0).then(|| text[at - before..end + after].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        tokens(text, |t| out.push(t.to_string()));
        out
    }

    #[test]
    fn chinese_is_read_by_character_pairs_and_other_scripts_by_words() {
        assert_eq!(all_tokens("本报记者 张三"), ["本报", "报记", "记者", "张三"]);
        assert_eq!(all_tokens("Jadwal Dokter, 2024 MP3 a"), ["jadwal", "dokter", "mp3"]);
        // A vowel sign belongs to its word; a run of letters longer than a word is no word.
        assert_eq!(all_tokens("अस्पताल"), ["अस्पताल"]);
        assert!(all_tokens(&"x".repeat(MAX_TOKEN_CHARS + 1)).is_empty());
        assert_eq!(all_tokens("新闻News中心"), ["新闻", "news", "中心"]);
        // Thai writes no spaces between words either: a radio (วิทยุ) inside a longer run is found by its pairs.
        assert!(all_tokens("วิทยุออนไลน์มือถือ").starts_with(&["วิ".to_string(), "ิท".to_string(), "ทย".to_string()]));
    }

    #[test]
    fn a_token_is_what_a_page_could_show() {
        assert!(is_token("记者") && is_token("radio") && is_token("mp3"));
        for never in ["Radio", "a", "2024", "x-y", "新闻中心", "ab新", "a b"] {
            assert!(!is_token(never), "{never}");
        }
    }

    #[test]
    fn a_pair_is_shown_in_the_run_it_stands_in() {
        assert_eq!(pair_in_context("最新 看电视剧集吧", "视剧", 2).as_deref(), Some("看电视剧集吧"));
        assert_eq!(pair_in_context("电视剧", "视剧", 2).as_deref(), Some("电视剧"));
        assert_eq!(pair_in_context("视剧 news", "视剧", 2), None, "a pair standing alone adds nothing");
        assert_eq!(pair_in_context("本报记者", "新闻", 2), None, "not on the page");
        assert_eq!(pair_in_context("daily news", "news", 2), None, "a word is whole");
    }
}
