//! Sending, the edge of the module: HTTPS to the robots and webhooks (reqwest, no redirects, no
//! environment proxies), SMTP by lettre on the same rustls; each message tried again with a doubling
//! delay while the failure looks transient, every try bounded in time.

use std::time::Duration;

use chrono::Utc;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::AlertError;
use super::digest::Digest;
use super::message::{Part, pointer, render};
use super::settings::{AlertSettings, Channel, ChannelKind, EmailTarget, SmtpTls, Target};
use super::vendor::{self, Refusal, Request};

/// One message of a digest, as its channel takes it.
#[derive(Debug, Clone)]
pub enum Outgoing {
    Chat(Part),
    /// The digest and the report pointer: the body is made at each try, so `sent_at` is that try's.
    Webhook(Box<Digest>, String),
    Mail(Part),
}

/// A digest as the messages `channel` is sent (already filtered by the caller).
pub fn messages(channel: &Channel, digest: &Digest, report_url: Option<&str>) -> Vec<Outgoing> {
    let (style, limits) = match &channel.target {
        Target::Http { msgtype, .. } => vendor::format(channel.kind, *msgtype),
        Target::Email(_) => vendor::format(ChannelKind::Email, Default::default()),
    };
    let report = pointer(report_url, style);
    match channel.kind {
        ChannelKind::Webhook => vec![Outgoing::Webhook(Box::new(digest.clone()), report)],
        ChannelKind::Email => render(digest, style, &report, limits).into_iter().map(Outgoing::Mail).collect(),
        _ => render(digest, style, &report, limits).into_iter().map(Outgoing::Chat).collect(),
    }
}

/// How messages go out: one HTTP client for every channel, the retry policy.
#[derive(Clone)]
pub struct Transport {
    client: reqwest::Client,
    timeout: Duration,
    attempts: u32,
    backoff: Duration,
}

/// The longest pause between two tries.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Enough of an answer to read its error code.
const MAX_ANSWER: usize = 64 * 1024;

impl Transport {
    pub fn new(settings: &AlertSettings) -> Result<Self, AlertError> {
        crate::install_crypto_provider();
        let timeout = Duration::from_secs(settings.timeout_secs.max(1));
        // A receiver must not send the digest (and the key in its URL) on elsewhere by redirecting;
        // proxies only when configured, never from the environment.
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent(concat!("icp-patrol/", env!("CARGO_PKG_VERSION"), " (alerts)"))
            .no_proxy();
        if let Some(proxy) = &settings.proxy {
            let proxy = reqwest::Proxy::all(&proxy.0).map_err(|e| AlertError::Invalid(format!("alert.proxy: {e}")))?;
            builder = builder.proxy(proxy);
        }
        let client = builder.build().map_err(|e| AlertError::Invalid(format!("alert HTTP client: {e}")))?;
        Ok(Transport {
            client,
            timeout,
            attempts: settings.attempts.max(1),
            backoff: Duration::from_millis(settings.backoff_ms),
        })
    }

    /// Sends one message, trying again while the failure is transient; the last refusal otherwise.
    pub async fn send(&self, channel: &Channel, message: &Outgoing) -> Result<(), Refusal> {
        let mut attempt = 1;
        loop {
            let tried = match tokio::time::timeout(self.timeout, self.once(channel, message)).await {
                Ok(r) => r,
                Err(_) => Err(Refusal {
                    code: None,
                    detail: format!("no answer within {} s", self.timeout.as_secs()),
                    transient: true,
                }),
            };
            match tried {
                Ok(()) => return Ok(()),
                Err(r) if r.transient && attempt < self.attempts => {
                    let delay = self.backoff.saturating_mul(1 << (attempt - 1).min(16)).min(MAX_BACKOFF);
                    tracing::warn!(channel = %channel.name, attempt, "alert not delivered, trying again: {}", r.detail);
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(r) => return Err(r),
            }
        }
    }

    async fn once(&self, channel: &Channel, message: &Outgoing) -> Result<(), Refusal> {
        match (&channel.target, message) {
            (Target::Http { url, secret, msgtype }, Outgoing::Chat(part)) => {
                let request = vendor::chat_request(channel.kind, url, secret.as_ref(), *msgtype, part, Utc::now());
                self.post(channel.kind, request).await
            }
            (Target::Http { url, secret, .. }, Outgoing::Webhook(digest, report)) => {
                let now = Utc::now();
                let body = vendor::webhook_body(digest, report, now);
                self.post(channel.kind, vendor::webhook_request(url, secret.as_ref(), body, now)).await
            }
            (Target::Email(target), Outgoing::Mail(part)) => mail(target, part, self.timeout).await,
            _ => Err(Refusal { code: None, detail: "message does not fit its channel".into(), transient: false }),
        }
    }

    async fn post(&self, kind: ChannelKind, request: Request) -> Result<(), Refusal> {
        let mut builder = self.client.post(request.url.expose());
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        // reqwest's errors name the URL, which carries the robot's key: strip it.
        let transport =
            |e: reqwest::Error| Refusal { code: None, detail: e.without_url().to_string(), transient: true };
        let mut response = builder.body(request.body).send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let mut answer = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            answer.extend_from_slice(&chunk);
            if answer.len() >= MAX_ANSWER {
                break;
            }
        }
        vendor::judge(kind, status, &answer)
    }
}

pub(super) fn mailbox(channel: &str, field: &str, value: &str) -> Result<Mailbox, AlertError> {
    value.parse::<Mailbox>().map_err(|e| AlertError::Channel {
        name: channel.to_string(),
        message: format!("{field} {value:?} is not a mail address: {e}"),
    })
}

async fn mail(target: &EmailTarget, part: &Part, timeout: Duration) -> Result<(), Refusal> {
    let refused = |detail: String| Refusal { code: None, detail, transient: false };
    let mut message = lettre::Message::builder()
        .from(target.from.parse::<Mailbox>().map_err(|e| refused(format!("from: {e}")))?)
        .subject(&part.title)
        .header(ContentType::TEXT_PLAIN);
    for to in &target.to {
        message = message.to(to.parse::<Mailbox>().map_err(|e| refused(format!("to {to:?}: {e}")))?);
    }
    let message = message.body(part.body.clone()).map_err(|e| refused(format!("building the mail: {e}")))?;
    let builder = match target.tls {
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&target.host),
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&target.host),
        SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&target.host)),
    }
    .map_err(|e| refused(format!("SMTP {}: {e}", target.host)))?;
    // EHLO with this host's name (lettre says `localhost` otherwise, which some relays refuse).
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let mut builder = builder.port(target.port).timeout(Some(timeout));
    if !hostname.trim().is_empty() {
        builder = builder.hello_name(ClientId::Domain(hostname.trim().to_string()));
    }
    if let (Some(user), Some(password)) = (&target.username, &target.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_string()));
    }
    match builder.build().send(message).await {
        Ok(_) => Ok(()),
        Err(e) => Err(Refusal {
            code: e.status().and_then(|c| c.to_string().parse().ok()),
            detail: format!("SMTP {}:{}: {e}", target.host, target.port),
            transient: !e.is_permanent(),
        }),
    }
}
