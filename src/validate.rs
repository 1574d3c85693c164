//! Rules that need the whole site: duplicate ids, references to runbooks and
//! incidents that do not exist, and alerts claimed by two runbooks.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::{Code, Diagnostic};
use crate::document::{Meta, Spanned};
use crate::model::Site;
use crate::text::nearest;
use crate::url;

pub fn cross_document(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    duplicate_ids(site.incidents.iter().map(|i| &i.meta), "post-mortem", &mut out);
    duplicate_ids(site.runbooks.iter().map(|r| &r.meta), "runbook", &mut out);
    duplicate_ids(site.statuses.iter().map(|s| &s.meta), "status template", &mut out);
    duplicate_ids(site.pages.iter().map(|p| &p.meta), "page", &mut out);
    let runbook_slugs: Vec<(&str, &str)> =
        site.runbooks.iter().map(|r| (r.meta.slug.as_str(), r.meta.id.as_str())).collect();
    let incident_slugs: Vec<(&str, &str)> =
        site.incidents.iter().map(|i| (i.meta.slug.as_str(), i.meta.id.as_str())).collect();
    let runbook_known: HashSet<&str> = runbook_slugs.iter().map(|(s, _)| *s).collect();
    let incident_known: HashSet<&str> = incident_slugs.iter().map(|(s, _)| *s).collect();
    for incident in &site.incidents {
        for r in &incident.runbooks {
            let slug = crate::site::runbook_ref_slug(&r.value);
            if !runbook_known.contains(slug.as_str()) {
                out.push(dangling(
                    r,
                    &slug,
                    &runbook_slugs,
                    Code::UnknownRunbook,
                    "runbook",
                    "use the runbook's path under content/runbooks without .md (e.g. payments/high-error-rate)",
                ));
            }
        }
        for r in &incident.related {
            let slug = url::incident_slug(&r.value);
            if !incident_known.contains(slug.as_str()) {
                out.push(dangling(
                    r,
                    &slug,
                    &incident_slugs,
                    Code::UnknownRelated,
                    "incident",
                    "use the related post-mortem's `id` (or its path under content/incidents)",
                ));
            }
        }
    }
    duplicate_alerts(site, &mut out);
    out
}

/// `known` holds (slug, id as written) pairs; a suggestion shows the id.
fn dangling(r: &Spanned, slug: &str, known: &[(&str, &str)], code: Code, noun: &str, help: &str) -> Diagnostic {
    let near = nearest(slug, known.iter().map(|(s, _)| *s), 3.max(slug.len() / 4));
    let help = match near.and_then(|n| known.iter().find(|(s, _)| *s == n)) {
        Some((_, id)) => format!("did you mean `{id}`?"),
        None => help.to_string(),
    };
    r.span.diagnostic(code, format!("there is no {noun} `{}`", r.value), help)
}

fn duplicate_ids<'a>(metas: impl Iterator<Item = &'a Meta>, noun: &str, out: &mut Vec<Diagnostic>) {
    let mut metas: Vec<&Meta> = metas.filter(|m| !m.slug.is_empty()).collect();
    metas.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    let mut first: HashMap<&str, &Meta> = HashMap::new();
    for m in metas {
        match first.get(m.slug.as_str()) {
            Some(prev) => out.push(m.id_span.diagnostic(
                Code::DuplicateId,
                format!("this {noun} has id `{}`, which {} already uses", m.id, prev.rel_path),
                "give each document its own id (ids that differ only in case or punctuation share a URL)",
            )),
            None => {
                first.insert(&m.slug, m);
            }
        }
    }
}

fn duplicate_alerts(site: &Site, out: &mut Vec<Diagnostic>) {
    let mut runbooks: Vec<_> = site.runbooks.iter().collect();
    runbooks.sort_by(|a, b| a.meta.rel_path.cmp(&b.meta.rel_path));
    let mut owner: HashMap<String, &str> = HashMap::new();
    for rb in runbooks {
        for alert in &rb.alerts {
            let key = alert.value.to_ascii_lowercase();
            match owner.get(&key) {
                Some(prev) if *prev != rb.meta.rel_path => out.push(alert.span.diagnostic(
                    Code::DuplicateAlert,
                    format!("alert `{}` is already answered by {prev}", alert.value),
                    "keep each alert in one runbook, and link to it from the other",
                )),
                Some(_) => {}
                None => {
                    owner.insert(key, &rb.meta.rel_path);
                }
            }
        }
    }
}

/// The date a runbook without `last_reviewed` was last changed, when that is
/// longer ago than `runbooks.review_every` (so the runbook is stale).
pub fn stale_since(
    r: &crate::runbook::Runbook,
    e: &crate::git::Enrichment,
    s: &crate::settings::Settings,
) -> Option<chrono::NaiveDate> {
    if r.last_reviewed.is_some() {
        return None;
    }
    let changed = e.dates.get(&r.meta.rel_path)?.updated.date_naive();
    // A review period past the end of the calendar never runs out.
    changed.checked_add_signed(s.review_every).is_some_and(|due| due < s.today.date).then_some(changed)
}

/// Runbooks with no `last_reviewed` whose last change is too old.
pub fn stale_by_history(site: &Site, e: &crate::git::Enrichment) -> Vec<Diagnostic> {
    site.runbooks
        .iter()
        .filter_map(|r| {
            let changed = stale_since(r, e, &site.settings)?;
            Some(r.review_span.diagnostic(
                Code::RunbookStale,
                format!(
                    "this runbook has no `last_reviewed` and was last changed on {changed}, more than {} ago",
                    site.settings.config.runbooks.review_every
                ),
                "walk through it against the live system, fix what has drifted, and add `last_reviewed: YYYY-MM-DD`",
            ))
        })
        .collect()
}
