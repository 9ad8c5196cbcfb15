//! Times extract + classify on every hostile shape of `benches/shapes.rs`, one run each:
//! `cargo run --release --example hostile_shapes [FILTER]`.

#[path = "../benches/shapes.rs"]
mod shapes;

use std::time::Instant;

fn main() {
    let filter = std::env::args().nth(1).unwrap_or_default();
    let rules = icp_patrol::rules::RuleSet::embedded();
    let url = url::Url::parse("http://hostile.example.cn/").expect("url");
    for (name, page) in shapes::all() {
        if !name.contains(filter.as_str()) {
            continue;
        }
        let started = Instant::now();
        let facts = icp_patrol::extract::extract(&page, &url, &rules.provinces);
        let extracted = started.elapsed();
        let classification = icp_patrol::classify::classify(&facts, &rules);
        println!(
            "{name:24} {:>8} KiB  extract {:>9.3} s  +classify {:>7.3} s  icp {} psb {} copyright {} placeholder {:?}",
            page.len() / 1024,
            extracted.as_secs_f64(),
            (started.elapsed() - extracted).as_secs_f64(),
            facts.icp.len(),
            facts.psb.len(),
            facts.copyright.len(),
            classification.placeholder.map(|p| p.1),
        );
    }
}
