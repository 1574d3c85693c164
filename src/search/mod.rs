//! The search index, built in Rust and read by `static/search.js` in the
//! browser, from disk or any static host: every file is a script that hands
//! its data to `window.debriefSearch`, because `fetch`, modules and wasm all
//! fail on `file://`.
//!
//! ```text
//! search/index.js      manifest: tokenising data, shard boundaries, kind ranges, facet names
//! search/s/<n>.js      shard n: terms in sorted order with their postings
//! search/d/<n>.js      document n: what a result shows (title, kind, severity, date, text for the snippet)
//! search/facets.js     severity and service → documents, loaded only when a filter needs it
//! ```
//!
//! A query loads the manifest, the one or two shards that hold its terms, and
//! the documents it shows; nothing grows with the size of the site but the
//! shards a very common prefix spans.

mod index;
pub mod tokenize;

pub use index::{build, BuildStats, Field, POSTING_ALPHABET};

/// The plain text of a rendered body: all the text in reading order, and
/// where each heading sits in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocText {
    pub text: String,
    /// Byte ranges of `text`.
    pub heading_spans: Vec<(u32, u32)>,
}

impl DocText {
    pub fn headings(&self) -> impl Iterator<Item = &str> {
        self.heading_spans.iter().map(|&(start, end)| &self.text[start as usize..end as usize])
    }
}

/// What a search result is. The order is the order of document numbers, and
/// so of ties in ranking: runbooks first, for the responder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Runbook,
    Status,
    Incident,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Runbook, Kind::Status, Kind::Incident, Kind::Page];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Runbook => "runbook",
            Kind::Status => "status",
            Kind::Incident => "incident",
            Kind::Page => "page",
        }
    }
}

/// One searchable document, as the site module describes it.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub kind: Kind,
    pub title: &'a str,
    /// The page, relative to the site root (`incidents/inc-1/index.html`).
    pub url: String,
    pub severity: Option<&'a str>,
    /// CSS class of the severity badge (`sev-1`).
    pub severity_class: Option<String>,
    pub date: Option<String>,
    pub services: Vec<&'a str>,
    pub alerts: Vec<&'a str>,
    /// Text indexed at each field's weight (ids, owners, tags: `Field::Meta`).
    pub fields: Vec<(Field, &'a str)>,
    /// Text shown in snippets (and indexed as `Field::Body`).
    pub body: &'a str,
}
