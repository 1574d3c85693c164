//! Time: timestamps (RFC 3339 or `YYYY-MM-DD HH:MM` in a zone), zones, dates,
//! clock times as timelines write them, durations (`24h`, `180d`) and "today".

use std::str::FromStr;

use chrono::{DateTime, Duration, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// A time zone as authors write it: an IANA name, an offset, or a common abbreviation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Fixed(FixedOffset),
    Named(Tz),
}

impl Zone {
    pub const UTC: Zone = Zone::Fixed(match FixedOffset::east_opt(0) {
        Some(z) => z,
        None => unreachable!(),
    });

    /// Reads `UTC`, `Z`, `+01:00`, `Europe/London`, `BST`, `Pacific Time` and the like.
    pub fn parse(s: &str) -> Option<Zone> {
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        if let Some(hours) = abbreviation(&lower) {
            return FixedOffset::east_opt((hours * 3600.0) as i32).map(Zone::Fixed);
        }
        if let Some(name) = regional_name(&lower) {
            return Tz::from_str(name).ok().map(Zone::Named);
        }
        if let Some(offset) = parse_offset(s) {
            return Some(Zone::Fixed(offset));
        }
        Tz::from_str(s).ok().or_else(|| Tz::from_str_insensitive(s).ok()).map(Zone::Named)
    }

    /// The zone as messages name it: `Europe/London`, `+01:00`.
    pub fn name(self) -> String {
        match self {
            Zone::Fixed(off) => off.to_string(),
            Zone::Named(tz) => tz.name().to_string(),
        }
    }

    /// The instant a wall-clock time names in this zone. In a DST gap there is
    /// none; in a DST overlap the earlier one is taken.
    pub fn resolve(self, local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
        match self {
            Zone::Fixed(off) => off.from_local_datetime(&local).single(),
            Zone::Named(tz) => match tz.from_local_datetime(&local) {
                LocalResult::Single(t) => Some(t.fixed_offset()),
                LocalResult::Ambiguous(a, _) => Some(a.fixed_offset()),
                LocalResult::None => None,
            },
        }
    }

    /// The wall-clock date of an instant in this zone.
    pub fn local_date(self, t: DateTime<FixedOffset>) -> NaiveDate {
        match self {
            Zone::Fixed(off) => t.with_timezone(&off).date_naive(),
            Zone::Named(tz) => t.with_timezone(&tz).date_naive(),
        }
    }
}

fn abbreviation(lower: &str) -> Option<f64> {
    Some(match lower {
        "utc" | "z" | "gmt" | "zulu" => 0.0,
        "bst" | "cet" | "wat" => 1.0,
        "cest" | "eet" | "sast" => 2.0,
        "eest" | "msk" => 3.0,
        "ist" => 5.5,
        "sgt" | "hkt" | "awst" => 8.0,
        "jst" | "kst" => 9.0,
        "aest" => 10.0,
        "aedt" => 11.0,
        "nzst" => 12.0,
        "nzdt" => 13.0,
        "adt" => -3.0,
        "ast" | "edt" => -4.0,
        "est" | "cdt" => -5.0,
        "cst" | "mdt" => -6.0,
        "mst" | "pdt" => -7.0,
        "pst" | "akdt" => -8.0,
        "akst" => -9.0,
        "hst" => -10.0,
        _ => return None,
    })
}

fn regional_name(lower: &str) -> Option<&'static str> {
    let lower = lower.trim_end_matches(" time").trim_end_matches(" standard");
    Some(match lower {
        "pacific" | "pt" => "America/Los_Angeles",
        "mountain" | "mt" => "America/Denver",
        "central" | "ct" => "America/Chicago",
        "eastern" | "et" => "America/New_York",
        "uk" | "london" => "Europe/London",
        _ => return None,
    })
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.strip_prefix("UTC").or_else(|| s.strip_prefix("GMT")).unwrap_or(s);
    let sign = match s.chars().next()? {
        '+' => 1,
        '-' | '−' => -1,
        _ => return None,
    };
    let digits: String = s.chars().skip(1).filter(|c| c.is_ascii_digit()).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Why a timestamp did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimestampError {
    /// Not a form debrief reads.
    Format,
    /// A date without a time of day.
    DateOnly,
    /// A zone name debrief does not know.
    Zone(String),
    /// A wall-clock time skipped by a DST change.
    Gap,
}

/// Parses a front-matter timestamp: RFC 3339 (`2025-03-25T14:15:00Z`), or
/// `YYYY-MM-DD HH:MM[:SS]` optionally followed by a zone (`UTC`, `+01:00`,
/// `Europe/London`); without a zone the time is read in `zone`.
pub fn parse_timestamp(s: &str, zone: Zone) -> Result<DateTime<FixedOffset>, TimestampError> {
    let s = s.trim();
    // chrono's RFC 3339 reader also takes a space for the `T`.
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let (date_part, rest) = s.split_at(s.find([' ', 'T']).unwrap_or(s.len()));
    let date = parse_date(date_part).ok_or(TimestampError::Format)?;
    let rest = rest.trim_start_matches([' ', 'T']);
    if rest.is_empty() {
        return Err(TimestampError::DateOnly);
    }
    let (time, used) = parse_clock(rest).ok_or(TimestampError::Format)?;
    let zone_text = rest[used..].trim();
    let zone = if zone_text.is_empty() {
        zone
    } else {
        Zone::parse(zone_text).ok_or_else(|| TimestampError::Zone(zone_text.to_string()))?
    };
    zone.resolve(date.and_time(time)).ok_or(TimestampError::Gap)
}

/// A calendar date written `YYYY-MM-DD` (and only that), that exists.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // By hand: chrono's format parser is slow, and dates are read in every
    // action item of every post-mortem.
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)
}

/// `2025-03-25`, as `NaiveDate`'s `Display` writes it for years 0–9999, without
/// its formatter: every row of every list page shows a date.
pub fn iso_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    let year = d.year();
    if !(0..=9999).contains(&year) {
        return d.to_string();
    }
    let (y, m, day) = (year as u32, d.month(), d.day());
    let digits = [y / 1000, y / 100 % 10, y / 10 % 10, y % 10, 10, m / 10, m % 10, 10, day / 10, day % 10];
    digits.iter().map(|&n| if n == 10 { '-' } else { char::from(b'0' + n as u8) }).collect()
}

/// True when `s` has the shape `YYYY-MM-DD`, whether or not the date exists.
pub fn looks_like_date(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Reads a clock time at the start of `s`: `14:15`, `14:15:30`, `5:00 PM`,
/// `2:15pm`, `5 p.m.`. Returns the time and how many bytes it used.
pub fn parse_clock(s: &str) -> Option<(NaiveTime, usize)> {
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let h_len = digits(0);
    if h_len == 0 || h_len > 2 {
        return None;
    }
    let hour: u32 = s[..h_len].parse().ok()?;
    let mut i = h_len;
    let mut minute = 0;
    let mut second = 0;
    let mut has_minutes = false;
    if b.get(i) == Some(&b':') && digits(i + 1) == 2 {
        minute = s[i + 1..i + 3].parse().ok()?;
        i += 3;
        has_minutes = true;
        if b.get(i) == Some(&b':') && digits(i + 1) == 2 {
            second = s[i + 1..i + 3].parse().ok()?;
            i += 3;
        }
    }
    let (meridiem, used) = meridiem(&s[i..]);
    if !has_minutes && meridiem.is_none() {
        return None;
    }
    let hour = match meridiem {
        Some(pm) if (1..=12).contains(&hour) => (hour % 12) + if pm { 12 } else { 0 },
        Some(_) => return None,
        None => hour,
    };
    let end = i + used;
    // A clock time must end at a word boundary: `14:15x` is not a time.
    if s[end..].chars().next().is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second).map(|t| (t, end))
}

/// An optional ` AM` / `pm` / ` p.m.` suffix: (is_pm, bytes used).
fn meridiem(s: &str) -> (Option<bool>, usize) {
    let trimmed = s.trim_start_matches(' ');
    let lead = s.len() - trimmed.len();
    let lower = trimmed.to_ascii_lowercase();
    for (text, pm) in [("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)] {
        if lower.starts_with(text) && !lower[text.len()..].starts_with(|c: char| c.is_alphanumeric()) {
            return (Some(pm), lead + text.len());
        }
    }
    (None, 0)
}

/// Parses `90s`, `15m`, `24h`, `180d`, `2w` and sums like `1h30m`.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = Duration::zero();
    let mut number = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = number.parse().ok()?;
        number.clear();
        // Out-of-range amounts (`99999999999999999s`) are no duration, not a panic.
        let part = match c {
            's' => Duration::try_seconds(n),
            'm' => Duration::try_minutes(n),
            'h' => Duration::try_hours(n),
            'd' => Duration::try_days(n),
            'w' => Duration::try_weeks(n),
            _ => return None,
        }?;
        total = total.checked_add(&part)?;
    }
    number.is_empty().then_some(total)
}

/// Where "today" came from, so output can say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodaySource {
    Flag,
    SourceDateEpoch,
    Clock,
}

/// The build's "today", read once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Today {
    pub date: NaiveDate,
    pub source: TodaySource,
}

impl Today {
    /// `--today` wins, then SOURCE_DATE_EPOCH, then the system clock (which
    /// callers report, so the choice is never silent).
    pub fn resolve(flag: Option<NaiveDate>, source_date_epoch: Option<&str>) -> Result<Today, String> {
        if let Some(date) = flag {
            return Ok(Today { date, source: TodaySource::Flag });
        }
        if let Some(epoch) = source_date_epoch.filter(|s| !s.is_empty()) {
            let secs: i64 =
                epoch.trim().parse().map_err(|_| format!("SOURCE_DATE_EPOCH={epoch} is not a number of seconds"))?;
            let t = DateTime::from_timestamp(secs, 0)
                .ok_or_else(|| format!("SOURCE_DATE_EPOCH={epoch} is out of range"))?;
            return Ok(Today { date: t.date_naive(), source: TodaySource::SourceDateEpoch });
        }
        Ok(Today { date: chrono::Utc::now().date_naive(), source: TodaySource::Clock })
    }

    pub fn fixed(date: NaiveDate) -> Today {
        Today { date, source: TodaySource::Flag }
    }
}

/// Parses `--today`.
pub fn parse_today_flag(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).ok_or_else(|| format!("`{s}` is not a date: write YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_date_writes_what_display_writes() {
        for (y, m, d) in [
            (2025, 3, 25),
            (1999, 12, 31),
            (2000, 1, 1),
            (9, 2, 3),
            (0, 1, 1),
            (9999, 12, 31),
            (-1, 1, 1),
            (10000, 1, 1),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso_date(date), date.to_string());
        }
    }

    fn utc(s: &str) -> String {
        parse_timestamp(s, Zone::UTC).unwrap().to_rfc3339()
    }

    #[test]
    fn timestamps_in_every_accepted_form() {
        assert_eq!(utc("2025-03-25T14:15:00Z"), "2025-03-25T14:15:00+00:00");
        assert_eq!(utc("2025-03-25T14:15:00.5+01:00"), "2025-03-25T14:15:00.500+01:00");
        assert_eq!(utc("2025-03-25 14:15:00+01:00"), "2025-03-25T14:15:00+01:00");
        assert_eq!(utc("2025-03-25 14:15:00z"), "2025-03-25T14:15:00+00:00");
        assert_eq!(utc("2025-11-02 01:30 Eastern Time"), "2025-11-02T01:30:00-04:00");
        assert_eq!(utc("2025-10-26 01:30 Europe/London"), "2025-10-26T01:30:00+01:00");
        assert_eq!(utc("2025-03-25 14:15"), "2025-03-25T14:15:00+00:00");
        assert_eq!(utc("2025-03-25 14:15:09"), "2025-03-25T14:15:09+00:00");
        assert_eq!(utc("2025-03-25 14:15 UTC"), "2025-03-25T14:15:00+00:00");
        assert_eq!(utc("2025-03-25 14:15 BST"), "2025-03-25T14:15:00+01:00");
        assert_eq!(utc("2025-03-25 2:15 PM"), "2025-03-25T14:15:00+00:00");
        assert_eq!(utc("2025-07-01 09:00 Europe/London"), "2025-07-01T09:00:00+01:00");
        assert_eq!(utc("2025-01-01 09:00 +05:30"), "2025-01-01T09:00:00+05:30");
    }

    #[test]
    fn timestamps_use_the_given_zone() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        assert_eq!(parse_timestamp("2025-07-01 12:00", berlin).unwrap().to_rfc3339(), "2025-07-01T12:00:00+02:00");
        assert_eq!(parse_timestamp("2025-03-30 02:30", berlin), Err(TimestampError::Gap));
    }

    #[test]
    fn bad_timestamps() {
        assert_eq!(parse_timestamp("yesterday", Zone::UTC), Err(TimestampError::Format));
        assert_eq!(parse_timestamp("2025-03-25", Zone::UTC), Err(TimestampError::DateOnly));
        assert_eq!(parse_timestamp("2025-02-30 10:00", Zone::UTC), Err(TimestampError::Format));
        assert_eq!(parse_timestamp("2025-03-25 25:00", Zone::UTC), Err(TimestampError::Format));
        assert_eq!(
            parse_timestamp("2025-03-25 10:00 Mars/Olympus", Zone::UTC),
            Err(TimestampError::Zone("Mars/Olympus".into()))
        );
    }

    #[test]
    fn zones() {
        assert_eq!(Zone::parse("utc"), Some(Zone::UTC));
        assert!(matches!(Zone::parse("Pacific Time"), Some(Zone::Named(chrono_tz::America::Los_Angeles))));
        assert!(matches!(Zone::parse("europe/london"), Some(Zone::Named(_))));
        assert_eq!(Zone::parse("+0530"), FixedOffset::east_opt(19800).map(Zone::Fixed));
        assert_eq!(Zone::parse("UTC-5"), FixedOffset::east_opt(-18000).map(Zone::Fixed));
        assert_eq!(Zone::parse("Nowhere"), None);
    }

    #[test]
    fn clock_times() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(parse_clock("14:15 — deploy"), Some((t(14, 15), 5)));
        assert_eq!(parse_clock("5:00 PM"), Some((t(17, 0), 7)));
        assert_eq!(parse_clock("12:30am x"), Some((t(0, 30), 7)));
        assert_eq!(parse_clock("5 p.m."), Some((t(17, 0), 6)));
        assert_eq!(parse_clock("9:05:30"), Some((NaiveTime::from_hms_opt(9, 5, 30).unwrap(), 7)));
        assert_eq!(parse_clock("13:00 PM"), None);
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("HH:MM"), None);
        assert_eq!(parse_clock("5 errors"), None);
        assert_eq!(parse_clock("14:15x"), None);
    }

    #[test]
    fn dates_and_durations() {
        assert!(parse_date("2025-04-01").is_some());
        assert!(parse_date("2025-02-29").is_none());
        assert!(parse_date("2025-4-1").is_none());
        assert_eq!(parse_duration("99999999999999999s"), None, "found by fuzzing: chrono panicked");
        assert_eq!(parse_duration("9999999999999w1w"), None);
        assert_eq!(parse_date(" 2024-02-29 "), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert!(parse_date("2025-13-01").is_none() && parse_date("2025-+1-01").is_none());
        assert!(looks_like_date("2025-02-30"));
        assert!(!looks_like_date("YYYY-MM-DD"));
        assert_eq!(parse_duration("24h"), Some(Duration::hours(24)));
        assert_eq!(parse_duration("180d"), Some(Duration::days(180)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::minutes(90)));
        assert_eq!(parse_duration("2w"), Some(Duration::days(14)));
        assert_eq!(parse_duration("15"), None);
        assert_eq!(parse_duration("soon"), None);
    }

    #[test]
    fn today_prefers_the_flag_then_the_epoch() {
        let d = NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
        assert_eq!(Today::resolve(Some(d), Some("0")).unwrap().date, d);
        let t = Today::resolve(None, Some("1700000000")).unwrap();
        assert_eq!((t.date.to_string().as_str(), t.source), ("2023-11-14", TodaySource::SourceDateEpoch));
        assert!(Today::resolve(None, Some("soon")).is_err());
        assert_eq!(Today::resolve(None, None).unwrap().source, TodaySource::Clock);
    }
}
