//! The render stage: renders per second and peak memory (this process and the browser's processes)
//! with 8 renders at once over script-built pages on a loopback farm; then the scan rate over the
//! footer corpus's static pages with `--render auto` against `--render never` (it must not drop:
//! pages that show their number are never rendered), and apart, the corpus pages that show no
//! number as served (some of which `auto` renders).
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

/// A field of `/proc/PID/<file>` in KiB (`VmRSS` of `status`, `Pss` of `smaps_rollup`).
fn proc_kib(pid: &str, file: &str, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/{file}"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// Summed RSS and PSS of this process and every browser process it started (their profiles are
/// named for the scanner). RSS counts the pages the browser's processes share once per process;
/// PSS splits them, so its sum is the memory the machine gives them.
fn memory_kib() -> (u64, u64) {
    let (mut rss, mut pss) = (proc_kib("self", "status", "VmRSS:"), proc_kib("self", "smaps_rollup", "Pss:"));
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if !pid.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains("icp-patrol-browser-") {
            rss += proc_kib(&pid, "status", "VmRSS:");
            pss += proc_kib(&pid, "smaps_rollup", "Pss:");
        }
    }
    (rss, pss)
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

/// Seconds taken, pages judged rendered, and renders tried by outcome.
async fn run(scanner: &Scanner, hosts: &[String], concurrency: usize) -> (f64, usize, HashMap<String, usize>) {
    let started = Instant::now();
    let tried = std::sync::Mutex::new(HashMap::<String, usize>::new());
    let tried_ref = &tried;
    let rendered = futures_util::stream::iter(hosts)
        .map(|h| async move {
            let r = scanner
                .scan(
                    &Target::parse(&format!("http://{h}/")).expect("target"),
                    None,
                    "2026-11-28".parse().expect("day"),
                )
                .await;
            if let (Some(reason), Some(outcome)) = (r.render.reason, r.render.outcome) {
                let key = format!("{}:{outcome:?}", reason.as_str());
                *tried_ref.lock().expect("tally").entry(key).or_default() += 1;
            }
            usize::from(r.render.judged == JudgedPage::Rendered)
        })
        .buffer_unordered(concurrency)
        .fold(0, |a, b| async move { a + b })
        .await;
    let tried = tried.into_inner().expect("tally");
    (started.elapsed().as_secs_f64(), rendered, tried)
}

/// The hosts whose served page shows a footer filing number, and the others.
async fn partition_by_number(scanner: &Scanner, hosts: &[String]) -> (Vec<String>, Vec<String>) {
    let day = "2026-11-28".parse().expect("day");
    let shown: Vec<(String, bool)> = futures_util::stream::iter(hosts)
        .map(|h| async move {
            let r = scanner.scan(&Target::parse(&format!("http://{h}/")).expect("target"), None, day).await;
            (h.clone(), r.extracted.icp.iter().any(|n| n.in_footer))
        })
        .buffer_unordered(32)
        .collect()
        .await;
    let (with, without): (Vec<_>, Vec<_>) = shown.into_iter().partition(|(_, shows)| *shows);
    (with.into_iter().map(|(h, _)| h).collect(), without.into_iter().map(|(h, _)| h).collect())
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
        let peak_pss = Arc::new(AtomicU64::new(0));
        let sampling = Arc::new(AtomicBool::new(true));
        let sampler = {
            let (peak, peak_pss, sampling) = (Arc::clone(&peak), Arc::clone(&peak_pss), Arc::clone(&sampling));
            std::thread::spawn(move || {
                while sampling.load(Ordering::Relaxed) {
                    let (rss, pss) = memory_kib();
                    peak.fetch_max(rss, Ordering::Relaxed);
                    peak_pss.fetch_max(pss, Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        let render = scanner(&farm, &all, RenderMode::Auto, concurrency);
        // The first render starts the browser; it is timed apart.
        let (warm, _, _) = run(&render, &app_hosts[..1], 1).await;
        let (secs, rendered, _) = run(&render, &app_hosts, concurrency).await;
        sampling.store(false, Ordering::Relaxed);
        let _ = sampler.join();
        println!(
            "render: {rendered}/{renders} script-built pages rendered in {secs:.2} s = {:.1} renders/s with {concurrency} at once (browser start + first render {warm:.2} s); peak memory of the scanner and its browser processes: PSS {:.0} MiB (RSS summed per process {:.0} MiB)",
            rendered as f64 / secs,
            peak_pss.load(Ordering::Relaxed) as f64 / 1024.0,
            peak.load(Ordering::Relaxed) as f64 / 1024.0
        );
        if let Some(r) = render.renderer() {
            r.shutdown().await;
        }

        let never = scanner(&farm, &all, RenderMode::Never, 32);
        let auto = scanner(&farm, &all, RenderMode::Auto, concurrency);
        // Static pages are those whose served HTML shows a footer number: `auto` never renders them,
        // so their rate must not move. The rest (no number on the served page) are rendered when they
        // look script-built; they are timed apart, with what the renders did.
        let (shows_number, without) = partition_by_number(&never, &static_hosts).await;
        for _ in 0..2 {
            let (never_secs, _, _) = run(&never, &shows_number, 32).await;
            let (auto_secs, rendered, tried) = run(&auto, &shows_number, 32).await;
            println!(
                "static pages showing their number ({}): --render never {:.0} pages/s, --render auto {:.0} pages/s ({rendered} rendered, renders tried {tried:?})",
                shows_number.len(),
                shows_number.len() as f64 / never_secs,
                shows_number.len() as f64 / auto_secs
            );
        }
        let (never_secs, _, _) = run(&never, &without, 32).await;
        let (auto_secs, rendered, tried) = run(&auto, &without, 32).await;
        println!(
            "corpus pages showing no footer number on the served page ({}): --render never {:.0} pages/s, --render auto {:.1} pages/s ({rendered} judged rendered; renders tried by reason:outcome {tried:?})",
            without.len(),
            without.len() as f64 / never_secs,
            without.len() as f64 / auto_secs
        );
        if let Some(r) = auto.renderer() {
            r.shutdown().await;
        }
    });
}
