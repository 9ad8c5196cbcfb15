//! The render stage: renders per second and peak memory (this process and the browser's processes)
//! with 8 renders at once over script-built pages on a loopback farm; then the scan rate over the
//! footer corpus's static pages with `--render auto` against `--render never` (it must not drop:
//! pages that show their number are never rendered).
//!
//! `cargo bench --bench render -- [--renders 64] [--concurrency 8]`  (needs Debian's chromium)

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use icp_patrol::dns::{Dns, DnsOptions, Guard};
use icp_patrol::engine::{Scanner, Target};
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::fetch::{ConnectTo, FetchOptions, Fetcher, Overrides};
use icp_patrol::render::{RenderMode, RenderOptions, Renderer};
use icp_patrol::result::JudgedPage;
use icp_patrol::rules::RuleSet;

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
}

fn rss_kib(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// This process and every browser process it started (their profiles are named for the scanner).
fn total_rss_kib() -> u64 {
    let mut total = rss_kib("self");
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if !pid.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains("icp-patrol-browser-") {
            total += rss_kib(&pid);
        }
    }
    total
}

fn scanner(farm: &Farm, hosts: &[String], mode: RenderMode, concurrency: usize) -> Scanner {
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
    let options = FetchOptions { total_timeout: Duration::from_secs(30), ..FetchOptions::default() };
    let fetcher =
        Fetcher::new(options, Overrides { resolve: vec![], connect_to }, dns, Guard::default()).expect("fetcher");
    let scanner = Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
    if mode == RenderMode::Never {
        return scanner;
    }
    let options = RenderOptions { mode, concurrency, ..RenderOptions::default() };
    scanner.with_renderer(Arc::new(Renderer::new(options).expect("renderer")))
}

async fn run(scanner: &Scanner, hosts: &[String], concurrency: usize) -> (f64, usize) {
    let started = Instant::now();
    let rendered = futures_util::stream::iter(hosts)
        .map(|h| async move {
            let r = scanner
                .scan(
                    &Target::parse(&format!("http://{h}/")).expect("target"),
                    None,
                    "2026-11-28".parse().expect("day"),
                )
                .await;
            usize::from(r.render.judged == JudgedPage::Rendered)
        })
        .buffer_unordered(concurrency)
        .fold(0, |a, b| async move { a + b })
        .await;
    (started.elapsed().as_secs_f64(), rendered)
}

fn main() {
    icp_patrol::install_crypto_provider();
    let renders: usize = arg("--renders", "64").parse().expect("--renders N");
    let concurrency: usize = arg("--concurrency", "8").parse().expect("--concurrency N");
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        // Script-built sites: an app shell whose footer a lazily imported chunk writes.
        let app = Behaviour::Files(vec![
            ("/".into(), "text/html".into(), br#"<!doctype html><html><head><title>App</title><script type="module" src="/index.js"></script></head><body><div id="app"></div></body></html>"#.to_vec()),
            ("/index.js".into(), "text/javascript".into(), b"const { footer } = await import('./chunk.js'); document.getElementById('app').innerHTML = '<main><h1>App</h1></main>' + footer;".to_vec()),
            ("/chunk.js".into(), "text/javascript".into(), "export const footer = '<footer><a href=\"https://beian.miit.gov.cn/\">\\u4eacICP\\u590716020626\\u53f7-1</a></footer>';".as_bytes().to_vec()),
        ]);
        let app_hosts: Vec<String> = (0..renders).map(|i| format!("app{i}.bench.example.cn")).collect();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/footers");
        let mut pages: Vec<Vec<u8>> = std::fs::read_dir(&root)
            .expect("fixtures")
            .flatten()
            .filter_map(|e| std::fs::read(e.path().join("page.html")).ok())
            .collect();
        pages.sort();
        let static_hosts: Vec<String> = (0..pages.len() * 4).map(|i| format!("page{i}.bench.example.cn")).collect();
        let mut sites: HashMap<String, Behaviour> = app_hosts.iter().map(|h| (h.clone(), app.clone())).collect();
        for (i, h) in static_hosts.iter().enumerate() {
            sites.insert(h.clone(), Behaviour::bytes(pages[i % pages.len()].clone()));
        }
        let farm = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sites).await.expect("farm");
        let all: Vec<String> = app_hosts.iter().chain(&static_hosts).cloned().collect();

        let peak = Arc::new(AtomicU64::new(0));
        let sampling = Arc::new(AtomicBool::new(true));
        let sampler = {
            let (peak, sampling) = (Arc::clone(&peak), Arc::clone(&sampling));
            std::thread::spawn(move || {
                while sampling.load(Ordering::Relaxed) {
                    peak.fetch_max(total_rss_kib(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let render = scanner(&farm, &all, RenderMode::Auto, concurrency);
        // The first render starts the browser; it is timed apart.
        let (warm, _) = run(&render, &app_hosts[..1], 1).await;
        let (secs, rendered) = run(&render, &app_hosts, concurrency).await;
        sampling.store(false, Ordering::Relaxed);
        let _ = sampler.join();
        println!(
            "render: {rendered}/{renders} script-built pages rendered in {secs:.2} s = {:.1} renders/s with {concurrency} at once (browser start + first render {warm:.2} s); peak RSS {:.0} MiB (scanner + browser processes)",
            rendered as f64 / secs,
            peak.load(Ordering::Relaxed) as f64 / 1024.0
        );
        if let Some(r) = render.renderer() {
            r.shutdown().await;
        }

        let never = scanner(&farm, &all, RenderMode::Never, 32);
        let auto = scanner(&farm, &all, RenderMode::Auto, concurrency);
        for _ in 0..2 {
            let (never_secs, _) = run(&never, &static_hosts, 32).await;
            let (auto_secs, rendered) = run(&auto, &static_hosts, 32).await;
            println!(
                "static corpus pages ({}): --render never {:.0} pages/s, --render auto {:.0} pages/s ({rendered} rendered)",
                static_hosts.len(),
                static_hosts.len() as f64 / never_secs,
                static_hosts.len() as f64 / auto_secs
            );
        }
        if let Some(r) = auto.renderer() {
            r.shutdown().await;
        }
    });
}
