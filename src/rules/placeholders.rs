//! `rules/placeholders.toml`: fingerprints of default, parked and under-construction pages, the blank
//! page rule, and interception pages (schema documented in the file itself).

use serde::Deserialize;

use crate::text::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceholderKind {
    ServerDefault,
    PanelDefault,
    Parked,
    UnderConstruction,
    Blank,
}

impl PlaceholderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceholderKind::ServerDefault => "server_default",
            PlaceholderKind::PanelDefault => "panel_default",
            PlaceholderKind::Parked => "parked",
            PlaceholderKind::UnderConstruction => "under_construction",
            PlaceholderKind::Blank => "blank",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlaceholdersFile {
    pub blank: BlankRule,
    #[serde(default)]
    pub hosting_talk: Option<HostingTalkRule>,
    #[serde(default)]
    pub fingerprint: Vec<FingerprintRule>,
    #[serde(default)]
    pub interception: Vec<InterceptionRule>,
    #[serde(default)]
    pub case: Vec<PlaceholderCase>,
}

/// What makes a page blank.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlankRule {
    pub max_chars: usize,
    #[serde(default)]
    pub stock_words: Vec<String>,
    /// At most this many menu items — distinct link texts short enough to be navigation, as `extract`
    /// keeps them (any number when not given): a page that offers a menu has somewhere to go, however
    /// little it says.
    #[serde(default)]
    pub max_links: Option<usize>,
    /// Words of a title that says the page was not found: a site's router answering for a path, not an
    /// empty site.
    #[serde(default)]
    pub error_titles: Vec<String>,
    /// Words of a link back into the site ("返回首页", "Home"): a page whose text says, as `error_titles` do, that
    /// the page was not found, and that offers one of these, is the site answering too.
    #[serde(default)]
    pub home_links: Vec<String>,
    /// Words a service answers with for one address it gave out and withdrew ("链接已过期", "This link has expired"):
    /// a live service answering for a link, not an empty site, however short.
    #[serde(default)]
    pub link_answers: Vec<String>,
    /// At most this many form controls (any number when not given): a page asking its visitor to fill in
    /// or choose several things is an application at work, however little it says.
    #[serde(default)]
    pub max_form_controls: Option<usize>,
}

/// A short page that speaks of itself and of nothing but its hosting (schema in the file).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HostingTalkRule {
    pub max_chars: usize,
    pub min_terms: usize,
    pub itself: Vec<String>,
    pub terms: Vec<String>,
    #[serde(default)]
    pub parked: Vec<String>,
    #[serde(default)]
    pub server: Vec<String>,
}

/// [`HostingTalkRule`], words folded.
#[derive(Debug, Clone, Default)]
pub struct HostingTalk {
    pub max_chars: usize,
    pub min_terms: usize,
    pub itself: Vec<String>,
    pub terms: Vec<String>,
    pub parked: Vec<String>,
    pub server: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FingerprintRule {
    pub id: String,
    pub kind: PlaceholderKind,
    #[serde(default)]
    pub title: Vec<String>,
    #[serde(default)]
    pub text: Vec<String>,
    /// Words that must all be among the page's link texts (a stack's tool links).
    #[serde(default)]
    pub links: Vec<String>,
    /// Words of which at least `min_link_words` must each be in some link's text or address (a
    /// framework's resource links: documentation, source, changelog, forum, chat).
    #[serde(default)]
    pub link_words: Vec<String>,
    #[serde(default)]
    pub min_link_words: usize,
    /// Words one of which the page's title or text must hold for `link_words` to count (a greeting).
    #[serde(default)]
    pub link_words_with: Vec<String>,
    /// Where some link of the page leads (part of its address): a server's splash image links to
    /// its vendor's page.
    #[serde(default)]
    pub link_targets: Vec<String>,
    /// How many of the page's links must lead to `link_targets` (one when not given): a template
    /// that sends every help line to its vendor, not a page that cites the vendor once.
    #[serde(default)]
    pub min_target_links: Option<usize>,
    /// Words one of which some picture's file name contains (lower case): a notice shown as one
    /// picture is named for what it says (weihu.jpg, building.gif).
    #[serde(default)]
    pub image_names: Vec<String>,
    /// Titles under which `image_names` count too (they count on an untitled page): a product's stock
    /// picture under its stock title (IIS 8.5's start page re-linked by its owner). Under a title of
    /// the owner's the picture may be the owner's own under the stock name (a photo saved as
    /// iisstart.png), and the stock title alone is kept over pages of the owner's.
    #[serde(default)]
    pub image_names_titles: Vec<String>,
    /// Sentence forms (regexes over the visible text as shown, spacing kept): default pages say
    /// the same things in many wordings ("If you're seeing this page …, it means … successfully").
    #[serde(default)]
    pub patterns: Vec<String>,
    /// The `patterns` are read in the title as well: a notice may be all a page's title says while
    /// its body is one picture.
    #[serde(default)]
    pub patterns_in_title: bool,
    pub max_chars: usize,
    /// At most this many menu items on the page (distinct link texts short enough to be navigation;
    /// any number when not given): a notice stands on a page that offers little else, while a site's
    /// full menu around the same words is the site.
    #[serde(default)]
    pub max_links: Option<usize>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterceptionRule {
    pub id: String,
    #[serde(default)]
    pub title: Vec<String>,
    #[serde(default)]
    pub text: Vec<String>,
    /// The visible text is at most this long (any length when not given): words a site may also carry
    /// in its own footer name an interception only on a page that says little else.
    #[serde(default)]
    pub max_chars: Option<usize>,
}

/// One of the file's own tests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceholderCase {
    pub html: String,
    /// Expected kind; "" for none.
    pub placeholder: String,
    #[serde(default)]
    pub blocked: bool,
}

/// A compiled fingerprint: words folded once.
#[derive(Debug, Clone)]
pub struct Fingerprint {
    pub id: String,
    pub kind: PlaceholderKind,
    pub title: Vec<String>,
    pub text: Vec<String>,
    /// Folded words that must all be among the page's link texts; empty = not used.
    pub links: Vec<String>,
    /// Folded words, at least `min_link_words` of them each in some link's text; empty = not used.
    pub link_words: Vec<String>,
    pub min_link_words: usize,
    /// Folded words, one of which the title or text must hold for `link_words` to count.
    pub link_words_with: Vec<String>,
    /// Lower-cased parts of a link's address, any of which marks the page; empty = not used.
    pub link_targets: Vec<String>,
    /// At least this many links must lead to `link_targets`.
    pub min_target_links: usize,
    /// Words one of which some picture's file name contains.
    pub image_names: Vec<String>,
    /// Folded titles under which `image_names` count too.
    pub image_names_titles: Vec<String>,
    /// Sentence forms over the visible text; any match marks the page.
    pub patterns: Vec<super::gated::Gated>,
    pub patterns_in_title: bool,
    pub max_chars: usize,
    pub max_links: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    pub blank_max_chars: usize,
    pub blank_max_links: usize,
    pub blank_max_form_controls: usize,
    pub blank_stock_words: Vec<String>,
    pub blank_error_titles: Vec<String>,
    pub blank_home_links: Vec<String>,
    pub blank_link_answers: Vec<String>,
    pub fingerprints: Vec<Fingerprint>,
    /// The rule for default pages no fingerprint names; `None` when the file has none.
    pub hosting_talk: Option<HostingTalk>,
    /// (id, folded title words, folded text words)
    pub interceptions: Vec<Fingerprint>,
    pub cases: Vec<PlaceholderCase>,
}

fn folded(words: &[String]) -> Vec<String> {
    words.iter().map(|w| fold(w)).filter(|w| !w.is_empty()).collect()
}

impl Placeholders {
    pub(crate) fn compile(file: PlaceholdersFile, bad: &mut Vec<(String, String)>) -> Self {
        Placeholders {
            blank_max_chars: file.blank.max_chars,
            blank_max_links: file.blank.max_links.unwrap_or(usize::MAX),
            blank_max_form_controls: file.blank.max_form_controls.unwrap_or(usize::MAX),
            blank_stock_words: folded(&file.blank.stock_words),
            blank_error_titles: folded(&file.blank.error_titles),
            blank_home_links: folded(&file.blank.home_links),
            blank_link_answers: folded(&file.blank.link_answers),
            hosting_talk: file.hosting_talk.map(|t| HostingTalk {
                max_chars: t.max_chars,
                min_terms: t.min_terms,
                itself: folded(&t.itself),
                terms: folded(&t.terms),
                parked: folded(&t.parked),
                server: folded(&t.server),
            }),
            fingerprints: file
                .fingerprint
                .into_iter()
                .map(|f| Fingerprint {
                    id: f.id,
                    kind: f.kind,
                    title: folded(&f.title),
                    text: folded(&f.text),
                    links: folded(&f.links),
                    link_words: folded(&f.link_words),
                    min_link_words: f.min_link_words,
                    link_words_with: folded(&f.link_words_with),
                    link_targets: f.link_targets.iter().map(|t| t.to_ascii_lowercase()).collect(),
                    min_target_links: f.min_target_links.unwrap_or(1),
                    // Folded as the pictures' names are (an empty word, in every name, is dropped).
                    image_names: folded(&f.image_names),
                    image_names_titles: folded(&f.image_names_titles),
                    patterns: super::compile_patterns(&f.patterns, bad),
                    patterns_in_title: f.patterns_in_title,
                    max_chars: f.max_chars,
                    max_links: f.max_links.unwrap_or(usize::MAX),
                })
                .collect(),
            interceptions: file
                .interception
                .into_iter()
                .map(|f| Fingerprint {
                    id: f.id,
                    kind: PlaceholderKind::Blank,
                    title: folded(&f.title),
                    text: folded(&f.text),
                    links: Vec::new(),
                    link_words: Vec::new(),
                    min_link_words: 0,
                    link_words_with: Vec::new(),
                    link_targets: Vec::new(),
                    min_target_links: 1,
                    image_names: Vec::new(),
                    image_names_titles: Vec::new(),
                    patterns: Vec::new(),
                    patterns_in_title: false,
                    max_chars: f.max_chars.unwrap_or(usize::MAX),
                    max_links: usize::MAX,
                })
                .collect(),
            cases: file.case,
        }
    }
}
