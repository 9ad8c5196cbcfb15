//! `rules/holidays.toml`: public holidays and 调休 working weekends per year, and the deadline
//! arithmetic every notice uses (schema documented in the file).
//!
//! A day in a year the file does not cover is counted with weekends only, and the result says so:
//! a deadline is never silently computed from a guess.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

use super::RuleError;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct HolidaysFile {
    #[serde(default)]
    year: Vec<YearFile>,
    #[serde(default)]
    case: Vec<HolidayCase>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct YearFile {
    year: i32,
    source: String,
    #[serde(default)]
    provisional: bool,
    holidays: Vec<HolidayFile>,
    working_weekends: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    name: String,
    from: String,
    to: String,
}

/// One of the file's own tests.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayCase {
    pub from: String,
    pub days: Option<u32>,
    pub working_days: Option<u32>,
    pub expect: String,
}

#[derive(Debug, Clone, Default)]
struct Year {
    off: BTreeSet<NaiveDate>,
    on: BTreeSet<NaiveDate>,
    provisional: bool,
}

/// The working-day calendar.
#[derive(Debug, Clone, Default)]
pub struct Holidays {
    years: BTreeMap<i32, Year>,
    pub cases: Vec<HolidayCase>,
}

/// A computed deadline, with what a reviewer must know about how it was counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    /// Set when a year counted is missing from the calendar or provisional.
    pub warning: Option<String>,
}

impl Holidays {
    /// The years the calendar covers.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// Whether `day` is a working day (weekends only for a year the calendar lacks).
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        match self.years.get(&day.year()) {
            Some(y) if y.on.contains(&day) => true,
            Some(y) if y.off.contains(&day) => false,
            _ => !weekend,
        }
    }

    /// `n` working days after `from` (an extension).
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> Due {
        let mut day = from;
        let mut left = n;
        while left > 0 {
            day = next(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        self.due(from, day)
    }

    /// `n` calendar days after `from`, moved on to the next working day when that day is not one.
    pub fn after_days(&self, from: NaiveDate, n: u32) -> Due {
        let mut day = from.checked_add_days(Days::new(n.into())).unwrap_or(from);
        while !self.is_working_day(day) {
            day = next(day);
        }
        self.due(from, day)
    }

    /// The deadline with a warning for every year between the two days the calendar lacks or only
    /// guesses.
    fn due(&self, from: NaiveDate, date: NaiveDate) -> Due {
        let mut missing = Vec::new();
        let mut provisional = Vec::new();
        for year in from.year()..=date.year() {
            match self.years.get(&year) {
                None => missing.push(year.to_string()),
                Some(y) if y.provisional => provisional.push(year.to_string()),
                Some(_) => {}
            }
        }
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!(
                "rules/holidays.toml 没有 {} 年的节假日安排，期限 {date} 只跳过了周末，请核对",
                missing.join("、")
            ));
        }
        if !provisional.is_empty() {
            parts.push(format!(
                "{} 年的节假日为暂定（国务院通知发布前按法定节日推算），期限 {date} 请以通知为准核对",
                provisional.join("、")
            ));
        }
        let warning = (!parts.is_empty()).then(|| parts.join("；"));
        if let Some(w) = &warning {
            tracing::warn!(%from, %date, "deadline: {w}");
        }
        Due { date, warning }
    }

    /// The file's own cases that fail, described.
    pub fn case_failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        for (i, case) in self.cases.iter().enumerate() {
            let (Some(from), Some(expect)) = (day(&case.from), day(&case.expect)) else {
                failures.push(format!("holidays.toml case {}: from and expect must be dates", i + 1));
                continue;
            };
            let got = match (case.days, case.working_days) {
                (Some(n), None) => self.after_days(from, n).date,
                (None, Some(n)) => self.add_working_days(from, n).date,
                _ => {
                    failures.push(format!("holidays.toml case {}: give either days or working_days", i + 1));
                    continue;
                }
            };
            if got != expect {
                failures.push(format!("holidays.toml case {}: from {from} expected {expect}, got {got}", i + 1));
            }
        }
        failures
    }
}

fn next(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(1)).unwrap_or(day)
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Validates and compiles the file; every bad date is located.
pub(crate) fn compile(path: &Path, text: &str, file: HolidaysFile, errors: &mut Vec<RuleError>) -> Holidays {
    let mut push = |needle: &str, message: String| errors.push(RuleError::at(path, text, needle, message));
    let mut years = BTreeMap::new();
    for y in file.year {
        let year_key = format!("year = {}", y.year);
        if years.contains_key(&y.year) {
            push(&year_key, format!("year {} is given twice", y.year));
            continue;
        }
        if y.source.trim().is_empty() {
            push(&year_key, format!("year {}: source must name the notice the dates come from", y.year));
        }
        // A date that does not parse or lies outside its year is an error where it is written.
        let mut date = |s: &str| -> Option<NaiveDate> {
            match day(s) {
                Some(d) if d.year() == y.year => Some(d),
                Some(_) => {
                    push(&format!("\"{s}\""), format!("{s} is not in the year {}", y.year));
                    None
                }
                None => {
                    push(&format!("\"{s}\""), format!("{s:?} is not a date (YYYY-MM-DD)"));
                    None
                }
            }
        };
        let mut compiled = Year { provisional: y.provisional, ..Year::default() };
        let mut ranges = Vec::new();
        for h in &y.holidays {
            if let (Some(from), Some(to)) = (date(&h.from), date(&h.to)) {
                ranges.push((h, from, to));
            }
        }
        let mut weekends = Vec::new();
        for s in &y.working_weekends {
            if let Some(d) = date(s) {
                weekends.push((s, d));
            }
        }
        for (h, from, to) in ranges {
            if from > to {
                push(&format!("\"{}\"", h.from), format!("{}: from {from} is after to {to}", h.name));
                continue;
            }
            let mut d = from;
            while d <= to {
                if !compiled.off.insert(d) {
                    push(&format!("\"{}\"", h.from), format!("{}: {d} is already a holiday", h.name));
                    break;
                }
                d = next(d);
            }
        }
        for (s, d) in weekends {
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                push(&format!("\"{s}\""), format!("{d} is a {}, not a weekend day", d.weekday()));
            } else if compiled.off.contains(&d) {
                push(&format!("\"{s}\""), format!("{d} is both a holiday and a working weekend"));
            } else {
                compiled.on.insert(d);
            }
        }
        years.insert(y.year, compiled);
    }
    Holidays { years, cases: file.case }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn embedded() -> Holidays {
        crate::rules::RuleSet::embedded().holidays
    }

    #[test]
    fn the_embedded_calendar_passes_its_own_cases() {
        let h = embedded();
        assert_eq!(h.case_failures(), Vec::<String>::new());
        assert_eq!(h.years().collect::<Vec<_>>(), vec![2026, 2027]);
    }

    #[test]
    fn a_tiaoxiu_saturday_is_a_working_day_and_a_holiday_monday_is_not() {
        let h = embedded();
        assert!(h.is_working_day(d("2026-02-14")), "调休 Saturday before the Spring Festival");
        assert!(h.is_working_day(d("2026-10-10")), "调休 Saturday after 国庆");
        assert!(!h.is_working_day(d("2026-02-23")), "正月初七 2026 is off");
        assert!(!h.is_working_day(d("2026-11-28")), "a plain Saturday");
        assert!(h.is_working_day(d("2026-11-30")));
        assert_eq!(h.add_working_days(d("2026-11-27"), 1).date, d("2026-11-30"));
        assert_eq!(h.add_working_days(d("2026-11-27"), 7).date, d("2026-12-08"));
    }

    #[test]
    fn deadlines_across_the_spring_festival_land_on_the_first_working_day() {
        let h = embedded();
        // 2026: 15 days from 2026-02-05 is 2-20, inside 2-15..2-23.
        let due = h.after_days(d("2026-02-05"), 15);
        assert_eq!(due, Due { date: d("2026-02-24"), warning: None });
        // 2026: seven working days from Friday 2-13: 2-14 (调休), then 2-24..2-27, 2-28 (调休), 3-2.
        assert_eq!(h.add_working_days(d("2026-02-13"), 7).date, d("2026-03-02"));
        // 2027 (provisional): 15 days from 2027-01-24 is 2-8, inside 2-5..2-10; and the warning says so.
        let due = h.after_days(d("2027-01-24"), 15);
        assert_eq!(due.date, d("2027-02-11"));
        assert!(due.warning.as_deref().is_some_and(|w| w.contains("2027 年的节假日为暂定")), "{due:?}");
        // A deadline from 2026 into 2027 names the provisional year too.
        assert!(h.after_days(d("2026-12-20"), 15).warning.is_some());
        assert!(h.after_days(d("2026-11-20"), 15).warning.is_none());
    }

    #[test]
    fn a_missing_year_counts_weekends_only_and_warns() {
        let h = embedded();
        let due = h.after_days(d("2028-01-20"), 15);
        // 2028-02-04 is a Friday: weekends only, no guessed Spring Festival.
        assert_eq!(due.date, d("2028-02-04"));
        let w = due.warning.expect("warning");
        assert!(w.contains("没有 2028 年的节假日安排"), "{w}");
        assert!(h.add_working_days(d("2027-12-30"), 3).warning.is_some_and(|w| w.contains("2028")));
    }

    #[test]
    fn bad_dates_are_located() {
        let text = "[[year]]\nyear = 2026\nsource = \"x\"\nholidays = [\n  { name = \"a\", from = \"2026-02-30\", to = \"2026-03-01\" },\n  { name = \"b\", from = \"2025-05-01\", to = \"2026-05-02\" },\n]\nworking_weekends = [\"2026-02-16\"]\n";
        let file: HolidaysFile = toml::from_str(text).expect("parses");
        let mut errors = Vec::new();
        compile(Path::new("rules/holidays.toml"), text, file, &mut errors);
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(shown.iter().any(|e| e.contains("holidays.toml:5:") && e.contains("not a date")), "{shown:?}");
        assert!(
            shown.iter().any(|e| e.contains("holidays.toml:6:") && e.contains("not in the year 2026")),
            "{shown:?}"
        );
        assert!(shown.iter().any(|e| e.contains("holidays.toml:8:") && e.contains("not a weekend day")), "{shown:?}");
    }
}
