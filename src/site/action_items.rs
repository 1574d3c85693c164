//! `/action-items/`, every action item of the built post-mortems, and
//! `/action-items.ics`, a calendar of the open ones' due dates that owners
//! can subscribe to.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::context::{ActionItemsPage, AllItemsRow, Link, OwnerCount};
use super::links::dir;
use super::{action_item_row, Index};
use crate::action_item::Status;

pub fn page(ix: &Index) -> ActionItemsPage {
    let from = dir::ACTION_ITEMS;
    let today = ix.today();
    let mut items: Vec<AllItemsRow> = Vec::new();
    for i in &ix.incidents {
        for a in &i.action_items {
            let item = action_item_row(a, today);
            let state = match a.status {
                Status::Open if item.overdue => "overdue",
                Status::Open => "open",
                Status::Done => "done",
                Status::WontDo => "wont-do",
            };
            items.push(AllItemsRow {
                due_month: a.due_date().map(|d| d.format("%Y-%m").to_string()).unwrap_or_default(),
                state,
                incident: Link { text: i.meta.title.clone(), href: ix.linker.page(from, &dir::incident(&i.meta.slug)) },
                incident_id: i.meta.id.clone(),
                item,
            });
        }
    }
    // Overdue first, then open, then closed; within each, by due date.
    let rank = |s: &str| ["overdue", "open", "done", "wont-do"].iter().position(|x| *x == s).unwrap_or(4);
    items.sort_by(|a, b| {
        (rank(a.state), &a.item.due, &a.incident_id).cmp(&(rank(b.state), &b.item.due, &b.incident_id))
    });
    let (totals, owners) = crate::trends::tally_items(&ix.incidents, today);
    let owners: Vec<OwnerCount> = owners
        .into_iter()
        .map(|o| OwnerCount { owner: o.items.owner, open: o.items.open, overdue: o.items.overdue, done: o.done })
        .collect();
    let kinds: BTreeSet<String> = items.iter().map(|r| r.item.kind.clone()).filter(|k| !k.is_empty()).collect();
    let months: BTreeSet<String> = items.iter().map(|r| r.due_month.clone()).filter(|m| !m.is_empty()).collect();
    ActionItemsPage {
        layout: ix.layout(from, "Action items", "Every action item from every post-mortem"),
        items: items.into(),
        owners,
        kinds: kinds.into_iter().collect(),
        months: months.into_iter().collect(),
        totals,
        calendar: ix.linker.file_link(from, "action-items.ics"),
    }
}

/// An iCalendar feed (RFC 5545) of the open items' due dates, one all-day
/// event each. Deterministic: ids come from the post-mortem and the item's
/// position, the stamp from "today".
pub fn calendar(ix: &Index, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut line = |text: String| fold(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//debrief//action items//EN".into());
    line(format!("X-WR-CALNAME:{}", escape(&format!("{}: action items", ix.site.settings.config.title))));
    let stamp = ix.today().format("%Y%m%dT000000Z");
    for i in &ix.incidents {
        for (n, a) in i.action_items.iter().enumerate() {
            let due = a.due_date();
            let (Status::Open, Some(due)) = (a.status, due) else { continue };
            let owner = a.owner.as_ref().map_or(String::new(), |o| format!(" ({})", o.text));
            line("BEGIN:VEVENT".into());
            line(format!("UID:{}-{}@debrief", i.meta.slug, n + 1));
            line(format!("DTSTAMP:{stamp}"));
            line(format!("DTSTART;VALUE=DATE:{}", due.format("%Y%m%d")));
            line(format!("DTEND;VALUE=DATE:{}", (due + chrono::Duration::days(1)).format("%Y%m%d")));
            line(format!("SUMMARY:{}", escape(&format!("[{}] {}{owner}", i.meta.id, a.text))));
            line(format!("DESCRIPTION:{}", escape(&format!("From the post-mortem \"{}\".", i.meta.title))));
            if let Some(url) = ix.absolute(&dir::incident(&i.meta.slug)) {
                line(format!("URL:{url}"));
            }
            line("END:VEVENT".into());
        }
    }
    line("END:VCALENDAR".into());
    out
}

/// Text values escape `\`, `;`, `,` and line breaks.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace(['\n', '\r'], "\\n")
}

/// Lines end in CRLF and fold at 75 octets, never inside a character.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_on_character_boundaries() {
        let mut out = String::new();
        fold(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{l}");
        }
        assert_eq!(out.replace("\r\n ", ""), format!("SUMMARY:{}\r\n", "é".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }
}
