//! `icp-patrol serve` (the reviewer console alone) and `icp-patrol user …` (console accounts).

use super::output::say;
use std::io::BufRead;
use std::net::SocketAddr;
use std::sync::Arc;

use clap::{Args, Subcommand};
use tokio_util::sync::CancellationToken;

use super::settings::{self, Settings};
use super::{DataError, UsageError};
use crate::console::{Console, password};
use crate::state::Role;
use crate::store::{AccountError, Actor, AuditEntry, UserChange};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to serve on [default: console.listen, else 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is asked for (or read from stdin with --password-stdin).
    Add {
        /// The account's name (what the audit trail shows).
        name: String,
        /// viewer (read, download), reviewer (decisions, notices) or lead (undo, accounts).
        #[arg(long, value_parser = |s: &str| s.parse::<Role>().map_err(|e| e.to_string()))]
        role: Role,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
        /// No password: the account signs in only through the identity proxy (console.identity_header).
        #[arg(long, conflicts_with = "password_stdin")]
        proxy_only: bool,
    },
    /// Set an account's password (its sessions end).
    Passwd {
        /// The account.
        name: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change an account's role (its sessions end).
    Role {
        /// The account.
        name: String,
        /// viewer, reviewer or lead.
        #[arg(long, value_parser = |s: &str| s.parse::<Role>().map_err(|e| e.to_string()))]
        role: Role,
    },
    /// Stop an account from signing in (its sessions end); the audit trail keeps its name.
    Disable {
        /// The account.
        name: String,
    },
    /// Let a disabled or locked account sign in again.
    Enable {
        /// The account.
        name: String,
    },
    /// The accounts, their roles and states.
    List,
}

pub(super) async fn serve(args: ServeArgs, settings: Settings) -> anyhow::Result<u8> {
    let config = settings.config;
    let addr = args.listen.or(config.console.listen).unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8080)));
    let store = settings::store(&config).await?;
    let rules = settings::rules(&config, None)?;
    let console = Console::new(store.clone(), Arc::new(rules), config.console.clone()).await?;
    let shutdown = CancellationToken::new();
    let bound = crate::console::serve(console, addr, shutdown.clone()).await?;
    tracing::info!(%bound, "console serving");
    eprintln!("icp-patrol console on http://{bound}/ (Ctrl-C to stop)");
    if store.users().await?.is_empty() {
        eprintln!("no accounts yet: create the first with `icp-patrol user add NAME --role lead`");
    }
    wait_for_signal().await;
    shutdown.cancel();
    Ok(0)
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(mut term), Ok(mut int)) => {
            tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
        }
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// A password from stdin's first line, or asked for twice on the terminal without echo.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("password: ")?;
    let again = rpassword::prompt_password("again: ")?;
    if first != again {
        anyhow::bail!(UsageError("the two passwords differ".into()));
    }
    Ok(first)
}

fn account_error(e: AccountError) -> anyhow::Error {
    match e {
        AccountError::Exists(_) | AccountError::Unknown(_) => DataError(e.to_string()).into(),
        AccountError::Store(e) => e.into(),
    }
}

async fn hash(password: String) -> anyhow::Result<String> {
    password::hash(password).await.map_err(|e| match e {
        password::PasswordError::TooShort => UsageError(e.to_string()).into(),
        other => anyhow::Error::new(other),
    })
}

pub(super) async fn user(command: UserCommand, settings: Settings) -> anyhow::Result<u8> {
    let store = settings::store(&settings.config).await?;
    let actor = Actor::cli(super::review::reviewer(None));
    match command {
        UserCommand::Add { name, role, password_stdin, proxy_only } => {
            let name = name.trim().to_string();
            if name.is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
                anyhow::bail!(UsageError("an account name is 1 to 64 characters, no control characters".into()));
            }
            let hashed = if proxy_only { None } else { Some(hash(read_password(password_stdin)?).await?) };
            let audit = AuditEntry::new(&actor, "user_added", &name).after(&serde_json::json!({ "role": role }));
            store.add_user(&name, role, hashed.as_deref(), &audit).await.map_err(account_error)?;
            say!("account {name} ({role}) created");
        }
        UserCommand::Passwd { name, password_stdin } => {
            let hashed = hash(read_password(password_stdin)?).await?;
            let audit = AuditEntry::new(&actor, "user_password", &name);
            store.change_user(&name, UserChange::Password(&hashed), &audit).await.map_err(account_error)?;
            say!("password of {name} changed; its sessions ended");
        }
        UserCommand::Role { name, role } => {
            let audit = AuditEntry::new(&actor, "user_role", &name).after(&serde_json::json!({ "role": role }));
            store.change_user(&name, UserChange::Role(role), &audit).await.map_err(account_error)?;
            say!("{name} is now {role}");
        }
        UserCommand::Disable { name } => {
            let audit = AuditEntry::new(&actor, "user_disabled", &name);
            store.change_user(&name, UserChange::Disable, &audit).await.map_err(account_error)?;
            say!("{name} disabled");
        }
        UserCommand::Enable { name } => {
            let audit = AuditEntry::new(&actor, "user_enabled", &name);
            store.change_user(&name, UserChange::Enable, &audit).await.map_err(account_error)?;
            say!("{name} enabled");
        }
        UserCommand::List => {
            let now = crate::store::now_ms();
            for u in store.users().await? {
                let state = if !u.is_active() {
                    "disabled"
                } else if u.is_locked(now) {
                    "locked"
                } else {
                    "active"
                };
                say!("{}\t{}\t{state}", u.name, u.role);
            }
        }
    }
    Ok(0)
}
