//! The rule patterns (industry evidence, licences, placeholder sentences, commercial forms) over the
//! visible text of every corpus page (footers and content), page by page as the classifier meets them,
//! each run as the classifier runs it (gated by the literals every match must contain, `rules/gated.rs`)
//! and plainly, on one core; every match is first checked to be the same both ways.
//! `cargo bench --bench gate`.

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use icp_patrol::extract::extract;
use icp_patrol::fetch::decode;
use icp_patrol::rules::RuleSet;
use regex::Regex;

fn texts(rules: &RuleSet) -> Vec<String> {
    let url = url::Url::parse("http://corpus.test/").expect("url");
    let mut out = Vec::new();
    for set in ["footers", "content"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(set);
        for entry in std::fs::read_dir(root).expect("fixtures").flatten() {
            if let Ok(bytes) = std::fs::read(entry.path().join("page.html")) {
                let text = decode(&bytes, Some("text/html"), None).text;
                out.push(extract(&text, &url, &rules.provinces).body_text);
            }
        }
    }
    out.sort();
    out
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::embedded();
    let texts = texts(&rules);
    let industries =
        rules.preapproval.industries.iter().flat_map(|i| i.evidence.iter().chain(&i.timestamps).chain(&i.licence));
    let placeholders =
        rules.placeholders.fingerprints.iter().chain(&rules.placeholders.interceptions).flat_map(|f| &f.patterns);
    let commercial = rules.commercial.signals.iter().flat_map(|s| &s.patterns);
    let gated: Vec<_> = industries.chain(placeholders).chain(commercial).collect();
    let plain: Vec<Regex> = gated.iter().map(|g| Regex::new(g.as_str()).expect("pattern")).collect();
    for (g, p) in gated.iter().zip(&plain) {
        for t in &texts {
            assert_eq!(g.find(t).map(|m| m.range()), p.find(t).map(|m| m.range()), "{}", p.as_str());
        }
    }
    let mut group = c.benchmark_group("rule patterns");
    group.throughput(Throughput::Elements(texts.len() as u64));
    group.sample_size(20);
    group.bench_function(format!("gated ({} patterns, {} pages)", gated.len(), texts.len()), |b| {
        b.iter(|| texts.iter().map(|t| gated.iter().filter(|g| g.is_match(t)).count()).sum::<usize>())
    });
    group.bench_function(format!("plain ({} patterns, {} pages)", plain.len(), texts.len()), |b| {
        b.iter(|| texts.iter().map(|t| plain.iter().filter(|p| p.is_match(t)).count()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
