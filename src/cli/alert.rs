//! `icp-patrol alert test CHANNEL`: sends a sample digest to one channel now and says what the
//! receiver answered (a chat robot's error code included).

use super::output::say;
use clap::Subcommand;

use super::exit::DataError;
use super::settings::Settings;
use crate::alert::{Digest, Transport, deliver};

#[derive(Debug, Subcommand)]
pub enum AlertCommand {
    /// Send a sample digest to one channel of the settings file and report success or the error.
    Test {
        /// The channel's `name` in `[[alert.channels]]`.
        channel: String,
    },
}

pub(super) async fn run(command: AlertCommand, settings: Settings) -> anyhow::Result<u8> {
    let AlertCommand::Test { channel: name } = command;
    let alert = &settings.config.alert;
    let Some(found) = alert.channels.iter().find(|c| c.name == name) else {
        let known: Vec<&str> = alert.channels.iter().map(|c| c.name.as_str()).collect();
        anyhow::bail!(DataError(format!(
            "no alert channel {name:?} in the settings (channels: {})",
            if known.is_empty() { "none".into() } else { known.join(", ") }
        )));
    };
    let only = crate::alert::AlertSettings { channels: vec![found.clone()], ..alert.clone() };
    let channel = only.resolve(&|v| std::env::var(v).ok())?.remove(0);
    let transport = Transport::new(alert)?;
    match deliver(&transport, &channel, &Digest::sample(chrono::Utc::now()), alert.report_url.as_deref()).await {
        Ok(n) => {
            say!("{name} ({}): sample digest delivered in {n} message(s)", channel.kind.as_str());
            Ok(0)
        }
        Err((sent, refusal)) => {
            eprintln!(
                "{name} ({}): not delivered (after {sent} message(s)): {}",
                channel.kind.as_str(),
                refusal.detail
            );
            Ok(super::Exit::Unavailable.code())
        }
    }
}
