//! Rendering the site: the parsed `Site` in, `OutputFile`s out. Pure: no file
//! system, no clock; "today" and every option arrive as data.

pub mod action_items;
pub mod context;
pub mod feeds;
pub mod links;
pub mod pager;
pub mod partial;
pub mod search;
pub mod trends;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, FixedOffset};
use minijinja::Value;
use rayon::prelude::*;

use crate::action_item::Status as ItemStatus;
use crate::incident::{Incident, Status};
use crate::model::Site;
use crate::output::OutputFile;
use crate::runbook::Runbook;
use crate::status::{StatusTemplate, PHASES};
use crate::theme::Theme;
use context::*;
use links::{dir, Linker};
use pager::Slice;

/// What `build` was asked for, beyond the config.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Include draft post-mortems.
    pub drafts: bool,
    /// Overrides `base_url` from the config.
    pub base_url: Option<String>,
    /// Serve mode's quick rebuild: only these pages (no search index or sitemap).
    pub partial: Option<partial::Partial>,
    /// Similar incidents from the last full build, for a quick rebuild.
    pub similar: Option<std::sync::Arc<partial::SimilarBySlug>>,
    /// Return the similar incidents found (serve keeps them for quick rebuilds).
    pub keep_similar: bool,
}

/// Lookups over the site, built once and shared by every page.
pub struct Index<'a> {
    pub site: &'a Site,
    pub git: &'a crate::git::Enrichment,
    pub linker: Linker,
    pub base_url: String,
    /// Published (and, with `--drafts`, draft) post-mortems, newest first.
    pub incidents: Vec<&'a Incident>,
    pub runbooks: Vec<&'a Runbook>,
    runbook_by_slug: HashMap<&'a str, &'a Runbook>,
    incident_by_slug: HashMap<&'a str, &'a Incident>,
    incident_by_path: HashMap<&'a str, &'a Incident>,
    /// Runbook slug → the post-mortems (newest first) whose `runbooks:` name it.
    runbook_users: HashMap<String, Vec<&'a Incident>>,
    /// Similar past incidents of each of `incidents` (indices into it).
    similar: Vec<Vec<crate::similar::Suggestion>>,
}

/// The runbook slug a `runbooks:` entry names (a leading `runbooks/` is allowed).
pub fn runbook_ref_slug(reference: &str) -> String {
    crate::url::path_slug(reference.strip_prefix("runbooks/").unwrap_or(reference))
}

impl<'a> Index<'a> {
    pub fn new(site: &'a Site, git: &'a crate::git::Enrichment, opts: &BuildOptions) -> Index<'a> {
        let mut ix = Index::without_similar(site, git, opts);
        let t = std::time::Instant::now();
        ix.similar = match &opts.similar {
            Some(kept) if opts.partial.is_some() => partial::by_position(&ix.incidents, kept),
            _ => crate::similar::find(&ix.incidents),
        };
        crate::check::stage_time("similar incidents", t);
        ix
    }

    /// The lookups alone: `similar` is left empty for the caller to fill.
    fn without_similar(site: &'a Site, git: &'a crate::git::Enrichment, opts: &BuildOptions) -> Index<'a> {
        let mut incidents: Vec<&Incident> = site.incidents.iter().filter(|i| opts.drafts || !i.is_draft()).collect();
        incidents.sort_by(|a, b| b.times.started.cmp(&a.times.started).then_with(|| a.meta.slug.cmp(&b.meta.slug)));
        let mut runbooks: Vec<&Runbook> = site.runbooks.iter().collect();
        runbooks
            .sort_by(|a, b| (&a.service, &a.meta.title, &a.meta.slug).cmp(&(&b.service, &b.meta.title, &b.meta.slug)));
        let mut runbook_users: HashMap<String, Vec<&Incident>> = HashMap::new();
        for i in &incidents {
            for r in &i.runbooks {
                runbook_users.entry(runbook_ref_slug(&r.value)).or_default().push(i);
            }
        }
        Index {
            site,
            git,
            runbook_users,
            similar: Vec::new(),
            linker: Linker { pretty: site.settings.config.pretty_urls },
            base_url: opts.base_url.clone().unwrap_or_else(|| site.settings.config.base_url.clone()),
            runbook_by_slug: runbooks.iter().map(|r| (r.meta.slug.as_str(), *r)).collect(),
            incident_by_slug: incidents.iter().map(|i| (i.meta.slug.as_str(), *i)).collect(),
            incident_by_path: incidents.iter().map(|i| (i.meta.rel_path.as_str(), *i)).collect(),
            incidents,
            runbooks,
        }
    }

    /// The built post-mortem whose source is `rel_path`.
    pub fn incident_by_path(&self, rel_path: &str) -> Option<&'a Incident> {
        self.incident_by_path.get(rel_path).copied()
    }

    /// Created/updated dates of a document, when git knows them.
    fn dates(&self, rel_path: &str) -> Option<Dates> {
        self.git.dates.get(rel_path).map(|d| Dates {
            created: d.created.format("%Y-%m-%d").to_string(),
            updated: d.updated.format("%Y-%m-%d").to_string(),
        })
    }

    fn is_stale(&self, r: &Runbook) -> bool {
        r.stale || crate::validate::stale_since(r, self.git, &self.site.settings).is_some()
    }

    fn commit_url(&self, repo: &str, sha: &str) -> Option<String> {
        crate::git::commit_url(&self.site.settings.config.commit_url, repo, sha)
            .filter(|u| crate::render::is_safe_url(u))
    }

    fn trends_context(&self) -> crate::trends::Context<'_> {
        crate::trends::Context { settings: &self.site.settings, dates: &self.git.dates }
    }

    fn today(&self) -> chrono::NaiveDate {
        self.site.settings.today.date
    }

    /// An absolute URL for a page folder, when `base_url` is absolute.
    pub fn absolute(&self, dir: &str) -> Option<String> {
        let base = self.base_url.trim_end_matches('/');
        (base.starts_with("http://") || base.starts_with("https://")).then(|| {
            if dir.is_empty() {
                format!("{base}/")
            } else {
                format!("{base}/{dir}/")
            }
        })
    }

    fn layout(&self, from: &str, title: &str, description: &str) -> Layout {
        let nav = [
            ("Incidents", dir::INCIDENTS),
            ("Runbooks", dir::RUNBOOKS),
            ("Alerts", dir::ALERTS),
            ("Status updates", dir::STATUS),
            ("Trends", dir::TRENDS),
        ]
        .into_iter()
        .map(|(text, to)| NavLink {
            text,
            href: self.linker.page(from, to),
            current: from == to || from.starts_with(&format!("{to}/")),
        })
        .collect();
        let config = &self.site.settings.config;
        Layout {
            site_title: config.title.clone(),
            title: title.to_string(),
            description: description.to_string(),
            home: self.linker.page(from, dir::HOME),
            css: self.linker.file_link(from, "static/debrief.css"),
            favicon: self.linker.file_link(from, "static/favicon.svg"),
            js: self.linker.file_link(from, "static/debrief.js"),
            nav,
            canonical: self.absolute(from),
            feed: self.linker.file_link(from, "feed.xml"),
            today: self.today().to_string(),
            root: self.linker.file_link(from, ""),
            search: self.linker.page(from, dir::SEARCH),
            search_js: self.linker.file_link(from, "static/search.js"),
            header_search: true,
        }
    }

    fn severity(&self, from: &str, id: &Option<String>, rank: Option<usize>) -> Option<Severity> {
        let id = id.as_ref()?;
        let href = self.linker.page_in(from, dir::SEVERITIES, &dir::term(id));
        Some(Severity { id: id.clone(), class: severity_class(rank), href })
    }

    fn service_links(&self, from: &str, names: &[String]) -> Vec<Link> {
        names
            .iter()
            .map(|n| Link { text: n.clone(), href: self.linker.page_in(from, dir::SERVICES, &dir::term(n)) })
            .collect()
    }

    fn item_counts(&self, i: &Incident) -> (usize, usize) {
        let open = i.action_items.iter().filter(|a| a.status == ItemStatus::Open);
        open.fold((0, 0), |(n, late), a| (n + 1, late + usize::from(a.is_overdue(self.today()))))
    }

    pub fn incident_row(&self, from: &str, i: &Incident) -> IncidentRow {
        let (open_items, overdue_items) = self.item_counts(i);
        let started = i.start_date();
        IncidentRow {
            id: i.meta.id.clone(),
            title: i.meta.title.clone(),
            href: self.linker.page_in(from, dir::INCIDENTS, &i.meta.slug),
            severity: self.severity(from, &i.severity, i.severity_rank),
            services: self.service_links(from, &i.services),
            date: started.map(crate::time::iso_date).unwrap_or_default(),
            year: started.map_or(0, |d| d.year()),
            duration: duration_between(i.times.started, i.times.resolved).map(human_duration),
            status: status_label(i.status).into(),
            open_items,
            overdue_items,
        }
    }

    fn runbook_row(&self, from: &str, r: &Runbook) -> RunbookRow {
        RunbookRow {
            title: r.meta.title.clone(),
            href: self.linker.page(from, &dir::runbook(&r.meta.slug)),
            service: r.service.clone(),
            owner: r.owner.clone(),
            alerts: r
                .alerts
                .iter()
                .map(|a| Link { text: a.value.clone(), href: self.linker.page(from, &dir::alert(&a.value)) })
                .collect(),
            stale: self.is_stale(r),
            summary: r.meta.summary.clone(),
        }
    }

    /// Runbooks by service, at most `limit` of each (0: all).
    fn runbook_groups(&self, from: &str, runbooks: &[&Runbook], limit: usize) -> Vec<Group<RunbookRow>> {
        let mut groups: BTreeMap<&str, Vec<&Runbook>> = BTreeMap::new();
        for r in runbooks {
            groups.entry(r.service.as_str()).or_default().push(r);
        }
        groups
            .into_iter()
            .map(|(name, all)| {
                let shown = if limit == 0 { all.len() } else { all.len().min(limit) };
                Group {
                    name: name.to_string(),
                    href: Some(self.linker.page(from, &dir::service(name))),
                    items: all[..shown].iter().map(|r| self.runbook_row(from, r)).collect::<Vec<_>>().into(),
                    more: all.len() - shown,
                }
            })
            .collect()
    }

    fn status_row(&self, from: &str, s: &StatusTemplate) -> StatusRow {
        StatusRow {
            title: s.meta.title.clone(),
            href: self.linker.page(from, &dir::status(&s.meta.slug)),
            phase: s.phase.clone().unwrap_or_default(),
            audience: s.audience.clone(),
        }
    }

    fn statuses(&self) -> Vec<&'a StatusTemplate> {
        let mut all: Vec<&StatusTemplate> = self.site.statuses.iter().collect();
        let phase_rank =
            |s: &StatusTemplate| PHASES.iter().position(|p| Some(*p) == s.phase.as_deref()).unwrap_or(PHASES.len());
        all.sort_by(|a, b| {
            (phase_rank(a), &a.audience, &a.meta.title).cmp(&(phase_rank(b), &b.audience, &b.meta.title))
        });
        all
    }

    fn cadence(&self, from: &str) -> Vec<Cadence> {
        self.site
            .settings
            .scale
            .levels
            .iter()
            .map(|l| Cadence {
                severity: self.severity(from, &Some(l.id.clone()), Some(l.rank)).expect("a level has an id"),
                every: l.update_every.map(human_duration).unwrap_or_else(|| "when there is news".into()),
                description: l.description.clone(),
            })
            .collect()
    }
}

/// The CSS class of a severity badge (or chart band): `sev-1` … `sev-4` for
/// the first four levels of the scale, `sev-other` for the rest and for none.
pub fn severity_class(rank: Option<usize>) -> String {
    match rank {
        Some(r) if r < 4 => format!("sev-{}", r + 1),
        _ => "sev-other".into(),
    }
}

pub fn status_label(s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Draft) => "draft",
        Some(Status::InReview) => "in review",
        Some(Status::Published) => "published",
        None => "",
    }
}

pub fn duration_between(a: Option<DateTime<FixedOffset>>, b: Option<DateTime<FixedOffset>>) -> Option<Duration> {
    Some(b? - a?)
}

/// `45 min`, `1 h 5 min`, `2 d 4 h`.
pub fn human_duration(d: Duration) -> String {
    let mins = d.num_minutes().max(0);
    let (days, hours, minutes) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    match (days, hours, minutes) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// `2025-03-25 14:15 UTC` or `2025-06-12 09:40 UTC+01:00`.
pub fn show_time(t: DateTime<FixedOffset>) -> String {
    let offset = t.offset().local_minus_utc();
    if offset == 0 {
        t.format("%Y-%m-%d %H:%M UTC").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M UTC%:z").to_string()
    }
}

pub use crate::output::Emit;

/// One unit of rendering work: a page (or file) and what it needs.
enum Job<'a> {
    Home,
    /// One page (`slice`) of a list of post-mortems in `dir`.
    IncidentList {
        dir: String,
        heading: String,
        items: Arc<[&'a Incident]>,
        slice: Slice,
    },
    Incident(usize),
    RunbookList,
    Runbook(&'a Runbook),
    AlertList,
    Alert(String, &'a Runbook),
    StatusList,
    Status(&'a StatusTemplate),
    Term {
        kind: &'static str,
        name: String,
        incidents: Arc<[&'a Incident]>,
        runbooks: Vec<&'a Runbook>,
        slice: Slice,
    },
    TermList(&'static str, Vec<FilterLink>),
    Page(&'a crate::page::Page),
    Search,
    Trends,
    /// One page (`slice`) of list `list` of `lists`.
    ActionItems {
        lists: Arc<action_items::Lists<'a>>,
        list: usize,
        slice: Slice,
    },
    Calendar,
    NotFound,
    Feed,
    Export,
    Static(&'a str, &'a [u8]),
}

impl Job<'_> {
    /// A file listing every post-mortem or action item: the longest to make.
    fn lists_everything(&self) -> bool {
        match self {
            Job::IncidentList { dir, slice, .. } => dir == dir::INCIDENTS && slice.pages == 1,
            Job::ActionItems { list, slice, .. } => *list == 0 && slice.pages == 1,
            Job::Calendar | Job::Export => true,
            _ => false,
        }
    }
}

/// What `render` made.
pub struct Rendered {
    /// HTML pages (all of them, or a quick rebuild's).
    pub pages: usize,
    /// The similar incidents it computed (a full build), for the next quick rebuild.
    pub similar: Option<partial::SimilarBySlug>,
}

/// Renders every page and file of the site (or, with `opts.partial`, the
/// ones that show what changed), in parallel, handing each to `emit` as soon
/// as it is made, so no more than a page per thread is held in memory.
pub fn render(
    site: &Site,
    git: &crate::git::Enrichment,
    theme: &Theme,
    opts: &BuildOptions,
    emit: &Emit,
) -> anyhow::Result<Rendered> {
    let ix = Index::new(site, git, opts);
    if let Some(p) = &opts.partial {
        let facets = Facets::new(&ix);
        let mut jobs = jobs(&ix, &facets, theme);
        jobs.retain(|job| p.wants(&ix, job));
        let pages = jobs.len();
        run_jobs(&ix, &facets, theme, jobs, emit)?;
        return Ok(Rendered { pages, similar: None });
    }
    write_search(&ix, emit)?;
    pages(&ix, theme, opts, emit)
}

/// `render` of the whole site for a build that ends the process. A site
/// small enough to keep its bodies' HTML (`Bodies::Html`) makes its search
/// index and its pages at the same time: each leaves a core idle now and
/// then (its serial steps, the last long page), which the other fills; 3-4%
/// off a 10k build (bench/README.md, session 9). A larger site makes the
/// index first and frees the bodies' plain text, which only the index and
/// similar incidents read, before the pages (at 100,000 post-mortems, about
/// 140 MB off the peak): there, memory is what runs out first.
pub fn render_once(
    site: &mut Site,
    git: &crate::git::Enrichment,
    theme: &Theme,
    opts: &BuildOptions,
    emit: &Emit,
) -> anyhow::Result<Rendered> {
    debug_assert!(opts.partial.is_none(), "a quick rebuild keeps the text for the next one");
    if site.keeps_body_html() {
        let ix = Index::new(site, git, opts);
        let (search, rendered) = rayon::join(|| write_search(&ix, emit), || pages(&ix, theme, opts, emit));
        search?;
        return rendered;
    }
    let similar = {
        let ix = Index::new(site, git, opts);
        write_search(&ix, emit)?;
        ix.similar
    };
    let t = std::time::Instant::now();
    site.free_body_text();
    let mut ix = Index::without_similar(site, git, opts);
    ix.similar = similar;
    crate::check::stage_time("pages: index", t);
    pages(&ix, theme, opts, emit)
}

/// The index first, then the pages: each is parallel inside, and their peaks
/// of memory do not add up.
fn write_search(ix: &Index, emit: &Emit) -> anyhow::Result<()> {
    let stats = search::files(ix, emit)?;
    if crate::progress::verbose() {
        eprintln!("search index: {stats:?}");
    }
    Ok(())
}

/// Every page of a whole build, then the sitemap of them.
fn pages(ix: &Index, theme: &Theme, opts: &BuildOptions, emit: &Emit) -> anyhow::Result<Rendered> {
    let facets = Facets::new(ix);
    // Setting up the lists took a second at 100,000 post-mortems (sorting
    // every action item, grouping by term), on one core: the pages of the
    // documents, which need none of it, are made meanwhile.
    let (lists, documents) = rayon::join(
        || run_jobs(ix, &facets, theme, list_jobs(ix, &facets), emit),
        || run_jobs(ix, &facets, theme, document_jobs(ix, theme), emit),
    );
    let mut pages: Vec<String> = lists?.into_iter().chain(documents?).filter(|p| p.ends_with("index.html")).collect();
    pages.sort();
    if crate::progress::verbose() {
        theme.print_timings();
    }
    emit(OutputFile::new("sitemap.xml", feeds::sitemap(ix, &pages)))?;
    let similar = opts.keep_similar.then(|| partial::by_slug(ix, &ix.similar));
    Ok(Rendered { pages: pages.len() + 1, similar })
}

/// Renders and emits every job in parallel; returns the paths written. With
/// `-v`, prints the slowest pages.
fn run_jobs(ix: &Index, facets: &Facets, theme: &Theme, jobs: Vec<Job>, emit: &Emit) -> anyhow::Result<Vec<String>> {
    let one = |job: Job| -> anyhow::Result<(f64, String)> {
        let t = std::time::Instant::now();
        let file = run(ix, facets, theme, job)?;
        let path = file.path.clone();
        emit(file)?;
        let took = t.elapsed().as_secs_f64();
        if took > 0.25 && crate::progress::verbose() {
            eprintln!("timing: page {path} {took:.3} s{}", crate::progress::memory());
        }
        Ok((took, path))
    };
    // The files that list every document are the longest jobs by far, and
    // each holds its whole page: one thread makes them one after another
    // (together, at 100,000 post-mortems, they held 300 MB more), while the
    // rest start in list order (`par_bridge` hands them out one by one), so
    // no long job is left to one thread at the end.
    let (whole_site, rest): (Vec<Job>, Vec<Job>) = jobs.into_iter().partition(Job::lists_everything);
    let (first, second) = rayon::join(
        || whole_site.into_iter().map(one).collect::<anyhow::Result<Vec<_>>>(),
        || rest.into_iter().par_bridge().map(one).collect::<anyhow::Result<Vec<_>>>(),
    );
    let timed: Vec<(f64, String)> = first?.into_iter().chain(second?).collect();
    if crate::progress::verbose() {
        let mut by_folder: BTreeMap<&str, (usize, f64)> = BTreeMap::new();
        for (secs, path) in &timed {
            let e = by_folder.entry(path.split('/').next().unwrap_or("")).or_default();
            *e = (e.0 + 1, e.1 + secs);
        }
        for (folder, (n, secs)) in by_folder.iter().filter(|(_, (_, secs))| *secs > 0.05) {
            eprintln!("timing: {n} files in {folder}/ {secs:.3} s of CPU");
        }
    }
    Ok(timed.into_iter().map(|(_, path)| path).collect())
}

/// The search index alone, for after a quick rebuild (the pages go first).
pub fn render_search(
    site: &Site,
    git: &crate::git::Enrichment,
    opts: &BuildOptions,
    emit: &Emit,
) -> anyhow::Result<()> {
    let ix = Index::new(site, git, opts);
    search::files(&ix, emit).map(|_| ())
}

/// Every job, the longest first so the threads finish together: the files
/// that list every action item or post-mortem, then the other lists, then a
/// page per document.
fn jobs<'a>(ix: &Index<'a>, facets: &Facets<'a>, theme: &'a Theme) -> Vec<Job<'a>> {
    let mut jobs = list_jobs(ix, facets);
    jobs.extend(document_jobs(ix, theme));
    jobs
}

/// The lists, the files made from every document, and the site's own pages.
fn list_jobs<'a>(ix: &Index<'a>, facets: &Facets<'a>) -> Vec<Job<'a>> {
    let per_page = ix.site.settings.config.incidents.per_page;
    let mut jobs = vec![Job::Calendar, Job::Export, Job::Trends];
    let items_per_page = ix.site.settings.config.action_items.per_page;
    let item_lists = Arc::new(action_items::lists(ix, items_per_page));
    for (list, l) in item_lists.lists.iter().enumerate() {
        // The list of every item shows its first page only: the state pages
        // hold the rest, each item once.
        let slices = pager::slices(l.entries.len(), items_per_page);
        let slices = if list == 0 { &slices[..1] } else { &slices[..] };
        for &slice in slices {
            jobs.push(Job::ActionItems { lists: item_lists.clone(), list, slice });
        }
    }
    let mut lists = vec![(dir::INCIDENTS.to_string(), "Post-mortems".to_string(), &ix.incidents)];
    lists.extend(
        facets.by_severity.iter().map(|((_, id), items)| (dir::severity(id), format!("{id} post-mortems"), items)),
    );
    lists.extend(
        facets.by_year.iter().map(|(year, items)| (dir::year(*year), format!("Post-mortems from {year}"), items)),
    );
    for (dir, heading, items) in lists {
        let items: Arc<[&Incident]> = items.as_slice().into();
        for slice in pager::slices(items.len(), per_page) {
            jobs.push(Job::IncidentList { dir: dir.clone(), heading: heading.clone(), items: items.clone(), slice });
        }
    }
    let mut seen_terms = std::collections::HashSet::new();
    for (kind, map) in terms(ix) {
        let index_dir = if kind == "Service" { dir::SERVICES } else { dir::TAGS };
        let links = map
            .iter()
            .map(|(name, (i, r))| FilterLink {
                text: name.clone(),
                href: ix.linker.page(index_dir, &term_dir(kind, name)),
                count: i.len() + r.len(),
                current: false,
            })
            .collect();
        jobs.push(Job::TermList(kind, links));
        for (name, (incidents, runbooks)) in map {
            // Two names can share a URL (`Payments`, `payments`): the first wins, so no file is written twice.
            if seen_terms.insert(term_dir(kind, &name)) {
                // The runbooks go on the first page only.
                let (incidents, mut runbooks): (Arc<[&Incident]>, _) = (incidents.into(), runbooks);
                for slice in pager::slices(incidents.len(), per_page) {
                    let runbooks = std::mem::take(&mut runbooks);
                    jobs.push(Job::Term { kind, name: name.clone(), incidents: incidents.clone(), runbooks, slice });
                }
            }
        }
    }
    jobs.extend([Job::Home, Job::Search, Job::RunbookList, Job::AlertList, Job::StatusList, Job::NotFound, Job::Feed]);
    jobs
}

/// A page per document, and the theme's static files.
fn document_jobs<'a>(ix: &Index<'a>, theme: &'a Theme) -> Vec<Job<'a>> {
    let mut jobs: Vec<Job> = (0..ix.incidents.len()).map(Job::Incident).collect();
    jobs.extend(ix.runbooks.iter().map(|r| Job::Runbook(r)));
    jobs.extend(alerts(ix).into_iter().map(|(name, r)| Job::Alert(name, r)));
    jobs.extend(ix.statuses().into_iter().map(Job::Status));
    jobs.extend(ix.site.pages.iter().map(Job::Page));
    jobs.extend(theme.statics().map(|(p, b)| Job::Static(p, b)));
    jobs
}

fn run(ix: &Index, facets: &Facets, theme: &Theme, job: Job) -> anyhow::Result<OutputFile> {
    let capacity = capacity(ix, &job);
    let page = |dir: &str, template: &str, ctx: Value| -> anyhow::Result<OutputFile> {
        Ok(OutputFile::new(Linker::file(dir), theme.render_sized(template, ctx, capacity)?))
    };
    match job {
        Job::Home => page(dir::HOME, "index.html", Value::from_serialize(home(ix))),
        Job::IncidentList { dir, heading, items, slice } => {
            let ctx = incident_list_page(ix, facets, &dir, heading, &items, slice);
            page(&pager::dir(&dir, slice.number), "incidents.html", Value::from_serialize(ctx))
        }
        Job::Incident(n) => page(
            &dir::incident(&ix.incidents[n].meta.slug),
            "incident.html",
            Value::from_serialize(incident_page(ix, n)?),
        ),
        Job::RunbookList => page(dir::RUNBOOKS, "runbooks.html", Value::from_serialize(runbook_list(ix))),
        Job::Runbook(r) => {
            page(&dir::runbook(&r.meta.slug), "runbook.html", Value::from_serialize(runbook_page(ix, r)?))
        }
        Job::AlertList => page(dir::ALERTS, "alerts.html", Value::from_serialize(alert_list(ix))),
        Job::Alert(name, r) => {
            page(&dir::alert(&name), "alert.html", Value::from_serialize(alert_page(ix, name.clone(), r)))
        }
        Job::StatusList => page(dir::STATUS, "status_list.html", Value::from_serialize(status_list(ix))),
        Job::Status(s) => page(&dir::status(&s.meta.slug), "status.html", Value::from_serialize(status_page(ix, s))),
        Job::Term { kind, name, incidents, runbooks, slice } => {
            let base = term_dir(kind, &name);
            let from = pager::dir(&base, slice.number);
            let ctx = TermPage {
                layout: ix.layout(&from, &page_title(&name, slice), &format!("{kind}: {name}")),
                kind,
                incidents: slice.of(&incidents).iter().map(|i| ix.incident_row(&from, i)).collect(),
                count: incidents.len(),
                pager: pager::pager(&ix.linker, &base, slice, incidents.len()),
                runbooks: runbooks.iter().map(|r| ix.runbook_row(&from, r)).collect(),
                health: (kind == "Service" && slice.number == 1).then(|| trends::service_health(ix, &name, &incidents)),
                name,
            };
            page(&from, "term.html", Value::from_serialize(ctx))
        }
        Job::TermList(kind, terms) => {
            let (from, title) = if kind == "Service" { (dir::SERVICES, "Services") } else { (dir::TAGS, "Tags") };
            page(
                from,
                "terms.html",
                Value::from_serialize(TermListPage { layout: ix.layout(from, title, title), kind, terms }),
            )
        }
        Job::Page(p) => {
            let d = dir::page(&p.meta.slug);
            let body = body(&p.meta)?;
            let ctx = FreePage {
                layout: ix.layout(&d, &p.meta.title, &p.meta.summary),
                title: &p.meta.title,
                toc: body.toc.clone(),
                body,
                dates: ix.dates(&p.meta.rel_path),
            };
            page(&d, "page.html", Value::from_serialize(ctx))
        }
        Job::Search => page(dir::SEARCH, "search.html", Value::from_serialize(search_page(ix))),
        Job::Trends => page(dir::TRENDS, "trends.html", Value::from_serialize(trends::page(ix))),
        Job::ActionItems { lists, list, slice } => page(
            &pager::dir(&lists.lists[list].dir, slice.number),
            "action_items.html",
            Value::from_serialize(action_items::page(ix, &lists, list, slice)),
        ),
        Job::Calendar => Ok(OutputFile::new("action-items.ics", action_items::calendar(ix, capacity))),
        Job::NotFound => {
            let ctx = NotFoundPage {
                layout: ix.layout(dir::HOME, "Page not found", ""),
                incidents_href: ix.linker.page(dir::HOME, dir::INCIDENTS),
                runbooks_href: ix.linker.page(dir::HOME, dir::RUNBOOKS),
                alerts_href: ix.linker.page(dir::HOME, dir::ALERTS),
            };
            Ok(OutputFile::new("404.html", theme.render("404.html", Value::from_serialize(ctx))?))
        }
        Job::Feed => Ok(OutputFile::new("feed.xml", feeds::atom(ix))),
        Job::Export => Ok(OutputFile::new("incidents.json", feeds::incidents_json(ix))),
        Job::Static(path, bytes) => Ok(OutputFile::new(format!("static/{path}"), bytes.to_vec())),
    }
}

/// Bytes to reserve for a job's file: a page's, and a kilobyte per row of a
/// list (the default theme's rows take 200–700 bytes), so a long list is
/// never copied as its buffer grows. At 100,000 post-mortems the action-items
/// page is 143 MB, and doubling its buffer briefly held 380 MB. Capacity that
/// is never written costs address space, not memory.
fn capacity(ix: &Index, job: &Job) -> usize {
    let rows = match job {
        Job::IncidentList { slice, .. } => slice.rows(),
        Job::Term { slice, runbooks, .. } => slice.rows() + runbooks.len(),
        Job::ActionItems { slice, .. } => slice.rows(),
        Job::Calendar => ix.incidents.iter().map(|i| i.action_items.len()).sum(),
        _ => 0,
    };
    crate::theme::PAGE_CAPACITY + rows * 1024
}

fn search_page(ix: &Index) -> SearchPage {
    let from = dir::SEARCH;
    let mut layout = ix.layout(from, "Search", "Search post-mortems, runbooks, alerts and status updates");
    layout.header_search = false;
    SearchPage {
        layout,
        browse: [
            ("Post-mortems", dir::INCIDENTS),
            ("Runbooks", dir::RUNBOOKS),
            ("Alerts", dir::ALERTS),
            ("Status updates", dir::STATUS),
            ("Services", dir::SERVICES),
            ("Tags", dir::TAGS),
        ]
        .into_iter()
        .map(|(text, to)| Link { text: text.into(), href: ix.linker.page(from, to) })
        .collect(),
    }
}

/// Runbooks per service on the home page: at 100,000 post-mortems and 10,000
/// runbooks, listing them all made a 6 MB front door. The rest are a click
/// away, on the service's page and on `/runbooks/`.
const HOME_RUNBOOKS_PER_SERVICE: usize = 10;

fn home(ix: &Index) -> HomePage {
    let from = dir::HOME;
    let (open, overdue) = ix.incidents.iter().map(|i| ix.item_counts(i)).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let mut layout = ix.layout(from, &ix.site.settings.config.title, "Runbooks, status updates and post-mortems");
    layout.header_search = false;
    HomePage {
        layout,
        incidents_href: ix.linker.page(from, dir::INCIDENTS),
        action_items_href: ix.linker.page(from, dir::ACTION_ITEMS),
        runbooks_href: ix.linker.page(from, dir::RUNBOOKS),
        alerts_href: ix.linker.page(from, dir::ALERTS),
        status_href: ix.linker.page(from, dir::STATUS),
        incident_count: ix.incidents.len(),
        open_items: open,
        overdue_items: overdue,
        stale_runbooks: ix.runbooks.iter().filter(|r| ix.is_stale(r)).count(),
        latest: ix.incidents.iter().take(8).map(|i| ix.incident_row(from, i)).collect(),
        runbook_groups: ix.runbook_groups(from, &ix.runbooks, HOME_RUNBOOKS_PER_SERVICE),
        statuses: ix.statuses().into_iter().map(|s| ix.status_row(from, s)).collect(),
        pages: ix
            .site
            .pages
            .iter()
            .map(|p| Link { text: p.meta.title.clone(), href: ix.linker.page(from, &dir::page(&p.meta.slug)) })
            .collect(),
    }
}

/// The post-mortems grouped for the filter pages of `/incidents/`.
struct Facets<'a> {
    /// Every level of the scale, even one without incidents: the cadence table links to them all.
    by_severity: BTreeMap<(usize, String), Vec<&'a Incident>>,
    by_year: BTreeMap<i32, Vec<&'a Incident>>,
    by_service: BTreeMap<String, usize>,
}

impl<'a> Facets<'a> {
    fn new(ix: &Index<'a>) -> Facets<'a> {
        let mut f = Facets {
            by_severity: ix.site.settings.scale.levels.iter().map(|l| ((l.rank, l.id.clone()), Vec::new())).collect(),
            by_year: BTreeMap::new(),
            by_service: BTreeMap::new(),
        };
        for i in &ix.incidents {
            if let (Some(id), Some(rank)) = (&i.severity, i.severity_rank) {
                f.by_severity.entry((rank, id.clone())).or_default().push(i);
            }
            if let Some(day) = i.start_date() {
                f.by_year.entry(day.year()).or_default().push(i);
            }
            for s in &i.services {
                *f.by_service.entry(s.clone()).or_default() += 1;
            }
        }
        f
    }

    /// The filter links of a page in `from`, one page of the list in `base`.
    fn filters(&self, ix: &Index, from: &str, base: &str) -> Filters {
        let link = |text: String, to: String, count: usize| FilterLink {
            href: ix.linker.page(from, &to),
            current: base == to,
            text,
            count,
        };
        Filters {
            all: ix.linker.page(from, dir::INCIDENTS),
            severities: self
                .by_severity
                .iter()
                .map(|((_, id), v)| link(id.clone(), dir::severity(id), v.len()))
                .collect(),
            services: self.by_service.iter().map(|(s, n)| link(s.clone(), dir::service(s), *n)).collect(),
            years: self.by_year.iter().rev().map(|(y, v)| link(y.to_string(), dir::year(*y), v.len())).collect(),
        }
    }
}

/// One page of `/incidents/` or of one of its filter pages (the list in `base`).
fn incident_list_page(
    ix: &Index,
    facets: &Facets,
    base: &str,
    heading: String,
    items: &[&Incident],
    slice: Slice,
) -> IncidentListPage {
    let from = pager::dir(base, slice.number);
    IncidentListPage {
        layout: ix.layout(&from, &page_title(&heading, slice), "Every post-mortem, newest first"),
        heading,
        filters: facets.filters(ix, &from, base),
        years: group_by_year(ix, &from, slice.of(items)),
        count: items.len(),
        pager: pager::pager(&ix.linker, base, slice, items.len()),
    }
}

/// A list page's title: its heading, and which page it is after the first.
fn page_title(heading: &str, slice: Slice) -> String {
    if slice.number > 1 {
        format!("{heading} (page {} of {})", slice.number, slice.pages)
    } else {
        heading.to_string()
    }
}

fn group_by_year(ix: &Index, from: &str, items: &[&Incident]) -> Vec<Group<IncidentRow>> {
    let mut groups: Vec<(String, Vec<IncidentRow>)> = Vec::new();
    for i in items {
        let row = ix.incident_row(from, i);
        let name = if row.year == 0 { "Undated".to_string() } else { row.year.to_string() };
        match groups.last_mut() {
            Some((n, rows)) if *n == name => rows.push(row),
            _ => groups.push((name, vec![row])),
        }
    }
    groups.into_iter().map(|(name, rows)| Group { name, href: None, items: rows.into(), more: 0 }).collect()
}

/// A document's body as HTML: made now from its file during a build, or the
/// one rendered earlier.
fn body(meta: &crate::document::Meta) -> anyhow::Result<std::borrow::Cow<'_, crate::render::Rendered>> {
    Ok(match &meta.body_source {
        Some(src) => std::borrow::Cow::Owned(src.render()?),
        None => std::borrow::Cow::Borrowed(&meta.html),
    })
}

fn incident_page<'a>(ix: &Index<'a>, n: usize) -> anyhow::Result<IncidentPage<'a>> {
    let i = ix.incidents[n];
    let from = dir::incident(&i.meta.slug);
    let t = &i.times;
    let times = [
        ("Started", t.started),
        ("Detected", t.detected),
        ("Acknowledged", t.acknowledged),
        ("Mitigated", t.mitigated),
        ("Resolved", t.resolved),
    ]
    .into_iter()
    .filter_map(|(label, v)| v.map(|v| TimeRow { label, value: show_time(v), iso: v.to_rfc3339() }))
    .collect();
    let durations = [
        ("Time to detect", "TTD", t.detected),
        ("Time to acknowledge", "TTA", t.acknowledged),
        ("Time to mitigate", "TTM", t.mitigated),
        ("Time to resolve", "TTR", t.resolved),
    ]
    .into_iter()
    .filter_map(|(label, abbr, end)| {
        duration_between(t.started, end).map(|d| DurationRow { label, abbr, value: human_duration(d) })
    })
    .collect();
    let today = ix.today();
    let action_items: Vec<ActionItemRow> = i.action_items.iter().map(|a| action_item_row(a, today)).collect();
    let (open_items, overdue_items) = ix.item_counts(i);
    let link_incident = |other: &Incident| Link {
        text: other.meta.title.clone(),
        href: ix.linker.page(&from, &dir::incident(&other.meta.slug)),
    };
    let body = body(&i.meta)?;
    Ok(IncidentPage {
        layout: ix.layout(&from, &i.meta.title, &i.meta.summary),
        id: i.meta.id.clone(),
        title: i.meta.title.clone(),
        severity: ix.severity(&from, &i.severity, i.severity_rank),
        status: status_label(i.status).into(),
        services: ix.service_links(&from, &i.services),
        tags: i
            .tags
            .iter()
            .map(|t| Link { text: t.clone(), href: ix.linker.page_in(&from, dir::TAGS, &dir::term(t)) })
            .collect(),
        detected_by: i.detected_by.clone(),
        root_cause_category: i.root_cause_category.clone(),
        commander: i.commander.clone(),
        comms_lead: i.comms_lead.clone(),
        times,
        durations,
        toc: body.toc.clone(),
        body: linked_commits(ix, i, body),
        action_items,
        open_items,
        overdue_items,
        runbooks: i
            .runbooks
            .iter()
            .filter_map(|r| ix.runbook_by_slug.get(runbook_ref_slug(&r.value).as_str()))
            .map(|r| Link { text: r.meta.title.clone(), href: ix.linker.page(&from, &dir::runbook(&r.meta.slug)) })
            .collect(),
        related: i
            .related
            .iter()
            .filter_map(|r| ix.incident_by_slug.get(crate::url::incident_slug(&r.value).as_str()))
            .map(|o| link_incident(o))
            .collect(),
        similar: ix.similar[n]
            .iter()
            .map(|s| {
                let o = ix.incidents[s.index];
                SimilarView {
                    link: link_incident(o),
                    id: o.meta.id.clone(),
                    date: o.start_date().map(crate::time::iso_date).unwrap_or_default(),
                    reason: s.reason.clone(),
                }
            })
            .collect(),
        // Newest first: the previous (older) incident is the next in the list.
        prev: ix.incidents.get(n + 1).map(|o| link_incident(o)),
        next: n.checked_sub(1).and_then(|m| ix.incidents.get(m)).map(|o| link_incident(o)),
        source: i.meta.rel_path.clone(),
        dates: ix.dates(&i.meta.rel_path),
        commits: ix.git.root_causes.get(&i.meta.rel_path).into_iter().flatten().map(|c| commit_view(ix, c)).collect(),
        changes: ix
            .git
            .changes
            .get(&i.meta.rel_path)
            .into_iter()
            .flat_map(|w| &w.changes)
            .map(|r| change_view(ix, ix.git.change(r), r.root_cause))
            .collect(),
        changes_more: ix.git.changes.get(&i.meta.rel_path).map_or(0, |w| w.more),
        change_window: ix.site.settings.config.change_window.clone(),
    })
}

/// One action item as the pages show it.
pub fn action_item_row(a: &crate::action_item::ActionItem, today: chrono::NaiveDate) -> ActionItemRow {
    ActionItemRow {
        text: a.text.clone(),
        owner: a.owner.as_ref().map(|f| f.text.clone()).unwrap_or_default(),
        due: a.due.as_ref().map(|f| f.text.clone()).unwrap_or_default(),
        kind: a.kind.as_ref().map(|f| f.text.clone()).unwrap_or_default(),
        status: match a.status {
            ItemStatus::Open => "open",
            ItemStatus::Done => "done",
            ItemStatus::WontDo => "won't do",
        },
        overdue: a.is_overdue(today),
        ticket: a.ticket.as_ref().map(|f| Link {
            text: f.text.clone(),
            href: if crate::render::is_safe_url(&f.text) && f.text.starts_with("http") {
                f.text.clone()
            } else {
                String::new()
            },
        }),
    }
}

/// The body, with commit ids that git resolved as root causes turned into links.
fn linked_commits<'a>(
    ix: &Index,
    i: &Incident,
    body: std::borrow::Cow<'a, crate::render::Rendered>,
) -> std::borrow::Cow<'a, crate::render::Rendered> {
    let commits: Vec<(&crate::git::CommitInfo, String)> = ix
        .git
        .root_causes
        .get(&i.meta.rel_path)
        .into_iter()
        .flatten()
        .filter_map(|c| ix.commit_url(&c.repo, &c.sha).map(|u| (c, u)))
        .collect();
    if commits.is_empty() {
        return body;
    }
    let link = |word: &str| {
        let word_lower = word.to_ascii_lowercase();
        (crate::incident::is_commit_id(word) && !word.chars().all(|c| c.is_ascii_digit()))
            .then(|| commits.iter().find(|(c, _)| c.sha.starts_with(&word_lower)).map(|(_, u)| u.clone()))
            .flatten()
    };
    std::borrow::Cow::Owned(crate::render::Rendered {
        before: crate::render::link_words(&body.before, link),
        after: crate::render::link_words(&body.after, link),
        toc: body.toc.clone(),
        text: crate::search::DocText::default(),
    })
}

fn commit_view(ix: &Index, c: &crate::git::CommitInfo) -> CommitView {
    CommitView {
        repo: c.repo.clone(),
        short: c.sha[..c.sha.len().min(10)].to_string(),
        sha: c.sha.clone(),
        subject: c.subject.clone(),
        date: show_time(c.time),
        iso: c.time.to_rfc3339(),
        url: ix.commit_url(&c.repo, &c.sha),
        files_changed: c.files_changed,
        paths: c.paths.clone(),
        author: ix.site.settings.config.show_commit_authors.then(|| c.author.clone()),
    }
}

fn change_view(ix: &Index, c: &crate::git::Change, root_cause: bool) -> ChangeView {
    ChangeView {
        kind: match c.kind {
            crate::git::ChangeKind::Commit => "commit",
            crate::git::ChangeKind::Tag => "tag",
        },
        repo: c.repo.clone(),
        short: c.sha[..c.sha.len().min(10)].to_string(),
        title: c.title.clone(),
        date: show_time(c.time),
        iso: c.time.to_rfc3339(),
        url: ix.commit_url(&c.repo, &c.sha),
        root_cause,
    }
}

fn runbook_list(ix: &Index) -> RunbookListPage {
    RunbookListPage {
        layout: ix.layout(dir::RUNBOOKS, "Runbooks", "Runbooks by service"),
        groups: ix.runbook_groups(dir::RUNBOOKS, &ix.runbooks, 0),
        count: ix.runbooks.len(),
        stale: ix.runbooks.iter().filter(|r| ix.is_stale(r)).count(),
    }
}

fn runbook_page<'a>(ix: &Index<'a>, r: &'a Runbook) -> anyhow::Result<RunbookPage<'a>> {
    let from = dir::runbook(&r.meta.slug);
    let used_by = ix
        .runbook_users
        .get(&r.meta.slug)
        .map_or_else(Vec::new, |users| users.iter().map(|i| ix.incident_row(&from, i)).collect());
    let rank = r.severity.as_ref().and_then(|s| ix.site.settings.scale.parse(s)).map(|l| l.rank);
    let body = body(&r.meta)?;
    Ok(RunbookPage {
        layout: ix.layout(&from, &r.meta.title, &r.meta.summary),
        title: r.meta.title.clone(),
        service: Link { text: r.service.clone(), href: ix.linker.page(&from, &dir::service(&r.service)) },
        owner: r.owner.clone(),
        severity: ix.severity(&from, &r.severity, rank),
        alerts: r
            .alerts
            .iter()
            .map(|a| Link { text: a.value.clone(), href: ix.linker.page(&from, &dir::alert(&a.value)) })
            .collect(),
        last_reviewed: r.last_reviewed.map(|d| d.to_string()),
        stale: ix.is_stale(r),
        review_every: ix.site.settings.config.runbooks.review_every.clone(),
        toc: body.toc.clone(),
        body,
        used_by,
        source: r.meta.rel_path.clone(),
        dates: ix.dates(&r.meta.rel_path),
        stale_since: crate::validate::stale_since(r, ix.git, &ix.site.settings).map(|d| d.to_string()),
    })
}

fn alerts<'a>(ix: &Index<'a>) -> Vec<(String, &'a Runbook)> {
    let mut all: Vec<(String, &Runbook)> = ix
        .runbooks
        .iter()
        .flat_map(|r| {
            r.alerts.iter().filter(|a| crate::url::is_safe_alert_name(&a.value)).map(move |a| (a.value.clone(), *r))
        })
        .collect();
    all.sort_by(|a, b| a.0.to_ascii_lowercase().cmp(&b.0.to_ascii_lowercase()).then_with(|| a.0.cmp(&b.0)));
    all.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
    all
}

fn alert_list(ix: &Index) -> AlertListPage {
    let from = dir::ALERTS;
    AlertListPage {
        layout: ix.layout(from, "Alerts", "Every alert and its runbook"),
        alerts: alerts(ix)
            .into_iter()
            .map(|(name, r)| AlertRow {
                href: ix.linker.page(from, &dir::alert(&name)),
                name,
                runbook: Link { text: r.meta.title.clone(), href: ix.linker.page(from, &dir::runbook(&r.meta.slug)) },
                service: r.service.clone(),
            })
            .collect(),
    }
}

fn alert_page(ix: &Index, name: String, r: &Runbook) -> AlertPage {
    let from = dir::alert(&name);
    AlertPage {
        layout: ix.layout(&from, &name, &format!("Runbook for {name}")),
        runbook: Link { text: r.meta.title.clone(), href: ix.linker.page(&from, &dir::runbook(&r.meta.slug)) },
        service: r.service.clone(),
        name,
    }
}

fn status_view(ix: &Index, from: &str, s: &StatusTemplate) -> StatusTemplateView {
    StatusTemplateView {
        id: s.meta.id.clone(),
        title: s.meta.title.clone(),
        href: ix.linker.page(from, &dir::status(&s.meta.slug)),
        phase: s.phase.clone().unwrap_or_default(),
        audience: s.audience.clone(),
        channel: s.channel.clone(),
        text: s.text.clone(),
        placeholders: s.placeholders.clone(),
    }
}

fn status_list(ix: &Index) -> StatusListPage {
    let from = dir::STATUS;
    let statuses = ix.statuses();
    let phases = PHASES
        .iter()
        .map(|phase| {
            let audiences = ["external", "internal"]
                .into_iter()
                .map(|aud| Group {
                    name: aud.to_string(),
                    href: None,
                    items: statuses
                        .iter()
                        .filter(|s| s.phase.as_deref() == Some(*phase) && s.audience == aud)
                        .map(|s| status_view(ix, from, s))
                        .collect(),
                    more: 0,
                })
                .filter(|g| !g.items.is_empty())
                .collect();
            let mut title = phase.to_string();
            title[..1].make_ascii_uppercase();
            PhaseGroup { phase: phase.to_string(), title, audiences }
        })
        .collect();
    StatusListPage {
        layout: ix.layout(from, "Status updates", "Pre-written status updates"),
        phases,
        cadence: ix.cadence(from),
    }
}

fn status_page(ix: &Index, s: &StatusTemplate) -> StatusPage {
    let from = dir::status(&s.meta.slug);
    StatusPage {
        layout: ix.layout(&from, &s.meta.title, "Fill in the blanks and copy"),
        template: status_view(ix, &from, s),
        dates: ix.dates(&s.meta.rel_path),
        cadence: ix.cadence(&from),
        index_href: ix.linker.page(&from, dir::STATUS),
    }
}

/// A service's or tag's documents.
type Members<'a> = (Vec<&'a Incident>, Vec<&'a Runbook>);

/// Services and tags: name → (incidents, runbooks).
fn terms<'a>(ix: &Index<'a>) -> [(&'static str, BTreeMap<String, Members<'a>>); 2] {
    let mut services: BTreeMap<String, Members> = BTreeMap::new();
    let mut tags: BTreeMap<String, Members> = BTreeMap::new();
    for i in &ix.incidents {
        for s in &i.services {
            services.entry(s.clone()).or_default().0.push(i);
        }
        for t in &i.tags {
            tags.entry(t.clone()).or_default().0.push(i);
        }
    }
    for r in &ix.runbooks {
        services.entry(r.service.clone()).or_default().1.push(r);
        for t in &r.tags {
            tags.entry(t.clone()).or_default().1.push(r);
        }
    }
    [("Service", services), ("Tag", tags)]
}

fn term_dir(kind: &str, name: &str) -> String {
    if kind == "Service" {
        dir::service(name)
    } else {
        dir::tag(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(human_duration(Duration::minutes(45)), "45 min");
        assert_eq!(human_duration(Duration::minutes(60)), "1 h");
        assert_eq!(human_duration(Duration::minutes(66)), "1 h 6 min");
        assert_eq!(human_duration(Duration::minutes(60 * 50)), "2 d 2 h");
        assert_eq!(human_duration(Duration::minutes(-5)), "0 min");
    }

    #[test]
    fn times_show_their_offset() {
        let t = DateTime::parse_from_rfc3339("2025-06-12T09:40:00+01:00").unwrap();
        assert_eq!(show_time(t), "2025-06-12 09:40 UTC+01:00");
        let t = DateTime::parse_from_rfc3339("2025-06-12T09:40:00Z").unwrap();
        assert_eq!(show_time(t), "2025-06-12 09:40 UTC");
    }
}
