//! The human view of a scan: the verdict, what was read, and a short table of checks, in Chinese
//! (check names, messages, remedies, Beijing time) or in English with the check ids (`--lang en`),
//! coloured on a terminal.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use crate::checks::Outcome;
use crate::result::{CheckResult, ScanResult};
use crate::rules::{Catalogue, NoticeKind};
use crate::verdict::Status;

/// The language of text output for people.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// Chinese: check names, messages and remedies as the filing team writes them.
    #[default]
    Zh,
    /// English, with the check ids.
    En,
}

impl Lang {
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A check as a reviewer names it: its short Chinese name, or its id in English.
    pub fn check_name<'a>(self, catalogue: &'a Catalogue, id: &'a str) -> &'a str {
        match (self, catalogue.get(id)) {
            (Lang::Zh, Some(spec)) => &spec.name,
            _ => id,
        }
    }

    pub fn notice(self, kind: NoticeKind) -> &'static str {
        self.pick(kind.zh(), kind.en())
    }

    pub fn status(self, s: Status) -> &'static str {
        self.pick(s.zh(), s.as_str())
    }

    /// A time as reviewers read it: Beijing time with the zone named (the dates beside it are
    /// Beijing days too).
    pub fn time(self, t: DateTime<Utc>) -> String {
        match self {
            Lang::Zh => crate::clock::beijing(t),
            Lang::En => crate::clock::beijing_en(t),
        }
    }
}

/// The columns' width as a terminal shows it: CJK characters take two cells.
pub(super) fn width(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 }).sum()
}

/// `s` padded with spaces to `cells` terminal cells.
pub(super) fn pad(s: &str, cells: usize) -> String {
    format!("{s}{}", " ".repeat(cells.saturating_sub(width(s))))
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on { format!("\x1b[{code}m{s}\x1b[0m") } else { s.to_string() }
    }
}

fn status_colour(s: Status) -> &'static str {
    match s {
        Status::Compliant => "32",
        Status::Pending => "36",
        Status::NoRecord => "35",
        Status::Inconclusive => "33",
        Status::Notice => "31;1",
    }
}

pub(super) fn text(
    out: &mut impl Write,
    r: &ScanResult,
    catalogue: &Catalogue,
    lang: Lang,
    colour: bool,
) -> io::Result<()> {
    let paint = Paint { on: colour && std::env::var_os("NO_COLOR").is_none() };
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let notices = r.verdict.notices.iter().map(|n| lang.notice(*n)).collect::<Vec<_>>().join(l("、", ", "));
    let status = lang.status(r.verdict.status);
    let verdict = if notices.is_empty() { status.to_string() } else { format!("{status}: {notices}") };
    writeln!(
        out,
        "{}  {}",
        paint.wrap("1", &crate::domain::display_host(&r.domain)),
        paint.wrap(status_colour(r.verdict.status), &verdict)
    )?;
    let label = |zh: &str, en: &str| pad(lang.pick(zh, en), 10);
    match &r.filing {
        Some(f) => writeln!(
            out,
            "  {}{} {} ({}, {})",
            label("备案", "filing"),
            f.site_number,
            f.site_name,
            f.principal,
            f.principal_type
        )?,
        None => writeln!(out, "  {}{}", label("备案", "filing"), l("（无备案记录）", "(no record)"))?,
    }
    writeln!(out, "  {}{}", label("扫描于", "scanned"), lang.time(r.scanned_at))?;
    let fetched = match (&r.fetch.final_url, r.fetch.status) {
        (Some(u), Some(s)) => format!(
            "{u} {s} ({}, {} {}, {} ms)",
            r.fetch.encoding.as_deref().unwrap_or("-"),
            r.fetch.bytes,
            l("字节", "bytes"),
            r.fetch.elapsed_ms
        ),
        _ => r.fetch.url.clone(),
    };
    writeln!(out, "  {}{fetched}", label("抓取", "fetched"))?;
    if let Some(e) = &r.fetch.error {
        writeln!(out, "  {}{:?}: {}", label("错误", "error"), e.kind, e.detail)?;
    }
    let none = l("无", "none");
    for n in &r.extracted.icp {
        let place = if n.in_footer { l("底部", "footer") } else { l("正文", "body") };
        let link = n.link.as_deref().unwrap_or(none);
        writeln!(out, "  {}{} ({place}, {} {link})", label("备案号", "ICP"), n.number, l("链接", "link"))?;
    }
    for p in &r.extracted.psb {
        let place = if p.in_footer { l("底部", "footer") } else { l("正文", "body") };
        let link = p.link.as_deref().unwrap_or(none);
        writeln!(out, "  {}{}{} ({place}, {} {link})", label("公网安备", "PSB"), p.prefix, p.code, l("链接", "link"))?;
    }
    writeln!(out)?;
    for c in &r.checks {
        check_lines(out, c, catalogue, lang, &paint)?;
    }
    for d in &r.notice_drafts {
        writeln!(out, "  {}{} {} {}", label("通知", "notice"), lang.notice(d.kind), l("期限", "deadline"), d.deadline)?;
        if let Some(w) = &d.deadline_warning {
            writeln!(out, "  {}{}", pad("", 10), paint.wrap("33", &format!("{}{w}", l("注意：", "warning: "))))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

fn check_lines(
    out: &mut impl Write,
    c: &CheckResult,
    catalogue: &Catalogue,
    lang: Lang,
    paint: &Paint,
) -> io::Result<()> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let (mark, code) = match c.outcome {
        Outcome::Pass => (l("通过", "pass"), "32"),
        Outcome::Fail => (l("不合规", "FAIL"), "31"),
        Outcome::Inconclusive => (l("待定", "????"), "33"),
        Outcome::Skipped => (l("跳过", "skip"), "2"),
    };
    let name = pad(lang.check_name(catalogue, &c.id), 26);
    let meta = pad(&format!("{}/{}", lang.pick(c.severity.zh(), c.severity.en()), lang.notice(c.notice)), 22);
    let message = lang.pick(&c.message, &c.message_en);
    writeln!(out, "  {} {name} {meta} {message}", paint.wrap(code, &pad(mark, 6)))?;
    if matches!(c.outcome, Outcome::Fail | Outcome::Inconclusive) {
        let indent = " ".repeat(2 + 6 + 1 + 26 + 1);
        let ev = &c.evidence;
        let facts = [
            (l("说明", "detail"), c.detail.clone()),
            (l("实际", "found"), ev.found.clone()),
            (l("应为", "expected"), ev.expected.clone()),
            (l("链接", "link"), ev.link.clone()),
            (l("期限", "due"), ev.due.map(|d| d.to_string())),
            (l("变更前", "before"), ev.before.clone()),
            (l("变更后", "after"), ev.after.clone()),
            (l("摘录", "excerpt"), ev.excerpt.clone()),
        ];
        for (k, v) in facts.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))) {
            writeln!(out, "{indent}{k}: {v}")?;
        }
        if c.outcome == Outcome::Fail
            && let Some(spec) = catalogue.get(&c.id)
        {
            writeln!(out, "{indent}{}: {}", l("整改", "remedy"), lang.pick(&spec.remedy, &spec.remedy_en))?;
        }
    } else if let (Outcome::Pass, Some(detail)) = (c.outcome, &c.detail) {
        // What a pass notes beside it — among others the industry model's lead, which has no other place on this page.
        let indent = " ".repeat(2 + 6 + 1 + 26 + 1);
        writeln!(out, "{indent}{}: {detail}", l("说明", "detail"))?;
        if let Some(excerpt) = &c.evidence.excerpt {
            writeln!(out, "{indent}{}: {excerpt}", l("摘录", "excerpt"))?;
        }
    }
    Ok(())
}
