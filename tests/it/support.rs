//! Test helpers: a farm per test on 127.0.0.1, a scanner whose every test domain is routed to it
//! (never the system resolver), and filing records.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use icp_patrol::checks::Outcome;
use icp_patrol::dns::{Dns, DnsOptions, Guard};
use icp_patrol::engine::{Scanner, Target};
use icp_patrol::farm::{Behaviour, Farm};
use icp_patrol::fetch::{ConnectTo, FetchOptions, Fetcher, Overrides};
use icp_patrol::filing::FilingRecord;
use icp_patrol::result::ScanResult;
use icp_patrol::rules::RuleSet;

pub const TODAY: &str = "2026-11-28";

pub fn today() -> NaiveDate {
    TODAY.parse().expect("date")
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

pub struct TestFarm {
    pub farm: Farm,
    pub scanner: Scanner,
}

/// Starts a farm with these sites and a scanner that reaches each of their hosts, on any port,
/// through the farm only.
pub async fn farm(sites: Vec<(&str, Behaviour)>) -> TestFarm {
    farm_with(sites, FetchOptions { total_timeout: Duration::from_secs(5), ..FetchOptions::default() }).await
}

pub async fn farm_with(sites: Vec<(&str, Behaviour)>, options: FetchOptions) -> TestFarm {
    icp_patrol::install_crypto_provider();
    let hosts: Vec<String> = sites.iter().map(|(h, _)| h.to_string()).collect();
    let map: HashMap<String, Behaviour> = sites.into_iter().map(|(h, b)| (h.to_string(), b)).collect();
    let farm = Farm::start(IpAddr::V4(Ipv4Addr::LOCALHOST), map).await.expect("farm starts");
    let connect_to = hosts
        .into_iter()
        .map(|host| ConnectTo {
            host: Some(host),
            port: None,
            to_host: farm.addr.ip().to_string(),
            to_port: farm.addr.port(),
        })
        .collect();
    let fetcher =
        Fetcher::new(options, Overrides { resolve: vec![], connect_to }, no_dns(), Guard::default()).expect("fetcher");
    let scanner = Scanner::new(fetcher, Arc::new(RuleSet::embedded()));
    TestFarm { farm, scanner }
}

/// A resolver that can only fail, and fails on loopback: a test that forgets a route never asks the
/// system's resolver.
pub fn no_dns() -> Dns {
    Dns::new(&DnsOptions {
        nameservers: vec![NOWHERE_DNS.parse().expect("addr")],
        timeout: Some(Duration::from_millis(300)),
    })
    .expect("resolver")
}

/// A loopback port where no DNS server listens.
pub const NOWHERE_DNS: &str = "127.0.0.1:9";

impl TestFarm {
    pub async fn scan(&self, target: &str, filing: Option<&FilingRecord>) -> ScanResult {
        let target = Target::parse(target).expect("target");
        self.scanner.scan(&target, filing, today()).await
    }
}

/// A schedule of every filing (tests enqueue its cycles by hand).
pub fn schedule(name: &str) -> icp_patrol::config::Schedule {
    icp_patrol::config::Schedule {
        name: name.into(),
        cron: "0 3 * * *".into(),
        timezone: "Asia/Shanghai".into(),
        province: None,
        provider: None,
    }
}

/// A filing record; change fields with struct update syntax.
pub fn filing(domain: &str, site_number: &str) -> FilingRecord {
    FilingRecord {
        domain: domain.to_string(),
        site_number: site_number.to_string(),
        principal: "北京示例科技有限公司".into(),
        principal_type: "企业".into(),
        site_name: "示例科技官网".into(),
        approved_on: date("2024-03-01"),
        opened_on: None,
        psb_code: None,
        license: None,
        preapprovals: vec![],
        provider: None,
        filed_ips: vec![],
    }
}

/// A homepage with some body text and this footer.
pub fn page(footer: &str) -> Behaviour {
    Behaviour::html(format!(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>示例科技官网</title></head><body>\
         <header><h1>示例科技官网</h1><nav><a href=/>首页</a> <a href=/about>关于我们</a></nav></header>\
         <main><p>我们专注于企业信息化建设，为客户提供软件开发与技术咨询服务。</p></main>\
         <footer>{footer}</footer></body></html>"
    ))
}

pub const MIIT: &str = "https://beian.miit.gov.cn/";

pub fn linked(number: &str) -> String {
    format!("<a href=\"{MIIT}\" target=\"_blank\">{number}</a>")
}

pub fn psb_linked(label: &str, code: &str) -> String {
    format!("<a href=\"https://beian.mps.gov.cn/#/query/webSearch?code={code}\">{label}{code}号</a>")
}

/// The outcome of one check in a result (panics if the check is absent).
pub fn outcome(r: &ScanResult, id: &str) -> Outcome {
    r.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no check {id} in {:#?}", r.checks)).outcome
}

pub fn check<'a>(r: &'a ScanResult, id: &str) -> &'a icp_patrol::result::CheckResult {
    r.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no check {id}"))
}
