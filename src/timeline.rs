//! The Timeline section: a list, a table, paragraph lines or time sub-headings,
//! each entry starting with a time (`14:15`, `5:00 PM`, `2025-03-25 14:15 UTC`).
//! Times without a date take the date of `started_at`, rolling over midnight
//! when they go back by more than 12 hours.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};

use crate::markdown::{Block, BlockKind};
use crate::time::{looks_like_date, parse_clock, parse_date, Zone};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub at: DateTime<FixedOffset>,
    pub text: String,
    /// File offset of the entry's time.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timeline {
    pub entries: Vec<Entry>,
    /// Indices of entries earlier than the entry before them.
    pub backwards: Vec<usize>,
    /// Entries whose wall-clock time does not exist in their zone (a
    /// daylight-saving change skips it): the file offset of the time, and the zone.
    pub skipped: Vec<(usize, Zone)>,
}

/// The zone a timeline heading names: `Timeline (UTC)`, `Timeline (times in BST)`,
/// `Timeline (all times in Pacific Time)`.
pub fn heading_zone(title: &str) -> Option<Zone> {
    let open = title.rfind('(')?;
    let inner = title[open + 1..].trim_end().strip_suffix(')')?;
    zone_phrase(inner)
}

fn zone_phrase(s: &str) -> Option<Zone> {
    let mut t = s.trim().to_string();
    for prefix in ["all times are in ", "all times in ", "all times ", "times are in ", "times in ", "times ", "in "] {
        if t.to_ascii_lowercase().starts_with(prefix) {
            t = t[prefix.len()..].to_string();
        }
    }
    Zone::parse(&t)
}

struct Cursor {
    zone: Zone,
    date: NaiveDate,
    prev: Option<DateTime<FixedOffset>>,
    out: Timeline,
}

/// Reads the entries of a timeline section's blocks.
pub fn parse(title: &str, blocks: &[Block], started_at: Option<DateTime<FixedOffset>>, zone: Zone) -> Timeline {
    let zone = heading_zone(title).unwrap_or(zone);
    let date = started_at.map_or(NaiveDate::default(), |t| zone.local_date(t));
    let mut c = Cursor { zone, date, prev: None, out: Timeline::default() };
    let mut i = 0;
    while i < blocks.len() {
        match &blocks[i].kind {
            BlockKind::Heading { text, .. } => {
                let event = match blocks.get(i + 1).map(|b| &b.kind) {
                    Some(BlockKind::Paragraph { lines }) => lines.first().map(|l| l.text.clone()).unwrap_or_default(),
                    _ => String::new(),
                };
                c.line(&format!("{text} {event}"), blocks[i].offset);
            }
            BlockKind::Paragraph { lines } => lines.iter().for_each(|l| c.line(&l.text, l.offset)),
            BlockKind::List { items } => items.iter().for_each(|it| c.line(&it.text, it.offset)),
            BlockKind::Table { header, rows } => {
                let cols = table_columns(header);
                for row in rows {
                    let cell = |i: Option<usize>| i.and_then(|i| row.cells.get(i)).map_or("", |c| c.text.as_str());
                    let Some(time_cell) = cols.time.and_then(|t| row.cells.get(t)) else {
                        continue;
                    };
                    let when = match cols.date {
                        Some(_) => format!("{} {}", cell(cols.date), time_cell.text),
                        None => time_cell.text.clone(),
                    };
                    c.line(&format!("{when} — {}", cell(cols.event)), time_cell.offset);
                }
            }
            _ => {}
        }
        i += 1;
    }
    c.out
}

struct Columns {
    date: Option<usize>,
    time: Option<usize>,
    event: Option<usize>,
}

fn table_columns(header: &[crate::markdown::Line]) -> Columns {
    let keys: Vec<String> = header.iter().map(|h| crate::section::heading_key(&h.text)).collect();
    let find = |names: &[&str]| keys.iter().position(|k| names.iter().any(|n| k == n));
    let date = find(&["date", "day"]);
    let time = find(&["time", "when", "timestamp", "date time", "datetime", "time utc"]).or(if date.is_some() {
        None
    } else {
        Some(0)
    });
    let event = find(&["event", "events", "what happened", "description", "action", "details", "what"])
        .or_else(|| (0..keys.len()).find(|&i| Some(i) != time && Some(i) != date));
    match (date, time) {
        (Some(d), None) => Columns { date: None, time: Some(d), event },
        _ => Columns { date, time, event },
    }
}

impl Cursor {
    fn line(&mut self, raw: &str, offset: usize) {
        let text = raw.trim().trim_start_matches(['*', '_']).trim_start();
        let lead = raw.len() - raw.trim_start().len();
        let (date, rest) = match text.get(..10).filter(|d| looks_like_date(d)) {
            Some(d) => (parse_date(d), text[10..].trim_start_matches([' ', 'T', ','])),
            None => (None, text),
        };
        if let Some(d) = date {
            self.date = d;
        }
        let Some((time, used)) = parse_clock(rest) else {
            // A bare date line (`2015-10-21 (all times UTC)`) sets the date, and maybe the zone.
            if date.is_some() {
                if let Some(z) = heading_zone(rest) {
                    self.zone = z;
                }
            }
            return;
        };
        let (zone, rest) = entry_zone(&rest[used..]).map_or((self.zone, &rest[used..]), |(z, r)| (z, r));
        let event = rest.trim_start().trim_start_matches(['—', '–', '-', ':', '|', '→', '>', '*', '_']).trim();
        if date.is_none() && self.past_midnight(time, zone) {
            self.date = self.date.succ_opt().unwrap_or(self.date);
        }
        let Some(at) = zone.resolve(self.date.and_time(time)) else {
            self.out.skipped.push((offset + lead, zone));
            return;
        };
        if self.prev.is_some_and(|p| at < p) {
            self.out.backwards.push(self.out.entries.len());
        }
        self.prev = Some(at);
        self.out.entries.push(Entry { at, text: event.to_string(), offset: offset + lead });
    }

    /// Whether an undated time belongs to the next day: it goes back by more
    /// than 12 hours from the entry before. A time a clock change skips on the
    /// current day is measured in the previous entry's offset.
    fn past_midnight(&self, time: NaiveTime, zone: Zone) -> bool {
        let Some(prev) = self.prev else { return false };
        let local = self.date.and_time(time);
        let same_day = zone.resolve(local).or_else(|| prev.offset().from_local_datetime(&local).single());
        same_day.is_some_and(|at| at < prev - Duration::hours(12))
    }
}

/// A zone written right after an entry's time: `14:15 UTC — …`, `14:15 (BST): …`.
fn entry_zone(s: &str) -> Option<(Zone, &str)> {
    let t = s.trim_start();
    let inner = t.strip_prefix('(').map_or(t, |x| x);
    let end =
        inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == ':' || c == '-')).unwrap_or(inner.len());
    let word = inner[..end].trim_end_matches(':');
    let plausible = !word.is_empty() && (word.chars().all(|c| c.is_ascii_uppercase()) || word.starts_with(['+', '-']));
    if !plausible {
        return None;
    }
    let zone = Zone::parse(word)?;
    let rest = inner[word.len()..].trim_start_matches(')');
    Some((zone, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Body;
    use crate::time::parse_timestamp;

    fn timeline(md: &str, start: &str) -> Timeline {
        let body = Body::parse(md, 0);
        let sections = body.sections();
        let s = &sections[0];
        parse(&s.title, &body.blocks[s.blocks.clone()], parse_timestamp(start, Zone::UTC).ok(), Zone::UTC)
    }

    fn times(t: &Timeline) -> Vec<String> {
        t.entries.iter().map(|e| e.at.format("%m-%d %H:%M%:z").to_string()).collect()
    }

    #[test]
    fn list_with_every_separator() {
        let t = timeline("## Timeline\n- 14:15 — deploy\n- 14:20 -- alert\n- 2025-03-25 14:30 UTC: declared\n- 2:45 PM – mitigated\n- no time here\n", "2025-03-25 14:00");
        assert_eq!(times(&t), ["03-25 14:15+00:00", "03-25 14:20+00:00", "03-25 14:30+00:00", "03-25 14:45+00:00"]);
        assert_eq!(t.entries[0].text, "deploy");
        assert_eq!(t.entries[2].text, "declared");
        assert_eq!(t.entries[3].text, "mitigated");
        assert!(t.backwards.is_empty());
    }

    #[test]
    fn rolls_over_midnight_but_flags_real_backwards_steps() {
        let t = timeline("## Timeline\n- 23:50 — a\n- 00:10 — b\n- 00:05 — c\n", "2025-03-25 23:40");
        assert_eq!(times(&t), ["03-25 23:50+00:00", "03-26 00:10+00:00", "03-26 00:05+00:00"]);
        assert_eq!(t.backwards, vec![2]);
    }

    #[test]
    fn a_time_the_spring_clock_change_skips_is_kept_aside() {
        let md = "## Timeline (all times in Europe/London)\n- 00:45 — a\n- 01:30 — b\n- 02:10 — c\n";
        let t = timeline(md, "2025-03-30T00:30:00Z");
        assert_eq!(times(&t), ["03-30 00:45+00:00", "03-30 02:10+01:00"]);
        let london = Zone::parse("Europe/London").unwrap();
        assert_eq!(t.skipped, vec![(md.find("01:30").unwrap(), london)]);
        assert_eq!(london.name(), "Europe/London");
        // Past midnight, an undated 01:30 is the next day's: here the 30th, whose clock change skips it.
        let md = "## Timeline (all times in Europe/London)\n- 20:00 — a\n- 23:50 — b\n- 01:30 — c\n";
        let t = timeline(md, "2025-03-29T20:00:00Z");
        assert_eq!(times(&t), ["03-29 20:00+00:00", "03-29 23:50+00:00"], "01:30 on the 30th does not exist");
        assert_eq!(t.skipped, vec![(md.find("01:30").unwrap(), london)]);
        assert!(t.backwards.is_empty(), "it was read as the 29th's 01:30, and flagged as going back");
        let t = timeline(
            "## Timeline (all times in Europe/London)\n- 20:00 — a\n- 23:50 — b\n- 01:30 — c\n",
            "2025-03-30T19:00:00Z",
        );
        assert_eq!(
            times(&t),
            ["03-30 20:00+01:00", "03-30 23:50+01:00", "03-31 01:30+01:00"],
            "the gap is on the 30th only"
        );
        assert!(t.skipped.is_empty() && t.backwards.is_empty());
    }

    #[test]
    fn heading_zone_applies() {
        let t = timeline("## Timeline (times in BST)\n- 14:15 — a\n", "2025-06-01T13:00:00Z");
        assert_eq!(times(&t), ["06-01 14:15+01:00"]);
        assert!(heading_zone("Timeline (all times in Pacific Time)").is_some());
        assert!(heading_zone("Timeline (UTC)").is_some());
        assert!(heading_zone("Timeline").is_none());
    }

    #[test]
    fn tables_and_time_headings() {
        let t = timeline(
            "## Timeline (UTC)\n| Time | Event |\n|---|---|\n| 14:15 | First error |\n| 14:20 | Alert |\n",
            "2025-03-25 14:00",
        );
        assert_eq!(times(&t), ["03-25 14:15+00:00", "03-25 14:20+00:00"]);
        assert_eq!(t.entries[1].text, "Alert");
        let t = timeline("## Timeline\n### 5:00 PM\nPager goes off\n### 5:10 PM\nIC declared\n", "2025-03-25 16:50");
        assert_eq!(times(&t), ["03-25 17:00+00:00", "03-25 17:10+00:00"]);
        assert_eq!(t.entries[0].text, "Pager goes off");
    }

    #[test]
    fn sre_book_style_paragraph_lines() {
        let md = "## Timeline\n2015-10-21 (all times UTC)\n\n14:51 News reports a new sonnet\n14:53 Traffic increases by 88x\n14:54 OUTAGE BEGINS\n";
        let t = timeline(md, "2015-10-21T14:51:00Z");
        assert_eq!(t.entries.len(), 3);
        assert_eq!(t.entries[2].text, "OUTAGE BEGINS");
        let t = timeline(
            "## Timeline\n| Date | Time | Event |\n|---|---|---|\n| 2025-03-26 | 01:00 | late |\n",
            "2025-03-25 23:00",
        );
        assert_eq!(times(&t), ["03-26 01:00+00:00"]);
    }

    #[test]
    fn placeholder_times_are_not_entries() {
        let t = timeline(
            "## Timeline (UTC)\n| Time | Event |\n|---|---|\n| HH:MM | First error logged |\n",
            "2025-03-25 14:00",
        );
        assert!(t.entries.is_empty());
    }
}
