//! The whole site as plain data: every document, parsed. Later stages read it;
//! nothing mutates it after `check` returns.

use crate::incident::Incident;
use crate::page::Page;
use crate::runbook::Runbook;
use crate::settings::Settings;
use crate::status::StatusTemplate;

#[derive(Debug, Clone)]
pub struct Site {
    pub settings: Settings,
    /// Sorted by source path, so every later stage sees one order.
    pub incidents: Vec<Incident>,
    pub runbooks: Vec<Runbook>,
    pub statuses: Vec<StatusTemplate>,
    pub pages: Vec<Page>,
    /// Every incident, from the incident tool's export (`trends.incident_log`).
    pub incident_log: Vec<crate::incident_log::LoggedIncident>,
}

impl Site {
    /// Whether the bodies' HTML was made in the parse pass (`Bodies::Html`,
    /// a site of up to `Bodies::HTML_IN_MEMORY_UP_TO` files), not left to be
    /// made when each page is written.
    pub fn keeps_body_html(&self) -> bool {
        let metas = self.incidents.iter().map(|i| &i.meta);
        let mut metas = metas.chain(self.runbooks.iter().map(|r| &r.meta)).chain(self.pages.iter().map(|p| &p.meta));
        metas.all(|m| m.body_source.is_none())
    }

    /// Frees every body's plain text (`Meta::html.text`), once the search
    /// index and similar incidents, its only readers, are made.
    pub fn free_body_text(&mut self) {
        let metas = self.incidents.iter_mut().map(|i| &mut i.meta);
        let metas = metas.chain(self.runbooks.iter_mut().map(|r| &mut r.meta));
        for meta in metas.chain(self.pages.iter_mut().map(|p| &mut p.meta)) {
            meta.html.text = Default::default();
        }
    }

    /// Adds a document where its kind goes (callers add in source-path order).
    pub fn add(&mut self, doc: Document) {
        match doc {
            Document::Incident(i) => self.incidents.push(*i),
            Document::Runbook(r) => self.runbooks.push(*r),
            Document::Status(s) => self.statuses.push(*s),
            Document::Page(p) => self.pages.push(*p),
        }
    }

    /// Puts `doc` in the place of the document read from `rel_path` (or
    /// takes that one out, for `None`), keeping each list in source-path order.
    pub fn replace(&mut self, rel_path: &str, doc: Option<Document>) {
        fn put<T>(list: &mut Vec<T>, rel: &str, path: impl Fn(&T) -> &str, new: Option<T>) {
            list.retain(|d| path(d) != rel);
            if let Some(new) = new {
                let at = list.partition_point(|d| path(d) < rel);
                list.insert(at, new);
            }
        }
        let (mut i, mut r, mut s, mut p) = (None, None, None, None);
        match doc {
            Some(Document::Incident(d)) => i = Some(*d),
            Some(Document::Runbook(d)) => r = Some(*d),
            Some(Document::Status(d)) => s = Some(*d),
            Some(Document::Page(d)) => p = Some(*d),
            None => {}
        }
        put(&mut self.incidents, rel_path, |d| &d.meta.rel_path, i);
        put(&mut self.runbooks, rel_path, |d| &d.meta.rel_path, r);
        put(&mut self.statuses, rel_path, |d| &d.meta.rel_path, s);
        put(&mut self.pages, rel_path, |d| &d.meta.rel_path, p);
    }
}

/// One parsed document of any kind.
#[derive(Debug, Clone)]
pub enum Document {
    Incident(Box<Incident>),
    Runbook(Box<Runbook>),
    Status(Box<StatusTemplate>),
    Page(Box<Page>),
}

impl Document {
    /// Drops what only pages, trends and stats use (a post-mortem's timeline
    /// and action items, summaries, unknown keys), keeping what the rules
    /// across documents (`validate`) and git read: ids, references, alerts,
    /// commits, times.
    pub fn shed(&mut self) {
        match self {
            Document::Incident(i) => {
                i.timeline.entries = Vec::new();
                i.action_items = Vec::new();
                i.extra = Vec::new();
                i.meta.summary = String::new();
            }
            Document::Runbook(r) => {
                r.extra = Vec::new();
                r.meta.summary = String::new();
            }
            Document::Status(_) | Document::Page(_) => {}
        }
    }

    pub fn meta_mut(&mut self) -> &mut crate::document::Meta {
        match self {
            Document::Incident(d) => &mut d.meta,
            Document::Runbook(d) => &mut d.meta,
            Document::Status(d) => &mut d.meta,
            Document::Page(d) => &mut d.meta,
        }
    }
}
