//! Alerts where reviewers work: a digest per cycle of the findings that feed a notice, the notices
//! past their deadline and the daemon's own troubles, sent to WeCom (企业微信) and DingTalk (钉钉)
//! group robots, Feishu/Lark (飞书) bots, a signed generic webhook, or e-mail.
//!
//! - `digest` (pure): what a digest holds and each channel's filter (province, provider, notice
//!   kind, severity, trigger).
//! - `message` (pure): the text, split and cut to each vendor's size limit, with a pointer to the
//!   full report.
//! - `vendor` (pure): payload shapes, signatures and answers as the vendors document them (the
//!   documents are cited there).
//! - `settings`, `secret`: `[[alert.channels]]`, secrets from the environment or a file, never shown.
//! - `send` (edge): HTTPS and SMTP with bounded, time-limited retries.
//! - `alerter` (edge): bounded queues and one sender task per channel, so scanning never waits.
//! - `collect`: the digest of a finished cycle from the store.

mod alerter;
mod collect;
mod digest;
mod message;
mod secret;
mod send;
mod settings;
mod vendor;

pub use alerter::{Alerter, deliver};
pub use collect::collect;
pub use digest::{Digest, Event, Filter, FindingItem, OverdueItem, Trigger};
pub use message::{Limits, Part, Style, pointer, render, title};
pub use secret::{InlineSecret, Secret};
pub use send::{Outgoing, Transport, messages};
pub use settings::{
    AlertSettings, Channel, ChannelKind, ChannelSettings, EmailTarget, Msgtype, SmtpTls, Target, redact,
};
pub use vendor::{
    FEISHU_MAX_BODY, MAX_PARTS, Refusal, dingtalk_sign, feishu_sign, format, hmac_sha256, judge, webhook_signature,
};

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("alert channel {name:?}: {message}")]
    Channel { name: String, message: String },
    #[error("{0}")]
    Invalid(String),
}
