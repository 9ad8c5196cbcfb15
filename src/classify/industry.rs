//! Pre-approval industries: weighted word families by where they stand (names, navigation, body),
//! licence strings with numbers, company-news exclusions, the portal rule and the catalogue rule.

use serde::{Deserialize, Serialize};

use super::Prepared;
use crate::extract::COMPANY_FORMS;
use crate::rules::gated::Gated;
use crate::rules::{Industry, Preapproval};

/// An industry the page operates in, with what showed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndustryHit {
    pub key: String,
    /// The rules' points against the industry's threshold; for the model's lead, its probability.
    pub score: f64,
    pub evidence: Vec<String>,
    /// Shown by the industry model alone (`industry_model`), no rule's evidence: a lead for a reviewer, never the
    /// ground of a notice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_model: bool,
}

/// A navigation word at least this long is specific enough to count inside a longer item, not only at its
/// start.
const LONG_NAV_WORD: usize = 4;

struct Scored<'a> {
    industry: &'a Industry,
    score: f64,
    strong: bool,
    nav_hits: usize,
    evidence: Vec<String>,
    /// The `timestamps` that matched: points in `score`, taken back on a forum.
    dated: Vec<String>,
    /// Shown by a name word and a form of its own (a forum, when this is the forum industry).
    named_with_form: bool,
    /// Nothing but navigation shows it once its timestamps are set aside.
    nav_besides_dates: bool,
    /// Shown by a form of its `evidence` (not a body signing the footer; `dated` is the timestamps' share).
    formed: bool,
}

pub(super) fn industries(page: &Prepared, rules: &Preapproval) -> Vec<IndustryHit> {
    verdicts(page, rules).into_iter().filter(|(_, found)| *found).map(|(s, _)| s.into_hit()).collect()
}

/// The industries found, when one of them shows by a form of its evidence or a timestamp — a board's header row, a
/// dateline — and not only by its names, words or a body signing the page: what makes a page that says little an
/// industry's page with its content still to come rather than a blank one.
pub(super) fn industries_shown_by_form(page: &Prepared, rules: &Preapproval) -> Option<Vec<IndustryHit>> {
    let found: Vec<Scored<'_>> =
        verdicts(page, rules).into_iter().filter(|(_, found)| *found).map(|(s, _)| s).collect();
    found.iter().any(|s| s.formed || !s.dated.is_empty()).then(|| found.into_iter().map(Scored::into_hit).collect())
}

/// Every industry the page scored anything for, with whether it is found: what a reviewer asks when an
/// industry was not found ("how close was it, and on what?").
pub(super) fn assessed(page: &Prepared, rules: &Preapproval) -> Vec<(IndustryHit, bool)> {
    verdicts(page, rules).into_iter().filter(|(s, _)| s.score > 0.0).map(|(s, found)| (s.into_hit(), found)).collect()
}

impl Scored<'_> {
    fn into_hit(self) -> IndustryHit {
        IndustryHit { key: self.industry.key.clone(), score: self.score, evidence: self.evidence, by_model: false }
    }
}

/// Each industry's score and evidence, with whether the page is in it.
fn verdicts<'r>(page: &Prepared, rules: &'r Preapproval) -> Vec<(Scored<'r>, bool)> {
    let w = &rules.weights;
    let genres = page.nav.iter().filter(|item| rules.catalogue.genres.contains(item)).count();
    let catalogue = rules.catalogue.min_genres > 0 && genres >= rules.catalogue.min_genres;
    // One search over every item at once tells whether a long word is in any of them; only then is each
    // item looked at (a page has a hundred items or more, and each industry a dozen long words).
    let nav_joined = page.nav.join("\n");
    let body_words = rules.body_words_present(&page.body);
    let service_names = service_names(page, rules);
    let scored: Vec<Scored<'_>> = rules
        .industries
        .iter()
        .zip(&body_words)
        .map(|(industry, body_words)| {
            // Only industries with exclusions need a copy of the text without them.
            let (mut body, mut names) =
                (std::borrow::Cow::Borrowed(page.body.as_str()), std::borrow::Cow::Borrowed(page.names.as_str()));
            for x in &industry.exclude {
                if body.contains(x.as_str()) {
                    body = std::borrow::Cow::Owned(body.replace(x.as_str(), ""));
                }
                if names.contains(x.as_str()) {
                    names = std::borrow::Cow::Owned(names.replace(x.as_str(), ""));
                }
            }
            // A menu item that says the page is what the industry excludes (公司新闻).
            let names_excluded = |item: &str| industry.exclude.iter().any(|x| item.contains(x.as_str()));
            let mut evidence = Vec::new();
            let mut title: Vec<&String> = industry.title.iter().filter(|t| names.contains(t.as_str())).collect();
            // "南京邮电大学 计算机学院" is a school's own name: its last word is what schools are called.
            // "Universidad Nacional de Colombia", "Farmacia Giovinazzi", "Такси Алмаз": the languages that put the kind first
            // name their institutions so, and such a name, as the site's own name on a page declaring such a language, shows
            // the industry as "… University" does. Elsewhere (English, or a headline's or a heading's name) it is a title word
            // below, needing one more sign.
            let kind_first = || {
                let weighed = industry.name_ending_weight.is_some() && page.kind_first_language;
                weighed.then(|| named_first(&page.own_named_first_parts, industry)).flatten()
            };
            let ending = super::identity::name_parts(&names).find_map(|part| {
                let name = without_site_word(part);
                industry.name_endings.iter().find(|e| name.ends_with(e.as_str()))
            });
            // A kind-first name needs one more sign of the industry, a word of its text at least: business names use the kinds
            // figuratively more often than English endings show ("Clínica Mac", an Apple repairer; "Hospital do Som", a music
            // shop; "Taxi Brousse Production", a film producer: the second review).
            let corroborate = if ending.is_none() { w.body } else { 0.0 };
            let named_as = ending.or_else(kind_first);
            // An industry that weighs an institution's name on its own counts the name so, whether
            // or not a title word also matched in it.
            let ending_weight = named_as.and(industry.name_ending_weight).map(|weight| weight - corroborate);
            match ending_weight {
                Some(_) => {
                    title.retain(|t| !named_as.is_some_and(|e| e.contains(t.as_str()) || t.contains(e.as_str())))
                }
                None => title.extend(named_as.filter(|e| !title.iter().any(|t| t.contains(e.as_str())))),
            }
            // A name that begins with the kind, where it was not weighed above, counts as a title word: one more sign is needed
            // ("Hospital Records", a label; "Taxi Driver (1976)", a film).
            title.extend(
                named_first(&page.named_first_parts, industry)
                    .filter(|w| ending_weight.is_none() || named_as != Some(*w))
                    .filter(|w| !title.iter().any(|t| t.contains(w.as_str()))),
            );
            title.truncate(2);
            // Among a catalogue's genres, 军事 and 体育 are kinds of books, not news channels.
            let genre_words = catalogue && rules.catalogue.industries.contains(&industry.key);
            let nav: Vec<&String> = industry
                .navigation
                .iter()
                .filter(|_| !genre_words)
                .filter(|n| {
                    let long = n.chars().count() >= LONG_NAV_WORD;
                    if long && !nav_joined.contains(n.as_str()) {
                        return false;
                    }
                    page.nav.iter().any(|item| {
                        // A long item may lead to a long word ("患者就医指南" is a 就医指南).
                        let within = if long { item.contains(n.as_str()) } else { item.starts_with(n.as_str()) };
                        item == *n || (within && !names_excluded(item))
                    })
                })
                .collect();
            // Read for all industries at once, unless this one's exclusions changed its text.
            let in_body: Vec<&String> = match &body {
                std::borrow::Cow::Borrowed(_) => {
                    industry.body.iter().zip(body_words).filter(|(_, present)| **present).map(|(b, _)| b).collect()
                }
                std::borrow::Cow::Owned(body) => industry.body.iter().filter(|b| body.contains(b.as_str())).collect(),
            };
            let licence = industry.licence.iter().find_map(|re| page.found_in_footer(re)).map(str::to_string);
            // What each form found, its first 40 characters.
            let found = |forms: &[Gated]| -> Vec<String> {
                forms.iter().filter_map(|re| page.found_in_text(re).map(|q| q.chars().take(40).collect())).collect()
            };
            let mut kinds = found(&industry.evidence);
            let formed = !kinds.is_empty();
            kinds.extend(signed_as(page, industry).map(|signer| format!("signed by {signer}")));
            let dated = found(&industry.timestamps);
            // The page's own word for what it is, in the vocabulary search engines read — unless its names or its menu
            // say it is what the industry excludes (a company's press release declared a NewsArticle, under 公司新闻).
            let excluded =
                matches!(names, std::borrow::Cow::Owned(_)) || page.nav.iter().any(|item| names_excluded(item));
            let declared = page.schema_types.iter().find(|t| industry.schema_types.contains(t)).filter(|_| !excluded);
            // A service known by name, named so whole: "知乎", not "知乎热榜 - 某某博客"'s part; unless the page's names or
            // menu say it is what the industry excludes, as for a declared type.
            let service =
                service_names.iter().find_map(|n| industry.services.iter().find(|s| s == n)).filter(|_| !excluded);
            let body_points = (w.body * in_body.len() as f64).min(w.body_cap);
            let score = w.title * title.len() as f64
                + ending_weight.unwrap_or(0.0)
                + if declared.is_some() { w.schema } else { 0.0 }
                + if service.is_some() { w.service } else { 0.0 }
                + w.evidence * (kinds.len() + dated.len()) as f64
                + w.navigation * nav.len() as f64
                + body_points
                + if licence.is_some() { industry.licence_weight.unwrap_or(w.licence) } else { 0.0 };
            evidence.extend(title.iter().map(|t| format!("name: {t}")));
            evidence.extend(named_as.filter(|_| ending_weight.is_some()).map(|e| format!("name ending: {e}")));
            evidence.extend(nav.iter().map(|n| format!("navigation: {n}")));
            evidence.extend(in_body.iter().take(4).map(|b| format!("text: {b}")));
            evidence.extend(licence.iter().map(|l| format!("licence: {l}")));
            evidence.extend(kinds.iter().chain(&dated).map(|k| format!("evidence: {k}")));
            evidence.extend(declared.map(|t| format!("declared: {t}")));
            evidence.extend(service.map(|s| format!("service: {s}")));
            // Channels linked from a page are what it points to, not yet what it does: a few of them
            // alone are a corner of a portal or a live-streaming site's menu.
            let nav_besides_dates = title.is_empty()
                && ending_weight.is_none()
                && in_body.is_empty()
                && licence.is_none()
                && kinds.is_empty()
                && declared.is_none()
                && service.is_none();
            let nav_alone = nav_besides_dates && dated.is_empty();
            let score = if nav_alone && nav.len() < w.navigation_alone_min_items { 0.0 } else { score };
            // A licence that cannot show the industry by itself (a portal's 网文 licence for a corner of
            // what it publishes) does not make its channels more than links either.
            let full_licence = licence.is_some() && industry.licence_weight.unwrap_or(w.licence) >= industry.threshold;
            Scored {
                industry,
                score,
                strong: !title.is_empty()
                    || ending_weight.is_some()
                    || full_licence
                    || declared.is_some()
                    || service.is_some(),
                named_with_form: !title.is_empty() && !kinds.is_empty(),
                nav_besides_dates,
                // Not a declared type: a template's empty JSON-LD block is still an empty page.
                formed,
                dated,
                nav_hits: nav.len(),
                evidence,
            }
        })
        .collect();
    // On a forum a date and time stamp a post, not an article: other industries' timestamps count for
    // nothing there (a board list's 新闻 channel and its posts' times are no news desk, dev c234, c788).
    let forum = scored.iter().any(|s| s.industry.key == rules.forum.industry && s.named_with_form);
    let scored: Vec<Scored<'_>> = if forum {
        scored
            .into_iter()
            .map(|mut s| {
                if s.industry.key != rules.forum.industry && !s.dated.is_empty() {
                    s.score -= w.evidence * s.dated.len() as f64;
                    // What is left is navigation alone, which must then be a whole menu.
                    if s.nav_besides_dates && s.nav_hits < w.navigation_alone_min_items {
                        s.score = 0.0;
                    }
                    let dated: Vec<String> = s.dated.drain(..).map(|d| format!("evidence: {d}")).collect();
                    s.evidence.retain(|e| !dated.contains(e));
                }
                s
            })
            .collect()
    } else {
        scored
    };
    // A government body's site publishes 政务 news; it is not in the news business.
    let government = super::government::is_government_site(&page.names, &page.raw, &rules.government);
    let portal = scored.iter().any(|s| s.industry.key == rules.portal.industry && s.nav_hits >= rules.portal.min_items);
    let nav_items = page.nav.len().max(1) as f64;
    scored
        .into_iter()
        .map(|s| {
            let found = s.score >= s.industry.threshold
                // On a portal every channel is linked: navigation alone must be a real share of the links.
                && (!portal
                    || s.industry.key == rules.portal.industry
                    || s.strong
                    || s.nav_hits as f64 / nav_items >= rules.portal.min_share)
                && !(government && rules.government.industries.contains(&s.industry.key));
            (s, found)
        })
        .collect()
}

/// The names a known service is looked for as, read once per page: the parts of og:site_name, and of the title and main
/// heading where they name the site og:site_name names (all of them, with none), each also without a site word
/// (某某官网) and — where it is the whole name ("SFGate.com"), not inside a lookup tool's title — without its domain's
/// suffix. A part naming another site is a page of the og:site_name's site about the service (an app store's listing
/// titled after the app), and a page named by a site that writes about services (an encyclopedia, a download site) is
/// none of them.
fn service_names<'p>(page: &'p Prepared, rules: &Preapproval) -> Vec<&'p str> {
    let names = || page.og_site_name.iter().chain(&page.shown_names);
    if names().any(|n| rules.service_pages.about.iter().any(|a| n.contains(a.as_str()))) {
        return Vec::new();
    }
    let og = page.og_site_name.as_deref();
    let og_parts = og.into_iter().flat_map(super::identity::name_parts);
    let shown_parts = page.shown_names.iter().flat_map(|n| super::identity::name_parts(n));
    let parts = og_parts.chain(shown_parts.filter(|part| og.is_none_or(|og| og.contains(part) || part.contains(og))));
    parts
        .flat_map(|part| {
            let whole = names().any(|n| n == part);
            [Some(part), Some(without_site_word(part)), whole.then(|| without_domain_suffix(part))]
        })
        .flatten()
        .collect()
}

/// The suffixes of a domain a site may be named by ("SFGate.com"), compound ones first.
const DOMAIN_SUFFIXES: [&str; 6] = [".com.cn", ".com", ".cn", ".net", ".org", ".tv"];

/// A folded name written as its domain, without the suffix ("sfgate.com" is SFGate's name).
fn without_domain_suffix(name: &str) -> &str {
    DOMAIN_SUFFIXES.iter().find_map(|suffix| name.strip_suffix(suffix)).filter(|n| !n.is_empty()).unwrap_or(name)
}

/// What a site adds after the name of the body that runs it: 某某大学新闻网, 某某医院官网, 某某学院学术网.
const SITE_WORDS: [&str; 4] = ["官方网站", "网站", "官网", "网"];
/// What a site says of itself between the body's name and the word for a site (新闻网, 门户网站).
const SITE_KINDS: [&str; 6] = ["新闻", "学术", "信息", "门户", "资讯", "官方"];

/// A name part this long or with this many words is a headline or a slogan, not an institution's name.
const NAMED_FIRST_MAX_CHARS: usize = 40;
const NAMED_FIRST_MAX_WORDS: usize = 6;
/// The small words between an institution's kind and its name ("Universidad de Chile", "Pharmacie de la Gare", "Università degli
/// Studi"), at most two of them; an elided one is written onto the name ("Université d'Angers").
const NAME_PARTICLES: [&str; 18] = [
    "de", "del", "do", "da", "du", "des", "di", "della", "degli", "dei", "dos", "das", "der", "von", "van", "la", "le",
    "el",
];

/// The word a name of the page begins with, as the languages that put an institution's kind first name it ("Farmacia
/// Panaceia", "Hospital San José", "Аптека №1", "Universidad de Chile"): a whole word ("Hospitality Group" is no hospital)
/// followed by a name — a capital, a number, or a script without case, after a particle or not — not by a sentence
/// ("Hospital workers strike", a headline); and not a name the industry excludes ("Hospital Veterinario").
pub(super) fn named_first<'r>(parts: &[(String, String)], industry: &'r Industry) -> Option<&'r String> {
    if industry.name_beginnings.is_empty() {
        return None;
    }
    parts.iter().find_map(|(part, folded)| {
        if industry.exclude.iter().any(|x| folded.contains(x.as_str())) {
            return None;
        }
        industry.name_beginnings.iter().find(|w| begins_with_kind(part, w))
    })
}

/// The parts of a page's names (read with [`crate::text::spaced`]) that [`named_first`] looks at, split at the title's
/// separators, each with its folded form: split and folded once a page, not once an industry.
pub(super) fn named_first_parts<'n>(names: impl Iterator<Item = &'n String>) -> Vec<(String, String)> {
    names
        .flat_map(|n| n.split(super::identity::TITLE_SEPARATORS))
        .map(str::trim)
        .filter(|part| {
            part.chars().count() <= NAMED_FIRST_MAX_CHARS && part.split(' ').count() <= NAMED_FIRST_MAX_WORDS
        })
        .map(|part| (part.to_string(), crate::text::fold_simplified(part)))
        .collect()
}

/// Whether `part` begins with the word `kind` (lower case) followed by a name. Compared character by character, so a
/// letter whose lower case is longer ("İ") does not shift what is read after it.
fn begins_with_kind(part: &str, kind: &str) -> bool {
    let n = kind.chars().count();
    let head: String = part.chars().take(n).flat_map(char::to_lowercase).collect();
    if head != kind {
        return false;
    }
    let rest: &str = part.char_indices().nth(n).map_or("", |(i, _)| &part[i..]);
    let Some(rest) = rest.strip_prefix(' ') else { return false };
    let mut words = rest.split(' ').peekable();
    for _ in 0..2 {
        if words.peek().is_some_and(|w| NAME_PARTICLES.contains(w)) {
            words.next();
        }
    }
    let next = words.next().unwrap_or("");
    let next = ["d'", "d’", "l'", "l’"].iter().find_map(|e| next.strip_prefix(e)).unwrap_or(next);
    next.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_numeric() || c == '№' || (c.is_alphabetic() && !c.is_lowercase()))
}

#[cfg(test)]
mod name_form_tests {
    use super::{begins_with_kind, without_domain_suffix};

    #[test]
    fn a_name_written_as_its_domain_is_the_name() {
        assert_eq!(without_domain_suffix("sfgate.com"), "sfgate");
        assert_eq!(without_domain_suffix("nga.com.cn"), "nga");
        assert_eq!(without_domain_suffix(".com"), ".com");
    }

    #[test]
    fn a_kind_word_begins_a_name_not_a_sentence() {
        assert!(begins_with_kind("Clínica AlphaMed", "clínica"));
        assert!(begins_with_kind("Universidad de Chile", "universidad"));
        assert!(begins_with_kind("Pharmacie de la Gare", "pharmacie"));
        assert!(begins_with_kind("Université d'Angers", "université"));
        assert!(begins_with_kind("Аптека №1", "аптека"));
        assert!(!begins_with_kind("Hospital workers strike over pay", "hospital"));
        assert!(!begins_with_kind("Hospitality Group", "hospital"));
        assert!(!begins_with_kind("Taxi", "taxi"));
        // A letter whose lower case is longer does not shift the word read after the kind.
        assert!(!begins_with_kind("TAXI servicio İzmir", "taxi"));
        assert!(begins_with_kind("TAXI İzmir Havalimanı", "taxi"));
    }
}

/// A name without the words that call it a site: the name of the body the site is of.
fn without_site_word(name: &str) -> &str {
    let Some(mut rest) = SITE_WORDS.iter().find_map(|w| name.strip_suffix(w)) else { return name };
    while let Some(shorter) = SITE_KINDS.iter().find_map(|k| rest.strip_suffix(k)) {
        rest = shorter;
    }
    rest
}

/// The first body signing the site whose name ends as this industry's bodies are named (a hospital's
/// own name under its copyright line), before any company form (a private clinic registers as
/// 某某门诊部有限公司), unless the name is one the industry excludes (宠物医院).
fn signed_as<'p>(page: &'p Prepared, industry: &Industry) -> Option<&'p str> {
    page.signers
        .iter()
        .filter(|signer| !industry.exclude.iter().any(|x| signer.contains(x.as_str())))
        .find(|signer| {
            let name = COMPANY_FORMS.iter().find_map(|form| signer.strip_suffix(form)).unwrap_or(signer);
            industry.signed_by.iter().any(|ending| name.ends_with(ending.as_str()))
        })
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{CopyrightFact, PageFacts};
    use crate::rules::RuleSet;

    /// A service is compared with whole name parts: one the parts never yield whole (a title separator inside it, longer than
    /// a name part may be) could never be found.
    #[test]
    fn every_listed_service_can_be_a_whole_name_part() {
        let rules = RuleSet::embedded();
        for industry in &rules.preapproval.industries {
            for service in &industry.services {
                assert!(
                    super::super::identity::name_parts(service).any(|p| p == service),
                    "industries.{}.services: {service:?} is never a whole name part",
                    industry.key
                );
            }
        }
    }

    fn signed(holder: &str, footer: &str) -> PageFacts {
        PageFacts {
            copyright: vec![CopyrightFact { text: format!("版权所有 {holder}"), holder: Some(holder.to_string()) }],
            footer_text: footer.to_string(),
            ..PageFacts::default()
        }
    }

    fn signed_evidence(facts: &PageFacts, key: &str) -> Option<String> {
        let rules = RuleSet::embedded();
        let industry = rules.preapproval.get(key).expect("industry");
        let roles = crate::classify::identity::role_lines(&facts.footer_text);
        signed_as(&Prepared::new(facts, &roles), industry).map(str::to_string)
    }

    #[test]
    fn a_body_of_the_industry_signing_the_site_is_its_evidence() {
        let hospital = signed("青禾市第一人民医院", "");
        assert_eq!(signed_evidence(&hospital, "healthcare").as_deref(), Some("青禾市第一人民医院"));
        assert_eq!(signed_evidence(&hospital, "education"), None);
        // A 主办 line names the body as much as a copyright line does.
        let sponsored = PageFacts {
            footer_text: "主办单位：青禾日报社 地址：青禾市".into(), ..PageFacts::default()
        };
        assert_eq!(signed_evidence(&sponsored, "news").as_deref(), Some("青禾日报社"));
        // A private clinic is a company by its legal form.
        let clinic = signed("青禾仁和门诊部有限公司", "");
        assert_eq!(signed_evidence(&clinic, "healthcare").as_deref(), Some("青禾仁和门诊部有限公司"));
    }

    #[test]
    fn evidence_found_in_traditional_characters_is_quoted_as_written() {
        let rules = RuleSet::embedded();
        let news = rules.preapproval.get("news").expect("news");
        let facts = PageFacts {
            body_text: "本報記者 王小明 報導 責任編輯：李大華".into(),
            footer_text: "互聯網新聞信息服務許可證：11120180001".into(),
            ..PageFacts::default()
        };
        let page = Prepared::new(&facts, &[]);
        let found: Vec<&str> = news.evidence.iter().filter_map(|re| page.found_in_text(re)).collect();
        assert!(found.contains(&"責任編輯：李"), "{found:?}");
        let licence = news.licence.iter().find_map(|re| page.found_in_footer(re));
        assert_eq!(licence, Some("互聯網新聞信息服務許可證：11120180001"));
    }

    #[test]
    fn a_site_word_after_a_body_s_name_leaves_the_body_s_name() {
        assert_eq!(without_site_word("青禾大学新闻网"), "青禾大学");
        assert_eq!(without_site_word("青禾医院官网"), "青禾医院");
        assert_eq!(without_site_word("青禾学院学术网"), "青禾学院");
        assert_eq!(without_site_word("青禾大学生"), "青禾大学生");
    }

    #[test]
    fn a_name_the_industry_excludes_or_that_only_contains_an_ending_signs_nothing() {
        assert_eq!(signed_evidence(&signed("青禾宠物医院", ""), "healthcare"), None);
        // A university's press is a publisher, not a school.
        assert_eq!(signed_evidence(&signed("青禾大学出版社", ""), "education"), None);
    }
}
