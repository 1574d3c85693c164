//! What every kind of document shares: the front-matter split, typed access
//! to front-matter keys that reports problems at the key's line, and the
//! common metadata (id, title, URL slug).

use crate::diagnostic::{Code, Diagnostic};
use crate::markdown::Body;
use crate::source::{Locator, SourceFile};
use crate::text::{edit_distance, quote};
use crate::url;
use crate::yaml::{self, Pos, Value};

/// A position in a file, kept so later passes (cross-document rules) can
/// report without the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub width: usize,
    pub snippet: String,
}

impl Span {
    pub fn diagnostic(&self, code: Code, message: String, help: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            width: self.width,
            code,
            level: code.level(),
            message,
            help: help.into(),
            snippet: self.snippet.clone(),
        }
    }
}

/// A string value from front matter and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned {
    pub value: String,
    pub span: Span,
}

/// The metadata all documents have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub rel_path: String,
    /// The id: front matter `id`, or the path under the kind's folder.
    pub id: String,
    /// The id as it appears in URLs (`inc-2025-042`, `payments/high-error-rate`).
    pub slug: String,
    pub title: String,
    /// Where the id comes from (the `id:` key, or the top of the file).
    pub id_span: Span,
    /// A one-paragraph description for lists and feeds (the Summary section's first paragraph, say).
    pub summary: String,
    /// The body as HTML; empty unless the site is being built. A build of a
    /// large site (`render::Bodies::Later`) keeps only its `text` here and
    /// renders the HTML from `body_source` when the page is written.
    pub html: crate::render::Rendered,
    pub body_source: Option<crate::render::BodySource>,
}

/// Front matter split from the body: byte ranges into the file text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Offset of the first YAML line.
    pub yaml_start: usize,
    /// Offset just past the YAML (the start of the closing `---` line).
    pub yaml_end: usize,
    /// Offset where the markdown body starts.
    pub body_start: usize,
}

/// Splits `---`-fenced front matter from the body.
pub fn split(text: &str) -> Result<Split, Code> {
    let mut lines = line_spans(text);
    let Some((first_start, first_end)) = lines.next() else {
        return Err(Code::FrontMatterMissing);
    };
    if text[first_start..first_end].trim_end() != "---" {
        return Err(Code::FrontMatterMissing);
    }
    let yaml_start = first_end;
    for (start, end) in lines {
        let line = text[start..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split { yaml_start, yaml_end: start, body_start: end });
        }
    }
    Err(Code::FrontMatterUnclosed)
}

/// (start, end-including-newline) of each line.
fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i + 1);
        let span = (start, end);
        start = end;
        Some(span)
    })
}

/// Reading one document: the located text, its front matter, and the
/// diagnostics found so far.
pub struct Ctx<'a> {
    pub loc: Locator<'a>,
    pub root: Value,
    positions: yaml::Positions<'a>,
    numbers_as_written: bool,
    /// File line of the first YAML line.
    first_line: usize,
    /// File line of the closing `---`, where "missing" problems point.
    end_line: usize,
    pub body: Body,
    /// The body's plain text, when asked for (`open_with`'s `bodies`).
    pub body_text: Option<crate::search::DocText>,
    /// The body's markdown events, kept to make its HTML (`Bodies::Html`).
    pub body_events: Option<Vec<(pulldown_cmark::Event<'a>, std::ops::Range<usize>)>>,
    /// Offset where the markdown body starts.
    pub body_start: usize,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    /// Splits and parses the front matter and the body. Returns the
    /// diagnostics alone when the front matter cannot be read.
    pub fn open(file: &'a SourceFile) -> Result<Ctx<'a>, Vec<Diagnostic>> {
        Ctx::open_with(file, false, crate::render::Bodies::Skip)
    }

    /// `open`, where a file with no front matter at all is read as one with
    /// empty front matter (`runbooks.front_matter: optional`).
    pub fn open_with(
        file: &'a SourceFile,
        front_matter_optional: bool,
        bodies: crate::render::Bodies,
    ) -> Result<Ctx<'a>, Vec<Diagnostic>> {
        let loc = Locator::new(&file.rel_path, &file.text);
        let split = match split(&file.text) {
            Err(Code::FrontMatterMissing) if front_matter_optional => {
                Split { yaml_start: 0, yaml_end: 0, body_start: 0 }
            }
            other => other.map_err(|code| vec![split_problem(&loc, code, file)])?,
        };
        let first_line = loc.index.line_col(loc.text, split.yaml_start).0;
        let end_line = loc.index.line_col(loc.text, split.yaml_end).0;
        let yaml_text = &file.text[split.yaml_start..split.yaml_end];
        let parsed = match yaml::parse(yaml_text) {
            Ok(p) => p,
            Err(e) => return Err(vec![yaml_problem(&loc, first_line, &e, yaml_text)]),
        };
        if !matches!(parsed.root, Value::Map(_) | Value::Null) {
            return Err(vec![loc.at_line_col(
                first_line,
                1,
                1,
                Code::FrontMatterInvalid,
                format!("the front matter is {}, not a set of `key: value` lines", parsed.root.shape()),
                "write one `key: value` per line between the `---` lines",
            )]);
        }
        let markdown = &file.text[split.body_start..];
        let mut plain = (bodies != crate::render::Bodies::Skip).then(|| crate::render::PlainText::new(markdown.len()));
        let mut events = (bodies == crate::render::Bodies::Html).then(Vec::new);
        let body = Body::parse_with(markdown, split.body_start, plain.as_mut(), events.as_mut());
        Ok(Ctx {
            body_text: plain.map(crate::render::PlainText::finish),
            body_events: events,
            loc,
            root: parsed.root,
            positions: parsed.positions,
            numbers_as_written: parsed.numbers_as_written,
            first_line,
            end_line,
            body,
            body_start: split.body_start,
            diags: Vec::new(),
        })
    }

    fn file_pos(&self, p: Pos) -> (usize, usize, usize) {
        (self.first_line + p.line - 1, p.column, p.width)
    }

    /// Where the key at `path` is written (or the end of the front matter).
    pub fn key_span(&self, path: &str) -> Span {
        let (line, column, width) = match self.positions.key(path) {
            Some(p) => self.file_pos(p),
            None => (self.end_line, 1, 3),
        };
        self.span(line, column, width)
    }

    /// Where the value at `path` is written (falling back to its key).
    pub fn value_span(&self, path: &str) -> Span {
        match self.positions.value(path) {
            Some(p) => {
                let (line, column, width) = self.file_pos(p);
                self.span(line, column, width)
            }
            None => self.key_span(path),
        }
    }

    /// The span of the closing `---`, where missing keys and sections point.
    pub fn end_span(&self) -> Span {
        self.span(self.end_line, 1, 3)
    }

    pub fn span(&self, line: usize, column: usize, width: usize) -> Span {
        Span {
            file: self.loc.rel_path.to_string(),
            line,
            column,
            width,
            snippet: self.loc.index.line_text(self.loc.text, line).to_string(),
        }
    }

    /// A span at a byte offset of the file, `width` characters wide.
    pub fn offset_span(&self, offset: usize, width: usize) -> Span {
        let (line, column) = self.loc.index.line_col(self.loc.text, offset);
        self.span(line, column, width)
    }

    /// The text of the first paragraph in `section` (or in the whole body when `None`).
    pub fn first_paragraph(&self, section: Option<&crate::markdown::Section>) -> String {
        let blocks = match section {
            Some(sec) => &self.body.blocks[sec.blocks.clone()],
            None => &self.body.blocks[..],
        };
        blocks
            .iter()
            .find_map(|b| match &b.kind {
                crate::markdown::BlockKind::Paragraph { lines } if !lines.is_empty() => {
                    Some(lines.iter().map(|l| l.text.trim()).collect::<Vec<_>>().join(" "))
                }
                _ => None,
            })
            .unwrap_or_default()
    }

    /// File offsets of a section's content: after its heading, up to the next
    /// heading of the same or a higher level.
    pub fn section_content(&self, section: &crate::markdown::Section) -> std::ops::Range<usize> {
        let start = self.body.blocks.get(section.blocks.start).map_or(self.loc.text.len(), |b| b.offset);
        let end = self.body.blocks.get(section.blocks.end).map_or(self.loc.text.len(), |b| b.offset);
        start.min(end)..end
    }

    /// The span of a section's heading line (`## Title`).
    pub fn heading_span(&self, sec: &crate::markdown::Section) -> Span {
        self.offset_span(sec.offset, sec.title.chars().count() + sec.level as usize + 1)
    }

    /// Reports each of `required` that is missing (or at the wrong heading
    /// level) or holds only placeholders. `noun` names the document kind;
    /// `fill` says how to fill an empty section, given its display name.
    pub fn required_sections(
        &mut self,
        sections: &[crate::markdown::Section],
        names: &crate::section::SectionNames,
        required: &[String],
        noun: &str,
        fill: impl Fn(&str) -> String,
    ) {
        for name in required {
            let found = names.find(sections, name);
            if found.is_some_and(|sec| !crate::section::is_empty(&self.body, sec)) {
                continue;
            }
            let display = names.display(name);
            match found {
                Some(sec) => {
                    let span = self.heading_span(sec);
                    let message = format!("the {display} section is empty or holds only a placeholder");
                    self.report(span, Code::SectionEmpty, message, fill(&display));
                }
                None => match names.find_misplaced(sections, name) {
                    Some(sec) => {
                        let span = self.offset_span(sec.offset, sec.level as usize);
                        self.report(
                            span,
                            Code::SectionMissing,
                            format!("the {display} section is a level-{} heading", sec.level),
                            format!("make it `## {}` or `### {}`", sec.title, sec.title),
                        );
                    }
                    None => {
                        let span = self.end_span();
                        self.report(
                            span,
                            Code::SectionMissing,
                            format!("this {noun} has no {display} section"),
                            format!("add a `## {display}` section"),
                        );
                    }
                },
            }
        }
    }

    pub fn report(&mut self, span: Span, code: Code, message: String, help: impl Into<String>) {
        self.diags.push(span.diagnostic(code, message, help));
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        let mut v = &self.root;
        for part in key.split('.') {
            v = v.get(part)?;
        }
        Some(v)
    }

    /// A one-line text value. A list or mapping is reported as the wrong shape.
    /// A scalar as the author wrote it. YAML reads `1384520e20` (a commit id)
    /// or `007` as numbers; the source text is what they meant.
    fn scalar(&self, value: &Value, path: &str) -> Option<String> {
        match value {
            Value::Number(_) if !self.numbers_as_written => self
                .positions
                .value(path)
                .and_then(|p| {
                    let line = self.loc.index.line_text(self.loc.text, self.first_line + p.line - 1);
                    let raw: String = line.chars().skip(p.column - 1).take(p.width).collect();
                    let raw = raw.trim().trim_end_matches([',', ']', '}']).trim();
                    (!raw.is_empty()).then(|| raw.to_string())
                })
                .or_else(|| value.as_text()),
            other => other.as_text(),
        }
    }

    pub fn text(&mut self, key: &str) -> Option<String> {
        let value = self.get(key)?;
        let (text, shape, empty) = (self.scalar(value, key), value.shape(), value.is_empty());
        match text {
            Some(s) => {
                let t = s.trim();
                match t.len() {
                    0 => None,
                    n if n == s.len() => Some(s),
                    _ => Some(t.to_string()),
                }
            }
            None if empty => None,
            None => {
                let span = self.value_span(key);
                self.report(
                    span,
                    Code::KeyWrongType,
                    format!("`{key}` is {shape}, but one line of text is expected"),
                    format!("write `{key}: <text>` on one line"),
                );
                None
            }
        }
    }

    pub fn spanned_text(&mut self, key: &str) -> Option<Spanned> {
        let value = self.text(key)?;
        Some(Spanned { value, span: self.value_span(key) })
    }

    /// A required one-line value; reports `key-missing` when absent or empty.
    pub fn required(&mut self, key: &str, what: &str, example: &str) -> Option<Spanned> {
        let found = self.spanned_text(key);
        if found.is_none() && !matches!(self.get(key), Some(Value::Seq(_) | Value::Map(_))) {
            let span = if self.get(key).is_some() { self.key_span(key) } else { self.end_span() };
            self.report(
                span,
                Code::KeyMissing,
                format!("this {what} has no `{key}`"),
                format!("add `{example}` to the front matter"),
            );
        }
        found
    }

    /// `v` as one of `allowed`, compared case-insensitively with spaces read as
    /// dashes (`User report` is `user-report`); otherwise reports `code`.
    pub fn one_of(
        &mut self,
        v: Spanned,
        key: &str,
        allowed: &'static [&'static str],
        code: Code,
    ) -> Option<&'static str> {
        let folded = crate::text::fold(&v.value).replace(' ', "-");
        let found = allowed.iter().find(|a| **a == folded).copied();
        if found.is_none() {
            self.report(
                v.span,
                code,
                format!("`{}` is not a value of `{key}`", quote(&v.value, 30)),
                format!("use one of: {}", allowed.join(", ")),
            );
        }
        found
    }

    /// `v` as a level of the severity scale; otherwise reports `severity-unknown`.
    pub fn severity<'s>(
        &mut self,
        v: Spanned,
        scale: &'s crate::severity::Scale,
    ) -> Option<&'s crate::severity::Level> {
        let level = scale.parse(&v.value);
        if level.is_none() {
            self.report(
                v.span,
                Code::SeverityUnknown,
                format!("`{}` is not a severity level", quote(&v.value, 30)),
                scale.hint(),
            );
        }
        level
    }

    /// A list of text values; one scalar is read as a list of one.
    pub fn list(&mut self, key: &str) -> Vec<Spanned> {
        // `list_of` passes the key itself as the path of a lone scalar, and `key.N` for an item.
        self.list_of(key, |ctx, value, path| {
            let span = if path == key { ctx.value_span(key) } else { ctx.key_span(path) };
            Spanned { value, span }
        })
    }

    /// `list` without positions, for lists no later rule points into
    /// (services, tags): a post-mortem then keeps no copy of their lines.
    pub fn texts(&mut self, key: &str) -> Vec<String> {
        self.list_of(key, |_, value, _| value)
    }

    fn list_of<T>(&mut self, key: &str, make: impl Fn(&Self, String, &str) -> T) -> Vec<T> {
        let Some(value) = self.get(key).cloned() else {
            return Vec::new();
        };
        match value {
            Value::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let path = format!("{key}.{i}");
                    match self.scalar(item, &path) {
                        Some(s) if !s.trim().is_empty() => out.push(make(self, s.trim().to_string(), &path)),
                        Some(_) => {}
                        None => {
                            let span = self.key_span(&path);
                            self.report(
                                span,
                                Code::KeyWrongType,
                                format!("an item of `{key}` is {}, but text is expected", item.shape()),
                                format!("write each item of `{key}` as plain text"),
                            );
                        }
                    }
                }
                out
            }
            other if other.is_empty() => Vec::new(),
            other => match self.scalar(&other, key) {
                Some(s) => vec![make(self, s.trim().to_string(), key)],
                None => {
                    let span = self.value_span(key);
                    self.report(
                        span,
                        Code::KeyWrongType,
                        format!("`{key}` is {}, but a list is expected", other.shape()),
                        format!("write `{key}: [a, b]`"),
                    );
                    Vec::new()
                }
            },
        }
    }

    /// Warns about unknown keys that look like typos of known ones; other
    /// unknown keys are kept for templates. Returns the unknown keys.
    pub fn unknown_keys(&mut self, prefix: &str, known: &[&str]) -> Vec<(String, Value)> {
        let map = if prefix.is_empty() { Some(&self.root) } else { self.get(prefix) };
        let Some(Value::Map(entries)) = map else {
            return Vec::new();
        };
        // Only the unknown entries are copied out.
        let extra: Vec<(String, Value)> =
            entries.iter().filter(|(k, _)| !known.contains(&k.as_str())).cloned().collect();
        for (key, _) in &extra {
            let near = known
                .iter()
                .map(|k| (edit_distance(key, k), *k))
                .filter(|&(d, k)| (1..=2).contains(&d) && k.len() > 2)
                .min_by_key(|&(d, _)| d);
            if let Some((_, near)) = near {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                let mut span = self.key_span(&path);
                span.width = key.chars().count();
                self.report(
                    span,
                    Code::KeyTypo,
                    format!("unknown key `{key}` looks like a typo of `{near}`"),
                    format!("rename it to `{near}`"),
                );
            }
        }
        extra
    }

    /// The common metadata: `title` (required), `id`, and the URL slug.
    pub fn meta(&mut self, file: &SourceFile) -> Meta {
        let title = self.required("title", file.kind.noun(), "title: <one line>").map(|s| s.value).unwrap_or_default();
        self.meta_titled(file, title)
    }

    /// `meta`, where a missing `title` is the first `# heading` (or the file
    /// name): for documents whose front matter is optional. Also gives the
    /// file offsets of that heading's line, when the title is taken from it:
    /// the page shows the title above the body, so the body leaves it out.
    pub fn meta_or_heading(&mut self, file: &SourceFile) -> (Meta, Option<std::ops::Range<usize>>) {
        if let Some(t) = self.spanned_text("title") {
            return (self.meta_titled(file, t.value), None);
        }
        match self.body.first_heading(1) {
            Some((title, at)) => {
                let end = file.text[at..].find('\n').map_or(file.text.len(), |n| at + n);
                (self.meta_titled(file, title), Some(at..end))
            }
            None => (self.meta_titled(file, file.path_id.rsplit('/').next().unwrap_or("").to_string()), None),
        }
    }

    /// Adds `defaults` for the top-level keys the front matter lacks.
    pub fn add_defaults(&mut self, defaults: &std::collections::BTreeMap<String, String>) {
        if defaults.is_empty() {
            return;
        }
        if matches!(self.root, Value::Null) {
            self.root = Value::Map(Vec::new());
        }
        if let Value::Map(entries) = &mut self.root {
            for (k, v) in defaults {
                if !entries.iter().any(|(key, _)| key == k) {
                    entries.push((k.clone(), Value::String(v.clone())));
                }
            }
        }
    }

    fn meta_titled(&mut self, file: &SourceFile, title: String) -> Meta {
        let (id, id_span) = match self.spanned_text("id") {
            Some(s) => (s.value, s.span),
            None => (file.path_id.clone(), self.span(1, 1, 3)),
        };
        let slug = match file.kind {
            crate::source::Kind::Incident => url::incident_slug(&id),
            _ => url::path_slug(&id),
        };
        if slug.is_empty() {
            self.report(
                id_span.clone(),
                Code::InvalidName,
                format!("the id `{}` gives an empty URL", quote(&id, 40)),
                "use letters, digits and dashes in the id",
            );
        }
        Meta {
            rel_path: file.rel_path.clone(),
            id,
            slug,
            title,
            id_span,
            summary: String::new(),
            html: Default::default(),
            body_source: None,
        }
    }
}

fn split_problem(loc: &Locator, code: Code, file: &SourceFile) -> Diagnostic {
    match code {
        Code::FrontMatterUnclosed => loc.at_line_col(
            1,
            1,
            3,
            code,
            "the front matter starts with `---` but never ends".into(),
            "add a line with only `---` after the last key",
        ),
        _ => {
            let toml = file.text.starts_with("+++");
            let help = if toml {
                "debrief reads YAML front matter between `---` lines, not TOML between `+++`".to_string()
            } else {
                format!("start the file with `---`, the {} keys (at least `title:`), then `---`", file.kind.noun())
            };
            loc.at_line_col(1, 1, 1, code, format!("this {} has no front matter", file.kind.noun()), help)
        }
    }
}

fn yaml_problem(loc: &Locator, first_line: usize, e: &yaml::YamlError, yaml_text: &str) -> Diagnostic {
    let line = first_line + e.line - 1;
    let line_text = yaml_text.lines().nth(e.line - 1).unwrap_or("");
    let bad = line_text.chars().nth(e.column - 1);
    let help = match bad {
        Some('@') | Some('`') => {
            "quote the value: a bare `@` or backtick cannot start a YAML value (`owner: \"@payments\"`)".to_string()
        }
        _ if e.message.contains("duplicate") => "remove one of the duplicate keys".to_string(),
        _ if e.message.contains("mapping values are not allowed") => {
            "quote values that contain `: ` (`title: \"Checkout: 500s\"`)".to_string()
        }
        _ => "fix the YAML syntax at this position".to_string(),
    };
    loc.at_line_col(
        line,
        e.column,
        1,
        Code::FrontMatterInvalid,
        format!("the front matter is not valid YAML: {}", e.message),
        help,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Kind;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            rel_path: "content/incidents/x.md".into(),
            kind: Kind::Incident,
            path_id: "x".into(),
            text: text.into(),
        }
    }

    #[test]
    fn splits_front_matter() {
        let text = "---\ntitle: x\n---\n# Body\n";
        let s = split(text).unwrap();
        assert_eq!(&text[s.yaml_start..s.yaml_end], "title: x\n");
        assert_eq!(&text[s.body_start..], "# Body\n");
        assert_eq!(split("---\r\ntitle: x\r\n---\r\nbody"), Ok(Split { yaml_start: 5, yaml_end: 15, body_start: 20 }));
        assert_eq!(split("# no front matter\n"), Err(Code::FrontMatterMissing));
        assert_eq!(split("---\ntitle: x\n"), Err(Code::FrontMatterUnclosed));
        assert_eq!(split("---\n---\n"), Ok(Split { yaml_start: 4, yaml_end: 4, body_start: 8 }));
    }

    #[test]
    fn key_problems_point_at_the_key_line() {
        let f = file("---\ntitle: x\nservices: {a: 1}\nseverty: SEV-1\n---\nbody\n");
        let mut ctx = Ctx::open(&f).unwrap();
        assert!(ctx.list("services").is_empty());
        ctx.unknown_keys("", &["title", "services", "severity"]);
        ctx.required("status", "post-mortem", "status: draft");
        let got: Vec<_> = ctx.diags.iter().map(|d| (d.line, d.column, d.code)).collect();
        assert_eq!(got, [(3, 11, Code::KeyWrongType), (4, 1, Code::KeyTypo), (5, 1, Code::KeyMissing)]);
    }

    #[test]
    fn yaml_errors_are_positioned_in_the_file() {
        let f = file("---\ntitle: x\nowner: @db\n---\n");
        let d = Ctx::open(&f).err().unwrap();
        assert_eq!((d[0].line, d[0].code), (3, Code::FrontMatterInvalid));
        assert!(d[0].help.contains("quote the value"));
    }

    #[test]
    fn numbers_keep_their_written_form() {
        let f =
            file("---\ntitle: x\nid: 007\nroot_cause:\n  commits: [1384520e20, 12345678]\nservices:\n  - 1e3\n---\n");
        let mut ctx = Ctx::open(&f).unwrap();
        assert_eq!(ctx.text("id").as_deref(), Some("007"));
        let commits: Vec<String> = ctx.list("root_cause.commits").into_iter().map(|s| s.value).collect();
        assert_eq!(commits, ["1384520e20", "12345678"]);
        let services: Vec<String> = ctx.texts("services");
        assert_eq!(services, ["1e3"]);
    }

    #[test]
    fn texts_are_the_values_of_list_and_report_the_same() {
        let text = "---\ntitle: x\ntags: [a, \" b \", [c], \"\"]\nservices: one\nextra:\n  - {k: v}\n  - two\n---\n";
        for key in ["tags", "services", "extra", "missing"] {
            let (f1, f2) = (file(text), file(text));
            let (mut a, mut b) = (Ctx::open(&f1).unwrap(), Ctx::open(&f2).unwrap());
            let values: Vec<String> = a.list(key).into_iter().map(|s| s.value).collect();
            assert_eq!(b.texts(key), values, "{key}");
            let found = |c: &Ctx| c.diags.iter().map(|d| (d.line, d.column, d.code)).collect::<Vec<_>>();
            assert_eq!(found(&a), found(&b), "{key}");
        }
        let f = file(text);
        let mut ctx = Ctx::open(&f).unwrap();
        assert_eq!(ctx.texts("tags"), ["a", "b"]);
        assert_eq!(ctx.texts("services"), ["one"]);
        assert_eq!(ctx.diags.len(), 1, "the nested list in tags");
    }

    #[test]
    fn scalar_front_matter_is_rejected() {
        let d = Ctx::open(&file("---\njust text\n---\n")).err().unwrap();
        assert_eq!(d[0].code, Code::FrontMatterInvalid);
    }
}
