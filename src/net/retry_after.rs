//! The `Retry-After` header (RFC 9110 §10.2.3): seconds, or an HTTP date.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// How long the server asks to be left alone, from the header's value and the time now; `None` when
/// the value is neither form. A date in the past means no wait.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    // IMF-fixdate ("Wed, 21 Oct 2026 07:28:00 GMT") is an RFC 2822 date with the zone written GMT.
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_dates() {
        let now: DateTime<Utc> = "2026-12-03T07:28:00Z".parse().expect("now");
        assert_eq!(retry_after("30", now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(retry_after("Thu, 03 Dec 2026 07:29:30 GMT", now), Some(Duration::from_secs(90)));
        assert_eq!(retry_after("Thu, 03 Dec 2026 07:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }
}
