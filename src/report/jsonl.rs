//! JSON Lines: one object per entry (schema `icp-patrol/report/v1`, the `Entry` type), for programs.

use std::io::Write;

use super::model::Report;

pub fn write(report: &Report, out: &mut impl Write) -> std::io::Result<()> {
    for entry in &report.entries {
        serde_json::to_writer(&mut *out, entry)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
