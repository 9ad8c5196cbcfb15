//! CSV for Excel: UTF-8 with a BOM, Chinese column names, and every cell that a spreadsheet would
//! read as a formula neutralised (crawled text is hostile).

use std::io::Write;

use super::model::Report;
use super::{COLUMNS, cells};

/// A leading `'` makes Excel and LibreOffice show the cell as text, not run it.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_string() }
}

pub fn write(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS.iter().map(|(zh, _)| *zh))?;
    for entry in &report.entries {
        for row in entry.rows.iter().chain(entry.set_apart.iter()) {
            w.write_record(cells(row).iter().map(|c| neutralise(c)))?;
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralise("=HYPERLINK(\"http://evil\")"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(neutralise("+1-2"), "'+1-2");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("京ICP备16020626号-1"), "京ICP备16020626号-1");
    }
}
