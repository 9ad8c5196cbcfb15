//! `icp-patrol daemon`: scheduled scans of every filed site, until SIGTERM/SIGINT; SIGHUP reloads the
//! rules (a broken edit keeps the last good rules and says why).

use super::output::say;
use clap::Args;
use tokio_util::sync::CancellationToken;

use super::settings::{self, Settings};
use crate::fetch::Overrides;
use crate::filing::parse_date;
use crate::scheduler::{Daemon, serve_ops};

#[derive(Debug, Args)]
pub struct DaemonArgs {
    /// Fire every schedule once now, scan everything due, and exit.
    #[arg(long)]
    pub once: bool,
    /// The day date rules count from (default: today in Asia/Shanghai).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = |s: &str| parse_date(s).ok_or_else(|| format!("{s:?} is not a date")))]
    pub today: Option<chrono::NaiveDate>,
}

pub(super) async fn run(args: DaemonArgs, settings: Settings) -> anyhow::Result<u8> {
    let config = settings.config;
    let store = settings::store(&config).await?;
    let rules = settings::rules(&config, None)?;
    let scanner = settings::scanner(&config, rules, Overrides::default(), settings::fetch_options(&config), &[], &[])?;
    let mut daemon = Daemon::new(store.clone(), scanner, config.clone());
    if let Some(today) = args.today {
        daemon = daemon.with_today(today);
    }
    store.take_daemon_lock(daemon.worker_id(), (config.daemon.lease_secs * 1000) as i64).await?;
    let shutdown = CancellationToken::new();
    if let Some(addr) = config.daemon.metrics_addr {
        let bound = serve_ops(addr, store.clone(), shutdown.clone()).await?;
        tracing::info!(%bound, "serving /healthz and /metrics");
    }
    if let Some(addr) = config.console.listen {
        let rules = std::sync::Arc::new(settings::rules(&config, None)?);
        let console = crate::console::Console::new(store.clone(), rules, config.console.clone()).await?;
        let bound = crate::console::serve(console, addr, shutdown.clone()).await?;
        tracing::info!(%bound, "serving the reviewer console");
    }
    crate::scheduler::prometheus();
    // After the recorder is installed, so the channels' series are registered at zero with it.
    let alerter = crate::alert::Alerter::start(&config.alert, &|v| std::env::var(v).ok())?;
    if !alerter.is_empty() {
        tracing::info!(channels = config.alert.channels.len(), "alerts on");
    }
    daemon = daemon.with_alerter(alerter);
    let handle = daemon.handle();
    let signals = {
        let shutdown = shutdown.clone();
        let rules_dir = config.rules.clone();
        tokio::spawn(async move {
            use tokio::signal::unix::{SignalKind, signal};
            let (Ok(mut term), Ok(mut int), Ok(mut hup)) =
                (signal(SignalKind::terminate()), signal(SignalKind::interrupt()), signal(SignalKind::hangup()))
            else {
                tracing::error!("cannot install signal handlers");
                return;
            };
            loop {
                tokio::select! {
                    _ = term.recv() => { tracing::info!("SIGTERM: stopping"); shutdown.cancel(); return; }
                    _ = int.recv() => { tracing::info!("SIGINT: stopping"); shutdown.cancel(); return; }
                    _ = hup.recv() => match &rules_dir {
                        Some(dir) => match handle.reload_rules(dir) {
                            Ok(digest) => tracing::info!(rules = %digest, "rules reloaded"),
                            Err(e) => tracing::error!("rules not reloaded, keeping the last good ones: {e}"),
                        },
                        None => tracing::info!("SIGHUP: the built-in rules are in use; nothing to reload"),
                    },
                }
            }
        })
    };
    tracing::info!(database = %store.url(), worker = %daemon.worker_id(), schedules = config.schedule.len(), "daemon started");
    let summary = daemon.run(shutdown.clone(), args.once).await?;
    signals.abort();
    shutdown.cancel();
    tracing::info!(
        recorded = summary.recorded,
        retried = summary.retried,
        released = summary.released,
        "daemon stopped"
    );
    if args.once {
        say!(
            "cycles {}: {} results recorded, {} retries queued",
            summary.cycles.join(", "),
            summary.recorded,
            summary.retried
        );
    }
    Ok(0)
}
