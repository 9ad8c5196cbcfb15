//! DNS and hosting over a real DNS server on 127.0.0.1: answers, CNAME chains and failures told
//! apart; the provider's ranges (127.0.1.0/24 stands for "inside the provider", 127.0.2.0/24 for
//! "elsewhere"); and names that resolve to loopback refused without a connection.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use icp_patrol::checks::Outcome::{Fail, Inconclusive, Pass, Skipped};
use icp_patrol::dns::{Dns, DnsOptions, Guard};
use icp_patrol::engine::{Scanner, Target};
use icp_patrol::farm::Farm;
use icp_patrol::fetch::{ErrorKind, FetchOptions, Fetcher, Overrides};
use icp_patrol::filing::FilingRecord;
use icp_patrol::result::ScanResult;
use icp_patrol::rules::RuleSet;

use crate::dns_server::{self, TestDns};
use crate::support::*;

const INSIDE: &str = "127.0.1.10";
const ELSEWHERE: &str = "127.0.2.10";

const ZONE: &str = "\
$TTL 60
@                      IN SOA ns.test. admin.test. 1 3600 600 86400 60
@                      IN NS  ns.test.
ns                     IN A   127.0.0.53
inside                 IN A   127.0.1.10
www.inside             IN CNAME inside.test.
elsewhere              IN A   127.0.2.10
www.elsewhere          IN A   127.0.2.10
cdn-site               IN CNAME edge.cdn.provider-cdn.test.
edge.cdn.provider-cdn  IN A   127.0.2.10
nodata                 IN TXT \"no address here\"
loop1                  IN A   127.0.0.1
loop2                  IN A   127.0.0.2
loop6                  IN AAAA ::1
mixed                  IN A   127.0.0.1
mixed                  IN A   127.0.1.10
";

const PROVIDER: &str = "\
id = \"testcloud\"
name = \"Test Cloud\"
ipv4 = [\"127.0.1.0/24\"]
ipv6 = []
cname_suffixes = [\"cdn.provider-cdn.test\"]
";

struct World {
    _dns: TestDns,
    _farms: Vec<Farm>,
    port: u16,
    scanner: Scanner,
}

impl World {
    async fn scan(&self, host: &str, filing: Option<&FilingRecord>) -> ScanResult {
        let target = Target::parse(&format!("http://{host}:{}/", self.port)).expect("target");
        self.scanner.scan(&target, filing, today()).await
    }
}

fn rules_with_provider() -> RuleSet {
    let dir = tempfile::tempdir().expect("tempdir");
    RuleSet::write_embedded(dir.path()).expect("export the built-in rules");
    std::fs::write(dir.path().join("providers/testcloud.toml"), PROVIDER).expect("write");
    RuleSet::load(dir.path()).expect("rules load")
}

/// Farms on 127.0.1.10 and 127.0.2.10 on one port, a DNS server, and a scanner that asks only
/// that server and may reach only the two farm networks.
async fn world() -> World {
    icp_patrol::install_crypto_provider();
    let sites = || {
        let page = page(&linked("京ICP备16020626号-1"));
        HashMap::from(
            ["inside.test", "www.inside.test", "elsewhere.test", "cdn-site.test", "mixed.test"]
                .map(|h| (h.to_string(), page.clone())),
        )
    };
    // Both farms on one port (DNS answers carry no port); retry when the second address has it taken.
    let mut farms = None;
    for _ in 0..50 {
        let inside = Farm::start(INSIDE.parse().expect("ip"), sites()).await.expect("farm");
        let at = SocketAddr::new(ELSEWHERE.parse().expect("ip"), inside.addr.port());
        if let Ok(elsewhere) = Farm::start_on(at, sites()).await {
            farms = Some((inside, elsewhere));
            break;
        }
    }
    let (inside, elsewhere) = farms.expect("a port free on both farm addresses");
    let port = inside.addr.port();
    let dns = dns_server::start("test.", ZONE).await;
    let resolver =
        Dns::new(&DnsOptions { nameservers: vec![dns.addr], timeout: Some(Duration::from_millis(800)) }).expect("dns");
    let guard = Guard::new(vec!["127.0.1.0/24".parse().expect("net"), "127.0.2.0/24".parse().expect("net")]);
    let options = FetchOptions { total_timeout: Duration::from_secs(5), ..FetchOptions::default() };
    let fetcher = Fetcher::new(options, Overrides::default(), resolver, guard).expect("fetcher");
    World {
        _dns: dns,
        _farms: vec![inside, elsewhere],
        port,
        scanner: Scanner::new(fetcher, Arc::new(rules_with_provider())),
    }
}

fn hosted(domain: &str) -> FilingRecord {
    FilingRecord { provider: Some("testcloud".into()), ..filing(domain, "京ICP备16020626号-1") }
}

#[tokio::test]
async fn answers_and_cname_chains_are_recorded_and_siblings_resolved() {
    let w = world().await;
    let r = w.scan("www.inside.test", Some(&hosted("inside.test"))).await;
    assert_eq!(r.dns.addresses, [INSIDE.parse::<IpAddr>().expect("ip")]);
    assert_eq!(r.dns.cnames, ["inside.test"]);
    assert!(!r.dns.overridden);
    assert_eq!(r.dns.related.len(), 1, "the apex is resolved too");
    assert_eq!(r.dns.related[0].host, "inside.test");
    assert_eq!(r.fetch.remote_address.map(|a| a.ip().to_string()).as_deref(), Some(INSIDE));
    assert_eq!(outcome(&r, "site.unreachable"), Pass);
}

#[tokio::test]
async fn hosting_no_address_fails_only_for_nxdomain_and_nodata() {
    let w = world().await;
    let missing = w.scan("missing.test", Some(&hosted("missing.test"))).await;
    assert_eq!(outcome(&missing, "hosting.no_address"), Fail);
    assert_eq!(missing.dns.error.as_ref().map(|e| e.kind), Some(ErrorKind::Nxdomain));
    assert_eq!(outcome(&missing, "site.unreachable"), Fail);
    let nodata = w.scan("nodata.test", None).await;
    assert_eq!(outcome(&nodata, "hosting.no_address"), Fail);
    assert_eq!(nodata.dns.error.as_ref().map(|e| e.kind), Some(ErrorKind::Nodata));
    let servfail = w.scan("servfail.test", None).await;
    assert_eq!(servfail.dns.error.as_ref().map(|e| e.kind), Some(ErrorKind::Servfail));
    assert_eq!(outcome(&servfail, "hosting.no_address"), Inconclusive);
    assert_eq!(outcome(&servfail, "site.unreachable"), Inconclusive);
    let ok = w.scan("inside.test", None).await;
    assert_eq!(outcome(&ok, "hosting.no_address"), Pass);
}

#[tokio::test]
async fn a_slow_nameserver_is_a_dns_timeout_not_a_missing_address() {
    let w = world().await;
    let slow = w.scan("slow.test", None).await;
    assert_eq!(slow.dns.error.as_ref().map(|e| e.kind), Some(ErrorKind::DnsTimeout), "{:?}", slow.dns.error);
    assert_eq!(outcome(&slow, "hosting.no_address"), Inconclusive);
}

#[tokio::test]
async fn hosting_off_provider() {
    let w = world().await;
    let inside = w.scan("inside.test", Some(&hosted("inside.test"))).await;
    assert_eq!(outcome(&inside, "hosting.off_provider"), Pass);
    let elsewhere = w.scan("elsewhere.test", Some(&hosted("elsewhere.test"))).await;
    assert_eq!(outcome(&elsewhere, "hosting.off_provider"), Fail);
    assert!(check(&elsewhere, "hosting.off_provider").evidence.found.as_deref().is_some_and(|f| f.contains(ELSEWHERE)));
    assert_eq!(elsewhere.verdict.notices, [icp_patrol::rules::NoticeKind::SpecialInspection]);
    let cdn = w.scan("cdn-site.test", Some(&hosted("cdn-site.test"))).await;
    assert_eq!(outcome(&cdn, "hosting.off_provider"), Pass, "a CNAME into the provider's CDN counts");
    assert_eq!(cdn.dns.cnames, ["edge.cdn.provider-cdn.test"]);
    let no_provider = w.scan("inside.test", Some(&filing("inside.test", "京ICP备16020626号-1"))).await;
    assert_eq!(outcome(&no_provider, "hosting.off_provider"), Skipped);
}

#[tokio::test]
async fn hosting_ip_changed_for_commercial_filings() {
    let w = world().await;
    let commercial = |ips: &str| FilingRecord {
        license: Some("京ICP证030173号".into()),
        filed_ips: vec![ips.parse().expect("ip")],
        ..hosted("inside.test")
    };
    let same = w.scan("inside.test", Some(&commercial(INSIDE))).await;
    assert_eq!(outcome(&same, "hosting.ip_changed"), Pass);
    let changed = w.scan("inside.test", Some(&commercial("127.0.1.99"))).await;
    assert_eq!(outcome(&changed, "hosting.ip_changed"), Fail);
    assert_eq!(check(&changed, "hosting.ip_changed").notice, icp_patrol::rules::NoticeKind::ChangeFiling);
}

/// Listeners on the loopback addresses DNS points at, on the farm's port, counting connections.
async fn recorders(port: u16) -> Vec<Arc<AtomicUsize>> {
    let mut counts = Vec::new();
    for ip in ["127.0.0.1", "127.0.0.2", "::1"] {
        let Ok(listener) = tokio::net::TcpListener::bind((ip.parse::<IpAddr>().expect("ip"), port)).await else {
            continue;
        };
        let count = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&count);
        tokio::spawn(async move {
            while let Ok((s, _)) = listener.accept().await {
                seen.fetch_add(1, Ordering::SeqCst);
                drop(s);
            }
        });
        counts.push(count);
    }
    counts
}

#[tokio::test]
async fn names_resolving_to_loopback_are_refused_without_connecting() {
    let w = world().await;
    let counts = recorders(w.port).await;
    for host in ["loop1.test", "loop2.test", "loop6.test"] {
        let r = w.scan(host, None).await;
        let err = r.fetch.error.as_ref().unwrap_or_else(|| panic!("{host} must be refused"));
        assert_eq!(err.kind, ErrorKind::PrivateTarget, "{host}: {err:?}");
        assert_eq!(outcome(&r, "site.unreachable"), Inconclusive);
        assert_eq!(outcome(&r, "hosting.no_address"), Pass, "the name does resolve");
    }
    // With one private and one allowed address, only the allowed one is used.
    let mixed = w.scan("mixed.test", None).await;
    assert_eq!(mixed.fetch.remote_address.map(|a| a.ip().to_string()).as_deref(), Some(INSIDE));
    let total: usize = counts.iter().map(|c| c.load(Ordering::SeqCst)).sum();
    assert_eq!(total, 0, "no connection may reach a refused address");
}

#[tokio::test]
async fn the_cli_asks_the_given_nameserver() {
    let w = world().await;
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .args(["scan", &format!("http://inside.test:{}/", w.port), "--format", "json"])
        .args(["--nameserver", &w._dns.addr.to_string(), "--allow-network", "127.0.1.0/24"])
        .output()
        .await
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    crate::cli::assert_valid(&json);
    assert_eq!(json["dns"]["addresses"][0], INSIDE);
    assert_eq!(json["fetch"]["status"], 200);
    let refused = tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .args(["scan", &format!("http://inside.test:{}/", w.port), "--format", "json"])
        .args(["--nameserver", &w._dns.addr.to_string()])
        .output()
        .await
        .expect("runs");
    let json: serde_json::Value = serde_json::from_slice(&refused.stdout).expect("JSON");
    assert_eq!(json["fetch"]["error"]["kind"], "private_target", "without the allow-list loopback stays refused");
}
