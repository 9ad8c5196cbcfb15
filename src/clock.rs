//! Times as the filing team reads them: Beijing time (Asia/Shanghai) with the zone named, so a time
//! and the dates beside it (first seen, deadlines: Beijing days) agree.

use chrono::{DateTime, Utc};

/// `2026-12-03 01:08 (北京时间)`.
pub fn beijing(t: DateTime<Utc>) -> String {
    format!("{} (北京时间)", minutes(t))
}

/// `2026-12-03 01:08 (Beijing time)`.
pub fn beijing_en(t: DateTime<Utc>) -> String {
    format!("{} (Beijing time)", minutes(t))
}

fn minutes(t: DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Asia::Shanghai).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_evening_is_the_next_beijing_morning() {
        let t = "2026-12-02T17:08:00Z".parse().expect("time");
        assert_eq!(super::beijing(t), "2026-12-03 01:08 (北京时间)");
        assert_eq!(super::beijing_en(t), "2026-12-03 01:08 (Beijing time)");
    }
}
