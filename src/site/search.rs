//! The site's documents as search entries, numbered in the order ties rank:
//! runbooks, status templates, post-mortems (most severe, then newest,
//! first), free pages.

use super::links::dir;
use super::Index;
use crate::output::Emit;
use crate::search::{Entry, Field, Kind};

/// Writes every file of the search index through `emit`; returns its sizes.
pub fn files(ix: &Index, emit: &Emit) -> anyhow::Result<crate::search::BuildStats> {
    let t = std::time::Instant::now();
    let entries = entries(ix);
    let severities: Vec<String> = ix.site.settings.scale.levels.iter().map(|l| l.id.clone()).collect();
    let stats = crate::search::build(&entries, &severities, emit)?;
    crate::check::stage_time("search index", t);
    Ok(stats)
}

fn entries<'a>(ix: &Index<'a>) -> Vec<Entry<'a>> {
    let mut out = Vec::with_capacity(ix.runbooks.len() + ix.incidents.len());
    for r in &ix.runbooks {
        let rank = r.severity.as_ref().and_then(|s| ix.site.settings.scale.parse(s)).map(|l| l.rank);
        let mut e = entry(ix, Kind::Runbook, &r.meta, dir::runbook(&r.meta.slug));
        e.severity_class = r.severity.as_ref().map(|_| super::severity_class(rank));
        e.severity = r.severity.as_deref();
        e.date = r.last_reviewed.map(|d| d.to_string());
        e.services = vec![r.service.as_str()];
        e.alerts = r.alerts.iter().map(|a| a.value.as_str()).collect();
        e.fields.extend([r.service.as_str(), r.owner.as_str()].into_iter().map(|s| (Field::Meta, s)));
        e.fields.extend(r.tags.iter().map(|t| (Field::Meta, t.as_str())));
        out.push(e);
    }
    for s in ix.statuses() {
        let mut e = entry(ix, Kind::Status, &s.meta, dir::status(&s.meta.slug));
        e.fields.extend(s.phase.iter().chain([&s.audience]).chain(&s.channel).map(|v| (Field::Meta, v.as_str())));
        e.body = &s.text;
        out.push(e);
    }
    let mut incidents = ix.incidents.clone();
    // Stable: within a severity, `ix.incidents` is already newest first.
    incidents.sort_by_key(|i| i.severity_rank.unwrap_or(usize::MAX));
    for i in incidents {
        let mut e = entry(ix, Kind::Incident, &i.meta, dir::incident(&i.meta.slug));
        e.severity_class = i.severity.as_ref().map(|_| super::severity_class(i.severity_rank));
        e.severity = i.severity.as_deref();
        e.date = i.start_date().map(|d| d.to_string());
        e.services = i.services.iter().map(String::as_str).collect();
        e.fields.push((Field::Title, i.meta.id.as_str()));
        let facts = [&i.root_cause_category, &i.detected_by, &i.commander, &i.comms_lead];
        e.fields.extend(facts.into_iter().flatten().map(|v| (Field::Meta, v.as_str())));
        e.fields.extend(i.services.iter().chain(&i.tags).map(|v| (Field::Meta, v.as_str())));
        e.fields.extend(i.severity.iter().map(|v| (Field::Meta, v.as_str())));
        out.push(e);
    }
    for p in &ix.site.pages {
        out.push(entry(ix, Kind::Page, &p.meta, dir::page(&p.meta.slug)));
    }
    out
}

/// The parts every kind shares: title, link, headings and body text.
fn entry<'a>(ix: &Index, kind: Kind, meta: &'a crate::document::Meta, page: String) -> Entry<'a> {
    Entry {
        kind,
        title: &meta.title,
        url: ix.linker.page(dir::HOME, &page),
        severity: None,
        severity_class: None,
        date: None,
        services: Vec::new(),
        alerts: Vec::new(),
        fields: meta.html.text.headings().map(|h| (Field::Meta, h)).collect(),
        body: &meta.html.text.text,
    }
}
