//! The markdown body as the checkers need it: a flat list of blocks
//! (headings, paragraphs split into source lines, lists, tables, code) with
//! byte offsets into the original file, and the sections the headings make.
//! pulldown-cmark does the parsing; this module only keeps what is needed.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The markdown extensions debrief reads, for checking and for rendering alike.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// A run of text and the file offset where it starts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub text: String,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListItem {
    /// `Some(true)` for `[x]`, `Some(false)` for `[ ]`, `None` for a plain item.
    pub task: Option<bool>,
    /// The item's own text, soft breaks read as spaces.
    pub text: String,
    /// Where the item's text starts (after the bullet and checkbox).
    pub offset: usize,
    /// Items of lists nested inside this one, flattened.
    pub children: Vec<ListItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Line>,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Heading { level: u8, text: String },
    Paragraph { lines: Vec<Line> },
    List { items: Vec<ListItem> },
    Table { header: Vec<Line>, rows: Vec<Row> },
    Code { text: String },
    Html,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub offset: usize,
}

/// A heading and the blocks up to the next heading of the same or a higher level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// The title folded for comparison (`section::heading_key`).
    pub key: String,
    pub level: u8,
    pub offset: usize,
    /// Index of the heading block.
    pub heading: usize,
    /// Indices of the blocks after the heading that belong to it (sub-sections included).
    pub blocks: Range<usize>,
}

/// The parsed body of one document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Body {
    pub blocks: Vec<Block>,
    /// File byte ranges of every run of prose outside code, for phrase searches.
    pub prose: Vec<Range<usize>>,
}

impl Body {
    /// The text of the first heading of `level`, and the file offset of its line.
    pub fn first_heading(&self, level: u8) -> Option<(String, usize)> {
        self.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::Heading { level: l, text } if *l == level => Some((text.trim().to_string(), b.offset)),
            _ => None,
        })
    }

    /// Parses `markdown`, which starts at byte `base` of its file.
    pub fn parse(markdown: &str, base: usize) -> Body {
        Body::parse_with(markdown, base, None, None)
    }

    /// `parse`, also collecting the body's plain text (for search) and its
    /// events (for its HTML) from the same pass over the markdown.
    pub fn parse_with<'a>(
        markdown: &'a str,
        base: usize,
        mut text: Option<&mut crate::render::PlainText>,
        mut events: Option<&mut Vec<(Event<'a>, Range<usize>)>>,
    ) -> Body {
        let mut b = Builder { base, ..Builder::default() };
        for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
            if let Some(text) = text.as_deref_mut() {
                text.event(&event);
            }
            if let Some(events) = events.as_deref_mut() {
                events.push((event.clone(), range.clone()));
            }
            b.event(event, range);
        }
        Body { blocks: b.blocks, prose: b.prose }
    }

    /// The sections, in document order. Headings whose text starts with a time
    /// (`### 14:15`) are timeline entries, not sections, so they never end one.
    pub fn sections(&self) -> Vec<Section> {
        let headings: Vec<(usize, u8, &str)> = self
            .blocks
            .iter()
            .enumerate()
            .filter_map(|(i, b)| match &b.kind {
                BlockKind::Heading { level, text } if !starts_with_time(text) => Some((i, *level, text.as_str())),
                _ => None,
            })
            .collect();
        headings
            .iter()
            .enumerate()
            .map(|(n, &(i, level, text))| {
                let end = headings[n + 1..].iter().find(|h| h.1 <= level).map_or(self.blocks.len(), |h| h.0);
                Section {
                    title: text.to_string(),
                    key: crate::section::heading_key(text),
                    level,
                    offset: self.blocks[i].offset,
                    heading: i,
                    blocks: i + 1..end,
                }
            })
            .collect()
    }
}

fn starts_with_time(text: &str) -> bool {
    let t = text.trim();
    crate::time::parse_clock(t).is_some() || (t.len() >= 16 && t.get(..10).is_some_and(crate::time::looks_like_date))
}

#[derive(Default)]
struct Builder {
    base: usize,
    blocks: Vec<Block>,
    prose: Vec<Range<usize>>,
    list_depth: usize,
    in_table_head: bool,
    in_code: bool,
    /// Open block that collects text (paragraph, heading, cell, item).
    open: Option<Block>,
    /// Paragraphs inside list items only add text to the item.
    item_depth: usize,
}

impl Builder {
    fn event(&mut self, event: Event, range: Range<usize>) {
        let at = self.base + range.start;
        match event {
            Event::Start(tag) => self.start(tag, at),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if !self.in_code {
                    self.prose.push(at..self.base + range.end);
                }
                self.text(&t, at);
            }
            // Inline code is quoted, not prose: phrase rules skip it.
            Event::Code(t) => self.text(&t, at),
            Event::SoftBreak | Event::HardBreak => self.line_break(),
            Event::TaskListMarker(done) => {
                if let Some(item) = self.current_item() {
                    item.task = Some(done);
                }
            }
            Event::Html(_) | Event::InlineHtml(_) if self.open.is_none() && self.list_depth == 0 => {
                self.blocks.push(Block { kind: BlockKind::Html, offset: at });
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag, at: usize) {
        match tag {
            Tag::Heading { level, .. } => {
                self.open =
                    Some(Block { kind: BlockKind::Heading { level: level as u8, text: String::new() }, offset: at });
            }
            Tag::Paragraph if self.item_depth == 0 && !self.in_table() => {
                self.open = Some(Block {
                    kind: BlockKind::Paragraph { lines: vec![Line { text: String::new(), offset: at }] },
                    offset: at,
                });
            }
            Tag::List(_) => {
                if self.list_depth == 0 {
                    self.open = Some(Block { kind: BlockKind::List { items: Vec::new() }, offset: at });
                }
                self.list_depth += 1;
            }
            Tag::Item => {
                self.item_depth += 1;
                let depth = self.list_depth;
                if let Some(Block { kind: BlockKind::List { items }, .. }) = &mut self.open {
                    let item = ListItem { offset: usize::MAX, ..ListItem::default() };
                    match (depth, items.last_mut()) {
                        (1, _) | (_, None) => items.push(item),
                        (_, Some(parent)) => parent.children.push(item),
                    }
                }
            }
            Tag::Table(_) => {
                self.open = Some(Block { kind: BlockKind::Table { header: Vec::new(), rows: Vec::new() }, offset: at });
            }
            Tag::TableHead => self.in_table_head = true,
            Tag::TableRow => {
                if let Some(Block { kind: BlockKind::Table { rows, .. }, .. }) = &mut self.open {
                    rows.push(Row { cells: Vec::new(), offset: at });
                }
            }
            Tag::TableCell => {
                let head = self.in_table_head;
                if let Some(Block { kind: BlockKind::Table { header, rows }, .. }) = &mut self.open {
                    let cell = Line { text: String::new(), offset: at };
                    match (head, rows.last_mut()) {
                        (true, _) => header.push(cell),
                        (false, Some(row)) => row.cells.push(cell),
                        (false, None) => {}
                    }
                }
            }
            Tag::CodeBlock(_) => {
                self.in_code = true;
                if self.list_depth == 0 {
                    self.open = Some(Block { kind: BlockKind::Code { text: String::new() }, offset: at });
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) | TagEnd::Table => self.close(),
            TagEnd::Paragraph if self.item_depth == 0 && !self.in_table() => self.close(),
            TagEnd::Paragraph => self.line_break(),
            TagEnd::TableHead => self.in_table_head = false,
            TagEnd::Item => {
                if let Some(item) = self.current_item() {
                    item.text = item.text.trim().to_string();
                }
                self.item_depth -= 1;
            }
            TagEnd::List(_) => {
                self.list_depth -= 1;
                if self.list_depth == 0 {
                    self.close();
                }
            }
            TagEnd::CodeBlock => {
                self.in_code = false;
                if self.list_depth == 0 {
                    self.close();
                }
            }
            _ => {}
        }
    }

    fn in_table(&self) -> bool {
        matches!(self.open, Some(Block { kind: BlockKind::Table { .. }, .. }))
    }

    fn close(&mut self) {
        if let Some(mut block) = self.open.take() {
            if let BlockKind::Paragraph { lines } = &mut block.kind {
                lines.retain(|l| !l.text.trim().is_empty());
            }
            self.blocks.push(block);
        }
    }

    /// The innermost open list item.
    fn current_item(&mut self) -> Option<&mut ListItem> {
        let depth = self.list_depth;
        match &mut self.open {
            Some(Block { kind: BlockKind::List { items }, .. }) => {
                let last = items.last_mut()?;
                if depth > 1 && !last.children.is_empty() {
                    last.children.last_mut()
                } else {
                    Some(last)
                }
            }
            _ => None,
        }
    }

    fn text(&mut self, t: &str, at: usize) {
        if self.list_depth > 0 {
            if self.in_code {
                return;
            }
            if let Some(item) = self.current_item() {
                if item.offset == usize::MAX {
                    item.offset = at;
                }
                item.text.push_str(t);
            }
            return;
        }
        let Some(block) = &mut self.open else { return };
        match &mut block.kind {
            BlockKind::Heading { text, .. } | BlockKind::Code { text } => text.push_str(t),
            BlockKind::Paragraph { lines } => push_to_line(lines, t, at),
            BlockKind::Table { header, rows } => {
                let cell = if self.in_table_head {
                    header.last_mut()
                } else {
                    rows.last_mut().and_then(|r| r.cells.last_mut())
                };
                if let Some(cell) = cell {
                    if cell.text.is_empty() {
                        cell.offset = at;
                    }
                    cell.text.push_str(t);
                }
            }
            _ => {}
        }
    }

    fn line_break(&mut self) {
        if self.list_depth > 0 {
            if let Some(item) = self.current_item() {
                item.text.push(' ');
            }
            return;
        }
        if let Some(Block { kind: BlockKind::Paragraph { lines }, .. }) = &mut self.open {
            lines.push(Line { text: String::new(), offset: usize::MAX });
        }
    }
}

fn push_to_line(lines: &mut Vec<Line>, t: &str, at: usize) {
    let line = match lines.last_mut() {
        Some(l) => l,
        None => {
            lines.push(Line::default());
            lines.last_mut().expect("just pushed")
        }
    };
    if line.text.is_empty() {
        line.offset = at;
    }
    line.text.push_str(t);
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Title\n\n## Summary\n\nFirst line\nsecond *line*\n\n## Timeline (UTC)\n\n- 14:15 — deploy\n- [x] 14:20 -- done\n  - nested\n\n### 15:00\n\nEvent text\n\n| Time | Event |\n|---|---|\n| 16:00 | **DONE** it |\n\n```sh\nkubectl get pods\n```\n\n## Action items\n";

    #[test]
    fn blocks_keep_file_offsets() {
        let body = Body::parse(DOC, 100);
        let para = body.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::Paragraph { lines } => Some(lines.clone()),
            _ => None,
        });
        let lines = para.unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].text, "First line");
        assert_eq!(lines[0].offset, 100 + DOC.find("First").unwrap());
        assert_eq!(lines[1].text, "second line");
        assert_eq!(lines[1].offset, 100 + DOC.find("second").unwrap());
    }

    #[test]
    fn lists_tables_and_tasks() {
        let body = Body::parse(DOC, 0);
        let items = body.blocks.iter().find_map(|b| match &b.kind {
            BlockKind::List { items } => Some(items.clone()),
            _ => None,
        });
        let items = items.unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].text, "14:15 — deploy");
        assert_eq!(items[0].task, None);
        assert_eq!(items[1].task, Some(true));
        assert_eq!(items[1].text, "14:20 -- done");
        assert_eq!(items[1].offset, DOC.find("14:20").unwrap());
        assert_eq!(items[1].children[0].text, "nested");
        let (header, rows) = body
            .blocks
            .iter()
            .find_map(|b| match &b.kind {
                BlockKind::Table { header, rows } => Some((header.clone(), rows.clone())),
                _ => None,
            })
            .unwrap();
        assert_eq!(header.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["Time", "Event"]);
        assert_eq!(rows[0].cells[1].text, "DONE it");
        assert_eq!(rows[0].cells[0].offset, DOC.find("16:00").unwrap());
    }

    #[test]
    fn sections_nest_and_skip_time_headings() {
        let body = Body::parse(DOC, 0);
        let sections = body.sections();
        let titles: Vec<_> = sections.iter().map(|s| (s.title.as_str(), s.level)).collect();
        assert_eq!(titles, [("Title", 1), ("Summary", 2), ("Timeline (UTC)", 2), ("Action items", 2)]);
        let timeline = &sections[2];
        assert!(body.blocks[timeline.blocks.clone()]
            .iter()
            .any(|b| matches!(&b.kind, BlockKind::Heading { text, .. } if text == "15:00")));
        assert!(sections[3].blocks.is_empty());
        assert_eq!(sections[0].blocks.end, body.blocks.len(), "h1 spans the document");
    }

    #[test]
    fn prose_skips_code() {
        let body = Body::parse(DOC, 0);
        let prose: Vec<&str> = body.prose.iter().map(|r| &DOC[r.clone()]).collect();
        assert!(prose.contains(&"Event text"));
        assert!(!prose.iter().any(|l| l.contains("kubectl")));
    }

    #[test]
    fn crlf_offsets_stay_exact() {
        let doc = "## A\r\n\r\nline one\r\nline two\r\n";
        let body = Body::parse(doc, 0);
        let BlockKind::Paragraph { lines } = &body.blocks[1].kind else { panic!() };
        assert_eq!(lines[1].offset, doc.find("line two").unwrap());
    }
}
