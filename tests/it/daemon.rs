//! The daemon against the site farm, on real databases: schedules fire and every entry is scanned
//! once per cycle; SIGTERM or `kill -9` mid-cycle and a restart still give exactly one result per entry;
//! two daemons on one PostgreSQL database split a cycle without scanning anything twice.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use std::time::Duration;

use icp_patrol::config::{Config, Schedule};
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::fetch::Overrides;
use icp_patrol::filing::FilingRecord;
use icp_patrol::rules::RuleSet;
use icp_patrol::scheduler::Daemon;
use icp_patrol::store::Store;
use tokio_util::sync::CancellationToken;

use crate::db::{Kind, TestDb, both};
use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";

fn hosts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("s{i}.example.cn")).collect()
}

async fn farm_for(hosts: &[String], behaviour: Behaviour) -> Farm {
    let sites: HashMap<String, Behaviour> = hosts.iter().map(|h| (h.clone(), behaviour.clone())).collect();
    Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sites).await.expect("farm")
}

fn slow_page(ms: u64) -> Behaviour {
    Behaviour::Slow {
        delay: Duration::from_millis(ms),
        body: format!("<title>示例科技官网</title><footer>{}</footer>", linked(NUM)).into_bytes(),
    }
}

fn config(db: &str, farm: &Farm) -> Config {
    let mut c = Config { database: db.to_string(), schedule: vec![], ..Config::default() };
    c.scan.connect_to = vec![format!("::{}:{}", farm.addr.ip(), farm.addr.port())];
    c.scan.timeout_secs = 10;
    c.dns.nameservers = vec![NOWHERE_DNS.parse().expect("addr")];
    c.daemon.metrics_addr = None;
    c.daemon.poll_ms = 50;
    c.daemon.lease_secs = 5;
    c.daemon.grace_secs = 3;
    c.daemon.concurrency = 4;
    c
}

async fn import(store: &Store, hosts: &[String]) {
    let records: Vec<FilingRecord> = hosts.iter().map(|h| filing(h, NUM)).collect();
    store.import(&records, |_| Some("北京".into()), false).await.expect("import");
}

fn daemon(store: &Store, config: &Config) -> Daemon {
    let rules = RuleSet::embedded();
    let fetch = icp_patrol::fetch::FetchOptions { total_timeout: Duration::from_secs(10), ..Default::default() };
    let mut overrides = Overrides::default();
    for c in &config.scan.connect_to {
        overrides.connect_to.push(c.parse().expect("connect-to"));
    }
    let fetcher = icp_patrol::fetch::Fetcher::new(fetch, overrides, no_dns(), icp_patrol::dns::Guard::default())
        .expect("fetcher");
    let scanner = icp_patrol::engine::Scanner::new(fetcher, std::sync::Arc::new(rules));
    Daemon::new(store.clone(), scanner, config.clone()).with_today(today())
}

/// Waits until `cond` holds, checking every 50 ms, for at most `limit`.
async fn until<F: std::future::Future<Output = bool>>(limit: Duration, mut cond: impl FnMut() -> F) -> bool {
    let end = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < end {
        if cond().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn a_schedule_fires_and_every_entry_is_scanned_once_per_cycle() {
    for db in both().await {
        let mut names = hosts(4);
        names.push("apex-example.cn".into());
        names.push("www.apex-example.cn".into());
        let farm = farm_for(&names, page(&linked(NUM))).await;
        let store = db.store().await;
        import(&store, &names[..5]).await;
        let mut cfg = config(&db.url, &farm);
        cfg.schedule = vec![Schedule {
            name: "every-second".into(),
            cron: "* * * * * *".into(),
            timezone: "Asia/Shanghai".into(),
            province: None,
            provider: None,
        }];
        let stop = CancellationToken::new();
        let run = tokio::spawn(daemon(&store, &cfg).run(stop.clone(), false));
        let done = |store: Store| async move {
            let cycles = store.cycles().await.expect("cycles");
            let mut complete = 0;
            for c in &cycles {
                if store.pending_in_cycle(c).await.expect("pending") == 0 {
                    complete += 1;
                }
            }
            complete >= 2
        };
        assert!(until(Duration::from_secs(20), || done(store.clone())).await, "{:?}: two cycles within 20 s", db.kind);
        stop.cancel();
        run.await.expect("joins").expect("daemon ran");
        for cycle in store.cycles().await.expect("cycles") {
            if store.pending_in_cycle(&cycle).await.expect("pending") > 0 {
                continue;
            }
            let per_target = store.results_per_cycle(&cycle).await.expect("results");
            assert_eq!(per_target.len(), 6, "{:?} {cycle}: 4 sites + an apex and its www.", db.kind);
            assert!(per_target.iter().all(|(_, n)| *n == 1), "{:?} {cycle}: {per_target:?}", db.kind);
        }
    }
}

#[tokio::test]
async fn two_daemons_on_postgres_split_a_cycle_without_scanning_twice() {
    let db = TestDb::new(Kind::Postgres).await;
    let names = hosts(24);
    let farm = farm_for(&names, slow_page(100)).await;
    let store = db.store().await;
    import(&store, &names).await;
    let cfg = config(&db.url, &farm);
    let schedule = schedule("all");
    let first = daemon(&store, &cfg);
    let cycle = first.enqueue_now(&schedule, "shared").await.expect("enqueue");
    let second_store = Store::connect(&db.url).await.expect("second connection");
    let second = daemon(&second_store, &cfg);
    let (a, b) = tokio::join!(first.run(CancellationToken::new(), true), second.run(CancellationToken::new(), true));
    let (a, b) = (a.expect("first daemon"), b.expect("second daemon"));
    let per_target = store.results_per_cycle(&cycle).await.expect("results");
    assert_eq!(per_target.len(), 24);
    assert!(per_target.iter().all(|(_, n)| *n == 1), "{per_target:?}");
    assert_eq!(a.recorded + b.recorded, 24);
    assert!(a.recorded > 0 && b.recorded > 0, "the work is shared: {} and {}", a.recorded, b.recorded);
}

#[tokio::test]
async fn transient_failures_are_retried_then_recorded() {
    let db = TestDb::new(Kind::Sqlite).await;
    let names = vec!["flaky.example.cn".to_string()];
    let farm = farm_for(&[], page("")).await;
    let store = db.store().await;
    import(&store, &names).await;
    let mut cfg = config(&db.url, &farm);
    // The site resets every connection: refused, a transient kind.
    cfg.scan.connect_to = vec![format!("::{}:{}", farm.reset_addr.ip(), farm.reset_addr.port())];
    cfg.daemon.max_attempts = 2;
    cfg.daemon.retry_backoff_secs = 0;
    let schedule = schedule("all");
    let d = daemon(&store, &cfg);
    d.enqueue_now(&schedule, "t").await.expect("enqueue");
    let summary = d.run(CancellationToken::new(), true).await.expect("runs");
    assert_eq!((summary.retried, summary.recorded), (1, 1));
    let scans = store.scans(Some("flaky.example.cn"), 10).await.expect("scans");
    assert_eq!(scans.len(), 1);
    assert_eq!(
        scans[0].result.checks.iter().find(|c| c.id == "site.unreachable").map(|c| c.outcome),
        Some(icp_patrol::checks::Outcome::Fail)
    );
}

#[tokio::test]
async fn withdrawn_filings_leave_the_schedule() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.store().await;
    let names = hosts(3);
    import(&store, &names).await;
    let keep: Vec<FilingRecord> = vec![filing(&names[0], NUM)];
    store.import(&keep, |_| None, true).await.expect("replace");
    let farm = farm_for(&names, page(&linked(NUM))).await;
    let cfg = config(&db.url, &farm);
    let schedule = schedule("all");
    let cycle = daemon(&store, &cfg).enqueue_now(&schedule, "w").await.expect("enqueue");
    assert_eq!(store.results_per_cycle(&cycle).await.expect("jobs").len(), 1);
}

fn write_config(dir: &Path, db: &str, farm: &Farm, lease: u64, grace: u64) -> std::path::PathBuf {
    let path = dir.join("icp-patrol.toml");
    std::fs::write(
        &path,
        format!(
            "database = \"{db}\"\n\
             [scan]\nconnect_to = [\"::{}:{}\"]\ntimeout_secs = 10\n\
             [dns]\nnameservers = [\"{NOWHERE_DNS}\"]\n\
             [daemon]\nconcurrency = 2\nlease_secs = {lease}\ngrace_secs = {grace}\npoll_ms = 50\nmetrics_addr = \"127.0.0.1:0\"\n\
             [[schedule]]\nname = \"all\"\ncron = \"0 3 * * *\"\n",
            farm.addr.ip(),
            farm.addr.port()
        ),
    )
    .expect("write config");
    path
}

async fn stop_mid_cycle(signal: &str, lease: u64) {
    let db = TestDb::new(Kind::Sqlite).await;
    let names = hosts(10);
    let farm = farm_for(&names, slow_page(300)).await;
    let store = db.store().await;
    import(&store, &names).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = write_config(dir.path(), &db.url, &farm, lease, 1);
    let spawn = || {
        tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
            .args(["--config", &cfg.display().to_string(), "daemon", "--once", "--today", TODAY])
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("daemon starts")
    };
    let mut first = spawn();
    // Mid-cycle: some results are in, others are not.
    let started = until(Duration::from_secs(20), || {
        let store = store.clone();
        async move { store.scans(None, 100).await.map(|s| !s.is_empty()).unwrap_or(false) }
    })
    .await;
    assert!(started, "the first daemon records something");
    let pid = first.id().expect("pid").to_string();
    std::process::Command::new("kill").args([signal, &pid]).status().expect("kill");
    first.wait().await.expect("first daemon ends");
    let cycle = store.cycles().await.expect("cycles")[0].clone();
    let mut second = spawn();
    let status =
        tokio::time::timeout(Duration::from_secs(60), second.wait()).await.expect("restart finishes").expect("waits");
    assert!(status.success(), "{signal}: the restarted daemon exits cleanly");
    let per_target = store.results_per_cycle(&cycle).await.expect("results");
    assert_eq!(per_target.len(), 10);
    assert!(per_target.iter().all(|(_, n)| *n == 1), "{signal}: exactly one result per entry: {per_target:?}");
}

#[tokio::test]
async fn sigterm_mid_cycle_then_restart_gives_each_entry_one_result() {
    stop_mid_cycle("-TERM", 5).await;
}

#[tokio::test]
async fn kill_9_mid_cycle_then_restart_after_lease_expiry_gives_each_entry_one_result() {
    stop_mid_cycle("-KILL", 2).await;
}

/// GET over a raw loopback connection (no client, no proxy).
async fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.expect("read");
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn healthz_and_metrics() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.store().await;
    let names = hosts(1);
    import(&store, &names).await;
    let farm = farm_for(&names, page(&linked(NUM))).await;
    let cfg = config(&db.url, &farm);
    icp_patrol::scheduler::prometheus();
    let stop = CancellationToken::new();
    let addr = icp_patrol::scheduler::serve_ops("127.0.0.1:0".parse().expect("addr"), store.clone(), stop.clone())
        .await
        .expect("serves");
    let schedule = schedule("all");
    let d = daemon(&store, &cfg);
    d.enqueue_now(&schedule, "m").await.expect("enqueue");
    d.run(CancellationToken::new(), true).await.expect("runs");
    let (status, body) = http_get(addr, "/healthz").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = http_get(addr, "/metrics").await;
    assert_eq!(status, 200);
    assert!(body.contains("icp_patrol_scans_total"), "{body}");
    assert!(body.contains("icp_patrol_scan_seconds"), "{body}");
    stop.cancel();
}

#[tokio::test]
async fn a_rules_reload_keeps_the_last_good_rules_when_an_edit_is_broken() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.store().await;
    let farm = farm_for(&[], page("")).await;
    let d = daemon(&store, &config(&db.url, &farm));
    let handle = d.handle();
    let dir = tempfile::tempdir().expect("tempdir");
    RuleSet::write_embedded(dir.path()).expect("export");
    let good = handle.reload_rules(dir.path()).expect("good rules load");
    assert_eq!(good, RuleSet::embedded().digest);
    std::fs::write(dir.path().join("checks.toml"), "[checks.\"icp.missing\"]\nseverity = 1\n").expect("break");
    let err = handle.reload_rules(dir.path()).expect_err("a broken edit is refused").to_string();
    assert!(err.contains("checks.toml:2:"), "{err}");
    assert_eq!(handle.rules_digest(), good, "the last good rules stay in use");
}

#[tokio::test]
async fn a_store_failure_while_claiming_still_runs_the_shutdown() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.store().await;
    let farm = farm_for(&[], page("")).await;
    let d = daemon(&store, &config(&db.url, &farm));
    store.take_daemon_lock(d.worker_id(), 60_000).await.expect("lock");
    // The claim's table disappears under the daemon: every claim fails.
    let raw = sqlx::sqlite::SqlitePool::connect(&db.url).await.expect("raw connection");
    sqlx::query("ALTER TABLE jobs RENAME TO jobs_gone").execute(&raw).await.expect("rename");
    let outcome = d.run(CancellationToken::new(), true).await;
    assert!(outcome.is_err(), "the failure is returned");
    // The shutdown ran: the lock is free for the next daemon.
    store.take_daemon_lock("next-daemon", 60_000).await.expect("the lock was released");
}

#[tokio::test]
async fn a_store_that_refuses_every_result_ends_a_once_run_with_the_failure() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.store().await;
    let names = hosts(3);
    import(&store, &names).await;
    let farm = farm_for(&names, page(&linked(NUM))).await;
    let cfg = config(&db.url, &farm);
    let d = daemon(&store, &cfg);
    d.enqueue_now(&schedule("all"), "first").await.expect("enqueue");
    // Results have nowhere to go; claims still work, so each job would be claimed again for ever.
    let raw = sqlx::sqlite::SqlitePool::connect(&db.url).await.expect("raw connection");
    sqlx::query("ALTER TABLE scans RENAME TO scans_gone").execute(&raw).await.expect("rename");
    let outcome =
        tokio::time::timeout(Duration::from_secs(60), daemon(&store, &cfg).run(CancellationToken::new(), true))
            .await
            .expect("the run ends instead of claiming the refused jobs again");
    assert!(outcome.is_err(), "the failure is returned: {outcome:?}");
    store.take_daemon_lock("next-daemon", 60_000).await.expect("the lock was released");
}

/// Log lines of a scan say what they are about: the scan runs in a span naming its domain.
#[tokio::test]
async fn a_scan_runs_in_a_span_naming_its_domain() {
    #[derive(Clone, Default)]
    struct Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("lock").extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::NEW)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let f = farm(vec![("span.example.cn", page(&linked(NUM)))]).await;
    // Another test's thread may register the scan's callsite at the moment this subscriber is
    // installed, and tracing then caches "never" for it (a flake under load): the first scan makes sure
    // the callsite is registered, the interest is asked again, and the second scan is the one read.
    f.scan("span.example.cn", None).await;
    tracing::callsite::rebuild_interest_cache();
    buffer.0.lock().expect("lock").clear();
    f.scan("span.example.cn", None).await;
    let text = String::from_utf8(buffer.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(text.contains("scan{domain=span.example.cn"), "{text}");
}

/// The 30-day rule counts from the filing's opening date (else its approval date) on every scan:
/// the first scan that saw the site online does not restart it.
#[tokio::test]
async fn the_public_security_deadline_does_not_move_after_the_first_scan() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.store().await;
    let names = hosts(1);
    import(&store, &names).await; // approved 2024, no 开通日期, no 公网安备 number on the page
    let farm = farm_for(&names, page(&linked(NUM))).await;
    let cfg = config(&db.url, &farm);
    let d = daemon(&store, &cfg);
    for cycle in ["first", "second"] {
        d.enqueue_now(&schedule("all"), cycle).await.expect("enqueue");
        daemon(&store, &cfg).run(CancellationToken::new(), true).await.expect("runs");
    }
    let scans = store.scans(Some(&names[0]), 10).await.expect("scans");
    assert_eq!(scans.len(), 2);
    for scan in &scans {
        let result = &scan.result;
        let outcome = |id: &str| result.checks.iter().find(|c| c.id == id).map(|c| c.outcome);
        assert_eq!(outcome("psb.missing"), Some(icp_patrol::checks::Outcome::Fail), "scan {}", scan.id);
        assert_eq!(outcome("psb.pending"), Some(icp_patrol::checks::Outcome::Skipped), "scan {}", scan.id);
    }
    let open = store.open_findings(&names[0]).await.expect("open");
    assert_eq!(open["psb.missing"].consecutive, 2);
    assert!(!open.contains_key("psb.pending"));
}

#[tokio::test]
async fn a_site_asking_for_a_pause_is_left_alone_while_the_others_proceed() {
    let db = TestDb::new(Kind::Sqlite).await;
    let busy = "busy-example.cn".to_string();
    let calm: Vec<String> = (0..3).map(|i| format!("calm{i}-example.cn")).collect();
    let mut sites: HashMap<String, Behaviour> = calm.iter().map(|h| (h.clone(), page(&linked(NUM)))).collect();
    sites.insert(busy.clone(), Behaviour::RateLimited { code: 429, retry_after: Some("30".into()) });
    let farm = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sites).await.expect("farm");
    let store = db.store().await;
    let mut all = calm.clone();
    all.push(busy.clone());
    import(&store, &all).await;
    let mut cfg = config(&db.url, &farm);
    cfg.daemon.include_www = false;
    cfg.schedule = vec![Schedule {
        name: "every-second".into(),
        cron: "* * * * * *".into(),
        timezone: "Asia/Shanghai".into(),
        province: None,
        provider: None,
    }];
    let stop = CancellationToken::new();
    let run = tokio::spawn(daemon(&store, &cfg).run(stop.clone(), false));
    // Several cycles go by: each calm site is scanned in each, the busy one was asked once.
    let calm_scanned =
        |store: Store, host: String| async move { store.scans(Some(&host), 10).await.expect("scans").len() >= 3 };
    assert!(until(Duration::from_secs(20), || calm_scanned(store.clone(), calm[2].clone())).await);
    stop.cancel();
    let summary = run.await.expect("joins").expect("runs");
    assert_eq!(farm.hits(&busy), 1, "asked again before its Retry-After of 30 s");
    assert!(farm.hits(&calm[0]) >= 3);
    assert!(summary.retried >= 1 && summary.deferred >= 1, "{summary:?}");
    // Nothing was recorded for it: a rate-limited answer is retried when the site said, not judged.
    assert!(store.scans(Some(&busy), 10).await.expect("scans").is_empty());
}

#[tokio::test]
async fn an_unchanged_page_is_read_once_and_its_read_reused_until_the_page_changes() {
    for db in both().await {
        let store = db.store().await;
        let names = hosts(1);
        let host = names[0].as_str();
        import(&store, &names).await;
        let farm = farm_for(&names, page(&linked(NUM))).await;
        let mut cfg = config(&db.url, &farm);
        let cycle = |name: &'static str, cfg: Config| {
            let store = store.clone();
            async move {
                daemon(&store, &cfg).enqueue_now(&schedule("all"), name).await.expect("enqueue");
                daemon(&store, &cfg).run(CancellationToken::new(), true).await.expect("runs");
                store.scans(Some(host), 1).await.expect("scans").remove(0).result
            }
        };
        let raw = sqlx::AnyPool::connect(&db.url).await.expect("raw connection");
        let title = |r: &icp_patrol::result::ScanResult| r.extracted.title.clone();

        let first = cycle("first", cfg.clone()).await;
        let kept = store.page_read(host).await.expect("read").expect("the scan keeps its page's read");
        assert_eq!(title(&first).as_deref(), Some("示例科技官网"));
        assert_eq!(kept.read.facts.icp.len(), 1, "{:?}", db.kind);
        let second = cycle("second", cfg.clone()).await;
        // The same read, so the same judgement (the change checks now have a previous scan).
        let judged = |r: &icp_patrol::result::ScanResult| {
            let checks: Vec<_> = r.checks.iter().filter(|c| !c.id.starts_with("change.")).cloned().collect();
            (r.extracted.clone(), r.classified.clone(), r.fetch.encoding.clone(), checks)
        };
        assert_eq!(judged(&second), judged(&first), "{:?}", db.kind);
        assert_eq!(store.page_read(host).await.expect("read").map(|r| r.key), Some(kept.key.clone()));

        // The kept read is what an unchanged page's scan judges: a doctored one shows through.
        let mut doctored = kept.read.clone();
        doctored.facts.title = Some("保存的读取".into());
        sqlx::query("UPDATE page_reads SET read = $1 WHERE target = $2")
            .bind(doctored.encode())
            .bind(host)
            .execute(&raw)
            .await
            .expect("doctor");
        assert_eq!(title(&cycle("third", cfg.clone()).await).as_deref(), Some("保存的读取"), "{:?}", db.kind);

        // Turned off, nothing kept is used.
        cfg.daemon.reuse_reads = false;
        assert_eq!(title(&cycle("fourth", cfg.clone()).await).as_deref(), Some("示例科技官网"), "{:?}", db.kind);
        cfg.daemon.reuse_reads = true;

        // A read under another key (another page, rules or scanner) is not used: the page is read
        // again and its read replaces the kept one. So is a row that no longer decodes.
        sqlx::query("UPDATE page_reads SET key = 'another page' WHERE target = $1")
            .bind(host)
            .execute(&raw)
            .await
            .expect("rekey");
        assert_eq!(title(&cycle("fifth", cfg.clone()).await).as_deref(), Some("示例科技官网"), "{:?}", db.kind);
        let again = store.page_read(host).await.expect("read").expect("kept again");
        assert_eq!((again.key, again.read), (kept.key.clone(), kept.read.clone()), "{:?}", db.kind);
        sqlx::query("UPDATE page_reads SET read = $1 WHERE target = $2")
            .bind(b"not a read".to_vec())
            .bind(host)
            .execute(&raw)
            .await
            .expect("damage");
        assert_eq!(title(&cycle("sixth", cfg.clone()).await).as_deref(), Some("示例科技官网"), "{:?}", db.kind);
        assert!(store.page_read(host).await.expect("read").is_some_and(|r| r.read == kept.read));
        raw.close().await;
    }
}
