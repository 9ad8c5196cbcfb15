//! What a page is and who runs it, from its facts and the content rules: placeholder or interception
//! page, pre-approval industries, commercial activity, the names it calls itself, its operator.
//! Pure: facts and rules in, a [`Classification`] out.

mod commercial;
mod government;
mod identity;
mod industry;
pub mod industry_model;
mod placeholder;

use serde::{Deserialize, Serialize};

use crate::extract::PageFacts;
use crate::rules::gated::Gated;
use crate::rules::{PlaceholderKind, RuleSet};
use crate::text::{fold, fold_simplified, simplified, strip_template_syntax};

pub use identity::{is_organisation, operator_of, site_names};
pub use industry::IndustryHit;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// A placeholder page, with the fingerprint that matched (`blank` for the computed rule).
    pub placeholder: Option<(PlaceholderKind, String)>,
    /// An interception, WAF or CDN error page, by fingerprint id.
    pub blocked: Option<String>,
    pub industries: Vec<IndustryHit>,
    /// The commercial signals found (ids), when they reach the threshold.
    pub commercial: Vec<String>,
    /// The page shows an ICP licence or telecom licence string.
    pub licensed: bool,
    pub site_names: Vec<String>,
    pub operator: Option<String>,
    /// Signs of a company in the visible text (a personal filing may show none).
    #[serde(default)]
    pub company_signs: Vec<String>,
}

/// Words that show a company behind a site.
const COMPANY_SIGNS: [&str; 6] = ["有限公司", "公司简介", "产品中心", "招商加盟", "营业执照", "企业介绍"];

/// The languages that name an institution by its kind first ("Universidad Nacional de Colombia", "Farmacia Giovinazzi",
/// "Такси Алмаз", "Bệnh viện Bạch Mai", "Rumah Sakit …"), by their primary language subtag. English is not among them:
/// there a kind before a name is a title ("Taxi Driver", "Hospital Records"), and a page that declares nothing is not
/// taken to be in one.
const KIND_FIRST_LANGUAGES: [&str; 22] = [
    "es", "pt", "fr", "it", "ca", "gl", "ro", "ru", "uk", "be", "bg", "sr", "hr", "bs", "sl", "mk", "pl", "cs", "sk",
    "vi", "id", "ms",
];

/// The page's text prepared once for every matcher.
pub(crate) struct Prepared {
    pub title: String,
    pub names: String,
    /// The page's og:site_name, and the names its title and main heading show (folded): where a known service is looked
    /// for — not a picture's alt text, which may name what the page links to (a hospital's YouTube icon, dev c5532).
    pub og_site_name: Option<String>,
    pub shown_names: Vec<String>,
    /// The parts of `names` short enough to be an institution's name, as written (words one space apart, case kept) and
    /// folded, for the words such a name begins with ([`industry::named_first`]).
    pub named_first_parts: Vec<(String, String)>,
    /// The parts of the names that are the site's own (og:site_name, the logo's alt, the title's last part, or the whole
    /// title when it has one part), as `named_first_parts` holds them: where a name that begins with its kind is weighed.
    pub own_named_first_parts: Vec<(String, String)>,
    /// The page declares a language that names an institution by its kind first ([`KIND_FIRST_LANGUAGES`]).
    pub kind_first_language: bool,
    pub nav: Vec<String>,
    pub body: String,
    /// The visible text without template syntax, not folded, in simplified characters (for regexes).
    pub raw: String,
    /// `raw` as the page writes it, where it differs (traditional characters), for quoting what a regex
    /// found there (same byte offsets).
    pub raw_shown: Option<String>,
    /// The bottom region's text, where a site shows its own licences (the whole text when no bottom
    /// region was found), in simplified characters.
    pub footer: String,
    /// `footer` as the page writes it, where it differs.
    pub footer_shown: Option<String>,
    /// The bodies that sign the site: its copyright holders and the bodies its footer's 主办 / 运营 /
    /// 承办 lines name (folded).
    pub signers: Vec<String>,
    /// The schema.org types the page declares (as [`PageFacts::schema_types`]).
    pub schema_types: Vec<String>,
    /// The body text's length as a visitor sees it: without what the page's own markup hides (the
    /// text a default page carries in a hidden block, dev c986, is no content of a site).
    pub chars: usize,
}

impl Prepared {
    fn new(facts: &PageFacts, roles: &[(u8, String)]) -> Self {
        let (raw, raw_shown) = visible_text(facts);
        let body = fold_simplified(&raw);
        let title = fold(facts.title.as_deref().unwrap_or(""));
        // The logo's alt text is the site's name as much as og:site_name is.
        let sources = [
            facts.title.as_deref(),
            facts.og_site_name.as_deref(),
            facts.heading.as_deref(),
            facts.logo_alt.as_deref(),
        ];
        // Each name read once (NFKC, simplified characters), then kept with its words apart and folded.
        let read: Vec<String> = sources.into_iter().flatten().map(crate::text::spaced).collect();
        let stated = |n: &String| !strip_template_syntax(n).trim().is_empty();
        let named_first_parts = industry::named_first_parts(read.iter().filter(|n| stated(n)));
        let kind_first_language = facts.lang.as_deref().is_some_and(|l| {
            let primary = l.split(['-', '_']).next().unwrap_or("");
            KIND_FIRST_LANGUAGES.contains(&primary)
        });
        // The site's own names, not a headline's or a heading's: a film's page titled "Escuela de Rock (2003) - Ver película
        // online - Cuevana" is Cuevana's, and a news tag page "Bệnh viện Bạch Mai - Tin tức - VnExpress" VnExpress's. Only
        // read where they are weighed.
        let own_named_first_parts = if kind_first_language {
            let title_own = facts.title.as_deref().and_then(|t| {
                t.rsplit(identity::TITLE_SEPARATORS).map(str::trim).find(|p| !p.is_empty()).map(crate::text::spaced)
            });
            let own_sources = [facts.og_site_name.as_deref(), facts.logo_alt.as_deref()];
            let own_read: Vec<String> =
                own_sources.into_iter().flatten().map(crate::text::spaced).chain(title_own).collect();
            // A name with a year in brackets is a work's title ("Escuela de Rock (2003)"), whatever stands where.
            let dated = |n: &String| {
                n.match_indices('(').any(|(i, _)| {
                    let year: String = n[i + 1..].chars().take(5).collect();
                    year.len() == 5 && year.ends_with(')') && (year.starts_with("19") || year.starts_with("20"))
                })
            };
            industry::named_first_parts(own_read.iter().filter(|n| stated(n) && !dated(n)))
        } else {
            Vec::new()
        };
        let mut names = read.iter().map(|n| fold_simplified(n)).filter(stated).collect::<Vec<_>>();
        // A page with none of them (a section's template: its <title> in a layout not served with it) is
        // named by its first heading that reads as a name ("留言互动" in an h2, dev c2180), as for its site names.
        if names.is_empty() {
            names.extend(identity::name_heading(facts).map(|h| fold(&h)));
        }
        // A page whose only names are an editor's stand-ins (无标题文档) is named by the one body that signs its
        // copyright, as its site name is (dev c2450, a kindergarten's "Copyright © 2017 万锦国际幼儿园").
        let holders: Vec<String> = facts.copyright.iter().filter_map(|c| c.holder.as_deref()).map(fold).collect();
        if names.iter().all(|n| crate::extract::is_generic_name(n))
            && let Some(holder) = holders.first().filter(|h| holders.iter().all(|other| other == *h))
        {
            names = vec![holder.clone()];
        }
        let names = names.join("|");
        let stated_name = |n: &Option<String>| n.as_deref().map(fold_simplified).filter(|n| stated(n));
        let shown_names = [&facts.title, &facts.heading].into_iter().filter_map(stated_name).collect();
        // A page whose bottom region was not found shows its licences somewhere in its text.
        let (footer, footer_shown) = if facts.footer_text.trim().is_empty() {
            (raw.clone(), raw_shown.clone())
        } else {
            read_simplified(strip_template_syntax(&facts.footer_text).into_owned())
        };
        Prepared {
            title,
            names,
            og_site_name: stated_name(&facts.og_site_name),
            shown_names,
            named_first_parts,
            own_named_first_parts,
            kind_first_language,
            nav: facts.anchor_texts.iter().map(|a| fold(a)).collect(),
            signers: holders.into_iter().chain(roles.iter().map(|(_, name)| fold(name))).collect(),
            chars: body.chars().count().saturating_sub(facts.styled_hidden_chars),
            schema_types: facts.schema_types.clone(),
            body,
            footer,
            footer_shown,
            raw,
            raw_shown,
        }
    }

    /// The first match of `pattern` in the visible text, as the page writes it.
    pub fn found_in_text(&self, pattern: &Gated) -> Option<&str> {
        pattern.find(&self.raw).map(|m| quoted(self.raw_shown.as_deref(), &m))
    }

    /// The first match of `pattern` in the bottom region, as the page writes it.
    pub fn found_in_footer(&self, pattern: &Gated) -> Option<&str> {
        pattern.find(&self.footer).map(|m| quoted(self.footer_shown.as_deref(), &m))
    }
}

/// What a match in the simplified text reads as in `shown`, the text as written (same byte offsets).
fn quoted<'p>(shown: Option<&'p str>, found: &regex::Match<'p>) -> &'p str {
    shown.and_then(|shown| shown.get(found.range())).unwrap_or(found.as_str())
}

/// The page's visible text without template syntax, in simplified characters, and as written where that differs: what
/// every matcher and the industry model read.
pub(crate) fn visible_text(facts: &PageFacts) -> (String, Option<String>) {
    read_simplified(strip_template_syntax(&facts.body_text).into_owned())
}

/// The text in simplified characters, and as written where that differs (no copy for most pages).
fn read_simplified(shown: String) -> (String, Option<String>) {
    match simplified(&shown) {
        std::borrow::Cow::Owned(read) => (read, Some(shown)),
        std::borrow::Cow::Borrowed(_) => (shown, None),
    }
}

pub fn classify(facts: &PageFacts, rules: &RuleSet) -> Classification {
    let roles = identity::role_lines(&facts.footer_text);
    let page = Prepared::new(facts, &roles);
    let blocked = placeholder::interception(&page, &rules.placeholders);
    let mut placeholder = placeholder::placeholder(&page, facts, &rules.placeholders);
    // A page read as blank by how little it says, that says enough to show an industry by its forms (a board's list
    // with its header row and nothing posted yet: "웹툰 게시판 … 번호 제목 작성자 작성일 조회수", dev c5826), is that
    // industry's page with its content still to come, not an empty one. Fingerprinted pages stay what they are.
    let blank_industries = match &placeholder {
        Some((PlaceholderKind::Blank, _)) if blocked.is_none() => {
            // By a form of the industry's evidence, not by a name alone or a body signing it: a blank page titled "示例大学"
            // under "© 2024 示例大学 版权所有" says nothing yet.
            industry::industries_shown_by_form(&page, &rules.preapproval)
        }
        _ => None,
    };
    if blank_industries.is_some() {
        placeholder = None;
    }
    let (industries, commercial) = if placeholder.is_some() || blocked.is_some() {
        (Vec::new(), Vec::new())
    } else {
        let mut industries = blank_industries.unwrap_or_else(|| industry::industries(&page, &rules.preapproval));
        if let Some(model) = &rules.industry_model {
            let shown = industry_model::hits(model, facts, &page.raw, &industries);
            industries.extend(shown);
        }
        (industries, commercial::signals(&page, &rules.commercial))
    };
    let footer = fold(&facts.footer_text);
    let company_signs = COMPANY_SIGNS.iter().filter(|s| page.body.contains(&fold(s))).map(|s| s.to_string()).collect();
    Classification {
        licensed: rules.commercial.licensed.iter().any(|w| footer.contains(w.as_str())),
        site_names: identity::site_names_by(facts, &roles),
        operator: identity::operator_by(facts, &roles),
        placeholder,
        blocked,
        industries,
        commercial,
        company_signs,
    }
}

/// The industry model's probability of each of its industries for a page (for `rules explain`); none without a model.
pub fn industry_model_probabilities(facts: &PageFacts, rules: &RuleSet) -> Vec<(String, f64)> {
    let Some(model) = &rules.industry_model else { return Vec::new() };
    let (probabilities, _) = industry_model::probabilities(model, facts, &visible_text(facts).0);
    model.industries.iter().cloned().zip(probabilities).collect()
}

/// The industries a page scored for but did not reach, with their evidence (for `rules explain`).
pub fn industries_not_found(facts: &PageFacts, rules: &RuleSet) -> Vec<IndustryHit> {
    let roles = identity::role_lines(&facts.footer_text);
    let page = Prepared::new(facts, &roles);
    industry::assessed(&page, &rules.preapproval).into_iter().filter(|(_, found)| !found).map(|(hit, _)| hit).collect()
}

/// Runs every rule file's own [[case]] entries; each failure is a message naming the file.
pub fn self_test(rules: &RuleSet) -> Vec<String> {
    let url = url::Url::parse("http://case.test/").expect("url");
    let read = |html: &str| {
        let facts = crate::extract::extract(html, &url, &rules.provinces);
        (classify(&facts, rules), facts)
    };
    let mut failures = rules.holidays.case_failures();
    for (i, case) in rules.placeholders.cases.iter().enumerate() {
        let (c, _) = read(&case.html);
        let got = c.placeholder.as_ref().map_or("", |(k, _)| k.as_str());
        if got != case.placeholder || c.blocked.is_some() != case.blocked {
            failures.push(format!(
                "placeholders.toml case {}: expected placeholder {:?} blocked {}, got {got:?} blocked {}",
                i + 1,
                case.placeholder,
                case.blocked,
                c.blocked.is_some()
            ));
        }
    }
    for (i, case) in rules.preapproval.cases.iter().enumerate() {
        let (c, _) = read(&case.html);
        // The cases test the rules; the model's leads are measured on the corpus, and a retrained model must not fail them.
        let mut got: Vec<&str> = c.industries.iter().filter(|h| !h.by_model).map(|h| h.key.as_str()).collect();
        got.sort();
        let mut want: Vec<&str> = case.industries.iter().map(String::as_str).collect();
        want.sort();
        if got != want {
            failures.push(format!("preapproval.toml case {}: expected {want:?}, got {got:?}", i + 1));
        }
    }
    for (i, case) in rules.commercial.cases.iter().enumerate() {
        let (c, _) = read(&case.html);
        if c.commercial.is_empty() == case.commercial {
            failures.push(format!(
                "commercial.toml case {}: expected {}, got {:?}",
                i + 1,
                case.commercial,
                c.commercial
            ));
        }
    }
    for (i, case) in rules.naming.case.iter().enumerate() {
        let problems = rules.naming.problems(&case.name, &case.principal_type, &case.domain);
        if problems.is_empty() != case.valid {
            failures.push(format!(
                "naming.toml case {} ({}): expected valid={}, got {problems:?}",
                i + 1,
                case.name,
                case.valid
            ));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_passes_its_own_cases() {
        let failures = self_test(&RuleSet::embedded());
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
