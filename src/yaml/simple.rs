//! A fast reader for the plain YAML that front matter is nearly always written
//! in: block mappings and sequences, one-line plain and quoted scalars, and
//! one-line flow sequences. It returns exactly the value serde_yaml would, or
//! `None` for anything else (anchors, tags, block scalars, multi-line scalars,
//! flow mappings, escapes, numbers other than plain integers, and every
//! error), and then serde_yaml reads the text.
//!
//! Why: serde_yaml builds an event stream, then its own value, which is then
//! converted; that was a quarter of a whole `check`. Front matter is small
//! and regular, so one pass over its lines does.

use super::{pos, scan_flow, strip_comment, KeyPositions, PathKey, Value};

/// Beyond these sizes the text is not ordinary front matter; serde_yaml reads it.
const MAX_TEXT: usize = 64 * 1024;
const MAX_DEPTH: usize = 32;
const MAX_KEYS: usize = 128;

pub fn parse(text: &str) -> Option<Value> {
    parse_placed(text).map(|(root, _)| root)
}

/// `parse`, with where each key, value and item is written: the map the
/// line scan (`super::scan`) makes of the same text, made in this pass
/// instead of a second one. A test holds the two equal on every input this
/// reader accepts.
pub(super) fn parse_placed(text: &str) -> Option<(Value, KeyPositions)> {
    if text.len() > MAX_TEXT || has_unusual_chars(text) {
        return None;
    }
    let mut lines = Vec::with_capacity(32);
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        // YAML reads a lone CR as a line break, even inside a comment.
        if raw.contains('\r') {
            return None;
        }
        let content = raw.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = raw.len() - content.len();
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            return None;
        }
        lines.push(Line { indent, text: content, raw, no: i + 1 });
    }
    let first = lines.first()?;
    if is_item(first.text) {
        return None;
    }
    let indent = first.indent;
    let out = KeyPositions::with_capacity_and_hasher(text.len() / 16, Default::default());
    let mut reader = Reader { lines, next: 0, depth: 0, out };
    let root = reader.map(indent, PathKey::ROOT)?;
    (reader.next == reader.lines.len()).then_some((root, reader.out))
}

/// Tabs, control characters, byte-order marks and the line separators YAML 1.1
/// knows: rare in front matter, and each has rules of its own.
fn has_unusual_chars(text: &str) -> bool {
    let ascii_unusual = |b: u8| (b < 0x20 && b != b'\n' && b != b'\r') || b == 0x7f;
    if text.is_ascii() {
        return text.bytes().any(ascii_unusual);
    }
    text.chars().any(|c| match u8::try_from(c) {
        Ok(b) if b.is_ascii() => ascii_unusual(b),
        _ => c.is_control() || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'),
    })
}

/// A line without its indentation; blank and comment lines are dropped.
struct Line<'t> {
    indent: usize,
    text: &'t str,
    /// The whole line (`text` is its end) and its number, for positions.
    raw: &'t str,
    no: usize,
}

impl Line<'_> {
    /// The byte offset of `part` (a slice of `text`, so of `raw`) in the line.
    fn offset(&self, part: &str) -> usize {
        part.as_ptr() as usize - self.raw.as_ptr() as usize
    }
}

struct Reader<'t> {
    lines: Vec<Line<'t>>,
    next: usize,
    depth: usize,
    out: KeyPositions,
}

fn is_item(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

impl<'t> Reader<'t> {
    fn map(&mut self, indent: usize, path: PathKey) -> Option<Value> {
        self.enter()?;
        let mut entries: Vec<(String, Value)> = Vec::new();
        while let Some(line) = self.lines.get(self.next) {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_item(line.text) || entries.len() == MAX_KEYS {
                return None;
            }
            let (key, rest) = split_key(line.text)?;
            if entries.iter().any(|(k, _)| k == key) {
                return None;
            }
            let key_path = path.child(key);
            self.place_key(key_path, key, rest);
            self.next += 1;
            let value = self.value_after(rest, indent, key_path)?;
            entries.push((key.to_string(), value));
        }
        self.depth -= 1;
        Some(Value::Map(entries))
    }

    /// Records the key on the current line and its value (`rest`, after the
    /// colon), as `Scanner::node` does.
    fn place_key(&mut self, path: PathKey, key: &str, rest: &str) {
        let line = &self.lines[self.next];
        let value_text = rest.trim_start_matches(' ');
        let vstart = line.offset(value_text);
        let value = strip_comment(&line.raw[vstart..]);
        let key_pos = pos(line.raw, line.no, line.offset(key), key);
        let value_pos = (!value.is_empty()).then(|| pos(line.raw, line.no, vstart, value));
        self.out.insert(path.hash, (key_pos, value_pos));
        if value.starts_with('[') {
            scan_flow(line.raw, vstart, path, line.no, &mut self.out);
        }
    }

    fn seq(&mut self, indent: usize, path: PathKey) -> Option<Value> {
        self.enter()?;
        let mut items = Vec::new();
        while let Some(line) = self.lines.get(self.next) {
            if line.indent < indent || (line.indent == indent && !is_item(line.text)) {
                break;
            }
            if line.indent > indent || items.len() == MAX_KEYS {
                return None;
            }
            let after = &line.text[1..];
            let rest = after.trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') || is_item(rest) {
                return None;
            }
            let item_path = path.child_index(items.len());
            let start = line.offset(rest);
            let (raw, no) = (line.raw, line.no);
            self.out.insert(item_path.hash, (pos(raw, no, start, strip_comment(&raw[start..])), None));
            if split_key(rest).is_some() {
                // A mapping whose first key shares the item's line, at `start`.
                self.lines[self.next] = Line { indent: start, text: rest, raw, no };
                items.push(self.map(start, item_path)?);
            } else {
                if rest.starts_with('[') {
                    scan_flow(raw, start, item_path, no, &mut self.out);
                }
                self.next += 1;
                items.push(inline_value(rest)?);
            }
        }
        self.depth -= 1;
        Some(Value::Seq(items))
    }

    /// The value of a key whose line continues with `rest`.
    fn value_after(&mut self, rest: &str, indent: usize, path: PathKey) -> Option<Value> {
        let rest = rest.trim_start_matches(' ');
        if !(rest.is_empty() || rest.starts_with('#')) {
            return inline_value(rest);
        }
        match self.lines.get(self.next) {
            Some(line) if line.indent > indent && is_item(line.text) => self.seq(line.indent, path),
            Some(line) if line.indent > indent => self.map(line.indent, path),
            Some(line) if line.indent == indent && is_item(line.text) => self.seq(indent, path),
            _ => Some(Value::Null),
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }
}

/// `key: rest` with a plain key that reads as text.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let colon = text
        .bytes()
        .enumerate()
        .position(|(i, b)| b == b':' && matches!(text.as_bytes().get(i + 1), None | Some(b' ')))?;
    let key = &text[..colon];
    let plain_key = key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
        && key.as_bytes().first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
    (plain_key && keyword(key).is_none()).then(|| (key, &text[colon + 1..]))
}

/// A scalar or flow sequence that fills the rest of a line.
fn inline_value(text: &str) -> Option<Value> {
    match text.as_bytes()[0] {
        b'[' => {
            let (items, used) = flow_seq(text)?;
            only_comment_after(&text[used..]).then_some(Value::Seq(items))
        }
        b'"' | b'\'' => {
            let (s, used) = quoted(text)?;
            only_comment_after(&text[used..]).then_some(Value::String(s))
        }
        _ => {
            let end = text.find(" #").unwrap_or(text.len());
            let plain = text[..end].trim_end_matches(' ');
            if plain.contains(": ") || plain.ends_with(':') || !plain_start(plain) {
                return None;
            }
            resolve_plain(plain)
        }
    }
}

/// Whether a plain scalar may start this way; indicators that begin other
/// syntax are left to serde_yaml.
fn plain_start(s: &str) -> bool {
    let b = s.as_bytes();
    match b.first() {
        None => false,
        Some(b'-') => b.get(1).is_some_and(|c| c.is_ascii_digit()),
        Some(c) => !b"?:,[]{}#&*!|>'\"%@`".contains(c),
    }
}

fn only_comment_after(tail: &str) -> bool {
    tail.is_empty()
        || (tail.starts_with(' ') && matches!(tail.trim_start_matches(' ').as_bytes().first(), None | Some(b'#')))
}

/// A one-line quoted scalar at the start of `text` (no escapes): its value and
/// the bytes it used.
fn quoted(text: &str) -> Option<(String, usize)> {
    let quote = text.as_bytes()[0];
    let body = &text[1..];
    if quote == b'"' {
        let close = body.find(['"', '\\'])?;
        return (body.as_bytes()[close] == b'"').then(|| (body[..close].to_string(), close + 2));
    }
    let mut out = String::new();
    let mut rest = body;
    loop {
        let close = rest.find('\'')?;
        out.push_str(&rest[..close]);
        if rest[close + 1..].starts_with('\'') {
            out.push('\'');
            rest = &rest[close + 2..];
        } else {
            return Some((out, text.len() - rest.len() + close + 1));
        }
    }
}

/// A one-line flow sequence of scalars: its items and the bytes it used.
fn flow_seq(text: &str) -> Option<(Vec<Value>, usize)> {
    let mut items = Vec::new();
    let spaces_at = |at: usize| text[at..].len() - text[at..].trim_start_matches(' ').len();
    let mut at = 1;
    loop {
        at += spaces_at(at);
        let rest = &text[at..];
        if items.is_empty() && rest.starts_with(']') {
            return Some((items, at + 1));
        }
        let (item, used) = match rest.as_bytes().first()? {
            b'"' | b'\'' => {
                let (s, used) = quoted(rest)?;
                (Value::String(s), used)
            }
            _ => {
                let used = rest.find([',', ']'])?;
                let plain = rest[..used].trim_end_matches(' ');
                if plain.contains([':', '#', '[', '{', '}', '"', '\'']) || !plain_start(plain) {
                    return None;
                }
                (resolve_plain(plain)?, used)
            }
        };
        items.push(item);
        at += used;
        at += spaces_at(at);
        match text.as_bytes().get(at)? {
            b',' => at += 1,
            b']' => return Some((items, at + 1)),
            _ => return None,
        }
    }
}

/// The spellings serde_yaml reads as null or a boolean.
fn keyword(s: &str) -> Option<Value> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => Some(Value::Null),
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// What serde_yaml makes of a plain scalar: null, a boolean, an integer or
/// text. `None` for anything that might be another kind of number (hex,
/// octal, floats, `.inf`, integers too long for u64), which serde_yaml reads.
fn resolve_plain(s: &str) -> Option<Value> {
    if let Some(value) = keyword(s) {
        return Some(value);
    }
    let b = s.as_bytes();
    if !(b[0].is_ascii_digit() || matches!(b[0], b'+' | b'-' | b'.')) {
        return Some(Value::String(s.to_string()));
    }
    let plain_integer = b.iter().all(u8::is_ascii_digit) && (b.len() == 1 || b[0] != b'0') && b.len() <= 19;
    if plain_integer {
        return Some(Value::Number(s.to_string()));
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    let maybe_number = unsigned.starts_with('.')
        || unsigned.starts_with("0x")
        || unsigned.starts_with("0o")
        || unsigned.starts_with("0b")
        || unsigned.parse::<f64>().is_ok();
    (!maybe_number).then(|| Value::String(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_carriage_return_in_a_comment_is_left_to_serde_yaml() {
        // YAML breaks the line at the CR, so `1:00` becomes a key without `: `.
        assert_eq!(parse("id: INC-7\n#a: 2026-\r\r1:00\n"), None);
        assert!(parse("id: INC-7\r\n# ok\r\n").is_some());
    }

    /// The simple reader must agree with serde_yaml wherever it answers.
    fn agrees(text: &str) -> bool {
        let fast = parse(text);
        let slow = super::super::parse_with_serde(text).ok();
        if let Some(fast) = &fast {
            assert_eq!(Some(fast), slow.as_ref(), "simple reader disagrees on {text:?}");
        }
        fast.is_some()
    }

    #[test]
    fn reads_ordinary_front_matter() {
        let text = "title: Checkout 5xx after deploy # c\nid: INC-1\nseverity: 1\nstatus: published\n\
                    started_at: 2025-03-25 14:15\nservices: [checkout, \"api\", 'it''s']\nempty:\n\
                    tags: []\nroot_cause:\n  category: code\n  commits:\n    - abc1234\n    - x@def5678 # c\n\
                    runbooks:\n- db/slow\n- id: db/down\n  note: \"a: b\"\n- ~\nwhen: 2025-03-25T14:15:00+01:00\n";
        assert!(agrees(text));
        let v = parse(text).unwrap();
        assert_eq!(v.get("severity"), Some(&Value::Number("1".into())));
        assert_eq!(v.get("empty"), Some(&Value::Null));
        assert_eq!(v.get("title").and_then(Value::as_text).as_deref(), Some("Checkout 5xx after deploy"));
    }

    #[test]
    fn reads_text_beyond_ascii() {
        assert!(agrees("title: Zahlungen über Kafka\nowner: 日本\nservices: [café, 'naïve']\n"));
        assert!(!agrees("title: a\u{85}b\n"), "NEL is a line break in YAML 1.1");
        assert!(!agrees("title: a\u{2028}b\n"));
    }

    #[test]
    fn leaves_everything_else_to_serde_yaml() {
        for text in [
            "a: 1\na: 2\n",
            "a: &x 1\nb: *x\n",
            "a: |\n  block\n",
            "a: plain\n  continued\n",
            "a: \"esc\\n\"\n",
            "a: {b: c}\n",
            "a: 0x1F\n",
            "a: 1.5\n",
            "a: 0123\n",
            "a: .inf\n",
            "a: b: c\n",
            "a:\tb\n",
            "- a\n- b\n",
            "a: [b, [c]]\n",
            "a: [b, ]\n",
            "a: 'unterminated\n",
            "1: x\n",
            "true: x\n",
            "a: x\n---\nb: y\n",
            "a: @team\n",
            "a:\n    b: 1\n  c: 2\n",
            "a: 99999999999999999999\n",
        ] {
            assert!(!agrees(text), "{text:?} should go to serde_yaml");
        }
    }

    #[test]
    fn agrees_with_serde_yaml_on_awkward_but_simple_input() {
        for text in [
            "a: x # comment\nb: 'q' # c\nc: \"d\"   \n",
            "a: C#\nb: x#y\nc: it's\nd: -5\ne: 2025-03-25\nf: 12:30\n",
            "a:\n- x\n- y\nb: z\n",
            "a:\n  - x: 1\n    y: [p, q]\n  - z\n",
            "- x\n",
            "  a: 1\n  b: 2\n",
            "a: yes\nb: no\nc: on\nd: NULL\ne: ~\nf: False\n",
            "a: [ ]\nb: [x,y]\nc: [ 'a b' , \"c\" ]\n",
            "a: x\r\nb: y\r\n",
            "a:\n  b:\n    c:\n      d: deep\n",
            "a: +1\nb: -0\nc: 0\nd: 18446744073709551615\ne: 18446744073709551616\n",
        ] {
            agrees(text);
        }
    }
}

#[cfg(test)]
mod corpus_tests {
    use super::*;

    /// Every front matter in the example site and the fixtures: the simple
    /// reader agrees with serde_yaml, and reads the ordinary ones itself.
    #[test]
    fn agrees_on_every_fixture() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut read, mut total) = (0, 0);
        for dir in ["content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
                let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
                let Ok(split) = crate::document::split(&text) else { continue };
                let yaml = &text[split.yaml_start..split.yaml_end];
                total += 1;
                if let Some(fast) = parse(yaml) {
                    read += 1;
                    assert_eq!(Ok(fast), super::super::parse_with_serde(yaml), "{}", entry.path().display());
                }
            }
        }
        assert!(total > 100, "found {total} front matters");
        assert!(read * 10 >= total * 8, "the simple reader read only {read} of {total}");
    }
}
