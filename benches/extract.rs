//! Extract + classify + checks on the real footer corpus pages (`tests/fixtures/footers`), already decoded:
//! the pure CPU work of a scan. `cargo bench --bench extract`; throughput is pages per second on
//! one core (criterion runs the closure on one thread).

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use icp_patrol::checks::{self, CheckInput, PageState};
use icp_patrol::classify::classify;
use icp_patrol::extract::extract;
use icp_patrol::fetch::decode;
use icp_patrol::filing::FilingRecord;
use icp_patrol::rules::RuleSet;

fn pages() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/footers");
    let mut out: Vec<(String, String)> = std::fs::read_dir(root)
        .expect("fixtures")
        .flatten()
        .filter_map(|e| {
            let bytes = std::fs::read(e.path().join("page.html")).ok()?;
            let url = format!("http://{}.corpus.test/", e.file_name().to_string_lossy());
            Some((url, decode(&bytes, Some("text/html"), None).text))
        })
        .collect();
    out.sort();
    out
}

fn bench(c: &mut Criterion) {
    let rules = RuleSet::embedded();
    let pages = pages();
    let bytes: usize = pages.iter().map(|(_, t)| t.len()).sum();
    let record = FilingRecord {
        domain: "example.cn".into(),
        site_number: "京ICP备16020626号-1".into(),
        principal: "示例".into(),
        principal_type: "企业".into(),
        site_name: "示例".into(),
        approved_on: "2024-01-01".parse().expect("date"),
        opened_on: None,
        psb_code: None,
        license: None,
        preapprovals: vec![],
        provider: None,
        filed_ips: vec![],
    };
    let today = "2026-11-28".parse().expect("date");
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.sample_size(20);
    group.bench_function(format!("extract+classify+checks ({} pages, {} KiB)", pages.len(), bytes / 1024), |b| {
        b.iter(|| {
            let mut failing = 0usize;
            for (url, text) in &pages {
                let page_url = url::Url::parse(url).expect("url");
                let facts = extract(text, &page_url, &rules.provinces);
                let classification = classify(&facts, &rules);
                let input = CheckInput {
                    host: "example.cn",
                    url,
                    page: PageState::Fetched { final_url: url, redirects: &[] },
                    facts: Some(&facts),
                    classification: Some(&classification),
                    dns: &[],
                    filing: Some(&record),
                    today,
                    rules: &rules,
                    rendered: false,
                    unreadable: None,
                };
                failing += checks::run(&input).iter().filter(|f| f.outcome == checks::Outcome::Fail).count();
            }
            failing
        })
    });
    group.finish();
    // What the industry model costs on top of the rules: classification alone, with and without it.
    let facts: Vec<_> =
        pages.iter().map(|(url, text)| extract(text, &url::Url::parse(url).expect("url"), &rules.provinces)).collect();
    let mut rules_alone = rules.clone();
    rules_alone.industry_model = None;
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.sample_size(20);
    for (name, rules) in [("rules and industry model", &rules), ("rules alone", &rules_alone)] {
        group.bench_function(name, |b| {
            b.iter(|| facts.iter().map(|f| classify(f, rules).industries.len()).sum::<usize>())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
