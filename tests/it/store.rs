//! The store on both backends: import in all formats, all-or-nothing, re-import and --replace; the
//! queue's exclusive claims and lease takeover; results recorded once; findings' lifecycle.

use std::path::Path;

use icp_patrol::checks::{Outcome, ScanFacts};
use icp_patrol::filing::{FilingRecord, load_filings};
use icp_patrol::page_read::PageRead;
use icp_patrol::result::ScanResult;
use icp_patrol::store::{JobResult, LockError, Store};
use sqlx::Connection;

use crate::db::{Kind, TestDb, both};
use crate::support::*;

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

async fn cli(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol")).args(args).output().await.expect("runs")
}

fn xlsx(path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let header = ["网站域名", "网站备案号", "主办单位名称", "主办单位性质", "网站名称", "审核通过日期"];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("cell");
    }
    let row = ["x.example.cn", "京ICP备16020626号-3", "北京示例科技有限公司", "企业", "示例三号站"];
    for (c, v) in row.iter().enumerate() {
        sheet.write_string(1, c as u16, *v).expect("cell");
    }
    // A real spreadsheet date, not text.
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 3, 1).expect("date");
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_datetime_with_format(1, 5, &date, &format).expect("date cell");
    book.save(path).expect("save xlsx");
}

#[tokio::test]
async fn import_all_formats_reimport_and_replace_on_both_backends() {
    for db in both().await {
        let dir = tempfile::tempdir().expect("tempdir");
        let csv = write(
            dir.path(),
            "a.csv",
            "\u{feff}域名,网站备案号,主办单位名称,主办单位性质,网站名称,审核通过日期\n\
             a.example.cn,京ICP备16020626号-1,北京示例科技有限公司,企业,示例一号站,2024/3/1\n",
        );
        let json = write(
            dir.path(),
            "b.json",
            r#"[{"domain":"b.example.cn","site_number":"京ICP备16020626号-2","principal":"北京示例科技有限公司","principal_type":"企业","site_name":"示例二号站","approved_on":"2024年3月1日"}]"#,
        );
        let book = dir.path().join("c.xlsx");
        xlsx(&book);
        for file in [&csv, &json, &book] {
            let out = cli(&["--database", &db.url, "import", &file.display().to_string()]).await;
            assert_eq!(out.status.code(), Some(0), "{:?}: {}", db.kind, String::from_utf8_lossy(&out.stderr));
            assert!(
                String::from_utf8_lossy(&out.stdout).contains("1 added"),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        let store = db.store().await;
        let x = store.filing_for_host("www.x.example.cn").await.expect("query").expect("xlsx record");
        assert_eq!(x.record.approved_on, date("2024-03-01"), "a spreadsheet date is read as a date");
        assert_eq!(x.province.as_deref(), Some("北京"));

        // Re-import: unchanged, then changed in place.
        let again = cli(&["--database", &db.url, "import", &csv.display().to_string()]).await;
        assert!(String::from_utf8_lossy(&again.stdout).contains("0 added, 0 updated, 1 unchanged"));
        let changed = write(
            dir.path(),
            "a2.csv",
            &std::fs::read_to_string(&csv).expect("read").replace("示例一号站", "示例一号站新名"),
        );
        let out = cli(&["--database", &db.url, "import", &changed.display().to_string()]).await;
        assert!(String::from_utf8_lossy(&out.stdout).contains("1 updated"));

        // --replace withdraws what the file lacks; nothing is deleted.
        let out = cli(&["--database", &db.url, "import", "--replace", &changed.display().to_string()]).await;
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("2 withdrawn"),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let all = store.all_filings().await.expect("all");
        assert_eq!(all.len(), 3);
        assert_eq!(store.active_filings(None, None).await.expect("active").len(), 1);

        // A file with a bad row writes nothing and names line and column.
        let bad = write(
            dir.path(),
            "bad.csv",
            "domain,site_number,principal,principal_type,site_name,approved_on\nnew.example.cn,京ICP备16020626号-8,甲,企业,新站点名,2024-03-01\nbad..cn,京ICP备16020626号-9,甲,企业,坏站点名,2024-03-01\n",
        );
        let out = cli(&["--database", &db.url, "import", &bad.display().to_string()]).await;
        assert_eq!(out.status.code(), Some(65), "bad input data");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("bad.csv:line 3, column domain"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(store.filing_for_host("new.example.cn").await.expect("query").is_none(), "all or nothing");
    }
}

fn sample_result(target: &str, failing: &[&str]) -> ScanResult {
    let mut r: ScanResult = serde_json::from_str(include_str!("../golden/notice.json")).expect("golden");
    r.domain = target.to_string();
    r.filing = Some(FilingRecord { domain: target.to_string(), ..filing(target, "京ICP备16020626号-1") });
    for c in &mut r.checks {
        c.outcome = if failing.contains(&c.id.as_str()) { Outcome::Fail } else { Outcome::Pass };
    }
    r
}

#[tokio::test]
async fn claims_are_exclusive_leases_expire_and_results_are_recorded_once() {
    for db in both().await {
        let store = db.store().await;
        let targets: Vec<(String, String)> =
            (0..50).map(|i| (format!("s{i}.example.cn"), format!("s{i}.example.cn"))).collect();
        assert_eq!(store.enqueue("c1", &targets, 0).await.expect("enqueue"), 50);
        assert_eq!(
            store.enqueue("c1", &targets, 0).await.expect("enqueue again"),
            0,
            "a cycle's jobs are enqueued once"
        );
        let a = store.claim("w1", 20, 60_000).await.expect("claim");
        let b = store.claim("w2", 100, 60_000).await.expect("claim");
        assert_eq!((a.len(), b.len()), (20, 30));
        assert!(a.iter().all(|j| !b.iter().any(|k| k.id == j.id)), "{:?}: no job claimed twice", db.kind);

        // w1's lease runs out; w2 takes the job over; w1 can no longer record it.
        let short =
            store.enqueue("c2", &[("late.example.cn".into(), "late.example.cn".into())], 0).await.expect("enqueue");
        assert_eq!(short, 1);
        let held = store.claim("w1", 1, 1).await.expect("claim");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let taken = store.claim("w2", 1, 60_000).await.expect("take over");
        assert_eq!(taken[0].id, held[0].id);
        assert_eq!(taken[0].attempts, 2);
        let result = sample_result("late.example.cn", &[]);
        assert_eq!(
            store.record(&result, Some((held[0].id, "w1"))).await.expect("record"),
            None,
            "lost lease: nothing written"
        );
        assert!(store.record(&result, Some((taken[0].id, "w2"))).await.expect("record").is_some());
        assert_eq!(store.record(&result, Some((taken[0].id, "w2"))).await.expect("record"), None, "never twice");
        assert_eq!(store.results_per_cycle("c2").await.expect("count"), [("late.example.cn".to_string(), 1)]);

        // A group of results in one transaction: each job recorded once, and only by its lease holder
        // (w1 still holds a[0] and a[1]; b[0] is w2's).
        let results: Vec<ScanResult> =
            [&a[0], &a[1], &b[0]].iter().map(|j| sample_result(&j.target, &["icp.missing"])).collect();
        let read = |title: &str| {
            let rules = icp_patrol::rules::RuleSet::embedded();
            let url = url::Url::parse("http://read.test/").expect("url");
            let facts = icp_patrol::extract::extract(&format!("<title>{title}</title>"), &url, &rules.provinces);
            let classification = icp_patrol::classify::classify(&facts, &rules);
            let key = icp_patrol::page_read::ReadKey(title.to_string());
            icp_patrol::page_read::StoredRead { key, read: PageRead::of(&facts, &classification, "UTF-8", None) }
        };
        let (read_a, read_b) = (read("a"), read("b"));
        let job = |result, job, read| JobResult { result, job, read, online_known: false };
        let group = [
            job(&results[0], a[0].id, Some(&read_a)),
            job(&results[1], a[1].id, None),
            job(&results[2], b[0].id, Some(&read_b)),
        ];
        let recorded = store.record_group(&group, "w1").await.expect("record a group");
        assert!(recorded[0].is_some() && recorded[1].is_some(), "{:?}: {recorded:?}", db.kind);
        assert_eq!(recorded[2], None, "{:?}: not w1's lease, nothing written", db.kind);
        // A page read is kept with the scan that made it, and only then.
        let kept = store.page_read(&a[0].target).await.expect("read").expect("kept with its scan");
        assert_eq!((kept.key, kept.read), (read_a.key.clone(), read_a.read.clone()));
        assert!(store.page_read(&b[0].target).await.expect("read").is_none(), "{:?}: not w1's lease", db.kind);
        assert_eq!(store.record_group(&group[..2], "w1").await.expect("again"), [None, None], "never twice");
        let per_target = store.results_per_cycle("c1").await.expect("count");
        let scanned: Vec<&(String, i64)> = per_target.iter().filter(|(_, n)| *n > 0).collect();
        assert_eq!(scanned.len(), 2, "{scanned:?}");
        assert!(scanned.iter().all(|(_, n)| *n == 1), "{scanned:?}");
        let open = store.open_findings(&a[0].target).await.expect("findings");
        assert!(open.contains_key("icp.missing"), "the group's findings are written too: {open:?}");
    }
}

/// The daemon reads a claimed batch's filings, page reads, open findings and recent facts in one
/// statement each: what they read must be what the one-host look-ups read.
#[tokio::test]
async fn batched_lookups_read_what_one_host_lookups_read() {
    for db in both().await {
        let store = db.store().await;
        let records = [
            filing("a.example.cn", "京ICP备16020626号-1"),
            filing("www.a.example.cn", "京ICP备16020626号-2"),
            filing("b.example.cn", "京ICP备16020626号-3"),
        ];
        store.import(&records, |_| Some("北京".into()), false).await.expect("import");
        let hosts = ["www.a.example.cn", "www.b.example.cn", "a.example.cn", "none.example.cn"];
        let batch = store.filings_for_hosts(&hosts).await.expect("filings");
        for host in hosts {
            let one = store.filing_for_host(host).await.expect("filing");
            assert_eq!(batch.get(host), one.as_ref(), "{:?}: {host}", db.kind);
        }
        assert_eq!(batch["www.a.example.cn"].record.site_number, "京ICP备16020626号-2", "a host's own filing first");
        assert_eq!(batch["www.b.example.cn"].record.domain, "b.example.cn", "else its apex's");

        for (i, failing) in [vec!["icp.missing"], vec!["icp.link.missing"], vec![]].iter().enumerate() {
            store.record(&sample_result("a.example.cn", failing), None).await.expect("record a");
            if i < 2 {
                store.record(&sample_result("b.example.cn", &["icp.missing", "psb.missing"]), None).await.expect("b");
            }
        }
        let targets = ["a.example.cn", "b.example.cn", "none.example.cn"];
        for limit in [1, 2, 5] {
            let batch = store.recent_facts_of(&targets, limit).await.expect("facts");
            for target in targets {
                let one = store.recent_facts(target, limit).await.expect("facts");
                assert_eq!(batch.get(target).cloned().unwrap_or_default(), one, "{:?}: {target} {limit}", db.kind);
            }
        }
        assert_eq!(store.recent_facts_of(&targets, 5).await.expect("facts")["a.example.cn"].len(), 3);
        let open = store.open_findings_of(&targets).await.expect("findings");
        for target in targets {
            let one = store.open_findings(target).await.expect("findings");
            assert_eq!(open.get(target).cloned().unwrap_or_default(), one, "{:?}: {target}", db.kind);
        }
        assert_eq!(open["b.example.cn"].len(), 2, "{open:?}");
        assert!(!open.contains_key("a.example.cn"), "a's findings were resolved by its passing scan: {open:?}");
        assert!(store.page_reads(&targets).await.expect("reads").is_empty());
    }
}

#[tokio::test]
async fn findings_open_count_and_resolve() {
    for db in both().await {
        let store = db.store().await;
        store.record(&sample_result("f.example.cn", &["icp.link.missing"]), None).await.expect("first");
        store.record(&sample_result("f.example.cn", &["icp.link.missing"]), None).await.expect("second");
        let open = store.open_findings("f.example.cn").await.expect("open");
        assert_eq!(open["icp.link.missing"].consecutive, 2, "{:?}", db.kind);
        store.record(&sample_result("f.example.cn", &[]), None).await.expect("fixed");
        assert!(store.open_findings("f.example.cn").await.expect("open").is_empty());
        let all = store.findings().await.expect("all");
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].status, icp_patrol::state::FindingStatus::Resolved);
        assert!(all[0].resolved_at.is_some());
        assert_eq!(store.scans(Some("f.example.cn"), 10).await.expect("scans").len(), 3);
    }
}

#[tokio::test]
async fn a_finding_failing_again_as_before_is_touched_and_one_failing_otherwise_rewritten() {
    for db in both().await {
        let store = db.store().await;
        let failing = ["icp.link.missing", "psb.missing"];
        let first = store.record(&sample_result("t.example.cn", &failing), None).await.expect("first").expect("id");
        let before = store.open_findings("t.example.cn").await.expect("open");
        let mut again = sample_result("t.example.cn", &failing);
        again.checks.iter_mut().find(|c| c.id == "psb.missing").expect("psb.missing").evidence.excerpt =
            Some("the footer changed".into());
        let second = store.record(&again, None).await.expect("second").expect("id");
        let open = store.open_findings("t.example.cn").await.expect("open");
        for id in failing {
            assert_eq!(open[id].consecutive, 2, "{:?}: {id}", db.kind);
            assert_eq!(open[id].last_scan_id, second, "{:?}: {id}", db.kind);
            assert_eq!(open[id].first_seen, before[id].first_seen, "{:?}: {id}", db.kind);
            assert!(open[id].last_seen >= before[id].last_seen, "{:?}: {id}", db.kind);
        }
        assert_ne!(first, second);
        assert_eq!(open["icp.link.missing"].evidence, before["icp.link.missing"].evidence, "{:?}", db.kind);
        let rewritten = &again.checks.iter().find(|c| c.id == "psb.missing").expect("psb").evidence;
        assert_eq!(open["psb.missing"].evidence, serde_json::to_string(rewritten).expect("json"), "{:?}", db.kind);
    }
}

async fn lease_until(conn: &mut sqlx::PgConnection, job: i64) -> i64 {
    sqlx::query_scalar("SELECT lease_until FROM jobs WHERE id = $1").bind(job).fetch_one(conn).await.expect("lease")
}

#[tokio::test]
async fn a_filing_first_seen_online_keeps_that_day_and_a_job_that_knows_it_writes_nothing() {
    for db in both().await {
        let store = db.store().await;
        let (first, second) = ("online.example.cn", "known.example.cn");
        let records = [filing(first, "京ICP备16020626号-1"), filing(second, "京ICP备16020627号-1")];
        store.import(&records, |_| Some("北京".into()), false).await.expect("import");
        let targets: Vec<(String, String)> = [first, second].map(|t| (t.into(), t.into())).to_vec();
        store.enqueue("c1", &targets, 0).await.expect("enqueue");
        store.enqueue("c2", &targets[..1], 0).await.expect("enqueue");
        let jobs = store.claim("w1", 10, 60_000).await.expect("claim");
        let job_of = |t: &str, cycle: &str| jobs.iter().find(|j| j.target == t && j.cycle == cycle).expect("job").id;
        let online = |t: &str| sample_result(t, &[]);
        let (a1, a2, b1) = (online(first), online(second), online(first));
        let one = |result, job, online_known| JobResult { result, job, read: None, online_known };
        store.record_group(&[one(&a1, job_of(first, "c1"), false)], "w1").await.expect("first scan");
        let day = store.filing_for_host(first).await.expect("filing").expect("filed").first_online;
        assert!(day.is_some(), "{:?}: the first scan online sets the day", db.kind);
        store.record_group(&[one(&b1, job_of(first, "c2"), false)], "w1").await.expect("a later scan");
        let again = store.filing_for_host(first).await.expect("filing").expect("filed").first_online;
        assert_eq!(again, day, "{:?}: a later scan does not move the day", db.kind);
        // A job whose filing read showed the day stored sends no update (here, where none is stored,
        // that shows as the day staying unset).
        store.record_group(&[one(&a2, job_of(second, "c1"), true)], "w1").await.expect("known");
        let known = store.filing_for_host(second).await.expect("filing").expect("filed").first_online;
        assert_eq!(known, None, "{:?}", db.kind);
    }
}

#[tokio::test]
async fn a_lease_renewal_passes_over_a_job_a_result_writer_holds_on_postgresql() {
    let db = TestDb::new(Kind::Postgres).await;
    let store = db.store().await;
    let targets: Vec<(String, String)> = ["a.example.cn", "b.example.cn"].map(|t| (t.into(), t.into())).to_vec();
    store.enqueue("c1", &targets, 0).await.expect("enqueue");
    let jobs = store.claim("w1", 10, 60_000).await.expect("claim");
    let (held, free) = (jobs[0].id, jobs[1].id);
    let mut reader = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    let before = (lease_until(&mut reader, held).await, lease_until(&mut reader, free).await);
    // A result writer's open transaction holds one job's row (as a group's `UPDATE jobs … 'done'` does).
    let mut writer = sqlx::PgConnection::connect(&db.url).await.expect("connect");
    sqlx::query("BEGIN").execute(&mut writer).await.expect("begin");
    sqlx::query("UPDATE jobs SET attempts = attempts WHERE id = $1")
        .bind(held)
        .execute(&mut writer)
        .await
        .expect("lock");
    // Waiting for it would be a deadlock when the writer next needs a row the renewal took first; a
    // renewal that waits never returns here (the bound only ends a hung test, it measures nothing).
    let renewed = tokio::time::timeout(std::time::Duration::from_secs(120), store.renew("w1", &[held, free], 600_000))
        .await
        .expect("the renewal waited for a row a writer holds");
    renewed.expect("renew");
    sqlx::query("ROLLBACK").execute(&mut writer).await.expect("rollback");
    let after = (lease_until(&mut reader, held).await, lease_until(&mut reader, free).await);
    assert_eq!(after.0, before.0, "the held job's lease is left to its writer");
    assert!(after.1 > before.1, "the other job's lease is renewed: {before:?} -> {after:?}");
}

#[tokio::test]
async fn a_finding_whose_check_no_longer_applies_is_closed() {
    for db in both().await {
        let store = db.store().await;
        store.record(&sample_result("g.example.cn", &["icp.link.missing"]), None).await.expect("first");
        let mut skipped = sample_result("g.example.cn", &[]);
        for c in &mut skipped.checks {
            if c.id == "icp.link.missing" {
                c.outcome = Outcome::Skipped;
                c.detail = Some("no number on the page".into());
            }
        }
        store.record(&skipped, None).await.expect("skipped");
        assert!(store.open_findings("g.example.cn").await.expect("open").is_empty(), "{:?}", db.kind);
        let all = store.findings().await.expect("all");
        assert_eq!(all[0].status, icp_patrol::state::FindingStatus::Resolved);
        let closing = store.scans(Some("g.example.cn"), 1).await.expect("scans");
        assert_eq!(all[0].last_scan_id, closing[0].id, "the closing scan carries the reason");
    }
}

#[tokio::test]
async fn one_daemon_per_sqlite_file() {
    let db = TestDb::new(Kind::Sqlite).await;
    let store = db.store().await;
    store.take_daemon_lock("first", 60_000).await.expect("first daemon");
    store.take_daemon_lock("first", 60_000).await.expect("refreshing its own lock");
    let second = Store::connect(&db.url).await.expect("connects");
    match second.take_daemon_lock("second", 60_000).await {
        Err(LockError::Held { holder, .. }) => assert_eq!(holder, "first"),
        other => panic!("a second daemon must be turned away, got {other:?}"),
    }
    store.release_daemon_lock("first").await.expect("release");
    second.take_daemon_lock("second", 60_000).await.expect("free again");
    let pg = TestDb::new(Kind::Postgres).await;
    let shared = pg.store().await;
    shared.take_daemon_lock("a", 60_000).await.expect("PostgreSQL needs no lock");
    shared.take_daemon_lock("b", 60_000).await.expect("several daemons share PostgreSQL");
}

#[test]
fn filing_files_parse_for_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("f.xlsx");
    xlsx(&book);
    let set = load_filings(&book).expect("xlsx loads");
    assert_eq!(set.records()[0].site_name, "示例三号站");
}

#[tokio::test]
async fn scan_records_into_a_configured_store_and_nothing_otherwise() {
    let db = TestDb::new(Kind::Sqlite).await;
    let f = farm(vec![("rec.example.cn", page(&linked("京ICP备16020626号-1")))]).await;
    let connect = format!("rec.example.cn::{}:{}", f.farm.addr.ip(), f.farm.addr.port());
    let dir = tempfile::tempdir().expect("tempdir");
    let without = tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .current_dir(dir.path())
        .args(["scan", "rec.example.cn", "--connect-to", &connect, "--nameserver", NOWHERE_DNS, "--format", "json"])
        .env_remove("ICP_PATROL_DATABASE_URL")
        .output()
        .await
        .expect("runs");
    assert!(!without.stdout.is_empty());
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "without a store nothing is written");
    let with =
        cli(&["--database", &db.url, "scan", "rec.example.cn", "--connect-to", &connect, "--nameserver", NOWHERE_DNS])
            .await;
    assert!(with.status.code().is_some());
    let store = db.store().await;
    assert_eq!(store.scans(None, 10).await.expect("scans").len(), 1);
}

#[tokio::test]
async fn import_warns_about_template_looking_numbers() {
    let db = TestDb::new(Kind::Sqlite).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("odd.csv");
    std::fs::write(
        &path,
        "domain,site_number,principal,principal_type,site_name,approved_on\n\
         odd.example.cn,京ICP备12345678号-1,甲,企业,示例,2024-03-01\n\
         fine.example.cn,京ICP备16020626号-1,甲,企业,示例,2024-03-01\n",
    )
    .expect("write");
    let out = cli(&["--database", &db.url, "import", &path.display().to_string()]).await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning") && err.contains("odd.example.cn") && err.contains("template"), "{err}");
    assert!(!err.contains("fine.example.cn"), "{err}");
}

#[tokio::test]
async fn an_unchanged_scan_repeats_the_last_result_and_reads_as_before() {
    for db in both().await {
        let store = db.store().await;
        let record = filing("same.example.cn", "京ICP备16020626号-1");
        store.import(std::slice::from_ref(&record), |_| Some("北京".into()), false).await.expect("import");
        let before = farm(vec![("same.example.cn", page(&linked("京ICP备16020626号-1")))]).await;
        let mut recorded = Vec::new();
        for _ in 0..3 {
            let r = before.scan("http://same.example.cn/", Some(&record)).await;
            store.record(&r, None).await.expect("record");
            recorded.push(r);
        }
        // The page changes: a result of its own again, then repeated.
        let after = farm(vec![("same.example.cn", page("<p>没有备案号</p>"))]).await;
        for _ in 0..2 {
            let r = after.scan("http://same.example.cn/", Some(&record)).await;
            store.record(&r, None).await.expect("record");
            recorded.push(r);
        }
        let figures = store.storage().await.expect("figures");
        assert_eq!((figures.scans, figures.full_results), (5, 2), "{figures:?}");
        // Per check, only what did not pass (and what passed after not passing) is kept, and only with
        // the two results of their own.
        let not_passed = |r: &ScanResult| r.checks.iter().filter(|c| c.outcome != Outcome::Pass).count() as i64;
        let changed_to_pass = recorded[3]
            .checks
            .iter()
            .filter(|c| c.outcome == Outcome::Pass)
            .filter(|c| recorded[0].checks.iter().any(|b| b.id == c.id && b.outcome != Outcome::Pass))
            .count() as i64;
        assert_eq!(
            figures.check_rows,
            not_passed(&recorded[0]) + not_passed(&recorded[3]) + changed_to_pass,
            "{figures:?}"
        );

        // History reads every scan as it was recorded, each with its own time.
        let mut stored: Vec<ScanResult> =
            store.scans(Some("same.example.cn"), 10).await.expect("scans").into_iter().map(|s| s.result).collect();
        stored.reverse();
        assert_eq!(stored.len(), 5);
        for (read, written) in stored.iter().zip(&recorded) {
            assert_eq!(read, written, "{}", db.url);
        }
        // The change checks read the same history, newest first, from the facts kept beside each full
        // result, each with its own scan's time, and from the results of scans recorded before facts were kept.
        let history: Vec<ScanFacts> = stored.iter().rev().map(ScanFacts::of).collect();
        assert_eq!(store.recent_facts("same.example.cn", 5).await.expect("facts"), history, "{}", db.url);
        let mut conn = sqlx::AnyConnection::connect(&db.url).await.expect("connect");
        sqlx::query("UPDATE scans SET facts = NULL").execute(&mut conn).await.expect("forget the facts");
        assert_eq!(store.recent_facts("same.example.cn", 5).await.expect("facts"), history, "{}", db.url);
        // The latest scan's checks still say what failed.
        let latest = store.latest_scans(&["same.example.cn".to_string()]).await.expect("latest");
        assert_eq!(latest[0].result.checks, recorded[4].checks);
    }
}

#[tokio::test]
async fn prune_keeps_what_findings_point_at_and_drops_the_rest_past_retention() {
    for db in both().await {
        let store = db.store().await;
        let record = filing("old.example.cn", "京ICP备16020626号-1");
        store.import(std::slice::from_ref(&record), |_| Some("北京".into()), false).await.expect("import");
        let good = farm(vec![("old.example.cn", page(&linked("京ICP备16020626号-1")))]).await;
        let bad = farm(vec![("old.example.cn", page("<p>没有备案号</p>"))]).await;
        let long_ago = chrono::Utc::now() - chrono::Duration::days(200);
        let mut old_good = good.scan("http://old.example.cn/", Some(&record)).await;
        old_good.scanned_at = long_ago;
        let mut old_bad = bad.scan("http://old.example.cn/", Some(&record)).await;
        old_bad.scanned_at = long_ago;
        let fresh = bad.scan("http://old.example.cn/", Some(&record)).await;
        for r in [&old_good, &old_bad, &fresh] {
            store.record(r, None).await.expect("record");
        }
        let cutoff = icp_patrol::store::now_ms() - 90 * 86_400_000;
        let pruned = store.prune(cutoff).await.expect("prune");
        // The old passing scan goes; the old failing one stays (the recent scan repeats its result and
        // the finding points at the recent one), as does the recent one.
        assert_eq!(pruned.scans, 1, "{pruned:?}");
        let left: Vec<i64> =
            store.scans(Some("old.example.cn"), 10).await.expect("scans").iter().map(|s| s.scanned_at).collect();
        assert_eq!(left.len(), 2);
        assert!(store.findings().await.expect("findings").iter().all(|f| f.target == "old.example.cn"));
        assert!(!store.findings().await.expect("findings").is_empty());
        // Nothing is past retention any more.
        assert_eq!(store.prune(cutoff).await.expect("prune").scans, 0);

        // A page read not renewed since the cutoff goes with the scans (the page is read again).
        let rules = icp_patrol::rules::RuleSet::embedded();
        let url = url::Url::parse("http://old.example.cn/").expect("url");
        let facts = icp_patrol::extract::extract("<title>旧站</title>", &url, &rules.provinces);
        let classification = icp_patrol::classify::classify(&facts, &rules);
        let read = icp_patrol::page_read::StoredRead {
            key: icp_patrol::page_read::ReadKey("k".into()),
            read: PageRead::of(&facts, &classification, "UTF-8", None),
        };
        store.record_with_read(&fresh, None, Some(&read)).await.expect("record with a read");
        assert_eq!(store.storage().await.expect("figures").page_reads, 1, "{:?}", db.kind);
        assert_eq!(store.prune(cutoff).await.expect("prune").page_reads, 0, "a fresh read stays");
        let later = icp_patrol::store::now_ms() + 1_000;
        assert_eq!(store.prune(later).await.expect("prune").page_reads, 1, "{:?}", db.kind);
        assert_eq!(store.storage().await.expect("figures").page_reads, 0);
    }
}
