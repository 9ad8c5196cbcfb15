//! Times every hostile shape of `benches/shapes.rs` one by one: extract + classify in process, then
//! the whole scan (fetch over loopback HTTP, decode, extract, classify, checks) with the scan's
//! default 30 s limit, which must be far from reached:
//! `cargo run --release --example hostile_shapes [FILTER]`.

#[path = "../benches/shapes.rs"]
mod shapes;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Instant;

use icp_patrol::dns::{Dns, DnsOptions, Guard};
use icp_patrol::engine::{Scanner, Target};
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::fetch::{ConnectTo, FetchOptions, Fetcher, Overrides};
use icp_patrol::rules::RuleSet;

fn main() {
    icp_patrol::install_crypto_provider();
    let filter = std::env::args().nth(1).unwrap_or_default();
    let rules = RuleSet::embedded();
    let url = url::Url::parse("http://hostile.example.cn/").expect("url");
    let shapes: Vec<(&str, String)> = shapes::all().into_iter().filter(|(name, _)| name.contains(&filter)).collect();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let sites: HashMap<String, Behaviour> =
        shapes.iter().map(|(name, page)| (host(name), Behaviour::bytes(page.clone().into_bytes()))).collect();
    let hosts: Vec<String> = sites.keys().cloned().collect();
    let farm = rt.block_on(Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sites)).expect("farm");
    let connect_to = hosts
        .iter()
        .map(|h| ConnectTo {
            host: Some(h.clone()),
            port: None,
            to_host: "127.0.0.1".into(),
            to_port: farm.addr.port(),
        })
        .collect();
    let dns =
        Dns::new(&DnsOptions { nameservers: vec!["127.0.0.1:9".parse().expect("addr")], timeout: None }).expect("dns");
    let fetcher =
        Fetcher::new(FetchOptions::default(), Overrides { resolve: vec![], connect_to }, dns, Guard::default())
            .expect("fetcher");
    let scanner = Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
    let today = "2026-12-03".parse().expect("day");
    for (name, page) in &shapes {
        let started = Instant::now();
        let facts = icp_patrol::extract::extract(page, &url, &rules.provinces);
        let extracted = started.elapsed();
        let classification = icp_patrol::classify::classify(&facts, &rules);
        let classified = started.elapsed() - extracted;
        let target = Target::parse(&format!("http://{}/", host(name))).expect("target");
        let started = Instant::now();
        let result = rt.block_on(scanner.scan(&target, None, today));
        println!(
            "{name:24} {:>6} KiB  extract {:>7.3} s  classify {:>7.3} s  whole scan {:>7.3} s ({:?}{})  icp {} psb {} copyright {} placeholder {:?}",
            page.len() / 1024,
            extracted.as_secs_f64(),
            classified.as_secs_f64(),
            started.elapsed().as_secs_f64(),
            result.verdict.status,
            result.fetch.error.as_ref().map(|e| format!(", {}", e.kind.as_str())).unwrap_or_default(),
            facts.icp.len(),
            facts.psb.len(),
            facts.copyright.len(),
            classification.placeholder.map(|p| p.1),
        );
    }
}

fn host(shape: &str) -> String {
    format!("{}.hostile.example.cn", shape.replace('_', "-"))
}
