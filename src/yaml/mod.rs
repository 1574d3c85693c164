//! YAML, for front matter and `debrief.yml`. serde_yaml is used in this module
//! alone, so it can be swapped for a maintained fork.
//!
//! serde_yaml gives values but no positions, and diagnostics must point at the
//! key they are about. So a small line scanner records where each key and each
//! sequence item starts, by path (`root_cause.commits.0`). It understands block
//! mappings, block sequences, one-line flow collections and block scalars,
//! which is what front matter is written in; anything it cannot place falls back
//! to its parent's position.

pub mod simple;

use serde::de::DeserializeOwned;

use crate::text::{fnv_continue, fnv_hash, Prehashed, FNV_START};

/// A YAML value, with numbers kept as written so `severity: 1` reads as `"1"`.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Seq(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    /// The value as one line of text, if it is a scalar.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) | Value::String(n) => Some(n.clone()),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A noun for messages: "a list", "a mapping", "text".
    pub fn shape(&self) -> &'static str {
        match self {
            Value::Null => "empty",
            Value::Bool(_) => "true/false",
            Value::Number(_) => "a number",
            Value::String(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            Value::Seq(items) => items.is_empty(),
            Value::Map(entries) => entries.is_empty(),
            _ => false,
        }
    }
}

/// A position in the YAML text: 1-based line and column (characters), and the
/// width of the thing found there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub width: usize,
}

/// Where each key (and its value) starts, by dotted path; sequence items use
/// their index as the path segment. The text is scanned on the first lookup
/// (every document makes one: its id's span is kept).
#[derive(Debug, Clone)]
pub struct Positions<'t> {
    text: &'t str,
    keys: std::cell::OnceCell<KeyPositions>,
}

/// Positions by the FNV-1a hash of the dotted path: the scan never builds a
/// path string. A collision could only misplace a diagnostic's caret.
type KeyPositions = std::collections::HashMap<u64, (Pos, Option<Pos>), std::hash::BuildHasherDefault<Prehashed>>;

/// A dotted path as the scan builds it, segment by segment: the FNV-1a hash
/// of its text (`runbooks.0`), and whether that text is empty (a segment under
/// the empty path takes no dot).
#[derive(Debug, Clone, Copy)]
struct PathKey {
    hash: u64,
    empty: bool,
}

impl PathKey {
    const ROOT: PathKey = PathKey { hash: FNV_START, empty: true };

    fn of(path: &str) -> u64 {
        fnv_hash(path.as_bytes())
    }

    /// `parent.N`, for the sequence item at index `n`, without formatting `n` into a String.
    fn child_index(self, n: usize) -> PathKey {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = n;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.child_bytes(&digits[at..])
    }

    /// `parent.segment`, or `segment` under the empty path.
    fn child(self, segment: &str) -> PathKey {
        self.child_bytes(segment.as_bytes())
    }

    fn child_bytes(self, segment: &[u8]) -> PathKey {
        let hash = if self.empty { self.hash } else { fnv_continue(self.hash, b".") };
        PathKey { hash: fnv_continue(hash, segment), empty: self.empty && segment.is_empty() }
    }
}

impl<'t> Positions<'t> {
    pub fn new(text: &'t str) -> Positions<'t> {
        Positions { text, keys: std::cell::OnceCell::new() }
    }

    /// Positions the simple reader found while reading `text`.
    fn placed(text: &'t str, keys: KeyPositions) -> Positions<'t> {
        Positions { text, keys: std::cell::OnceCell::from(keys) }
    }

    fn keys(&self) -> &KeyPositions {
        self.keys.get_or_init(|| scan(self.text))
    }

    /// The position of the key at `path`, or of its nearest recorded parent.
    pub fn key(&self, path: &str) -> Option<Pos> {
        self.lookup(path).map(|(k, _)| k)
    }

    /// The position of the value at `path` (falling back to its key).
    pub fn value(&self, path: &str) -> Option<Pos> {
        self.lookup(path).map(|(k, v)| v.unwrap_or(k))
    }

    /// The key at exactly `path`, if the text has it.
    pub fn key_exact(&self, path: &str) -> Option<Pos> {
        self.keys().get(&PathKey::of(path)).map(|(k, _)| *k)
    }

    /// The value at exactly `path` (or its key, for an empty value), if the text has it.
    pub fn value_exact(&self, path: &str) -> Option<Pos> {
        self.keys().get(&PathKey::of(path)).map(|(k, v)| v.unwrap_or(*k))
    }

    fn lookup(&self, path: &str) -> Option<(Pos, Option<Pos>)> {
        let mut p = path;
        loop {
            if let Some(&found) = self.keys().get(&PathKey::of(p)) {
                return Some(found);
            }
            p = &p[..p.rfind('.')?];
        }
    }
}

/// A YAML syntax error, positioned in the YAML text (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A parsed YAML document and the positions of its keys.
#[derive(Debug, Clone)]
pub struct Parsed<'t> {
    pub root: Value,
    pub positions: Positions<'t>,
    /// Numbers are exactly as written (the simple reader keeps them so);
    /// otherwise serde_yaml has normalised them (`007` → `7`).
    pub numbers_as_written: bool,
}

pub fn parse(text: &str) -> Result<Parsed<'_>, YamlError> {
    Ok(match simple::parse_placed(text) {
        Some((root, keys)) => Parsed { root, positions: Positions::placed(text, keys), numbers_as_written: true },
        None => Parsed { root: parse_with_serde(text)?, positions: Positions::new(text), numbers_as_written: false },
    })
}

/// For the tests and the `front_matter` fuzz target: where the simple reader
/// reads `text`, whether the positions it recorded are the line scan's.
#[doc(hidden)]
pub fn placed_positions_agree(text: &str) -> Option<bool> {
    simple::parse_placed(text).map(|(_, keys)| keys == scan(text))
}

/// The value serde_yaml reads; `simple` must agree with it wherever it answers.
pub fn parse_with_serde(text: &str) -> Result<Value, YamlError> {
    let raw: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| to_error(e, text))?;
    Ok(convert(raw))
}

/// Deserialises straight into a typed struct (used for `debrief.yml`).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| to_error(e, text))
}

/// Serialises a value (used to show and test the config defaults).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

fn to_error(e: serde_yaml::Error, text: &str) -> YamlError {
    let (mut line, mut column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let full = e.to_string();
    let message = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full,
    };
    let lines: Vec<&str> = text.lines().collect();
    if let Some(key) = message.strip_prefix("duplicate entry with key \"").and_then(|m| m.strip_suffix('"')) {
        // libyaml points at the mapping; the author needs the second key.
        let prefix = format!("{key}:");
        if let Some(i) =
            lines.iter().enumerate().filter(|(_, l)| l.trim_start().starts_with(&prefix)).map(|(i, _)| i).nth(1)
        {
            line = i + 1;
            column = lines[i].len() - lines[i].trim_start().len() + 1;
        }
    } else if line > lines.len() {
        // An error found at the end of input belongs to the last line written.
        if let Some(i) = lines.iter().rposition(|l| !l.trim().is_empty()) {
            line = i + 1;
            column = lines[i].chars().count() + 1;
        }
    }
    YamlError { line, column, message }
}

fn convert(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => Value::Number(n.to_string()),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Seq(items.into_iter().map(convert).collect()),
        Y::Mapping(m) => Value::Map(
            m.into_iter().map(|(k, v)| (convert(k).as_text().unwrap_or_else(|| "?".into()), convert(v))).collect(),
        ),
        Y::Tagged(t) => convert(t.value),
    }
}

struct Frame {
    indent: usize,
    path: PathKey,
    is_item: bool,
    /// How many sequence items this node holds so far.
    items: usize,
}

struct Scanner {
    frames: Vec<Frame>,
    /// Sequence items at the top level.
    root_items: usize,
    out: KeyPositions,
    block_scalar: Option<usize>,
}

fn scan(text: &str) -> KeyPositions {
    let mut s = Scanner {
        frames: Vec::new(),
        root_items: 0,
        out: KeyPositions::with_capacity_and_hasher(text.len() / 16, Default::default()),
        block_scalar: None,
    };
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r');
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if let Some(block_indent) = s.block_scalar {
            if content.is_empty() || indent > block_indent {
                continue;
            }
            s.block_scalar = None;
        }
        if content.is_empty() || content.starts_with('#') || content == "---" || content == "..." {
            continue;
        }
        s.node(line, indent, i + 1);
    }
    s.out
}

fn pos(line_text: &str, line: usize, start: usize, width_text: &str) -> Pos {
    Pos { line, column: line_text[..start].chars().count() + 1, width: width_text.chars().count().max(1) }
}

impl Scanner {
    fn parent_path(&self) -> PathKey {
        self.frames.last().map_or(PathKey::ROOT, |f| f.path)
    }

    /// The path of the next sequence item of the innermost open node.
    fn next_item(&mut self) -> PathKey {
        let (owner, n) = match self.frames.last_mut() {
            Some(f) => (f.path, &mut f.items),
            None => (PathKey::ROOT, &mut self.root_items),
        };
        let path = owner.child_index(*n);
        *n += 1;
        path
    }

    /// Scans the node that starts at byte `col` of `line`.
    fn node(&mut self, line: &str, col: usize, line_no: usize) {
        let rest = &line[col..];
        if rest == "-" || rest.starts_with("- ") {
            self.frames.retain(|f| f.indent < col || (f.indent == col && !f.is_item));
            let path = self.next_item();
            let after = &rest[1..];
            let start = col + 1 + (after.len() - after.trim_start().len());
            let value = strip_comment(&line[start..]);
            self.out.insert(path.hash, (pos(line, line_no, start, value), None));
            self.frames.push(Frame { indent: col, path, is_item: true, items: 0 });
            if value.starts_with('[') || value.starts_with('{') {
                scan_flow(line, start, path, line_no, &mut self.out);
            } else if start < line.len() && !value.is_empty() {
                self.node(line, start, line_no);
            }
        } else if let Some((key, value_at)) = split_key(rest) {
            self.frames.retain(|f| f.indent < col);
            let path = self.parent_path().child(key);
            let after = &line[col + value_at..];
            let vstart = col + value_at + (after.len() - after.trim_start().len());
            let value = strip_comment(&line[vstart..]);
            let key_pos = pos(line, line_no, col, key);
            let value_pos = (!value.is_empty()).then(|| pos(line, line_no, vstart, value));
            self.out.insert(path.hash, (key_pos, value_pos));
            self.frames.push(Frame { indent: col, path, is_item: false, items: 0 });
            if value.starts_with('[') || value.starts_with('{') {
                scan_flow(line, vstart, path, line_no, &mut self.out);
            } else if value.starts_with('|') || value.starts_with('>') {
                self.block_scalar = Some(col);
            }
        }
    }
}

/// A plain or quoted mapping key at the start of `s`: the key and the byte
/// offset just past its colon.
fn split_key(s: &str) -> Option<(&str, usize)> {
    let (key, after) = if let Some(q @ ('"' | '\'')) = s.chars().next() {
        let close = s[1..].find(q)? + 1;
        (&s[1..close], close + 1)
    } else {
        if s.starts_with(['[', '{', '#', '&', '*', '!', '|', '>', '%', '@', '`']) {
            return None;
        }
        let colon = s.match_indices(':').map(|(i, _)| i).find(|&i| {
            let next = s[i + 1..].chars().next();
            next.is_none() || next == Some(' ') || next == Some('\t')
        })?;
        (s[..colon].trim_end(), colon)
    };
    let rest = &s[after..];
    let trimmed = rest.trim_start();
    if !trimmed.starts_with(':') {
        return None;
    }
    Some((key, after + (rest.len() - trimmed.len()) + 1))
}

fn strip_comment(s: &str) -> &str {
    // Bytes, not chars: every byte looked for is ASCII, which never occurs
    // inside a multi-byte character.
    let mut in_quote = None;
    let mut prev_space = true;
    for (i, b) in s.bytes().enumerate() {
        match (in_quote, b) {
            (None, b'"' | b'\'') => in_quote = Some(b),
            (Some(q), b) if b == q => in_quote = None,
            (None, b'#') if prev_space => return s[..i].trim_end(),
            _ => {}
        }
        prev_space = b == b' ' || b == b'\t';
    }
    s.trim_end()
}

/// Records the items of a one-line flow collection (`[a, b]`, `{k: v}`) that starts at byte `start`.
fn scan_flow(line: &str, start: usize, path: PathKey, line_no: usize, out: &mut KeyPositions) {
    let bytes = line.as_bytes();
    let is_map = bytes[start] == b'{';
    let mut depth = 0usize;
    let mut in_quote: Option<u8> = None;
    let mut item_start = start + 1;
    let mut index = 0usize;
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        match in_quote {
            Some(q) if b == q => in_quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => in_quote = Some(b),
                b'[' | b'{' => depth += 1,
                b']' | b'}' | b',' if depth == 1 => {
                    flow_item(line, item_start, i, path, is_map, index, line_no, out);
                    index += 1;
                    item_start = i + 1;
                    if b != b',' {
                        return;
                    }
                }
                b']' | b'}' => depth -= 1,
                _ => {}
            },
        }
        i += 1;
    }
}

#[allow(clippy::too_many_arguments)]
fn flow_item(
    line: &str,
    from: usize,
    to: usize,
    path: PathKey,
    is_map: bool,
    index: usize,
    line_no: usize,
    out: &mut KeyPositions,
) {
    let raw = &line[from..to];
    let lead = raw.len() - raw.trim_start().len();
    let text = raw.trim();
    if text.is_empty() {
        return;
    }
    let start = from + lead;
    if !is_map {
        let item = path.child_index(index);
        out.insert(item.hash, (pos(line, line_no, start, text), None));
        if text.starts_with('[') || text.starts_with('{') {
            scan_flow(line, start, item, line_no, out);
        }
        return;
    }
    let Some((key, value_at)) = split_key(text) else {
        return;
    };
    let item = path.child(key);
    let value = text[value_at..].trim_start();
    let vstart = start + value_at + (text[value_at..].len() - value.len());
    let value_pos = (!value.is_empty()).then(|| pos(line, line_no, vstart, value));
    out.insert(item.hash, (pos(line, line_no, start, key), value_pos));
    if value.starts_with('[') || value.starts_with('{') {
        scan_flow(line, vstart, item, line_no, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simple_reader_places_keys_where_the_scan_does() {
        let cases = [
            "title: x\nid: INC-1 # a comment\nservices: [api, \"db\" , web]\n",
            "a:\n  b: 1\n  c:\n    - x\n    - [y, z]\n    - k: v\n      l: w # note\n  d: 'it''s'\n",
            "a:\n- b: 1\n  c: 2\n- 3\nd: 3\n",
            "runbooks:\n  - payments/high-error-rate\n\n  # later\n  - \"db/replica lag\"\nrelated: []\n",
            "title: Ünïcödé — dash\nsummary: \"a # not a comment\"\nnull_key:\nempty: ''\n",
            "root_cause:\n  category: deploy\n  commits: [abc1234, def5678]\nx: 1\r\ny: 2\r\n",
            "  indented: map\n  second: line\n",
        ];
        for text in cases {
            assert_eq!(placed_positions_agree(text), Some(true), "{text:?}");
        }
        // Every front matter of the example site and the fixtures.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = 0;
        for dir in [root.join("content"), root.join("tests/fixtures")] {
            for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
                let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
                let Ok(split) = crate::document::split(&text) else { continue };
                let yaml = &text[split.yaml_start..split.yaml_end];
                if let Some(agree) = placed_positions_agree(yaml) {
                    assert!(agree, "{}", entry.path().display());
                    read += 1;
                }
            }
        }
        assert!(read > 50, "only {read} front matters read");
    }

    #[test]
    fn path_keys_hash_the_dotted_path() {
        let root = PathKey::ROOT;
        assert_eq!(root.child("a").child("b").child("0").hash, PathKey::of("a.b.0"));
        assert_eq!(root.child("").child("x").hash, PathKey::of("x"));
        assert_eq!(root.child("a").child("").child("x").hash, PathKey::of("a..x"));
        assert_ne!(root.child("a.b").hash, root.child("a").hash);
        for n in [0, 7, 10, 99, 12345, usize::MAX] {
            assert_eq!(root.child("a").child_index(n).hash, root.child("a").child(&n.to_string()).hash);
        }
    }

    fn lc(p: Option<Pos>) -> (usize, usize) {
        let p = p.expect("position");
        (p.line, p.column)
    }

    #[test]
    fn finds_block_keys_and_items() {
        let text = "title: x\nroot_cause:\n  category: code\n  commits:\n    - abc1234\n    - payments@def5678 # c\nrunbooks:\n- db/slow\n- db/down\n";
        let p = parse(text).unwrap();
        assert_eq!(lc(p.positions.key("title")), (1, 1));
        assert_eq!(lc(p.positions.key("root_cause.category")), (3, 3));
        assert_eq!(lc(p.positions.value("root_cause.category")), (3, 13));
        assert_eq!(lc(p.positions.key("root_cause.commits.1")), (6, 7));
        assert_eq!(p.positions.key("root_cause.commits.1").unwrap().width, 16);
        assert_eq!(lc(p.positions.key("runbooks.1")), (9, 3));
        assert_eq!(lc(p.positions.key("runbooks.7")), (7, 1), "falls back to the parent");
    }

    #[test]
    fn finds_flow_items_and_nested_maps() {
        let text = "services: [api, \"web, ui\", db]\nseverities:\n  - { id: SEV-1, aliases: [P0, sev1] }\n  - id: SEV-2\n    update_everyy: 30m\n";
        let p = parse(text).unwrap();
        assert_eq!(lc(p.positions.key("services.1")), (1, 17));
        assert_eq!(lc(p.positions.key("services.2")), (1, 28));
        assert_eq!(lc(p.positions.key("severities.0.aliases")), (3, 18));
        assert_eq!(lc(p.positions.key("severities.0.aliases.1")), (3, 32));
        assert_eq!(lc(p.positions.key("severities.1.id")), (4, 5));
        assert_eq!(lc(p.positions.key("severities.1.update_everyy")), (5, 5));
    }

    #[test]
    fn skips_block_scalars_and_handles_crlf() {
        let text = "summary: |\r\n  not: a key\r\n  - nor an item\r\nowner: \"@db\"\r\n";
        let p = parse(text).unwrap();
        assert_eq!(lc(p.positions.key("owner")), (4, 1));
        assert!(p.positions.key("summary.not").map(|k| k.line) != Some(2));
        assert_eq!(p.root.get("owner").and_then(Value::as_text).as_deref(), Some("@db"));
    }

    #[test]
    fn numbers_read_as_text() {
        let p = parse("severity: 1\nratio: 0.5\n").unwrap();
        assert_eq!(p.root.get("severity").and_then(Value::as_text).as_deref(), Some("1"));
    }

    #[test]
    fn errors_carry_a_position() {
        let e = parse("title: x\nowner: @payments\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(!e.message.contains(" at line "));
        let e = parse("a: 1\nb: 3\na: 2\n").unwrap_err();
        assert!(e.message.contains("duplicate"), "{}", e.message);
        assert_eq!((e.line, e.column), (3, 1));
        let e = parse("title: x\nservices: [a, b\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 16));
    }

    #[test]
    fn keys_with_colons_in_values() {
        assert_eq!(split_key("commit_url: https://x/{sha}"), Some(("commit_url", 11)));
        assert_eq!(split_key("14:15 event"), None);
        assert_eq!(split_key("\"a b\": c"), Some(("a b", 6)));
    }
}
