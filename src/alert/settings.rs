//! `[alert]` and `[[alert.channels]]` of the settings file: what the file says (secrets only by the
//! name of their variable or file), checked on load, and resolved into [`Channel`]s at start.

use std::net::IpAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::AlertError;
use super::digest::{Filter, Trigger};
use super::secret::{InlineSecret, Secret, resolve};
use crate::rules::{NoticeKind, Severity};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AlertSettings {
    /// Where the full report is published: linked at the end of every digest and where one is cut.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_url: Option<String>,
    /// One request (or one SMTP session) may take this long.
    pub timeout_secs: u64,
    /// Tries per message (the first included); transient failures only.
    pub attempts: u32,
    /// The first retry's delay in milliseconds; each further one doubles it.
    pub backoff_ms: u64,
    /// Messages waiting per channel; more are dropped (and counted), scanning never waits.
    pub queue: usize,
    /// Plain `http://` webhooks and SMTP without TLS to hosts other than loopback.
    pub allow_insecure: bool,
    /// An HTTP(S) proxy for the webhooks (it may carry a password); environment proxy variables are
    /// not used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy: Option<InlineSecret>,
    pub channels: Vec<ChannelSettings>,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            report_url: None,
            timeout_secs: 10,
            attempts: 4,
            backoff_ms: 1000,
            queue: 32,
            allow_insecure: false,
            proxy: None,
            channels: vec![],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// 企业微信群机器人.
    Wecom,
    /// 钉钉自定义机器人.
    Dingtalk,
    /// 飞书 / Lark 自定义机器人.
    Feishu,
    /// Any HTTP receiver: the digest as JSON, signed.
    Webhook,
    /// E-mail over SMTP.
    Email,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Wecom => "wecom",
            ChannelKind::Dingtalk => "dingtalk",
            ChannelKind::Feishu => "feishu",
            ChannelKind::Webhook => "webhook",
            ChannelKind::Email => "email",
        }
    }
}

/// How an SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (required), port 587 by default.
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS), port 465 by default.
    Tls,
    /// No TLS: loopback relays (and tests) only, unless `allow_insecure`.
    None,
}

/// The message type a chat robot is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Msgtype {
    #[default]
    Markdown,
    Text,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSettings {
    /// Unique; `icp-patrol alert test NAME` and the metrics use it.
    pub name: String,
    pub kind: ChannelKind,
    /// The webhook URL (it carries the robot's key): better from `url_env` or `url_file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<InlineSecret>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_file: Option<PathBuf>,
    /// The signing secret (DingTalk 加签, Feishu 签名校验, the generic webhook's HMAC key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_file: Option<PathBuf>,
    /// WeCom and DingTalk: `markdown` (default) or `text`.
    #[serde(default)]
    pub msgtype: Msgtype,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smtp_port: Option<u16>,
    #[serde(default)]
    pub smtp_tls: SmtpTls,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_file: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    /// Only findings and notices of these provinces (names, e.g. 广东); empty: all.
    #[serde(default)]
    pub provinces: Vec<String>,
    /// Only these provider ids; empty: all.
    #[serde(default)]
    pub providers: Vec<String>,
    /// Only these notice kinds; empty: both.
    #[serde(default)]
    pub notices: Vec<NoticeKind>,
    /// Only findings at least this severe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_severity: Option<Severity>,
    /// What this channel is told of: `findings`, `overdue`, `cycle`, `store`; empty: all.
    #[serde(default)]
    pub triggers: Vec<Trigger>,
}

/// A channel ready to send: secrets resolved, URL checked.
#[derive(Debug, Clone)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    pub target: Target,
    pub filter: Filter,
}

#[derive(Debug, Clone)]
pub enum Target {
    Http { url: Secret, secret: Option<Secret>, msgtype: Msgtype },
    Email(EmailTarget),
}

#[derive(Debug, Clone)]
pub struct EmailTarget {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<Secret>,
    pub from: String,
    pub to: Vec<String>,
}

impl AlertSettings {
    /// What can be checked without the environment: names, the fields each kind needs, literal URLs.
    pub fn validate(&self) -> Result<(), AlertError> {
        let mut names = std::collections::HashSet::new();
        for c in &self.channels {
            let invalid = |message: &str| AlertError::Channel { name: c.name.clone(), message: message.to_string() };
            if c.name.trim().is_empty() {
                return Err(AlertError::Channel { name: String::new(), message: "a channel needs a name".into() });
            }
            if !names.insert(c.name.as_str()) {
                return Err(invalid("name used twice"));
            }
            let urls = [c.url.is_some(), c.url_env.is_some(), c.url_file.is_some()].iter().filter(|b| **b).count();
            match c.kind {
                ChannelKind::Email => {
                    if urls > 0 || c.secret_env.is_some() || c.secret_file.is_some() {
                        return Err(invalid("an email channel has smtp_host, from and to, not url or secret"));
                    }
                    if c.smtp_host.is_none() || c.from.is_none() || c.to.is_empty() {
                        return Err(invalid("an email channel needs smtp_host, from and to"));
                    }
                    super::send::mailbox(&c.name, "from", c.from.as_deref().unwrap_or_default())?;
                    for to in &c.to {
                        super::send::mailbox(&c.name, "to", to)?;
                    }
                    if c.password_env.is_some() && c.password_file.is_some() {
                        return Err(invalid("give one of password_env, password_file"));
                    }
                    if (c.password_env.is_some() || c.password_file.is_some()) && c.username.is_none() {
                        return Err(invalid("a password needs a username"));
                    }
                }
                _ => {
                    if urls != 1 {
                        return Err(invalid("give exactly one of url, url_env, url_file"));
                    }
                    if c.secret_env.is_some() && c.secret_file.is_some() {
                        return Err(invalid("give one of secret_env, secret_file"));
                    }
                    if c.smtp_host.is_some() || c.from.is_some() || !c.to.is_empty() || c.username.is_some() {
                        return Err(invalid("smtp_host, from, to and username are for email channels"));
                    }
                    if let Some(url) = &c.url {
                        check_url(&url.0, self.allow_insecure).map_err(|m| invalid(&m))?;
                    }
                }
            }
        }
        if let Some(proxy) = &self.proxy {
            url::Url::parse(&proxy.0).map_err(|e| AlertError::Invalid(format!("alert.proxy: {e}")))?;
        }
        if self.attempts == 0 || self.queue == 0 || self.timeout_secs == 0 {
            return Err(AlertError::Invalid(
                "alert.attempts, alert.queue and alert.timeout_secs must be at least 1".into(),
            ));
        }
        Ok(())
    }

    /// The channels with their secrets from `env` (a variable's value) and files.
    pub fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Channel>, AlertError> {
        self.validate()?;
        self.channels.iter().map(|c| self.resolve_one(c, env)).collect()
    }

    fn resolve_one(&self, c: &ChannelSettings, env: &dyn Fn(&str) -> Option<String>) -> Result<Channel, AlertError> {
        let invalid = |message: String| AlertError::Channel { name: c.name.clone(), message };
        let filter = Filter {
            provinces: c.provinces.clone(),
            providers: c.providers.clone(),
            notices: c.notices.clone(),
            min_severity: c.min_severity,
            triggers: c.triggers.clone(),
        };
        let target = match c.kind {
            ChannelKind::Email => {
                let host = c.smtp_host.clone().unwrap_or_default();
                if c.smtp_tls == SmtpTls::None && !self.allow_insecure && !is_loopback_host(&host) {
                    return Err(invalid(format!(
                        "smtp_tls = \"none\" only to a loopback relay, not {host} (or set alert.allow_insecure)"
                    )));
                }
                let port = c.smtp_port.unwrap_or(match c.smtp_tls {
                    SmtpTls::Tls => 465,
                    SmtpTls::Starttls => 587,
                    SmtpTls::None => 25,
                });
                let password =
                    resolve(&c.name, "password", None, c.password_env.as_deref(), c.password_file.as_deref(), env)?;
                Target::Email(EmailTarget {
                    host,
                    port,
                    tls: c.smtp_tls,
                    username: c.username.clone(),
                    password,
                    from: c.from.clone().unwrap_or_default(),
                    to: c.to.clone(),
                })
            }
            _ => {
                let url = resolve(&c.name, "url", c.url.as_ref(), c.url_env.as_deref(), c.url_file.as_deref(), env)?
                    .ok_or_else(|| invalid("no url".into()))?;
                check_url(url.expose(), self.allow_insecure).map_err(invalid)?;
                let secret = resolve(&c.name, "secret", None, c.secret_env.as_deref(), c.secret_file.as_deref(), env)?;
                Target::Http { url, secret, msgtype: c.msgtype }
            }
        };
        Ok(Channel { name: c.name.clone(), kind: c.kind, target, filter })
    }

    /// A copy for `config check`: URLs written into the file shown without their path and query, the
    /// proxy without its password.
    pub fn redacted(&self) -> AlertSettings {
        let mut shown = self.clone();
        if let Some(proxy) = &mut shown.proxy {
            proxy.0 = crate::store::redact_url(&proxy.0);
        }
        for c in &mut shown.channels {
            if let Some(url) = &mut c.url {
                url.0 = redact(&url.0);
            }
        }
        shown
    }
}

/// Alert receivers are the operator's own choice, not addresses read from a scanned page, so the
/// scanner's SSRF guard does not apply; what is required is that keys and findings travel encrypted:
/// `https://`, or `http://` to loopback (a local relay, the tests), or anything with `allow_insecure`.
pub(super) fn check_url(url: &str, allow_insecure: bool) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("url is not a URL ({e}): {}", redact(url)))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure || parsed.host_str().is_some_and(is_loopback_host) => Ok(()),
        "http" => Err(format!(
            "url {} is plain http to a host other than loopback: use https (or set alert.allow_insecure)",
            redact(url)
        )),
        other => Err(format!("url scheme {other:?} is not http(s): {}", redact(url))),
    }
}

fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Scheme, host and port only: the path (Feishu's hook token) and query (WeCom's key, DingTalk's
/// access token) are credentials.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => {
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!("{}://{}{port}/***", u.scheme(), u.host_str().unwrap_or(""))
        }
        Err(_) => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(kind: ChannelKind) -> ChannelSettings {
        ChannelSettings {
            name: "c".into(),
            kind,
            url: None,
            url_env: None,
            url_file: None,
            secret_env: None,
            secret_file: None,
            msgtype: Msgtype::Markdown,
            smtp_host: None,
            smtp_port: None,
            smtp_tls: SmtpTls::Starttls,
            username: None,
            password_env: None,
            password_file: None,
            from: None,
            to: vec![],
            provinces: vec![],
            providers: vec![],
            notices: vec![],
            min_severity: None,
            triggers: vec![],
        }
    }

    #[test]
    fn https_or_loopback_only() {
        assert!(check_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", false).is_ok());
        assert!(check_url("http://127.0.0.1:8080/hook", false).is_ok());
        assert!(check_url("http://[::1]:8080/hook", false).is_ok());
        let err = check_url("http://hooks.example.cn/x?key=SECRETKEY", false).expect_err("plain http");
        assert!(err.contains("allow_insecure") && !err.contains("SECRETKEY"), "{err}");
        assert!(check_url("http://hooks.example.cn/x", true).is_ok());
        assert!(check_url("ftp://h/x", true).is_err());
    }

    #[test]
    fn each_kind_needs_its_fields() {
        let mut s = AlertSettings::default();
        s.channels.push(channel(ChannelKind::Wecom));
        assert!(s.validate().expect_err("no url").to_string().contains("url"));
        s.channels[0].url_env = Some("WECOM_URL".into());
        s.validate().expect("ok");
        s.channels.push(ChannelSettings { url_env: Some("X".into()), ..channel(ChannelKind::Feishu) });
        assert!(s.validate().expect_err("same name").to_string().contains("name used twice"));
        s.channels.pop();
        s.channels.push(ChannelSettings { name: "m".into(), ..channel(ChannelKind::Email) });
        assert!(s.validate().expect_err("no host").to_string().contains("smtp_host"));
    }

    #[test]
    fn resolved_channels_hide_their_secrets() {
        let mut s = AlertSettings::default();
        s.channels.push(ChannelSettings {
            url_env: Some("DING_URL".into()),
            secret_env: Some("DING_SECRET".into()),
            ..channel(ChannelKind::Dingtalk)
        });
        let env = |v: &str| match v {
            "DING_URL" => Some("https://oapi.dingtalk.com/robot/send?access_token=TOKEN123".to_string()),
            "DING_SECRET" => Some("SECxyz789".to_string()),
            _ => None,
        };
        let channels = s.resolve(&env).expect("resolves");
        let shown = format!("{channels:?}");
        assert!(!shown.contains("TOKEN123") && !shown.contains("SECxyz789"), "{shown}");
        let missing = s.resolve(&|_| None).expect_err("unset variable").to_string();
        assert!(missing.contains("DING_URL") && missing.contains("\"c\""), "{missing}");
    }

    #[test]
    fn inline_urls_are_redacted_for_display() {
        assert_eq!(
            redact("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"),
            "https://qyapi.weixin.qq.com/***"
        );
        assert_eq!(redact("http://127.0.0.1:9/x"), "http://127.0.0.1:9/***");
        let s = AlertSettings {
            proxy: Some(InlineSecret("http://u:pw123@proxy.internal:3128".into())),
            ..Default::default()
        };
        assert!(!format!("{s:?}").contains("pw123"));
        let shown = s.redacted().proxy.expect("proxy").0;
        assert!(shown.contains("proxy.internal:3128") && !shown.contains("pw123"), "{shown}");
    }
}
