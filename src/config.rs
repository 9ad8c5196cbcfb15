//! Typed settings: defaults < file < `ICP_PATROL_*` environment < flags. Unknown keys are errors
//! (a file's with its line and column, an environment variable's by name); defaults live here only.
//!
//! Environment variables name a key path with `__` between levels: `ICP_PATROL_DAEMON__CONCURRENCY=16`
//! sets `daemon.concurrency`. `ICP_PATROL_DATABASE_URL` sets `database` (spec §1).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://path` or `postgres://…`.
    pub database: String,
    /// A rules directory; empty: the rules built into the program.
    pub rules: Option<PathBuf>,
    pub scan: ScanSettings,
    pub dns: DnsSettings,
    pub render: RenderSettings,
    pub daemon: DaemonSettings,
    pub schedule: Vec<Schedule>,
    /// Alert channels and how they are sent to (see `alert`).
    pub alert: crate::alert::AlertSettings,
    /// The reviewer console (`icp-patrol serve`, or the daemon when `console.listen` is set).
    pub console: ConsoleSettings,
    /// The file or the environment named a database (not the default): `scan` then keeps results.
    #[serde(skip)]
    pub database_named: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScanSettings {
    pub timeout_secs: u64,
    pub connect_timeout_secs: u64,
    pub max_body_bytes: usize,
    pub max_redirects: usize,
    /// Pages whose bodies may be in memory at once, between their fetch and their reading; unset: 64 per
    /// core. A response waits for room before its body is read (the wait is not the site's time).
    pub pages_in_memory: Option<usize>,
    /// `HOST:PORT:ADDR` entries, as `--resolve` (test farms, fixed addresses).
    pub resolve: Vec<String>,
    /// `HOST1:PORT1:HOST2:PORT2` entries, as `--connect-to`.
    pub connect_to: Vec<String>,
    /// When a page is rendered in a headless browser: `auto` (its footer shows no number and it looks
    /// built by script), `always` or `never`.
    pub render: crate::render::RenderMode,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RenderSettings {
    /// The browser binary; unset: `chromium` on the PATH (Debian's package).
    pub browser: Option<PathBuf>,
    /// Pages rendered at once (one browser process).
    pub concurrency: usize,
    /// How long a page may take to settle, in milliseconds (inside the scan's time limit).
    pub budget_ms: u64,
    /// Requests one page may make; the rest are refused.
    pub max_requests: usize,
}

impl Default for RenderSettings {
    fn default() -> Self {
        let d = crate::render::RenderOptions::default();
        RenderSettings {
            browser: None,
            concurrency: d.concurrency,
            budget_ms: d.budget.as_millis() as u64,
            max_requests: d.max_requests,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DnsSettings {
    /// Servers every question goes to; empty: the system's.
    pub nameservers: Vec<SocketAddr>,
    pub timeout_secs: u64,
    /// Non-public networks the scanner may still reach (test farms only).
    pub allow_networks: Vec<IpNet>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DaemonSettings {
    /// Scans at once, in all.
    pub concurrency: usize,
    /// Scans at once against one server address (many filed sites share one server).
    pub per_address: usize,
    /// Scans at once of the hosts of one registrable domain.
    pub per_domain: usize,
    /// Milliseconds between the starts of two scans of one server address (0: none).
    pub min_interval_ms: u64,
    /// Timeouts in a row from one server address before it is paused…
    pub host_error_budget: u32,
    /// …for this many seconds (its jobs wait in the queue, not in workers).
    pub host_pause_secs: u64,
    /// The pause after a 429 that names no `Retry-After`.
    pub rate_limit_backoff_secs: u64,
    /// The longest `Retry-After` honoured.
    pub max_retry_after_secs: u64,
    /// Days a scan's full result is kept (findings, decisions, notices and the scans they point at
    /// are kept for ever); the daemon prunes once a day. 0 keeps everything.
    pub keep_days: u64,
    /// How long a claimed job is held before another daemon may take it over.
    pub lease_secs: u64,
    /// On SIGTERM/SIGINT: how long in-flight scans may finish before their jobs are released.
    pub grace_secs: u64,
    /// Attempts per job when the failure looks transient (timeouts, refused, DNS trouble).
    pub max_attempts: i64,
    /// The first retry's delay; each further retry doubles it.
    pub retry_backoff_secs: u64,
    /// `site.unreachable` feeds a notice only after this many failing scans in a row…
    pub unreachable_scans: i64,
    /// …spread over at least this many hours.
    pub unreachable_hours: i64,
    /// `hosting.off_provider` feeds a notice only when a second scan this long after the first confirms it.
    pub confirm_after_secs: u64,
    /// How often an idle worker looks for due jobs.
    pub poll_ms: u64,
    /// `/healthz` and `/metrics`; empty to disable.
    pub metrics_addr: Option<SocketAddr>,
    /// `json` (default for the daemon) or `text`.
    pub log_format: String,
    /// Also scan `www.` + the domain when a filed domain is an apex (spec §3).
    pub include_www: bool,
    /// Keep each target's page read and reuse it while the served page is byte for byte the same
    /// (and the rules and scanner are): an unchanged page is then not decoded, extracted or classified
    /// again. Costs one row per target (1.3 KB on average over the corpus pages).
    pub reuse_reads: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleSettings {
    /// Where the daemon serves the console; empty: it does not (`icp-patrol serve` takes `--listen`).
    pub listen: Option<SocketAddr>,
    /// The address users open, when it differs from `listen` (behind a TLS proxy: `https://…`, which
    /// makes the session cookie `Secure`).
    pub public_url: Option<String>,
    /// How long a session lasts after login.
    pub session_hours: u64,
    /// Wrong passwords in a row before an account is locked…
    pub max_failed_logins: u32,
    /// …for this many minutes.
    pub lockout_minutes: u64,
    /// Login attempts one address may make in ten minutes, whatever the account.
    pub address_attempts: u32,
    /// A header an identity proxy sets to the signed-in account's name (e.g. `X-Remote-User`);
    /// believed only from `trusted_proxies`. The account must exist here; its role is ours.
    pub identity_header: Option<String>,
    /// The addresses of the identity proxy (and of a TLS proxy whose `X-Forwarded-For` is believed).
    pub trusted_proxies: Vec<IpNet>,
    /// Findings per page.
    pub page_size: u32,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        ConsoleSettings {
            listen: None,
            public_url: None,
            session_hours: 12,
            max_failed_logins: 5,
            lockout_minutes: 15,
            address_attempts: 30,
            identity_header: None,
            trusted_proxies: vec![],
            page_size: 50,
        }
    }
}

/// A group of filings scanned on a cron schedule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub name: String,
    /// Standard crontab: 5 fields (or 6 with seconds first), Sunday 0 or 7, day-of-month OR day-of-week.
    pub cron: String,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// Only filings of this province (its name, e.g. 广东).
    #[serde(default)]
    pub province: Option<String>,
    /// Only filings of this provider id.
    #[serde(default)]
    pub provider: Option<String>,
}

fn default_timezone() -> String {
    "Asia/Shanghai".into()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database: "sqlite://icp-patrol.db".into(),
            rules: None,
            scan: ScanSettings::default(),
            dns: DnsSettings::default(),
            render: RenderSettings::default(),
            daemon: DaemonSettings::default(),
            schedule: vec![Schedule {
                name: "all".into(),
                cron: "0 3 * * *".into(),
                timezone: default_timezone(),
                province: None,
                provider: None,
            }],
            alert: crate::alert::AlertSettings::default(),
            console: ConsoleSettings::default(),
            database_named: false,
        }
    }
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            timeout_secs: 30,
            connect_timeout_secs: 10,
            max_body_bytes: crate::fetch::DEFAULT_MAX_BODY,
            max_redirects: 10,
            pages_in_memory: None,
            resolve: vec![],
            connect_to: vec![],
            render: crate::render::RenderMode::default(),
        }
    }
}

impl Default for DnsSettings {
    fn default() -> Self {
        DnsSettings { nameservers: vec![], timeout_secs: 5, allow_networks: vec![] }
    }
}

impl Default for DaemonSettings {
    fn default() -> Self {
        DaemonSettings {
            concurrency: 64,
            per_address: 4,
            per_domain: 4,
            min_interval_ms: 0,
            host_error_budget: 5,
            host_pause_secs: 300,
            rate_limit_backoff_secs: 60,
            max_retry_after_secs: 3600,
            keep_days: 90,
            lease_secs: 120,
            grace_secs: 30,
            max_attempts: 3,
            retry_backoff_secs: 60,
            unreachable_scans: 3,
            unreachable_hours: 24,
            confirm_after_secs: 3600,
            poll_ms: 500,
            metrics_addr: Some(SocketAddr::from(([127, 0, 0, 1], 9464))),
            log_format: "json".into(),
            include_www: true,
            reuse_reads: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    File { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{var}: {message}")]
    Env { var: String, message: String },
    #[error("schedule {name:?}: {message}")]
    Schedule { name: String, message: String },
    #[error("{0}")]
    Invalid(String),
}

const ENV_PREFIX: &str = "ICP_PATROL_";
/// Variables with the prefix that are flags' own, not settings.
const ENV_FLAGS: [&str; 2] = ["ICP_PATROL_CONFIG", "ICP_PATROL_LOG"];

impl Config {
    /// Defaults, then the file (if any), then the environment. Flags are applied by the caller.
    pub fn load(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
                let mut config = toml::from_str::<Config>(&text).map_err(|e| {
                    let (line, column) = e.span().map_or((1, 1), |s| crate::rules::line_col(&text, s.start));
                    ConfigError::File { path: path.into(), line, column, message: e.message().trim().to_string() }
                })?;
                config.database_named = text.parse::<toml::Table>().is_ok_and(|t| t.contains_key("database"));
                config
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    fn apply_env(&mut self, env: impl IntoIterator<Item = (String, String)>) -> Result<(), ConfigError> {
        let mut table = toml::Table::try_from(&*self).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let defaults = toml::Table::try_from(Config::default()).map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let mut changed = false;
        let mut named = self.database_named;
        for (var, value) in env {
            let Some(rest) = var.strip_prefix(ENV_PREFIX) else { continue };
            if ENV_FLAGS.contains(&var.as_str()) {
                continue;
            }
            let path: Vec<String> = if rest == "DATABASE_URL" {
                vec!["database".into()]
            } else {
                rest.split("__").map(str::to_ascii_lowercase).collect()
            };
            let known = lookup(&defaults, &path).is_some() || (path.len() == 1 && path[0] == "rules");
            if !known {
                return Err(ConfigError::Env { var, message: format!("no such setting {}", path.join(".")) });
            }
            named |= path == ["database"];
            let parsed = parse_env_value(&value, lookup(&defaults, &path));
            set(&mut table, &path, parsed);
            changed = true;
        }
        if changed {
            *self = toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| ConfigError::Env {
                var: ENV_PREFIX.to_string() + "*",
                message: e.message().to_string(),
            })?;
        }
        self.database_named = named;
        Ok(())
    }

    /// Checks what types alone cannot: schedules parse, names are unique, limits are sane.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut names = std::collections::HashSet::new();
        for s in &self.schedule {
            if !names.insert(&s.name) {
                return Err(ConfigError::Schedule { name: s.name.clone(), message: "name used twice".into() });
            }
            crate::scheduler::CronSchedule::parse(&s.cron, &s.timezone)
                .map_err(|e| ConfigError::Schedule { name: s.name.clone(), message: e.to_string() })?;
        }
        // A limit of 0 would mean no scan at all; say which, rather than read it as 1.
        let at_least_one = [
            ("daemon.concurrency", self.daemon.concurrency as u64),
            ("scan.pages_in_memory", self.scan.pages_in_memory.map_or(1, |n| n as u64)),
            ("daemon.per_address", self.daemon.per_address as u64),
            ("daemon.per_domain", self.daemon.per_domain as u64),
            ("daemon.host_error_budget", u64::from(self.daemon.host_error_budget)),
            ("console.max_failed_logins", u64::from(self.console.max_failed_logins)),
            ("console.address_attempts", u64::from(self.console.address_attempts)),
            ("console.session_hours", self.console.session_hours),
            ("console.page_size", u64::from(self.console.page_size)),
        ];
        if let Some((key, _)) = at_least_one.iter().find(|(_, v)| *v == 0) {
            return Err(ConfigError::Invalid(format!("{key} must be at least 1")));
        }
        if self.daemon.grace_secs >= self.daemon.lease_secs {
            return Err(ConfigError::Invalid("daemon.grace_secs must be shorter than daemon.lease_secs".into()));
        }
        for r in &self.scan.resolve {
            r.parse::<crate::fetch::ResolveEntry>().map_err(|e| ConfigError::Invalid(format!("scan.resolve: {e}")))?;
        }
        for c in &self.scan.connect_to {
            c.parse::<crate::fetch::ConnectTo>().map_err(|e| ConfigError::Invalid(format!("scan.connect_to: {e}")))?;
        }
        self.database.parse::<crate::store::Backend>().map_err(|e| ConfigError::Invalid(format!("database: {e}")))?;
        self.alert.validate().map_err(|e| ConfigError::Invalid(e.to_string()))?;
        if let Some(url) = &self.console.public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ConfigError::Invalid(format!("console.public_url {url:?} is not an http(s) URL")));
        }
        if self.console.page_size > 500 {
            return Err(ConfigError::Invalid("console.page_size must be at most 500".into()));
        }
        Ok(())
    }

    /// The settings as TOML, the database password redacted.
    pub fn to_toml_redacted(&self) -> String {
        let mut shown = self.clone();
        shown.database = crate::store::redact_url(&shown.database);
        shown.alert = shown.alert.redacted();
        toml::to_string_pretty(&shown).unwrap_or_default()
    }
}

fn lookup<'a>(table: &'a toml::Table, path: &[String]) -> Option<&'a toml::Value> {
    let (first, rest) = path.split_first()?;
    let value = table.get(first)?;
    if rest.is_empty() {
        return Some(value);
    }
    match value {
        toml::Value::Table(t) => lookup(t, rest),
        _ => None,
    }
}

fn set(table: &mut toml::Table, path: &[String], value: toml::Value) {
    let Some((first, rest)) = path.split_first() else { return };
    if rest.is_empty() {
        table.insert(first.clone(), value);
        return;
    }
    let entry = table.entry(first.clone()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(t) = entry {
        set(t, rest, value);
    }
}

/// An environment value read as the type the default has (a number, a boolean, a list).
fn parse_env_value(value: &str, default: Option<&toml::Value>) -> toml::Value {
    match default {
        Some(toml::Value::Integer(_)) => {
            value.trim().parse().map(toml::Value::Integer).unwrap_or_else(|_| value.into())
        }
        Some(toml::Value::Boolean(_)) => {
            value.trim().parse().map(toml::Value::Boolean).unwrap_or_else(|_| value.into())
        }
        Some(toml::Value::Array(_)) => toml::Value::Array(
            value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| toml::Value::String(s.into())).collect(),
        ),
        _ => toml::Value::String(value.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn zero_limits_are_refused_by_name() {
        for key in ["per_domain", "host_error_budget", "per_address"] {
            let mut c = Config::default();
            match key {
                "per_domain" => c.daemon.per_domain = 0,
                "host_error_budget" => c.daemon.host_error_budget = 0,
                _ => c.daemon.per_address = 0,
            }
            let e = c.validate().expect_err("refused").to_string();
            assert!(e.contains(&format!("daemon.{key}")), "{e}");
        }
        let mut c = Config::default();
        c.scan.pages_in_memory = Some(0);
        let e = c.validate().expect_err("refused").to_string();
        assert!(e.contains("scan.pages_in_memory"), "{e}");
        c.scan.pages_in_memory = None;
        c.validate().expect("unset: 64 per core");
    }

    #[test]
    fn layers_defaults_file_and_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "database = \"sqlite://a.db\"\n[daemon]\nconcurrency = 8\n").expect("write");
        let c = Config::load(
            Some(&path),
            env(&[("ICP_PATROL_DAEMON__CONCURRENCY", "16"), ("ICP_PATROL_DATABASE_URL", "postgres://u:p@h/db")]),
        )
        .expect("loads");
        assert_eq!(c.daemon.concurrency, 16, "environment over file");
        assert_eq!(c.database, "postgres://u:p@h/db");
        assert_eq!(c.daemon.lease_secs, 120, "defaults stay");
        assert!(c.to_toml_redacted().contains("postgres://u:***@h/db"));
        assert!(c.database_named);
        assert!(!Config::load(None, env(&[])).expect("defaults").database_named, "the default names no store");
    }

    #[test]
    fn unknown_keys_are_errors_with_their_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[daemon]\nconcurency = 8\n").expect("write");
        let err = Config::load(Some(&path), env(&[])).expect_err("unknown key").to_string();
        assert!(err.contains("c.toml:2:1") && err.contains("concurency"), "{err}");
        let err =
            Config::load(None, env(&[("ICP_PATROL_DAEMON__CONCURENCY", "1")])).expect_err("unknown env").to_string();
        assert!(err.contains("ICP_PATROL_DAEMON__CONCURENCY") && err.contains("daemon.concurency"), "{err}");
    }

    #[test]
    fn alert_channels_load_with_located_errors_and_hidden_urls() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.toml");
        let key = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY-693a91f6";
        std::fs::write(
            &path,
            format!("[[alert.channels]]\nname = \"gd\"\nkind = \"wecom\"\nurl = \"{key}\"\nprovinces = [\"广东\"]\n"),
        )
        .expect("write");
        // An environment setting makes the settings round-trip through TOML: the channels survive it.
        let c = Config::load(Some(&path), env(&[("ICP_PATROL_ALERT__TIMEOUT_SECS", "3")])).expect("loads");
        assert_eq!(c.alert.channels[0].provinces, ["广东"]);
        assert_eq!(c.alert.timeout_secs, 3);
        assert!(!format!("{c:?}").contains("KEY-693a91f6"), "Debug shows the robot's key");
        assert!(!c.to_toml_redacted().contains("KEY-693a91f6"), "config check shows the robot's key");
        std::fs::write(
            &path,
            "[[alert.channels]]\nname = \"gd\"\nkind = \"wecom\"\nurl_env = \"U\"\nprovince = \"广东\"\n",
        )
        .expect("write");
        let err = Config::load(Some(&path), env(&[])).expect_err("unknown key").to_string();
        assert!(err.contains("c.toml:5:1") && err.contains("province"), "{err}");
        std::fs::write(
            &path,
            "[[alert.channels]]\nname = \"x\"\nkind = \"webhook\"\nurl = \"http://hooks.example.cn/a\"\n",
        )
        .expect("write");
        let err = Config::load(Some(&path), env(&[])).expect_err("plain http").to_string();
        assert!(err.contains("\"x\"") && err.contains("https"), "{err}");
    }

    #[test]
    fn schedules_are_checked() {
        let mut c = Config::default();
        c.schedule[0].cron = "61 * * * *".into();
        assert!(c.validate().expect_err("bad cron").to_string().contains("schedule \"all\""));
    }
}
