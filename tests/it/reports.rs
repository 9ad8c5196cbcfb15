//! Reports from a store filled by scanning farm sites: every format read back, crawled strings
//! neutralised and escaped (headless Chromium runs the HTML and nothing crawled runs), decisions that
//! stick until the evidence changes, change marks, and the notice lifecycle.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use icp_patrol::config::Config;
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::filing::FilingRecord;
use icp_patrol::report::{COLUMNS, Entry};
use icp_patrol::rules::RuleSet;
use icp_patrol::scheduler::Daemon;
use icp_patrol::store::Store;
use tokio_util::sync::CancellationToken;

use crate::db::{Kind, TestDb};
use crate::support::*;

const NUM: &str = "京ICP备16020626号-1";
/// A crawled title that tries to be a formula, a script and an event handler.
const HOSTILE_TITLE: &str = "=HYPERLINK(\"http://evil.example/\",\"点我\") <script>document.body.setAttribute('data-pwned','script')</script><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">";

fn sites() -> HashMap<String, Behaviour> {
    HashMap::from([
        (
            "good.example.cn".to_string(),
            page(&format!(
                "<p>© 2024 北京示例科技有限公司 版权所有</p>{} {}",
                linked(NUM),
                psb_linked("京公网安备", "11010502000001")
            )),
        ),
        // The number unlinked, on a line starting "+1-2": a CSV cell that would be a formula.
        (
            "plain.example.cn".to_string(),
            page(&format!("<p>+1-2 {NUM}</p>{}", psb_linked("京公网安备", "11010502000001"))),
        ),
        (
            "hostile.example.cn".to_string(),
            Behaviour::html(format!(
                "<html><head><meta charset=utf-8><title>{HOSTILE_TITLE}</title></head><body><p>我们专注于企业信息化建设，欢迎访问本站并提出宝贵意见和建议。</p>\
                 <footer>{} {}</footer></body></html>",
                linked(NUM),
                psb_linked("京公网安备", "11010502000001")
            )),
        ),
    ])
}

pub(crate) struct World {
    _db: TestDb,
    pub(crate) store: Store,
    pub(crate) url: String,
    pub(crate) farm: Farm,
    pub(crate) dir: tempfile::TempDir,
}

/// Three filed sites scanned once into a fresh SQLite store: a good one, one whose number is not
/// linked (open findings), one whose title is hostile markup.
pub(crate) async fn world() -> World {
    world_on(Kind::Sqlite).await
}

/// As [`world`], on either backend.
pub(crate) async fn world_on(kind: Kind) -> World {
    world_of(kind, sites(), &["good.example.cn", "plain.example.cn", "hostile.example.cn"]).await
}

/// `sites` served, `filed` imported and scanned once into a fresh store.
async fn world_of(kind: Kind, sites: HashMap<String, Behaviour>, filed: &[&str]) -> World {
    world_of_records(kind, sites, filed.iter().map(|d| filed_record(d)).collect()).await
}

/// The filing of the worlds' sites: [`NUM`] with its public security number.
fn filed_record(domain: &str) -> FilingRecord {
    FilingRecord { psb_code: Some("11010502000001".into()), ..filing(domain, NUM) }
}

/// `sites` served, `records` imported and scanned once into a fresh store.
async fn world_of_records(kind: Kind, sites: HashMap<String, Behaviour>, records: Vec<FilingRecord>) -> World {
    icp_patrol::install_crypto_provider();
    let db = TestDb::new(kind).await;
    let store = db.store().await;
    let farm = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sites).await.expect("farm");
    store.import(&records, |_| Some("北京".into()), false).await.expect("import");
    let url = db.url.clone();
    let w = World { _db: db, store, url, farm, dir: tempfile::tempdir().expect("tempdir") };
    w.cycle(&format!("::{}:{}", w.farm.addr.ip(), w.farm.addr.port()), "first").await;
    w
}

impl World {
    async fn cycle(&self, connect_to: &str, tag: &str) {
        let mut cfg = Config { database: self.url.clone(), schedule: vec![], ..Config::default() };
        cfg.scan.connect_to = vec![connect_to.to_string()];
        cfg.daemon.metrics_addr = None;
        let mut overrides = icp_patrol::fetch::Overrides::default();
        overrides.connect_to.push(connect_to.parse().expect("connect-to"));
        let fetch = icp_patrol::fetch::FetchOptions { total_timeout: Duration::from_secs(5), ..Default::default() };
        let fetcher = icp_patrol::fetch::Fetcher::new(fetch, overrides, no_dns(), icp_patrol::dns::Guard::default())
            .expect("fetcher");
        let scanner = icp_patrol::engine::Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
        let d = Daemon::new(self.store.clone(), scanner, cfg).with_today(today());
        let schedule = schedule("all");
        d.enqueue_now(&schedule, tag).await.expect("enqueue");
        d.run(CancellationToken::new(), true).await.expect("cycle");
    }

    pub(crate) async fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut all = vec!["--database", self.url.as_str()];
        all.extend_from_slice(args);
        tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol")).args(&all).output().await.expect("runs")
    }

    async fn report(&self, format: &str, extra: &[&str]) -> PathBuf {
        let path = self.dir.path().join(format!("r{}.{format}", rand_id()));
        let mut args = vec!["report", "--format", format, "--output"];
        let p = path.display().to_string();
        args.push(&p);
        args.extend_from_slice(extra);
        let out = self.cli(&args).await;
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        path
    }

    pub(crate) async fn entries(&self, extra: &[&str]) -> Vec<Entry> {
        let path = self.report("jsonl", extra).await;
        std::fs::read_to_string(path)
            .expect("read")
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is an Entry"))
            .collect()
    }
}

fn rand_id() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

fn entry<'a>(entries: &'a [Entry], domain: &str) -> &'a Entry {
    entries.iter().find(|e| e.domain == domain).unwrap_or_else(|| panic!("no entry {domain}"))
}

#[tokio::test]
async fn csv_and_xlsx_read_back_with_crawled_formulas_neutralised() {
    let w = world().await;
    let csv_path = w.report("csv", &[]).await;
    let bytes = std::fs::read(&csv_path).expect("read");
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a BOM for Excel");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    assert_eq!(header, COLUMNS.iter().map(|(zh, _)| zh.to_string()).collect::<Vec<_>>());
    let rows: Vec<Vec<String>> =
        reader.records().map(|r| r.expect("row").iter().map(str::to_string).collect()).collect();
    let cells: Vec<&String> = rows.iter().flatten().collect();
    assert!(cells.iter().any(|c| c.starts_with("'=HYPERLINK(")), "the crawled formula is neutralised");
    assert!(cells.iter().any(|c| c.starts_with("'+1-2")), "+1-2 is neutralised");
    assert!(!cells.iter().any(|c| c.starts_with('=') || c.starts_with('+') || c.starts_with('@')), "no live formula");

    let xlsx_path = w.report("xlsx", &[]).await;
    use calamine::{Reader, open_workbook_auto};
    let mut book = open_workbook_auto(&xlsx_path).expect("opens");
    assert_eq!(book.sheet_names(), ["汇总 Summary", "问题明细 Findings"]);
    let sheet = book.worksheet_range("问题明细 Findings").expect("findings sheet");
    let mut it = sheet.rows();
    let head: Vec<String> = it.next().expect("header").iter().map(ToString::to_string).collect();
    assert_eq!(head, header);
    let body: Vec<Vec<String>> = it.map(|r| r.iter().map(ToString::to_string).collect()).collect();
    assert_eq!(body.len(), rows.len(), "the same rows as the CSV");
    assert!(body.iter().flatten().any(|c| c.starts_with("=HYPERLINK(")), "kept as text, not a formula");
    let plain: Vec<&Vec<String>> = body.iter().filter(|r| r[0] == "plain.example.cn").collect();
    assert!(plain.iter().any(|r| r[5] == "icp.link.missing"));
    let summary = book.worksheet_range("汇总 Summary").expect("summary");
    assert!(summary.rows().flatten().any(|c| *c == "专项核查"), "notice kinds as reviewers name them");
    assert!(!summary.rows().flatten().any(|c| c.to_string().contains("special_inspection")));
    assert!(summary.rows().flatten().any(|c| *c == "备案号未链接 (icp.link.missing)"), "checks by name, with the id");
    let notice_col = COLUMNS.iter().position(|(_, k)| *k == "notice").expect("notice column");
    assert!(plain.iter().all(|r| r[notice_col] == "专项核查"), "{plain:?}");
    let name_col = COLUMNS.iter().position(|(_, k)| *k == "check_name").expect("name column");
    assert!(plain.iter().any(|r| r[name_col] == "备案号未链接"), "{plain:?}");
}

#[tokio::test]
async fn jsonl_reads_back_into_the_typed_model() {
    let w = world().await;
    let entries = w.entries(&[]).await;
    assert_eq!(entries.len(), 2, "good.example.cn has no open finding");
    let plain = entry(&entries, "plain.example.cn");
    assert!(plain.rows.iter().any(|r| r.check_id == "icp.link.missing" && r.change == icp_patrol::report::Change::New));
    assert_eq!(plain.notice_drafts.len(), 1);
    assert!(plain.notice_drafts[0].text.contains("备案号未链接至工信部网站"));
    let hostile = entry(&entries, "hostile.example.cn");
    assert!(hostile.rows.iter().any(|r| r.check_id == "content.title_mismatch"));
    // Filters.
    assert!(w.entries(&["--province", "江苏"]).await.is_empty());
    assert_eq!(w.entries(&["--notice", "change_filing"]).await.len(), 1);
    let history = w.entries(&["--domain", "plain.example.cn", "--status", "all"]).await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].history.len(), 1, "one scan so far");
}

/// A game portal's news page (corpus dev c436): its findings are the rules', and the industry model's lead (culture)
/// stands beside them in the report, in no row.
#[tokio::test]
async fn a_report_shows_the_industry_model_s_lead_beside_the_findings() {
    let page =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/content/c436/page.html")).expect("page");
    let w = world_of(
        Kind::Sqlite,
        HashMap::from([("games.example.cn".to_string(), Behaviour::bytes(page))]),
        &["games.example.cn"],
    )
    .await;
    let entries = w.entries(&[]).await;
    let games = entry(&entries, "games.example.cn");
    assert_eq!(games.industry_leads, ["culture"]);
    let preapproval = games.rows.iter().find(|r| r.check_id == "content.preapproval").expect("the rules' news");
    assert_eq!(preapproval.found.as_deref(), Some("news"));
    assert!(games.rows.iter().all(|r| !r.excerpt.contains("model p=")), "{:?}", games.rows);
    let html = std::fs::read_to_string(w.report("html", &[]).await).expect("html");
    // The page's data carries the entry's leads (the template shows any entry's under 行业模型线索).
    assert!(html.contains(r#""industry_leads":["culture"]"#), "the page's data holds the leads");
}

/// A novel site's page (corpus dev c4634, retitled with the filing's name, the filing's number, public security
/// number and operator added at its end), served as `novels.example.cn`, whose filing lacks the publishing
/// pre-approval, and as `approved-novels.example.cn`, whose filing has it: no finding, and a publishing lead by the
/// industry model alone. `unlinked-novels.example.cn` shows its number unlinked: the same lead, and an open finding.
pub(crate) async fn novels_world(kind: Kind) -> World {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/content/c4634/page.html"))
        .expect("page");
    let (head, rest) = page.split_once("<title>").expect("the page's title");
    let (_, rest) = rest.split_once("</title>").expect("its end");
    let (body, tail) = rest.rsplit_once("</body>").expect("the body's end");
    // The page retitled, with a footer showing the filing's number as given (linked or not).
    let served = |number: &str| {
        let footer = format!(
            "<footer><p>© 2025 北京示例科技有限公司 版权所有</p>{number} {}</footer>",
            psb_linked("京公网安备", "11010502000001")
        );
        Behaviour::html(format!("{head}<title>示例科技官网</title>{body}{footer}</body>{tail}"))
    };
    let record = |domain: &str, preapprovals: &[&str]| FilingRecord {
        preapprovals: preapprovals.iter().map(|p| p.to_string()).collect(),
        ..filed_record(domain)
    };
    world_of_records(
        kind,
        HashMap::from([
            ("novels.example.cn".to_string(), served(&linked(NUM))),
            ("approved-novels.example.cn".to_string(), served(&linked(NUM))),
            ("unlinked-novels.example.cn".to_string(), served(NUM)),
        ]),
        vec![
            record("novels.example.cn", &[]),
            record("approved-novels.example.cn", &["出版"]),
            record("unlinked-novels.example.cn", &[]),
        ],
    )
    .await
}

/// `report --leads` lists the site whose filing lacks the lead's pre-approval, and not the one that has it; without
/// `--leads`, neither. A site with an open finding is an entry for the finding, with its lead, and never a lead-only
/// one, even when the filters leave its finding out. The leads are the latest scan's: a repeated scan keeps them, a
/// scan of a page without them clears them. On both stores (the leads are read by statements of their own).
#[tokio::test]
async fn report_leads_lists_sites_with_no_finding_whose_filing_lacks_the_lead_s_approval() {
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let w = novels_world(kind).await;
        let open: Vec<_> = w
            .store
            .findings()
            .await
            .expect("findings")
            .into_iter()
            .filter(|f| f.status == icp_patrol::state::FindingStatus::Open)
            .map(|f| (f.domain, f.check_id))
            .collect();
        assert_eq!(open, [("unlinked-novels.example.cn".to_string(), "icp.link.missing".to_string())]);
        let unlinked = w.entries(&[]).await;
        assert_eq!(unlinked.len(), 1, "only the finding's site without --leads: {unlinked:?}");
        assert_eq!(unlinked[0].industry_leads, ["publishing"], "its lead beside its finding");
        assert!(!unlinked[0].lead_only);
        let entries = w.entries(&["--leads"]).await;
        assert_eq!(entries.len(), 2, "{entries:?}");
        let novels = entry(&entries, "novels.example.cn");
        assert_eq!(novels.industry_leads, ["publishing"]);
        assert!(novels.lead_only);
        assert!(novels.rows.is_empty() && novels.notice_drafts.is_empty(), "a lead is no finding and no notice");
        // The unlinked site's finding left out by a filter: no entry that would read as a site with nothing found.
        let filtered = w.entries(&["--leads", "--notice", "change_filing"]).await;
        assert_eq!(filtered.iter().map(|e| e.domain.as_str()).collect::<Vec<_>>(), ["novels.example.cn"]);
        assert!(filtered[0].notice_drafts.is_empty());
        let html = std::fs::read_to_string(w.report("html", &["--leads"]).await).expect("html");
        assert!(html.contains(r#""publishing":"出版""#), "the page's data names the industry");
        assert!(html.contains("行业模型线索<b>2</b>"), "the summary counts the entries with leads");
        let csv = w.cli(&["report", "--format", "csv", "--output", "-", "--leads"]).await;
        assert_eq!(csv.status.code(), Some(64), "{}", String::from_utf8_lossy(&csv.stderr));
        assert!(String::from_utf8_lossy(&csv.stderr).contains("--format html or jsonl"));

        // The same pages again: repeated scans, which keep their leads.
        let farm = format!("::{}:{}", w.farm.addr.ip(), w.farm.addr.port());
        // (The second scan compares with the first and reads differently; the third repeats the second.)
        w.cycle(&farm, "again").await;
        w.cycle(&farm, "and again").await;
        let kept = w.entries(&["--leads"]).await;
        assert!(kept.iter().any(|e| e.domain == "novels.example.cn"), "kept on a repeat");
        sqlx::any::install_default_drivers();
        let raw = sqlx::AnyPool::connect(&w.url).await.expect("raw connection");
        let repeats: Option<i64> =
            sqlx::query_scalar("SELECT same_as FROM scans WHERE target = 'novels.example.cn' ORDER BY id DESC LIMIT 1")
                .fetch_one(&raw)
                .await
                .expect("latest scan");
        assert!(repeats.is_some(), "the latest scan repeats the one before");

        // The migration's backfill of the scans recorded before the column, repeated ones among them: cleared, then
        // read again from the results (a repeated scan's from the one it repeats).
        sqlx::query("UPDATE scans SET leads = NULL").execute(&raw).await.expect("clear");
        assert!(!w.entries(&["--leads"]).await.iter().any(|e| e.lead_only), "no leads once cleared");
        let migration = match kind {
            Kind::Sqlite => include_str!("../../migrations/sqlite/0010_scan_leads.sql"),
            Kind::Postgres => include_str!("../../migrations/postgres/0010_scan_leads.sql"),
        };
        let backfill = &migration[migration.find("UPDATE").expect("the backfill")..];
        sqlx::query(backfill).execute(&raw).await.expect("backfill");
        assert_eq!(w.entries(&["--leads"]).await, kept, "the backfill restores every lead");

        // The site's page changed to one the model reads nothing on: its lead is gone with its latest scan.
        let plain = page(&format!(
            "<p>© 2025 北京示例科技有限公司 版权所有</p>{} {}",
            linked(NUM),
            psb_linked("京公网安备", "11010502000001")
        ));
        let changed = Farm::start(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            HashMap::from([
                ("novels.example.cn".to_string(), plain.clone()),
                ("www.novels.example.cn".to_string(), plain),
            ]),
        )
        .await
        .expect("farm");
        w.cycle(&format!("::{}:{}", changed.addr.ip(), changed.addr.port()), "changed").await;
        let after = w.entries(&["--leads"]).await;
        assert!(!after.iter().any(|e| e.domain == "novels.example.cn"), "{after:?}");
    }
}

pub(crate) fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| std::process::Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

#[tokio::test]
async fn html_runs_in_headless_chromium_and_nothing_crawled_runs() {
    let w = world().await;
    let html = w.report("html", &[]).await;
    let text = std::fs::read_to_string(&html).expect("read");
    assert!(!text.contains("<script>document.body"), "the crawled script is not in the markup");
    let browser = chromium().expect("Debian's chromium is needed for this test (tests/run installs it)");
    let profile = tempfile::tempdir().expect("profile");
    let common = |extra: &[String]| {
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=3000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.extend_from_slice(extra);
        args.push(format!("file://{}", html.display()));
        args
    };
    let dump =
        std::process::Command::new(browser).args(common(&["--dump-dom".into()])).output().expect("chromium runs");
    let dom = String::from_utf8_lossy(&dump.stdout);
    assert!(dom.contains("hostile.example.cn"), "the report rendered its entries: {}", &dom[..dom.len().min(500)]);
    let body_tag = dom.split("<body").nth(1).and_then(|b| b.split('>').next()).unwrap_or_default();
    assert!(!body_tag.contains("data-pwned"), "nothing crawled ran: <body{body_tag}>");
    assert!(dom.contains("&lt;script&gt;document.body.setAttribute"), "the crawled script shows as text");
    assert!(dom.contains("&lt;img src=x onerror="), "the crawled image tag shows as text");
    // Notice kinds and check names as reviewers say them; times in Beijing time, like the dates.
    assert!(dom.contains("<div class=\"card\">专项核查<b>"), "the summary card names the notice");
    assert!(dom.contains("通知草稿（专项核查，期限 "), "the draft names its notice");
    assert!(dom.contains(">备案号未链接</td>"), "the check by its Chinese name");
    let scanned = regex::Regex::new(r"扫描于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(北京时间\)").expect("pattern");
    assert!(scanned.is_match(&dom), "the scan time in Beijing time");
    assert!(!dom.contains("扫描于 20") || !regex::Regex::new(r"扫描于 [0-9-]+T").expect("p").is_match(&dom));
    let shot = w.dir.path().join("report.png");
    let out = std::process::Command::new(browser)
        .args(common(&[format!("--screenshot={}", shot.display()), "--window-size=1280,1600".into()]))
        .output()
        .expect("screenshot");
    assert!(shot.exists(), "screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshot.png");
    let _ = std::fs::copy(&shot, &keep);
}

#[tokio::test]
async fn a_false_positive_stays_out_until_the_evidence_changes() {
    let w = world().await;
    let out = w
        .cli(&[
            "review",
            "plain.example.cn",
            "icp.link.missing",
            "--decision",
            "false_positive",
            "--note",
            "链接由脚本插入",
            "--by",
            "reviewer-a",
        ])
        .await;
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let entries = w.entries(&[]).await;
    let plain = entry(&entries, "plain.example.cn");
    assert!(!plain.rows.iter().any(|r| r.check_id == "icp.link.missing"), "kept out of the report");
    assert!(
        plain.set_apart.iter().any(
            |r| r.check_id == "icp.link.missing" && r.decision.as_deref().is_some_and(|d| d.contains("reviewer-a"))
        )
    );
    assert!(plain.notice_drafts.iter().all(|d| !d.text.contains("备案号未链接")), "and out of notices");

    // The same evidence again: still set apart.
    w.cycle(&format!("::{}:{}", w.farm.addr.ip(), w.farm.addr.port()), "second").await;
    assert!(!entry(&w.entries(&[]).await, "plain.example.cn").rows.iter().any(|r| r.check_id == "icp.link.missing"));

    // New evidence (another page) brings it back.
    let changed = HashMap::from([("plain.example.cn".to_string(), page(&format!("<p>备案号 {NUM} 本站</p>")))]);
    let farm2 = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), changed).await.expect("farm");
    w.cycle(&format!("plain.example.cn::{}:{}", farm2.addr.ip(), farm2.addr.port()), "third").await;
    let plain = entry(&w.entries(&[]).await, "plain.example.cn").clone();
    let back = plain.rows.iter().find(|r| r.check_id == "icp.link.missing").expect("back in the report");
    assert!(back.decision.as_deref().is_some_and(|d| d.contains("no longer applies")));
}

#[tokio::test]
async fn change_marks_and_the_notice_lifecycle() {
    let w = world().await;
    let first = w.entries(&[]).await;
    assert!(entry(&first, "plain.example.cn").rows.iter().all(|r| r.change == icp_patrol::report::Change::New));
    // Nothing changed: the next report marks nothing new.
    let second = w.entries(&[]).await;
    assert!(entry(&second, "plain.example.cn").rows.iter().all(|r| r.change == icp_patrol::report::Change::Unchanged));

    // A notice is sent; one extension of at most 7 working days.
    // (Stored directly: the CLI refuses a deadline before today, and this one is in the test's past.)
    w.store
        .add_notice(
            "plain.example.cn",
            icp_patrol::rules::NoticeKind::SpecialInspection,
            date("2026-11-28"),
            "reviewer",
            &icp_patrol::store::AuditEntry::new(&icp_patrol::store::Actor::cli("test"), "test", "fixture"),
        )
        .await
        .expect("sent");
    let ext = w.cli(&["notice", "extend", "plain.example.cn", "--kind", "special_inspection", "--days", "8"]).await;
    assert_ne!(ext.status.code(), Some(0), "more than 7 working days is refused");
    let ext = w.cli(&["notice", "extend", "plain.example.cn", "--kind", "special_inspection", "--days", "1"]).await;
    assert_eq!(ext.status.code(), Some(0), "{}", String::from_utf8_lossy(&ext.stderr));
    assert!(
        String::from_utf8_lossy(&ext.stdout).contains("延至 2026-11-30"),
        "Saturday 28th + 1 working day is Monday"
    );
    let again = w.cli(&["notice", "extend", "plain.example.cn", "--kind", "special_inspection", "--days", "1"]).await;
    assert_ne!(again.status.code(), Some(0), "one extension per notice");
    let notices = w.store.notices(Some("plain.example.cn")).await.expect("notices");
    assert_eq!(notices[0].due(), date("2026-11-30"));

    // At the deadline the daemon re-scans: still failing, so overdue; a fixed site is rectified.
    let mut cfg_today = Config { database: w.url.clone(), schedule: vec![], ..Config::default() };
    cfg_today.daemon.metrics_addr = None;
    let run_at = |day: &str| {
        let mut overrides = icp_patrol::fetch::Overrides::default();
        overrides
            .connect_to
            .push(format!("::{}:{}", w.farm.addr.ip(), w.farm.addr.port()).parse().expect("connect-to"));
        let fetcher =
            icp_patrol::fetch::Fetcher::new(Default::default(), overrides, no_dns(), icp_patrol::dns::Guard::default())
                .expect("fetcher");
        let scanner = icp_patrol::engine::Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
        Daemon::new(w.store.clone(), scanner, cfg_today.clone()).with_today(date(day))
    };
    run_at("2026-11-29").run(CancellationToken::new(), true).await.expect("before the deadline");
    assert_eq!(
        w.store.notices(Some("plain.example.cn")).await.expect("n")[0].state,
        icp_patrol::state::NoticeState::Sent,
        "not due yet"
    );
    run_at("2026-11-30").run(CancellationToken::new(), true).await.expect("at the deadline");
    assert_eq!(
        w.store.notices(Some("plain.example.cn")).await.expect("n")[0].state,
        icp_patrol::state::NoticeState::Overdue
    );
    let entries = w.entries(&[]).await;
    let plain = entry(&entries, "plain.example.cn");
    assert_eq!(plain.notices[0].state, "overdue");
    assert!(plain.rows.iter().any(|r| r.deadline == Some(date("2026-11-30")) || r.deadline.is_none()));

    // A site that was failing when its notice went out and is fixed by the deadline.
    w.store
        .add_notice(
            "good.example.cn",
            icp_patrol::rules::NoticeKind::SpecialInspection,
            date("2026-11-28"),
            "reviewer",
            &icp_patrol::store::AuditEntry::new(&icp_patrol::store::Actor::cli("test"), "test", "fixture"),
        )
        .await
        .expect("sent");
    run_at("2026-11-30").run(CancellationToken::new(), true).await.expect("good site");
    assert_eq!(
        w.store.notices(Some("good.example.cn")).await.expect("n")[0].state,
        icp_patrol::state::NoticeState::Rectified
    );
    // --notices writes one draft file per entry and kind.
    let dir = w.dir.path().join("drafts");
    w.report("jsonl", &["--notices", &dir.display().to_string()]).await;
    assert!(std::fs::read_dir(&dir).expect("drafts").count() >= 1);
}

/// Extensions count working days from rules/holidays.toml: across the Spring Festival 2027
/// (provisional there, which the command says) and 2026 (调休 Saturdays counted).
#[tokio::test]
async fn an_extension_skips_the_spring_festival() {
    let w = world().await;
    for (domain, deadline) in [("plain.example.cn", "2026-02-13"), ("good.example.cn", "2027-02-03")] {
        w.store
            .add_notice(
                domain,
                icp_patrol::rules::NoticeKind::SpecialInspection,
                date(deadline),
                "reviewer",
                &icp_patrol::store::AuditEntry::new(&icp_patrol::store::Actor::cli("test"), "test", "fixture"),
            )
            .await
            .expect("sent");
    }
    let ext = w.cli(&["notice", "extend", "plain.example.cn", "--kind", "special_inspection", "--days", "7"]).await;
    assert_eq!(ext.status.code(), Some(0), "{}", String::from_utf8_lossy(&ext.stderr));
    // 2-14 (调休 Saturday), 2-24..2-27, 2-28 (调休 Saturday), 3-2.
    assert!(
        String::from_utf8_lossy(&ext.stdout).contains("由 2026-02-13 延至 2026-03-02"),
        "{}",
        String::from_utf8_lossy(&ext.stdout)
    );
    assert!(!String::from_utf8_lossy(&ext.stderr).contains("warning"), "2026 is the published notice");
    let ext = w.cli(&["notice", "extend", "good.example.cn", "--kind", "special_inspection", "--days", "5"]).await;
    assert_eq!(ext.status.code(), Some(0), "{}", String::from_utf8_lossy(&ext.stderr));
    // 2-4, then the holiday 2-5..2-10, then 2-11, 2-12, 2-15, 2-16.
    assert!(
        String::from_utf8_lossy(&ext.stdout).contains("延至 2027-02-16"),
        "{}",
        String::from_utf8_lossy(&ext.stdout)
    );
    assert!(
        String::from_utf8_lossy(&ext.stderr).contains("2027 年的节假日为暂定"),
        "{}",
        String::from_utf8_lossy(&ext.stderr)
    );
}

/// The daemon's deadline pass and the reports use one decision rule: a waiver whose `until` has
/// passed sets nothing apart, so a site still failing at its deadline is overdue.
#[tokio::test]
async fn an_expired_waiver_does_not_rectify_a_notice() {
    let w = world().await;
    let open = w.store.open_findings("plain.example.cn").await.expect("open");
    assert!(!open.is_empty());
    for f in open.values() {
        let decision = icp_patrol::store::Decision {
            domain: "plain.example.cn".into(),
            target: "plain.example.cn".into(),
            check_id: f.check_id.clone(),
            decision: icp_patrol::state::DecisionKind::Waived,
            until: Some(date("2026-11-29")),
            note: "until the redesign".into(),
            decided_by: "reviewer".into(),
            decided_at: 0,
            fingerprint: icp_patrol::report::fingerprint(&f.check_id, &f.evidence),
        };
        w.store
            .add_decision(
                &decision,
                &icp_patrol::store::AuditEntry::new(&icp_patrol::store::Actor::cli("test"), "test", "fixture"),
            )
            .await
            .expect("decide");
    }
    w.store
        .add_notice(
            "plain.example.cn",
            icp_patrol::rules::NoticeKind::SpecialInspection,
            date("2026-11-30"),
            "reviewer",
            &icp_patrol::store::AuditEntry::new(&icp_patrol::store::Actor::cli("test"), "test", "fixture"),
        )
        .await
        .expect("notice");
    let mut cfg = Config { database: w.url.clone(), schedule: vec![], ..Config::default() };
    cfg.daemon.metrics_addr = None;
    let mut overrides = icp_patrol::fetch::Overrides::default();
    overrides.connect_to.push(format!("::{}:{}", w.farm.addr.ip(), w.farm.addr.port()).parse().expect("connect-to"));
    let fetcher =
        icp_patrol::fetch::Fetcher::new(Default::default(), overrides, no_dns(), icp_patrol::net::Guard::default())
            .expect("fetcher");
    let scanner = icp_patrol::engine::Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
    let d = Daemon::new(w.store.clone(), scanner, cfg).with_today(date("2026-11-30"));
    d.run(CancellationToken::new(), true).await.expect("at the deadline");
    assert_eq!(
        w.store.notices(Some("plain.example.cn")).await.expect("n")[0].state,
        icp_patrol::state::NoticeState::Overdue
    );
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Bad input gets a clear error, its own exit status, and changes nothing.
#[tokio::test]
async fn bad_review_notice_and_report_input_is_refused_and_changes_nothing() {
    let w = world().await;
    let refused = |out: &std::process::Output, code: i32, says: &str| {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{says}: {err}");
        assert!(err.contains(says), "{says}: {err}");
    };
    let sent = |d: &str| ["notice", "sent", d, "--kind", "special_inspection"].map(str::to_string);

    refused(&w.cli(&args(&sent("nofiling.example.cn"))).await, 65, "no filing record");
    refused(&w.cli(&args(&sent("good.example.cn"))).await, 65, "no open finding");
    let mut early = sent("plain.example.cn").to_vec();
    early.extend(["--deadline".to_string(), "2020-01-01".to_string()]);
    refused(&w.cli(&args(&early)).await, 64, "before the day the notice is sent");
    assert!(w.store.notices(None).await.expect("notices").is_empty(), "nothing stored");
    let first = w.cli(&args(&sent("plain.example.cn"))).await;
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    refused(&w.cli(&args(&sent("plain.example.cn"))).await, 65, "sent already");
    assert_eq!(w.store.notices(None).await.expect("notices").len(), 1);

    let review = |extra: &[&str]| {
        let mut v = vec!["review", "plain.example.cn", "icp.link.missing", "--note", "n"];
        v.extend_from_slice(extra);
        v.into_iter().map(str::to_string).collect::<Vec<_>>()
    };
    refused(&w.cli(&args(&review(&["--decision", "waived"]))).await, 64, "a waiver needs its last day");
    refused(&w.cli(&args(&review(&["--decision", "waived", "--until", "2020-01-01"]))).await, 64, "in the past");
    refused(&w.cli(&args(&review(&["--decision", "confirmed", "--until", "2099-01-01"]))).await, 64, "waivers only");
    assert!(w.store.latest_decisions().await.expect("decisions").is_empty(), "nothing stored");

    // Without USER the decision still names who made it.
    let mut all = vec!["--database".to_string(), w.url.clone()];
    all.extend(review(&["--decision", "false_positive"]));
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .args(&all)
        .env_remove("USER")
        .env_remove("SUDO_USER")
        .output()
        .await
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let decided_by = w.store.latest_decisions().await.expect("decisions")[0].decided_by.clone();
    assert!(!decided_by.is_empty() && decided_by != "unknown", "{decided_by}");

    let cwd = tempfile::tempdir().expect("tempdir");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_icp-patrol"))
        .args(["--database", &w.url, "report", "--format", "xlsx", "--output", "-"])
        .current_dir(cwd.path())
        .output()
        .await
        .expect("runs");
    refused(&out, 64, "not -");
    assert!(!cwd.path().join("-").exists(), "no file named -");
    refused(&w.cli(&["report", "--format", "csv", "--output", "/dev/null", "--province", "火星"]).await, 64, "火星");
    let short = w.cli(&["report", "--format", "csv", "--output", "/dev/null", "--province", "京"]).await;
    assert_eq!(short.status.code(), Some(0), "{}", String::from_utf8_lossy(&short.stderr));
    refused(&w.cli(&["demo"]).await, 64, "--store");
}
