//! `icp-patrol report --format xlsx|csv|html|jsonl [filters]` from the store.

use std::path::PathBuf;

use clap::Args;

use super::UsageError;
use super::settings::{self, Settings};
use crate::engine::today_in_shanghai;
use crate::filing::parse_date;
use crate::report::{self, Filters, Format};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// xlsx (summary and findings sheets), csv (UTF-8 with BOM), html (one self-contained file) or
    /// jsonl (one entry per line).
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
    /// Only the sites of one entity: its principal's name, its entity or a site number, or one of its
    /// filed domains.
    #[arg(long)]
    pub entity: Option<String>,
    /// Also list the sites with no finding whose latest scans read, by the industry model alone, an industry the
    /// filing lacks a pre-approval for (HTML and JSON Lines: the other formats list findings, and a lead is none).
    #[arg(long)]
    pub leads: bool,
    /// Also write every notice draft as a file of its own into this directory.
    #[arg(long, value_name = "DIR")]
    pub notices: Option<PathBuf>,
}

/// A province filter as the store keeps it (its name), from the name or one of its characters
/// (`苏` for 江苏); a value that names no province is refused rather than matching nothing.
fn province_filter(rules: &crate::rules::RuleSet, value: &str) -> Result<String, UsageError> {
    let value = value.trim();
    let provinces = rules.provinces.all();
    if let Some(p) = provinces.iter().find(|p| p.name == value) {
        return Ok(p.name.clone());
    }
    let mut chars = value.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && let Some(p) = rules.provinces.by_icp_char(c)
    {
        return Ok(p.name.clone());
    }
    let names = provinces.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" ");
    Err(UsageError(format!("--province {value:?} names no province (one of: {names})")))
}

pub(super) async fn run(args: ReportArgs, settings: Settings) -> anyhow::Result<u8> {
    if args.leads && matches!(args.format, Format::Xlsx | Format::Csv) {
        anyhow::bail!(UsageError(
            "--leads lists sites, and CSV and XLSX list findings (a lead is none): give --format html or jsonl".into()
        ));
    }
    if args.format == Format::Xlsx && args.output.as_deref() == Some(std::path::Path::new("-")) {
        anyhow::bail!(UsageError("XLSX is a binary file: give --output FILE, not -".into()));
    }
    let rules = settings::rules(&settings.config, None)?;
    let province = args.province.as_deref().map(|p| province_filter(&rules, p)).transpose()?;
    if let Some(provider) = &args.provider
        && !rules.providers.contains_key(provider.as_str())
    {
        let known = rules.providers.keys().cloned().collect::<Vec<_>>().join(" ");
        anyhow::bail!(UsageError(format!("--provider {provider:?} names no provider of the rules (known: {known})")));
    }
    let store = settings::store(&settings.config).await?;
    let entity = match &args.entity {
        Some(query) => Some(super::precheck::entity(&store, query).await?),
        None => None,
    };
    let filters = Filters {
        entity,
        province,
        provider: args.provider,
        notice: args.notice,
        status: args.status,
        since: args.since,
        domain: args.domain.map(|d| crate::domain::normalise_host(&d)).transpose()?,
        leads: args.leads,
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
        "{}: {} entries, {} findings ({} new, {} recurring, {} resolved since the last report; {} set apart by reviewers); \
         {} entries with industry leads",
        output.display(),
        s.entries,
        s.findings,
        s.new,
        s.recurring,
        s.resolved,
        s.set_apart,
        s.with_leads
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn province_filters_take_names_and_characters_and_refuse_the_unknown() {
        let rules = crate::rules::RuleSet::embedded();
        assert_eq!(province_filter(&rules, "江苏").expect("name"), "江苏");
        assert_eq!(province_filter(&rules, "苏").expect("character"), "江苏");
        assert!(province_filter(&rules, "火星").is_err());
    }
}
