//! A rule pattern with the literal strings its matches must contain, read from the pattern's syntax,
//! looked for before the pattern runs.
//!
//! The regex engine skips through a text to a pattern's leading literal, but a pattern that begins
//! with a class (`\p{Han}{2,20}(?:大学|学院)\s*版权所有`, `\d+\s*万字`) is run over the whole text by its
//! lazy DFA: ~8 µs for 3 KiB, where a search for `版权所有` takes a fraction of that and on most pages
//! finds nothing. Each part a match must go through gives its needles: a pattern leading with a common
//! word (作者) that must also hold a rarer one (最新章节), or two words that are common apart and rare
//! together (司机 … 乘客), runs only on a text that holds them all; an any-case English sentence
//! (`(?i)…installed on…server`), for which the engine finds no literal to skip to, is gated by its
//! words in any case.

use memchr::memmem::Finder;
use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};

/// The shortest needle worth a gate, in bytes: one Chinese character, or three ASCII letters.
const MIN_NEEDLE_BYTES: usize = 3;
/// More needles than this and the gate costs about what the pattern does.
const MAX_NEEDLES: usize = 16;
/// The parts of a concatenation whose needles are all asked for, strongest first.
const MAX_PARTS: usize = 3;

#[derive(Debug, Clone)]
pub struct Gated {
    regex: Regex,
    /// `None`: no gate (no literal is required, or only short ones).
    gate: Option<Need<Finder<'static>>>,
    /// The needles have ASCII letters that match in either case: they are held in lower case and looked
    /// for in the text with its ASCII letters lowered (which may open the gate more often than needed,
    /// never less).
    any_case: bool,
}

/// What a text must hold for the pattern to match in it: strings while it is read from the syntax,
/// searchers built once after.
#[derive(Debug, Clone)]
enum Need<N> {
    /// One of these.
    OneOf(Vec<N>),
    /// Each of these.
    All(Vec<Need<N>>),
    /// One of these (the alternatives of the pattern).
    Either(Vec<Need<N>>),
}

impl<N> Need<N> {
    fn map<M>(self, f: &impl Fn(N) -> M) -> Need<M> {
        match self {
            Need::OneOf(needles) => Need::OneOf(needles.into_iter().map(f).collect()),
            Need::All(parts) => Need::All(parts.into_iter().map(|p| p.map(f)).collect()),
            Need::Either(alts) => Need::Either(alts.into_iter().map(|a| a.map(f)).collect()),
        }
    }

    fn needles(&self) -> usize {
        match self {
            Need::OneOf(needles) => needles.len(),
            Need::All(parts) | Need::Either(parts) => parts.iter().map(Need::needles).sum(),
        }
    }
}

impl Need<String> {
    /// The length of the shortest needle: how rarely the need is met, roughly.
    fn strength(&self) -> usize {
        match self {
            Need::OneOf(needles) => needles.iter().map(String::len).min().unwrap_or(0),
            Need::All(parts) => parts.iter().map(Need::strength).max().unwrap_or(0),
            Need::Either(alts) => alts.iter().map(Need::strength).min().unwrap_or(0),
        }
    }

    /// Each needle's searcher, built on its ASCII letters lowered when `lower`.
    fn built(self, lower: bool) -> Need<Finder<'static>> {
        self.map(&|n: String| {
            let n = if lower { n.to_ascii_lowercase() } else { n };
            Finder::new(n.as_bytes()).into_owned()
        })
    }
}

impl Need<Finder<'static>> {
    fn holds(&self, text: &str) -> bool {
        match self {
            Need::OneOf(finders) => finders.iter().any(|f| f.find(text.as_bytes()).is_some()),
            Need::All(parts) => parts.iter().all(|p| p.holds(text)),
            Need::Either(alts) => alts.iter().any(|a| a.holds(text)),
        }
    }
}

impl Gated {
    pub fn new(regex: Regex) -> Gated {
        match gate_of(regex.as_str()) {
            Some((need, any_case)) => Gated { regex, gate: Some(need.built(any_case)), any_case },
            None => Gated { regex, gate: None, any_case: false },
        }
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
        match &self.gate {
            None => true,
            Some(need) if self.any_case => with_ascii_lowered(text, |lowered| need.holds(lowered)),
            Some(need) => need.holds(text),
        }
    }

    pub fn as_str(&self) -> &str {
        self.regex.as_str()
    }
}

thread_local! {
    /// The last text an any-case gate looked at, and that text with its ASCII letters lowered: a
    /// page's text meets every any-case pattern in turn, and is lowered once.
    static LOWERED: std::cell::RefCell<(String, String)> = const { std::cell::RefCell::new((String::new(), String::new())) };
}

fn with_ascii_lowered<T>(text: &str, f: impl FnOnce(&str) -> T) -> T {
    LOWERED.with_borrow_mut(|(seen, lowered)| {
        if seen.as_str() != text {
            seen.clear();
            seen.push_str(text);
            lowered.clear();
            lowered.push_str(text);
            lowered.make_ascii_lowercase();
        }
        f(lowered)
    })
}

/// The gate for a pattern, when it has literals worth one, and whether it has any-case letters.
fn gate_of(pattern: &str) -> Option<(Need<String>, bool)> {
    let hir = regex_syntax::parse(pattern).ok()?;
    // With too many needles, the strongest part of each concatenation alone.
    [MAX_PARTS, 1].into_iter().find_map(|max_parts| {
        let mut any_case = false;
        let need = required(&hir, max_parts, &mut any_case).filter(|need| need.needles() <= MAX_NEEDLES)?;
        Some((need, any_case))
    })
}

/// What every match contains, when the syntax says so and its needles are long enough to be worth
/// looking for; sets `any_case` when a needle has a letter of an any-case class.
fn required(hir: &Hir, max_parts: usize, any_case: &mut bool) -> Option<Need<String>> {
    let need = match hir.kind() {
        HirKind::Capture(c) => return required(&c.sub, max_parts, any_case),
        HirKind::Repetition(r) if r.min >= 1 => return required(&r.sub, max_parts, any_case),
        HirKind::Literal(_) | HirKind::Class(_) => Need::OneOf(vec![literal_part(hir, any_case)?]),
        // Runs of literal parts (an any-case word is a run of letter classes) and the other parts every
        // match goes through each give a need; the strongest few are all asked for.
        HirKind::Concat(parts) => {
            let mut needs: Vec<Need<String>> = Vec::new();
            let mut run: Option<String> = None;
            for part in parts {
                match literal_part(part, any_case) {
                    Some(piece) => run.get_or_insert_default().push_str(&piece),
                    None => {
                        needs.extend(run.take().map(|n| Need::OneOf(vec![n])));
                        needs.extend(required(part, max_parts, any_case));
                    }
                }
            }
            needs.extend(run.map(|n| Need::OneOf(vec![n])));
            needs.retain(|n| n.strength() >= MIN_NEEDLE_BYTES);
            needs.sort_by_key(|n| std::cmp::Reverse(n.strength()));
            // The same word twice in a pattern is asked for once.
            needs.dedup_by(|a, b| matches!((a, b), (Need::OneOf(x), Need::OneOf(y)) if x == y));
            needs.truncate(max_parts);
            match needs.len() {
                0 => return None,
                1 => needs.remove(0),
                _ => Need::All(needs),
            }
        }
        // Every alternative must have its needs; alternatives of one string each are one set.
        HirKind::Alternation(alts) => {
            let needs =
                alts.iter().map(|alt| required(alt, max_parts, any_case)).collect::<Option<Vec<Need<String>>>>()?;
            if needs.iter().all(|n| matches!(n, Need::OneOf(_))) {
                let mut union: Vec<String> = Vec::new();
                for needle in needs.into_iter().flat_map(|n| match n {
                    Need::OneOf(set) => set,
                    _ => Vec::new(),
                }) {
                    if !union.contains(&needle) {
                        union.push(needle);
                    }
                }
                Need::OneOf(union)
            } else {
                Need::Either(needs)
            }
        }
        _ => return None,
    };
    (need.strength() >= MIN_NEEDLE_BYTES).then_some(need)
}

/// The string a part of a concatenation always matches (in any case for a letter class).
fn literal_part(hir: &Hir, any_case: &mut bool) -> Option<String> {
    match hir.kind() {
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0).ok().map(str::to_string),
        HirKind::Class(class) => {
            let letter = any_case_letter(class)?;
            *any_case = true;
            Some(letter.to_string())
        }
        _ => None,
    }
}

/// The lower-case letter of a class that is exactly one ASCII letter in both cases, as `(?i)e` is.
/// `(?i)k` and `(?i)s` also hold the Kelvin sign and the long s, which an ASCII search would miss:
/// they end a needle instead.
fn any_case_letter(class: &Class) -> Option<char> {
    let chars: Vec<char> = match class {
        Class::Unicode(c) => c.iter().flat_map(|r| r.start()..=r.end()).take(3).collect(),
        Class::Bytes(c) => c.iter().flat_map(|r| r.start()..=r.end()).take(3).map(char::from).collect(),
    };
    match chars[..] {
        [upper, lower] if upper.is_ascii_uppercase() && lower == upper.to_ascii_lowercase() => Some(lower),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The gate written out: `a|b` one of, `x & y` each of, `(…) ; (…)` either alternative.
    fn gate(pattern: &str) -> Option<String> {
        fn shown(need: &Need<String>) -> String {
            match need {
                Need::OneOf(set) => set.join("|"),
                Need::All(parts) => parts.iter().map(shown).collect::<Vec<_>>().join(" & "),
                Need::Either(alts) => alts.iter().map(|a| format!("({})", shown(a))).collect::<Vec<_>>().join(" ; "),
            }
        }
        gate_of(pattern).map(|(need, _)| shown(&need))
    }

    fn same_matches(pattern: &str, texts: &[&str]) {
        let (plain, gated) = (Regex::new(pattern).expect("pattern"), Gated::new(Regex::new(pattern).expect("p")));
        for text in texts {
            assert_eq!(plain.find(text).map(|m| m.range()), gated.find(text).map(|m| m.range()), "{pattern} on {text}");
            assert_eq!(plain.is_match(text), gated.is_match(text), "{pattern} on {text}");
            assert_eq!(plain.captures_iter(text).count(), gated.captures_iter(text).count(), "{pattern} on {text}");
        }
    }

    #[test]
    fn a_pattern_is_gated_by_the_words_every_match_must_hold() {
        assert_eq!(gate(r"\p{Han}{2,20}(?:大学|学院)\s*版权所有").as_deref(), Some("版权所有 & 大学|学院"));
        assert_eq!(gate(r"\d+(?:\.\d+)?\s*万字").as_deref(), Some("万字"));
        assert_eq!(
            gate(r"\d+\s*(?:用户|会员)\s*[,，]?\s*\d+\s*(?:主题|帖子)").as_deref(),
            Some("用户|会员 & 主题|帖子")
        );
        // Each alternative needs its own; one whose only needle is short ("-") leaves the pattern ungated.
        assert_eq!(gate(r"(?:本报|本网)讯|[（(]\s*记者\s*\p{Han}{2,4}").as_deref(), Some("(本报|本网 & 讯) ; (记者)"));
        assert_eq!(gate(r"(?:本报|本网)讯|\d{4}-\d{2}"), None);
        // A named group of role words after a name (the operator's "…局主办" form).
        assert_eq!(gate(r"(?P<name>\p{Han}{2,40})[ \t]*(?P<role>主办|承办)(?:[\s|]|$)").as_deref(), Some("主办|承办"));
        // A common leading word (作者) is asked for with the rarer ones after it; so is a word the
        // engine could skip to by itself (a gate that is only memchr's search costs little).
        assert_eq!(
            gate(r"作者\s*[:：]\s*\S{1,16}[\s\S]{0,200}?(?:最新章节|连载至)").as_deref(),
            Some("最新章节|连载至 & 作者")
        );
        assert_eq!(gate(r"来源\s*[:：]\s*\p{Han}{2,8}").as_deref(), Some("来源"));
        assert_eq!(gate(r"\d{4}-\d{2}"), None);
        assert_eq!(gate(r"(?i)\d+\s*po"), None);
    }

    #[test]
    fn an_any_case_sentence_is_gated_by_its_words_in_any_case() {
        assert_eq!(
            gate(r"(?i)(?-u:\b)(?:the\s+)?server\s+is\s+(?:now\s+)?running").as_deref(),
            Some("running & erver")
        );
        // `(?i)s` and `(?i)k` also match ſ and the Kelvin sign: a needle ends before them.
        assert_eq!(gate(r"(?i)installed\s+on").as_deref(), Some("talled"));
        let pattern = r"(?i)(?-u:\b)installed\s+on\s+(?:this\s+)?server";
        same_matches(
            pattern,
            &["Nginx INSTALLED ON this Server", "inſtalled on ſerver", "安装成功", "installed elsewhere"],
        );
        assert!(Gated::new(Regex::new(pattern).expect("pattern")).is_match("Nginx INSTALLED ON this Server"));
        // A case-sensitive word beside an any-case one is looked for lowered too.
        same_matches(r"ICP\s*(?i:license)", &["ICP License", "icp license", "ICP LICENSE"]);
    }

    #[test]
    fn the_gate_finds_what_the_pattern_finds() {
        let texts = [
            "某某大学 版权所有 2024",
            "没有这个词",
            "第12万字",
            "2024 上海大学版权所有",
            "司机与乘客",
            "乘客 司机",
            "只有司机",
            "本报讯 记者张三报道",
        ];
        for pattern in [
            r"\p{Han}{2,20}(?:大学|学院)\s*版权所有",
            r"\d+(?:\.\d+)?\s*万字",
            r"(?:车主|司机)[\s\S]{0,300}乘客|乘客[\s\S]{0,300}(?:车主|司机)",
            r"(?:本报|本网)讯|[（(]\s*记者\s*\p{Han}{2,4}",
        ] {
            same_matches(pattern, &texts);
        }
    }
}
