//! Settings for a command: the config file and environment (see `config`), then the global flags.

use std::path::Path;

use anyhow::Context;

use crate::config::Config;
use crate::dns::{Dns, DnsOptions, Guard};
use crate::engine::Scanner;
use crate::fetch::{ConnectTo, FetchOptions, Fetcher, Overrides, ResolveEntry};
use crate::render::{RenderMode, RenderOptions, Renderer};
use crate::rules::RuleSet;
use crate::store::Store;

pub(super) struct Settings {
    pub config: Config,
}

pub(super) fn load(config_file: Option<&Path>, database: Option<&str>) -> anyhow::Result<Settings> {
    let mut config = Config::load(config_file, std::env::vars())?;
    if let Some(url) = database {
        config.database = url.to_string();
        config.database_named = true;
    }
    config.validate()?;
    Ok(Settings { config })
}

pub(super) async fn store(config: &Config) -> anyhow::Result<Store> {
    Store::connect(&config.database).await.with_context(|| "opening the store")
}

pub(super) fn rules(config: &Config, flag: Option<&Path>) -> anyhow::Result<RuleSet> {
    match flag.or(config.rules.as_deref()) {
        Some(dir) => RuleSet::load(dir).with_context(|| format!("loading rules from {}", dir.display())),
        None => Ok(RuleSet::embedded()),
    }
}

/// A scanner from the settings, with extra overrides and resolver settings from flags.
pub(super) fn scanner(
    config: &Config,
    rules: RuleSet,
    extra: Overrides,
    options: FetchOptions,
    extra_nameservers: &[std::net::SocketAddr],
    extra_allow: &[ipnet::IpNet],
) -> anyhow::Result<Scanner> {
    let mut overrides = extra;
    for r in &config.scan.resolve {
        overrides.resolve.push(r.parse::<ResolveEntry>()?);
    }
    for c in &config.scan.connect_to {
        overrides.connect_to.push(c.parse::<ConnectTo>()?);
    }
    let nameservers =
        if extra_nameservers.is_empty() { config.dns.nameservers.clone() } else { extra_nameservers.to_vec() };
    let dns = Dns::new(&DnsOptions {
        nameservers,
        timeout: Some(std::time::Duration::from_secs(config.dns.timeout_secs.max(1))),
    })
    .context("setting up DNS")?;
    let mut allow = config.dns.allow_networks.clone();
    allow.extend_from_slice(extra_allow);
    let fetcher = Fetcher::new(options, overrides, dns, Guard::new(allow)).context("setting up the HTTP client")?;
    let scanner = Scanner::new(fetcher, std::sync::Arc::new(rules));
    if config.scan.render == RenderMode::Never {
        return Ok(scanner);
    }
    let options = RenderOptions {
        mode: config.scan.render,
        browser: config.render.browser.clone(),
        concurrency: config.render.concurrency.max(1),
        budget: std::time::Duration::from_millis(config.render.budget_ms.max(100)),
        max_requests: config.render.max_requests,
        ..RenderOptions::default()
    };
    let renderer = Renderer::new(options).context("setting up the render stage")?;
    Ok(scanner.with_renderer(std::sync::Arc::new(renderer)))
}

/// Fetch limits from the settings.
pub(super) fn fetch_options(config: &Config) -> FetchOptions {
    FetchOptions {
        connect_timeout: std::time::Duration::from_secs(config.scan.connect_timeout_secs.max(1)),
        total_timeout: std::time::Duration::from_secs(config.scan.timeout_secs.max(1)),
        max_body: config.scan.max_body_bytes,
        max_redirects: config.scan.max_redirects,
        pages_in_memory: config.scan.pages_in_memory,
        ..FetchOptions::default()
    }
}
