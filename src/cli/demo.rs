//! `icp-patrol demo`: the main job on this machine with no internet. Serves the sample sites of
//! `deploy/demo/` on loopback, scans every sample filing through the real HTTP path, prints each
//! result and a summary, and writes the JSON results.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use chrono::Days;
use clap::Args;

use super::render;
use crate::dns::{Dns, DnsOptions, Guard};
use crate::engine::{Scanner, Target, today_in_shanghai};
use crate::farm::{Behaviour, Farm};
use crate::fetch::{ConnectTo, FetchOptions, Fetcher, Overrides};
use crate::filing::parse_filings;
use crate::rules::RuleSet;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the results as JSON Lines.
    #[arg(long, default_value = "icp-patrol-demo.jsonl")]
    pub output: PathBuf,
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
    let farm = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), sample_sites()).await?;
    eprintln!("sample sites served on http://{} (by Host header)", farm.addr);
    // Every name and port goes to the farm: nothing leaves the machine, no resolver is asked.
    let to_farm = ConnectTo { host: None, port: None, to_host: farm.addr.ip().to_string(), to_port: farm.addr.port() };
    let overrides = Overrides { resolve: vec![], connect_to: vec![to_farm] };
    let dns = Dns::new(&DnsOptions::default())?;
    let fetcher = Fetcher::new(FetchOptions::default(), overrides, dns, Guard::default())?;
    let scanner = Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
    let today = today_in_shanghai();
    let filings = parse_filings(Path::new("deploy/demo/filings.csv"), FILINGS)?;

    let mut lines = Vec::new();
    let mut summary = Vec::new();
    for record in filings.records() {
        let mut record = record.clone();
        if record.domain.starts_with("pending.") {
            // A site opened ten days ago, so the 30-day public-security rule is still running.
            record.opened_on = today.checked_sub_days(Days::new(10));
        }
        let target = Target::parse(&record.domain)?;
        let result = scanner.scan(&target, Some(&record), today).await;
        render::text(&mut std::io::stdout().lock(), &result, false)?;
        let failed: Vec<&str> =
            result.checks.iter().filter(|c| c.outcome == crate::checks::Outcome::Fail).map(|c| c.id.as_str()).collect();
        summary.push(format!(
            "{:<24} {:<13} {}",
            result.domain,
            format!("{:?}", result.verdict.status).to_lowercase(),
            failed.join(", ")
        ));
        lines.push(serde_json::to_string(&result)?);
    }
    std::fs::write(&args.output, lines.join("\n") + "\n")
        .with_context(|| format!("writing {}", args.output.display()))?;
    println!("{:<24} {:<13} failing checks", "domain", "verdict");
    for line in summary {
        println!("{line}");
    }
    println!("\nJSON results (schema icp-patrol/scan/v1): {}", args.output.display());
    Ok(0)
}
