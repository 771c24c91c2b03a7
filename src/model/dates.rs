//! Dates as news archives write them, read into UTC timestamps.
//!
//! Owns the accepted date formats (RFC 3339, plain dates, RFC 2822, "July 28, 2019", ...), the
//! date a path carries (`2019/07/28/` or `2019-07-28-` in a file name), and how a date prints.
//! A date without an offset is taken to be UTC. Nothing here ever looks at a file's mtime.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::fmt::strtime;
use jiff::tz::TimeZone;

/// Formats tried, in order, after RFC 3339, ISO civil dates and RFC 2822.
const STRTIME_FORMATS: &[&str] = &[
    "%B %d, %Y",      // July 28, 2019
    "%b %d, %Y",      // Jul 28, 2019
    "%d %B %Y",       // 28 July 2019
    "%d %b %Y",       // 28 Jul 2019
    "%Y/%m/%d",       // 2019/07/28
    "%d-%b-%Y %T",    // 28-JUL-2019 10:00:00 (Reuters, without its hundredths)
    "%Y-%m-%d %H:%M", // 2019-07-28 10:00
];

/// The years an index can hold: tantivy keeps dates as nanoseconds in an i64, which reach
/// from 1677 to 2262; a date outside them would come back as another (2361 as 1776).
const YEARS: std::ops::RangeInclusive<i16> = 1678..=2261;

/// Whether an index can hold this date: years 1678 to 2261.
pub fn storable(ts: Timestamp) -> bool {
    YEARS.contains(&TimeZone::UTC.to_datetime(ts).year())
}

/// The first moment an index can hold (1678-01-01, UTC).
pub fn earliest() -> Timestamp {
    TimeZone::UTC
        .to_timestamp(DateTime::constant(*YEARS.start(), 1, 1, 0, 0, 0, 0))
        .unwrap_or(Timestamp::MIN)
}

/// Reads a date written by a person or a program; `None` when it is not a date we know, or
/// one outside the years an index can hold (1678 to 2261).
pub fn parse(text: &str) -> Option<Timestamp> {
    parse_any(text).filter(|&ts| storable(ts))
}

fn parse_any(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(dt) = text.parse::<DateTime>() {
        return utc(dt);
    }
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(text) {
        return Some(zoned.timestamp());
    }
    STRTIME_FORMATS.iter().find_map(|format| {
        let parsed = strtime::parse(format, text).ok()?;
        if let Ok(dt) = parsed.to_datetime() {
            return utc(dt);
        }
        parsed
            .to_date()
            .ok()
            .and_then(|d| utc(d.to_datetime(jiff::civil::Time::midnight())))
    })
}

fn utc(dt: DateTime) -> Option<Timestamp> {
    TimeZone::UTC.to_timestamp(dt).ok()
}

/// The date a path carries: folders `YYYY/MM/DD/` or a file name starting `YYYY-MM-DD`
/// (also `YYYY_MM_DD` or `YYYYMMDD` followed by a separator).
pub fn from_path(path: &str) -> Option<Timestamp> {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    // folders YYYY/MM/DD, the last such run wins
    for w in parts.windows(3).rev() {
        if let (Some(y), Some(m), Some(d)) = (num(w[0], 4), num(w[1], 2), num(w[2], 2))
            && let Some(ts) = day(y, m, d)
        {
            return Some(ts);
        }
    }
    let name = parts.last()?;
    let b = name.as_bytes();
    let digits = |r: std::ops::Range<usize>| name.get(r).and_then(|s| s.parse::<i64>().ok());
    let sep = |i: usize| b.get(i).is_some_and(|c| matches!(c, b'-' | b'_' | b'.'));
    let end = |i: usize| b.get(i).is_none_or(|c| !c.is_ascii_digit());
    if b.len() >= 10
        && sep(4)
        && sep(7)
        && end(10)
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return day(y, m, d);
    }
    if b.len() >= 8
        && end(8)
        && b[..8].iter().all(u8::is_ascii_digit)
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(4..6), digits(6..8))
    {
        return day(y, m, d);
    }
    None
}

fn num(s: &str, len: usize) -> Option<i64> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn day(y: i64, m: i64, d: i64) -> Option<Timestamp> {
    if !(1800..=2200).contains(&y) {
        return None;
    }
    let date = Date::new(y as i16, m as i8, d as i8).ok()?;
    utc(date.to_datetime(jiff::civil::Time::midnight()))
}

/// The span a date names, as `[start, end)` in UTC: a year (`1987`), a month (`1987-03`), a day
/// (`1987-03-14`, or any other date [`parse`] reads, at midnight), or a moment (one second).
pub fn period(text: &str) -> Option<(Timestamp, Timestamp)> {
    let text = text.trim();
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        text.get(r.clone())
            .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|s| s.parse::<i16>().ok())
    };
    // Years an index cannot hold could match nothing, or the wrong articles.
    let year = || digits(0..4).filter(|y| YEARS.contains(y));
    if b.len() == 4 {
        let y = year()?;
        let start = Date::new(y, 1, 1).ok()?;
        return Some((
            midnight(start)?,
            midnight(Date::new(y.checked_add(1)?, 1, 1).ok()?)?,
        ));
    }
    if b.len() == 7 && b[4] == b'-' {
        let (y, m) = (year()?, digits(5..7)?);
        let start = Date::new(y, m as i8, 1).ok()?;
        let end = start.checked_add(jiff::Span::new().months(1)).ok()?;
        return Some((midnight(start)?, midnight(end)?));
    }
    let ts = parse(text)?;
    let dt = TimeZone::UTC.to_datetime(ts);
    if dt.time() == jiff::civil::Time::midnight() && !text.contains(':') {
        let end = dt.date().checked_add(jiff::Span::new().days(1)).ok()?;
        return Some((ts, midnight(end)?));
    }
    Some((ts, ts.checked_add(jiff::SignedDuration::from_secs(1)).ok()?))
}

fn midnight(date: Date) -> Option<Timestamp> {
    utc(date.to_datetime(jiff::civil::Time::midnight()))
}

/// A date as the text output shows it: `2019-07-28`, with the time only when there is one.
pub fn display(ts: Timestamp) -> String {
    let dt = TimeZone::UTC.to_datetime(ts);
    if dt.time() == jiff::civil::Time::midnight() {
        dt.date().to_string()
    } else {
        ts.strftime("%Y-%m-%d %H:%M UTC").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(ts: Option<Timestamp>) -> String {
        ts.map(|t| t.to_string()).unwrap_or_else(|| "none".into())
    }

    #[test]
    fn formats_people_write() {
        for (text, want) in [
            ("2019-07-28", "2019-07-28T00:00:00Z"),
            ("2019-07-28T10:30:00Z", "2019-07-28T10:30:00Z"),
            ("2019-07-28T10:30:00+02:00", "2019-07-28T08:30:00Z"),
            ("2019-07-28T10:30:00", "2019-07-28T10:30:00Z"),
            ("2019-07-28 10:30", "2019-07-28T10:30:00Z"),
            ("Sun, 28 Jul 2019 10:30:00 +0000", "2019-07-28T10:30:00Z"),
            ("July 28, 2019", "2019-07-28T00:00:00Z"),
            ("28 July 2019", "2019-07-28T00:00:00Z"),
            ("2019/07/28", "2019-07-28T00:00:00Z"),
        ] {
            assert_eq!(iso(parse(text)), want, "{text}");
        }
    }

    #[test]
    fn non_dates_are_none() {
        for text in [
            "",
            "yesterday",
            "2019-13-40",
            "July 2019 maybe",
            "2400-01-01",
            "1600-05-05",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    #[test]
    fn dates_in_paths() {
        assert_eq!(
            iso(from_path("news/2019/07/28/story.txt")),
            "2019-07-28T00:00:00Z"
        );
        assert_eq!(
            iso(from_path("space/2024-03-05-asat-test.txt")),
            "2024-03-05T00:00:00Z"
        );
        assert_eq!(iso(from_path("a/20240305_x.txt")), "2024-03-05T00:00:00Z");
        assert_eq!(from_path("bbc/tech/001.txt"), None);
        assert_eq!(from_path("a/2024-13-05-x.txt"), None);
        assert_eq!(from_path("a/123456789.txt"), None);
    }

    #[test]
    fn periods_of_years_months_days_and_moments() {
        let p = |s: &str| period(s).map(|(a, b)| format!("{a} {b}"));
        assert_eq!(
            p("1987").as_deref(),
            Some("1987-01-01T00:00:00Z 1988-01-01T00:00:00Z")
        );
        assert_eq!(
            p("1987-12").as_deref(),
            Some("1987-12-01T00:00:00Z 1988-01-01T00:00:00Z")
        );
        assert_eq!(
            p("1987-03-31").as_deref(),
            Some("1987-03-31T00:00:00Z 1987-04-01T00:00:00Z")
        );
        assert_eq!(
            p("1987-03-31T10:00:00Z").as_deref(),
            Some("1987-03-31T10:00:00Z 1987-03-31T10:00:01Z")
        );
        assert_eq!(p("198"), None);
        assert_eq!(p("1987-13"), None);
        assert_eq!(p("soon"), None);
    }

    #[test]
    fn display_drops_midnight() {
        assert_eq!(display(parse("2019-07-28").unwrap()), "2019-07-28");
        assert_eq!(
            display(parse("2019-07-28T10:30:00Z").unwrap()),
            "2019-07-28 10:30 UTC"
        );
    }
}
