//! The human view of a scan: the verdict, what was read, and a short table of checks, Chinese and
//! English, coloured on a terminal.

use std::io::{self, Write};

use crate::checks::Outcome;
use crate::result::ScanResult;
use crate::verdict::Status;

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
}

fn status_words(s: Status) -> (&'static str, &'static str, &'static str) {
    match s {
        Status::Compliant => ("合规", "compliant", "32"),
        Status::Pending => ("待办", "pending", "36"),
        Status::NoRecord => ("无备案记录", "no_record", "35"),
        Status::Inconclusive => ("无法判定", "inconclusive", "33"),
        Status::Notice => ("需发通知", "notice", "31;1"),
    }
}

pub(super) fn text(out: &mut impl Write, r: &ScanResult, colour: bool) -> io::Result<()> {
    let paint = Paint { on: colour && std::env::var_os("NO_COLOR").is_none() };
    let (zh, en, code) = status_words(r.verdict.status);
    let notices = r.verdict.notices.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ");
    let verdict = if notices.is_empty() { format!("{zh} {en}") } else { format!("{zh} {en}: {notices}") };
    writeln!(out, "{}  {}", paint.wrap("1", &crate::domain::display_host(&r.domain)), paint.wrap(code, &verdict))?;
    match &r.filing {
        Some(f) => {
            writeln!(out, "  filing   {} {} ({}, {})", f.site_number, f.site_name, f.principal, f.principal_type)?
        }
        None => writeln!(out, "  filing   (no record)")?,
    }
    let fetched = match (&r.fetch.final_url, r.fetch.status) {
        (Some(u), Some(s)) => format!(
            "{u} {s} ({}, {} bytes, {} ms)",
            r.fetch.encoding.as_deref().unwrap_or("-"),
            r.fetch.bytes,
            r.fetch.elapsed_ms
        ),
        _ => r.fetch.url.clone(),
    };
    writeln!(out, "  fetched  {fetched}")?;
    if let Some(e) = &r.fetch.error {
        writeln!(out, "  error    {:?}: {}", e.kind, e.detail)?;
    }
    for n in &r.extracted.icp {
        let place = if n.in_footer { "footer" } else { "body" };
        writeln!(out, "  ICP      {} ({place}, link {})", n.number, n.link.as_deref().unwrap_or("none"))?;
    }
    for p in &r.extracted.psb {
        let place = if p.in_footer { "footer" } else { "body" };
        writeln!(out, "  公网安备 {}{} ({place}, link {})", p.prefix, p.code, p.link.as_deref().unwrap_or("none"))?;
    }
    writeln!(out)?;
    for c in &r.checks {
        let (mark, code) = match c.outcome {
            Outcome::Pass => ("pass", "32"),
            Outcome::Fail => ("FAIL", "31"),
            Outcome::Inconclusive => ("????", "33"),
            Outcome::Skipped => ("skip", "2"),
        };
        let id = format!("{:<24}", c.id);
        let meta = format!("{:?}/{}", c.severity, c.notice.as_str()).to_lowercase();
        writeln!(out, "  {} {} {:<30} {}", paint.wrap(code, mark), id, meta, c.message)?;
        if matches!(c.outcome, Outcome::Fail | Outcome::Inconclusive) {
            writeln!(out, "       {:<24} {:<30} {}", "", "", c.message_en)?;
            let ev = &c.evidence;
            let facts = [
                ("detail", c.detail.clone()),
                ("found", ev.found.clone()),
                ("expected", ev.expected.clone()),
                ("link", ev.link.clone()),
                ("due", ev.due.map(|d| d.to_string())),
                ("excerpt", ev.excerpt.clone()),
            ];
            for (k, v) in facts.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))) {
                writeln!(out, "       {:<24} {k}: {v}", "")?;
            }
        }
    }
    for d in &r.notice_drafts {
        writeln!(out, "  notice   {} deadline {}", d.kind.as_str(), d.deadline)?;
        if let Some(w) = &d.deadline_warning {
            writeln!(out, "           {}", paint.wrap("33", &format!("注意: {w}")))?;
        }
    }
    writeln!(out)?;
    Ok(())
}
