//! `icp-patrol review` (a reviewer's decision on a finding) and `icp-patrol notice` (notices sent,
//! their deadlines and the one extension).

use super::output::say;
use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::render::Lang;
use super::settings::{self, Settings};
use super::{DataError, UsageError};
use crate::desk::{DecisionRequest, DeskError};
use crate::engine::today_in_shanghai;
use crate::filing::parse_date;
use crate::rules::NoticeKind;
use crate::state::DecisionKind;
use crate::store::Actor;

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

pub(super) fn reviewer(by: Option<String>) -> String {
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
    // The flags are checked before the store is opened: a wrong command touches nothing.
    crate::desk::decisions_check(args.decision, args.until, today_in_shanghai()).map_err(desk_error)?;
    let store = settings::store(&settings.config).await?;
    let target = crate::domain::normalise_host(&args.domain)?;
    let actor = Actor::cli(reviewer(args.by));
    let request = DecisionRequest {
        target: target.clone(),
        check_id: args.check.clone(),
        decision: args.decision,
        until: args.until,
        note: args.note,
    };
    let decision = crate::desk::decide(&store, &actor, request, today_in_shanghai()).await.map_err(|e| match e {
        DeskError::Missing(m) => {
            anyhow::Error::new(DataError(format!("{m} (see `icp-patrol report --domain {target} --format jsonl`)")))
        }
        other => desk_error(other),
    })?;
    match args.lang {
        Lang::Zh => say!(
            "{target} {}：{} 的审核结论 {} 已记录（证据不变时一直有效）",
            args.check,
            decision.decided_by,
            decision.decision
        ),
        Lang::En => say!(
            "{target} {}: {} by {} (holds while the evidence stays the same)",
            args.check,
            decision.decision,
            decision.decided_by
        ),
    }
    Ok(0)
}

/// The desk's refusals as the command line's: a request that does not fit is a usage error (64), a
/// state that does not allow it a data error (65).
fn desk_error(e: DeskError) -> anyhow::Error {
    match e {
        DeskError::Invalid(m) => UsageError(m).into(),
        DeskError::Missing(m) | DeskError::Conflict(m) => DataError(m).into(),
        DeskError::Store(e) => e.into(),
    }
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
fn warn_deadline(warning: Option<&str>) {
    if let Some(w) = warning {
        eprintln!("注意 (warning): {w}");
    }
}

pub(super) async fn notice(command: NoticeCommand, settings: Settings) -> anyhow::Result<u8> {
    let store = settings::store(&settings.config).await?;
    match command {
        NoticeCommand::Sent { domain, kind, deadline, by, lang } => {
            let domain = crate::domain::normalise_host(&domain)?;
            let rules = settings::rules(&settings.config, None)?;
            let actor = Actor::cli(reviewer(by));
            let sent = crate::desk::send_notice(&store, &rules, &actor, &domain, kind, deadline, today_in_shanghai())
                .await
                .map_err(|e| match e {
                    DeskError::Missing(m) | DeskError::Conflict(m) => anyhow::Error::new(DataError(format!(
                        "{m} (see `icp-patrol report --domain {domain}` and `icp-patrol notice list {domain}`)"
                    ))),
                    other => desk_error(other),
                })?;
            warn_deadline(sent.warning.as_deref());
            let deadline = sent.deadline;
            match lang {
                Lang::Zh => say!(
                    "{domain}：已记录发出{}通知，整改期限 {deadline}；守护进程届时复扫，标记为已整改或逾期",
                    kind.zh()
                ),
                Lang::En => say!(
                    "{domain}: {kind} notice sent, deadline {deadline}; the daemon re-scans then and marks it rectified or overdue"
                ),
            }
        }
        NoticeCommand::Extend { domain, kind, days, lang } => {
            let domain = crate::domain::normalise_host(&domain)?;
            let rules = settings::rules(&settings.config, None)?;
            let actor = Actor::cli(reviewer(None));
            let done =
                crate::desk::extend_notice(&store, &rules, &actor, &domain, kind, days).await.map_err(desk_error)?;
            warn_deadline(done.warning.as_deref());
            let (from, to) = (done.from, done.to);
            match lang {
                Lang::Zh => say!("{domain}：{}通知的整改期限由 {from} 延至 {to}", kind.zh()),
                Lang::En => say!("{domain}: {kind} deadline extended from {from} to {to}"),
            }
        }
        NoticeCommand::List { domain, lang } => {
            let domain = domain.map(|d| crate::domain::normalise_host(&d)).transpose()?;
            for n in store.notices(domain.as_deref()).await? {
                match lang {
                    Lang::Zh => say!("{}\t{}\t期限 {}\t{}", n.domain, n.kind.zh(), n.due(), n.state.zh()),
                    Lang::En => say!("{}\t{}\tdeadline {}\t{}", n.domain, n.kind, n.due(), n.state),
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
    fn the_reviewer_has_a_name_without_user() {
        assert!(login_name().is_some_and(|n| !n.is_empty()));
    }
}
