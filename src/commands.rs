//! The commands behind the CLI: each takes plain options, prints, and returns
//! the process exit status.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::check::{self, CheckError};
use crate::diagnostic::{self, Format};
use crate::source::display_path;
use crate::time::{Today, TodaySource};

pub struct CheckOptions {
    pub site_dir: PathBuf,
    pub format: Format,
    pub today: Option<NaiveDate>,
    pub strict: bool,
    pub changed_since: Option<String>,
    pub alert_rules: Vec<PathBuf>,
}

/// Prints the notes (skipped files, what git could not tell): on stderr, or
/// as workflow warnings for GitHub. They are not diagnostics: they never fail a check.
fn print_notes(notes: &[String], format: Format) {
    for n in notes {
        match format {
            Format::Github => println!("::warning title=debrief::{}", n.replace('%', "%25").replace('\n', "%0A")),
            _ => eprintln!("warning: {n}"),
        }
    }
}

/// Exit statuses, as documented in the README.
pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const COULD_NOT_RUN: u8 = 2;

/// Whether to colour human output: only on a terminal, and never with NO_COLOR set.
fn use_colour(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// "Today" from the flag, else SOURCE_DATE_EPOCH, else the clock (said on
/// stderr for people). An invalid SOURCE_DATE_EPOCH is reported, as exit status 2.
fn resolve_today(flag: Option<NaiveDate>, format: Format) -> Result<Today, u8> {
    let today = Today::resolve(flag, std::env::var("SOURCE_DATE_EPOCH").ok().as_deref()).map_err(|e| {
        eprintln!("error: {e}");
        COULD_NOT_RUN
    })?;
    if today.source == TodaySource::Clock && format == Format::Human {
        eprintln!(
            "note: today is {} by the system clock; pass --today or set SOURCE_DATE_EPOCH for reproducible results",
            today.date
        );
    }
    Ok(today)
}

pub fn check(opts: &CheckOptions) -> u8 {
    let today = match resolve_today(opts.today, opts.format) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let colour = use_colour(std::io::stdout().is_terminal());
    let mut out = std::io::stdout().lock();
    let run = check::RunOptions {
        changed_since: opts.changed_since.clone(),
        alert_rules: opts.alert_rules.clone(),
        diagnostics_only: true,
        ..check::RunOptions::default()
    };
    match check::run(&opts.site_dir, today, &run) {
        Ok(checked) => {
            let t = std::time::Instant::now();
            print_notes(&checked.notes, opts.format);
            let _ = out.write_all(
                diagnostic::render(&checked.diagnostics, opts.format, colour, checked.files_checked).as_bytes(),
            );
            check::stage_time("report", t);
            let (errors, warnings) = diagnostic::counts(&checked.diagnostics);
            // The process ends here: freeing every document one by one would
            // only delay the exit (a few percent of a large check).
            std::mem::forget(checked);
            if errors > 0 || (opts.strict && warnings > 0) {
                FAILED
            } else {
                OK
            }
        }
        Err(CheckError::Config(diags)) => {
            let _ = out.write_all(diagnostic::render(&diags, opts.format, colour, 1).as_bytes());
            eprintln!(
                "error: {} is invalid, so the site was not checked",
                display_path(&opts.site_dir.join(crate::config::FILE_NAME))
            );
            COULD_NOT_RUN
        }
        Err(CheckError::Setup(e)) => {
            eprintln!("error: {e:#}");
            COULD_NOT_RUN
        }
    }
}

pub struct BuildOptions {
    pub site_dir: PathBuf,
    pub out: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
    pub today: Option<NaiveDate>,
    /// The build cache's folder (relative paths are under the site); `None`: no cache.
    pub cache_dir: Option<PathBuf>,
}

/// "Today", then the checked site (bodies rendered for a build), for the
/// commands that go on from a check. What stops them is reported on stderr
/// and comes back as the exit status.
fn load(site_dir: &std::path::Path, today: Today, run: &check::RunOptions) -> Result<check::Checked, u8> {
    check::run(site_dir, today, run).map_err(|e| {
        match e {
            CheckError::Config(diags) => {
                let colour = use_colour(std::io::stderr().is_terminal());
                eprint!("{}", diagnostic::render(&diags, Format::Human, colour, 1));
            }
            CheckError::Setup(e) => eprintln!("error: {e:#}"),
        }
        COULD_NOT_RUN
    })
}

/// `debrief build`: check, and only when there are no errors, render and
/// swap in the new output. A failed build leaves the previous output as it was.
/// When nothing the build reads has changed since the last build into the
/// same folder (and that output is untouched), it only repeats the report.
pub fn build(opts: &BuildOptions) -> u8 {
    let t0 = std::time::Instant::now();
    let today = match resolve_today(opts.today, Format::Human) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let cached = opts.cache_dir.as_ref().and_then(|dir| cache_key(opts, today.date).map(|(out, fp)| (dir, out, fp)));
    if let Some((dir, (shown, out), fp)) = &cached {
        if let Some(report) = crate::cache::lookup(&opts.site_dir.join(dir), out, fp) {
            check::stage_time("cache hit", t0);
            print_findings(&report);
            print_built(&report, shown, true);
            return OK;
        }
    }
    let (code, report) = build_fresh(opts, today);
    if let (Some(report), Some((dir, (_, out), fp))) = (report, &cached) {
        // Failing to record the build costs the next one its shortcut, nothing more.
        if let Err(e) = crate::cache::store(&opts.site_dir.join(dir), out, fp, report) {
            eprintln!("warning: the build cache was not updated: {e:#}");
        }
    }
    code
}

/// The output folder (as given, and absolute) and the fingerprint of the
/// build's inputs, when they can be worked out (otherwise the build runs, and
/// reports what is wrong).
fn cache_key(opts: &BuildOptions, today: NaiveDate) -> Option<((PathBuf, PathBuf), String)> {
    let config = crate::config::load(&opts.site_dir).ok()?;
    let shown = opts.out.clone().unwrap_or_else(|| opts.site_dir.join(&config.output));
    let out = std::path::absolute(&shown).ok()?;
    let options = crate::cache::Options { drafts: opts.drafts, base_url: opts.base_url.as_deref(), today, out: &out };
    let fp = crate::cache::fingerprint(&opts.site_dir, &config, &options).ok()?;
    Some(((shown, out), fp))
}

/// The notes and diagnostics of a build that can go on (stderr).
fn print_findings(report: &crate::cache::Report) {
    if !crate::progress::quiet() {
        print_notes(&report.notes, Format::Human);
    }
    let colour = use_colour(std::io::stderr().is_terminal());
    eprint!("{}", if colour { &report.diagnostics_colour } else { &report.diagnostics });
}

/// What a build says when it succeeded, first time or from the cache.
fn print_built(report: &crate::cache::Report, out: &std::path::Path, from_cache: bool) {
    if crate::progress::quiet() {
        return;
    }
    if from_cache {
        println!("{} is up to date: nothing changed since the last build ({} pages)", display_path(out), report.pages);
    } else {
        println!("built {} pages into {}", report.pages, display_path(out));
    }
    println!("open {} in a browser, or serve the folder from any static host", display_path(&out.join("index.html")));
}

/// The build itself; on success, also what it printed (for the cache).
fn build_fresh(opts: &BuildOptions, today: Today) -> (u8, Option<crate::cache::Report>) {
    let t0 = std::time::Instant::now();
    let progress = crate::progress::Progress::start(std::io::stderr().is_terminal() && !crate::progress::quiet());
    progress.stage("checking", 0);
    let run = check::RunOptions { render: true, ..check::RunOptions::default() };
    let mut checked = match load(&opts.site_dir, today, &run) {
        Ok(c) => c,
        Err(code) => return (code, None),
    };
    check::stage_time("check+md", t0);
    checked.notes.extend(crate::site::pager::notes(&opts.site_dir, &checked.site));
    let config = &checked.site.settings.config;
    let out = opts.out.clone().unwrap_or_else(|| opts.site_dir.join(&config.output));
    let render = |colour| {
        if checked.diagnostics.is_empty() {
            String::new()
        } else {
            diagnostic::render(&checked.diagnostics, Format::Human, colour, checked.files_checked)
        }
    };
    // The coloured rendering is for this terminal, or for the cache to replay on one.
    let colour = opts.cache_dir.is_some() || use_colour(std::io::stderr().is_terminal());
    let mut report = crate::cache::Report {
        notes: checked.notes.clone(),
        diagnostics: render(false),
        diagnostics_colour: if colour { render(true) } else { String::new() },
        pages: 0,
    };
    print_findings(&report);
    let (errors, _) = diagnostic::counts(&checked.diagnostics);
    if errors > 0 {
        eprintln!("error: the site has errors, so nothing was built; {} is untouched", display_path(&out));
        return (FAILED, None);
    }
    progress.stage("writing pages", 0);
    let built = render_and_write(&mut checked, opts, &out, &progress);
    drop(progress);
    // Only `debrief build` comes here, and the process ends soon after:
    // freeing 100,000 documents one by one would only delay the exit.
    std::mem::forget(checked);
    match built {
        Ok(pages) => {
            report.pages = pages;
            print_built(&report, &out, false);
            (OK, Some(report))
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            eprintln!("nothing was changed in {}", display_path(&out));
            (COULD_NOT_RUN, None)
        }
    }
}

fn render_and_write(
    checked: &mut check::Checked,
    opts: &BuildOptions,
    out: &std::path::Path,
    progress: &crate::progress::Progress,
) -> anyhow::Result<usize> {
    crate::output::check_output_dir(&opts.site_dir, out)?;
    let t = std::time::Instant::now();
    let theme = crate::theme::Theme::load(&opts.site_dir, &checked.site.settings.config.theme)?;
    let site_opts =
        crate::site::BuildOptions { drafts: opts.drafts, base_url: opts.base_url.clone(), ..Default::default() };
    let staging = crate::output::Staging::new(out)?;
    let pages = crate::site::render_once(&mut checked.site, &checked.enrichment, &theme, &site_opts, &|file| {
        progress.tick();
        staging.write(&file)
    })?
    .pages;
    check::stage_time("render+write", t);
    let t = std::time::Instant::now();
    staging.commit()?;
    check::stage_time("commit", t);
    Ok(pages)
}

pub struct StatsOptions {
    pub site_dir: PathBuf,
    pub format: crate::stats::StatsFormat,
    pub today: Option<NaiveDate>,
    pub filter: crate::trends::Filter,
    /// Only the overdue action items, per owner.
    pub overdue: bool,
}

/// `debrief stats`: the trend figures of the published post-mortems. Content
/// errors do not stop it (they are counted on stderr); an invalid config does.
pub fn stats(opts: &StatsOptions) -> u8 {
    let run = check::RunOptions { publication_dates: true, ..check::RunOptions::default() };
    let today = match resolve_today(opts.today, Format::Human) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let checked = match load(&opts.site_dir, today, &run) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (errors, _) = diagnostic::counts(&checked.diagnostics);
    if errors > 0 {
        eprintln!(
            "warning: the content has {errors} errors; the figures count what could be read (run `debrief check` to see them)"
        );
    }
    let t = std::time::Instant::now();
    let cx = crate::trends::Context { settings: &checked.site.settings, dates: &checked.enrichment.dates };
    let trends = crate::trends::compute(&checked.site, &cx, &opts.filter);
    check::stage_time("trends", t);
    let text = if opts.overdue {
        crate::stats::render_overdue(&trends, opts.format)
    } else {
        crate::stats::render(&trends, opts.format)
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    OK
}

pub struct StatusOptions {
    pub site_dir: PathBuf,
    /// A template's id (`investigating`, `payments/investigating`) or phase.
    pub template: String,
    pub values: std::collections::BTreeMap<String, String>,
    /// Unfilled placeholders make it exit 1.
    pub strict: bool,
}

/// `debrief status`: a status template with its blanks filled, on stdout,
/// ready to paste; what is left unfilled (or set but unused) on stderr.
pub fn status(opts: &StatusOptions) -> u8 {
    let templates = match status_templates(&opts.site_dir) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e:#}");
            return COULD_NOT_RUN;
        }
    };
    let Some(t) = pick_template(&templates, &opts.template) else {
        let ids: Vec<&str> = templates.iter().map(|t| t.meta.id.as_str()).collect();
        eprintln!(
            "error: no status template `{}`; the site has: {}",
            opts.template,
            if ids.is_empty() { "none (add them under content/status/)".to_string() } else { ids.join(", ") }
        );
        return COULD_NOT_RUN;
    };
    let (text, unfilled) = crate::status::fill(&t.text, &opts.values);
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    for key in opts.values.keys().filter(|k| !t.placeholders.contains(k)) {
        eprintln!("warning: `{key}` is not a placeholder of {}; it has: {}", t.meta.id, t.placeholders.join(", "));
    }
    if unfilled.is_empty() {
        return OK;
    }
    let list: Vec<String> = unfilled.iter().map(|n| format!("{{{{ {n} }}}}")).collect();
    let level = if opts.strict { "error" } else { "warning" };
    eprintln!(
        "{level}: {} left unfilled: {} (fill with --set {}=…)",
        if unfilled.len() == 1 {
            "1 placeholder is".to_string()
        } else {
            format!("{} placeholders are", unfilled.len())
        },
        list.join(", "),
        unfilled[0]
    );
    if opts.strict {
        FAILED
    } else {
        OK
    }
}

/// The site's status templates, read and parsed (nothing else is).
fn status_templates(site_dir: &std::path::Path) -> anyhow::Result<Vec<crate::status::StatusTemplate>> {
    let config = crate::config::load(site_dir).unwrap_or_default();
    let today = Today::resolve(None, std::env::var("SOURCE_DATE_EPOCH").ok().as_deref()).map_err(anyhow::Error::msg)?;
    let settings = crate::settings::Settings::new(config, today);
    let listing = crate::source::list(site_dir)?;
    let mut out = Vec::new();
    for (rel, path) in listing.files.iter().filter(|(rel, _)| rel.starts_with("content/status/")) {
        let Ok(file) = crate::source::read(rel, path) else { continue };
        if let (Some(crate::model::Document::Status(t)), _) =
            check::parse_file(&file, &settings, crate::render::Bodies::Skip)
        {
            out.push(*t);
        }
    }
    out.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
    Ok(out)
}

/// By id, then by the last part of the id, then by phase when only one template has it.
fn pick_template<'a>(
    templates: &'a [crate::status::StatusTemplate],
    wanted: &str,
) -> Option<&'a crate::status::StatusTemplate> {
    let wanted = wanted.trim_start_matches("status/");
    let unique = |found: Vec<&'a crate::status::StatusTemplate>| (found.len() == 1).then(|| found[0]);
    templates
        .iter()
        .find(|t| t.meta.id == wanted)
        .or_else(|| unique(templates.iter().filter(|t| t.meta.id.rsplit('/').next() == Some(wanted)).collect()))
        .or_else(|| unique(templates.iter().filter(|t| t.phase.as_deref() == Some(wanted)).collect()))
}

/// Prints what failed, as `debrief` does for any command it could not run.
fn could_not_run(e: anyhow::Error) -> u8 {
    eprintln!("error: {e:#}");
    COULD_NOT_RUN
}

/// `debrief init`: a new site that checks clean, with a CI workflow.
pub fn init(dir: &std::path::Path, force: bool, ci: crate::scaffold::Ci, today: Option<NaiveDate>) -> u8 {
    let today = match resolve_today(today, Format::Json) {
        Ok(t) => t.date,
        Err(code) => return code,
    };
    let files = match crate::scaffold::init(dir, force, ci, today) {
        Ok(files) => files,
        Err(e) => return could_not_run(e),
    };
    if !crate::progress::quiet() {
        for f in &files {
            println!("wrote {}", display_path(f));
        }
        println!("next: debrief check {0} && debrief build {0}, then open {0}/public/index.html", display_path(dir));
    }
    OK
}

/// `debrief new`: a document from its archetype; prints the path written.
pub fn new_document(site: &std::path::Path, doc: &crate::scaffold::NewDocument, today: Option<NaiveDate>) -> u8 {
    let today = match resolve_today(today, Format::Json) {
        Ok(t) => t.date,
        Err(code) => return code,
    };
    match crate::scaffold::new_document(site, doc, today) {
        Ok(path) => {
            println!("{}", display_path(&path));
            OK
        }
        Err(e) => could_not_run(e),
    }
}

/// `debrief serve`: runs until stopped; returns only when it cannot start.
pub fn serve(opts: &crate::serve::ServeOptions, today: Option<NaiveDate>) -> u8 {
    match resolve_today(today, Format::Human) {
        Ok(today) => crate::serve::serve(opts, today).map_or_else(could_not_run, |()| OK),
        Err(code) => code,
    }
}

pub struct AlertsOptions {
    pub site_dir: PathBuf,
    pub rule_files: Vec<PathBuf>,
    pub base_url: Option<String>,
    pub write: bool,
}

/// `debrief alerts`: the `runbook_url` each alerting rule should carry (the
/// alert's page on the site), printed, or with `write` set in the files.
pub fn alerts(opts: &AlertsOptions) -> u8 {
    let today = match resolve_today(None, Format::Human) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let checked = match load(&opts.site_dir, today, &check::RunOptions::default()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let base = opts.base_url.clone().unwrap_or_else(|| checked.site.settings.config.base_url.clone());
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        eprintln!("error: a runbook_url needs the site's absolute address: set `base_url` in debrief.yml or pass --base-url https://…");
        return COULD_NOT_RUN;
    }
    let (files, diags) = crate::alert_rules::read(&opts.rule_files, std::path::Path::new("."));
    if !diags.is_empty() {
        eprint!(
            "{}",
            diagnostic::render(&diags, Format::Human, use_colour(std::io::stderr().is_terminal()), diags.len())
        );
        return COULD_NOT_RUN;
    }
    let answered = crate::alert_rules::runbook_alerts(&checked.site);
    let mut out = std::io::stdout().lock();
    for f in &files {
        for rule in &f.rules {
            let line = rule.alert_pos.line;
            let _ = if answered.contains_key(rule.alert.as_str()) {
                writeln!(
                    out,
                    "{}:{line}: {} {}",
                    f.rel,
                    rule.alert,
                    crate::alert_rules::runbook_url(&base, &rule.alert)
                )
            } else {
                writeln!(
                    out,
                    "{}:{line}: {} has no runbook (write one: debrief new runbook SERVICE/NAME --alert {})",
                    f.rel, rule.alert, rule.alert
                )
            };
        }
        if opts.write {
            let (text, changed) = crate::alert_rules::with_runbook_urls(f, &base, |a| answered.contains_key(a));
            if changed > 0 {
                if let Err(e) = std::fs::write(&f.path, text) {
                    eprintln!("error: cannot write {}: {e}", f.rel);
                    return COULD_NOT_RUN;
                }
                eprintln!("{}: set runbook_url on {changed} rules", f.rel);
            }
        }
    }
    OK
}
