//! `icp-patrol scan <DOMAIN|URL>` and `scan --all --filings FILE`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use futures_util::StreamExt;

use super::{render, settings};
use crate::engine::{Scanner, Target, today_in_shanghai};
use crate::fetch::{ConnectTo, Overrides, ResolveEntry};
use crate::filing::{FilingSet, load_filings, parse_date};
use crate::result::ScanResult;
use crate::scheduler::{Admission, HostKeys, Politeness, PolitenessOptions};
use crate::store::Store;
use crate::verdict::Status;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// A domain (tried over https, then http) or an http(s) URL.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub target: Option<String>,
    /// Scan every record of --filings (JSON Lines with --format json).
    #[arg(long, requires = "filings")]
    pub all: bool,
    /// Filing records (CSV, XLSX or JSON; format: docs/filings.md); the target's record is used for
    /// the checks.
    #[arg(long, value_name = "FILE")]
    pub filings: Option<PathBuf>,
    /// Output: text for people, json for programs (schema scan/v1).
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The language of text output: zh (check names, messages and remedies in Chinese) or en (with
    /// the check ids).
    #[arg(long, value_enum, default_value_t)]
    pub lang: render::Lang,
    /// The day the date rules count from (default: today in Asia/Shanghai).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub network: NetworkArgs,
    /// A rules directory to use instead of the rules built into the program.
    #[arg(long, value_name = "DIR")]
    pub rules: Option<PathBuf>,
    /// Scans at once with --all.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u16).range(1..=4096))]
    pub concurrency: u16,
    /// Seconds one scan may take in all (every redirect, both schemes, the body) [default: the
    /// config's scan.timeout_secs, 30].
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<u64>,
    /// Seconds a connection may take to open [default: the config's scan.connect_timeout_secs, 10].
    #[arg(long, value_name = "SECS")]
    pub connect_timeout: Option<u64>,
    /// Largest page body in bytes, after decompression [default: the config's scan.max_body_bytes,
    /// 5 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_body: Option<usize>,
    /// When to render the page in headless Chromium: auto (its footer shows no number and it looks
    /// built by script), always, never (default: `scan.render` of the config, else auto).
    #[arg(long, value_name = "auto|always|never")]
    pub render: Option<crate::render::RenderMode>,
    /// Write each rendered scan's screenshots here (PNG files named by their SHA-256).
    #[arg(long, value_name = "DIR")]
    pub evidence_dir: Option<PathBuf>,
}

/// Where a scan's connections go: overrides, name servers and allowed private networks.
#[derive(Debug, Clone, Default, Args)]
pub struct NetworkArgs {
    /// Connect to ADDR for HOST:PORT, as curl's --resolve (loopback and private allowed).
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<ResolveEntry>,
    /// Connect to HOST2:PORT2 for HOST1:PORT1, as curl's --connect-to.
    #[arg(long = "connect-to", value_name = "HOST1:PORT1:HOST2:PORT2")]
    pub connect_to: Vec<ConnectTo>,
    /// Send every DNS question to this server (default: the system's servers).
    #[arg(long, value_name = "ADDR:PORT")]
    pub nameserver: Vec<std::net::SocketAddr>,
    /// Allow targets in this non-public network (test farms only; loopback and private stay refused otherwise).
    #[arg(long, value_name = "CIDR")]
    pub allow_network: Vec<ipnet::IpNet>,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).ok_or_else(|| format!("{s:?} is not a date (YYYY-MM-DD)"))
}

/// The config's fetch limits, each overridden by its flag only when the flag was given.
fn fetch_options(args: &ScanArgs, config: &crate::config::Config) -> crate::fetch::FetchOptions {
    let mut options = settings::fetch_options(config);
    if let Some(secs) = args.connect_timeout {
        options.connect_timeout = Duration::from_secs(secs.max(1));
    }
    if let Some(secs) = args.timeout {
        options.total_timeout = Duration::from_secs(secs.max(1));
    }
    if let Some(bytes) = args.max_body {
        options.max_body = bytes;
    }
    options
}

fn build_scanner(args: &ScanArgs, config: &crate::config::Config) -> anyhow::Result<Scanner> {
    let rules = settings::rules(config, args.rules.as_deref())?;
    let options = fetch_options(args, config);
    network_scanner(config, rules, options, &args.network, args.render)
}

/// A scanner whose connections follow the flags, rendering as `render` says (else as configured).
pub(super) fn network_scanner(
    config: &crate::config::Config,
    rules: crate::rules::RuleSet,
    options: crate::fetch::FetchOptions,
    network: &NetworkArgs,
    render: Option<crate::render::RenderMode>,
) -> anyhow::Result<Scanner> {
    let overrides = Overrides { resolve: network.resolve.clone(), connect_to: network.connect_to.clone() };
    let mut config = config.clone();
    if let Some(mode) = render {
        config.scan.render = mode;
    }
    settings::scanner(&config, rules, overrides, options, &network.nameserver, &network.allow_network)
}

pub(super) async fn run(args: ScanArgs, settings: settings::Settings) -> anyhow::Result<u8> {
    let scanner = build_scanner(&args, &settings.config)?;
    // A configured store supplies records and keeps results; without one nothing is written.
    let store = if settings.config.database_named { Some(settings::store(&settings.config).await?) } else { None };
    let filings = match &args.filings {
        Some(path) => load_filings(path)?,
        None => FilingSet::default(),
    };
    let today = args.today.unwrap_or_else(today_in_shanghai);
    if args.all {
        return scan_all(&scanner, &filings, today, &args, store.as_ref(), &settings.config.daemon).await;
    }
    let input = args.target.as_deref().unwrap_or_default();
    let target = Target::parse(input)?;
    let stored = match (&store, filings.for_host(&target.host)) {
        (Some(store), None) => store.filing_for_host(&target.host).await?.map(|f| f.record),
        _ => None,
    };
    let record = filings.for_host(&target.host).or(stored.as_ref());
    if record.is_none() {
        tracing::warn!(host = %target.host, "no filing record for this host; checks that need one are skipped");
    }
    let mut result = scanner.scan(&target, record, today).await;
    if let Some(store) = &store {
        record_with_history(store, &scanner, &mut result, record).await?;
    }
    if let Some(dir) = &args.evidence_dir {
        write_evidence(dir, &result)?;
    }
    emit(&result, args.format, scanner.rules(), args.lang)?;
    if let Some(renderer) = scanner.renderer() {
        renderer.shutdown().await;
    }
    Ok(result.exit_code())
}

/// With a store: the `change.*` checks compared with the host's stored scans, then the result kept.
async fn record_with_history(
    store: &Store,
    scanner: &Scanner,
    result: &mut ScanResult,
    record: Option<&crate::filing::FilingRecord>,
) -> anyhow::Result<()> {
    let open = store.open_findings(&result.domain).await?;
    crate::scheduler::history::compare(store, scanner, result, record, &open).await?;
    store.record(result, None).await?;
    Ok(())
}

/// The screenshots of a rendered scan, one PNG per digest (the result names them).
fn write_evidence(dir: &std::path::Path, result: &ScanResult) -> anyhow::Result<()> {
    if result.screenshots.is_empty() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for shot in &result.screenshots {
        let path = dir.join(format!("{}.png", shot.sha256));
        std::fs::write(&path, &shot.png).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// One scan of `scan --all` under the same politeness as the daemon's: a server being left alone is
/// waited for, and a rate-limited scan is tried once more when the server said it may be.
async fn polite_scan(
    scanner: &Scanner,
    politeness: &Politeness,
    target: &Target,
    record: &crate::filing::FilingRecord,
    today: NaiveDate,
) -> ScanResult {
    let keys = HostKeys::of(scanner, target).await;
    let mut tries = 0;
    loop {
        let admitted = match politeness.admit(&keys).await {
            Admission::Go(admitted) => admitted,
            Admission::Held { until, .. } => {
                tokio::time::sleep_until(until).await;
                continue;
            }
        };
        let result = scanner.scan(target, Some(record), today).await;
        drop(admitted);
        tries += 1;
        let retry_after = result.fetch.retry_after_secs.map(Duration::from_secs);
        politeness.observe(&keys, result.fetch.error.as_ref(), retry_after);
        let rate_limited = result.fetch.error.as_ref().is_some_and(|e| e.kind == crate::net::ErrorKind::RateLimited);
        if !rate_limited || tries == 2 {
            return result;
        }
    }
}

async fn scan_all(
    scanner: &Scanner,
    filings: &FilingSet,
    today: NaiveDate,
    args: &ScanArgs,
    store: Option<&Store>,
    daemon_settings: &crate::config::DaemonSettings,
) -> anyhow::Result<u8> {
    if filings.records().is_empty() {
        bail!("{}: no records to scan", args.filings.as_ref().map(|p| p.display().to_string()).unwrap_or_default());
    }
    let progress = indicatif::ProgressBar::new(filings.records().len() as u64);
    if !std::io::stderr().is_terminal() {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let politeness = Politeness::new(PolitenessOptions::from_settings(daemon_settings));
    let politeness = &politeness;
    let mut results = futures_util::stream::iter(filings.records())
        .map(|record| async move {
            match Target::parse(&record.domain) {
                Ok(t) => Some((polite_scan(scanner, politeness, &t, record, today).await, record)),
                Err(e) => {
                    tracing::error!(domain = %record.domain, "{e}");
                    None
                }
            }
        })
        .buffer_unordered(args.concurrency as usize);
    // The exit status is that of the worst verdict; a record that could not be scanned is inconclusive.
    let mut worst = Status::Compliant;
    while let Some(result) = results.next().await {
        progress.inc(1);
        match result {
            Some((mut result, record)) => {
                if let Some(store) = store {
                    record_with_history(store, scanner, &mut result, Some(record)).await?;
                }
                if let Some(dir) = &args.evidence_dir {
                    write_evidence(dir, &result)?;
                }
                progress.suspend(|| emit(&result, args.format, scanner.rules(), args.lang))?;
                worst = worst.max(result.verdict.status);
            }
            None => worst = worst.max(Status::Inconclusive),
        }
    }
    progress.finish_and_clear();
    Ok(worst.exit_code())
}

/// Writes one result to stdout. A reader that has gone (`scan … | head -1`) is not an error: the
/// scan's work (and its exit status, the verdict) stands, the rest of the output has nowhere to go.
pub(super) fn emit(
    result: &ScanResult,
    format: Format,
    rules: &crate::rules::RuleSet,
    lang: render::Lang,
) -> anyhow::Result<()> {
    match write_result(result, format, rules, lang) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn write_result(
    result: &ScanResult,
    format: Format,
    rules: &crate::rules::RuleSet,
    lang: render::Lang,
) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        Format::Json => {
            serde_json::to_writer(&mut out, result)?;
            out.write_all(b"\n")?;
        }
        Format::Text => render::text(&mut out, result, &rules.catalogue, lang, std::io::stdout().is_terminal())?,
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn args(line: &[&str]) -> ScanArgs {
        match Cli::try_parse_from(line).expect("parses").command {
            Command::Scan(a) => a,
            _ => panic!("not a scan"),
        }
    }

    #[test]
    fn flags_override_the_config_only_when_given() {
        let mut config = crate::config::Config::default();
        config.scan.timeout_secs = 7;
        config.scan.connect_timeout_secs = 3;
        config.scan.max_body_bytes = 1024;
        let quiet = fetch_options(&args(&["icp-patrol", "scan", "a.example.cn"]), &config);
        assert_eq!(quiet.total_timeout, Duration::from_secs(7));
        assert_eq!(quiet.connect_timeout, Duration::from_secs(3));
        assert_eq!(quiet.max_body, 1024);
        let given =
            fetch_options(&args(&["icp-patrol", "scan", "a.example.cn", "--timeout", "9", "--max-body", "5"]), &config);
        assert_eq!(given.total_timeout, Duration::from_secs(9));
        assert_eq!(given.connect_timeout, Duration::from_secs(3));
        assert_eq!(given.max_body, 5);
    }
}
