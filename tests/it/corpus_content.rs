//! Classification against the labelled real pages in `tests/fixtures/content` (copied from the shared
//! corpus): placeholder kind with no false positive and ≥ 95% recall, industries precision ≥ 0.9 and
//! recall ≥ 0.8, commercial ≥ 90% agreement. Disagreements are printed.

use std::collections::BTreeSet;
use std::path::Path;

use icp_patrol::classify::classify;
use icp_patrol::extract::extract;
use icp_patrol::fetch::decode;
use icp_patrol::rules::RuleSet;
use serde_json::Value;

#[test]
fn content_classification_agrees_with_the_labels() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/content");
    let rules = RuleSet::embedded();
    let mut cases: Vec<_> = std::fs::read_dir(&root).expect("fixtures").flatten().map(|e| e.path()).collect();
    cases.sort();
    let (mut ph_tp, mut ph_fp, mut ph_fn) = (0, 0, 0);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let (mut com_ok, mut com_n) = (0, 0);
    let mut notes = Vec::new();
    for dir in cases {
        let case = dir.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).expect("labels")).expect("json");
        if expect["confidence"] == "low" {
            continue;
        }
        let bytes = std::fs::read(dir.join("page.html")).expect("page");
        let url = url::Url::parse(&format!("http://{case}.corpus.test/")).expect("url");
        let facts = extract(&decode(&bytes, Some("text/html"), None).text, &url, &rules.provinces);
        let c = classify(&facts, &rules);
        let want_ph = expect["placeholder"].as_str();
        let got_ph = c.placeholder.as_ref().map(|(k, _)| k.as_str());
        match (want_ph, got_ph) {
            (Some(w), Some(g)) => {
                ph_tp += 1;
                if w != g {
                    notes.push(format!("{case}: placeholder kind want {w} got {g}"));
                }
            }
            (None, Some(g)) => {
                ph_fp += 1;
                notes.push(format!("{case}: placeholder false positive {g}"));
            }
            (Some(w), None) => {
                ph_fn += 1;
                notes.push(format!("{case}: placeholder missed {w}"));
            }
            (None, None) => {}
        }
        let want: BTreeSet<String> = expect["industries"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        let got: BTreeSet<String> = c
            .industries
            .iter()
            .map(|h| if h.key == "games" { "culture".to_string() } else { h.key.clone() })
            .filter(|k| k != "finance")
            .collect();
        tp += want.intersection(&got).count();
        fp += got.difference(&want).count();
        fn_ += want.difference(&got).count();
        if want != got {
            notes.push(format!("{case}: industries want {want:?} got {got:?}"));
        }
        com_n += 1;
        let commercial = !c.commercial.is_empty();
        if commercial == expect["commercial"].as_bool().unwrap_or(false) {
            com_ok += 1;
        } else {
            notes.push(format!("{case}: commercial want {} got {:?}", expect["commercial"], c.commercial));
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    let ph_recall = ph_tp as f64 / (ph_tp + ph_fn).max(1) as f64;
    let com = com_ok as f64 / com_n.max(1) as f64;
    let figure = format!(
        "content: {com_n} cases, placeholder recall {:.0}% fp {ph_fp}, industries P {precision:.2} R {recall:.2}, commercial {:.0}%",
        ph_recall * 100.0,
        com * 100.0
    );
    eprintln!("{}\n{figure}", notes.join("\n"));
    assert_eq!(ph_fp, 0, "{figure}");
    assert!(ph_recall >= 0.95, "{figure}");
    assert!(precision >= 0.9 && recall >= 0.8, "{figure}");
    assert!(com >= 0.9, "{figure}");
}
