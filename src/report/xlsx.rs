//! XLSX for reviewers: a summary sheet (counts by notice, province, check; what changed) and a
//! findings sheet, one row per entry and finding, with a frozen header, filters, fitted widths and
//! links to the site and the MIIT query page. Written in constant-memory mode (row by row).

use rust_xlsxwriter::{Format, Url, Workbook, XlsxError};

use super::model::Report;
use super::{COLUMNS, cells};

pub fn write(report: &Report, path: &std::path::Path) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    {
        let summary = book.add_worksheet().set_name("汇总 Summary")?;
        summary.write_string_with_format(0, 0, "icp-patrol 备案核查报告", &bold)?;
        summary.write_string(1, 0, format!("生成时间 {}", crate::clock::beijing(report.generated_at)))?;
        if let Some(last) = report.since_last_report {
            summary.write_string(2, 0, format!("上次报告 {}", crate::clock::beijing(last)))?;
        }
        let s = &report.summary;
        let mut r = 4;
        for (label, n) in [
            ("网站 entries", s.entries),
            ("问题 findings", s.findings),
            ("新增 new", s.new),
            ("复发 recurring", s.recurring),
            ("已整改 resolved", s.resolved),
            ("已审核排除 set apart", s.set_apart),
        ] {
            summary.write_string(r, 0, label)?;
            summary.write_number(r, 1, n as f64)?;
            r += 1;
        }
        for (title, map) in
            [("通知类型 notice", &s.by_notice), ("省份 province", &s.by_province), ("检查项 check", &s.by_check)]
        {
            r += 1;
            summary.write_string_with_format(r, 0, title, &bold)?;
            r += 1;
            for (k, n) in map {
                // Notice kinds and checks as the filing team names them (a check with its id too).
                let label = match report.check_names.get(k) {
                    Some(name) => format!("{name} ({k})"),
                    None => crate::rules::NoticeKind::zh_of(k).to_string(),
                };
                summary.write_string(r, 0, label)?;
                summary.write_number(r, 1, *n as f64)?;
                r += 1;
            }
        }
        summary.set_column_width(0, 40)?;
    }
    let sheet = book.add_worksheet_with_constant_memory()?.set_name("问题明细 Findings")?;
    let mut widths: Vec<usize> = COLUMNS.iter().map(|(zh, _)| zh.chars().count() * 2 + 2).collect();
    for (c, (zh, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *zh, &bold)?;
    }
    let link_col = COLUMNS.iter().position(|(_, k)| *k == "site_url").unwrap_or(0) as u16;
    let miit_col = COLUMNS.iter().position(|(_, k)| *k == "miit_url").unwrap_or(0) as u16;
    let mut r: u32 = 1;
    for entry in &report.entries {
        for row in entry.rows.iter().chain(entry.set_apart.iter()) {
            for (c, value) in cells(row).into_iter().enumerate() {
                let c16 = c as u16;
                widths[c] = widths[c].max(value.chars().count().min(60) + 2);
                if (c16 == link_col || c16 == miit_col) && value.starts_with("http") {
                    let text = if c16 == miit_col { "工信部查询" } else { value.as_str() };
                    sheet.write_url_with_text(r, c16, Url::new(value.as_str()), text)?;
                } else {
                    // Strings are written as strings: a crawled "=…" is text, never a formula.
                    sheet.write_string(r, c16, value)?;
                }
            }
            r += 1;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, r.saturating_sub(1).max(1), (COLUMNS.len() - 1) as u16)?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w as f64)?;
    }
    book.save(path)
}
