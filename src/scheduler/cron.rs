//! Schedules as operators write them in crontab: 5 fields (a 6th, seconds, may lead), Sunday is 0 or
//! 7, and when both day-of-month and day-of-week are restricted either one matching is enough.
//! croner reads patterns that way (the `cron` crate does not: seconds required, Sunday 1, AND).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Year};

#[derive(Debug, Clone, thiserror::Error)]
pub enum CronError {
    #[error("bad cron expression {expr:?}: {why}")]
    Expression { expr: String, why: String },
    #[error("unknown time zone {0:?} (an IANA name such as Asia/Shanghai)")]
    TimeZone(String),
}

#[derive(Debug, Clone)]
pub struct CronSchedule {
    cron: Cron,
    tz: Tz,
}

impl CronSchedule {
    pub fn parse(expr: &str, tz: &str) -> Result<Self, CronError> {
        let tz: Tz = tz.parse().map_err(|_| CronError::TimeZone(tz.to_string()))?;
        let parser = CronParser::builder().year(Year::Disallowed).build();
        let cron = parser
            .parse(expr.trim())
            .map_err(|e| CronError::Expression { expr: expr.to_string(), why: e.to_string() })?;
        Ok(CronSchedule { cron, tz })
    }

    /// The first firing strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = t.with_timezone(&self.tz);
        self.cron.find_next_occurrence(&local, false).ok().map(|n| n.with_timezone(&Utc))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, TimeZone, Timelike, Weekday};

    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("time").with_timezone(&Utc)
    }

    #[test]
    fn five_fields_in_shanghai_time() {
        let s = CronSchedule::parse("0 3 * * *", "Asia/Shanghai").expect("parses");
        // 02:30 in Shanghai is 18:30 UTC the day before; the next 03:00 there is 19:00 UTC.
        assert_eq!(s.next_after(at("2026-11-27T18:30:00Z")), Some(at("2026-11-27T19:00:00Z")));
        let with_seconds = CronSchedule::parse("30 0 9 * * 1-5", "Asia/Shanghai").expect("six fields");
        let next = with_seconds
            .next_after(at("2026-11-28T00:00:00Z"))
            .expect("next")
            .with_timezone(&chrono_tz::Asia::Shanghai);
        assert_eq!((next.weekday(), next.hour(), next.second()), (Weekday::Mon, 9, 30), "1-5 is Monday to Friday");
    }

    #[test]
    fn sunday_is_zero_or_seven() {
        for expr in ["0 0 * * 0", "0 0 * * 7", "0 0 * * SUN"] {
            let s = CronSchedule::parse(expr, "UTC").expect("parses");
            let next = s.next_after(at("2026-11-28T12:00:00Z")).expect("next");
            assert_eq!(next.weekday(), Weekday::Sun, "{expr}");
        }
    }

    #[test]
    fn day_of_month_or_day_of_week() {
        // "the 1st, or any Monday": from Saturday 2026-11-28 the next is Monday the 30th, not 1 Dec.
        let s = CronSchedule::parse("0 0 1 * MON", "UTC").expect("parses");
        assert_eq!(
            s.next_after(at("2026-11-28T12:00:00Z")),
            Some(Utc.with_ymd_and_hms(2026, 11, 30, 0, 0, 0).unwrap())
        );
        assert!(CronSchedule::parse("61 * * * *", "UTC").is_err());
        assert!(CronSchedule::parse("0 3 * * *", "Mars/Olympus").is_err());
    }
}
