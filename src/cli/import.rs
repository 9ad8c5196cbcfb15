//! `icp-patrol import FILE [--replace]`: filing records into the store, all or nothing.

use super::output::say;
use std::path::{Path, PathBuf};

use clap::Args;

use super::settings::Settings;
use crate::filing::load_filings;
use crate::rules::RuleSet;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A CSV, XLSX or JSON file of filing records (format: docs/filings.md).
    pub file: PathBuf,
    /// Mark active filings absent from the file as withdrawn (their history is kept).
    #[arg(long)]
    pub replace: bool,
}

pub(super) async fn run(args: ImportArgs, settings: Settings) -> anyhow::Result<u8> {
    let progress = indicatif::ProgressBar::new_spinner();
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    progress.set_message(format!("reading {}", args.file.display()));
    progress.enable_steady_tick(std::time::Duration::from_millis(120));
    let set = load_filings(&args.file)?;
    // Imported all the same (the record is the authority), but a number like `12345678` is more
    // often a typo or a test row than a real filing.
    for record in set.records() {
        if record.site_number().is_some_and(|n| n.is_template()) {
            progress.suspend(|| {
                eprintln!(
                    "warning: {}: {}: site number {} looks like a template; check the record",
                    args.file.display(),
                    record.domain,
                    record.site_number
                )
            });
        }
    }
    let rules = super::settings::rules(&settings.config, None)?;
    progress.set_message(format!("writing {} records", set.records().len()));
    let store = super::settings::store(&settings.config).await?;
    let summary = store.import(set.records(), |r| province_name(&rules, r), args.replace).await?;
    progress.finish_and_clear();
    say!(
        "{}: {} added, {} updated, {} unchanged, {} withdrawn ({})",
        Path::new(&args.file).display(),
        summary.added,
        summary.updated,
        summary.unchanged,
        summary.withdrawn,
        store.url()
    );
    Ok(0)
}

/// The province a filing belongs to (`checks::filing_province`), by name.
pub(super) fn province_name(rules: &RuleSet, record: &crate::filing::FilingRecord) -> Option<String> {
    crate::checks::filing_province(record, rules).map(|p| p.name.clone())
}
