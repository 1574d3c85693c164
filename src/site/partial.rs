//! `debrief serve`'s quick rebuilds: after an edit, only the pages that show
//! what changed are rendered again. The serve loop says what changed (the
//! documents, and whether anything lists show changed with them); this
//! module says which jobs that touches.

use std::collections::{HashMap, HashSet};

use super::{Index, Job};
use crate::similar::Suggestion;

/// What a quick rebuild renders again.
#[derive(Debug, Clone, Default)]
pub struct Partial {
    /// Source paths of the documents whose own pages are rendered again.
    pub documents: HashSet<String>,
    /// Something lists, indexes, feeds or figures show changed too.
    pub lists: bool,
    /// Service and tag names whose pages change.
    pub terms: HashSet<String>,
    /// Alert names whose pages change.
    pub alerts: HashSet<String>,
    /// Slugs of runbooks whose pages change (they list the post-mortems that used them).
    pub runbooks: HashSet<String>,
    /// The second pass: the pages that list every post-mortem or item (slow
    /// at 10,000), rendered after open pages were told to reload. The first
    /// pass renders everything else.
    pub heavy: bool,
}

/// Similar incidents by post-mortem slug, kept from the last full build: a
/// quick rebuild does not compute them again (that reads every post-mortem).
pub type SimilarBySlug = HashMap<String, Vec<(String, Suggestion)>>;

impl Partial {
    pub(super) fn wants(&self, ix: &Index, job: &Job) -> bool {
        let doc = |rel: &str| self.documents.contains(rel);
        let changed = match job {
            Job::Incident(n) => doc(&ix.incidents[*n].meta.rel_path),
            Job::Runbook(r) => doc(&r.meta.rel_path) || self.runbooks.contains(&r.meta.slug),
            Job::Alert(name, r) => doc(&r.meta.rel_path) || self.alerts.contains(name),
            Job::Status(s) => doc(&s.meta.rel_path),
            Job::Page(p) => doc(&p.meta.rel_path),
            Job::Term { name, .. } => self.lists && self.terms.contains(name),
            Job::Static(..) | Job::Search | Job::NotFound => false,
            _ => self.lists,
        };
        changed && is_heavy(job) == self.heavy
    }
}

/// Pages whose size grows with every post-mortem or action item.
fn is_heavy(job: &Job) -> bool {
    matches!(
        job,
        Job::IncidentList { .. }
            | Job::Term { .. }
            | Job::TermList(..)
            | Job::Trends
            | Job::ActionItems { .. }
            | Job::Calendar
            | Job::Feed
            | Job::Export
    )
}

/// `similar` (by position in `ix.incidents`) keyed by slug instead.
pub(super) fn by_slug(ix: &Index, similar: &[Vec<Suggestion>]) -> SimilarBySlug {
    ix.incidents
        .iter()
        .zip(similar)
        .map(|(i, list)| {
            let list = list.iter().map(|s| (ix.incidents[s.index].meta.slug.clone(), s.clone())).collect();
            (i.meta.slug.clone(), list)
        })
        .collect()
}

/// `kept` back to positions in `incidents`; post-mortems that are new or gone are skipped.
pub(super) fn by_position(incidents: &[&crate::incident::Incident], kept: &SimilarBySlug) -> Vec<Vec<Suggestion>> {
    let position: HashMap<&str, usize> = incidents.iter().enumerate().map(|(n, i)| (i.meta.slug.as_str(), n)).collect();
    incidents
        .iter()
        .map(|i| {
            let Some(list) = kept.get(&i.meta.slug) else { return Vec::new() };
            list.iter()
                .filter_map(|(slug, s)| Some(Suggestion { index: *position.get(slug.as_str())?, ..s.clone() }))
                .collect()
        })
        .collect()
}
