//! `icp-patrol review` (a reviewer's decision on a finding) and `icp-patrol notice` (notices sent,
//! their deadlines and the one extension).

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::render::Lang;
use super::settings::{self, Settings};
use super::{DataError, UsageError};
use crate::engine::today_in_shanghai;
use crate::filing::parse_date;
use crate::report::fingerprint;
use crate::rules::NoticeKind;
use crate::state::{DecisionKind, NoticeState};
use crate::store::{Decision, now_ms};

/// A notice that can be sent: special_inspection or change_filing (not `none`).
fn notice_kind(s: &str) -> Result<NoticeKind, String> {
    match s.parse::<NoticeKind>() {
        Ok(NoticeKind::None) | Err(_) => Err(format!("{s:?} is not a notice (special_inspection or change_filing)")),
        Ok(kind) => Ok(kind),
    }
}

fn day(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).ok_or_else(|| format!("{s:?} is not a date"))
}

fn reviewer(by: Option<String>) -> String {
    by.or_else(|| std::env::var("SUDO_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .or_else(login_name)
        .unwrap_or_else(|| "unknown".into())
}

/// The name of the process's user from the password database, for when `USER` is unset (cron,
/// systemd units, containers).
fn login_name() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .filter_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            let id = f.nth(1)?.parse::<u32>().ok()?;
            Some((name, id))
        })
        .find(|(_, id)| *id == uid)
        .map(|(name, _)| name.to_string())
        .or(Some(format!("uid {uid}")))
}

/// A decision's flags must fit together before anything is stored.
fn check_decision(decision: DecisionKind, until: Option<NaiveDate>, today: NaiveDate) -> Result<(), UsageError> {
    match (decision, until) {
        (DecisionKind::Waived, None) => {
            Err(UsageError("--decision waived needs --until (the waiver's last day)".into()))
        }
        (DecisionKind::Waived, Some(u)) if u < today => {
            Err(UsageError(format!("--until {u} is in the past (today is {today}); a waiver runs until a day to come")))
        }
        (DecisionKind::Waived, Some(_)) | (_, None) => Ok(()),
        (other, Some(_)) => Err(UsageError(format!("--until is for waivers only, not for --decision {other}"))),
    }
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The scanned host (a filed domain or its www.).
    pub domain: String,
    /// The check id, e.g. icp.link.missing.
    pub check: String,
    /// confirmed (a real violation), false_positive (the scanner is wrong: kept out of notices while
    /// the evidence stays the same) or waived (kept out until --until).
    #[arg(long, value_parser = |s: &str| s.parse::<DecisionKind>().map_err(|e| e.to_string()))]
    pub decision: DecisionKind,
    /// A waiver's last day.
    #[arg(long, value_parser = day)]
    pub until: Option<NaiveDate>,
    /// Why: shown with the finding in every report.
    #[arg(long)]
    pub note: String,
    /// Who decides (default: the login name).
    #[arg(long)]
    pub by: Option<String>,
    /// The language of the confirmation: zh or en.
    #[arg(long, value_enum, default_value_t)]
    pub lang: Lang,
}

pub(super) async fn review(args: ReviewArgs, settings: Settings) -> anyhow::Result<u8> {
    check_decision(args.decision, args.until, today_in_shanghai())?;
    let store = settings::store(&settings.config).await?;
    let target = crate::domain::normalise_host(&args.domain)?;
    let open = store.open_findings(&target).await?;
    let Some(finding) = open.get(&args.check) else {
        anyhow::bail!(DataError(format!(
            "{target} has no open finding {} (see `icp-patrol report --domain {target} --format jsonl`)",
            args.check
        )));
    };
    let decision = Decision {
        domain: finding.domain.clone(),
        target: target.clone(),
        check_id: args.check.clone(),
        decision: args.decision,
        until: args.until,
        note: args.note,
        decided_by: reviewer(args.by),
        decided_at: now_ms(),
        fingerprint: fingerprint(&args.check, &finding.evidence),
    };
    store.add_decision(&decision).await?;
    match args.lang {
        Lang::Zh => println!(
            "{target} {}：{} 的审核结论 {} 已记录（证据不变时一直有效）",
            args.check, decision.decided_by, decision.decision
        ),
        Lang::En => println!(
            "{target} {}: {} by {} (holds while the evidence stays the same)",
            args.check, decision.decision, decision.decided_by
        ),
    }
    Ok(0)
}

#[derive(Debug, Subcommand)]
pub enum NoticeCommand {
    /// Record that a notice was sent; its deadline is stored.
    Sent {
        /// The filed domain the notice went to.
        domain: String,
        /// Which notice: special_inspection (专项核查) or change_filing (变更备案).
        #[arg(long, value_parser = notice_kind)]
        kind: NoticeKind,
        /// The day the customer must have rectified by (default: today plus the rules' deadline
        /// for the kind).
        #[arg(long, value_parser = day)]
        deadline: Option<NaiveDate>,
        /// Who sent it (default: the login name).
        #[arg(long)]
        by: Option<String>,
        /// The language of the confirmation: zh or en.
        #[arg(long, value_enum, default_value_t)]
        lang: Lang,
    },
    /// Grant the one extension a notice may have: at most 7 working days.
    Extend {
        /// The filed domain the notice went to.
        domain: String,
        /// Which notice: special_inspection or change_filing.
        #[arg(long, value_parser = notice_kind)]
        kind: NoticeKind,
        /// Working days added to the deadline (1 to 7; weekends and the holidays of
        /// rules/holidays.toml skipped, 调休 working weekends counted).
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=7))]
        days: u32,
        /// The language of the confirmation: zh or en.
        #[arg(long, value_enum, default_value_t)]
        lang: Lang,
    },
    /// The notices of one domain, or all.
    List {
        /// Only this filed domain's notices.
        domain: Option<String>,
        /// The language of the list: zh or en.
        #[arg(long, value_enum, default_value_t)]
        lang: Lang,
    },
}

/// Shows a deadline's warning where the reviewer reads the command's output (the log has it too).
fn warn_deadline(due: &crate::rules::Due) {
    if let Some(w) = &due.warning {
        eprintln!("注意 (warning): {w}");
    }
}

pub(super) async fn notice(command: NoticeCommand, settings: Settings) -> anyhow::Result<u8> {
    let store = settings::store(&settings.config).await?;
    match command {
        NoticeCommand::Sent { domain, kind, deadline, by, lang } => {
            let domain = crate::domain::normalise_host(&domain)?;
            let rules = settings::rules(&settings.config, None)?;
            let today = today_in_shanghai();
            let deadline = match deadline {
                Some(d) => d,
                None => {
                    let due = rules.holidays.after_days(today, rules.deadlines.days(kind));
                    warn_deadline(&due);
                    due.date
                }
            };
            if deadline < today {
                anyhow::bail!(UsageError(format!(
                    "--deadline {deadline} is before the day the notice is sent ({today})"
                )));
            }
            if store.filing_for_host(&domain).await?.is_none() {
                anyhow::bail!(DataError(format!("{domain} has no filing record (import it first)")));
            }
            if store.open_findings_for_notice(&domain, kind).await? == 0 {
                anyhow::bail!(DataError(format!(
                    "{domain} has no open finding that feeds a {kind} notice (see `icp-patrol report --domain {domain}`)"
                )));
            }
            if store.notices(Some(&domain)).await?.iter().any(|n| n.kind == kind && n.state == NoticeState::Sent) {
                anyhow::bail!(DataError(format!(
                    "{domain}: a {kind} notice was sent already and is still open (see `icp-patrol notice list {domain}`)"
                )));
            }
            store.add_notice(&domain, kind, deadline, &reviewer(by)).await?;
            match lang {
                Lang::Zh => println!(
                    "{domain}：已记录发出{}通知，整改期限 {deadline}；守护进程届时复扫，标记为已整改或逾期",
                    kind.zh()
                ),
                Lang::En => println!(
                    "{domain}: {kind} notice sent, deadline {deadline}; the daemon re-scans then and marks it rectified or overdue"
                ),
            }
        }
        NoticeCommand::Extend { domain, kind, days, lang } => {
            let domain = crate::domain::normalise_host(&domain)?;
            let notices = store.notices(Some(&domain)).await?;
            let Some(n) = notices.iter().rev().find(|n| n.kind == kind && n.state == NoticeState::Sent) else {
                anyhow::bail!(DataError(format!("{domain} has no open {kind} notice")));
            };
            if n.extended_to.is_some() {
                anyhow::bail!(DataError(format!(
                    "{domain}: the {kind} notice was extended already (one extension per notice)"
                )));
            }
            let rules = settings::rules(&settings.config, None)?;
            let due = rules.holidays.add_working_days(n.deadline, days);
            warn_deadline(&due);
            let to = due.date;
            store.extend_notice(n.id, to).await?;
            match lang {
                Lang::Zh => println!("{domain}：{}通知的整改期限由 {} 延至 {to}", kind.zh(), n.deadline),
                Lang::En => println!("{domain}: {kind} deadline extended from {} to {to}", n.deadline),
            }
        }
        NoticeCommand::List { domain, lang } => {
            let domain = domain.map(|d| crate::domain::normalise_host(&d)).transpose()?;
            for n in store.notices(domain.as_deref()).await? {
                match lang {
                    Lang::Zh => println!("{}\t{}\t期限 {}\t{}", n.domain, n.kind.zh(), n.due(), n.state.zh()),
                    Lang::En => println!("{}\t{}\tdeadline {}\t{}", n.domain, n.kind, n.due(), n.state),
                }
            }
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_flags_must_fit_together() {
        let today: NaiveDate = "2026-11-28".parse().expect("date");
        let later = Some("2026-12-31".parse().expect("date"));
        assert!(check_decision(DecisionKind::Waived, later, today).is_ok());
        assert!(check_decision(DecisionKind::FalsePositive, None, today).is_ok());
        assert!(check_decision(DecisionKind::Waived, None, today).is_err());
        assert!(check_decision(DecisionKind::Waived, Some("2026-11-27".parse().expect("date")), today).is_err());
        assert!(check_decision(DecisionKind::Confirmed, later, today).is_err());
    }

    #[test]
    fn the_reviewer_has_a_name_without_user() {
        assert!(login_name().is_some_and(|n| !n.is_empty()));
    }
}
