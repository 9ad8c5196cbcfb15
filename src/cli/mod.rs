//! Command-line wiring: parse arguments, build the parts, run, map to an exit status. The only place
//! that uses `anyhow` for context.

mod alert;
mod console;
mod daemon;
mod demo;
mod exit;
mod import;
mod output;
mod precheck;
mod render;
mod report;
mod review;
mod rules_cmd;
mod scan;
mod settings;

use std::path::PathBuf;

use output::say;

use clap::{Parser, Subcommand};

pub use exit::{DataError, Exit, UsageError};
pub use scan::ScanArgs;

#[derive(Debug, Parser)]
#[command(name = "icp-patrol", version, about = "ICP filing compliance scanner for hosting providers")]
pub struct Cli {
    /// Settings file (TOML); see deploy/icp-patrol.toml.
    #[arg(long, global = true, env = "ICP_PATROL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Store URL: sqlite://FILE or postgres://… (also ICP_PATROL_DATABASE_URL).
    #[arg(long, global = true, value_name = "URL")]
    pub database: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan one site now (or every site of a filings file with --all).
    Scan(ScanArgs),
    /// Validate rule data.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Serve the sample sites on loopback and scan them: the whole job, offline.
    Demo(demo::DemoArgs),
    /// Load filing records (CSV, XLSX, JSON) into the store.
    Import(import::ImportArgs),
    /// Scan every filed site on schedule until stopped.
    Daemon(daemon::DaemonArgs),
    /// Reports for reviewers from the store.
    Report(report::ReportArgs),
    /// Before a new site or hosting application: scan every site filed for an entity now, go or no-go.
    Precheck(precheck::PrecheckArgs),
    /// Record a reviewer's decision on a finding.
    Review(review::ReviewArgs),
    /// Notices sent to customers: record, extend, list.
    Notice {
        #[command(subcommand)]
        command: review::NoticeCommand,
    },
    /// Database maintenance.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Alert channels (see `[[alert.channels]]` in deploy/icp-patrol.toml).
    Alert {
        #[command(subcommand)]
        command: alert::AlertCommand,
    },
    /// Serve the reviewer console alone (the daemon serves it too when console.listen is set).
    Serve(console::ServeArgs),
    /// Console accounts: add, passwd, role, disable, enable, list.
    User {
        #[command(subcommand)]
        command: console::UserCommand,
    },
    /// Settings.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Apply pending schema migrations.
    Migrate,
    /// What the scans take: scans, full results (an unchanged scan repeats one), check rows, bytes.
    Stats,
    /// Remove finished jobs and scans older than the retention (findings, decisions, notices and the
    /// scans they point at stay).
    Prune {
        /// Days to keep [default: the config's daemon.keep_days, 90].
        #[arg(long, value_name = "DAYS")]
        keep_days: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Load and validate the settings (file, environment, flags; the alert channels' secrets found) and
    /// print them, password and alert URLs redacted.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Load and validate a rules directory (every error with file:line:column) and run each rule
    /// file's own test cases.
    Check {
        /// The rules directory [default: `rules` of the config file, else the built-in rules].
        dir: Option<PathBuf>,
    },
    /// Write the built-in rules into a directory, as a starting point to edit.
    Export {
        /// Where to write them (created when missing).
        dir: PathBuf,
    },
    /// Show how a page is read and classified, with the evidence for each conclusion: a saved HTML
    /// file, or a live URL read as served and as rendered, side by side.
    Explain {
        /// An HTML file, or an http(s) URL (fetched by the scanner's guarded fetcher).
        page: String,
        /// A rules directory (default: the config's rules, else the built-in rules).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// For a URL: also render the page in headless Chromium (always, the default), only when
        /// `--render auto` would (auto), or read it only as served (never).
        #[arg(long, value_name = "auto|always|never")]
        render: Option<crate::render::RenderMode>,
        #[command(flatten)]
        network: scan::NetworkArgs,
    },
}

/// The message of a failed command: each cause once, even when an error's text already repeats its
/// source's (`cannot connect to …: <cause>` followed by the cause itself).
pub fn error_message(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if message.contains(text.as_str()) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// Runs a parsed command and returns the process exit status.
pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    let settings = || settings::load(cli.config.as_deref(), cli.database.as_deref());
    match cli.command {
        Command::Scan(args) => scan::run(args, settings()?).await,
        Command::Import(args) => import::run(args, settings()?).await,
        Command::Daemon(args) => daemon::run(args, settings()?).await,
        Command::Report(args) => report::run(args, settings()?).await,
        Command::Precheck(args) => precheck::run(args, settings()?).await,
        Command::Review(args) => review::review(args, settings()?).await,
        Command::Notice { command } => review::notice(command, settings()?).await,
        Command::Alert { command } => alert::run(command, settings()?).await,
        Command::Serve(args) => console::serve(args, settings()?).await,
        Command::User { command } => console::user(command, settings()?).await,
        Command::Db { command: DbCommand::Prune { keep_days } } => {
            let settings = settings()?;
            let days = keep_days.unwrap_or(settings.config.daemon.keep_days);
            if days == 0 {
                return Err(UsageError("--keep-days 0 would keep nothing; give at least 1".into()).into());
            }
            let store = settings::store(&settings.config).await?;
            let before = store.storage().await?;
            let cutoff = crate::store::now_ms() - (days as i64) * 86_400_000;
            let pruned = store.prune(cutoff).await?;
            let after = store.storage().await?;
            say!(
                "{}: kept {days} days: removed {} scans, {} check rows, {} jobs, {} page reads; scans {} -> {}, result bytes {} -> {}",
                store.url(),
                pruned.scans,
                pruned.check_rows,
                pruned.jobs,
                pruned.page_reads,
                before.scans,
                after.scans,
                before.result_bytes,
                after.result_bytes
            );
            Ok(0)
        }
        Command::Db { command: DbCommand::Stats } => {
            let settings = settings()?;
            let store = settings::store(&settings.config).await?;
            let f = store.storage().await?;
            say!(
                "{}: {} scans, {} with a result of their own ({} bytes of result JSON), {} check rows, {} bytes of screenshots, \
                 {} page reads ({} bytes)",
                store.url(),
                f.scans,
                f.full_results,
                f.result_bytes,
                f.check_rows,
                f.evidence_bytes,
                f.page_reads,
                f.page_read_bytes
            );
            Ok(0)
        }
        Command::Db { command: DbCommand::Migrate } => {
            let settings = settings()?;
            let store = settings::store(&settings.config).await?;
            say!("{}: schema up to date", store.url());
            Ok(0)
        }
        Command::Config { command: ConfigCommand::Check } => {
            let settings = settings()?;
            output::text(&settings.config.to_toml_redacted());
            // The alert channels' secrets must be where they are said to be (variables set, files read).
            settings.config.alert.resolve(&|v| std::env::var(v).ok())?;
            eprintln!("settings ok");
            Ok(0)
        }
        Command::Rules { command: RulesCommand::Check { dir } } => {
            let dir = match dir {
                Some(dir) => Some(dir),
                None => settings()?.config.rules,
            };
            match dir {
                Some(dir) => rules_cmd::check(&dir),
                None => rules_cmd::check_embedded(),
            }
        }
        Command::Rules { command: RulesCommand::Export { dir } } => rules_cmd::export(&dir),
        Command::Rules { command: RulesCommand::Explain { page, rules, render, network } } => {
            if page.starts_with("http://") || page.starts_with("https://") {
                let mode = render.unwrap_or(crate::render::RenderMode::Always);
                rules_cmd::explain_url(&page, rules.as_deref(), mode, &network, settings()?).await
            } else {
                rules_cmd::explain(std::path::Path::new(&page), rules.as_deref())
            }
        }
        Command::Demo(_) if cli.database.is_some() => Err(UsageError(
            "demo creates its own SQLite store afresh; name it with --store FILE, not --database".into(),
        )
        .into()),
        Command::Demo(args) => demo::run(args).await,
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>, texts: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            match arg.get_help() {
                Some(h) => texts.push(h.to_string()),
                None => missing.push(format!("{path} {id}")),
            }
        }
        for sub in cmd.get_subcommands() {
            match sub.get_about() {
                Some(a) => texts.push(a.to_string()),
                None => missing.push(format!("{path} {} (about)", sub.get_name())),
            }
            walk(sub, &format!("{path} {}", sub.get_name()), missing, texts);
        }
    }

    #[test]
    fn every_flag_and_argument_has_help_citing_only_files_in_the_repository() {
        let (mut missing, mut texts) = (Vec::new(), Vec::new());
        walk(&Cli::command(), "icp-patrol", &mut missing, &mut texts);
        assert!(missing.is_empty(), "without help text:\n{}", missing.join("\n"));
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for text in &texts {
            assert!(!text.contains("spec §"), "cites a document outside the repository: {text}");
            for word in text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';')) {
                let word = word.trim_end_matches(['.', ':']);
                if ["docs/", "deploy/", "rules/"].iter().any(|d| word.starts_with(d)) && word.contains('.') {
                    assert!(root.join(word).exists(), "help cites {word}, which is not in the repository");
                }
            }
        }
    }
}
