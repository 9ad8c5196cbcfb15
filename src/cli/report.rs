//! `icp-patrol report --format xlsx|csv|html|jsonl [filters]` from the store.

use std::path::PathBuf;

use clap::Args;

use super::settings::{self, Settings};
use crate::engine::today_in_shanghai;
use crate::filing::parse_date;
use crate::report::{self, Filters, Format};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(long, value_enum)]
    pub format: Format,
    /// Output file (default: report.<format>; `-` for stdout except XLSX).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Only this province (its name, e.g. 江苏).
    #[arg(long)]
    pub province: Option<String>,
    /// Only filings of this provider id.
    #[arg(long)]
    pub provider: Option<String>,
    /// Only findings that feed this notice kind.
    #[arg(long, value_parser = ["special_inspection", "change_filing", "none"])]
    pub notice: Option<String>,
    /// Which findings: open (default), resolved, or all.
    #[arg(long, default_value = "open", value_parser = ["open", "resolved", "all"])]
    pub status: String,
    /// Only findings seen on or after this day.
    #[arg(long, value_parser = |s: &str| parse_date(s).ok_or_else(|| format!("{s:?} is not a date")))]
    pub since: Option<chrono::NaiveDate>,
    /// One filed domain, with its history of scans, findings and notices.
    #[arg(long)]
    pub domain: Option<String>,
    /// Also write every notice draft as a file of its own into this directory.
    #[arg(long, value_name = "DIR")]
    pub notices: Option<PathBuf>,
}

pub(super) async fn run(args: ReportArgs, settings: Settings) -> anyhow::Result<u8> {
    let store = settings::store(&settings.config).await?;
    let rules = settings::rules(&settings.config, None)?;
    let filters = Filters {
        province: args.province,
        provider: args.provider,
        notice: args.notice,
        status: args.status,
        since: args.since,
        domain: args.domain.map(|d| crate::domain::normalise_host(&d)).transpose()?,
    };
    let ext = match args.format {
        Format::Xlsx => "xlsx",
        Format::Csv => "csv",
        Format::Html => "html",
        Format::Jsonl => "jsonl",
    };
    let output = args.output.unwrap_or_else(|| PathBuf::from(format!("report.{ext}")));
    let report = report::collect(&store, &rules, &filters, today_in_shanghai(), ext).await?;
    report::write(&report, args.format, &output)?;
    if let Some(dir) = &args.notices {
        let n = report::write_notices(&report, dir)?;
        eprintln!("{n} notice drafts written to {}", dir.display());
    }
    let s = &report.summary;
    eprintln!(
        "{}: {} entries, {} findings ({} new, {} recurring, {} resolved since the last report; {} set apart by reviewers)",
        output.display(),
        s.entries,
        s.findings,
        s.new,
        s.recurring,
        s.resolved,
        s.set_apart
    );
    Ok(0)
}
