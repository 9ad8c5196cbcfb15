//! A digest as the text a reviewer reads in a chat group or a mail, cut to each vendor's size limit
//! (pure). A digest too long for one message is split, and past a few messages the rest is left
//! out with a count and a pointer to the full report.

use super::digest::{Digest, Event};

use crate::state::NoticeState;

/// Markdown (WeCom and DingTalk robots) or plain text (Feishu text messages, mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Markdown,
    Text,
}

/// How big one message may be, and how many one digest may take (chat robots allow about 20
/// messages a minute; a digest should not use them up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of UTF-8 content.
    pub bytes: usize,
    pub parts: usize,
}

/// One message: a title (DingTalk's notification line, the mail subject) and its content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub title: String,
    pub body: String,
}

/// Where the full report is: the configured URL, else the command that makes it.
pub fn pointer(report_url: Option<&str>, style: Style) -> String {
    match (report_url, style) {
        (Some(url), Style::Markdown) => format!("[查看完整报告]({url})"),
        (Some(url), Style::Text) => format!("完整报告：{url}"),
        (None, Style::Markdown) => "完整报告：运行 `icp-patrol report --format html`".into(),
        (None, Style::Text) => "完整报告：运行 icp-patrol report --format html".into(),
    }
}

/// The one-line summary: the DingTalk title, the mail subject, the first line of every part.
pub fn title(d: &Digest) -> String {
    let mut bits = Vec::new();
    if !d.findings.is_empty() {
        bits.push(format!("新发现 {} 项需下发通知", d.findings.len()));
    }
    if !d.overdue.is_empty() {
        bits.push(format!("逾期未整改 {} 项", d.overdue.len()));
    }
    if !d.events.is_empty() {
        bits.push(format!("运行异常 {} 项", d.events.len()));
    }
    let test = if d.test { "【测试】" } else { "" };
    format!("{test}ICP 巡检：{}", bits.join("，"))
}

/// A line of the digest; `item` lines are what the "left out" count counts.
struct Line {
    text: String,
    item: bool,
}

fn lines(d: &Digest, style: Style) -> Vec<Line> {
    // A blank line before each section; Markdown renderers (DingTalk's among them) also want one
    // before a list starts.
    let heading = |s: String| Line {
        text: match style {
            Style::Markdown => format!("\n**{s}**\n"),
            Style::Text => format!("\n{s}："),
        },
        item: false,
    };
    let item = |s: String| Line { text: format!("- {s}"), item: true };
    let mut out = Vec::new();
    if !d.findings.is_empty() {
        out.push(heading(format!("新发现，需下发通知（{}）", d.findings.len())));
        for f in &d.findings {
            let host = if f.target == f.domain { f.domain.clone() } else { format!("{}（{}）", f.domain, f.target) };
            out.push(item(format!(
                "{host} · {} · {} · {}（{}）",
                f.notice.zh(),
                f.severity.zh(),
                f.message,
                f.check_id
            )));
        }
    }
    if !d.overdue.is_empty() {
        out.push(heading(format!("逾期未整改的通知（{}）", d.overdue.len())));
        for n in &d.overdue {
            let state = match n.state {
                NoticeState::Overdue => "复查仍未整改",
                _ => "已过期限，待复查",
            };
            out.push(item(format!("{} · {} · 期限 {} · {state}", n.domain, n.kind.zh(), n.due)));
        }
    }
    if !d.events.is_empty() {
        out.push(heading("运行异常".into()));
        for e in &d.events {
            out.push(item(match e {
                Event::CycleBehind { schedule, previous, pending } => {
                    format!("计划 {schedule} 落后：上一周期 {previous} 尚有 {pending} 项未完成")
                }
                Event::CycleFailed { schedule, error } => format!("计划 {schedule} 本周期未能排入队列：{error}"),
                Event::CycleUnreached { cycle, scans } => {
                    format!("周期 {cycle} 的 {scans} 次扫描均未能访问网站（扫描器网络或 DNS 故障？）")
                }
                Event::StoreUnreachable { error } => format!("无法访问数据库：{error}"),
            }));
        }
    }
    out
}

/// Cuts `s` to at most `max` bytes on a character boundary, marking the cut.
fn cut(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max.saturating_sub("…".len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

/// The digest in `style`, in at most `limits.parts` messages of at most `limits.bytes` bytes each;
/// the last ends with the pointer to the full report (and, when items were left out, their count).
pub fn render(d: &Digest, style: Style, report: &str, limits: Limits) -> Vec<Part> {
    let title = title(d);
    let head = |n: usize| {
        let first = match (style, n) {
            (Style::Markdown, 1) => format!("### {title}"),
            (Style::Markdown, n) => format!("### {title}（续 {n}）"),
            (Style::Text, 1) => title.clone(),
            (Style::Text, n) => format!("{title}（续 {n}）"),
        };
        let cycles = if d.cycles.is_empty() { String::new() } else { format!("周期 {} · ", d.cycles.join("、")) };
        cut(&format!("{first}\n{cycles}{}\n", crate::clock::beijing(d.generated_at)), limits.bytes / 4)
    };
    let footer = format!("\n{report}");
    // Room kept in every part for the footer and a "left out" line, so either fits where it falls.
    let reserve = footer.len() + 80;
    let all = lines(d, style);
    let mut parts = Vec::new();
    // A line longer than a message's room (past the heading, at most a quarter) is cut.
    let room = limits.bytes.saturating_sub(reserve + limits.bytes / 4 + 1).max(16);
    let mut body = head(1);
    for (i, line) in all.iter().enumerate() {
        let text = cut(&line.text, room);
        if body.len() + text.len() + 1 + reserve > limits.bytes {
            if parts.len() + 1 >= limits.parts.max(1) {
                let left = all[i..].iter().filter(|l| l.item).count();
                body.push_str(&format!("\n…另有 {left} 项未列出"));
                break;
            }
            parts.push(Part { title: title.clone(), body: std::mem::take(&mut body) });
            body = head(parts.len() + 1);
        }
        body.push_str(&text);
        body.push('\n');
    }
    body.push_str(&footer);
    parts.push(Part { title, body });
    parts
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::alert::digest::FindingItem;
    use crate::rules::{NoticeKind, Severity};

    fn many(n: usize) -> Digest {
        let mut d = Digest::new(Utc.with_ymd_and_hms(2026, 12, 2, 17, 8, 0).single().expect("time"));
        d.cycles.push("all@2026-12-02T19:00:00Z".into());
        for i in 0..n {
            d.findings.push(FindingItem {
                domain: format!("site{i:04}.example.cn"),
                target: format!("site{i:04}.example.cn"),
                check_id: "icp.missing".into(),
                message: "网站首页未展示备案号".into(),
                severity: Severity::Error,
                notice: NoticeKind::SpecialInspection,
                province: Some("广东".into()),
                provider: None,
                first_seen: 0,
            });
        }
        d
    }

    #[test]
    fn a_short_digest_is_one_message_with_beijing_time_and_the_pointer() {
        let parts =
            render(&many(2), Style::Markdown, &pointer(None, Style::Markdown), Limits { bytes: 4096, parts: 3 });
        assert_eq!(parts.len(), 1);
        let body = &parts[0].body;
        assert!(body.starts_with("### ICP 巡检：新发现 2 项需下发通知\n"), "{body}");
        assert!(body.contains("2026-12-03 01:08 (北京时间)"), "{body}");
        assert!(body.contains("site0001.example.cn · 专项核查 · 错误 · 网站首页未展示备案号（icp.missing）"), "{body}");
        assert!(body.ends_with("`icp-patrol report --format html`"), "{body}");
    }

    #[test]
    fn long_digests_are_split_then_cut_with_a_count_and_the_pointer() {
        let report = pointer(Some("https://patrol.example.cn/r.html"), Style::Markdown);
        let parts = render(&many(400), Style::Markdown, &report, Limits { bytes: 4096, parts: 3 });
        assert_eq!(parts.len(), 3);
        for p in &parts {
            assert!(p.body.len() <= 4096, "{} bytes", p.body.len());
        }
        assert!(parts[1].body.starts_with("### ICP 巡检：新发现 400 项需下发通知（续 2）"));
        let last = &parts[2].body;
        assert!(
            last.contains("项未列出") && last.ends_with("[查看完整报告](https://patrol.example.cn/r.html)"),
            "{last}"
        );
        let shown: usize = parts.iter().map(|p| p.body.matches("icp.missing").count()).sum();
        let left: usize =
            last.split("另有 ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).expect("count");
        assert_eq!(shown + left, 400, "every finding is shown or counted");
    }

    #[test]
    fn a_single_overlong_line_is_cut_on_a_character_boundary() {
        let mut d = many(1);
        d.findings[0].message = "很长的说明".repeat(500);
        let parts = render(&d, Style::Text, &pointer(None, Style::Text), Limits { bytes: 2048, parts: 1 });
        assert_eq!(parts.len(), 1);
        assert!(parts[0].body.len() <= 2048 && parts[0].body.contains('…'));
    }
}
