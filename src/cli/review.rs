//! `icp-patrol review` (a reviewer's decision on a finding) and `icp-patrol notice` (notices sent,
//! their deadlines and the one extension).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use clap::{Args, Subcommand};

use super::settings::{self, Settings};
use crate::engine::today_in_shanghai;
use crate::filing::parse_date;
use crate::report::fingerprint;
use crate::store::{Decision, now_ms};

fn day(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).ok_or_else(|| format!("{s:?} is not a date"))
}

fn reviewer(by: Option<String>) -> String {
    by.or_else(|| std::env::var("SUDO_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".into())
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The scanned host (a filed domain or its www.).
    pub domain: String,
    /// The check id, e.g. icp.link.missing.
    pub check: String,
    #[arg(long, value_parser = ["confirmed", "false_positive", "waived"])]
    pub decision: String,
    /// A waiver's last day.
    #[arg(long, value_parser = day)]
    pub until: Option<NaiveDate>,
    #[arg(long)]
    pub note: String,
    /// Who decides (default: the login name).
    #[arg(long)]
    pub by: Option<String>,
}

pub(super) async fn review(args: ReviewArgs, settings: Settings) -> anyhow::Result<u8> {
    let store = settings::store(&settings.config).await?;
    let target = crate::domain::normalise_host(&args.domain)?;
    let open = store.open_findings(&target).await?;
    let Some(finding) = open.get(&args.check) else {
        anyhow::bail!(
            "{target} has no open finding {} (see `icp-patrol report --domain {target} --format jsonl`)",
            args.check
        );
    };
    let decision = Decision {
        domain: finding.domain.clone(),
        target: target.clone(),
        check_id: args.check.clone(),
        decision: args.decision.clone(),
        until: args.until,
        note: args.note,
        decided_by: reviewer(args.by),
        decided_at: now_ms(),
        fingerprint: fingerprint(&args.check, &finding.evidence),
    };
    store.add_decision(&decision).await?;
    println!(
        "{target} {}: {} by {} (holds while the evidence stays the same)",
        args.check, decision.decision, decision.decided_by
    );
    Ok(0)
}

#[derive(Debug, Subcommand)]
pub enum NoticeCommand {
    /// Record that a notice was sent; its deadline is stored.
    Sent {
        domain: String,
        #[arg(long, value_parser = ["special_inspection", "change_filing"])]
        kind: String,
        /// Default: today plus the rules' deadline for the kind.
        #[arg(long, value_parser = day)]
        deadline: Option<NaiveDate>,
        #[arg(long)]
        by: Option<String>,
    },
    /// Grant the one extension a notice may have: at most 7 working days.
    Extend {
        domain: String,
        #[arg(long, value_parser = ["special_inspection", "change_filing"])]
        kind: String,
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=7))]
        days: u32,
    },
    /// The notices of one domain, or all.
    List { domain: Option<String> },
}

/// `days` working days after `from` (Saturdays and Sundays skipped; public holidays are not known).
pub fn add_working_days(from: NaiveDate, days: u32) -> NaiveDate {
    let mut d = from;
    let mut left = days;
    while left > 0 {
        d = d.checked_add_days(Days::new(1)).unwrap_or(d);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

pub(super) async fn notice(command: NoticeCommand, settings: Settings) -> anyhow::Result<u8> {
    let store = settings::store(&settings.config).await?;
    match command {
        NoticeCommand::Sent { domain, kind, deadline, by } => {
            let domain = crate::domain::normalise_host(&domain)?;
            let rules = settings::rules(&settings.config, None)?;
            let days = if kind == "special_inspection" {
                rules.deadlines.special_inspection
            } else {
                rules.deadlines.change_filing
            };
            let deadline = deadline
                .unwrap_or_else(|| today_in_shanghai().checked_add_days(Days::new(days.into())).unwrap_or_default());
            store.add_notice(&domain, &kind, deadline, &reviewer(by)).await?;
            println!(
                "{domain}: {kind} notice sent, deadline {deadline}; the daemon re-scans then and marks it rectified or overdue"
            );
        }
        NoticeCommand::Extend { domain, kind, days } => {
            let domain = crate::domain::normalise_host(&domain)?;
            let notices = store.notices(Some(&domain)).await?;
            let Some(n) = notices.iter().rev().find(|n| n.kind == kind && n.state == "sent") else {
                anyhow::bail!("{domain} has no open {kind} notice");
            };
            if n.extended_to.is_some() {
                anyhow::bail!("{domain}: the {kind} notice was extended already (one extension per notice)");
            }
            let to = add_working_days(n.deadline, days);
            store.extend_notice(n.id, to).await?;
            println!("{domain}: {kind} deadline extended from {} to {to}", n.deadline);
        }
        NoticeCommand::List { domain } => {
            let domain = domain.map(|d| crate::domain::normalise_host(&d)).transpose()?;
            for n in store.notices(domain.as_deref()).await? {
                println!("{}\t{}\tdeadline {}\t{}", n.domain, n.kind, n.due(), n.state);
            }
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_days_skip_weekends() {
        let friday: NaiveDate = "2026-11-27".parse().expect("date");
        assert_eq!(add_working_days(friday, 1), "2026-11-30".parse::<NaiveDate>().expect("date"));
        assert_eq!(add_working_days(friday, 7), "2026-12-08".parse::<NaiveDate>().expect("date"));
    }
}
