//! Rules as data: load, validate and compile `rules/` into a [`RuleSet`].
//!
//! Every error of every file is reported at once, with file, line and column; a broken directory
//! yields no rule set, so a caller keeps the last good one.

mod catalogue;
mod commercial;
mod error;
pub mod gated;
mod holidays;
mod industry_model;
mod naming;
mod notices;
mod placeholders;
mod preapproval;
mod providers;
mod provinces;
mod word_set;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use sha2::{Digest, Sha256};

pub use catalogue::{Catalogue, Changes, CheckSpec, NoticeKind, Severity};
pub use commercial::{Commercial, CommercialCase, Signal};
pub(crate) use error::line_col;
pub use error::{RuleError, RuleErrors};
pub use holidays::{Due, HolidayCase, Holidays};
pub use industry_model::{FEATURE_NAMESPACES, IndustryModel, namespace};
pub use naming::{Naming, NamingCase};
pub use notices::{Deadlines, Notices};
pub use placeholders::{Fingerprint, HostingTalk, PlaceholderCase, PlaceholderKind, Placeholders};
pub use preapproval::{ApprovalStatus, GovernmentRule, Industry, IndustryCase, Preapproval};
pub use providers::Provider;
pub use provinces::{Province, Provinces};

use crate::checks::ALL_CHECK_IDS;

/// The rule files compiled into the binary, so `scan` works without a rules directory.
const EMBEDDED: [(&str, &str); 11] = [
    ("provinces.toml", include_str!("../../rules/provinces.toml")),
    ("checks.toml", include_str!("../../rules/checks.toml")),
    ("placeholders.toml", include_str!("../../rules/placeholders.toml")),
    ("preapproval.toml", include_str!("../../rules/preapproval.toml")),
    ("commercial.toml", include_str!("../../rules/commercial.toml")),
    ("naming.toml", include_str!("../../rules/naming.toml")),
    ("notices/special_inspection.md", include_str!("../../rules/notices/special_inspection.md")),
    ("notices/change_filing.md", include_str!("../../rules/notices/change_filing.md")),
    ("holidays.toml", include_str!("../../rules/holidays.toml")),
    (INDUSTRY_MODEL, include_str!("../../rules/industry_model.tsv")),
    // Providers last, as `load` reads them, so both give the same digest.
    ("providers/example.toml", include_str!("../../rules/providers/example.toml")),
];
/// Files every rules directory must have.
const REQUIRED: [&str; 9] = [
    "provinces.toml",
    "checks.toml",
    "placeholders.toml",
    "preapproval.toml",
    "commercial.toml",
    "naming.toml",
    "notices/special_inspection.md",
    "notices/change_filing.md",
    "holidays.toml",
];
/// The industry model, optional: a rules directory exported before it existed reads industries by the rules alone.
const INDUSTRY_MODEL: &str = "industry_model.tsv";
/// A provider's own adjustments of the catalogue (severity, notice kind, enabled), if present.
const OVERRIDES: &str = "overrides.toml";

/// Everything the pure stages need to judge a page.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub provinces: Provinces,
    pub catalogue: Catalogue,
    /// Hosting providers by id.
    pub providers: BTreeMap<String, Arc<Provider>>,
    pub placeholders: Placeholders,
    pub preapproval: Preapproval,
    pub commercial: Commercial,
    pub naming: Naming,
    pub notices: Notices,
    pub deadlines: Deadlines,
    /// Public holidays and 调休 working weekends: every deadline counts with them.
    pub holidays: Holidays,
    /// How long a change must hold before a `change.*` check reports it.
    pub changes: Changes,
    /// The linear model of the industries over a page's words (`industry_model.tsv`), when the directory has one.
    pub industry_model: Option<Arc<IndustryModel>>,
    /// SHA-256 over the rule files, stamped into every result.
    pub digest: String,
}

impl RuleSet {
    /// The rules shipped inside the binary, compiled once per process: every scanner, explain and test of a process
    /// reads the same files, and compiling them (the patterns, the industry model's table) is most of a second in a
    /// test build.
    pub fn embedded() -> Self {
        static COMPILED: LazyLock<RuleSet> = LazyLock::new(|| RuleSet::from_embedded(|_| true));
        COMPILED.clone()
    }

    /// The rules shipped inside the binary without the industry model: what the model is trained against, whatever
    /// state the shipped model file is in.
    pub fn embedded_without_industry_model() -> Self {
        Self::from_embedded(|name| name != INDUSTRY_MODEL)
    }

    /// The embedded files that `keep` names, compiled.
    fn from_embedded(keep: impl Fn(&str) -> bool) -> Self {
        let files = EMBEDDED
            .iter()
            .filter(|(name, _)| keep(name))
            .map(|(name, text)| (PathBuf::from("rules").join(name), text.to_string()));
        Self::from_texts(files.collect()).expect("the embedded rules are valid (tested)")
    }

    /// Writes the built-in rules into `dir` (which must not have them yet), as a starting point to edit.
    pub fn write_embedded(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let mut written = Vec::new();
        for (name, text) in EMBEDDED {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
            std::fs::write(&path, text)?;
            written.push(path);
        }
        Ok(written)
    }

    /// Loads a rules directory.
    pub fn load(dir: &Path) -> Result<Self, RuleErrors> {
        let mut texts = Vec::new();
        let mut errors = Vec::new();
        let mut paths: Vec<PathBuf> = REQUIRED.iter().map(|name| dir.join(name)).collect();
        // Before the overrides and the providers, as `EMBEDDED` lists it, so both give the same digest.
        if dir.join(INDUSTRY_MODEL).is_file() {
            paths.push(dir.join(INDUSTRY_MODEL));
        }
        if dir.join(OVERRIDES).is_file() {
            paths.push(dir.join(OVERRIDES));
        }
        if let Ok(entries) = std::fs::read_dir(dir.join("providers")) {
            let mut found: Vec<PathBuf> =
                entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "toml")).collect();
            found.sort();
            paths.extend(found);
        }
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(text) => texts.push((path, text)),
                Err(e) => errors.push(RuleError { file: path, line: 0, column: 0, message: e.to_string() }),
            }
        }
        // Read errors and parse errors are reported together.
        match Self::from_texts(texts) {
            Ok(rules) if errors.is_empty() => Ok(rules),
            Ok(_) => Err(RuleErrors(errors)),
            Err(RuleErrors(more)) => {
                errors.extend(more);
                Err(RuleErrors(errors))
            }
        }
    }

    fn from_texts(files: Vec<(PathBuf, String)>) -> Result<Self, RuleErrors> {
        let mut errors = Vec::new();
        let mut hasher = Sha256::new();
        let mut parts = Parts::default();
        for (path, text) in &files {
            hasher.update(path.file_name().map(|n| n.as_encoded_bytes()).unwrap_or_default());
            hasher.update(text.as_bytes());
            let parent = path.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or_default();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            match (parent, name) {
                ("providers", _) => {
                    if let Some(file) = parse::<providers::ProviderFile>(path, text, &mut errors) {
                        let provider = compile_provider(path, text, file, &mut errors);
                        parts.providers.insert(provider.id.clone(), Arc::new(provider));
                    }
                }
                ("notices", _) => {
                    if let Err(e) = Notices::check(text) {
                        let line = e.line().unwrap_or(1);
                        errors.push(RuleError { file: path.to_path_buf(), line, column: 1, message: e.to_string() });
                    } else if name == "special_inspection.md" {
                        parts.notices.special_inspection = text.clone();
                    } else if name == "change_filing.md" {
                        parts.notices.change_filing = text.clone();
                    }
                }
                (_, "provinces.toml") => {
                    parts.provinces = parse::<provinces::ProvincesFile>(path, text, &mut errors)
                        .map(|f| validate_provinces(path, text, f.province, &mut errors));
                }
                (_, "checks.toml") => {
                    if let Some(f) = parse::<catalogue::CatalogueFile>(path, text, &mut errors) {
                        parts.deadlines = f.deadlines.clone();
                        if f.changes.scans == 0 {
                            errors.push(RuleError::at(path, text, "[changes]", "[changes] scans must be at least 1"));
                        }
                        parts.changes = f.changes.clone();
                        parts.catalogue = Some(validate_catalogue(path, text, f, &mut errors));
                    }
                }
                (_, "placeholders.toml") => {
                    parts.placeholders = parse(path, text, &mut errors).map(|f| {
                        let mut bad = Vec::new();
                        let compiled = Placeholders::compile(f, &mut bad);
                        locate_bad_patterns(path, text, bad, &mut errors);
                        if let Some(talk) = &compiled.hosting_talk {
                            check_hosting_talk(path, text, talk, &mut errors);
                        }
                        check_link_words(path, text, &compiled.fingerprints, &mut errors);
                        check_repeated_fingerprint_words(path, text, &compiled.fingerprints, &mut errors);
                        compiled
                    });
                }
                (_, "preapproval.toml") => {
                    parts.preapproval = parse(path, text, &mut errors).map(|f| {
                        let mut bad = Vec::new();
                        let compiled = Preapproval::compile(f, &mut bad);
                        locate_bad_patterns(path, text, bad, &mut errors);
                        check_catalogue(path, text, &compiled, &mut errors);
                        check_licence_weights(path, text, &compiled, &mut errors);
                        check_repeated_words(path, text, &compiled, &mut errors);
                        check_schema_types(path, text, &compiled, &mut errors);
                        check_unweighed_lists(path, text, &compiled, &mut errors);
                        compiled
                    });
                }
                (_, "commercial.toml") => {
                    parts.commercial = parse(path, text, &mut errors).map(|f| {
                        let mut bad = Vec::new();
                        let compiled = Commercial::compile(f, &mut bad);
                        locate_bad_patterns(path, text, bad, &mut errors);
                        check_repeated_signal_words(path, text, &compiled, &mut errors);
                        compiled
                    });
                }
                (_, "naming.toml") => parts.naming = parse(path, text, &mut errors),
                (_, "holidays.toml") => {
                    parts.holidays =
                        parse(path, text, &mut errors).map(|f| holidays::compile(path, text, f, &mut errors));
                }
                (_, INDUSTRY_MODEL) => {
                    parts.industry_model = IndustryModel::parse(path, text, &mut errors).map(|m| (path.clone(), m))
                }
                (_, "overrides.toml") => {
                    parts.overrides = parse(path, text, &mut errors).map(|o| (path.clone(), text.clone(), o))
                }
                _ => {}
            }
        }
        if let (Some(catalogue), Some((path, text, overrides))) = (parts.catalogue.as_mut(), parts.overrides.take()) {
            catalogue::apply_overrides(catalogue, overrides, &path, &text, &mut errors);
        }
        if let (Some(preapproval), Some((path, model))) = (&parts.preapproval, &parts.industry_model) {
            for key in model.industries.iter().filter(|k| !preapproval.industries.iter().any(|i| &i.key == *k)) {
                let (line, column) = (model.industries_line, 1);
                let message = format!("`{key}` is not an industry of preapproval.toml");
                errors.push(RuleError { file: path.clone(), line, column, message });
            }
        }
        match parts {
            Parts {
                provinces: Some(provinces),
                catalogue: Some(catalogue),
                placeholders: Some(placeholders),
                preapproval: Some(preapproval),
                commercial: Some(commercial),
                naming: Some(naming),
                holidays: Some(holidays),
                providers,
                notices,
                deadlines,
                changes,
                industry_model,
                ..
            } if errors.is_empty() => Ok(RuleSet {
                provinces,
                catalogue,
                providers,
                placeholders,
                preapproval,
                commercial,
                naming,
                notices,
                deadlines,
                holidays,
                changes,
                industry_model: industry_model.map(|(_, m)| Arc::new(m)),
                digest: format!("{:x}", hasher.finalize()),
            }),
            _ => Err(RuleErrors(errors)),
        }
    }
}

/// The pieces of a rule set while it is being read.
#[derive(Default)]
struct Parts {
    provinces: Option<Provinces>,
    catalogue: Option<Catalogue>,
    providers: BTreeMap<String, Arc<Provider>>,
    placeholders: Option<Placeholders>,
    preapproval: Option<Preapproval>,
    commercial: Option<Commercial>,
    naming: Option<Naming>,
    holidays: Option<Holidays>,
    notices: Notices,
    deadlines: Deadlines,
    changes: Changes,
    overrides: Option<(PathBuf, String, catalogue::OverridesFile)>,
    industry_model: Option<(PathBuf, IndustryModel)>,
}

/// Compiles rule regexes, each gated by the literals its matches must contain (`gated`); each bad one is
/// set aside as (pattern, why) to be located in its file.
///
/// A word boundary `\b` in a rule is ASCII's: the words it bounds in the rules are English, and a
/// Unicode boundary sends the regex engine from its lazy DFA to the PikeVM on any page with a Chinese
/// character (profiled: the placeholder sentences took 8% of a page's extraction and classification).
pub(crate) fn compile_patterns(patterns: &[String], bad: &mut Vec<(String, String)>) -> Vec<gated::Gated> {
    patterns
        .iter()
        // Patterns read the page's text in simplified characters (`text::simplified`), so theirs are too.
        .filter_map(|p| {
            // Checked as written first: the dialect's rewriting could hide a mistake (`[\d-x]`, a range from a class,
            // reads as a literal `-` once `\d` is a nested class) or quote it in words the rule writer did not write.
            let compiled = regex_syntax::Parser::new()
                .parse(p)
                .map_err(|e| e.to_string())
                .and_then(|_| regex::Regex::new(&crate::text::simplified(&rule_dialect(p))).map_err(|e| e.to_string()));
            match compiled {
                Ok(re) => Some(gated::Gated::new(re)),
                Err(why) => {
                    bad.push((p.clone(), why));
                    None
                }
            }
        })
        .collect()
}

/// The rules' dialect in the regex crate's: each `\b` written `(?-u:\b)` (above), `\w` an ASCII word
/// character or a Chinese one, `\d` an ASCII or full-width digit and `\D` anything else; an escaped backslash
/// before one of these letters stays as it is. `\W` keeps Unicode's meaning, so that `^\W{0,6}` skips
/// punctuation and never a word of any script: a letter of another script is neither `\w` nor `\W`.
///
/// Unicode's `\w` and `\d` hold the letters and digits of every script, and a pattern's automaton and each
/// search cache grow with every copy of them (`[\w.-]{1,20}`, `\d{1,6}`): the rules use `\w` for the words,
/// paths and product names of English and Chinese pages (`由 耗子面板 强力驱动`), and `\d` for the digits
/// pages write numbers in. Inside a bracketed class they go in as a nested class (`[\s\d]` is
/// `[\s[0-9０-９]]`, a union). A pattern that turns Unicode off (`(?-u`) keeps its classes: there they are
/// ASCII's already, and a Chinese character or a full-width digit may not be written.
fn rule_dialect(pattern: &str) -> std::borrow::Cow<'_, str> {
    if ![r"\b", r"\w", r"\d", r"\D"].iter().any(|escape| pattern.contains(escape)) {
        return std::borrow::Cow::Borrowed(pattern);
    }
    let classes = !pattern.contains("(?-u");
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some('w') if classes => out.push_str(r"[0-9A-Za-z_\p{Han}]"),
            Some('d') if classes => out.push_str("[0-9０-９]"),
            Some('D') if classes => out.push_str("[^0-9０-９]"),
            Some(next) => {
                out.push('\\');
                out.push(next);
            }
            None => out.push('\\'),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn locate_bad_patterns(path: &Path, text: &str, bad: Vec<(String, String)>, errors: &mut Vec<RuleError>) {
    for (pattern, why) in bad {
        let needle = pattern.chars().take(20).collect::<String>();
        errors.push(RuleError::at(path, text, &needle, format!("bad pattern: {why}")));
    }
}

/// `[hosting_talk]` that could never fire, or would fire on every short page, is a mistake in the file.
fn check_hosting_talk(path: &Path, text: &str, talk: &HostingTalk, errors: &mut Vec<RuleError>) {
    let mut wrong = |field: &str, message: String| {
        errors.push(RuleError::at(path, text, &format!("{field} ="), format!("hosting_talk.{field}: {message}")));
    };
    if talk.itself.is_empty() {
        wrong("itself", "needs at least one word (a page that speaks of itself)".into());
    }
    if talk.min_terms == 0 || talk.min_terms > talk.terms.len() {
        wrong("min_terms", format!("must be between 1 and the {} terms", talk.terms.len()));
    }
}

/// A fingerprint's `link_words` that could never count (no greeting to look for, or a minimum of none
/// or of more words than it has), a `min_target_links` of none or without `link_targets` to count, or
/// `patterns_in_title` with no patterns, is a mistake in the file, located at the fingerprint's id.
fn check_link_words(path: &Path, text: &str, fingerprints: &[Fingerprint], errors: &mut Vec<RuleError>) {
    for f in fingerprints {
        let words_used = !f.link_words.is_empty() || f.min_link_words > 0;
        let problem = if words_used && (f.min_link_words == 0 || f.min_link_words > f.link_words.len()) {
            format!("min_link_words must be between 1 and the {} link_words", f.link_words.len())
        } else if words_used && f.link_words_with.is_empty() {
            "link_words_with needs at least one word (link words count only on a page that holds one)".to_string()
        } else if f.min_target_links == 0 {
            "min_target_links must be at least 1".to_string()
        } else if f.min_target_links > 1 && f.link_targets.is_empty() {
            "min_target_links needs link_targets to count".to_string()
        } else if f.patterns_in_title && f.patterns.is_empty() {
            "patterns_in_title needs patterns to read in the title".to_string()
        } else {
            continue;
        };
        errors.push(RuleError::at(
            path,
            text,
            &format!("id = \"{}\"", f.id),
            format!("fingerprint {}: {problem}", f.id),
        ));
    }
}

/// An industry's `licence_weight` that is negative or not a number, or that weighs a licence the
/// industry has no pattern for, is a mistake, located at the industry's table.
fn check_licence_weights(path: &Path, text: &str, rules: &Preapproval, errors: &mut Vec<RuleError>) {
    for industry in &rules.industries {
        let Some(weight) = industry.licence_weight else { continue };
        let problem = if !weight.is_finite() || weight < 0.0 {
            format!("licence_weight must be a number of points, 0 or more (is {weight})")
        } else if industry.licence.is_empty() {
            "licence_weight weighs a licence, but the industry has no licence pattern".to_string()
        } else {
            continue;
        };
        let table = format!("[industries.{}]", industry.key);
        errors.push(RuleError::at(path, text, &table, format!("industries.{}: {problem}", industry.key)));
    }
}

/// An industry's `schema_types` are compared with the local names a page's types are read as (`NewsArticle`, as
/// `extract` keeps them: letters and digits, a capital first); one written otherwise ("https://schema.org/NewsArticle",
/// "News Article") would never match: a mistake, located at the industry's table.
fn check_schema_types(path: &Path, text: &str, rules: &Preapproval, errors: &mut Vec<RuleError>) {
    for industry in &rules.industries {
        let table = format!("[industries.{}]", industry.key);
        for name in &industry.schema_types {
            let local = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric());
            if !local {
                let message = format!(
                    "industries.{}.schema_types: {name:?} is not a schema.org type's local name (as \"NewsArticle\")",
                    industry.key
                );
                errors.push(RuleError::at(path, text, &table, message));
            }
        }
    }
}

/// An industry's list that `[weights]` weighs at nothing (its `schema_types` under `schema`, its `services` under
/// `service`) counts for nothing: a mistake, located at the industry's table.
fn check_unweighed_lists(path: &Path, text: &str, rules: &Preapproval, errors: &mut Vec<RuleError>) {
    for industry in &rules.industries {
        let lists = [
            ("schema_types", "schema", industry.schema_types.is_empty(), rules.weights.schema),
            ("services", "service", industry.services.is_empty(), rules.weights.service),
        ];
        for (field, weight_name, empty, weight) in lists {
            if !empty && weight <= 0.0 {
                let message =
                    format!("industries.{}.{field}: [weights] {weight_name} weighs them at nothing", industry.key);
                errors.push(RuleError::at(path, text, &format!("[industries.{}]", industry.key), message));
            }
        }
    }
}

/// A word listed twice in one of an industry's lists (as folded: "MV" and "mv" are one word) counts once:
/// the second is a slip — a word meant for another list, or pasted twice — located at the industry's table.
fn check_repeated_words(path: &Path, text: &str, rules: &Preapproval, errors: &mut Vec<RuleError>) {
    for industry in &rules.industries {
        let lists = [
            ("title", &industry.title),
            ("name_endings", &industry.name_endings),
            ("name_beginnings", &industry.name_beginnings),
            ("signed_by", &industry.signed_by),
            ("navigation", &industry.navigation),
            ("body", &industry.body),
            ("exclude", &industry.exclude),
            ("schema_types", &industry.schema_types),
            ("services", &industry.services),
        ];
        for (field, words) in lists {
            for word in repeated(words) {
                let table = format!("[industries.{}]", industry.key);
                let message = format!("industries.{}.{field}: {word:?} is listed twice", industry.key);
                errors.push(RuleError::at(path, text, &table, message));
            }
        }
    }
}

/// The same slips in `commercial.toml`: a word listed twice in one of a signal's lists, located at the signal's id; and
/// two signals under one id, which `rules explain` could not tell apart.
fn check_repeated_signal_words(path: &Path, text: &str, rules: &Commercial, errors: &mut Vec<RuleError>) {
    let mut ids = std::collections::HashSet::new();
    for signal in &rules.signals {
        let at = format!("id = \"{}\"", signal.id);
        if !ids.insert(signal.id.as_str()) {
            errors.push(RuleError::at(path, text, &at, format!("signal {:?} is defined twice", signal.id)));
        }
        for (field, words) in [("words", &signal.words), ("menu", &signal.menu), ("names", &signal.names)] {
            for word in repeated(words) {
                let message = format!("signal {:?}.{field}: {word:?} is listed twice", signal.id);
                errors.push(RuleError::at(path, text, &at, message));
            }
        }
    }
}

/// The same slip in `placeholders.toml`: a word a fingerprint's `title` or `text` lists twice once folded (a word in
/// traditional characters and its simplified form, since both fold alike), located at the fingerprint's id.
fn check_repeated_fingerprint_words(
    path: &Path,
    text: &str,
    fingerprints: &[Fingerprint],
    errors: &mut Vec<RuleError>,
) {
    for fingerprint in fingerprints {
        let at = format!("id = \"{}\"", fingerprint.id);
        for (field, words) in [("title", &fingerprint.title), ("text", &fingerprint.text)] {
            for word in repeated(words) {
                let message = format!("fingerprint {:?}.{field}: {word:?} is listed twice", fingerprint.id);
                errors.push(RuleError::at(path, text, &at, message));
            }
        }
    }
}

/// Each word of a (folded) list that an earlier one already is.
fn repeated(words: &[String]) -> impl Iterator<Item = &String> {
    let mut seen = std::collections::HashSet::new();
    words.iter().filter(move |w| !seen.insert(w.as_str()))
}

/// A `[catalogue]` that could never apply, or names an industry the file does not have, is a mistake.
fn check_catalogue(path: &Path, text: &str, rules: &Preapproval, errors: &mut Vec<RuleError>) {
    let catalogue = &rules.catalogue;
    let mut problems = Vec::new();
    if !catalogue.genres.is_empty() && (catalogue.min_genres == 0 || catalogue.min_genres > catalogue.genres.len()) {
        problems.push(format!("catalogue.min_genres must be between 1 and the {} genres", catalogue.genres.len()));
    }
    for key in catalogue.industries.iter().filter(|k| rules.get(k).is_none()) {
        problems.push(format!("catalogue.industries: no industry {key:?} in this file"));
    }
    errors.extend(problems.into_iter().map(|message| RuleError::at(path, text, "[catalogue]", message)));
    // The portal and forum rules name the industry they are about: a misspelt one would never apply.
    for (table, key) in [("[portal]", &rules.portal.industry), ("[forum]", &rules.forum.industry)] {
        if !key.is_empty() && rules.get(key).is_none() {
            let name = table.trim_matches(['[', ']']);
            errors.push(RuleError::at(path, text, table, format!("{name}.industry: no industry {key:?} in this file")));
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str, errors: &mut Vec<RuleError>) -> Option<T> {
    match toml::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let (line, column) = e.span().map_or((1, 1), |s| error::line_col(text, s.start));
            errors.push(RuleError { file: path.to_path_buf(), line, column, message: e.message().trim().to_string() });
            None
        }
    }
}

fn compile_provider(path: &Path, text: &str, file: providers::ProviderFile, errors: &mut Vec<RuleError>) -> Provider {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
    if file.id != stem {
        let message = format!("id {:?} must equal the file name {stem:?}", file.id);
        errors.push(RuleError::at(path, text, &format!("\"{}\"", file.id), message));
    }
    let mut bad = Vec::new();
    let provider = Provider::compile(file, &mut bad);
    for message in bad {
        let quoted = message.split('"').nth(1).unwrap_or_default();
        errors.push(RuleError::at(path, text, &format!("\"{quoted}\""), message));
    }
    provider
}

fn validate_provinces(path: &Path, text: &str, list: Vec<Province>, errors: &mut Vec<RuleError>) -> Provinces {
    let mut push = |needle: &str, message: String| errors.push(RuleError::at(path, text, needle, message));
    for (i, p) in list.iter().enumerate() {
        let code_ok = p.code.len() == 2 && p.code.chars().all(|c| c.is_ascii_digit());
        if !code_ok {
            push(&format!("\"{}\"", p.code), format!("province {}: code must be two digits (GB/T 2260)", p.name));
        }
        if p.icp_chars.is_empty() || p.psb_chars.is_empty() {
            push(&format!("\"{}\"", p.name), format!("province {}: icp_chars and psb_chars must not be empty", p.name));
        }
        for other in &list[..i] {
            if other.code == p.code {
                push(
                    &format!("\"{}\"", p.name),
                    format!("province {}: code {} already used by {}", p.name, p.code, other.name),
                );
            }
            if let Some(c) = p.icp_chars.iter().find(|c| other.icp_chars.contains(c)) {
                push(
                    &format!("\"{}\"", p.name),
                    format!("province {}: ICP character {c} already used by {}", p.name, other.name),
                );
            }
        }
    }
    Provinces::new(list)
}

fn validate_catalogue(
    path: &Path,
    text: &str,
    file: catalogue::CatalogueFile,
    errors: &mut Vec<RuleError>,
) -> Catalogue {
    for id in file.checks.keys() {
        if !ALL_CHECK_IDS.contains(&id.as_str()) {
            errors.push(RuleError::at(path, text, id, format!("unknown check id {id:?}")));
        }
    }
    for id in ALL_CHECK_IDS {
        if !file.checks.contains_key(*id) {
            errors.push(RuleError {
                file: path.to_path_buf(),
                line: 1,
                column: 1,
                message: format!("check {id:?} has no entry (severity, notice, messages)"),
            });
        }
    }
    // Every reviewer-facing text must be there: a notice draft lists each finding's own remedy.
    for (id, spec) in &file.checks {
        let texts = [("name", &spec.name), ("remedy", &spec.remedy), ("remedy_en", &spec.remedy_en)];
        for (field, _) in texts.into_iter().filter(|(_, v)| v.trim().is_empty()) {
            let message = format!("check {id:?}: {field} must not be empty");
            errors.push(RuleError::at(path, text, &format!("[checks.\"{id}\"]"), message));
        }
    }
    Catalogue { checks: file.checks }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_dialect_has_ascii_word_boundaries_and_the_digits_pages_write() {
        assert_eq!(rule_dialect(r"(?i)\bit\s+works\b"), r"(?i)(?-u:\b)it\s+works(?-u:\b)");
        assert_eq!(rule_dialect(r"a\\b\\d"), r"a\\b\\d");
        assert_eq!(rule_dialect(r"\d{4}[\s\d]\D"), r"[0-9０-９]{4}[\s[0-9０-９]][^0-9０-９]");
        assert_eq!(rule_dialect(r"[\w.-]+\W"), r"[[0-9A-Za-z_\p{Han}].-]+\W");
        assert_eq!(rule_dialect(r"(?-u:\w)+\d"), r"(?-u:\w)+\d", "Unicode turned off: the classes stay");
        let mut bad = Vec::new();
        let re = &compile_patterns(&[r"\bwelcome\b".to_string()], &mut bad)[0];
        assert!(bad.is_empty());
        assert!(re.is_match("欢迎 welcome 页面") && re.is_match("页面welcome页面") && !re.is_match("welcomes"));
        let digits = &compile_patterns(&[r"^\d+年[\s\d]*$".to_string()], &mut bad)[0];
        assert!(bad.is_empty());
        assert!(digits.is_match("2024年 05") && digits.is_match("２０２４年"));
        assert!(!digits.is_match("٢٠٢٤年"), "Arabic-Indic digits are not the rules' digits");
        let name = &compile_patterns(&[r"(?i)^\W*welcome to [\w.-]+\W*$".to_string()], &mut bad)[0];
        assert!(name.is_match("— Welcome to my-site.example!") && name.is_match("Welcome to 我的网站"));
        assert!(!name.is_match("Welcome to Привет"), "the rules' words are English and Chinese");
        assert!(!name.is_match("首页 welcome to nginx"), "a Chinese word is not a leading \\W");
        let kept = &compile_patterns(&[r"^\W*\w+\W*$".to_string(), r"(?-u:\w)+\d".to_string()], &mut bad);
        assert!(bad.is_empty(), "{bad:?}");
        // A mistake is found in the pattern as written, and told in its words.
        assert!(compile_patterns(&[r"[\d-x]".to_string()], &mut bad).is_empty());
        assert!(bad[0].1.contains(r"[\d-x]") && !bad[0].1.contains("０"), "{bad:?}");
        assert!(!kept[0].is_match("— café —"), "a letter of another script is neither \\w nor \\W");
        assert!(kept[1].is_match("abc7"));
    }

    #[test]
    fn embedded_rules_load_with_all_provinces() {
        let rules = RuleSet::embedded();
        assert_eq!(rules.provinces.all().len(), 31);
        assert!(rules.provinces.same_icp_province('蜀', '川'));
        assert!(rules.provinces.same_icp_province('陇', '甘'));
        assert!(rules.provinces.same_icp_province('贵', '黔'));
        assert!(rules.provinces.by_icp_char('粤').is_some_and(|p| p.entity_number_ok));
        assert!(rules.provinces.by_icp_char('苏').is_some_and(|p| p.copyright_required));
        assert_eq!(rules.provinces.by_psb_label("河南公网安备").map(|p| p.code.as_str()), Some("41"));
        assert_eq!(rules.provinces.by_psb_label("内蒙古公网安备").map(|p| p.code.as_str()), Some("15"));
        assert_eq!(rules.provinces.by_psb_label("公安备案号"), None);
        assert_eq!(rules.digest.len(), 64);
        let example = rules.providers.get("example").expect("example provider");
        assert!(example.contains("192.0.2.7".parse().expect("ip")));
    }

    #[test]
    fn bad_provider_ranges_are_located() {
        let dir = tempfile::tempdir().expect("tempdir");
        RuleSet::write_embedded(dir.path()).expect("export");
        let text = "id = \"acme\"\nname = \"Acme\"\nipv4 = [\n  \"10.0.0.0/8\",\n  \"300.1.2.0/24\",\n]\nipv6 = [\"10.1.0.0/16\"]\n";
        std::fs::write(dir.path().join("providers/acme.toml"), text).expect("write");
        let shown: Vec<String> =
            RuleSet::load(dir.path()).expect_err("bad ranges").0.iter().map(ToString::to_string).collect();
        assert!(shown.iter().any(|e| e.contains("acme.toml:5:3") && e.contains("300.1.2.0/24")), "{shown:?}");
        assert!(shown.iter().any(|e| e.contains("acme.toml:7:") && e.contains("not an IPv6 range")), "{shown:?}");
    }

    /// The errors of the embedded rules exported and edited (`file`, `from` replaced once by `to`, each
    /// `from` checked to be there), as shown to a user.
    fn errors_after(edits: &[(&str, &str, &str)]) -> Vec<String> {
        let dir = tempfile::tempdir().expect("tempdir");
        RuleSet::write_embedded(dir.path()).expect("export");
        for (file, from, to) in edits {
            let path = dir.path().join(file);
            let text = std::fs::read_to_string(&path).expect("read");
            assert!(text.contains(from), "{file} lacks {from:?}");
            std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
        }
        RuleSet::load(dir.path()).expect_err("edited rules").0.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_industry_model_is_optional_and_names_only_known_industries() {
        let rules = RuleSet::embedded();
        let model = rules.industry_model.as_ref().expect("shipped");
        assert!(model.industries.iter().all(|k| rules.preapproval.get(k).is_some()), "{:?}", model.industries);
        let dir = tempfile::tempdir().expect("tempdir");
        RuleSet::write_embedded(dir.path()).expect("export");
        assert_eq!(
            RuleSet::load(dir.path()).expect("exported").digest,
            rules.digest,
            "the same files, the same digest"
        );
        // A directory exported before the model existed reads industries by the rules alone.
        std::fs::remove_file(dir.path().join(INDUSTRY_MODEL)).expect("remove");
        assert!(RuleSet::load(dir.path()).expect("without a model").industry_model.is_none());
        let shown = errors_after(&[(INDUSTRY_MODEL, "\tbulletin\n", "\tforum\n")]);
        assert!(
            // At the industries record (line 4, under the file's three comment lines), not where the word first appears.
            shown.iter().any(|e| e.contains("industry_model.tsv:4:1:") && e.contains("`forum` is not an industry")),
            "{shown:?}"
        );
    }

    #[test]
    fn a_hosting_talk_that_could_never_fire_is_located() {
        let shown = errors_after(&[("placeholders.toml", "\nmin_terms = 3\n", "\nmin_terms = 99\n")]);
        assert!(
            shown.iter().any(|e| e.contains("placeholders.toml:") && e.contains("hosting_talk.min_terms")),
            "{shown:?}"
        );
    }

    #[test]
    fn link_words_or_a_catalogue_that_could_never_apply_are_located() {
        let shown = errors_after(&[
            ("placeholders.toml", "\nmin_link_words = 4\n", "\nmin_link_words = 40\n"),
            ("preapproval.toml", "\nmin_genres = 3\n", "\nmin_genres = 30\n"),
            ("preapproval.toml", "\nindustries = [\"news\"]\n", "\nindustries = [\"nws\"]\n"),
        ]);
        let has = |file: &str, what: &str| shown.iter().any(|e| e.contains(file) && e.contains(what));
        assert!(has("placeholders.toml:", "fingerprint project-resources: min_link_words"), "{shown:?}");
        assert!(has("preapproval.toml:", "catalogue.min_genres"), "{shown:?}");
        assert!(has("preapproval.toml:", "no industry \"nws\""), "{shown:?}");
    }

    #[test]
    fn a_target_link_count_of_none_or_without_targets_is_located() {
        let shown = errors_after(&[("placeholders.toml", "\nmin_target_links = 4\n", "\nmin_target_links = 0\n")]);
        assert!(
            shown.iter().any(|e| e.contains("placeholders.toml:") && e.contains("vendor-help-links: min_target_links")),
            "{shown:?}"
        );
        let shown = errors_after(&[(
            "placeholders.toml",
            "link_targets = [\"go.microsoft.com/fwlink\"]\n",
            "link_targets = []\n",
        )]);
        assert!(shown.iter().any(|e| e.contains("min_target_links needs link_targets")), "{shown:?}");
    }

    #[test]
    fn patterns_read_in_the_title_without_patterns_are_located() {
        let shown = errors_after(&[(
            "placeholders.toml",
            "patterns = ['(?:^|[^\\p{Han}]|网站|本站",
            "text = ['建设中'] # '(?:^|[^\\p{Han}]|网站|本站",
        )]);
        assert!(
            shown
                .iter()
                .any(|e| e.contains("placeholders.toml:") && e.contains("bare-notice: patterns_in_title needs")),
            "{shown:?}"
        );
    }

    #[test]
    fn a_forum_rule_naming_no_industry_is_located() {
        let shown = errors_after(&[("preapproval.toml", "industry = \"bulletin\"", "industry = \"bulletn\"")]);
        assert!(shown.iter().any(|e| e.contains("forum.industry: no industry \"bulletn\"")), "{shown:?}");
    }

    /// Editing `file` (`from` to `to`) yields an error at the line of `anchor` (the line of the rule it concerns)
    /// saying `message`.
    fn assert_located(file: &str, anchor: &str, (from, to): (&str, &str), message: &str) {
        let text = EMBEDDED.iter().find(|(name, _)| *name == file).expect("embedded file").1;
        let line = text.lines().position(|l| l == anchor).expect("anchor line") + 1;
        let shown = errors_after(&[(file, from, to)]);
        assert!(shown.iter().any(|e| e.contains(&format!("{file}:{line}:")) && e.contains(message)), "{shown:?}");
    }

    #[test]
    fn a_licence_weight_below_zero_is_located_at_its_industry() {
        assert_located(
            "preapproval.toml",
            "[industries.culture]",
            ("\nlicence_weight = 3.0\n", "\nlicence_weight = -3.0\n"),
            "industries.culture: licence_weight",
        );
    }

    #[test]
    fn a_word_listed_twice_is_located_at_its_industry() {
        assert_located(
            "preapproval.toml",
            "[industries.culture]",
            ("navigation = [\"游戏\", ", "navigation = [\"游戏\", \"游戏\", "),
            "industries.culture.navigation: \"游戏\" is listed twice",
        );
    }

    #[test]
    fn a_schema_type_written_as_no_local_name_is_located_at_its_industry() {
        assert_located(
            "preapproval.toml",
            "[industries.ride_hailing]",
            ("schema_types = [\"TaxiService\"", "schema_types = [\"https://schema.org/TaxiService\""),
            "industries.ride_hailing.schema_types: \"https://schema.org/TaxiService\" is not a schema.org type's local name",
        );
    }

    #[test]
    fn schema_types_weighed_at_nothing_are_located_at_their_industry() {
        assert_located(
            "preapproval.toml",
            "[industries.ride_hailing]",
            ("\nschema = 6.0\n", "\nschema = 0.0\n"),
            "industries.ride_hailing.schema_types: [weights] schema weighs them at nothing",
        );
    }

    #[test]
    fn a_schema_type_listed_twice_is_located_at_its_industry() {
        assert_located(
            "preapproval.toml",
            "[industries.ride_hailing]",
            ("schema_types = [\"TaxiService\"", "schema_types = [\"TaxiService\", \"TaxiService\""),
            "industries.ride_hailing.schema_types: \"TaxiService\" is listed twice",
        );
    }

    #[test]
    fn services_weighed_at_nothing_are_located_at_their_industry() {
        assert_located(
            "preapproval.toml",
            "[industries.bulletin]",
            ("\nservice = 6.0\n", "\nservice = 0.0\n"),
            "industries.bulletin.services: [weights] service weighs them at nothing",
        );
    }

    #[test]
    fn a_service_listed_twice_is_located_at_its_industry() {
        assert_located(
            "preapproval.toml",
            "[industries.bulletin]",
            ("services = [\"知乎\"", "services = [\"知乎\", \"知乎\""),
            "industries.bulletin.services: \"知乎\" is listed twice",
        );
    }

    #[test]
    fn a_name_beginning_listed_twice_is_located_at_its_industry() {
        assert_located(
            "preapproval.toml",
            "[industries.bulletin]",
            ("name_beginnings = [\"Foro\"]", "name_beginnings = [\"Foro\", \"foro\"]"),
            "industries.bulletin.name_beginnings: \"foro\" is listed twice",
        );
    }

    #[test]
    fn a_word_listed_twice_is_found_however_it_is_cased_or_spaced() {
        // The lists are compiled folded: "MV", "Mv " and "mV" are one word, reported as read.
        let shown = errors_after(&[(
            "preapproval.toml",
            "navigation = [\"游戏\", ",
            "navigation = [\"游戏\", \"Mv \", \"mV\", ",
        )]);
        assert!(shown.iter().any(|e| e.contains("industries.culture.navigation: \"mv\" is listed twice")), "{shown:?}");
    }

    #[test]
    fn a_commercial_word_listed_twice_or_a_signal_defined_twice_is_located() {
        assert_located(
            "commercial.toml",
            "id = \"cart\"",
            ("menu = [\"购物袋\", ", "menu = [\"购物袋\", \"购物袋\", "),
            "signal \"cart\".menu: \"购物袋\" is listed twice",
        );
        let shown = errors_after(&[("commercial.toml", "id = \"booking\"", "id = \"tickets\"")]);
        assert!(shown.iter().any(|e| e.contains("signal \"tickets\" is defined twice")), "{shown:?}");
    }

    #[test]
    fn a_placeholder_word_listed_twice_in_either_script_is_located() {
        assert_located(
            "placeholders.toml",
            "id = \"under-construction\"",
            ("title = [\"建设中\", ", "title = [\"建设中\", \"建設中\", "),
            "fingerprint \"under-construction\".title: \"建设中\" is listed twice",
        );
    }

    #[test]
    fn a_bad_placeholder_sentence_pattern_is_located() {
        let from = "'(?i)\\byou\\s+(?:have";
        let shown = errors_after(&[("placeholders.toml", from, "'(?i)(\\byou\\s+(?:have")]);
        assert!(shown.iter().any(|e| e.contains("placeholders.toml:") && e.contains("bad pattern")), "{shown:?}");
    }

    #[test]
    fn a_broken_directory_names_file_line_and_column_for_every_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let provinces = EMBEDDED[0].1.replacen("code = \"11\"", "code = 11", 1);
        let checks = EMBEDDED[1].1.replacen("[checks.\"icp.format\"]", "[checks.\"icp.formatt\"]", 1);
        RuleSet::write_embedded(dir.path()).expect("export");
        std::fs::write(dir.path().join("provinces.toml"), &provinces).expect("write");
        std::fs::write(dir.path().join("checks.toml"), &checks).expect("write");
        let errors = RuleSet::load(dir.path()).expect_err("broken").0;
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        let expected_line = provinces.lines().position(|l| l.starts_with("code = 11")).expect("line") + 1;
        assert!(shown[0].contains(&format!("provinces.toml:{expected_line}:")), "{shown:?}");
        assert!(
            shown.iter().any(|e| e.contains("checks.toml:") && e.contains("unknown check id \"icp.formatt\"")),
            "{shown:?}"
        );
        assert!(shown.iter().any(|e| e.contains("check \"icp.format\" has no entry")), "{shown:?}");
    }

    #[test]
    fn every_check_needs_its_own_remedy() {
        let dir = tempfile::tempdir().expect("tempdir");
        RuleSet::write_embedded(dir.path()).expect("export");
        let checks = EMBEDDED[1].1;
        let first = checks.find("remedy = ").expect("a remedy");
        let end = first + checks[first..].find('\n').expect("line end");
        let emptied = format!("{}remedy = \"\"{}", &checks[..first], &checks[end..]);
        std::fs::write(dir.path().join("checks.toml"), &emptied).expect("write");
        let shown: Vec<String> =
            RuleSet::load(dir.path()).expect_err("empty remedy").0.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|e| e.contains("checks.toml:13:1") && e.contains("remedy must not be empty")),
            "{shown:?}"
        );
        let without = format!("{}{}", &checks[..first], &checks[end + 1..]);
        std::fs::write(dir.path().join("checks.toml"), &without).expect("write");
        let shown: Vec<String> =
            RuleSet::load(dir.path()).expect_err("no remedy").0.iter().map(ToString::to_string).collect();
        assert!(shown.iter().any(|e| e.contains("checks.toml:") && e.contains("missing field `remedy`")), "{shown:?}");
    }
}
