//! `icp-patrol demo`: the main job on this machine with no internet. Serves the sample sites of
//! `deploy/demo/` on loopback, imports the sample filings into an embedded SQLite store, runs one
//! scheduled cycle of the daemon over them, and prints what a reviewer would see and where it is.

use super::output::say;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::Days;
use clap::Args;

use tokio_util::sync::CancellationToken;

use super::render::{Lang, pad};
use super::settings;
use crate::checks::Outcome;
use crate::config::Config;
use crate::engine::today_in_shanghai;
use crate::farm::{Behaviour, Farm};
use crate::fetch::Overrides;
use crate::filing::parse_filings;
use crate::rules::RuleSet;
use crate::scheduler::Daemon;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The embedded store the demo creates afresh.
    #[arg(long, default_value = "icp-patrol-demo.db")]
    pub store: PathBuf,
    /// Where to write the latest results as JSON Lines.
    #[arg(long, default_value = "icp-patrol-demo.jsonl")]
    pub output: PathBuf,
    /// The language of the output: zh (check names in Chinese) or en (with the check ids).
    #[arg(long, value_enum, default_value_t)]
    pub lang: Lang,
}

const FILINGS: &[u8] = include_bytes!("../../deploy/demo/filings.csv");

fn sample_sites() -> HashMap<String, Behaviour> {
    let html = |bytes: &[u8]| Behaviour::bytes(bytes.to_vec());
    HashMap::from([
        ("good.example.cn".into(), html(include_bytes!("../../deploy/demo/sites/good.html"))),
        ("unlinked.example.cn".into(), html(include_bytes!("../../deploy/demo/sites/unlinked.html"))),
        ("jiangsu.example.cn".into(), html(include_bytes!("../../deploy/demo/sites/jiangsu.html"))),
        ("wrongnum.example.cn".into(), html(include_bytes!("../../deploy/demo/sites/wrongnum.html"))),
        ("pending.example.cn".into(), html(include_bytes!("../../deploy/demo/sites/pending.html"))),
        ("gbk.example.cn".into(), html(include_bytes!("../../deploy/demo/sites/gbk.html"))),
        ("down.example.cn".into(), Behaviour::Status { code: 503, body: "Service Unavailable".into() }),
        (
            "moved.example.cn".into(),
            Behaviour::Redirect { code: 301, location: "http://www.elsewhere-example.com/".into() },
        ),
        ("www.elsewhere-example.com".into(), html(include_bytes!("../../deploy/demo/sites/good.html"))),
    ])
}

pub(super) async fn run(args: DemoArgs) -> anyhow::Result<u8> {
    let lang = args.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let farm = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sample_sites()).await?;
    eprintln!(
        "1. {} http://{} {}",
        l("示例网站已在", "sample sites served on"),
        farm.addr,
        l("上提供（按 Host 区分）", "(by Host header)")
    );

    // A fresh embedded store with the sample filings.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", args.store.display()));
    }
    let mut config = Config { database: format!("sqlite://{}", args.store.display()), ..Config::default() };
    // Every name and port goes to the farm: nothing leaves the machine, no resolver is asked.
    config.scan.connect_to = vec![format!("::{}:{}", farm.addr.ip(), farm.addr.port())];
    config.daemon.metrics_addr = None;
    config.daemon.max_attempts = 1;
    let store = Store::connect(&config.database).await?;
    let rules = RuleSet::embedded();
    let today = today_in_shanghai();
    let mut records = parse_filings(Path::new("deploy/demo/filings.csv"), FILINGS)?.records().to_vec();
    for record in &mut records {
        if record.domain.starts_with("pending.") {
            // A site opened ten days ago, so the 30-day public-security rule is still running.
            record.opened_on = today.checked_sub_days(Days::new(10));
        }
    }
    let summary = store.import(&records, |r| super::import::province_name(&rules, r), false).await?;
    eprintln!("2. {} {} {}", summary.added, l("条备案记录已导入", "filings imported into"), store.url());

    // One scheduled cycle of the daemon.
    let catalogue = rules.catalogue.clone();
    let scanner = settings::scanner(&config, rules, Overrides::default(), settings::fetch_options(&config), &[], &[])?;
    let daemon = Daemon::new(store.clone(), scanner, config.clone()).with_today(today);
    store.take_daemon_lock(daemon.worker_id(), 60_000).await?;
    let run = daemon.run(CancellationToken::new(), true).await?;
    eprintln!(
        "3. {} {}: {} {}\n",
        l("守护进程完成一轮", "daemon cycle done"),
        run.cycles.join(", "),
        run.recorded,
        l("条结果已记录", "results recorded")
    );

    // What a reviewer sees, read back from the store.
    let scans = store.scans(None, 1000).await?;
    let mut lines = Vec::new();
    say!(
        "{} {} {}",
        pad(l("域名", "domain"), 28),
        pad(l("结论", "verdict"), 14),
        l("不合规的检查项", "failing checks")
    );
    let mut scans = scans;
    scans.sort_by(|a, b| a.target.cmp(&b.target));
    for scan in &scans {
        let failed: Vec<&str> = scan
            .result
            .checks
            .iter()
            .filter(|c| c.outcome == Outcome::Fail)
            .map(|c| lang.check_name(&catalogue, &c.id))
            .collect();
        say!(
            "{} {} {}",
            pad(&scan.target, 28),
            pad(lang.status(scan.result.verdict.status), 14),
            failed.join(l("、", ", "))
        );
        lines.push(serde_json::to_string(&scan.result)?);
    }
    let open = store.findings().await?.into_iter().filter(|f| f.status == crate::state::FindingStatus::Open).count();
    std::fs::write(&args.output, lines.join("\n") + "\n")
        .with_context(|| format!("writing {}", args.output.display()))?;
    if let Some(first) = scans.iter().find(|s| !s.result.notice_drafts.is_empty()) {
        let draft = &first.result.notice_drafts[0];
        say!(
            "\n{} ({}, {}, {} {}):\n",
            l("通知草稿", "A notice draft"),
            first.target,
            lang.notice(draft.kind),
            l("期限", "deadline"),
            draft.deadline
        );
        if let Some(w) = &draft.deadline_warning {
            say!("{}{w}\n", l("注意：", "warning: "));
        }
        say!("{}", draft.text);
    }
    say!(
        "\n{}: {} ({} {}, {} {})",
        l("存储", "Store"),
        store.url(),
        scans.len(),
        l("次扫描", "scans"),
        open,
        l("个未解决的问题", "open findings")
    );
    say!("{} (schema icp-patrol/scan/v1): {}", l("JSON 结果", "JSON results"), args.output.display());
    say!(
        "{}: icp-patrol --database {url} user add NAME --role lead && icp-patrol --database {url} serve",
        l("在浏览器中审核", "Review in a browser"),
        url = store.url()
    );
    Ok(0)
}
