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
}

/// Prints what git could not tell: on stderr, or as workflow warnings for GitHub.
fn print_notes(notes: &[String], format: Format) {
    for n in notes {
        match format {
            Format::Github => println!("::warning title=debrief git::{}", n.replace('%', "%25").replace('\n', "%0A")),
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

fn resolve_today(flag: Option<NaiveDate>, format: Format) -> Result<Today, String> {
    let today = Today::resolve(flag, std::env::var("SOURCE_DATE_EPOCH").ok().as_deref())?;
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
        Err(e) => {
            eprintln!("error: {e}");
            return COULD_NOT_RUN;
        }
    };
    let colour = use_colour(std::io::stdout().is_terminal());
    let mut out = std::io::stdout().lock();
    let run = check::RunOptions { changed_since: opts.changed_since.clone(), ..check::RunOptions::default() };
    match check::run(&opts.site_dir, today, &run) {
        Ok(checked) => {
            print_notes(&checked.enrichment.notes, opts.format);
            let _ = out.write_all(
                diagnostic::render(&checked.diagnostics, opts.format, colour, checked.files_checked).as_bytes(),
            );
            let (errors, warnings) = diagnostic::counts(&checked.diagnostics);
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
}

/// "Today", then the checked site (bodies rendered for a build), for the
/// commands that go on from a check. What stops them is reported on stderr
/// and comes back as the exit status.
fn load(site_dir: &std::path::Path, today: Option<NaiveDate>, run: &check::RunOptions) -> Result<check::Checked, u8> {
    let today = resolve_today(today, Format::Human).map_err(|e| {
        eprintln!("error: {e}");
        COULD_NOT_RUN
    })?;
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
pub fn build(opts: &BuildOptions) -> u8 {
    let colour = use_colour(std::io::stderr().is_terminal());
    let t0 = std::time::Instant::now();
    let run = check::RunOptions { render: true, ..check::RunOptions::default() };
    let checked = match load(&opts.site_dir, opts.today, &run) {
        Ok(c) => c,
        Err(code) => return code,
    };
    check::stage_time("check+md", t0);
    print_notes(&checked.enrichment.notes, Format::Human);
    let config = &checked.site.settings.config;
    let out = opts.out.clone().unwrap_or_else(|| opts.site_dir.join(&config.output));
    let (errors, _) = diagnostic::counts(&checked.diagnostics);
    if !checked.diagnostics.is_empty() {
        eprint!("{}", diagnostic::render(&checked.diagnostics, Format::Human, colour, checked.files_checked));
    }
    if errors > 0 {
        eprintln!("error: the site has errors, so nothing was built; {} is untouched", display_path(&out));
        return FAILED;
    }
    match render_and_write(&checked, opts, &out) {
        Ok(pages) => {
            let index = out.join("index.html");
            println!("built {pages} pages into {}", display_path(&out));
            println!("open {} in a browser, or serve the folder from any static host", display_path(&index));
            OK
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            eprintln!("nothing was changed in {}", display_path(&out));
            COULD_NOT_RUN
        }
    }
}

fn render_and_write(checked: &check::Checked, opts: &BuildOptions, out: &std::path::Path) -> anyhow::Result<usize> {
    crate::output::check_output_dir(&opts.site_dir, out)?;
    let t = std::time::Instant::now();
    let theme = crate::theme::Theme::load(&opts.site_dir, &checked.site.settings.config.theme)?;
    let site_opts = crate::site::BuildOptions { drafts: opts.drafts, base_url: opts.base_url.clone() };
    let staging = crate::output::Staging::new(out)?;
    let pages =
        crate::site::render(&checked.site, &checked.enrichment, &theme, &site_opts, &|file| staging.write(&file))?;
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
    let checked = match load(&opts.site_dir, opts.today, &run) {
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
