//! Extraction against the labelled real pages in `tests/fixtures/footers` (the shared corpus and the
//! project's own pages; conventions in the shared corpus README, sources in `tests/fixtures/SOURCES.md`).
//! Figures are printed per split (`dev` tuned on, `test` held back); a page that shows a number must
//! never lack one, nor have it judged outside the footer. Disagreements are printed.

use std::collections::BTreeMap;
use std::path::Path;

use icp_patrol::checks::{LinkClass, classify_icp_link};
use icp_patrol::extract::{PageFacts, extract};
use icp_patrol::fetch::decode;
use icp_patrol::rules::RuleSet;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::corpus_split::{Split, Tally, cases, labels};

fn norm(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// The label's host class of a link (`miit`, `miit_old`, `beian_gov_cn`, `beian_mps_gov_cn`, `other`, `none`).
fn host_class(link: Option<&str>) -> String {
    let Some(host) = link.and_then(|l| url::Url::parse(l).ok()).and_then(|u| u.host_str().map(str::to_string)) else {
        return "none".into();
    };
    let class = match host.as_str() {
        h if h == "beian.miit.gov.cn" || h == "www.beian.miit.gov.cn" => "miit",
        h if h == "miitbeian.gov.cn" || h.ends_with(".miitbeian.gov.cn") => "miit_old",
        "www.beian.gov.cn" | "beian.gov.cn" => "beian_gov_cn",
        "beian.mps.gov.cn" => "beian_mps_gov_cn",
        _ => "other",
    };
    class.into()
}

fn label_class(v: &Value) -> Option<String> {
    v.as_str().map(|s| s.split(':').next().unwrap_or(s).to_string())
}

fn facts_of(dir: &Path, case: &str, rules: &RuleSet) -> PageFacts {
    let bytes = std::fs::read(dir.join("page.html")).expect("page");
    let decoded = decode(&bytes, Some("text/html"), Some(b"test"));
    let url = url::Url::parse(&format!("http://{case}.corpus.test/")).expect("url");
    extract(&decoded.text, &url, &rules.provinces)
}

#[derive(Default)]
struct Scores {
    icp: Tally,
    license: Tally,
    link: Tally,
    psb: Tally,
    psb_link: Tally,
    copyright: Tally,
    false_missing: usize,
    false_not_in_footer: usize,
}

impl Scores {
    fn fields(&self) -> [(&'static str, &Tally); 6] {
        [
            ("icp", &self.icp),
            ("licence", &self.license),
            ("icp-link", &self.link),
            ("psb", &self.psb),
            ("psb-link", &self.psb_link),
            ("copyright", &self.copyright),
        ]
    }

    fn figure(&self, split: &str) -> String {
        let fields: Vec<String> = self.fields().iter().map(|(n, t)| format!("{n} {}", t.pct())).collect();
        format!(
            "footers[{split}]: {} cases, {}, false icp.missing {}, false icp.not_in_footer {}",
            self.icp.total,
            fields.join(", "),
            self.false_missing,
            self.false_not_in_footer
        )
    }
}

/// Cases whose label only a rendered page can reach, left out as `needs_js` cases are: what a visitor
/// sees there differs from the served HTML by style, and the static reader keeps inline-hidden blocks
/// on purpose (pages reveal them from script; Baidu's home page does), leaving visibility to rendering
/// and `icp.hidden`.
const RENDERED_ONLY: [(&str, &str); 1] =
    [("r508", "its only footer carries an inline display:none; shown as served, hidden as rendered")];

/// The footer corpus's label keys (`../shared/corpus/README.md`).
const LABEL_KEYS: [&str; 10] = [
    "icp_number_shown",
    "icp_linked_to",
    "license_shown",
    "psb_code_shown",
    "psb_prefix_shown",
    "psb_linked_to",
    "copyright_line",
    "decoy_outside_footer",
    "needs_js",
    "confidence",
];

#[test]
fn footer_extraction_agrees_with_the_labels() {
    let rules = RuleSet::embedded();
    let mut scores: BTreeMap<Split, Scores> = BTreeMap::new();
    let mut notes = Vec::new();
    for dir in cases("footers") {
        let case = dir.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let split = Split::of(&dir);
        let expect = labels(&dir, &LABEL_KEYS);
        if expect["needs_js"] == true || expect["confidence"] == "low" {
            continue;
        }
        let tag = format!("{case} [{}]", split.name());
        if let Some((_, why)) = RENDERED_ONLY.iter().find(|(id, _)| *id == case) {
            notes.push(format!("{tag}: not scored ({why})"));
            continue;
        }
        let s = scores.entry(split).or_default();
        let facts = facts_of(&dir, &case, &rules);
        let footer: Vec<_> = facts.icp.iter().filter(|n| n.in_footer).collect();
        let shown: Vec<String> = footer.iter().map(|n| norm(&n.number)).collect();
        let want = expect["icp_number_shown"].as_str().map(norm);
        let ok = match &want {
            Some(w) => shown.contains(w),
            None => !footer.iter().any(|n| n.kind == icp_patrol::filing::IcpKind::Filing),
        };
        s.icp.add(ok);
        if !ok {
            notes.push(format!("{tag}: icp want {want:?} got {shown:?}"));
        }
        if want.is_some() && facts.icp.is_empty() {
            s.false_missing += 1;
            notes.push(format!("{tag}: no number found although the page shows one"));
        }
        if want.is_some() && !facts.icp.is_empty() && footer.is_empty() {
            s.false_not_in_footer += 1;
            notes.push(format!("{tag}: numbers found but none in the footer although the footer shows one"));
        }
        // A licence's 号 is the way it is written, not part of the number (`苏B2-20130048号` and
        // `苏B2-20130048` are one licence; the reader keeps 号 only in the ICP证 form).
        if let Some(l) = expect["license_shown"].as_str().map(norm) {
            let bare = |s: &str| s.trim_end_matches('号').to_string();
            let ok = shown.iter().any(|s| bare(s) == bare(&l));
            s.license.add(ok);
            if !ok {
                notes.push(format!("{tag}: licence want {l} got {shown:?}"));
            }
        }
        if let Some(w) = &want
            && let Some(n) = footer.iter().find(|n| &norm(&n.number) == w)
        {
            let got = host_class(n.link.as_deref());
            let ok = Some(&got) == label_class(&expect["icp_linked_to"]).as_ref();
            s.link.add(ok);
            if !ok {
                notes.push(format!("{tag}: icp link want {:?} got {got} ({:?})", expect["icp_linked_to"], n.link));
            }
            // The check's own classes must agree with the host class where they overlap.
            if got == "none" {
                assert_eq!(classify_icp_link(n.link.as_deref()), LinkClass::Missing, "{case}");
            }
        }
        let psbs: Vec<_> = facts.psb.iter().filter(|p| p.in_footer).collect();
        let want_psb = expect["psb_code_shown"].as_str();
        let ok = match want_psb {
            Some(code) => psbs.iter().any(|p| p.code == code),
            None => psbs.is_empty(),
        };
        s.psb.add(ok);
        if !ok {
            notes.push(format!(
                "{tag}: psb want {want_psb:?} got {:?}",
                psbs.iter().map(|p| &p.code).collect::<Vec<_>>()
            ));
        }
        if let Some(p) = want_psb.and_then(|code| psbs.iter().find(|p| p.code == code)) {
            // `psb_linked_to` has no MIIT classes: a 公网安备 number linked to the ICP register is `other`.
            let got = match host_class(p.link.as_deref()) {
                c if c.starts_with("miit") => "other".to_string(),
                c => c,
            };
            let ok = Some(&got) == label_class(&expect["psb_linked_to"]).as_ref();
            s.psb_link.add(ok);
            if !ok {
                notes.push(format!("{tag}: psb link want {:?} got {got} ({:?})", expect["psb_linked_to"], p.link));
            }
        }
        let has_line = expect["copyright_line"].as_bool().unwrap_or(false) || expect["copyright_line"].is_string();
        let ok = has_line != facts.copyright.is_empty();
        s.copyright.add(ok);
        if !ok {
            notes.push(format!("{tag}: copyright want {has_line} got {:?}", facts.copyright));
        }
    }
    let figures: Vec<String> = scores.iter().map(|(split, s)| s.figure(split.name())).collect();
    let figures = figures.join("\n");
    eprintln!("{}\n{figures}", notes.join("\n"));
    for (split, s) in &scores {
        // A page that shows its number in the footer is never told it has none, nor that it sits
        // outside the footer: on every split, since a false notice is the one error a reviewer sees.
        assert_eq!(s.false_missing, 0, "{figures}");
        assert_eq!(s.false_not_in_footer, 0, "{figures}");
        if *split != Split::Dev {
            // Held-back figures are reported (docs/accuracy.md), not asserted: a floor on them would
            // be something to tune toward.
            continue;
        }
        for (name, t) in s.fields() {
            // The targets, which hold on dev; icp-link holds 0.97 (the old MIIT host opened
            // from a jQuery handler bound by id is not read).
            let floor = match name {
                "icp" => 0.995,
                "licence" | "psb" | "psb-link" => 0.99,
                "copyright" => 0.98,
                _ => 0.97,
            };
            assert!(t.share() >= floor, "{} {name} agreement {:.3} < {floor}\n{figures}", split.name(), t.share());
        }
    }
}
