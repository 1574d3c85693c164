//! The `check` pipeline: load → parse → validate. It never stops at the first
//! bad file: every file is read and every problem reported.

use std::collections::HashMap;
use std::path::Path;

use crate::config;
use crate::diagnostic::{self, Diagnostic};
use crate::document::Ctx;
use crate::model::{Document, Site};
use crate::render::Bodies;
use crate::settings::Settings;
use crate::source::{self, Kind, SourceFile};
use crate::time::Today;
use crate::{incident, page, runbook, status, validate};

/// The result of checking a site.
#[derive(Debug)]
pub struct Checked {
    pub site: Site,
    /// Sorted by file, line, column.
    pub diagnostics: Vec<Diagnostic>,
    pub files_checked: usize,
    /// What git adds (empty outside a repository).
    pub enrichment: crate::git::Enrichment,
    /// Each file's own diagnostics (before drafts are demoted), by source path.
    pub by_file: HashMap<String, Vec<Diagnostic>>,
    /// Those of no one document: the listing, the incident log, git.
    pub other: Vec<Diagnostic>,
    /// What the user should know that is not a problem with the content:
    /// skipped files, what git could not tell.
    pub notes: Vec<String>,
}

/// How to run the pipeline.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Also render each body to HTML (for `build`).
    pub render: bool,
    /// How, when rendering: `None` chooses by the site's size (`Bodies::for_build`).
    pub bodies: Option<Bodies>,
    /// Check strictly only the documents changed since this revision; the rest warn.
    pub changed_since: Option<String>,
    /// Find in git when post-mortems without `published_at` were published (for `stats`).
    pub publication_dates: bool,
    /// Alert rule files to check against the runbooks (`--alert-rules`), besides
    /// those `alert_rules.files` names.
    pub alert_rules: Vec<std::path::PathBuf>,
    /// The caller wants the diagnostics, not the site (`debrief check`): each
    /// document keeps only what the rules across documents and git read
    /// (`Document::shed`). A large check then holds a third less memory, and
    /// fresh memory is a sixth of its time (page faults).
    pub diagnostics_only: bool,
}

/// Why a site could not be checked at all (exit status 2).
#[derive(Debug)]
pub enum CheckError {
    /// `debrief.yml` is invalid; the diagnostics say where.
    Config(Vec<Diagnostic>),
    /// The site folder could not be read.
    Setup(anyhow::Error),
}

pub use crate::progress::stage_time;

/// Checks a site: every document parsed and every rule applied.
pub fn check(site_dir: &Path, today: Today) -> Result<Checked, CheckError> {
    run(site_dir, today, &RunOptions::default())
}

/// Like `check`, and also renders each document's body to HTML in the same
/// parallel pass, for `build`.
pub fn check_and_render(site_dir: &Path, today: Today) -> Result<Checked, CheckError> {
    run(site_dir, today, &RunOptions { render: true, ..RunOptions::default() })
}

/// load → parse (→ render bodies) → validate → enrich from git.
pub fn run(site_dir: &Path, today: Today, opts: &RunOptions) -> Result<Checked, CheckError> {
    let render = opts.render;
    let changed = match &opts.changed_since {
        Some(rev) => Some(crate::git::changed_since(site_dir, rev).map_err(|e| CheckError::Setup(anyhow::anyhow!(e)))?),
        None => None,
    };
    let config = config::load(site_dir).map_err(CheckError::Config)?;
    let settings = Settings::new(config, today);
    let t = std::time::Instant::now();
    let listing = source::list(site_dir).map_err(CheckError::Setup)?;
    stage_time("list files", t);
    let log = usize::from(!settings.config.trends.incident_log.trim().is_empty());
    let mut files_checked = listing.files.len() + listing.diagnostics.len() + log;
    // Reading and parsing in one parallel pass: each text is dropped once parsed.
    let t = std::time::Instant::now();
    let bodies = match (render, opts.bodies) {
        (false, _) => Bodies::Skip,
        (true, Some(bodies)) => bodies,
        (true, None) => Bodies::for_build(listing.files.len()),
    };
    let parsed: Vec<(Option<Document>, Vec<Diagnostic>)> = source::read_ahead(
        &listing.files,
        |(rel, path)| source::read(rel, path),
        |read| read.as_ref().map_or(0, |file| file.text.len()),
        |(_, path), read| {
            let (mut doc, diags) = parse_read(path, read, &settings, bodies);
            if let Some(doc) = doc.as_mut().filter(|_| opts.diagnostics_only) {
                doc.shed();
            }
            (doc, diags)
        },
    );
    stage_time("read+parse", t);
    let mut other = listing.diagnostics;
    let listing_notes = listing.notes;
    let (incident_log, log_diags) = crate::incident_log::load(site_dir, &settings);
    other.extend(log_diags);
    let mut site = Site {
        settings,
        incidents: Vec::new(),
        runbooks: Vec::new(),
        statuses: Vec::new(),
        pages: Vec::new(),
        incident_log,
    };
    // Exact capacities: a doubling Vec of 100,000 post-mortems would hold
    // (and copy) up to twice their size.
    let count = |kind: fn(&Document) -> bool| parsed.iter().filter(|(d, _)| d.as_ref().is_some_and(kind)).count();
    site.incidents.reserve_exact(count(|d| matches!(d, Document::Incident(_))));
    site.runbooks.reserve_exact(count(|d| matches!(d, Document::Runbook(_))));
    let mut by_file: HashMap<String, Vec<Diagnostic>> = HashMap::new();
    for (doc, diags) in parsed {
        for d in diags {
            by_file.entry(d.file.clone()).or_default().push(d);
        }
        if let Some(doc) = doc {
            site.add(doc);
        }
    }
    let rule_paths: Vec<std::path::PathBuf> = site
        .settings
        .config
        .alert_rules
        .files
        .iter()
        .map(|f| site_dir.join(f))
        .chain(opts.alert_rules.iter().cloned())
        .collect();
    if !rule_paths.is_empty() {
        let (rules, rule_diags) = crate::alert_rules::read(&rule_paths, site_dir);
        files_checked += rules.len() + rule_diags.len();
        other.extend(rule_diags);
        other.extend(crate::alert_rules::check(&site, &rules));
    }
    let t = std::time::Instant::now();
    let (enrichment, git_diags) = crate::git::enrich(
        &site,
        &crate::git::Options { site_dir, for_site: render, publication_dates: opts.publication_dates },
    );
    stage_time("git", t);
    other.extend(git_diags);
    let t = std::time::Instant::now();
    let mut diagnostics = diagnose(&site, &enrichment, &by_file, &other);
    stage_time("rules across documents", t);
    if let (Some(changed), Some(rev)) = (&changed, &opts.changed_since) {
        for d in diagnostics.iter_mut().filter(|d| !changed.contains(&d.file) && d.file != crate::config::FILE_NAME) {
            d.demote_unchanged(rev);
        }
    }
    diagnostic::sort(&mut diagnostics);
    let notes = listing_notes.into_iter().chain(enrichment.notes.iter().cloned()).collect();
    Ok(Checked { site, diagnostics, files_checked, enrichment, by_file, other, notes })
}

/// Every diagnostic of the site: each file's own (`by_file`), the others
/// (listing, incident log, git), and the rules across documents; a draft's
/// demoted to warnings. Sorted. `serve` calls it again after each edit.
pub fn diagnose(
    site: &Site,
    enrichment: &crate::git::Enrichment,
    by_file: &HashMap<String, Vec<Diagnostic>>,
    other: &[Diagnostic],
) -> Vec<Diagnostic> {
    let mut diagnostics: Vec<Diagnostic> = by_file.values().flatten().chain(other).cloned().collect();
    diagnostics.extend(validate::cross_document(site));
    diagnostics.extend(validate::stale_by_history(site, enrichment));
    let drafts: std::collections::HashSet<&str> =
        site.incidents.iter().filter(|i| i.is_draft()).map(|i| i.meta.rel_path.as_str()).collect();
    for d in diagnostics.iter_mut().filter(|d| drafts.contains(d.file.as_str())) {
        d.demote();
    }
    diagnostic::sort(&mut diagnostics);
    diagnostics
}

/// Reads and parses one file; a body left for later (`Bodies::Later`) knows
/// where to be read again.
pub fn parse_path(rel: &str, path: &Path, settings: &Settings, bodies: Bodies) -> (Option<Document>, Vec<Diagnostic>) {
    parse_read(path, source::read(rel, path), settings, bodies)
}

/// `parse_path` of a file already read (`source::read`).
fn parse_read(
    path: &Path,
    read: Result<SourceFile, Box<Diagnostic>>,
    settings: &Settings,
    bodies: Bodies,
) -> (Option<Document>, Vec<Diagnostic>) {
    match read {
        Ok(file) => {
            let (mut doc, diags) = parse_guarded(&file, settings, bodies);
            if let Some(src) = doc.as_mut().and_then(|d| d.meta_mut().body_source.as_mut()) {
                src.path = path.to_path_buf();
            }
            (doc, diags)
        }
        Err(d) => (None, vec![*d]),
    }
}

/// `parse_file`, turning a panic in a parser under it into a diagnostic:
/// pulldown-cmark 0.13.6 panics on some bodies with control characters
/// (found by the `timestamps` fuzz target), and one bad file must not stop
/// the check of the others.
pub fn parse_guarded(file: &SourceFile, settings: &Settings, bodies: Bodies) -> (Option<Document>, Vec<Diagnostic>) {
    contained(|| parse_file(file, settings, bodies)).unwrap_or_else(|| {
        let d = crate::source::file_level(
            &file.rel_path,
            crate::diagnostic::Code::MarkdownUnparsable,
            "the markdown parser failed on this file, so it is left out of the site",
            "remove stray control characters (vertical tabs, form feeds) from the body",
        );
        (None, vec![d])
    })
}

thread_local! {
    static CONTAINING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, and gives `None` if it panics. The panic is not printed: the
/// caller reports it as a diagnostic, and the author should see only that.
/// A panic anywhere else still reaches the hook that was installed before
/// (Rust's default, or libFuzzer's, which aborts).
pub fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CONTAINING.get() {
                previous(info)
            }
        }));
    });
    let outer = CONTAINING.replace(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CONTAINING.set(outer);
    result.ok()
}

/// Parses one file into its model, with the problems found in it alone.
pub fn parse_file(file: &SourceFile, settings: &Settings, bodies: Bodies) -> (Option<Document>, Vec<Diagnostic>) {
    let runbooks = &settings.config.runbooks;
    let optional = file.kind == Kind::Runbook && runbooks.front_matter == "optional";
    // Status templates are shown as text with fields, not rendered markdown.
    let bodies = if file.kind == Kind::Status { Bodies::Skip } else { bodies };
    // A build's search index wants each body's plain text (and, for most
    // sites, its HTML): made in the same pass as the model's blocks.
    let mut ctx = match Ctx::open_with(file, optional, bodies) {
        Ok(ctx) => ctx,
        Err(diags) => return (None, diags),
    };
    if file.kind == Kind::Runbook {
        ctx.add_defaults(&runbooks.defaults);
    }
    let doc = match file.kind {
        Kind::Incident => Document::Incident(Box::new(incident::parse(&mut ctx, file, settings))),
        Kind::Runbook => Document::Runbook(Box::new(runbook::parse(&mut ctx, file, settings))),
        Kind::Status => Document::Status(Box::new(status::parse(&mut ctx, file))),
        Kind::Page => Document::Page(Box::new(page::parse(&mut ctx, file))),
    };
    let mut doc = doc;
    let (meta, skip) = match &mut doc {
        Document::Incident(i) => (&mut i.meta, i.action_items_range.clone()),
        Document::Runbook(r) => (&mut r.meta, r.title_heading.clone()),
        Document::Page(p) => (&mut p.meta, None),
        Document::Status(s) => (&mut s.meta, None),
    };
    match bodies {
        Bodies::Skip => {}
        Bodies::Html => {
            let body = &file.text[ctx.body_start..];
            let html = crate::render::html(body, ctx.body_start, skip, ctx.body_events.take());
            meta.html = crate::render::Rendered { text: ctx.body_text.take().unwrap_or_default(), ..html };
        }
        Bodies::Later => {
            meta.html.text = ctx.body_text.take().unwrap_or_default();
            meta.body_source = Some(crate::render::BodySource::new(&file.text, ctx.body_start, skip));
        }
    }
    if file.kind == Kind::Runbook && runbooks.section_problems == "warning" {
        let sections = |d: &Diagnostic| {
            matches!(d.code, crate::diagnostic::Code::SectionMissing | crate::diagnostic::Code::SectionEmpty)
        };
        for d in ctx.diags.iter_mut().filter(|d| sections(d)) {
            d.demote_because("runbooks.section_problems is `warning`");
        }
    }
    (Some(doc), ctx.diags)
}

#[cfg(test)]
mod tests {
    use super::contained;

    #[test]
    fn a_contained_panic_gives_none_and_leaves_the_caller_running() {
        assert_eq!(contained(|| 1), Some(1));
        assert_eq!(contained(|| -> i32 { panic!("a parser bug") }), None);
        let inner_failed = contained(|| contained(|| -> i32 { panic!("nested") }).is_none());
        assert_eq!(inner_failed, Some(true), "an inner guard leaves the outer one in force");
        assert_eq!(contained(|| 2), Some(2));
    }
}
