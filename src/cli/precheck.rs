//! `icp-patrol precheck <principal | entity number | domain>`: before a 新增网站 or 接入备案
//! application, every site already filed for the entity must be reachable and consistent with its
//! filing, or the application is turned away at 初审. Scans each of them now (recorded in the store,
//! with their history), and says go or no-go with the blocking findings per site: text, JSON or the
//! HTML report.

use super::output::say;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, ValueEnum};
use futures_util::StreamExt;
use serde::Serialize;

use super::render::{Lang, pad};
use super::settings::{self, Settings};
use super::{DataError, Exit};
use crate::checks::{Evidence, Outcome};
use crate::engine::{Scanner, Target, today_in_shanghai};
use crate::filing::FilingRecord;
use crate::report::{self, Entity, Filters};
use crate::result::ScanResult;
use crate::rules::{NoticeKind, RuleSet};
use crate::store::Store;
use crate::verdict::Status;

pub const SCHEMA: &str = "icp-patrol/precheck/v1";

/// Failing checks that block an application although they feed no notice by themselves: the site
/// must be reachable and resolve.
const BLOCKING_ALWAYS: [&str; 2] = ["site.unreachable", "hosting.no_address"];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people (see --lang).
    #[default]
    Text,
    /// For programs (schema icp-patrol/precheck/v1, see README).
    Json,
    /// The HTML report of the entity's findings, headed by the decision (--output, default
    /// precheck.html).
    Html,
}

#[derive(Debug, Args)]
pub struct PrecheckArgs {
    /// The entity: its principal's exact name (主办单位名称), its entity number or one of its site
    /// numbers, or one of its filed domains.
    pub entity: String,
    /// Output: text, json or html.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// The language of text output: zh or en.
    #[arg(long, value_enum, default_value_t)]
    pub lang: Lang,
    /// Where the HTML goes (default: precheck.html).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// The day the date rules count from (default: today in Asia/Shanghai).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = |s: &str| crate::filing::parse_date(s).ok_or_else(|| format!("{s:?} is not a date")))]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub network: super::scan::NetworkArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Every site is reachable and consistent with its filing.
    Go,
    /// At least one site has a blocking finding.
    NoGo,
    /// Nothing blocks, but at least one site could not be judged: check it before applying.
    Undecided,
}

impl Decision {
    fn words(self, lang: Lang) -> &'static str {
        match self {
            Decision::Go => lang.pick("通过（go）：可以提交申请", "go: the application can be filed"),
            Decision::NoGo => lang.pick("不通过（no-go）：先整改下列网站", "no-go: rectify the sites below first"),
            Decision::Undecided => {
                lang.pick("待定：有网站无法判定，请人工核对", "undecided: a site could not be judged; check it by hand")
            }
        }
    }

    fn exit(self) -> Exit {
        match self {
            Decision::Go => Exit::Ok,
            Decision::NoGo => Exit::Notice,
            Decision::Undecided => Exit::Undecided,
        }
    }
}

#[derive(Debug, Serialize)]
struct Blocking {
    id: String,
    /// The check's Chinese name.
    name: String,
    notice: NoticeKind,
    message: String,
    message_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
    evidence: Evidence,
    remedy: String,
    remedy_en: String,
}

#[derive(Debug, Serialize)]
struct Site {
    domain: String,
    site_number: String,
    site_name: String,
    verdict: Status,
    scanned_at: DateTime<Utc>,
    /// The failing checks that block the application.
    blocking: Vec<Blocking>,
    /// Checks that could not be decided (never a reason for no-go).
    undecided: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Precheck {
    schema: &'static str,
    query: String,
    entity: Entity,
    decision: Decision,
    today: NaiveDate,
    sites: Vec<Site>,
}

/// The entity a query names in the store, or a data error saying what may be given.
pub(super) async fn entity(store: &Store, query: &str) -> anyhow::Result<Entity> {
    let filings = store.all_filings().await?;
    Entity::resolve(&filings, query).ok_or_else(|| {
        DataError(format!(
            "{query:?} names no filed entity (give a principal's exact name, an entity or site number, or a filed domain)"
        ))
        .into()
    })
}

fn site(record: &FilingRecord, result: &ScanResult, rules: &RuleSet) -> Site {
    let blocking = result
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .filter(|c| c.notice != NoticeKind::None || BLOCKING_ALWAYS.contains(&c.id.as_str()))
        .map(|c| {
            let spec = rules.catalogue.get(&c.id);
            let text = |f: fn(&crate::rules::CheckSpec) -> &String| spec.map(f).cloned().unwrap_or_default();
            Blocking {
                id: c.id.clone(),
                name: text(|s| &s.name),
                notice: c.notice,
                message: c.message.clone(),
                message_en: c.message_en.clone(),
                detail: c.detail.clone(),
                evidence: c.evidence.clone(),
                remedy: text(|s| &s.remedy),
                remedy_en: text(|s| &s.remedy_en),
            }
        })
        .collect();
    Site {
        domain: record.domain.clone(),
        site_number: record.site_number.clone(),
        site_name: record.site_name.clone(),
        verdict: result.verdict.status,
        scanned_at: result.scanned_at,
        blocking,
        undecided: result.checks.iter().filter(|c| c.outcome == Outcome::Inconclusive).map(|c| c.id.clone()).collect(),
    }
}

fn decide(sites: &[Site]) -> Decision {
    if sites.iter().any(|s| !s.blocking.is_empty()) {
        Decision::NoGo
    } else if sites.iter().any(|s| matches!(s.verdict, Status::Inconclusive | Status::NoRecord)) {
        Decision::Undecided
    } else {
        Decision::Go
    }
}

/// Scans one filed site now and records it with its history, as `scan` with a store does.
async fn scan_site(
    store: &Store,
    scanner: &Scanner,
    record: &FilingRecord,
    today: NaiveDate,
) -> anyhow::Result<ScanResult> {
    let target = Target::parse(&record.domain)?;
    let mut result = scanner.scan(&target, Some(record), today).await;
    let open = store.open_findings(&result.domain).await?;
    crate::scheduler::history::compare(store, scanner, &mut result, Some(record), &open).await?;
    store.record(&result, None).await?;
    Ok(result)
}

pub(super) async fn run(args: PrecheckArgs, settings: Settings) -> anyhow::Result<u8> {
    let store = settings::store(&settings.config).await?;
    let entity = entity(&store, &args.entity).await?;
    let mut records: Vec<FilingRecord> = store
        .all_filings()
        .await?
        .into_iter()
        .filter(|f| f.status == "active" && entity.includes(&f.record))
        .map(|f| f.record)
        .collect();
    records.sort_by(|a, b| a.domain.cmp(&b.domain));
    if records.is_empty() {
        anyhow::bail!(DataError(format!("{}: no active filing to check", entity.describe())));
    }
    let rules = settings::rules(&settings.config, None)?;
    let options = settings::fetch_options(&settings.config);
    let scanner = super::scan::network_scanner(&settings.config, rules, options, &args.network, None)?;
    let today = args.today.unwrap_or_else(today_in_shanghai);
    let scanned: Vec<anyhow::Result<ScanResult>> =
        futures_util::stream::iter(&records).map(|r| scan_site(&store, &scanner, r, today)).buffered(8).collect().await;
    let mut sites = Vec::new();
    for (record, result) in records.iter().zip(scanned) {
        sites.push(site(record, &result?, scanner.rules()));
    }
    if let Some(renderer) = scanner.renderer() {
        renderer.shutdown().await;
    }
    let decision = decide(&sites);
    let precheck = Precheck { schema: SCHEMA, query: args.entity.clone(), entity, decision, today, sites };
    match args.format {
        Format::Json => say!("{}", serde_json::to_string(&precheck)?),
        Format::Text => super::output::text(&text(&precheck, args.lang)),
        Format::Html => {
            let output = args.output.unwrap_or_else(|| PathBuf::from("precheck.html"));
            let filters =
                Filters { status: "open".into(), entity: Some(precheck.entity.clone()), ..Filters::default() };
            let mut view = report::collect_as(&store, scanner.rules(), &filters, today, None).await?;
            view.headline = Some(text(&precheck, Lang::Zh));
            report::write(&view, report::Format::Html, &output)
                .with_context(|| format!("writing {}", output.display()))?;
            eprintln!("{}: {}", output.display(), decision.words(Lang::Zh));
        }
    }
    Ok(decision.exit().code())
}

/// The decision and each site with its blocking findings and their remedies.
fn text(p: &Precheck, lang: Lang) -> String {
    use std::fmt::Write;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{} ({} {})",
        l("接入前预检：", "pre-check: "),
        p.entity.describe(),
        p.sites.len(),
        l("个已备案网站", "filed sites")
    );
    let _ = writeln!(out, "{}{}\n", l("结论：", "decision: "), p.decision.words(lang));
    for s in &p.sites {
        let mark = if !s.blocking.is_empty() {
            l("不通过", "no-go")
        } else if matches!(s.verdict, Status::Inconclusive | Status::NoRecord) {
            l("待定", "undecided")
        } else {
            l("通过", "go")
        };
        let _ = writeln!(
            out,
            "  {} {} {} {} {}",
            pad(mark, 8),
            pad(&crate::domain::display_host(&s.domain), 26),
            pad(&s.site_number, 24),
            pad(lang.status(s.verdict), 12),
            lang.time(s.scanned_at)
        );
        for b in &s.blocking {
            let name = if lang == Lang::Zh { b.name.as_str() } else { b.id.as_str() };
            let message = lang.pick(&b.message, &b.message_en);
            let notice = lang.notice(b.notice);
            let line = match lang {
                Lang::Zh => format!("· {name}（{notice}）：{message}"),
                Lang::En => format!("· {name} ({notice}): {message}"),
            };
            let _ = writeln!(out, "{}{line}", " ".repeat(11));
            let ev = &b.evidence;
            let facts = [
                (l("实际", "found"), ev.found.as_deref()),
                (l("应为", "expected"), ev.expected.as_deref()),
                (l("变更前", "before"), ev.before.as_deref()),
                (l("变更后", "after"), ev.after.as_deref()),
            ];
            for (k, v) in facts.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))) {
                let _ = writeln!(out, "{}{k}: {v}", " ".repeat(13));
            }
            let _ = writeln!(out, "{}{}: {}", " ".repeat(13), l("整改", "remedy"), lang.pick(&b.remedy, &b.remedy_en));
        }
    }
    out
}
