//! Action items: a table with aliased columns (the Google SRE book's
//! `Action Item | Type | Owner | Bug` included), or a task list with
//! `(owner: @x, due: 2025-04-01, type: prevent)` or `(@x, 2025-04-01, prevent)`.

use crate::markdown::{Block, BlockKind, Line, ListItem};
use crate::section::heading_key;
use crate::text::{fold, is_placeholder};
use crate::time::looks_like_date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Open,
    Done,
    WontDo,
}

impl Status {
    pub fn is_closed(self) -> bool {
        self != Status::Open
    }
}

/// One field of an item, as written, and the file offset to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub text: String,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    pub text: String,
    pub offset: usize,
    pub owner: Option<Field>,
    pub due: Option<Field>,
    pub kind: Option<Field>,
    pub ticket: Option<Field>,
    pub status: Status,
    /// `due` read as a date, once: every list, count and calendar of the
    /// site asks for it, and a site's rows ask many times per item.
    pub due_on: Option<chrono::NaiveDate>,
}

impl ActionItem {
    /// The owner as written, if not empty.
    pub fn owner_name(&self) -> Option<&str> {
        self.owner.as_ref().map(|o| o.text.as_str()).filter(|o| !o.is_empty())
    }

    /// `2025-04`: the month the item is due.
    pub fn due_month(&self) -> Option<String> {
        self.due_date().map(|d| d.format("%Y-%m").to_string())
    }

    /// The due date, when one is written and reads as a date.
    pub fn due_date(&self) -> Option<chrono::NaiveDate> {
        self.due_on
    }

    /// Open, and due before `today`.
    pub fn is_overdue(&self, today: chrono::NaiveDate) -> bool {
        self.overdue_since(today).is_some()
    }

    /// The due date of an overdue item (open, and due before `today`).
    pub fn overdue_since(&self, today: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
        if self.status != Status::Open {
            return None;
        }
        self.due_date().filter(|&due| due < today)
    }
}

/// What the action items section held.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    pub items: Vec<ActionItem>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Col {
    Item,
    Owner,
    Due,
    Type,
    Status,
    Ticket,
}

fn column(header: &str) -> Option<Col> {
    Some(match heading_key(header).as_str() {
        "item" | "action" | "action item" | "action items" | "task" | "follow up" | "followup" | "description"
        | "todo" | "what" => Col::Item,
        "owner" | "owners" | "assignee" | "assigned to" | "who" | "responsible" | "dri" => Col::Owner,
        "due" | "due date" | "deadline" | "by" | "target date" | "due by" => Col::Due,
        "type" | "kind" | "category" => Col::Type,
        "status" | "state" | "done" => Col::Status,
        "ticket" | "issue" | "bug" | "link" | "jira" | "tracking" | "reference" | "pr" => Col::Ticket,
        _ => return None,
    })
}

/// Reads the items in an Action items section's blocks. `types` are the
/// configured type names, used to recognise a bare type in a task list.
pub fn parse(blocks: &[Block], types: &[String]) -> Parsed {
    let mut items = Vec::new();
    for block in blocks {
        match &block.kind {
            BlockKind::Table { header, rows } => items.extend(from_table(header, rows)),
            BlockKind::List { items: list } => {
                items.extend(list.iter().filter(|i| !i.text.is_empty()).map(|i| from_list_item(i, types)))
            }
            _ => {}
        }
    }
    for item in &mut items {
        item.due_on = item.due.as_ref().and_then(|d| crate::time::parse_date(&d.text));
    }
    Parsed { items }
}

fn from_table(header: &[Line], rows: &[crate::markdown::Row]) -> Vec<ActionItem> {
    let mut cols: Vec<Option<Col>> = header.iter().map(|h| column(&h.text)).collect();
    if !cols.contains(&Some(Col::Item)) {
        if let Some(first_free) = cols.iter().position(Option::is_none) {
            cols[first_free] = Some(Col::Item);
        }
    }
    rows.iter()
        .filter(|r| !r.cells.iter().all(|c| c.text.trim().is_empty()))
        .map(|row| {
            let field = |want: Col| {
                let i = cols.iter().position(|c| *c == Some(want))?;
                let cell = row.cells.get(i)?;
                Some(Field { text: cell.text.trim().to_string(), offset: cell.offset })
            };
            let non_empty = |f: Option<Field>| f.filter(|f| !f.text.is_empty());
            let item = field(Col::Item).unwrap_or(Field { text: String::new(), offset: row.offset });
            let mut status = field(Col::Status).map_or(Status::Open, |f| parse_status(&f.text));
            if let Some(marker) = row.cells.iter().find_map(|c| marker_status(&c.text)) {
                status = marker;
            }
            ActionItem {
                text: strip_marker(&item.text),
                offset: item.offset,
                owner: field(Col::Owner),
                due: field(Col::Due),
                kind: field(Col::Type),
                ticket: non_empty(field(Col::Ticket)).map(|f| Field { text: strip_marker(&f.text), ..f }),
                status,
                due_on: None,
            }
        })
        .collect()
}

/// `DONE` / `TODO` written in any cell (the SRE book puts them in the Bug column).
fn marker_status(cell: &str) -> Option<Status> {
    // Nearly every cell has neither word; splitting each into words cost 1% of a check.
    if !cell.contains("DONE") && !cell.contains("TODO") {
        return None;
    }
    cell.split(|c: char| !c.is_alphanumeric()).find_map(|w| match w {
        "DONE" => Some(Status::Done),
        "TODO" => Some(Status::Open),
        _ => None,
    })
}

fn strip_marker(s: &str) -> String {
    let single_spaced = !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && !s.contains(|c: char| c.is_whitespace() && c != ' ');
    if single_spaced && !s.contains("DONE") && !s.contains("TODO") {
        return s.to_string();
    }
    s.split_whitespace()
        .filter(|w| !matches!(w.trim_matches(|c: char| !c.is_alphanumeric()), "DONE" | "TODO"))
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn parse_status(s: &str) -> Status {
    match fold(s).as_str() {
        "done" | "closed" | "complete" | "completed" | "fixed" | "resolved" | "finished" | "yes" | "shipped"
        | "merged" => Status::Done,
        "wont do" | "wont fix" | "wontfix" | "cancelled" | "canceled" | "dropped" | "obsolete" => Status::WontDo,
        _ if s.contains('✅') || s.contains('✔') => Status::Done,
        _ => Status::Open,
    }
}

fn from_list_item(item: &ListItem, types: &[String]) -> ActionItem {
    let mut out = ActionItem {
        text: item.text.clone(),
        offset: item.offset,
        owner: None,
        due: None,
        kind: None,
        ticket: None,
        status: if item.task == Some(true) { Status::Done } else { Status::Open },
        due_on: None,
    };
    if let Some((open, inner)) = trailing_parens(&item.text) {
        let fields = classify(inner, item.offset + open + 1, types);
        if fields.iter().any(|(k, _)| k.is_some()) {
            out.text = item.text[..open].trim_end().trim_end_matches(['—', '–', '-', ':']).trim_end().to_string();
            for (col, field) in fields {
                assign(&mut out, col, field);
            }
            return out;
        }
    }
    inline_fields(&mut out, item);
    out
}

fn assign(out: &mut ActionItem, col: Option<Col>, field: Field) {
    let slot = match col {
        // A part that is not a date, type or ticket is the owner, unless one
        // is already named: then it is most likely a mistyped type.
        None if out.owner.is_some() => &mut out.kind,
        Some(Col::Owner) | None => &mut out.owner,
        Some(Col::Due) => &mut out.due,
        Some(Col::Type) => &mut out.kind,
        Some(Col::Ticket) => &mut out.ticket,
        Some(Col::Status) => {
            out.status = parse_status(&field.text);
            return;
        }
        Some(Col::Item) => return,
    };
    if slot.is_none() {
        *slot = Some(field);
    }
}

/// The last balanced `( … )` group that ends the text: (byte index of `(`, inner text).
fn trailing_parens(text: &str) -> Option<(usize, &str)> {
    let t = text.trim_end();
    if !t.ends_with(')') {
        return None;
    }
    let mut depth = 0i32;
    for (i, c) in t.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some((i, &t[i + 1..t.len() - 1]));
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `owner: @x, due: 2025-04-01, prevent` into fields. A part whose
/// kind cannot be told gets `None` (read as the owner when nothing else is).
fn classify(inner: &str, base: usize, types: &[String]) -> Vec<(Option<Col>, Field)> {
    let mut out = Vec::new();
    let mut start = 0;
    for part in inner.split([',', ';']) {
        let lead = part.len() - part.trim_start().len();
        let offset = base + start + lead;
        start += part.len() + 1;
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        if let Some((key, value)) = part.split_once(':').filter(|(k, _)| !k.contains(' ') || column(k).is_some()) {
            if let Some(col) = column(key) {
                let value_lead = value.len() - value.trim_start().len();
                out.push((
                    Some(col),
                    Field { text: value.trim().to_string(), offset: offset + key.len() + 1 + value_lead },
                ));
                continue;
            }
        }
        let field = Field { text: part.to_string(), offset };
        let col = if part.starts_with('@') {
            Some(Col::Owner)
        } else if looks_like_date(part) {
            Some(Col::Due)
        } else if match_type(part, types).is_some() {
            Some(Col::Type)
        } else if is_ticket(part) {
            Some(Col::Ticket)
        } else {
            None
        };
        out.push((col, field));
    }
    out
}

/// Without a trailing group: an `@handle` anywhere is the owner, and
/// `due 2025-04-01` (or `by …`) is the due date.
fn inline_fields(out: &mut ActionItem, item: &ListItem) {
    let text = &item.text;
    if let Some(at) = text.find('@') {
        let end = text[at..].find(|c: char| c.is_whitespace() || c == ',' || c == ')').map_or(text.len(), |e| at + e);
        if end > at + 1 {
            out.owner = Some(Field { text: text[at..end].to_string(), offset: item.offset + at });
        }
    }
    let lower = text.to_ascii_lowercase();
    for key in ["due:", "due ", "by "] {
        if let Some(i) = lower.find(key) {
            let rest = &text[i + key.len()..];
            let lead = rest.len() - rest.trim_start().len();
            if let Some(d) = rest.trim_start().get(..10).filter(|d| looks_like_date(d)) {
                out.due = Some(Field { text: d.to_string(), offset: item.offset + i + key.len() + lead });
                break;
            }
        }
    }
}

fn is_ticket(s: &str) -> bool {
    let s = s.trim();
    if s.starts_with("http://")
        || s.starts_with("https://")
        || (s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_digit()) && s.len() > 1)
    {
        return true;
    }
    match s.split_once('-') {
        Some((proj, num)) => {
            !proj.is_empty()
                && proj.chars().all(|c| c.is_ascii_uppercase())
                && !num.is_empty()
                && num.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// The configured type a value names: `prevention` → `prevent`, `Mitigation` → `mitigate`.
pub fn match_type<'t>(value: &str, types: &'t [String]) -> Option<&'t String> {
    let v = fold(value);
    types.iter().find(|t| {
        let t = fold(t);
        let stem = t.trim_end_matches('e');
        v == t || (!stem.is_empty() && v.starts_with(stem) && v.len() <= stem.len() + 6 && !v.contains(' '))
    })
}

/// True when an owner is missing in all but name: `TBD`, `@owner`, `?`, `<name>`.
pub fn is_placeholder_owner(owner: &str) -> bool {
    let o = owner.trim();
    is_placeholder(o)
        || matches!(
            fold(o).as_str(),
            "owner"
                | "none"
                | "nobody"
                | "unassigned"
                | "unknown"
                | "someone"
                | "team"
                | "name"
                | "person"
                | "assignee"
                | "tbd"
                | ""
        )
        || o.starts_with("@<")
}

/// True when `fold(text)` has two words or more: two runs of letters or
/// digits with a space, `-`, `_` or `/` between them.
fn has_two_words(text: &str) -> bool {
    let (mut word, mut gap) = (false, false);
    for c in text.chars() {
        if c.is_alphanumeric() {
            if word && gap {
                return true;
            }
            (word, gap) = (true, false);
        } else if c.is_whitespace() || matches!(c, '-' | '_' | '/') {
            gap = true;
        }
    }
    false
}

/// True when an item is too vague to verify. `phrases` must be folded (`text::fold`).
pub fn is_vague(text: &str, phrases: &[String]) -> bool {
    if !has_two_words(text) {
        return true;
    }
    // The phrases are short; folding all of a long item cost 2% of a check.
    let t = crate::text::fold_prefix(text, phrases.iter().map(String::len).max().unwrap_or(0));
    phrases.iter().any(|p| t == *p || (p.starts_with("be ") && t.starts_with(p.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::Body;

    fn types() -> Vec<String> {
        vec!["prevent".into(), "detect".into(), "mitigate".into()]
    }

    fn items(md: &str) -> Vec<ActionItem> {
        let body = Body::parse(md, 0);
        parse(&body.blocks, &types()).items
    }

    fn text(f: &Option<Field>) -> Option<&str> {
        f.as_ref().map(|f| f.text.as_str())
    }

    #[test]
    fn table_with_aliased_columns() {
        let md = "| Action | Assignee | Due Date | Kind | State | Ticket |\n|---|---|---|---|---|---|\n| Add index | @dev | 2025-04-01 | prevention | Done | OPS-12 |\n| Add alert |  | YYYY-MM-DD | detect | open | |\n";
        let got = items(md);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].text, "Add index");
        assert_eq!(text(&got[0].owner), Some("@dev"));
        assert_eq!(text(&got[0].due), Some("2025-04-01"));
        assert_eq!(text(&got[0].kind), Some("prevention"));
        assert_eq!(text(&got[0].ticket), Some("OPS-12"));
        assert_eq!(got[0].status, Status::Done);
        assert_eq!(text(&got[1].owner), Some(""));
        assert_eq!(got[1].status, Status::Open);
        assert!(got[1].ticket.is_none());
        assert_eq!(got[0].offset, md.find("Add index").unwrap());
    }

    #[test]
    fn sre_book_table_with_markers() {
        let md = "| Action Item | Type | Owner | Bug |\n|---|---|---|---|\n| Update playbook | mitigate | jennifer | n/a **DONE** |\n| Use flux capacitor | prevent | martym | Bug 5554823 **TODO** |\n";
        let got = items(md);
        assert_eq!(got[0].status, Status::Done);
        assert_eq!(got[1].status, Status::Open);
        assert_eq!(text(&got[1].ticket), Some("Bug 5554823"));
        assert_eq!(text(&got[0].owner), Some("jennifer"));
    }

    #[test]
    fn task_lists_with_keyed_and_bare_fields() {
        let md = "- [ ] Add null checks to payment flow (owner: @payments, due: 2025-04-01, type: prevent)\n- [x] Add guest checkout test (@qa, 2025-04-02, detect, PAY-7)\n- [ ] Set up alerting on 5xx (see runbook)\n- [ ] Page on queue depth @sre due 2025-05-01\n";
        let got = items(md);
        assert_eq!(got[0].text, "Add null checks to payment flow");
        assert_eq!(text(&got[0].owner), Some("@payments"));
        assert_eq!(text(&got[0].due), Some("2025-04-01"));
        assert_eq!(text(&got[0].kind), Some("prevent"));
        assert_eq!(got[0].due.as_ref().unwrap().offset, md.find("2025-04-01").unwrap());
        assert_eq!(got[1].status, Status::Done);
        assert_eq!(text(&got[1].owner), Some("@qa"));
        assert_eq!(text(&got[1].kind), Some("detect"));
        assert_eq!(text(&got[1].ticket), Some("PAY-7"));
        assert_eq!(got[2].text, "Set up alerting on 5xx (see runbook)");
        assert!(got[2].owner.is_none());
        assert_eq!(text(&got[3].owner), Some("@sre"));
        assert_eq!(text(&got[3].due), Some("2025-05-01"));
    }

    #[test]
    fn types_owners_and_vagueness() {
        let t = types();
        assert_eq!(match_type("Prevention", &t).map(String::as_str), Some("prevent"));
        assert_eq!(match_type("mitigation", &t).map(String::as_str), Some("mitigate"));
        assert_eq!(match_type("detective", &t).map(String::as_str), Some("detect"));
        assert_eq!(match_type("prevent / detect / mitigate", &t), None);
        assert_eq!(match_type("repair", &t), None);
        for o in ["TBD", "@owner", "?", "<name>", "@<person>", "", "unassigned"] {
            assert!(is_placeholder_owner(o), "{o}");
        }
        assert!(!is_placeholder_owner("@payments"));
        let phrases: Vec<String> =
            crate::config::Config::default().action_items.vague_phrases.iter().map(|p| fold(p)).collect();
        assert!(is_vague("Be more careful", &phrases));
        assert!(is_vague("Be more careful when deploying", &phrases));
        assert!(is_vague("Improve monitoring.", &phrases));
        assert!(is_vague("Investigate", &phrases));
        assert!(!is_vague("Alert when checkout 5xx rate exceeds 2% for 5 minutes", &phrases));
        assert!(!is_vague("Investigate why retries amplify load on the ledger", &phrases));
    }

    proptest::proptest! {
        #[test]
        fn has_two_words_agrees_with_fold(s in "[a-zA-Z0-9 ._/\\-é—\t]{0,24}") {
            proptest::prop_assert_eq!(has_two_words(&s), fold(&s).contains(' '));
        }

        #[test]
        fn strip_marker_keeps_single_spaced_text_and_drops_markers(s in "[a-zA-Z .\t]{0,30}|(DONE|TODO|[a-z]{1,5}| |\t){0,8}") {
            let words: Vec<&str> = s
                .split_whitespace()
                .filter(|w| !matches!(w.trim_matches(|c: char| !c.is_alphanumeric()), "DONE" | "TODO"))
                .collect();
            proptest::prop_assert_eq!(strip_marker(&s), words.join(" "));
        }
    }
}
