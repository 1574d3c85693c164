//! `/action-items/`, every action item of the built post-mortems, and
//! `/action-items.ics`, a calendar of the open ones' due dates that owners
//! can subscribe to.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write;

use super::context::{ActionItemsPage, AllItemsRow, FilterLink, Link, OwnerCount};
use super::links::dir;
use super::pager::{self, Slice};
use super::{action_item_row, page_title, Index};
use crate::action_item::{ActionItem, Status};
use crate::incident::Incident;

/// The states an item can be in, as the lists name them: overdue first. Each
/// item is in one, so the state pages together hold each item once.
const STATES: [(&str, &str); 4] =
    [("overdue", "Overdue"), ("open", "Open, not overdue"), ("done", "Done"), ("wont-do", "Won't do")];

/// One action item, with its post-mortem and its state.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    incident: &'a Incident,
    item: &'a ActionItem,
    state: &'static str,
}

/// One list of items under `/action-items/`: all of them, one state's, or
/// one owner's, overdue first, then by due date.
#[derive(Debug)]
pub struct List<'a> {
    /// The folder of its first page.
    pub dir: String,
    pub heading: String,
    pub entries: Vec<Entry<'a>>,
}

/// Every list of items, and what their pages share. At 100,000 post-mortems
/// one page of every item was 143 MB; the lists go on in pages of
/// `action_items.per_page` rows instead, with a page per state and per owner
/// in place of the filters that need every row on one page.
#[derive(Debug)]
pub struct Lists<'a> {
    pub lists: Vec<List<'a>>,
    totals: crate::trends::ItemTotals,
    owners: Vec<crate::trends::OwnerTally>,
    /// Owner → the folder of their list (of two names with one URL, the busier one's).
    owner_dirs: HashMap<String, String>,
    kinds: Vec<String>,
    months: Vec<String>,
}

/// The state list an item is on (`STATES`).
pub fn state(a: &ActionItem, today: chrono::NaiveDate) -> &'static str {
    STATES[state_index(a, today)].0
}

/// The state list an item is on: its index in `STATES`.
fn state_index(a: &ActionItem, today: chrono::NaiveDate) -> usize {
    match a.status {
        Status::Open if a.is_overdue(today) => 0,
        Status::Open => 1,
        Status::Done => 2,
        Status::WontDo => 3,
    }
}

pub fn state_dir(state: &str) -> String {
    format!("{}/{state}", dir::ACTION_ITEMS)
}

pub fn owner_dir(owner: &str) -> String {
    format!("{}/owner/{}", dir::ACTION_ITEMS, dir::term(owner))
}

/// The list of every item and, when it takes more than one page, a list per
/// state and per owner (on one page the filters in the browser do their work).
pub fn lists<'a>(ix: &Index<'a>, per_page: usize) -> Lists<'a> {
    let today = ix.today();
    let (by_state, (totals, owners)) =
        rayon::join(|| by_state(ix, today), || crate::trends::tally_items(&ix.incidents, today));
    let all: Vec<Entry<'a>> = by_state.iter().flatten().copied().collect();
    let paged = pager::takes_pages(all.len(), per_page);
    // The filters' choices, for the one page that has the filters.
    let (mut kinds, mut months) = (BTreeSet::new(), BTreeSet::new());
    if !paged {
        kinds.extend(all.iter().filter_map(|e| e.item.kind.as_ref().map(|k| k.text.clone())).filter(|k| !k.is_empty()));
        months.extend(all.iter().filter_map(|e| e.item.due_month()));
    }
    let owner_dirs = if paged { owner_dirs(&all, &owners) } else { Default::default() };
    let mut lists = vec![];
    if paged {
        lists.extend(STATES.iter().zip(by_state).map(|((id, name), entries)| List {
            dir: state_dir(id),
            heading: format!("{name} action items"),
            entries,
        }));
        let mut by_owner: std::collections::BTreeMap<&String, Vec<Entry>> = Default::default();
        for e in &all {
            if let Some((owner, _)) = e.item.owner_name().and_then(|o| owner_dirs.get_key_value(o)) {
                by_owner.entry(owner).or_default().push(*e);
            }
        }
        lists.extend(by_owner.into_iter().map(|(owner, entries)| List {
            dir: owner_dirs[owner].clone(),
            heading: format!("Action items of {owner}"),
            entries,
        }));
    }
    lists.insert(0, List { dir: dir::ACTION_ITEMS.to_string(), heading: "Action items".into(), entries: all });
    Lists {
        lists,
        totals,
        owners,
        owner_dirs,
        kinds: kinds.into_iter().collect(),
        months: months.into_iter().collect(),
    }
}

/// Every item on the list of its state, in `STATES` order, each list by due
/// date, then post-mortem id; items that tie keep their order in the
/// post-mortems. That is the order of one stable sort by (state, due, id),
/// and the four lists sort in parallel.
fn by_state<'a>(ix: &Index<'a>, today: chrono::NaiveDate) -> [Vec<Entry<'a>>; STATES.len()] {
    use rayon::prelude::*;
    let mut lists: [Vec<Entry<'a>>; STATES.len()] = Default::default();
    for &incident in &ix.incidents {
        for item in &incident.action_items {
            let state = state_index(item, today);
            lists[state].push(Entry { incident, item, state: STATES[state].0 });
        }
    }
    let key = |e: &Entry<'a>| (e.item.due.as_ref().map(|d| d.text.as_str()), e.incident.meta.id.as_str());
    lists.par_iter_mut().for_each(|l| l.par_sort_by(|a, b| key(a).cmp(&key(b))));
    lists
}

/// Owner → the folder of their list. Owners go in tally order, so of two
/// names with one URL the busier one's list is there.
fn owner_dirs(all: &[Entry], owners: &[crate::trends::OwnerTally]) -> HashMap<String, String> {
    let named: HashSet<&str> = all.iter().filter_map(|e| e.item.owner_name()).collect();
    let mut seen = HashSet::new();
    owners
        .iter()
        .map(|o| &o.items.owner)
        .filter(|o| named.contains(o.as_str()))
        .map(|o| (o.clone(), owner_dir(o)))
        .filter(|(_, d)| seen.insert(d.clone()))
        .collect()
}

/// One page (`slice`) of list number `n`. The list of every item (`n` 0) has
/// one page, which also shows the totals by owner: on one page it keeps the
/// filters; longer, its first rows lead to the state pages, which hold them all.
pub fn page(ix: &Index, lists: &Lists, n: usize, slice: Slice) -> ActionItemsPage {
    let list = &lists.lists[n];
    let from = pager::dir(&list.dir, slice.number);
    let today = ix.today();
    let whole = n == 0 && slice.pages == 1;
    let items: Vec<AllItemsRow> = slice
        .of(&list.entries)
        .iter()
        .map(|e| AllItemsRow {
            // For the filters only.
            due_month: if whole { e.item.due_month() } else { None }.unwrap_or_default(),
            state: e.state,
            incident: Link {
                text: e.incident.meta.title.clone(),
                href: ix.linker.page(&from, &dir::incident(&e.incident.meta.slug)),
            },
            incident_id: e.incident.meta.id.clone(),
            item: action_item_row(e.item, today),
        })
        .collect();
    let overview = n == 0 && slice.number == 1;
    let owners = lists
        .owners
        .iter()
        .filter(|_| overview)
        .map(|o| OwnerCount {
            href: lists.owner_dirs.get(&o.items.owner).map(|d| ix.linker.page(&from, d)).unwrap_or_default(),
            owner: o.items.owner.clone(),
            open: o.items.open,
            overdue: o.items.overdue,
            done: o.done,
        })
        .collect();
    let states = std::iter::once((dir::ACTION_ITEMS.to_string(), "All", lists.lists[0].entries.len()))
        .chain(STATES.iter().zip(&lists.lists[1..]).map(|((_, name), l)| (l.dir.clone(), *name, l.entries.len())))
        .map(|(d, text, count)| FilterLink {
            href: ix.linker.page(&from, &d),
            current: d == list.dir,
            text: text.into(),
            count,
        })
        .collect();
    ActionItemsPage {
        layout: ix.layout(&from, &page_title(&list.heading, slice), "Every action item from every post-mortem"),
        heading: list.heading.clone(),
        overview,
        count: list.entries.len(),
        items: items.into(),
        owners,
        states,
        filters: whole,
        kinds: if whole { lists.kinds.clone() } else { Vec::new() },
        months: if whole { lists.months.clone() } else { Vec::new() },
        totals: lists.totals.clone(),
        calendar: ix.linker.file_link(&from, "action-items.ics"),
        shown: slice.rows(),
        pager: pager::pager(&ix.linker, &list.dir, slice, list.entries.len()).filter(|_| n > 0).map(|p| pager::Pager {
            prev_text: "← Previous",
            next_text: "Next →",
            ..p
        }),
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
    let stamp = format!("{}T000000Z", ics_date(ix.today()));
    for i in &ix.incidents {
        for (n, a) in i.action_items.iter().enumerate() {
            let (Status::Open, Some(due)) = (a.status, a.due_date()) else { continue };
            let owner = a.owner.as_ref().map_or(String::new(), |o| format!(" ({})", o.text));
            line("BEGIN:VEVENT".into());
            line(format!("UID:{}-{}@debrief", i.meta.slug, n + 1));
            line(format!("DTSTAMP:{stamp}"));
            line(format!("DTSTART;VALUE=DATE:{}", ics_date(due)));
            line(format!("DTEND;VALUE=DATE:{}", ics_date(due + chrono::Duration::days(1))));
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

/// `20250401`: chrono's `format` parses its pattern on every call, and a
/// large site's calendar writes two dates for each of its open items.
fn ics_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

/// Text values escape `\`, `;`, `,` and line breaks (CRLF, LF or CR: one `\n`).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            _ => out.push(c),
        }
    }
    out
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
        assert_eq!(escape("one\r\ntwo\rthree\n\nfour"), "one\\ntwo\\nthree\\n\\nfour", "CRLF is one break");
    }

    #[test]
    fn dates_are_written_as_ical_basic_dates() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(ics_date(d(2025, 4, 1)), "20250401");
        assert_eq!(ics_date(d(999, 12, 31)), d(999, 12, 31).format("%Y%m%d").to_string());
    }
}
