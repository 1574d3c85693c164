//! Markdown → safe HTML for the site: heading anchors and a table of contents,
//! a copy button on every code block, scrollable tables, no dangerous URLs,
//! and raw HTML sanitised with ammonia.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::markdown::options;

/// One heading in a page's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A rendered body. When a byte range was cut out (`skip`), the HTML before and
/// after it are kept apart so a template can put something in its place.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Rendered {
    pub before: String,
    pub after: String,
    pub toc: Vec<TocEntry>,
    /// The body as plain text, for the search index (the skipped range included).
    #[serde(skip)]
    pub text: crate::search::DocText,
}

/// What the parse pass of a build keeps of each body for its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    /// Nothing (`check`).
    Skip,
    /// Its HTML, made from the check's own markdown events: no second pass.
    Html,
    /// Its plain text and a `BodySource`; the HTML is made when the page is
    /// written (large sites, whose HTML would not all fit in memory).
    Later,
}

impl Bodies {
    /// Sites up to this many files keep every body's HTML from the parse pass
    /// (about 6 kB each: 120 MB at this size); larger ones make it when the
    /// page is written, which reads and parses each file a second time.
    pub const HTML_IN_MEMORY_UP_TO: usize = 20_000;

    /// What a build of `files` files keeps.
    pub fn for_build(files: usize) -> Bodies {
        if files <= Bodies::HTML_IN_MEMORY_UP_TO {
            Bodies::Html
        } else {
            Bodies::Later
        }
    }
}

/// Where a body's markdown is, so its HTML is made when its page is written
/// instead of being held through the whole build (about 500 MB at 100,000
/// post-mortems), for sites too large to keep it (`Bodies::Later`). The check
/// pass keeps only the plain text, for search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodySource {
    pub path: std::path::PathBuf,
    pub body_start: usize,
    /// File offsets left out of the HTML (the action items, shown as a table).
    pub skip: Option<Range<usize>>,
    /// The hash of the text that was checked: a page is never made from other text.
    pub hash: u64,
}

impl BodySource {
    pub fn new(text: &str, body_start: usize, skip: Option<Range<usize>>) -> BodySource {
        BodySource { path: Default::default(), body_start, skip, hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()) }
    }

    /// Reads the file again and renders its body. A file changed since it was
    /// checked is an error: the page would show what was never checked.
    pub fn render(&self) -> anyhow::Result<Rendered> {
        let changed = || anyhow::anyhow!("{} changed during the build; run it again", self.path.display());
        let bytes = crate::source::read_capped(&self.path).map_err(|_| changed())?;
        let text = crate::source::decode("", bytes).map_err(|_| changed())?;
        if xxhash_rust::xxh3::xxh3_64(text.as_bytes()) != self.hash {
            return Err(changed());
        }
        let body = text.get(self.body_start..).ok_or_else(changed)?;
        Ok(html(body, self.body_start, self.skip.clone(), None))
    }
}

/// Renders `md` (which starts at file offset `base`). Events whose source lies
/// in `skip` (file offsets) are left out.
pub fn render(md: &str, base: usize, skip: Option<Range<usize>>) -> Rendered {
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(md, options()).into_offset_iter().collect();
    let text = plain_text(&events, md.len());
    Rendered { text, ..html(md, base, skip, Some(events)) }
}

/// The HTML and table of contents of `md` (its text left empty); `events`
/// when the caller has them already.
pub fn html(md: &str, base: usize, skip: Option<Range<usize>>, events: Option<Vec<(Event, Range<usize>)>>) -> Rendered {
    let mut events = events.unwrap_or_else(|| Parser::new_ext(md, options()).into_offset_iter().collect());
    drop_leading_title(&mut events);
    let has_raw_html = events.iter().any(|(e, _)| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let toc = anchor_headings(&mut events);
    let (mut before, mut after) = (Vec::new(), Vec::new());
    let mut code_lang = false;
    for (event, range) in events {
        let at = base + range.start;
        if skip.as_ref().is_some_and(|s| s.contains(&at)) {
            continue;
        }
        let out = if skip.as_ref().is_some_and(|s| at >= s.end) { &mut after } else { &mut before };
        push_event(out, event, &mut code_lang);
    }
    let finish = |events: Vec<Event>| {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        let mut html = if has_raw_html { sanitiser().clean(&html).to_string() } else { html };
        // Every body is held until the pages are written: at 100,000
        // post-mortems, the slack of a doubling buffer is hundreds of MB.
        html.shrink_to_fit();
        html
    };
    Rendered { before: finish(before), after: finish(after), toc, text: Default::default() }
}

/// Every page shows its title above the body, so a body that opens with a
/// level-1 heading (`# Title`, as most post-mortem and runbook templates do)
/// would show it twice: that heading is left out of the HTML (not the search text).
/// Raw HTML blocks before it (`<!-- markdownlint-disable -->`, a badge) do not
/// count: the heading is still the first thing a reader sees.
fn drop_leading_title(events: &mut Vec<(Event, Range<usize>)>) {
    let h1 = pulldown_cmark::HeadingLevel::H1;
    let is_html =
        |e: &Event| matches!(e, Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) | Event::Html(_));
    let start = events.iter().position(|(e, _)| !is_html(e)).unwrap_or(events.len());
    if !matches!(events.get(start), Some((Event::Start(Tag::Heading { level, .. }), _)) if *level == h1) {
        return;
    }
    if let Some(len) = events[start..].iter().position(|(e, _)| *e == Event::End(TagEnd::Heading(h1))) {
        events.drain(start..=start + len);
    }
}

/// The text a reader sees, headings apart, blocks on lines of their own.
/// Raw HTML tags and blocks are left out (markup, which ammonia may drop
/// anyway); text between inline tags stays.
fn plain_text(events: &[(Event, Range<usize>)], capacity: usize) -> crate::search::DocText {
    let mut text = PlainText::new(capacity);
    for (event, _) in events {
        text.event(event);
    }
    text.finish()
}

/// The plain text of a body, built from its markdown events as they stream
/// by (so `markdown::Body::parse` can make it in the same pass).
pub struct PlainText {
    doc: crate::search::DocText,
    heading_start: Option<usize>,
}

impl PlainText {
    pub fn new(capacity: usize) -> PlainText {
        let doc = crate::search::DocText { text: String::with_capacity(capacity), heading_spans: Vec::new() };
        PlainText { doc, heading_start: None }
    }

    pub fn event(&mut self, event: &Event) {
        let out = &mut self.doc.text;
        match event {
            Event::Start(Tag::Heading { .. }) => self.heading_start = Some(out.len()),
            Event::End(TagEnd::Heading(_)) => {
                let start = self.heading_start.take().unwrap_or(out.len());
                self.doc.heading_spans.push((start as u32, out.len() as u32));
                out.push('\n');
            }
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::TableCell) => out.push_str(" · "),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            _ => {}
        }
    }

    /// The text, its buffer cut to size (every body's text is held until
    /// the search index is built).
    pub fn finish(mut self) -> crate::search::DocText {
        self.doc.text.shrink_to_fit();
        self.doc
    }
}

fn push_event<'a>(out: &mut Vec<Event<'a>>, event: Event<'a>, in_code: &mut bool) {
    match event {
        Event::Start(Tag::CodeBlock(kind)) => {
            *in_code = true;
            out.push(Event::Html(CowStr::from(
                "<div class=\"code\"><button type=\"button\" class=\"copy\" aria-label=\"Copy to clipboard\">Copy</button>",
            )));
            out.push(Event::Start(Tag::CodeBlock(kind)));
        }
        Event::End(TagEnd::CodeBlock) => {
            *in_code = false;
            out.push(Event::End(TagEnd::CodeBlock));
            out.push(Event::Html(CowStr::from("</div>")));
        }
        Event::Start(Tag::Table(a)) => {
            out.push(Event::Html(CowStr::from("<div class=\"table-wrap\">")));
            out.push(Event::Start(Tag::Table(a)));
        }
        Event::End(TagEnd::Table) => {
            out.push(Event::End(TagEnd::Table));
            out.push(Event::Html(CowStr::from("</div>")));
        }
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            out.push(Event::Start(Tag::Link { link_type, dest_url: safe_url(dest_url), title, id }));
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            out.push(Event::Start(Tag::Image { link_type, dest_url: safe_url(dest_url), title, id }));
        }
        other => out.push(other),
    }
}

/// Gives each heading an id (its own `{#id}` or a slug of its text, made
/// unique) and a visible anchor link. Returns the level 2–3 headings.
fn anchor_headings(events: &mut [(Event, Range<usize>)]) -> Vec<TocEntry> {
    let mut toc = Vec::new();
    let mut used = HashSet::new();
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 else {
            i += 1;
            continue;
        };
        let (level, explicit) = (*level as u8, id.clone());
        let end = (i..events.len()).find(|&j| matches!(events[j].0, Event::End(TagEnd::Heading(_)))).unwrap_or(i);
        let text: String = events[i + 1..end]
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let base = explicit.map(|s| heading_slug(&s)).unwrap_or_else(|| heading_slug(&text));
        let base = if base.is_empty() { "section".to_string() } else { base };
        let mut unique = base.clone();
        let mut n = 1;
        while !used.insert(unique.clone()) {
            n += 1;
            unique = format!("{base}-{n}");
        }
        if (2..=3).contains(&level) {
            toc.push(TocEntry { level, id: unique.clone(), title: text.trim().to_string() });
        }
        let range = events[i].1.clone();
        events[i].0 = Event::Html(CowStr::from(format!("<h{level} id=\"{unique}\">")));
        events[end].0 = Event::Html(CowStr::from(format!(
            "<a class=\"anchor\" href=\"#{unique}\" aria-label=\"Link to this section\">#</a></h{level}>\n"
        )));
        events[end].1 = range;
        i = end + 1;
    }
    toc
}

/// Turns whole words of text (not markup, not inside links or code blocks)
/// into links: `link(word)` returns the URL for a word, or `None`. Used for
/// commit ids, which are only known after rendering, once git has resolved them.
pub fn link_words(html: &str, link: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(html.len());
    let (mut in_a, mut in_pre) = (false, false);
    let mut rest = html;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |i| i + 1);
            let tag = rest[..end].to_ascii_lowercase();
            match () {
                _ if tag.starts_with("<a ") || tag == "<a>" => in_a = true,
                _ if tag.starts_with("</a") => in_a = false,
                _ if tag.starts_with("<pre") => in_pre = true,
                _ if tag.starts_with("</pre") => in_pre = false,
                _ => {}
            }
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let text_end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..text_end];
        if in_a || in_pre {
            out.push_str(text);
        } else {
            let mut last = 0;
            for (start, word) in words(text) {
                if let Some(url) = link(word) {
                    out.push_str(&text[last..start]);
                    out.push_str(&format!(
                        "<a class=\"commit-ref\" href=\"{}\">{word}</a>",
                        crate::text::escape_markup(&url)
                    ));
                    last = start + word.len();
                }
            }
            out.push_str(&text[last..]);
        }
        rest = &rest[text_end..];
    }
    out
}

/// (byte offset, word) for each run of ASCII letters and digits.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut i = 0;
    std::iter::from_fn(move || {
        let b = text.as_bytes();
        while i < b.len() && !b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= b.len() {
            return None;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        Some((start, &text[start..i]))
    })
}

/// An id for a heading: lower-case letters, digits and dashes.
pub fn heading_slug(text: &str) -> String {
    crate::url::incident_slug(text)
}

/// Keeps a link or image URL only if it is relative, a fragment, or uses a
/// scheme that cannot run code. Anything else becomes `#`.
pub fn safe_url(url: CowStr) -> CowStr {
    if is_safe_url(&url) {
        url
    } else {
        CowStr::from("#")
    }
}

pub fn is_safe_url(url: &str) -> bool {
    // Browsers ignore ASCII whitespace and control characters inside a scheme.
    let compact: String = url.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control()).collect();
    let lower = compact.to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &lower[..colon];
            // A colon after the first `/`, `?` or `#` is part of a path, not a scheme.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto" | "tel")
        }
    }
}

fn sanitiser() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["button", "input"])
            .add_generic_attributes(["class"])
            .add_tag_attributes("button", ["type", "aria-label"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("a", ["aria-label"])
            .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect());
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_rendered_from_its_file_only_while_the_file_is_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.md");
        let text = "---\ntitle: X\n---\n## Heading\n\nSome *text*.\n";
        std::fs::write(&path, format!("\u{feff}{text}")).unwrap();
        let start = text.find("## Heading").unwrap();
        let source = BodySource { path: path.clone(), ..BodySource::new(text, start, None) };
        let made = source.render().unwrap();
        assert_eq!(made, Rendered { text: Default::default(), ..render(&text[start..], start, None) });
        assert!(made.before.contains("<em>text</em>") && made.toc.len() == 1);
        std::fs::write(&path, text.replace("Some", "Other")).unwrap();
        let e = source.render().unwrap_err().to_string();
        assert!(e.contains("changed during the build"), "{e}");
        std::fs::remove_file(&path).unwrap();
        assert!(source.render().is_err(), "a file gone is an error too");
    }

    fn html(md: &str) -> String {
        render(md, 0, None).before
    }

    #[test]
    fn a_leading_title_is_left_to_the_page() {
        let r = render("# Title *here*\n\n## Summary\ntext\n# A later part\n", 0, None);
        assert!(!r.before.contains("Title"), "{}", r.before);
        assert!(r.before.starts_with("<h2 id=\"summary\">") && r.before.contains("<h1 id=\"a-later-part\">"));
        let r = render("Intro.\n\n# Title\n", 0, None);
        assert!(r.before.contains("<h1 id=\"title\">"), "only a body's opening heading goes");
        assert!(render("## Summary\n", 0, None).before.starts_with("<h2"));
        let r = render("<!-- markdownlint-disable MD041 -->\n\n# Title\n\n## Meaning\n", 0, None);
        assert!(!r.before.contains("Title") && r.before.contains("<h2 id=\"meaning\">"), "{}", r.before);
    }

    #[test]
    fn headings_get_unique_anchors_and_a_toc() {
        let r = render("# Title\n## Root cause\ntext\n## Root cause\n### Why? `x`\n", 0, None);
        assert!(r.before.contains("<h2 id=\"root-cause\">Root cause<a class=\"anchor\" href=\"#root-cause\""));
        assert!(r.before.contains("<h2 id=\"root-cause-2\">"));
        let toc: Vec<_> = r.toc.iter().map(|t| (t.level, t.id.as_str(), t.title.as_str())).collect();
        assert_eq!(toc, [(2, "root-cause", "Root cause"), (2, "root-cause-2", "Root cause"), (3, "why-x", "Why? x")]);
    }

    #[test]
    fn plain_text_keeps_headings_apart_and_drops_markup() {
        let r = render("# Title\n\nSome *bold* `code` text\nwrapped.\n\n## Root `cause`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<b>raw</b>\n", 0, None);
        assert_eq!(r.text.headings().collect::<Vec<_>>(), ["Title", "Root cause"]);
        assert_eq!(r.text.text, "Title\nSome bold code text wrapped.\nRoot cause\na · b · \n1 · 2 · \nraw\n");
        let r = render("<div class=\"x\">\nhidden block\n</div>\n\nshown\n", 0, None);
        assert_eq!(r.text.text, "shown\n", "an HTML block is markup, not text");
    }

    #[test]
    fn code_blocks_get_a_copy_button() {
        let h = html("```sh\nkubectl get pods\n```\n");
        assert!(h.starts_with("<div class=\"code\"><button type=\"button\" class=\"copy\""), "{h}");
        assert!(h.contains("<pre><code class=\"language-sh\">kubectl get pods\n</code></pre>\n</div>"), "{h}");
    }

    #[test]
    fn dangerous_urls_are_dropped() {
        for md in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](java\tscript:alert(1))",
            "[x](data:text/html,<b>)",
            "[x](vbscript:msgbox)",
            "![i](javascript:alert(1))",
        ] {
            let h = html(md).to_lowercase();
            let attrs: Vec<&str> = h.split("href=\"").chain(h.split("src=\"")).skip(1).collect();
            assert!(
                attrs.iter().all(|a| !a.starts_with("javascript")
                    && !a.starts_with("data")
                    && !a.starts_with("vbscript")
                    && !a.starts_with("java\t")),
                "{md} → {h}"
            );
        }
        assert!(html("[x](https://example.com/a?b=c:d)").contains("href=\"https://example.com/a?b=c:d\""));
        assert!(html("[x](../runbooks/a/index.html#step-2)").contains("href=\"../runbooks/a/index.html#step-2\""));
        assert!(html("[x](docs/a:b)").contains("href=\"docs/a:b\""));
    }

    #[test]
    fn raw_html_is_sanitised() {
        let h = html("<script>alert(1)</script>\n\n<p onclick=\"x()\">hi <iframe src=\"https://x\"></iframe><b>bold</b></p>\n\n<a href=\"javascript:alert(1)\">a</a>\n");
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("onclick"), "{h}");
        assert!(!h.contains("<iframe"), "{h}");
        assert!(!h.contains("javascript:"), "{h}");
        assert!(h.contains("<b>bold</b>"), "{h}");
    }

    #[test]
    fn text_is_escaped_without_raw_html() {
        assert_eq!(html("a < b & c > d"), "<p>a &lt; b &amp; c &gt; d</p>\n");
    }

    #[test]
    fn words_become_links_outside_markup() {
        let html = "<p>Commit 4f2a9c1 broke it (<code>4f2a9c1</code>).</p><pre><code>4f2a9c1</code></pre><a href=\"x\">4f2a9c1</a><img alt=\"4f2a9c1\">";
        let out = link_words(html, |w| (w == "4f2a9c1").then(|| "https://git/c/4f2a9c1".to_string()));
        assert_eq!(
            out,
            "<p>Commit <a class=\"commit-ref\" href=\"https://git/c/4f2a9c1\">4f2a9c1</a> broke it (<code><a class=\"commit-ref\" href=\"https://git/c/4f2a9c1\">4f2a9c1</a></code>).</p><pre><code>4f2a9c1</code></pre><a href=\"x\">4f2a9c1</a><img alt=\"4f2a9c1\">"
        );
        assert_eq!(link_words("<p>a4f2a9c1</p>", |w| (w == "4f2a9c1").then(String::new)), "<p>a4f2a9c1</p>");
    }

    #[test]
    fn words_in_attribute_values_stay_text_even_after_a_greater_than_sign() {
        let body = render("<abbr title=\"a > 4f2a9c1 b\">x</abbr> and 4f2a9c1\n", 0, None).before;
        let out = link_words(&body, |w| (w == "4f2a9c1").then(|| "https://git/c/4f2a9c1".to_string()));
        // The sanitiser writes `>` in an attribute as `&gt;`, so a tag ends at its first `>`.
        assert!(body.contains("title=\"a &gt; 4f2a9c1 b\""), "{body}");
        assert_eq!(out.matches("commit-ref").count(), 1, "{out}");
        assert!(out.contains("title=\"a &gt; 4f2a9c1 b\""), "{out}");
    }

    #[test]
    fn skip_splits_the_body() {
        let md = "## A\none\n## Action items\n- x\n## B\ntwo\n";
        let start = md.find("- x").unwrap();
        let end = md.find("## B").unwrap();
        let r = render(md, 10, Some(start + 10..end + 10));
        assert!(r.before.contains("one") && r.before.contains("Action items") && !r.before.contains("<li>"));
        assert!(r.after.contains("two") && !r.after.contains("<li>"));
    }
}
