//! `rules/preapproval.toml`: pre-approval industries, their status and documents, and the weighted
//! word families that show a page operates in one (schema documented in the file itself).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// content.preapproval fails when the filing lacks it.
    Required,
    /// Cancelled nationally; reported only.
    Cancelled,
    /// Providers disagree; reported only.
    Disputed,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub title: f64,
    pub navigation: f64,
    pub body: f64,
    pub body_cap: f64,
    pub licence: f64,
    /// Each kind of structural evidence (a dateline, an editor's byline, a post counter).
    #[serde(default)]
    pub evidence: f64,
    /// A schema.org type the page declares that is one of the industry's `schema_types`.
    #[serde(default)]
    pub schema: f64,
    /// A name of the page that is one of the industry's `services`.
    #[serde(default)]
    pub service: f64,
    /// An industry shown by navigation alone (no name, text, licence or evidence) needs at least
    /// this many of its items: a whole menu, not a portal's corner. 0: no such bound.
    #[serde(default)]
    pub navigation_alone_min_items: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortalRule {
    pub industry: String,
    pub min_items: usize,
    pub min_share: f64,
}

/// A forum's pages stamp every post with its date and time: on a page that the `industry` (bulletin)
/// shows by a name word and a form of its own, other industries' `timestamps` do not count.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForumRule {
    #[serde(default)]
    pub industry: String,
}

/// A catalogue's navigation (a book or video site listing its genres): among genres, words that are
/// channels elsewhere (军事, 体育, 历史) are categories of works, and `industries` do not count them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueRule {
    #[serde(default)]
    pub genres: Vec<String>,
    #[serde(default)]
    pub min_genres: usize,
    #[serde(default)]
    pub industries: Vec<String>,
}

/// A government or Party body's own site: its marks, and the industries it is not counted in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GovernmentFile {
    #[serde(default)]
    pub industries: Vec<String>,
    #[serde(default)]
    pub marks: Vec<String>,
    #[serde(default)]
    pub name_endings: Vec<String>,
}

/// [`GovernmentFile`] compiled.
#[derive(Debug, Clone, Default)]
pub struct GovernmentRule {
    /// Industries a government body's site is not counted in (its 政务 news is not a news business).
    pub industries: Vec<String>,
    /// Forms in the visible text only a government site carries (the 政府网站标识码).
    pub marks: Vec<super::gated::Gated>,
    /// Forms a government body's name ends with, matched against each part of the page's names.
    pub name_endings: Vec<super::gated::Gated>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IndustryRule {
    pub name: String,
    pub status: ApprovalStatus,
    pub document: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub threshold: f64,
    #[serde(default)]
    pub licence: Vec<String>,
    /// Points for the licence shown, when not `[weights] licence`.
    #[serde(default)]
    pub licence_weight: Option<f64>,
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Evidence that only dates something (an article's dateline): it counts unless the page is a forum.
    #[serde(default)]
    pub timestamps: Vec<String>,
    #[serde(default)]
    pub title: Vec<String>,
    /// A name of the page that ends with one of these is the name of such an institution.
    #[serde(default)]
    pub name_endings: Vec<String>,
    /// Points for such a name, when not `[weights] title`.
    #[serde(default)]
    pub name_ending_weight: Option<f64>,
    /// A name of the page that begins with one of these words is the name of such an institution, in the languages that
    /// put the kind first ("Farmacia …", "Hospital …", "Аптека …"); it counts as a title word (one more sign is
    /// needed: "Hospital Records" is a label, "Taxi Driver" a film), not at `name_ending_weight`.
    #[serde(default)]
    pub name_beginnings: Vec<String>,
    /// Endings of the name of a body of this industry: a copyright holder or a 主办 line's body that
    /// ends with one runs the site (a school signs its site's footer as its own).
    #[serde(default)]
    pub signed_by: Vec<String>,
    #[serde(default)]
    pub navigation: Vec<String>,
    #[serde(default)]
    pub body: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// schema.org types (local names, as `NewsArticle`) a page declares itself as when it is of this industry.
    #[serde(default)]
    pub schema_types: Vec<String>,
    /// Services of the industry known by name (知乎, 爱奇艺): a name of the page that is one of them, whole, is that
    /// service's page or a copy presenting itself as it.
    #[serde(default)]
    pub services: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndustryCase {
    pub html: String,
    pub industries: Vec<String>,
}

/// Pages that name a service without being it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicePagesRule {
    /// Words of a site that writes about services (an encyclopedia, an app store, a download site): a page named with
    /// one is that site's page about a service, and no service's own.
    #[serde(default)]
    pub about: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PreapprovalFile {
    pub weights: Weights,
    pub portal: PortalRule,
    #[serde(default)]
    pub catalogue: CatalogueRule,
    #[serde(default)]
    pub forum: ForumRule,
    #[serde(default)]
    pub government: GovernmentFile,
    #[serde(default)]
    pub service_pages: ServicePagesRule,
    pub industries: BTreeMap<String, IndustryRule>,
    #[serde(default)]
    pub case: Vec<IndustryCase>,
}

/// A compiled industry: words folded, licence patterns compiled.
#[derive(Debug, Clone)]
pub struct Industry {
    pub key: String,
    pub name: String,
    pub status: ApprovalStatus,
    pub document: String,
    pub aliases: Vec<String>,
    pub threshold: f64,
    pub licence: Vec<super::gated::Gated>,
    /// Points for the licence shown, when the industry sets its own (else `[weights] licence`).
    pub licence_weight: Option<f64>,
    /// Patterns for kinds of evidence (the form of a byline or a dateline, not a page's words).
    pub evidence: Vec<super::gated::Gated>,
    /// Evidence that only dates something; not counted on a forum ([`ForumRule`]).
    pub timestamps: Vec<super::gated::Gated>,
    pub title: Vec<String>,
    /// Endings of an institution's name (`大学`, `学院`): a name of the page ending so counts as a title word.
    pub name_endings: Vec<String>,
    /// Points for a name ending so, when the industry sets its own (else `[weights] title`).
    pub name_ending_weight: Option<f64>,
    /// Words an institution's name begins with (lower case, words one space apart); matched as whole words.
    pub name_beginnings: Vec<String>,
    /// Endings of the name of a body that, signing the footer, shows the industry (`[weights] evidence`).
    pub signed_by: Vec<String>,
    pub navigation: Vec<String>,
    pub body: Vec<String>,
    pub exclude: Vec<String>,
    /// schema.org types that declare a page of this industry (`[weights] schema`), compared as written.
    pub schema_types: Vec<String>,
    /// Services of the industry by name, folded (`[weights] service`): compared with whole name parts.
    pub services: Vec<String>,
}

impl Industry {
    /// Whether a filing's 前置审批项 entry names this industry.
    pub fn is_named_by(&self, entry: &str) -> bool {
        let e = fold(entry);
        e == fold(&self.key) || fold(&self.name) == e || self.aliases.iter().any(|a| fold(a) == e)
    }

    /// Whether a filing with these 前置审批项 lacks a pre-approval this industry requires (what
    /// `content.preapproval` fails on).
    pub fn lacks_approval(&self, filed: &[String]) -> bool {
        self.status == ApprovalStatus::Required && !filed.iter().any(|f| self.is_named_by(f))
    }
}

#[derive(Debug, Clone)]
pub struct Preapproval {
    pub weights: Weights,
    /// [`ServicePagesRule`], its words folded.
    pub service_pages: ServicePagesRule,
    pub portal: PortalRule,
    pub catalogue: CatalogueRule,
    pub forum: ForumRule,
    pub government: GovernmentRule,
    pub industries: Vec<Industry>,
    pub cases: Vec<IndustryCase>,
    /// Every industry's `body` words, one industry after another in the order of `industries`: a page's
    /// text is read once for all of them.
    body_words: super::word_set::WordSet,
}

impl Preapproval {
    /// Compiles the file; bad patterns are returned as (pattern, why).
    pub(crate) fn compile(file: PreapprovalFile, bad: &mut Vec<(String, String)>) -> Self {
        let folded = |w: &[String]| w.iter().map(|x| fold(x)).filter(|x| !x.is_empty()).collect::<Vec<_>>();
        let industries: Vec<Industry> = file
            .industries
            .into_iter()
            .map(|(key, r)| Industry {
                licence: super::compile_patterns(&r.licence, bad),
                licence_weight: r.licence_weight,
                evidence: super::compile_patterns(&r.evidence, bad),
                timestamps: super::compile_patterns(&r.timestamps, bad),
                title: folded(&r.title),
                name_endings: folded(&r.name_endings),
                name_ending_weight: r.name_ending_weight,
                name_beginnings: r
                    .name_beginnings
                    .iter()
                    .map(|w| crate::text::spaced(w).to_lowercase())
                    .filter(|w| !w.is_empty())
                    .collect(),
                signed_by: folded(&r.signed_by),
                navigation: folded(&r.navigation),
                body: folded(&r.body),
                exclude: folded(&r.exclude),
                schema_types: r.schema_types,
                services: folded(&r.services),
                key,
                name: r.name,
                status: r.status,
                document: r.document,
                aliases: r.aliases,
                threshold: r.threshold,
            })
            .collect();
        let government = GovernmentRule {
            industries: file.government.industries,
            marks: super::compile_patterns(&file.government.marks, bad),
            name_endings: super::compile_patterns(&file.government.name_endings, bad),
        };
        let catalogue = CatalogueRule { genres: folded(&file.catalogue.genres), ..file.catalogue };
        let body_words =
            super::word_set::WordSet::new(industries.iter().flat_map(|i: &Industry| i.body.iter().cloned()).collect());
        Preapproval {
            body_words,
            service_pages: ServicePagesRule { about: folded(&file.service_pages.about) },
            weights: file.weights,
            portal: file.portal,
            catalogue,
            forum: file.forum,
            government,
            industries,
            cases: file.case,
        }
    }

    /// For each industry, in the order of `industries`, which of its `body` words occur in `text`.
    pub fn body_words_present(&self, text: &str) -> Vec<Vec<bool>> {
        let mut present = self.body_words.present(text).into_iter();
        self.industries.iter().map(|i| present.by_ref().take(i.body.len()).collect()).collect()
    }

    pub fn get(&self, key: &str) -> Option<&Industry> {
        self.industries.iter().find(|i| i.key == key)
    }
}
