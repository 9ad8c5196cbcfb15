//! Extraction against the labelled real pages in `tests/fixtures/footers` (copied from the shared
//! corpus; conventions in its README). Each field must agree on at least 97% of the scored cases,
//! and a page that shows a number must never lack one. Disagreements are printed.

use std::path::Path;

use icp_patrol::checks::{LinkClass, classify_icp_link};
use icp_patrol::extract::{PageFacts, extract};
use icp_patrol::fetch::decode;
use icp_patrol::rules::RuleSet;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

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

#[derive(Default)]
struct Tally {
    agree: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.agree += usize::from(ok);
    }
    fn share(&self) -> f64 {
        if self.total == 0 { 1.0 } else { self.agree as f64 / self.total as f64 }
    }
}

fn facts_of(dir: &Path, case: &str, rules: &RuleSet) -> PageFacts {
    let bytes = std::fs::read(dir.join("page.html")).expect("page");
    let decoded = decode(&bytes, Some("text/html"), Some(b"test"));
    let url = url::Url::parse(&format!("http://{case}.corpus.test/")).expect("url");
    extract(&decoded.text, &url, &rules.provinces)
}

#[test]
fn footer_extraction_agrees_with_the_labels() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/footers");
    let rules = RuleSet::embedded();
    let mut cases: Vec<_> = std::fs::read_dir(&root).expect("fixtures").flatten().map(|e| e.path()).collect();
    cases.sort();
    let (mut icp, mut license, mut link, mut psb, mut psb_link, mut copyright) =
        (Tally::default(), Tally::default(), Tally::default(), Tally::default(), Tally::default(), Tally::default());
    let mut false_missing = 0;
    let mut notes = Vec::new();
    for dir in cases {
        let case = dir.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).expect("labels")).expect("json");
        if expect["needs_js"] == true || expect["confidence"] == "low" {
            continue;
        }
        let facts = facts_of(&dir, &case, &rules);
        let footer: Vec<_> = facts.icp.iter().filter(|n| n.in_footer).collect();
        let shown: Vec<String> = footer.iter().map(|n| norm(&n.number)).collect();
        let want = expect["icp_number_shown"].as_str().map(norm);
        let ok = match &want {
            Some(w) => shown.contains(w),
            None => !footer.iter().any(|n| n.kind == icp_patrol::filing::IcpKind::Filing),
        };
        icp.add(ok);
        if !ok {
            notes.push(format!("{case}: icp want {want:?} got {shown:?}"));
        }
        if want.is_some() && facts.icp.is_empty() {
            false_missing += 1;
            notes.push(format!("{case}: no number found although the page shows one"));
        }
        if let Some(l) = expect["license_shown"].as_str().map(norm) {
            let ok = shown.contains(&l);
            license.add(ok);
            if !ok {
                notes.push(format!("{case}: licence want {l} got {shown:?}"));
            }
        }
        if let Some(w) = &want
            && let Some(n) = footer.iter().find(|n| &norm(&n.number) == w)
        {
            let got = host_class(n.link.as_deref());
            let ok = Some(&got) == label_class(&expect["icp_linked_to"]).as_ref();
            link.add(ok);
            if !ok {
                notes.push(format!("{case}: icp link want {:?} got {got} ({:?})", expect["icp_linked_to"], n.link));
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
        psb.add(ok);
        if !ok {
            notes.push(format!(
                "{case}: psb want {want_psb:?} got {:?}",
                psbs.iter().map(|p| &p.code).collect::<Vec<_>>()
            ));
        }
        if let Some(p) = want_psb.and_then(|code| psbs.iter().find(|p| p.code == code)) {
            let got = host_class(p.link.as_deref());
            let ok = Some(&got) == label_class(&expect["psb_linked_to"]).as_ref();
            psb_link.add(ok);
            if !ok {
                notes.push(format!("{case}: psb link want {:?} got {got} ({:?})", expect["psb_linked_to"], p.link));
            }
        }
        let has_line = expect["copyright_line"].as_bool().unwrap_or(false) || expect["copyright_line"].is_string();
        let ok = has_line != facts.copyright.is_empty();
        copyright.add(ok);
        if !ok {
            notes.push(format!("{case}: copyright want {has_line} got {:?}", facts.copyright));
        }
    }
    let figure = format!(
        "footers: {} cases, icp {:.1}%, licence {:.1}%, icp-link {:.1}%, psb {:.1}%, psb-link {:.1}%, copyright {:.1}%, false icp.missing {false_missing}",
        icp.total,
        icp.share() * 100.0,
        license.share() * 100.0,
        link.share() * 100.0,
        psb.share() * 100.0,
        psb_link.share() * 100.0,
        copyright.share() * 100.0
    );
    eprintln!("{}\n{figure}", notes.join("\n"));
    assert_eq!(false_missing, 0, "{figure}");
    for (name, t) in [
        ("icp", &icp),
        ("licence", &license),
        ("icp-link", &link),
        ("psb", &psb),
        ("psb-link", &psb_link),
        ("copyright", &copyright),
    ] {
        assert!(t.share() >= 0.97, "{name} agreement {:.3} < 0.97\n{}\n{figure}", t.share(), notes.join("\n"));
    }
}
