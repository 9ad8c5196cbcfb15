//! A rule pattern with the literal strings one of which every match must contain, read from the
//! pattern's syntax, looked for before the pattern runs.
//!
//! The regex engine skips through a text to a pattern's leading literal, but a pattern that begins
//! with a class (`\p{Han}{2,20}(?:大学|学院)\s*版权所有`, `\d+\s*万字`) is run over the whole text by its
//! lazy DFA: ~8 µs for 3 KiB, where a search for `版权所有` takes a fraction of that and on most pages
//! finds nothing. A pattern that begins with a literal is left as it is (a gate would scan twice).

use regex::Regex;
use regex_syntax::hir::{Hir, HirKind};

/// The shortest needle worth a gate, in bytes: one Chinese character, or three ASCII letters.
const MIN_NEEDLE_BYTES: usize = 3;
/// More needles than this and the gate costs about what the pattern does.
const MAX_NEEDLES: usize = 12;

#[derive(Debug, Clone)]
pub struct Gated {
    regex: Regex,
    /// `None`: no gate (the pattern begins with a literal, or no literal is required).
    needles: Option<Vec<String>>,
}

impl Gated {
    pub fn new(regex: Regex) -> Gated {
        let needles = regex_syntax::parse(regex.as_str()).ok().filter(|hir| !leads_with_literal(hir)).and_then(|hir| {
            required(&hir).filter(|set| set.len() <= MAX_NEEDLES && set.iter().all(|n| n.len() >= MIN_NEEDLE_BYTES))
        });
        Gated { regex, needles }
    }

    /// Whether the pattern matches, as `Regex::is_match` says.
    pub fn is_match(&self, text: &str) -> bool {
        self.may_match(text) && self.regex.is_match(text)
    }

    /// The first match, as `Regex::find` gives it.
    pub fn find<'t>(&self, text: &'t str) -> Option<regex::Match<'t>> {
        if self.may_match(text) { self.regex.find(text) } else { None }
    }

    /// Every match's captures, as `Regex::captures_iter` gives them.
    pub fn captures_iter<'r, 't>(&'r self, text: &'t str) -> impl Iterator<Item = regex::Captures<'t>> + use<'r, 't> {
        let text = if self.may_match(text) { text } else { "" };
        self.regex.captures_iter(text)
    }

    fn may_match(&self, text: &str) -> bool {
        self.needles.as_ref().is_none_or(|needles| needles.iter().any(|n| text.contains(n.as_str())))
    }

    pub fn as_str(&self) -> &str {
        self.regex.as_str()
    }
}

/// Whether the regex engine can skip to the pattern's start by itself: every way into it begins with a
/// literal.
fn leads_with_literal(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(_) => true,
        HirKind::Capture(c) => leads_with_literal(&c.sub),
        HirKind::Concat(parts) => parts.first().is_some_and(leads_with_literal),
        HirKind::Alternation(alts) => alts.iter().all(leads_with_literal),
        HirKind::Repetition(r) => r.min >= 1 && leads_with_literal(&r.sub),
        _ => false,
    }
}

/// Strings one of which every match contains, when the syntax says so.
fn required(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0).ok().map(|s| vec![s.to_string()]),
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        // Of the parts every match goes through, the one whose shortest needle is longest.
        HirKind::Concat(parts) => {
            parts.iter().filter_map(required).max_by_key(|set| set.iter().map(String::len).min().unwrap_or(0))
        }
        // Every alternative must have its needles; the gate is their union.
        HirKind::Alternation(alts) => {
            let mut union = Vec::new();
            for alt in alts {
                for needle in required(alt)? {
                    if !union.contains(&needle) {
                        union.push(needle);
                    }
                }
            }
            Some(union)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles(pattern: &str) -> Option<Vec<String>> {
        Gated::new(Regex::new(pattern).expect("pattern")).needles
    }

    #[test]
    fn a_pattern_beginning_with_a_class_is_gated_by_what_it_must_contain() {
        assert_eq!(needles(r"\p{Han}{2,20}(?:大学|学院)\s*版权所有"), Some(vec!["版权所有".to_string()]));
        assert_eq!(needles(r"\d+(?:\.\d+)?\s*万字"), Some(vec!["万字".to_string()]));
        let mut union = needles(r"\d+\s*(?:用户|会员)\s*[,，]?\s*\d+\s*(?:主题|帖子)").expect("gate");
        union.sort();
        // Two parts with needles as long: either gate is right (the later is taken).
        assert_eq!(union, ["主题", "帖子"]);
        // Each alternative needs its own needles; one whose only needle is short ("-") leaves the pattern ungated.
        let mut union = needles(r"(?:本报|本网)讯|[（(]\s*记者\s*\p{Han}{2,4}").expect("gate");
        union.sort();
        assert_eq!(union, ["本报", "本网", "记者"]);
        assert_eq!(needles(r"(?:本报|本网)讯|\d{4}-\d{2}"), None);
        // A named group of role words after a name (the operator's "…局主办" form).
        let mut roles = needles(r"(?P<name>\p{Han}{2,40})[ \t]*(?P<role>主办|承办)(?:[\s|]|$)").expect("gate");
        roles.sort();
        assert_eq!(roles, ["主办", "承办"]);
    }

    #[test]
    fn a_pattern_the_engine_can_skip_to_or_with_short_needles_is_left_alone() {
        assert_eq!(needles(r"来源\s*[:：]\s*\p{Han}{2,8}"), None);
        assert_eq!(needles(r"\d{4}-\d{2}"), None);
        assert_eq!(needles(r"(?i)\d+\s*posts"), None);
    }

    #[test]
    fn the_gate_finds_what_the_pattern_finds() {
        let texts = ["某某大学 版权所有 2024", "没有这个词", "第12万字", "2024 上海大学版权所有"];
        for pattern in [r"\p{Han}{2,20}(?:大学|学院)\s*版权所有", r"\d+(?:\.\d+)?\s*万字"] {
            let (plain, gated) = (Regex::new(pattern).expect("pattern"), Gated::new(Regex::new(pattern).expect("p")));
            for text in texts {
                assert_eq!(
                    plain.find(text).map(|m| m.range()),
                    gated.find(text).map(|m| m.range()),
                    "{pattern} on {text}"
                );
            }
        }
    }
}
