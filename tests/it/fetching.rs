//! The fetch path's bounds and refusals: encodings, body cap, redirect limit, time limit, resets,
//! and the private-address guard (loopback only: nothing here connects anywhere else).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use icp_patrol::checks::Outcome::{Fail, Inconclusive, Pass};
use icp_patrol::farm::Behaviour;
use icp_patrol::fetch::{ErrorKind, FetchOptions};

use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";

#[tokio::test]
async fn gbk_page_is_decoded() {
    let html = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>老字号茶楼</title></head>\
         <body><p>欢迎光临</p><div id=\"footer\">版权所有：广州老字号餐饮管理有限公司 {}</div></body></html>",
        linked("粤ICP备19045678号")
    );
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&html);
    assert!(!unmappable);
    let f = farm(vec![("gbk.example.cn", Behaviour::bytes(bytes.into_owned()))]).await;
    let r = f.scan("gbk.example.cn", Some(&filing("gbk.example.cn", "粤ICP备19045678号-1"))).await;
    assert_eq!(r.fetch.encoding.as_deref(), Some("GBK"));
    assert_eq!(r.extracted.title.as_deref(), Some("老字号茶楼"));
    assert_eq!(r.extracted.icp[0].number, "粤ICP备19045678号");
    assert_eq!(outcome(&r, "icp.site_number_missing"), Pass, "Guangdong may show the entity number");
}

#[tokio::test]
async fn body_over_the_cap_is_too_large_and_inconclusive() {
    let options =
        FetchOptions { max_body: 64 * 1024, total_timeout: Duration::from_secs(5), ..FetchOptions::default() };
    let f = farm_with(vec![("huge.example.cn", Behaviour::Huge { bytes: 200 * 1024 })], options).await;
    let r = f.scan("huge.example.cn", None).await;
    assert_eq!(r.fetch.error.as_ref().map(|e| e.kind), Some(ErrorKind::TooLarge));
    assert_eq!(outcome(&r, "site.unreachable"), Inconclusive);
    assert_eq!(outcome(&r, "icp.missing"), Inconclusive, "a cut page is never judged to lack a number");
    assert_eq!(r.exit_code(), 2);
}

#[tokio::test]
async fn redirect_loop_stops_at_the_limit() {
    let f = farm(vec![("loop.example.cn", Behaviour::Redirect { code: 302, location: "/".into() })]).await;
    let r = f.scan("http://loop.example.cn/", None).await;
    assert_eq!(r.fetch.error.as_ref().map(|e| e.kind), Some(ErrorKind::TooManyRedirects));
    assert_eq!(r.fetch.redirects.len(), 11);
    assert_eq!(outcome(&r, "site.unreachable"), Fail);
}

#[tokio::test]
async fn slow_site_times_out() {
    let options = FetchOptions { total_timeout: Duration::from_millis(700), ..FetchOptions::default() };
    let slow = Behaviour::Slow { delay: Duration::from_secs(10), body: b"<p>late</p>".to_vec() };
    let f = farm_with(vec![("slow.example.cn", slow)], options).await;
    let r = f.scan("http://slow.example.cn/", None).await;
    assert_eq!(r.fetch.error.as_ref().map(|e| e.kind), Some(ErrorKind::Timeout));
    assert_eq!(outcome(&r, "site.unreachable"), Fail);
}

#[tokio::test]
async fn connection_reset_is_unreachable() {
    let mut f = farm(vec![]).await;
    let reset = f.farm.reset_addr;
    let connect_to = icp_patrol::fetch::ConnectTo {
        host: Some("reset.example.cn".into()),
        port: None,
        to_host: reset.ip().to_string(),
        to_port: reset.port(),
    };
    let fetcher = icp_patrol::fetch::Fetcher::new(
        FetchOptions { total_timeout: Duration::from_secs(5), ..FetchOptions::default() },
        icp_patrol::fetch::Overrides { resolve: vec![], connect_to: vec![connect_to] },
        no_dns(),
        icp_patrol::dns::Guard::default(),
    )
    .expect("fetcher");
    f.scanner = icp_patrol::engine::Scanner::new(fetcher, Arc::new(icp_patrol::rules::RuleSet::embedded()));
    let r = f.scan("reset.example.cn", None).await;
    assert_eq!(r.fetch.error.as_ref().map(|e| e.kind), Some(ErrorKind::Refused), "{:?}", r.fetch.error);
    assert_eq!(outcome(&r, "site.unreachable"), Fail);
}

/// A listener on another loopback address that counts connections: the guard must keep the
/// scanner from ever reaching it.
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
async fn redirect_to_a_loopback_address_is_refused_without_connecting() {
    let (internal, connections) = recording_listener("127.0.0.2").await;
    let f = farm(vec![
        ("ssrf.example.cn", Behaviour::Redirect { code: 302, location: format!("http://{internal}/admin") }),
        ("ok.example.cn", page(&linked(NUM))),
    ])
    .await;
    let r = f.scan("http://ssrf.example.cn/", None).await;
    let err = r.fetch.error.as_ref().expect("refused");
    assert_eq!(err.kind, ErrorKind::PrivateTarget);
    assert!(err.detail.contains("target address is private"), "{}", err.detail);
    assert_eq!(outcome(&r, "site.unreachable"), Inconclusive);
    assert_eq!(connections.load(Ordering::SeqCst), 0, "the guard must not connect");
    let direct = f.scan(&format!("http://{internal}/"), None).await;
    assert_eq!(direct.fetch.error.map(|e| e.kind), Some(ErrorKind::PrivateTarget));
    assert_eq!(connections.load(Ordering::SeqCst), 0);
    assert_eq!(outcome(&f.scan("http://ok.example.cn/", None).await, "site.unreachable"), Pass);
}

#[tokio::test]
async fn meta_refresh_and_script_stubs_are_followed_to_the_page_a_visitor_sees() {
    let f = farm(vec![
        ("stub.example.cn", Behaviour::html("<html><head><meta http-equiv=\"refresh\" content=\"0; url=http://home.example.cn/\"></head><body></body></html>")),
        ("js.example.cn", Behaviour::html("<script>window.location.href = \"http://home.example.cn/\";</script>")),
        ("home.example.cn", page(&linked(NUM))),
        // The refresh target is a 404: the page that was there is judged, not nothing.
        ("gone.example.cn", Behaviour::html(format!("<head><meta http-equiv=refresh content=\"0;url=/gone.html\"></head><body><footer>{}</footer></body>", linked(NUM)))),
    ])
    .await;
    let gone = f.scan("http://gone.example.cn/", Some(&filing("gone.example.cn", NUM))).await;
    assert!(gone.fetch.error.is_none() && gone.fetch.redirects.is_empty(), "{:?}", gone.fetch);
    assert_eq!(outcome(&gone, "icp.missing"), Pass);
    for (host, via) in [("stub.example.cn", "meta_refresh"), ("js.example.cn", "script")] {
        let r = f.scan(&format!("http://{host}/"), Some(&filing(host, NUM))).await;
        assert_eq!(r.fetch.redirects.len(), 1, "{host}");
        assert_eq!(r.fetch.redirects[0].via.as_deref(), Some(via));
        assert_eq!(r.fetch.final_url.as_deref(), Some("http://home.example.cn/"));
        assert_eq!(outcome(&r, "icp.missing"), Pass, "{host}: the page behind the stub is judged");
        crate::cli::assert_valid(&serde_json::to_value(&r).expect("json"));
    }
}

/// A fetcher with no route of its own: it connects where the URL (or `--resolve`) says.
fn direct_scanner(resolve: Vec<icp_patrol::fetch::ResolveEntry>) -> icp_patrol::engine::Scanner {
    let fetcher = icp_patrol::fetch::Fetcher::new(
        FetchOptions { total_timeout: Duration::from_secs(5), ..FetchOptions::default() },
        icp_patrol::fetch::Overrides { resolve, connect_to: vec![] },
        no_dns(),
        icp_patrol::net::Guard::new(vec!["127.0.0.0/8".parse().expect("net")]),
    )
    .expect("fetcher");
    icp_patrol::engine::Scanner::new(fetcher, Arc::new(icp_patrol::rules::RuleSet::embedded()))
}

#[tokio::test]
async fn an_ip_literal_url_keeps_its_port() {
    let mut f = farm(vec![("127.0.0.1", page(&linked(NUM)))]).await;
    f.scanner = direct_scanner(vec![]);
    let url = format!("http://127.0.0.1:{}/", f.farm.addr.port());
    let r = f.scan(&url, None).await;
    assert_eq!(r.fetch.status, Some(200), "{:?}", r.fetch.error);
    assert_eq!(r.extracted.icp[0].number, NUM);
}

#[tokio::test]
async fn resolve_for_an_ip_literal_is_honoured_with_its_port() {
    let mut f = farm(vec![("127.0.0.3", page(&linked(NUM)))]).await;
    let port = f.farm.addr.port();
    let entry = icp_patrol::fetch::ResolveEntry { host: "127.0.0.3".into(), port, addrs: vec![f.farm.addr.ip()] };
    f.scanner = direct_scanner(vec![entry]);
    let r = f.scan(&format!("http://127.0.0.3:{port}/"), None).await;
    assert_eq!(r.fetch.status, Some(200), "{:?}", r.fetch.error);
    assert_eq!(r.fetch.remote_address.map(|a| a.ip()), Some(f.farm.addr.ip()));
}

/// A page's body is read only when there is room for it among the pages in memory: with room for one, a
/// second fetch whose response has come waits until the first page is let go, and the wait is not the
/// site's time: it outlasts the fetch's own time limit, and a body larger than the socket's buffers (read after
/// the wait, so past the limit but for the wait) still arrives whole.
#[tokio::test]
async fn a_body_waits_for_room_among_the_pages_in_memory() {
    let limit = Duration::from_secs(2);
    let big = 8 << 20;
    let options =
        FetchOptions { pages_in_memory: Some(1), total_timeout: limit, max_body: 2 * big, ..FetchOptions::default() };
    let sites = vec![("a.example.cn", page(&linked(NUM))), ("b.example.cn", Behaviour::Huge { bytes: big })];
    let f = farm_with(sites, options).await;
    let fetcher = f.scanner.fetcher().clone();
    let url = |host: &str| url::Url::parse(&format!("http://{host}/")).expect("url");
    let first = fetcher.fetch_homepage(&url("a.example.cn"), false).await;
    assert!(first.room.is_some() && first.waited.is_zero(), "{first:?}");
    let second = tokio::spawn(async move { fetcher.fetch_homepage(&url("b.example.cn"), false).await });
    // The farm has answered the second request: from here its body waits for room, past the fetch's time limit.
    while f.farm.hits("b.example.cn") == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(limit + Duration::from_millis(500)).await;
    assert!(!second.is_finished(), "the second body must wait while the first page is in memory");
    drop(first);
    let second = second.await.expect("joined");
    assert_eq!((second.status, second.error.as_ref()), (Some(200), None), "the wait is not the site's time");
    assert_eq!(second.body.len(), big);
    assert!(second.room.is_some() && second.elapsed < second.waited, "the wait is left out of the fetch's time");
}
