//! ICP filing, ICP licence and telecom-licence numbers: parsing, normalising and comparing.
//!
//! The parser is syntactic: it does not know which characters are provinces. Whether a prefix is a
//! province, an alias, a vanity registry or unknown is the province table's business (`rules`).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::normalise_identifier;

/// Which register a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IcpKind {
    /// `京ICP备12345678号-1`: a non-commercial filing.
    Filing,
    /// `京ICP证030173号`: an ICP licence (commercial).
    License,
    /// `粤B2-20090059`: a value-added telecom licence (commercial).
    Telecom,
}

impl IcpKind {
    /// Licence-based numbers mark a commercial (经营性) filing.
    pub fn is_licence(self) -> bool {
        matches!(self, IcpKind::License | IcpKind::Telecom)
    }
}

/// A parsed number as shown on a page or held in a filing record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcpNumber {
    /// The text as shown, NFKC-normalised, white space and leading labels removed.
    pub text: String,
    /// The leading character (`京`, `蜀`, `萌`, …), if any.
    pub prefix: Option<char>,
    pub kind: IcpKind,
    /// The serial as written; may contain template characters (`x`, `*`).
    pub serial: String,
    /// The website suffix `-N`.
    pub site: Option<u32>,
    /// Whether `号` is written.
    pub has_hao: bool,
    /// `京ICP备1234567-9号`: the suffix written before `号`.
    pub site_before_hao: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an ICP filing or licence number: {0:?}")]
pub struct IcpParseError(pub String);

/// Patterns over compact text (NFKC, no white space). Kept lenient: strictness is `icp.format`'s job
/// (a separator after 备, `苏ICP备-10229414`, is read and left for the format check to judge).
static FILING_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<prefix>\p{Han})?ICP备(?:案)?[:：\-]?(?P<serial>[0-9Xx*]{4,12})(?P<hao1>号)?(?:-(?P<site>[0-9]{1,4}))?(?P<hao2>号)?",
    )
    .expect("filing pattern")
});
static LICENSE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<prefix>\p{Han})?ICP证[:：]?(?P<serial>[0-9Xx*]{4,10})(?P<hao1>号)?(?:-(?P<site>[0-9]{1,4}))?(?P<hao2>号)?",
    )
    .expect("licence pattern")
});
/// The same two in any case of the letters (`苏icp备08113897号`). Searched only in a text that has such
/// letters: a case-insensitive "ICP" costs the patterns their literal prefilter (30 times slower on the
/// corpus pages).
static FILING_ANY_CASE_RE: LazyLock<Regex> = LazyLock::new(|| any_case(FILING_RE.as_str()));
static LICENSE_ANY_CASE_RE: LazyLock<Regex> = LazyLock::new(|| any_case(LICENSE_RE.as_str()));
static LOWER_CASE_LETTERS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:i[cC][pP]|Ic[pP]|ICp)[备证]").expect("lower-case letters"));

fn any_case(pattern: &str) -> Regex {
    Regex::new(&pattern.replacen("ICP", "(?i:ICP)", 1)).expect("any-case pattern")
}

/// The short form a reviewer still reads as a filing number: province + 备 + digits + 号 (+ `-N`),
/// without the letters ICP (`粤备12345678号-1`). 号 is required: without it the digits after 备 are as
/// likely a date or a count. Whether the first character is a province is the caller's business.
static SHORT_FILING_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<prefix>\p{Han})备[:：]?(?P<serial>[0-9]{6,12})(?P<hao1>号)(?:-(?P<site>[0-9]{1,4}))?")
        .expect("short filing pattern")
});
/// A value-added telecom licence; one licence may carry several classes before its serial, basic
/// (A1, A2) and value-added (B1, B2) alike (`京B1.B2-20140093`, `A2.B1.B2-20100001`: dev r358), and the
/// province stands before the first.
static TELECOM_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?P<prefix>\p{Han})?(?:[AB][12][.．、/]){0,3}B[12]-(?P<serial>[0-9]{7,8})(?:-(?P<site>[0-9]{1,4}))?(?P<hao1>号)?",
    )
    .expect("telecom pattern")
});

impl IcpNumber {
    /// Parses a whole string such as a record's `site_number`; labels and white space are tolerated.
    pub fn parse(input: &str) -> Result<Self, IcpParseError> {
        // The text as written first: a label glued to the number may be the number's own words
        // ("ICP备案-2007746", "ICP证****"), and a number's text must parse back to it (found by
        // fuzzing); only when nothing is found there is a leading label taken off.
        let mut found = Self::find_all(&super::compact_identifier(input));
        if found.is_empty() {
            found = Self::find_all(&normalise_identifier(input));
        }
        match found.into_iter().next() {
            Some((_, number)) => Ok(number),
            None => Err(IcpParseError(input.to_string())),
        }
    }

    /// Every number in compact text, with its byte range, in order of position.
    pub fn find_all(compact: &str) -> Vec<(std::ops::Range<usize>, IcpNumber)> {
        let mut found: Vec<(std::ops::Range<usize>, IcpNumber)> = Vec::new();
        // The ranges kept so far, by start (they never overlap): an overlap test is a look-up, not a scan.
        let mut kept: BTreeMap<usize, usize> = BTreeMap::new();
        let lower_case = LOWER_CASE_LETTERS.is_match(compact);
        let (licence_re, filing_re) =
            if lower_case { (&*LICENSE_ANY_CASE_RE, &*FILING_ANY_CASE_RE) } else { (&*LICENSE_RE, &*FILING_RE) };
        for (re, kind) in [
            (licence_re, IcpKind::License),
            (filing_re, IcpKind::Filing),
            (&*SHORT_FILING_RE, IcpKind::Filing),
            (&*TELECOM_RE, IcpKind::Telecom),
        ] {
            for caps in re.captures_iter(compact) {
                let whole = caps.get(0).expect("group 0");
                let mut start = whole.start();
                let mut prefix = caps.name("prefix").and_then(|m| m.as_str().chars().next());
                if kind == IcpKind::Telecom {
                    // `B2-` glued to a Latin word is not a licence ("AB2-1234567").
                    let b_at = caps.name("prefix").map_or(start, |m| m.end());
                    let before = compact[..b_at].chars().next_back();
                    if before.is_some_and(|c| c.is_ascii_alphanumeric()) {
                        continue;
                    }
                }
                let short = std::ptr::eq(re, &*SHORT_FILING_RE);
                if short && prefix.is_none_or(is_label_char) {
                    // "准备…号", "案备…": a short form stands only on a would-be province character.
                    continue;
                }
                if prefix.is_some_and(is_label_char) {
                    // "号ICP备…" or "：ICP证": the captured character belongs to a label.
                    start += prefix.map_or(0, char::len_utf8);
                    prefix = None;
                }
                let range = start..whole.end();
                let overlaps = kept.range(..range.end).next_back().is_some_and(|(_, &end)| end > range.start);
                if overlaps {
                    continue;
                }
                kept.insert(range.start, range.end);
                let hao1 = caps.name("hao1").is_some();
                let hao2 = caps.name("hao2").is_some();
                let site = caps.name("site").and_then(|m| m.as_str().parse().ok());
                let has_hao = hao1 || hao2 || kind == IcpKind::Telecom;
                found.push((
                    range.clone(),
                    IcpNumber {
                        text: compact[range].to_string(),
                        prefix,
                        kind,
                        serial: caps["serial"].to_string(),
                        site,
                        has_hao,
                        site_before_hao: site.is_some() && hao2 && !hao1,
                    },
                ));
            }
        }
        found.sort_by_key(|(r, _)| r.start);
        found
    }

    /// The same entity: same register, same serial, and the same province once aliases are mapped.
    pub fn same_entity(&self, other: &IcpNumber, same_province: impl Fn(char, char) -> bool) -> bool {
        let prefixes_agree = match (self.prefix, other.prefix) {
            (Some(a), Some(b)) => same_province(a, b),
            (None, None) => true,
            _ => false,
        };
        prefixes_agree && self.kind == other.kind && self.serial == other.serial
    }

    /// A template left in a theme: `12345678`, `xxxx`, `00000000`, or no province at all.
    pub fn is_template(&self) -> bool {
        let s = &self.serial;
        s.chars().any(|c| !c.is_ascii_digit())
            || s.chars().all(|c| c == '0')
            || s.chars().all(|c| c == s.chars().next().unwrap_or('0'))
            || "1234567890".contains(s.as_str())
            || (self.prefix.is_none() && self.kind == IcpKind::Filing)
    }

    /// A filing written without the letters ICP (`粤备12345678号`): read as the number, judged by
    /// `icp.format`.
    pub fn lacks_icp_letters(&self) -> bool {
        self.kind == IcpKind::Filing && !self.text.to_ascii_uppercase().contains("ICP")
    }

    /// The entity number: the number without its `-N`.
    pub fn entity_text(&self) -> String {
        match self.kind {
            // The text as written up to its serial: the classes (B1, B2 or both) stay, a B1 licence
            // being another licence than a B2 one; only the `-N` goes.
            IcpKind::Telecom => {
                let end = self.text.rfind(self.serial.as_str()).map_or(self.text.len(), |at| at + self.serial.len());
                self.text[..end].to_string()
            }
            IcpKind::Filing | IcpKind::License => {
                let reg = if self.kind == IcpKind::Filing { "ICP备" } else { "ICP证" };
                format!("{}{reg}{}号", self.prefix.map(String::from).unwrap_or_default(), self.serial)
            }
        }
    }
}

impl fmt::Display for IcpNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Characters that end a label rather than start a province prefix.
fn is_label_char(c: char) -> bool {
    matches!(c, '号' | '案' | '码' | '证' | '备' | '：' | '站' | '网' | '址' | '信' | '息' | '部' | '司')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> IcpNumber {
        IcpNumber::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_telecom_licence_keeps_its_classes_in_its_entity_number() {
        assert_eq!(one("京B1.B2-20140093").entity_text(), "京B1.B2-20140093");
        assert_eq!(one("粤B2-20090191-18").entity_text(), "粤B2-20090191");
        assert_eq!(one("京B1-20140093-2").entity_text(), "京B1-20140093");
    }

    #[test]
    fn a_licence_read_after_a_label_reads_back_from_its_own_text() {
        // Found by fuzzing: after "备" (a label character) the licence has no province; its text
        // must parse again to the same number.
        let n = IcpNumber::parse("鲁ICP备ICP证14051").expect("a licence");
        assert_eq!((n.prefix, n.kind, n.serial.as_str()), (None, IcpKind::License, "14051"));
        let again = IcpNumber::parse(&n.to_string()).expect("parses again");
        assert_eq!((again.prefix, again.kind, again.serial.as_str()), (None, IcpKind::License, "14051"));
    }

    #[test]
    fn a_filing_glued_to_its_label_reads_back_from_its_own_text() {
        let n = IcpNumber::parse("粤B2ICP备案-2007746ICP备案号5").expect("a number");
        let again = IcpNumber::parse(&n.to_string()).expect("parses again");
        assert_eq!((again.prefix, again.kind, again.serial), (n.prefix, n.kind, n.serial));
    }

    #[test]
    fn a_masked_licence_reads_back_from_its_own_text() {
        let n = IcpNumber::parse("IICP证***********号").expect("a licence");
        let again = IcpNumber::parse(&n.to_string()).expect("parses again");
        assert_eq!((again.prefix, again.kind, again.serial), (n.prefix, n.kind, n.serial));
    }

    #[test]
    fn parses_site_number_with_suffix() {
        let n = one("京ICP备12345678号-1");
        assert_eq!(n.prefix, Some('京'));
        assert_eq!(n.kind, IcpKind::Filing);
        assert_eq!(n.serial, "12345678");
        assert_eq!(n.site, Some(1));
        assert!(n.has_hao && !n.site_before_hao);
        assert_eq!(n.entity_text(), "京ICP备12345678号");
    }

    #[test]
    fn letter_spaced_full_width_and_labelled_numbers_come_out_whole() {
        assert_eq!(one("浙 ICP 备 17005035 号 -1").text, "浙ICP备17005035号-1");
        assert_eq!(one("备案号：京ＩＣＰ备１２３４５６７８号").text, "京ICP备12345678号");
        assert_eq!(one("ICP备案号:粤ICP备2020133024号").text, "粤ICP备2020133024号");
    }

    #[test]
    fn licences_and_telecom_numbers() {
        let l = one("京ICP证030173号-1");
        assert_eq!((l.kind, l.serial.as_str(), l.site), (IcpKind::License, "030173", Some(1)));
        let colon = one("鄂ICP证:020001-5");
        assert_eq!((colon.text.as_str(), colon.site, colon.has_hao), ("鄂ICP证:020001-5", Some(5), false));
        let t = one("粤B2-20090059-5");
        assert_eq!((t.kind, t.prefix, t.site), (IcpKind::Telecom, Some('粤'), Some(5)));
        assert_eq!(one("B2-20090418").prefix, None);
        assert!(IcpNumber::parse("AB2-12345678").is_err());
    }

    #[test]
    fn malformed_forms_are_still_numbers() {
        let n = one("川ICP备1234567-9号");
        assert!(n.site_before_hao);
        assert!(!one("京ICP备20190101").has_hao);
        // 苏州大学's centre (corpus r480) writes a hyphen after 备 and no 号: still the number.
        let n = one("苏ICP备-10229414");
        assert_eq!((n.text.as_str(), n.serial.as_str(), n.has_hao), ("苏ICP备-10229414", "10229414", false));
    }

    #[test]
    fn short_forms_without_the_letters_icp() {
        let n = one("粤备12345678号-1");
        assert_eq!(
            (n.text.as_str(), n.prefix, n.kind, n.site),
            ("粤备12345678号-1", Some('粤'), IcpKind::Filing, Some(1))
        );
        assert!(n.lacks_icp_letters());
        assert!(!one("京ICP备12345678号").lacks_icp_letters());
        // The letters in any case are the letters.
        assert_eq!(one("苏icp备08113897号").serial, "08113897");
        assert!(!one("苏icp备08113897号").lacks_icp_letters());
        // A licence shown with its 号 keeps it.
        assert_eq!(one("沪B2-20110022号").text, "沪B2-20110022号");
        assert_eq!(one("备案号：京备2020012345号").text, "京备2020012345号");
        // Without 号, or on a label character, it is not a number.
        assert!(IcpNumber::parse("京备12345678").is_err());
        assert!(IcpNumber::find_all("网站备案备12345678号").iter().all(|(_, n)| n.prefix != Some('案')));
    }

    #[test]
    fn combined_licence_lines_yield_each_number() {
        let all = IcpNumber::find_all("增值电信业务经营许可证：A2.B1-20090003/京B2-20090059-1京ICP证030173号");
        let texts: Vec<&str> = all.iter().map(|(_, n)| n.text.as_str()).collect();
        assert_eq!(texts, ["A2.B1-20090003", "京B2-20090059-1", "京ICP证030173号"]);
        // Basic and value-added classes of one licence, as written (dev r358).
        assert_eq!(one("增值电信业务经营许可证：A2.B1.B2-20100001").text, "A2.B1.B2-20100001");
        // Both classes of one licence, the province before the first.
        let both = one("增值电信业务经营许可证：京B1.B2-20140093");
        assert_eq!(
            (both.text.as_str(), both.prefix, both.serial.as_str()),
            ("京B1.B2-20140093", Some('京'), "20140093")
        );
        assert!(both.same_entity(&one("京B2-20140093"), |a, b| a == b));
    }

    #[test]
    fn templates_and_vanity() {
        assert!(one("ICP备12345678号").is_template());
        assert!(one("粤ICP备xxxxx").is_template());
        assert!(one("贵ICP备00000000号").is_template());
        assert!(one("黔ICP备2022xxxxxx号-1").is_template());
        assert!(!one("京ICP备14032460号-3").is_template());
        assert_eq!(one("萌ICP备20240001号").prefix, Some('萌'));
    }

    #[test]
    fn entity_comparison_maps_aliases() {
        let alias = |a: char, b: char| a == b || matches!((a, b), ('蜀', '川') | ('川', '蜀'));
        assert!(one("蜀ICP备14021561号-2").same_entity(&one("川ICP备14021561号"), alias));
        assert!(!one("京ICP备14021561号").same_entity(&one("川ICP备14021561号"), alias));
        assert!(!one("京ICP证14021561号").same_entity(&one("京ICP备14021561号"), alias));
    }

    #[test]
    fn several_numbers_in_one_run_of_text() {
        let all = IcpNumber::find_all("浙B2-20150198粤B2-20090191-18京ICP备11039383号-6京公网安备");
        let texts: Vec<_> = all.iter().map(|(_, n)| n.text.as_str()).collect();
        assert_eq!(texts, ["浙B2-20150198", "粤B2-20090191-18", "京ICP备11039383号-6"]);
    }
}
