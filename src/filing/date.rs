//! Dates as filing systems export them: `2024-03-01`, `2024/3/1`, `2024年3月1日`, `20240301`.

use chrono::NaiveDate;

pub fn parse_date(input: &str) -> Option<NaiveDate> {
    let s = input.trim();
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    // Date-times from spreadsheets: keep the day.
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split(['-', '/', '.', '年', '月', '日']).filter(|p| !p.is_empty()).collect();
    if parts.len() != 3 {
        return None;
    }
    let year = parts[0].parse().ok()?;
    let month = parts[1].parse().ok()?;
    let day = parts[2].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_filing_systems_export() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1);
        for s in ["2024-03-01", "2024/3/1", "2024年3月1日", "20240301", "2024-03-01 00:00:00", "2024.3.1"] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("yesterday"), None);
    }
}
