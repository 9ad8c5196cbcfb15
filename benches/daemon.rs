//! The daemon end to end over a farm of sites on loopback: import N filings, run one cycle, measure
//! sites per second and the process's peak memory (VmHWM; the farm runs in the same process).
//!
//! `cargo bench --bench daemon -- [--sites 2000] [--backend sqlite|postgres|both] [--concurrency 64]`
//! Pages are the footer corpus pages (mean ≈ 62 KiB), site i serving page i mod 70. All sites share
//! the farm's one address and one registrable domain, so the per-address and per-domain limits are
//! set to the total limit here (real filed sites spread over many servers and domains).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use icp_patrol::config::{Config, Schedule};
use icp_patrol::dns::{Dns, DnsOptions, Guard};
use icp_patrol::engine::Scanner;
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::fetch::{FetchOptions, Fetcher, Overrides};
use icp_patrol::filing::FilingRecord;
use icp_patrol::rules::RuleSet;
use icp_patrol::scheduler::Daemon;
use icp_patrol::store::Store;
use sqlx::Connection;
use tokio_util::sync::CancellationToken;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn bench(backend: &str, url: &str, farm: &Farm, hosts: &[String], concurrency: usize) {
    let store = Store::connect(url).await.expect("store");
    let records: Vec<FilingRecord> = hosts
        .iter()
        .map(|h| FilingRecord {
            domain: h.clone(),
            site_number: "京ICP备16020626号-1".into(),
            principal: "北京示例科技有限公司".into(),
            principal_type: "企业".into(),
            site_name: "示例网站".into(),
            approved_on: "2024-03-01".parse().expect("date"),
            opened_on: None,
            psb_code: None,
            license: None,
            preapprovals: vec![],
            provider: None,
            filed_ips: vec![],
        })
        .collect();
    store.import(&records, |_| Some("北京".into()), false).await.expect("import");
    let mut config = Config { database: url.to_string(), schedule: vec![], ..Config::default() };
    config.daemon.concurrency = concurrency;
    config.daemon.per_address = concurrency;
    config.daemon.per_domain = concurrency;
    config.daemon.metrics_addr = None;
    config.daemon.poll_ms = 20;
    let to_farm = format!("::{}:{}", farm.addr.ip(), farm.addr.port());
    let overrides = Overrides { resolve: vec![], connect_to: vec![to_farm.parse().expect("connect-to")] };
    let dns =
        Dns::new(&DnsOptions { nameservers: vec!["127.0.0.1:9".parse().expect("addr")], timeout: None }).expect("dns");
    let fetcher = Fetcher::new(FetchOptions::default(), overrides, dns, Guard::default()).expect("fetcher");
    let scanner = Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
    let daemon = Daemon::new(store.clone(), scanner, config).with_today("2026-11-28".parse().expect("date"));
    let schedule = Schedule {
        name: "bench".into(),
        cron: "0 3 * * *".into(),
        timezone: "Asia/Shanghai".into(),
        province: None,
        provider: None,
    };
    let cycle = daemon.enqueue_now(&schedule, "run").await.expect("enqueue");
    let started = Instant::now();
    let summary = daemon.run(CancellationToken::new(), true).await.expect("daemon");
    let secs = started.elapsed().as_secs_f64();
    let per_target = store.results_per_cycle(&cycle).await.expect("results");
    assert!(per_target.iter().all(|(_, n)| *n == 1), "exactly one result per site");
    println!(
        "daemon/{backend}: {} sites in {secs:.2} s = {:.0} sites/s (concurrency {concurrency}); peak RSS so far {:.0} MiB",
        summary.recorded,
        summary.recorded as f64 / secs,
        peak_rss_mib()
    );
    store.close().await;
}

fn main() {
    icp_patrol::install_crypto_provider();
    let sites: usize = arg("--sites", "2000").parse().expect("--sites N");
    let backend = arg("--backend", "both");
    let concurrency: usize = arg("--concurrency", "64").parse().expect("--concurrency N");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/footers");
        let mut pages: Vec<Vec<u8>> = std::fs::read_dir(&root)
            .expect("fixtures")
            .flatten()
            .filter_map(|e| std::fs::read(e.path().join("page.html")).ok())
            .collect();
        pages.sort();
        let mean = pages.iter().map(Vec::len).sum::<usize>() / pages.len();
        let hosts: Vec<String> = (0..sites).map(|i| format!("site{i}.bench.example.cn")).collect();
        let farm_sites: HashMap<String, Behaviour> = hosts
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), Behaviour::bytes(pages[i % pages.len()].clone())))
            .collect();
        let farm = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), farm_sites).await.expect("farm");
        println!("farm: {sites} sites on {}, {} distinct pages, mean {} KiB", farm.addr, pages.len(), mean / 1024);
        if backend == "sqlite" || backend == "both" {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}", dir.path().join("bench.db").display());
            bench("sqlite", &url, &farm, &hosts, concurrency).await;
        }
        if backend == "postgres" || backend == "both" {
            let admin = "postgres://postgres@127.0.0.1:5432/postgres";
            let name = format!("icp_bench_{}", std::process::id());
            let mut conn =
                sqlx::PgConnection::connect(admin).await.expect("PostgreSQL on 127.0.0.1:5432 (tests/run starts it)");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create");
            bench("postgres", &format!("postgres://postgres@127.0.0.1:5432/{name}"), &farm, &hosts, concurrency).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
                .execute(&mut conn)
                .await
                .expect("drop");
        }
    });
}
