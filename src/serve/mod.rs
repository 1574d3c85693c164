//! `debrief serve`: build, serve the output on 127.0.0.1, watch the sources
//! and rebuild on change; open pages reload themselves, and show the
//! diagnostics over the page while the site has errors (the server keeps
//! serving the last good build meanwhile).
//!
//! An edit to documents under `content/` is a quick rebuild: only those
//! files are read again, the rules across documents run again, and only the
//! pages that show them are rendered (`site::partial`); the search index
//! follows once the pages are out. Anything else (debrief.yml, the theme, the
//! incident log, a file outside the four content folders), a deletion, and an
//! edit that would leave a page that should go, rebuilds it all.

mod http;
mod watch;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Instant;

use anyhow::Context;

use crate::check::{self, Checked};
use crate::diagnostic::{self, Diagnostic, Format};
use crate::model::Document;
use crate::site::partial::{Partial, SimilarBySlug};
use crate::time::Today;

pub struct ServeOptions {
    pub site_dir: PathBuf,
    pub bind: std::net::IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    /// Leave draft post-mortems out (serve shows them by default: it is for authors).
    pub no_drafts: bool,
}

/// What the server tells open pages: each build bumps `generation`; `errors`
/// holds the diagnostics (as text) while the site has errors; `recent` says
/// which output files each of the last builds changed, so that only the
/// pages that changed reload.
#[derive(Debug, Clone, Default)]
pub struct LiveState {
    pub generation: u64,
    pub errors: Option<String>,
    pub recent: std::collections::VecDeque<(u64, Changed)>,
}

/// The output files a build changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    All,
    Files(Vec<String>),
}

/// How many builds' changes are remembered for pages that missed some.
const RECENT: usize = 32;

impl LiveState {
    /// What changed after generation `seen`: every file, when that is further back than remembered.
    pub fn changed_since(&self, seen: u64) -> Changed {
        let oldest = self.recent.front().map_or(self.generation + 1, |(g, _)| *g);
        if seen + 1 < oldest {
            return Changed::All;
        }
        let mut files = Vec::new();
        for (_, c) in self.recent.iter().filter(|(g, _)| *g > seen) {
            match c {
                Changed::All => return Changed::All,
                Changed::Files(f) => files.extend(f.iter().cloned()),
            }
        }
        files.sort();
        files.dedup();
        Changed::Files(files)
    }
}

/// The state shared by the rebuild loop and the request threads.
pub struct Shared {
    pub out: PathBuf,
    pub state: Mutex<LiveState>,
    pub changed: Condvar,
}

impl Shared {
    fn publish(&self, errors: Option<String>, changed: Changed) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if errors.is_none() && changed == Changed::Files(Vec::new()) && s.errors.is_none() {
            return; // nothing for open pages to do
        }
        s.generation += 1;
        s.errors = errors;
        let generation = s.generation;
        s.recent.push_back((generation, changed));
        if s.recent.len() > RECENT {
            s.recent.pop_front();
        }
        self.changed.notify_all();
    }
}

/// Runs until the process is stopped. Returns an exit status only when it
/// cannot start.
pub fn serve(opts: &ServeOptions, today: Today) -> anyhow::Result<()> {
    let out = serve_dir(&opts.site_dir)?;
    // Watch events name canonical paths; so does the session.
    let site_dir = std::fs::canonicalize(&opts.site_dir)?;
    let shared =
        Arc::new(Shared { out: out.clone(), state: Mutex::new(LiveState::default()), changed: Condvar::new() });
    let server = http::Server::bind(opts.bind, opts.port, Arc::clone(&shared))?;
    let mut session = Session::new(&site_dir, !opts.no_drafts, today, out);
    let t = Instant::now();
    let errors = session.full_build();
    report(&errors, t, "built", None);
    shared.publish(errors, Changed::All);
    let url = format!("http://{}/", server.addr());
    println!("serving {} at {url} (Ctrl-C to stop)", crate::source::display_path(&opts.site_dir));
    if opts.open {
        open_browser(&url);
    }
    let watcher = watch::Watcher::start(&site_dir, &session.watched_files())?;
    std::thread::spawn(move || server.run());
    loop {
        let changed = watcher.next_batch();
        let t = Instant::now();
        let Some(built) = session.rebuild(&changed) else { continue };
        let pages = match &built.changed {
            Changed::Files(f) => Some(f.len()),
            Changed::All => None,
        };
        report(&built.errors, t, "rebuilt", pages);
        shared.publish(built.errors, built.changed);
        let t = Instant::now();
        if let Some(changed) = session.follow_up() {
            if crate::progress::verbose() {
                let n = match &changed {
                    Changed::Files(f) => f.len(),
                    Changed::All => 0,
                };
                eprintln!("then {n} list pages and search files in {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
            }
            shared.publish(None, changed);
        }
    }
}

fn report(errors: &Option<String>, t: Instant, what: &str, pages: Option<usize>) {
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    match errors {
        Some(text) => eprintln!("{text}the site has errors: open pages show them, and the last good build (if any) is still served ({ms:.0} ms)"),
        None if !crate::progress::quiet() => {
            let pages = pages
                .map(|n| if n == 1 { ", 1 file changed".to_string() } else { format!(", {n} files changed") })
                .unwrap_or_default();
            eprintln!("{what} in {ms:.0} ms{pages}");
        }
        None => {}
    }
}

/// A folder of its own for each site, under the system's temporary folder,
/// emptied at start: the site's own `public/` is left alone.
fn serve_dir(site: &Path) -> anyhow::Result<PathBuf> {
    use std::hash::{Hash, Hasher};
    let abs = std::fs::canonicalize(site).with_context(|| format!("cannot read {}", site.display()))?;
    if !abs.join("content").is_dir() {
        anyhow::bail!("{} has no content/ folder: pass a site folder, or run `debrief init`", site.display());
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    abs.hash(&mut h);
    let dir = std::env::temp_dir().join(format!("debrief-serve-{:016x}", h.finish())).join("public");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot empty {}", dir.display()))?;
    }
    Ok(dir)
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("note: could not start a browser ({opener}); open {url} yourself");
    }
}

/// The last good build and what is needed to update it.
struct Session {
    site_dir: PathBuf,
    out: PathBuf,
    today: Today,
    drafts: bool,
    /// The site as last read (even when it had errors), with its diagnostics' parts.
    checked: Option<Checked>,
    theme: Option<crate::theme::Theme>,
    similar: Arc<SimilarBySlug>,
    /// Whether `out` holds a complete build.
    built: bool,
    /// Pages that changed while the site had errors, rendered once it has none.
    pending: Partial,
    /// What waits until open pages were told to reload: the pages that list
    /// everything, and the search index.
    deferred: Option<Partial>,
    /// A hash of each file in the output, so a rebuild writes (and reloads)
    /// only the files whose bytes changed.
    hashes: Mutex<HashMap<String, u64>>,
}

/// What a rebuild did.
struct Built {
    errors: Option<String>,
    changed: Changed,
}

impl Session {
    fn new(site_dir: &Path, drafts: bool, today: Today, out: PathBuf) -> Session {
        Session {
            site_dir: site_dir.to_path_buf(),
            out,
            today,
            drafts,
            checked: None,
            theme: None,
            similar: Arc::default(),
            built: false,
            pending: Partial::default(),
            deferred: None,
            hashes: Mutex::default(),
        }
    }

    /// Writes `file` into the output unless it is there already, byte for
    /// byte; returns its path when it was written.
    fn write(&self, file: &crate::output::OutputFile, written: &Mutex<Vec<String>>) -> anyhow::Result<()> {
        let hash = crate::text::fnv_hash(&file.bytes);
        let mut hashes = self.hashes.lock().unwrap_or_else(|e| e.into_inner());
        if hashes.get(&file.path) == Some(&hash) {
            return Ok(());
        }
        hashes.insert(file.path.clone(), hash);
        drop(hashes);
        crate::output::write_in_place(&self.out, file)?;
        written.lock().unwrap_or_else(|e| e.into_inner()).push(file.path.clone());
        Ok(())
    }

    /// Files outside `content/` whose change means a full rebuild.
    fn watched_files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.site_dir.join(crate::config::FILE_NAME)];
        if let Some(c) = &self.checked {
            let log = c.site.settings.config.trends.incident_log.trim();
            if !log.is_empty() {
                files.push(self.site_dir.join(log));
            }
        }
        files
    }

    fn options(&self, partial: Option<Partial>) -> crate::site::BuildOptions {
        crate::site::BuildOptions {
            drafts: self.drafts,
            base_url: Some("/".into()),
            partial,
            similar: Some(Arc::clone(&self.similar)),
            keep_similar: true,
        }
    }

    /// Everything, as `debrief build` does. Returns the errors, if any.
    fn full_build(&mut self) -> Option<String> {
        self.deferred = None;
        let checked = match check::check_and_render(&self.site_dir, self.today) {
            Ok(c) => c,
            Err(check::CheckError::Config(diags)) => return Some(text(&diags, 1)),
            Err(check::CheckError::Setup(e)) => return Some(format!("error: {e:#}\n")),
        };
        let errors = has_errors(&checked.diagnostics).then(|| text(&checked.diagnostics, checked.files_checked));
        self.checked = Some(checked);
        if errors.is_some() {
            return errors;
        }
        match self.render_all() {
            Ok(()) => {
                self.built = true;
                self.pending = Partial::default();
                None
            }
            Err(e) => Some(format!("error: {e:#}\n")),
        }
    }

    fn render_all(&mut self) -> anyhow::Result<()> {
        let checked = self.checked.as_ref().expect("checked before rendering");
        let theme = crate::theme::Theme::load(&self.site_dir, &checked.site.settings.config.theme)?;
        let staging = crate::output::Staging::new(&self.out)?;
        let opts = crate::site::BuildOptions { similar: None, ..self.options(None) };
        let hashes = Mutex::new(HashMap::new());
        let rendered = crate::site::render(&checked.site, &checked.enrichment, &theme, &opts, &|file| {
            hashes
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(file.path.clone(), crate::text::fnv_hash(&file.bytes));
            staging.write(&file)
        })?;
        staging.commit()?;
        self.hashes = hashes;
        self.similar = Arc::new(rendered.similar.unwrap_or_default());
        self.theme = Some(theme);
        Ok(())
    }

    /// After a batch of changed paths: a quick rebuild when only documents
    /// changed and the last build is complete, else a full one.
    /// None when nothing that matters changed.
    fn rebuild(&mut self, changed: &[PathBuf]) -> Option<Built> {
        let content = self.site_dir.join("content");
        // Editors' and tools' scratch files come and go under content/ (sed -i,
        // atomic saves): a path there that is neither markdown nor a folder is none of ours.
        let relevant =
            |p: &&PathBuf| !p.starts_with(&content) || p.extension().is_some_and(|e| e == "md") || p.is_dir();
        let changed: Vec<&PathBuf> = changed.iter().filter(relevant).collect();
        if changed.is_empty() {
            return None;
        }
        let docs: Option<Vec<String>> = changed.iter().map(|p| self.document_path(p)).collect();
        // A quick rebuild writes pages over the last build and removes none: a
        // deleted document's page, and the pages its lists no longer fill,
        // would stay. Deletions are rare, so they take a full build.
        let deleted = |docs: &[String]| docs.iter().any(|d| !self.site_dir.join(d).is_file());
        let quick = match docs {
            Some(docs) if self.built && self.checked.is_some() && self.theme.is_some() && !deleted(&docs) => {
                self.quick(&docs)
            }
            _ => None,
        };
        Some(quick.unwrap_or_else(|| Built { errors: self.full_build(), changed: Changed::All }))
    }

    /// `content/<folder>/….md` for a path under one of the four folders; None otherwise.
    fn document_path(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.site_dir).ok()?;
        let rel: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let ok = rel.len() >= 3
            && rel[0] == "content"
            && crate::source::Kind::from_folder(&rel[1]).is_some()
            && rel.last().is_some_and(|name| name.ends_with(".md") && !name.starts_with(['.', '_']));
        ok.then(|| rel.join("/"))
    }

    /// None when an edit would leave pages that should go (`DocRef::pages_key`):
    /// that takes a full build.
    fn quick(&mut self, docs: &[String]) -> Option<Built> {
        let checked = self.checked.as_mut().expect("a quick rebuild follows a full one");
        let today = checked.site.settings.today.date;
        let mut parsed = Vec::new();
        for rel in docs {
            let path = self.site_dir.join(rel);
            let (doc, diags) = check::parse_path(rel, &path, &checked.site.settings, crate::render::Bodies::Html);
            let old = find(&checked.site, rel).map(|d| d.pages_key(today));
            if old.is_some() && old != doc.as_ref().map(|d| DocRef::from(d).pages_key(today)) {
                return None;
            }
            parsed.push((rel, doc, diags));
        }
        let mut partial = std::mem::take(&mut self.pending);
        // A second pass still owed from the last edit is folded into this one.
        if let Some(owed) = self.deferred.take() {
            merge(&mut partial, owed);
        }
        for (rel, doc, diags) in parsed {
            let old = find(&checked.site, rel);
            affects(&mut partial, rel, old, doc.as_ref());
            checked.by_file.remove(rel);
            if !diags.is_empty() {
                checked.by_file.insert(rel.clone(), diags);
            }
            checked.site.replace(rel, doc);
        }
        let t = Instant::now();
        checked.diagnostics = check::diagnose(&checked.site, &checked.enrichment, &checked.by_file, &checked.other);
        crate::progress::stage_time("rules across documents", t);
        if has_errors(&checked.diagnostics) {
            let errors = text(&checked.diagnostics, checked.files_checked);
            self.pending = partial;
            return Some(Built { errors: Some(errors), changed: Changed::Files(Vec::new()) });
        }
        partial.heavy = false;
        let t = Instant::now();
        let result = self.render_partial(partial.clone());
        crate::progress::stage_time("pages", t);
        self.deferred = Some(Partial { heavy: true, ..partial });
        Some(match result {
            Ok(files) => Built { errors: None, changed: Changed::Files(files) },
            Err(e) => Built { errors: Some(format!("error: {e:#}\n")), changed: Changed::Files(Vec::new()) },
        })
    }

    /// Renders the pages `partial` wants into the output; returns the files that changed.
    fn render_partial(&self, partial: Partial) -> anyhow::Result<Vec<String>> {
        let (Some(checked), Some(theme)) = (&self.checked, &self.theme) else { return Ok(Vec::new()) };
        let opts = self.options(Some(partial));
        let written = Mutex::new(Vec::new());
        crate::site::render(&checked.site, &checked.enrichment, theme, &opts, &|file| self.write(&file, &written))?;
        Ok(written.into_inner().unwrap_or_else(|e| e.into_inner()))
    }

    /// The second pass of a quick rebuild, once open pages have their reload:
    /// the pages that list everything, and the search index. Returns what it changed.
    fn follow_up(&mut self) -> Option<Changed> {
        let partial = self.deferred.take()?;
        let checked = self.checked.as_ref()?;
        let mut files = match self.render_partial(partial) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("warning: the list pages were not updated: {e:#}");
                Vec::new()
            }
        };
        let opts = self.options(Some(Partial::default()));
        let written = Mutex::new(Vec::new());
        let t = Instant::now();
        let search =
            crate::site::render_search(&checked.site, &checked.enrichment, &opts, &|file| self.write(&file, &written));
        match search {
            Ok(()) => crate::progress::stage_time("search index", t),
            Err(e) => eprintln!("warning: the search index was not updated: {e:#}"),
        }
        files.extend(written.into_inner().unwrap_or_else(|e| e.into_inner()));
        Some(Changed::Files(files))
    }
}

/// Adds what `more` renders to `into`.
fn merge(into: &mut Partial, more: Partial) {
    into.documents.extend(more.documents);
    into.lists |= more.lists;
    into.terms.extend(more.terms);
    into.alerts.extend(more.alerts);
    into.runbooks.extend(more.runbooks);
}

fn has_errors(diags: &[Diagnostic]) -> bool {
    diagnostic::counts(diags).0 > 0
}

/// The diagnostics as the terminal shows them, without colour.
fn text(diags: &[Diagnostic], files: usize) -> String {
    diagnostic::render(diags, Format::Human, false, files)
}

/// The document read from `rel` last time.
fn find<'a>(site: &'a crate::model::Site, rel: &str) -> Option<DocRef<'a>> {
    let by = |p: &str| p == rel;
    site.incidents
        .iter()
        .find(|d| by(&d.meta.rel_path))
        .map(DocRef::Incident)
        .or_else(|| site.runbooks.iter().find(|d| by(&d.meta.rel_path)).map(DocRef::Runbook))
        .or_else(|| site.statuses.iter().find(|d| by(&d.meta.rel_path)).map(|d| DocRef::Other(&d.meta)))
        .or_else(|| site.pages.iter().find(|d| by(&d.meta.rel_path)).map(|d| DocRef::Other(&d.meta)))
}

/// A document, old (in the site) or new (just parsed), as far as other pages care.
enum DocRef<'a> {
    Incident(&'a crate::incident::Incident),
    Runbook(&'a crate::runbook::Runbook),
    /// A status template or a free page.
    Other(&'a crate::document::Meta),
}

impl<'a> From<&'a Document> for DocRef<'a> {
    fn from(d: &'a Document) -> Self {
        match d {
            Document::Incident(i) => DocRef::Incident(i),
            Document::Runbook(r) => DocRef::Runbook(r),
            Document::Status(s) => DocRef::Other(&s.meta),
            Document::Page(p) => DocRef::Other(&p.meta),
        }
    }
}

impl DocRef<'_> {
    /// What pages other than its own show of it; None for status templates
    /// and free pages, whose any edit relists them.
    fn list_key(&self) -> Option<String> {
        match self {
            DocRef::Incident(i) => Some(incident_key(i)),
            DocRef::Runbook(r) => Some(runbook_key(r)),
            DocRef::Other(_) => None,
        }
    }

    /// What decides which output files exist because of it: its own page, the
    /// lists it is on and the list pages it fills (the pages of its services,
    /// tags and alerts, and of its action items' owners and states). Equal
    /// before and after an edit, no page can have gone; a quick rebuild
    /// writes pages but removes none.
    fn pages_key(&self, today: chrono::NaiveDate) -> String {
        match self {
            DocRef::Incident(i) => {
                let items: Vec<_> = i
                    .action_items
                    .iter()
                    .map(|a| (a.owner_name(), crate::site::action_items::state(a, today)))
                    .collect();
                format!("{:?}", (&i.meta.slug, i.status, &i.services, &i.tags, items))
            }
            DocRef::Runbook(r) => {
                let alerts: Vec<_> = r.alerts.iter().map(|a| &a.value).collect();
                format!("{:?}", (&r.meta.slug, &r.service, &r.tags, alerts))
            }
            DocRef::Other(meta) => format!("{:?}", meta.slug),
        }
    }

    /// The services, tags, alerts and runbooks whose pages show it.
    fn names(&self) -> Names {
        match self {
            DocRef::Incident(i) => Names {
                terms: i.services.iter().chain(&i.tags).cloned().collect(),
                alerts: HashSet::new(),
                runbooks: i.runbooks.iter().map(|r| crate::site::runbook_ref_slug(&r.value)).collect(),
            },
            DocRef::Runbook(r) => Names {
                terms: std::iter::once(&r.service).chain(&r.tags).cloned().collect(),
                alerts: r.alerts.iter().map(|a| a.value.clone()).collect(),
                runbooks: HashSet::from([r.meta.slug.clone()]),
            },
            DocRef::Other(_) => Names::default(),
        }
    }
}

/// Adds to `partial` the pages an edit of `rel` touches: its own, and when
/// something lists show changed (or the document is new or gone), the lists,
/// and the pages of the services, tags, alerts and runbooks it names, before
/// and after.
fn affects(partial: &mut Partial, rel: &str, old: Option<DocRef>, new: Option<&Document>) {
    partial.documents.insert(rel.to_string());
    let new = new.map(DocRef::from);
    let old_key = old.as_ref().and_then(DocRef::list_key);
    if old_key.is_some() && old_key == new.as_ref().and_then(DocRef::list_key) {
        return;
    }
    partial.lists = true;
    for names in old.iter().chain(&new).map(DocRef::names) {
        partial.terms.extend(names.terms);
        partial.alerts.extend(names.alerts);
        partial.runbooks.extend(names.runbooks);
    }
}

#[derive(Default)]
struct Names {
    terms: HashSet<String>,
    alerts: HashSet<String>,
    runbooks: HashSet<String>,
}

/// Everything about a document that pages other than its own show. Equal
/// keys before and after an edit (a change to the body's prose, say) mean
/// only its own page changes.
fn incident_key(i: &crate::incident::Incident) -> String {
    let items: Vec<_> = i
        .action_items
        .iter()
        .map(|a| {
            let f = |f: &Option<crate::action_item::Field>| f.as_ref().map(|f| f.text.clone());
            (&a.text, f(&a.owner), f(&a.due), f(&a.kind), f(&a.ticket), format!("{:?}", a.status))
        })
        .collect();
    format!(
        "{:?}",
        (
            (&i.meta.title, &i.meta.id, &i.meta.slug, &i.meta.summary, &i.severity, i.status),
            (&i.times, i.published_on, &i.services, &i.tags, &i.detected_by, &i.root_cause_category),
            (
                i.runbooks.iter().map(|r| &r.value).collect::<Vec<_>>(),
                i.related.iter().map(|r| &r.value).collect::<Vec<_>>()
            ),
            items,
        )
    )
}

fn runbook_key(r: &crate::runbook::Runbook) -> String {
    format!(
        "{:?}",
        (
            (&r.meta.title, &r.meta.id, &r.meta.slug, &r.meta.summary, &r.service, &r.owner),
            (r.alerts.iter().map(|a| &a.value).collect::<Vec<_>>(), &r.tags, &r.severity, r.last_reviewed, r.stale),
        )
    )
}
