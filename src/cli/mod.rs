//! Command-line wiring: parse arguments, build the parts, run, map to an exit status. The only place
//! that uses `anyhow` for context.

mod demo;
mod render;
mod rules_cmd;
mod scan;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use scan::ScanArgs;

#[derive(Debug, Parser)]
#[command(name = "icp-patrol", version, about = "ICP filing compliance scanner for hosting providers")]
pub struct Cli {
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
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Load and validate a rules directory (every error with file:line:column) and run each rule
    /// file's own test cases.
    Check {
        /// The rules directory.
        #[arg(default_value = "rules")]
        dir: PathBuf,
    },
    /// Write the built-in rules into a directory, as a starting point to edit.
    Export { dir: PathBuf },
    /// Show how a saved page is read and classified, with the evidence for each conclusion.
    Explain {
        /// An HTML file.
        file: PathBuf,
        /// A rules directory (default: the built-in rules).
        #[arg(long)]
        rules: Option<PathBuf>,
    },
}

/// Runs a parsed command and returns the process exit status.
pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Scan(args) => scan::run(args).await,
        Command::Rules { command: RulesCommand::Check { dir } } => rules_cmd::check(&dir),
        Command::Rules { command: RulesCommand::Export { dir } } => rules_cmd::export(&dir),
        Command::Rules { command: RulesCommand::Explain { file, rules } } => {
            rules_cmd::explain(&file, rules.as_deref())
        }
        Command::Demo(args) => demo::run(args).await,
    }
}
