//! Classification against the labelled real pages in `tests/fixtures/content` (the shared corpus and
//! the project's own pages, sources in `tests/fixtures/SOURCES.md`), scored as the shared measure
//! scores them, per split (`dev` tuned on, `test` held back): placeholder recall with no false
//! positive, industries precision and recall, commercial, site name and operator agreement.
//! Disagreements are printed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use icp_patrol::classify::classify;
use icp_patrol::extract::extract;
use icp_patrol::fetch::decode;
use icp_patrol::rules::RuleSet;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::corpus_split::{Split, Tally, cases, labels_are_shaped, par_map, unchecked_labels};

/// NFKC, lower case, without white space, punctuation or symbols (the shared measure's `norm`).
fn norm(s: &str) -> String {
    s.nfkc().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

#[derive(Default)]
struct Scores {
    placeholder_found: usize,
    placeholder_missed: usize,
    placeholder_false: usize,
    industries_tp: usize,
    industries_fp: usize,
    industries_fn: usize,
    commercial: Tally,
    site_name: Tally,
    operator: Tally,
}

impl Scores {
    fn absorb(&mut self, other: Scores) {
        self.placeholder_found += other.placeholder_found;
        self.placeholder_missed += other.placeholder_missed;
        self.placeholder_false += other.placeholder_false;
        self.industries_tp += other.industries_tp;
        self.industries_fp += other.industries_fp;
        self.industries_fn += other.industries_fn;
        self.commercial.absorb(other.commercial);
        self.site_name.absorb(other.site_name);
        self.operator.absorb(other.operator);
    }
    fn placeholder_recall(&self) -> f64 {
        self.placeholder_found as f64 / (self.placeholder_found + self.placeholder_missed).max(1) as f64
    }
    fn precision(&self) -> f64 {
        self.industries_tp as f64 / (self.industries_tp + self.industries_fp).max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.industries_tp as f64 / (self.industries_tp + self.industries_fn).max(1) as f64
    }
    fn figure(&self, split: &str) -> String {
        format!(
            "content[{split}]: {} cases, placeholder recall {:.1}% ({}/{}) fp {}, industries P {:.2} R {:.2} (tp {} fp {} fn {}), commercial {}, site name {}, operator {}",
            self.commercial.total,
            self.placeholder_recall() * 100.0,
            self.placeholder_found,
            self.placeholder_found + self.placeholder_missed,
            self.placeholder_false,
            self.precision(),
            self.recall(),
            self.industries_tp,
            self.industries_fp,
            self.industries_fn,
            self.commercial.pct(),
            self.site_name.pct(),
            self.operator.pct()
        )
    }
}

/// One case's scores and disagreements; `None` for a case labelled with low confidence.
fn judge(dir: &Path, rules: &RuleSet) -> Option<(Split, Scores, Vec<String>)> {
    let case = dir.file_name().and_then(|n| n.to_str()).expect("name").to_string();
    let split = Split::of(dir);
    // Read once and checked once: its keys (as the footer test's are) and its values.
    let expect = unchecked_labels(dir);
    labels_are_well_formed(dir, &expect);
    if expect["confidence"] == "low" {
        return None;
    }
    let mut s = Scores::default();
    let mut notes = Vec::new();
    let tag = format!("{case} [{}]", split.name());
    let bytes = std::fs::read(dir.join("page.html")).expect("page");
    let url = url::Url::parse(&format!("http://{case}.corpus.test/")).expect("url");
    let facts = extract(&decode(&bytes, Some("text/html"), None).text, &url, &rules.provinces);
    let c = classify(&facts, rules);
    let want_ph = expect["placeholder"].as_str();
    let got_ph = c.placeholder.as_ref().map(|(k, _)| k.as_str());
    match (want_ph, got_ph) {
        (Some(w), Some(g)) => {
            s.placeholder_found += 1;
            if w != g {
                notes.push(format!("{tag}: placeholder kind want {w} got {g}"));
            }
        }
        (None, Some(g)) => {
            s.placeholder_false += 1;
            notes.push(format!("{tag}: placeholder false positive {g}"));
        }
        (Some(w), None) => {
            s.placeholder_missed += 1;
            notes.push(format!("{tag}: placeholder missed {w}"));
        }
        (None, None) => {}
    }
    let want: BTreeSet<String> = expect["industries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        // The shared corpus's nine keys do not include finance; a case that labels it (round 33d) is
        // scored on the others, as the scanner's finance finding is.
        .filter(|k| k != "finance")
        .collect();
    let got: BTreeSet<String> = c
        .industries
        .iter()
        .map(|h| if h.key == "games" { "culture".to_string() } else { h.key.clone() })
        .filter(|k| k != "finance")
        .collect();
    s.industries_tp += want.intersection(&got).count();
    s.industries_fp += got.difference(&want).count();
    s.industries_fn += want.difference(&got).count();
    if want != got {
        notes.push(format!("{tag}: industries want {want:?} got {got:?}"));
    }
    let commercial = !c.commercial.is_empty();
    let ok = commercial == expect["commercial"].as_bool().unwrap_or(false);
    s.commercial.add(ok);
    if !ok {
        notes.push(format!("{tag}: commercial want {} got {:?}", expect["commercial"], c.commercial));
    }
    if let Some(name) = expect["site_name_shown"].as_str() {
        let w = norm(name);
        let ok = c.site_names.iter().map(|g| norm(g)).any(|g| !g.is_empty() && (g.contains(&w) || w.contains(&g)));
        s.site_name.add(ok);
        if !ok {
            notes.push(format!("{tag}: site name want {name:?} got {:?}", c.site_names));
        }
    }
    if let Some(op) = expect["operator_shown"].as_str() {
        let (w, g) = (norm(op), norm(c.operator.as_deref().unwrap_or("")));
        let ok = !g.is_empty() && (g.contains(&w) || w.contains(&g));
        s.operator.add(ok);
        if !ok {
            notes.push(format!("{tag}: operator want {op:?} got {:?}", c.operator));
        }
    }
    Some((split, s, notes))
}

const LABEL_KEYS: [&str; 6] =
    ["placeholder", "industries", "commercial", "site_name_shown", "operator_shown", "confidence"];
const PLACEHOLDER_KINDS: [&str; 5] = ["server_default", "panel_default", "parked", "under_construction", "blank"];
const INDUSTRY_KEYS: [&str; 10] = [
    "news",
    "publishing",
    "medical_drugs",
    "culture",
    "broadcast",
    "education",
    "healthcare",
    "ride_hailing",
    "bulletin",
    "finance",
];

/// The label keys and values the shared corpus's README allows (plus `finance`, labelled by round 33d and
/// not scored). A key or value outside them is a labelling slip the scores would silently absorb: a `confidence`
/// holding a site's name was scored as a confident case, and a misspelt `placeholder` key would read as none.
fn labels_are_well_formed(dir: &Path, expect: &Value) {
    labels_are_shaped(&dir.join("expect.json"), expect, &LABEL_KEYS);
    let at = |field: &str| format!("{}: field `{field}`", dir.join("expect.json").display());
    let ph = &expect["placeholder"];
    assert!(ph.is_null() || ph.as_str().is_some_and(|k| PLACEHOLDER_KINDS.contains(&k)), "{}: {ph}", at("placeholder"));
    let industries = expect["industries"].as_array().unwrap_or_else(|| panic!("{}: not a list", at("industries")));
    for (i, key) in industries.iter().enumerate() {
        assert!(key.as_str().is_some_and(|k| INDUSTRY_KEYS.contains(&k)), "{}: {key}", at("industries"));
        assert!(!industries[..i].contains(key), "{}: {key} listed twice", at("industries"));
    }
    assert!(expect["commercial"].is_boolean(), "{}: {}", at("commercial"), expect["commercial"]);
    for field in ["site_name_shown", "operator_shown"] {
        let v = &expect[field];
        assert!(v.is_null() || v.as_str().is_some_and(|s| !s.trim().is_empty()), "{}: {v}", at(field));
    }
}

/// A label as the shared corpus writes it, with `field` set to `value` (or left out when `value` is `None`).
fn label_with(field: &str, value: Option<Value>) -> Value {
    let mut label = serde_json::json!({
        "placeholder": null, "industries": ["news"], "commercial": false,
        "site_name_shown": "某某网", "operator_shown": null, "confidence": "high"
    });
    let fields = label.as_object_mut().expect("object");
    match value {
        Some(v) => fields.insert(field.to_string(), v),
        None => fields.remove(field),
    };
    label
}

#[test]
fn a_well_formed_label_passes() {
    labels_are_well_formed(Path::new("c0000"), &label_with("confidence", Some("medium".into())));
}

#[test]
#[should_panic(expected = "c0000/expect.json: field `confidence`")]
fn a_label_value_outside_the_shared_corpus_s_is_named_by_file_and_field() {
    labels_are_well_formed(Path::new("c0000"), &label_with("confidence", Some("武汉工程职业技术学院".into())));
}

#[test]
#[should_panic(expected = "c0000/expect.json: keys")]
fn a_missing_label_key_is_named_by_file() {
    labels_are_well_formed(Path::new("c0000"), &label_with("placeholder", None));
}

#[test]
#[should_panic(expected = "listed twice")]
fn an_industry_listed_twice_is_refused() {
    labels_are_well_formed(Path::new("c0000"), &label_with("industries", Some(serde_json::json!(["news", "news"]))));
}

/// Writes to `ICP_PATROL_CORPUS_FEATURES=<file>` what `tests/model/train.sh` trains the industry model on: for every
/// `dev` page scored (not `test`'s, not a low-confidence one), its labels, what the rules alone find, and its features,
/// one JSON line each. A tool, not a check: it runs only when asked for (`--ignored`).
#[test]
#[ignore = "writes the dev pages' features for tests/model/train.sh"]
fn dev_features_for_the_industry_model() {
    let out = std::env::var_os("ICP_PATROL_CORPUS_FEATURES")
        .filter(|v| !v.is_empty())
        .expect("ICP_PATROL_CORPUS_FEATURES names the file to write");
    let rules_alone = RuleSet::embedded_without_industry_model();
    let lines = par_map(&cases("content"), |dir| {
        let expect = unchecked_labels(dir);
        if Split::of(dir) != Split::Dev || expect["confidence"] == "low" {
            return None;
        }
        let meta: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("meta.json")).expect("meta")).expect("meta");
        let source = meta["source"].as_str().expect("source");
        let case = dir.file_name().and_then(|n| n.to_str()).expect("name");
        let url = url::Url::parse(&format!("http://{case}.corpus.test/")).expect("url");
        let bytes = std::fs::read(dir.join("page.html")).expect("page");
        let facts = extract(&decode(&bytes, Some("text/html"), None).text, &url, &rules_alone.provinces);
        let found = classify(&facts, &rules_alone);
        let rules: Vec<&str> = found.industries.iter().map(|h| h.key.as_str()).collect();
        let line = serde_json::json!({
            "case": case,
            "repo": source.split(':').next(),
            "industries": expect["industries"],
            "rules": rules,
            "features": icp_patrol::classify::industry_model::features(&facts),
        });
        Some(line.to_string())
    });
    let text: String = lines.into_iter().flatten().map(|l| l + "\n").collect();
    std::fs::write(&out, text).unwrap_or_else(|e| panic!("{}: {e}", Path::new(&out).display()));
}

#[test]
fn content_classification_agrees_with_the_labels() {
    // A rules directory to try against the corpus (an edited copy, as `rules explain --rules` reads it): the figures and
    // disagreements are printed and nothing is asserted, since the copy is an experiment and not what ships. Set but empty, as unset.
    let trial = std::env::var_os("ICP_PATROL_CORPUS_RULES").filter(|v| !v.is_empty()).map(std::path::PathBuf::from);
    let rules = match &trial {
        Some(dir) => RuleSet::load(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())),
        None => RuleSet::embedded(),
    };
    let mut scores: BTreeMap<Split, Scores> = BTreeMap::new();
    let mut notes = Vec::new();
    for (split, case_scores, case_notes) in par_map(&cases("content"), |dir| judge(dir, &rules)).into_iter().flatten() {
        scores.entry(split).or_default().absorb(case_scores);
        notes.extend(case_notes);
    }
    let figures: Vec<String> = scores.iter().map(|(split, s)| s.figure(split.name())).collect();
    let figures = figures.join("\n");
    eprintln!("{}\n{figures}", notes.join("\n"));
    if let Some(dir) = trial {
        eprintln!("(rules from {}: not checked against the known disagreements)", dir.display());
        return;
    }
    known_dev_disagreements_are_exactly_these(&notes);
    for (split, s) in &scores {
        if *split == Split::Dev {
            // No false placeholder (a false empty-shell notice) where the rules are tuned. On `test` a
            // false one is reported, as every other `test` figure is (docs/accuracy.md): until round
            // fourteen this guard held both splits, and then two blind `test` negatives built to tempt
            // the rules (c129, a site's bare 404 read as blank; c207, a blog's article page whose body is
            // a starter post) were read as placeholders. Gating `test` would make mending them — tuning on
            // `test` — the only way to keep CI green; the form that would have mended c129 lost a `dev`
            // panel's 404 (c124), the same page in other hands, and was not kept.
            assert_eq!(s.placeholder_false, 0, "{figures}");
            // The marks where they hold on dev, where the rules were tuned; on `test` they
            // are reported (docs/accuracy.md), never gated: a gate on `test` would make every
            // blind batch a reason to tune on it. Site name (0.95) does not hold on dev yet and is
            // reported only. Industries precision held 0.90 until round eight's dev pages (c740, a
            // live-streaming site read as culture and news; c742, a community showing its culture
            // licence) took it to 0.86; a culture licence worth 3 points instead of 8 (it alone no
            // longer decides culture, rules/preapproval.toml) and a drug-information licence worth 4 took it
            // back to 0.90 with round nine's dev pages. A lower weight for every licence traded precision
            // for recall and was not kept.
            //
            // Recall and commercial agreement were floors here too (0.765 and 0.9) until the twenty-fourth
            // session. A floor on a share mixes two things: the rules reading a page worse, and new pages
            // that read worse than the average. Each batch of new dev pages took them below, and forms read
            // from those pages took them back: forms for one page each, written because a floor asked for
            // them. They are guarded page by page now (`known_dev_disagreements_are_exactly_these` below):
            // no dev page the rules read right may go wrong, whatever the share. Placeholder recall (0.95)
            // and operator agreement (0.9) followed in the twenty-ninth session, for the same reason: the
            // twenty-eighth held placeholder recall by one page, and round 67's dev pages took operator
            // agreement to 89.8% with no rule reading any page worse. Precision stays a floor: a false
            // industry is a false notice, and a share of them is what a reviewer judges.
            assert!(s.precision() >= 0.90, "{figures}");
        }
    }
}

/// Every dev case and reading (placeholder, industries, commercial, site name, operator) on which the rules
/// disagree with the labels, one per line; a change of the rules that makes a case read right or wrong
/// changes this file in the same commit, where a reviewer sees the trade.
const KNOWN_DEV_DISAGREEMENTS: &str = "tests/fixtures/content-dev-disagreements.txt";

/// The readings a disagreement note is about, as the notes name them.
const READINGS: [&str; 5] = ["placeholder", "industries", "commercial", "site name", "operator"];

/// The dev disagreements are the known ones: a case that reads wrong and did not, or reads right and did
/// not, fails the test with its name. `ICP_PATROL_BLESS=1` writes the file from this run instead.
fn known_dev_disagreements_are_exactly_these(notes: &[String]) {
    let now: BTreeSet<String> = notes
        .iter()
        .filter_map(|note| {
            let (case, rest) = note.split_once(" [dev]: ")?;
            let reading = READINGS.iter().find(|r| rest.starts_with(*r))?;
            // Industries and placeholders are kept with what was read, so a case that reads worse than it
            // did (a second industry missed) shows too; the other readings' notes list evidence that moves
            // with every rule.
            Some(if ["industries", "placeholder"].contains(reading) {
                format!("{case} {rest}")
            } else {
                format!("{case} {reading}")
            })
        })
        .collect();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(KNOWN_DEV_DISAGREEMENTS);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let known: BTreeSet<String> =
        text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect();
    let worse: Vec<&String> = now.difference(&known).collect();
    let better: Vec<&String> = known.difference(&now).collect();
    if std::env::var("ICP_PATROL_BLESS").is_ok_and(|v| v == "1") {
        // What the rewrite accepts is printed, so a new page's misses do not hide a regression of the same run.
        eprintln!("{}: accepting read wrong now {worse:?}; read right now {better:?}", path.display());
        let header = "# Dev cases and readings the rules disagree with the labels on (tests/it/corpus_content.rs).\n";
        let body: String = now.iter().map(|k| format!("{k}\n")).collect();
        std::fs::write(&path, format!("{header}{body}")).expect("write the known disagreements");
        return;
    }
    assert!(!text.is_empty(), "{}: missing (ICP_PATROL_BLESS=1 writes it)", path.display());
    assert!(
        worse.is_empty() && better.is_empty(),
        "{}: read wrong now {worse:?}; read right now {better:?} (a deliberate trade or a new page: \
         ICP_PATROL_BLESS=1 cargo test --test it corpus_content, and the diff shows it)",
        path.display()
    );
}
