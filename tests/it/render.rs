//! The render stage over real HTTP on loopback with Debian's Chromium: script-built footers are read
//! as a visitor sees them, a page whose app fails is not guessed, hidden numbers are findings, the
//! browser reaches nothing the guard refuses, and no browser means inconclusive.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use icp_patrol::checks::Outcome::{Fail, Inconclusive, Pass, Skipped};
use icp_patrol::dns::{Dns, DnsOptions, Guard};
use icp_patrol::engine::{Scanner, Target};
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::fetch::{ConnectTo, FetchOptions, Fetcher, Overrides};
use icp_patrol::render::{RenderMode, RenderOptions, RenderReason, RenderStatus, Renderer, ScreenshotKind};
use icp_patrol::result::{JudgedPage, ScanResult};
use icp_patrol::rules::RuleSet;
use icp_patrol::verdict::Status;

use crate::dns_server;
use crate::support::{farm, filing, linked, outcome, page, today};

const NUM: &str = "京ICP备16020626号-1";

fn files(list: &[(&str, &str, String)]) -> Behaviour {
    Behaviour::Files(list.iter().map(|(p, ct, b)| (p.to_string(), ct.to_string(), b.clone().into_bytes())).collect())
}

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

fn renderer(mode: RenderMode) -> Arc<Renderer> {
    Arc::new(Renderer::new(RenderOptions { mode, ..RenderOptions::default() }).expect("renderer"))
}

async fn scan(scanner: &Scanner, url: &str) -> ScanResult {
    let target = Target::parse(url).expect("target");
    let record = filing(&target.host, NUM);
    scanner.scan(&target, Some(&record), today()).await
}

fn script_built_sites() -> Vec<(&'static str, Behaviour)> {
    let miit = "https://beian.miit.gov.cn/";
    vec![
        (
            "vite.example.cn",
            files(&[
                (
                    "/",
                    HTML,
                    r#"<!doctype html><html><head><title>示例科技</title><script type="module" src="/assets/index.js"></script></head><body><div id="app"></div></body></html>"#.into(),
                ),
                (
                    "/assets/index.js",
                    JS,
                    "const { footer } = await import('./chunk-footer.js');\ndocument.getElementById('app').innerHTML = '<main><h1>示例科技</h1><p>产品与服务</p></main>' + footer;\n".into(),
                ),
                (
                    "/assets/chunk-footer.js",
                    JS,
                    // The number as bundlers escape it.
                    format!("export const footer = \"<footer><a href=\\\"{miit}\\\">\\u4eacICP\\u590716020626\\u53f7-1</a></footer>\";\n"),
                ),
            ]),
        ),
        (
            "ajax.example.cn",
            files(&[
                (
                    "/",
                    HTML,
                    r#"<html><body><p>欢迎访问示例科技</p><div id="ft"></div><script>var x = new XMLHttpRequest(); x.open('GET', '/footer.html'); x.onload = function () { document.getElementById('ft').innerHTML = x.responseText; }; x.send();</script></body></html>"#.into(),
                ),
                ("/footer.html", HTML, format!(r#"<footer><a href="{miit}">{NUM}</a></footer>"#)),
            ]),
        ),
        (
            "config.example.cn",
            files(&[(
                "/",
                HTML,
                format!(
                    r#"<html><body><p>欢迎访问示例科技</p><div id="f"></div><script>var SITE = {{ icp: '{NUM}', miit: '{miit}' }};</script><script>var a = document.createElement('a'); a.href = SITE.miit; a.textContent = SITE.icp; var f = document.createElement('footer'); f.appendChild(a); document.getElementById('f').appendChild(f);</script></body></html>"#
                ),
            )]),
        ),
        (
            "write.example.cn",
            files(&[(
                "/",
                HTML,
                format!(
                    r#"<html><body><p>欢迎访问示例科技</p><script>document.write('<footer><a href="{miit}">{NUM}</a></footer>');</script></body></html>"#
                ),
            )]),
        ),
        ("static.example.cn", page(&linked(NUM))),
    ]
}

#[tokio::test]
async fn script_built_footers_are_read_as_a_visitor_sees_them() {
    let f = farm(script_built_sites()).await;
    let never = f.scanner.clone();
    let auto = f.scanner.clone().with_renderer(renderer(RenderMode::Auto));
    for site in ["vite", "ajax", "config", "write"] {
        let url = format!("http://{site}.example.cn/");
        // Read as served, the footer is not there: the false notice this stage exists to prevent.
        let served = scan(&never, &url).await;
        assert_eq!(outcome(&served, "icp.missing"), Fail, "{site} as served");
        assert_eq!(served.render.judged, JudgedPage::Static);

        let r = scan(&auto, &url).await;
        assert_eq!(r.render.outcome, Some(RenderStatus::Rendered), "{site}: {:?}", r.render.detail);
        assert_eq!(r.render.judged, JudgedPage::Rendered, "{site}");
        assert!(r.render.reason.is_some(), "{site}");
        assert_eq!(outcome(&r, "icp.missing"), Pass, "{site}: {:?}", r.extracted.icp);
        assert_eq!(outcome(&r, "icp.not_in_footer"), Pass, "{site}");
        assert_eq!(outcome(&r, "icp.link.missing"), Pass, "{site}");
        assert_eq!(outcome(&r, "icp.hidden"), Pass, "{site}");
        assert!(r.render.screenshots.iter().any(|s| s.kind == ScreenshotKind::Footer), "{site}");
        assert_eq!(r.screenshots.len(), r.render.screenshots.len());
        assert!(r.screenshots.iter().all(|s| s.png.starts_with(b"\x89PNG")));
    }
    // A static page is judged as served, and not rendered.
    let r = scan(&auto, "http://static.example.cn/").await;
    assert_eq!((r.render.judged, r.render.outcome), (JudgedPage::Static, None));
    assert_eq!(outcome(&r, "icp.missing"), Pass);
    assert_eq!(outcome(&r, "icp.hidden"), Skipped);
    // The vite page's module chunk was asked for through the scanner's fetcher.
    let r = scan(&auto, "http://vite.example.cn/").await;
    assert!(r.render.requests.fulfilled >= 2, "{:?}", r.render.requests);
    assert_eq!(r.render.reason, Some(RenderReason::AppRoot));
}

#[tokio::test]
async fn an_app_that_fails_here_is_not_guessed() {
    let f = farm(vec![(
        "crash.example.cn",
        files(&[
            ("/", HTML, r#"<html><body><div id="app"></div><script src="/app.js"></script></body></html>"#.into()),
            (
                "/app.js",
                JS,
                // The number sits in the bundle, but the app never shows it here: no guessing from strings.
                format!("var unused = '{NUM}';\nthrow new Error('cannot reach the API offline');\n"),
            ),
        ]),
    )])
    .await;
    let auto = f.scanner.clone().with_renderer(renderer(RenderMode::Auto));
    let r = scan(&auto, "http://crash.example.cn/").await;
    assert_eq!(outcome(&r, "icp.missing"), Inconclusive, "{:?}", r.checks);
    assert_ne!(r.verdict.status, Status::Notice);
    let check = r.checks.iter().find(|c| c.id == "icp.missing").expect("check");
    assert!(check.detail.as_deref().unwrap_or_default().contains("scripts failed"), "{:?}", check.detail);
}

#[tokio::test]
async fn a_number_a_visitor_cannot_see_is_its_own_finding() {
    let miit = "https://beian.miit.gov.cn/";
    let f = farm(vec![
        ("display.example.cn", page(&format!(r#"<span style="display:none"><a href="{miit}">{NUM}</a></span>"#))),
        (
            "colour.example.cn",
            page(&format!(r#"<div style="background:#ffffff"><a style="color:#fefefe" href="{miit}">{NUM}</a></div>"#)),
        ),
        (
            "offscreen.example.cn",
            page(&format!(r#"<div style="position:absolute;left:-9999px"><a href="{miit}">{NUM}</a></div>"#)),
        ),
        ("shown.example.cn", page(&linked(NUM))),
    ])
    .await;
    let always = f.scanner.clone().with_renderer(renderer(RenderMode::Always));
    for site in ["display", "colour", "offscreen"] {
        let r = scan(&always, &format!("http://{site}.example.cn/")).await;
        assert_eq!(r.render.judged, JudgedPage::Rendered, "{site}: {:?}", r.render.detail);
        assert_eq!(outcome(&r, "icp.missing"), Pass, "{site}: the number is in the page");
        assert_eq!(outcome(&r, "icp.hidden"), Fail, "{site}");
    }
    let r = scan(&always, "http://shown.example.cn/").await;
    assert_eq!(outcome(&r, "icp.hidden"), Pass);
    // A page that is not rendered is not laid out: visibility is unknown, the check skips.
    let r = scan(&f.scanner, "http://display.example.cn/").await;
    assert_eq!(outcome(&r, "icp.hidden"), Skipped);
}

/// A listener on another loopback address that counts connections.
async fn recording_listener(ip: &str) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let count = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (addr, count)
}

#[tokio::test]
async fn a_rendered_page_reaches_nothing_the_guard_refuses() {
    icp_patrol::install_crypto_provider();
    let (second, second_hits) = recording_listener("127.0.0.2").await;
    let (third, third_hits) = recording_listener("127.0.0.3").await;
    let dns = dns_server::start(
        "example.cn.",
        "@ 3600 IN SOA ns.example.cn. admin.example.cn. 1 3600 600 86400 60\ninward 60 IN A 127.0.0.3\n",
    )
    .await;
    let page_html = format!(
        r#"<html><body><div id="app"></div>
<img src="http://{second}/pixel.png"><iframe src="http://{second}/frame"></iframe>
<script src="http://{second}/x.js"></script>
<script src="http://inward.example.cn:{port}/y.js"></script>
<img src="http://169.254.169.254/latest/meta-data/">
<link rel="stylesheet" href="http://[::1]:{port}/s.css">
<script>
try {{ new WebSocket('ws://{second}/ws'); }} catch (e) {{}}
fetch('http://{second}/api').catch(function () {{}});
navigator.sendBeacon && navigator.sendBeacon('http://{second}/beacon', 'x');
window.open('http://{second}/popup');
document.getElementById('app').innerHTML = '<footer><a href="https://beian.miit.gov.cn/">{NUM}</a></footer>';
</script></body></html>"#,
        port = third.port()
    );
    let sites: HashMap<String, Behaviour> =
        [("fence.example.cn".to_string(), files(&[("/", HTML, page_html)]))].into_iter().collect();
    let site_farm = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sites).await.expect("farm");
    let connect_to = vec![ConnectTo {
        host: Some("fence.example.cn".into()),
        port: None,
        to_host: site_farm.addr.ip().to_string(),
        to_port: site_farm.addr.port(),
    }];
    let resolver =
        Dns::new(&DnsOptions { nameservers: vec![dns.addr], timeout: Some(Duration::from_secs(2)) }).expect("dns");
    let options = FetchOptions { total_timeout: Duration::from_secs(10), ..FetchOptions::default() };
    let fetcher =
        Fetcher::new(options, Overrides { resolve: vec![], connect_to }, resolver, Guard::default()).expect("fetcher");
    let render = renderer(RenderMode::Auto);
    let scanner = Scanner::new(fetcher, Arc::new(RuleSet::embedded())).with_renderer(Arc::clone(&render));
    let r = scan(&scanner, "http://fence.example.cn/").await;
    assert_eq!(r.render.judged, JudgedPage::Rendered, "{:?}", r.render);
    assert_eq!(outcome(&r, "icp.missing"), Pass);
    assert!(r.render.requests.refused >= 3, "{:?}", r.render.requests);
    assert_eq!(second_hits.load(Ordering::SeqCst), 0, "nothing may reach 127.0.0.2");
    assert_eq!(third_hits.load(Ordering::SeqCst), 0, "nothing may reach a name that resolves inward");
    assert_eq!(render.escaped_connections(), 0, "the browser opened no connection of its own");
}

#[tokio::test]
async fn no_browser_means_inconclusive_not_fail() {
    let f = farm(script_built_sites()).await;
    let options = RenderOptions {
        mode: RenderMode::Auto,
        browser: Some("/nonexistent/chromium".into()),
        ..RenderOptions::default()
    };
    let scanner = f.scanner.clone().with_renderer(Arc::new(Renderer::new(options).expect("renderer")));
    let r = scan(&scanner, "http://vite.example.cn/").await;
    assert_eq!(r.render.outcome, Some(RenderStatus::Unavailable));
    assert_eq!(outcome(&r, "icp.missing"), Inconclusive, "{:?}", r.checks);
    assert_eq!(outcome(&r, "icp.link.missing"), Inconclusive);
    assert_eq!(r.verdict.status, Status::Inconclusive);
    // A static page does not need the browser and is judged as before.
    let r = scan(&scanner, "http://static.example.cn/").await;
    assert_eq!(outcome(&r, "icp.missing"), Pass);
}

#[tokio::test]
async fn screenshots_are_stored_with_their_scan() {
    let f = farm(script_built_sites()).await;
    let auto = f.scanner.clone().with_renderer(renderer(RenderMode::Auto));
    let r = scan(&auto, "http://vite.example.cn/").await;
    assert!(!r.screenshots.is_empty(), "{:?}", r.render);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = icp_patrol::store::Store::connect(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .expect("store");
    let scan_id = store.record(&r, None).await.expect("record").expect("scan id");
    let stored = store.evidence(scan_id).await.expect("evidence");
    assert_eq!(stored.len(), r.screenshots.len());
    for (kind, sha256, png) in stored {
        let info = r.render.screenshots.iter().find(|s| s.sha256 == sha256).expect("named in the result");
        assert_eq!(format!("{:?}", info.kind).to_lowercase(), kind);
        assert!(png.starts_with(b"\x89PNG"));
    }
}

#[tokio::test]
async fn rules_explain_shows_a_live_page_as_served_and_as_rendered() {
    let f = farm(script_built_sites()).await;
    let host = "vite.example.cn";
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .args([
            "rules",
            "explain",
            &format!("http://{host}/"),
            "--connect-to",
            &format!("{host}::{}:{}", f.farm.addr.ip(), f.farm.addr.port()),
            "--nameserver",
            crate::support::NOWHERE_DNS,
        ])
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("ALL_PROXY")
        .output()
        .await
        .expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let (served, rendered) = stdout.split_once("== rendered").expect("a rendered section");
    assert!(served.contains("render auto  app_root"), "{stdout}");
    // As served the app shell shows no number; rendered, its lazily imported chunk does.
    assert!(!served.contains("icp          "), "{stdout}");
    assert!(rendered.contains(&format!("icp          {NUM}")), "{stdout}");
    assert!(rendered.contains("footer true, visible true"), "{stdout}");
}

/// Processes of a group that are still running (zombies waiting to be reaped do not count).
fn live_members(group: i32) -> usize {
    let mut live = 0;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // pid (comm) state ppid pgrp …: the command may hold spaces and parentheses.
        let Some((_, rest)) = stat.rsplit_once(')') else { continue };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2).and_then(|g| g.parse::<i32>().ok()) == Some(group) && fields.first() != Some(&"Z") {
            live += 1;
        }
    }
    live
}

async fn until_gone(group: i32) -> bool {
    for _ in 0..100 {
        if live_members(group) == 0 {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn the_pool_replaces_a_crashed_browser_and_stops_its_whole_group() {
    let f = farm(script_built_sites()).await;
    let pool = renderer(RenderMode::Auto);
    let auto = f.scanner.clone().with_renderer(Arc::clone(&pool));
    let r = scan(&auto, "http://ajax.example.cn/").await;
    assert_eq!(r.render.judged, JudgedPage::Rendered, "{:?}", r.render.detail);
    let first = pool.browser_group().await.expect("a browser runs");
    assert!(live_members(first) > 1, "the browser and its helper processes share one group");

    // A crash of the whole browser: the next renders start another one.
    // SAFETY: kill(2) on the process group the pool started; no memory of this process is touched.
    unsafe {
        libc::kill(-first, libc::SIGKILL);
    }
    assert!(until_gone(first).await);
    let mut again = scan(&auto, "http://ajax.example.cn/").await;
    if again.render.judged != JudgedPage::Rendered {
        // The render that met the dead browser failed (inconclusive, never fail); the next one restarts it.
        assert_ne!(outcome(&again, "icp.missing"), Fail);
        again = scan(&auto, "http://ajax.example.cn/").await;
    }
    assert_eq!(again.render.judged, JudgedPage::Rendered, "{:?}", again.render.detail);
    assert_eq!(outcome(&again, "icp.missing"), Pass);
    let second = pool.browser_group().await.expect("a new browser runs");
    assert_ne!(first, second);

    // Shutdown takes every process of the group with it.
    pool.shutdown().await;
    assert!(until_gone(second).await, "processes of group {second} outlived the shutdown");
    assert_eq!(pool.escaped_connections(), 0);
}
