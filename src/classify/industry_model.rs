//! The industry model's reading of a page: its features (the words of its names, navigation, headings and body, and
//! the schema.org types it declares) and the industries whose probability reaches the model's
//! threshold, each shown with the words that weighed most for it.
//!
//! The model weighs thousands of words a little each where the rules weigh a few words much: it reads the pages of
//! kinds no rule was written from (trained on the corpus's `dev` pages, each word seen in five repositories at
//! least; docs/accuracy.md). The hosts a page links to are not among them: mostly share buttons, and in the corpus a
//! page's links to its own site count as leaving it, which a scan of the site does not. It only adds industries the
//! rules did not find, and only to pages that are not placeholders.

use std::collections::BTreeSet;

use super::IndustryHit;
use crate::extract::PageFacts;
use crate::rules::{FEATURE_NAMESPACES, IndustryModel, namespace};

/// How many of the words that weighed most for an industry its evidence shows.
const EVIDENCE_WORDS: usize = 5;
/// How many characters on each side of a character pair its evidence shows.
const CONTEXT_CHARS: usize = 2;

/// The features of a page, sorted and distinct, as the training script reads them (`tests/model/`).
pub fn features(facts: &PageFacts) -> Vec<String> {
    let (body, _) = super::visible_text(facts);
    let mut out = BTreeSet::new();
    visit(facts, &body, |f| {
        out.insert(f.to_string());
    });
    out.into_iter().collect()
}

/// The model's probability of each of its industries (in its order) for a page, with the page's known features.
pub(super) fn probabilities(model: &IndustryModel, facts: &PageFacts, body: &str) -> (Vec<f64>, Vec<u32>) {
    let mut ids = Vec::new();
    visit(facts, body, |f| ids.extend(model.id(f)));
    ids.sort_unstable();
    ids.dedup();
    // One pass over the page's features, each adding its row of weights (a feature's weights lie together).
    let mut logits = model.bias.clone();
    for &id in &ids {
        for (logit, weight) in logits.iter_mut().zip(model.weights(id)) {
            *logit += f64::from(*weight);
        }
    }
    let probabilities = logits.into_iter().map(|logit| 1.0 / (1.0 + (-logit).exp())).collect();
    (probabilities, ids)
}

/// The industries the model shows on a page that the rules did not find (`found`), by probability.
pub(super) fn hits(model: &IndustryModel, facts: &PageFacts, body: &str, found: &[IndustryHit]) -> Vec<IndustryHit> {
    let (probabilities, ids) = probabilities(model, facts, body);
    let mut hits = Vec::new();
    for (k, key) in model.industries.iter().enumerate() {
        let probability = probabilities[k];
        if probability < model.threshold || found.iter().any(|h| h.key == *key) {
            continue;
        }
        let mut weighed: Vec<(f32, u32)> =
            ids.iter().map(|&id| (model.weights(id)[k], id)).filter(|(w, _)| *w > 0.0).collect();
        weighed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
        let words: Vec<String> = weighed
            .iter()
            .take(EVIDENCE_WORDS)
            .map(|(w, id)| format!("{} {w:+.2}", readable(model.name(*id), body)))
            .collect();
        hits.push(IndustryHit {
            key: key.clone(),
            // Not points against a rule threshold: the model's probability.
            score: probability,
            evidence: vec![format!("model p={probability:.2}: {}", words.join(", "))],
            by_model: true,
        });
    }
    hits
}

/// A feature as a reviewer reads it: the word, a character pair with the characters around it where the page's
/// text first has it, then where it stands ("药品 (text)", "视剧 «看电视剧集» (text)", "预约 (menu)").
fn readable(feature: &str, body: &str) -> String {
    let (namespace, token) = feature.split_once(':').unwrap_or(("", feature));
    let place = FEATURE_NAMESPACES.iter().find(|(ns, _)| *ns == namespace).map_or(namespace, |(_, place)| place);
    match crate::tokens::pair_in_context(body, token, CONTEXT_CHARS) {
        Some(run) => format!("{token} «{run}» ({place})"),
        None => format!("{token} ({place})"),
    }
}

/// Calls `found` with every feature of the page, `namespace:token`, possibly more than once.
fn visit(facts: &PageFacts, body: &str, mut found: impl FnMut(&str)) {
    let mut buffer = String::new();
    let mut emit = |namespace: &str, token: &str| {
        buffer.clear();
        buffer.push_str(namespace);
        buffer.push(':');
        buffer.push_str(token);
        found(&buffer);
    };
    let names = [&facts.title, &facts.og_site_name, &facts.heading, &facts.logo_alt, &facts.brand];
    for name in names.into_iter().flatten() {
        crate::tokens::tokens(&crate::text::spaced(name), |t| emit(namespace::NAME, t));
    }
    for item in &facts.anchor_texts {
        crate::tokens::tokens(&crate::text::spaced(item), |t| emit(namespace::MENU, t));
    }
    for heading in &facts.headings {
        crate::tokens::tokens(&crate::text::spaced(heading), |t| emit(namespace::HEADING, t));
    }
    crate::tokens::tokens(body, |t| emit(namespace::TEXT, t));
    for declared in &facts.schema_types {
        emit(namespace::DECLARED, &declared.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> IndustryModel {
        let text =
            "industries\tnews\tculture\nthreshold\t0.5\nbias\t-2\t-2\nb:记者\t1.5\t0\nb:编辑\t1.0\t0\nb:游戏\t0\t3\n";
        let mut errors = Vec::new();
        IndustryModel::parse(std::path::Path::new("industry_model.tsv"), text, &mut errors).expect("valid")
    }

    fn hit(key: &str) -> IndustryHit {
        IndustryHit { key: key.into(), score: 8.0, evidence: Vec::new(), by_model: false }
    }

    #[test]
    fn the_model_adds_what_reaches_its_threshold_and_the_rules_did_not_find() {
        let facts = PageFacts::default();
        let shown = hits(&model(), &facts, "本报记者 责任编辑", &[]);
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert_eq!(shown[0].key, "news");
        assert!(shown[0].by_model);
        assert!(
            shown[0].evidence[0]
                .starts_with("model p=0.62: 记者 «本报记者» (text) +1.50, 编辑 «责任编辑» (text) +1.00"),
            "{:?}",
            shown[0].evidence
        );
        // One word alone is below the threshold (p 0.38).
        assert!(hits(&model(), &facts, "本报记者", &[]).is_empty());
        // What the rules found is theirs.
        assert!(hits(&model(), &facts, "本报记者 责任编辑", &[hit("news")]).is_empty());
        assert_eq!(hits(&model(), &facts, "网络游戏", &[]).len(), 1);
    }

    #[test]
    fn features_carry_where_the_words_stand() {
        let facts = PageFacts {
            title: Some("Clinic".into()),
            anchor_texts: vec!["预约挂号".into()],
            headings: vec!["Doctors".into()],
            body_text: "門診時間".into(),
            link_targets: vec!["//www.YouTube.com/watch".into()],
            schema_types: vec!["Hospital".into()],
            ..PageFacts::default()
        };
        let got = features(&facts);
        for want in ["n:clinic", "a:预约", "a:挂号", "h:doctors", "b:门诊", "s:hospital"] {
            assert!(got.iter().any(|f| f == want), "{want} in {got:?}");
        }
        assert!(!got.iter().any(|f| f.contains("youtube")), "links are no features: {got:?}");
    }
}
