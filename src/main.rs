//! The `debrief` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{ArgAction, CommandFactory, Parser, Subcommand};
use debrief::commands::{self, BuildOptions, CheckOptions, StatsOptions, StatusOptions};
use debrief::diagnostic::Format;

// Parsing thousands of small documents is allocation-heavy; mimalloc's
// per-thread caches cut the time glibc's malloc spends on locks and mprotect.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc asks for transparent huge pages, and the kernel then zeroes 2 MB
/// at every first touch: a fifth of a 100k-document check was spent in
/// `clear_page_erms`. Small pages cost less here (measured in bench/README.md).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Checks incident post-mortems, runbooks and status templates, and compiles
/// them into a static site that works offline.
#[derive(Parser)]
#[command(name = "debrief", version, about, long_about = None)]
struct Cli {
    /// Say only what went wrong.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Say more: how long each stage took (twice: more still).
    #[arg(short, long, global = true, action = ArgAction::Count, conflicts_with = "quiet")]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every document and report problems with file, line and column.
    ///
    /// Exit status: 0 when there are no errors, 1 when there are (or warnings
    /// with --strict), 2 when the site could not be checked (bad debrief.yml,
    /// no content/ folder).
    Check {
        /// The site folder (holding content/ and optionally debrief.yml).
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Output format: human (like rustc), json, github (workflow commands that annotate a pull request's diff), sarif (code scanning) or gitlab (a code-quality report for merge requests).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// The date to treat as today, for overdue items and stale runbooks (default: SOURCE_DATE_EPOCH, else the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = debrief::time::parse_today_flag)]
        today: Option<NaiveDate>,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        strict: bool,
        /// Check strictly only the documents changed since REV (a git revision, such as
        /// origin/main); problems elsewhere are reported as warnings, so a new rule never
        /// blocks an unrelated pull request.
        #[arg(long, value_name = "REV")]
        changed_since: Option<String>,
        /// Prometheus rule files (or folders of them) to check against the runbooks:
        /// every paging alert has one, every runbook_url into the site resolves.
        #[arg(long = "alert-rules", value_name = "PATH", num_args = 1..)]
        alert_rules: Vec<PathBuf>,
    },
    /// Print the runbook_url each alerting rule should carry (its alert's page
    /// on the site); with --write, set it in the rule files, changing nothing else.
    Alerts {
        /// Prometheus rule files, or folders of them.
        #[arg(required = true, value_name = "PATH")]
        rule_files: Vec<PathBuf>,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        site: PathBuf,
        /// The site's public address (default: `base_url` from debrief.yml).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Set `annotations.runbook_url` in the files.
        #[arg(long)]
        write: bool,
    },
    /// Check, then build the static site (into SITE_DIR/public unless --out or `output:` says otherwise).
    ///
    /// With errors nothing is written and the previous output stays as it was.
    Build {
        /// The site folder (holding content/ and optionally debrief.yml).
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Where to write the site (replaced as a whole, atomically).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Include post-mortems with `status: draft`.
        #[arg(long)]
        drafts: bool,
        /// The public URL of the site, for the feed, the sitemap and canonical links (overrides `base_url`).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// The date to treat as today, for overdue items and stale runbooks (default: SOURCE_DATE_EPOCH, else the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = debrief::time::parse_today_flag)]
        today: Option<NaiveDate>,
        /// The build cache's folder (relative to the site folder). A build whose inputs
        /// and output are unchanged since the last one only repeats its report.
        #[arg(long, value_name = "DIR", default_value = debrief::cache::DEFAULT_DIR)]
        cache_dir: PathBuf,
        /// Build everything even when nothing changed, and leave the cache alone.
        #[arg(long)]
        no_cache: bool,
    },
    /// Trend figures of the published post-mortems: incidents per month by severity,
    /// MTTD/MTTA/MTTM/MTTR (median and p90 per quarter), root causes, detection,
    /// services, action items.
    ///
    /// Content errors do not stop it (they are counted on stderr). Exit status 2 when
    /// the site could not be read.
    Stats {
        /// The site folder (holding content/ and optionally debrief.yml).
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// Output format: table (for people), json, or csv (one tidy table: section,group,measure,value).
        #[arg(long, value_enum, default_value_t = debrief::stats::StatsFormat::Table)]
        format: debrief::stats::StatsFormat,
        /// Only post-mortems that started on or after this date (in their own time zone).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = debrief::time::parse_today_flag)]
        since: Option<NaiveDate>,
        /// Only post-mortems that started on or before this date.
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = debrief::time::parse_today_flag)]
        until: Option<NaiveDate>,
        /// Only post-mortems that name this service.
        #[arg(long, value_name = "NAME")]
        service: Option<String>,
        /// List only the overdue action items, per owner (for a chat bot or a weekly reminder).
        #[arg(long)]
        overdue: bool,
        /// The date to treat as today, for overdue items (default: SOURCE_DATE_EPOCH, else the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = debrief::time::parse_today_flag)]
        today: Option<NaiveDate>,
    },
    /// Print a status template with its blanks filled, ready to paste into the
    /// status page or the incident channel.
    ///
    /// Unfilled placeholders are listed on stderr; with --strict they make it exit 1.
    Status {
        /// The template: its id (`investigating`, `payments/investigating`) or its phase.
        template: String,
        /// A value for a placeholder: --set feature=Checkout (repeat for each).
        #[arg(long = "set", value_name = "KEY=VALUE", value_parser = key_value)]
        set: Vec<(String, String)>,
        /// Exit 1 when a placeholder is left unfilled.
        #[arg(long)]
        strict: bool,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        site: PathBuf,
    },
    /// Create a new site: debrief.yml, an example post-mortem, runbook and status
    /// templates, and a GitHub Actions workflow.
    Init {
        /// The folder for the new site (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write into a folder that is not empty (overwrites only the files init writes).
        #[arg(long)]
        force: bool,
        /// The CI recipe to write: a GitHub Actions workflow, a GitLab CI file, or none.
        #[arg(long, value_enum, default_value_t = debrief::scaffold::Ci::Github)]
        ci: debrief::scaffold::Ci,
        /// The date to treat as today (default: SOURCE_DATE_EPOCH, else the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = debrief::time::parse_today_flag)]
        today: Option<NaiveDate>,
    },
    /// Write a new post-mortem, runbook or status template from its template
    /// (the site's archetypes/<kind>.md, else the built-in one), and print its path.
    New {
        #[command(subcommand)]
        what: NewCommand,
        /// The site folder.
        #[arg(long, value_name = "DIR", default_value = ".", global = true)]
        site: PathBuf,
        /// The date to treat as today (default: SOURCE_DATE_EPOCH, else the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = debrief::time::parse_today_flag, global = true)]
        today: Option<NaiveDate>,
    },
    /// Build, serve the site on 127.0.0.1, and rebuild when a source changes;
    /// open pages reload themselves and show the errors while there are any.
    Serve {
        /// The site folder.
        #[arg(default_value = ".")]
        site_dir: PathBuf,
        /// The port (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; only this machine can connect unless you change it.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Leave draft post-mortems out (serve shows them by default).
        #[arg(long)]
        no_drafts: bool,
        /// The date to treat as today (default: SOURCE_DATE_EPOCH, else the clock).
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = debrief::time::parse_today_flag)]
        today: Option<NaiveDate>,
    },
    /// Print shell completions: debrief completions bash > /etc/bash_completion.d/debrief
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): debrief man > debrief.1
    Man,
}

#[derive(Subcommand)]
enum NewCommand {
    /// A draft post-mortem in content/incidents/YYYY/YYYY-MM-DD-slug.md, with the next free id.
    Incident {
        /// Its title, in quotes.
        title: String,
        /// A level of the severity scale (or an alias).
        #[arg(long)]
        severity: Option<String>,
        /// When it started: "2025-03-25 14:15" (in the site's zone) or RFC 3339.
        #[arg(long, value_name = "TIME")]
        started: Option<String>,
    },
    /// A runbook in content/runbooks/SERVICE/NAME.md.
    Runbook {
        /// SERVICE/NAME, such as payments/high-error-rate.
        path: String,
        /// An alert it answers (repeat for each).
        #[arg(long = "alert", value_name = "ALERT")]
        alerts: Vec<String>,
        /// The team that owns it (default: @SERVICE).
        #[arg(long)]
        owner: Option<String>,
    },
    /// A status template in content/status/PHASE.md.
    Status {
        /// investigating, identified, monitoring or resolved.
        phase: String,
        /// The file name, when PHASE.md is taken (such as investigating-internal).
        #[arg(long)]
        name: Option<String>,
    },
}

/// `key=value` for --set.
fn key_value(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once('=').ok_or_else(|| format!("`{s}` is not KEY=VALUE"))?;
    let k = k.trim();
    if !debrief::status::is_placeholder_name(k) {
        return Err(format!("`{k}` is not a placeholder name (letters, digits and _)"));
    }
    Ok((k.to_string(), v.to_string()))
}

/// Writes generated text to stdout; a closed pipe (`| head`) is not an error.
fn print_bytes(bytes: &[u8]) -> u8 {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(bytes);
    0
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    debrief::progress::set_verbosity(if cli.quiet { -1 } else { cli.verbose as i8 });
    let code = match cli.command {
        Command::Check { site_dir, format, today, strict, changed_since, alert_rules } => {
            commands::check(&CheckOptions { site_dir, format, today, strict, changed_since, alert_rules })
        }
        Command::Alerts { rule_files, site, base_url, write } => {
            commands::alerts(&commands::AlertsOptions { site_dir: site, rule_files, base_url, write })
        }
        Command::Build { site_dir, out, drafts, base_url, today, cache_dir, no_cache } => {
            let cache_dir = (!no_cache).then_some(cache_dir);
            commands::build(&BuildOptions { site_dir, out, drafts, base_url, today, cache_dir })
        }
        Command::Stats { site_dir, format, since, until, service, overdue, today } => {
            let filter = debrief::trends::Filter { since, until, service };
            commands::stats(&StatsOptions { site_dir, format, today, filter, overdue })
        }
        Command::Status { template, set, strict, site } => {
            commands::status(&StatusOptions { site_dir: site, template, values: set.into_iter().collect(), strict })
        }
        Command::Init { dir, force, ci, today } => commands::init(&dir, force, ci, today),
        Command::New { what, site, today } => {
            use debrief::scaffold::NewDocument;
            let doc = match what {
                NewCommand::Incident { title, severity, started } => NewDocument::Incident { title, severity, started },
                NewCommand::Runbook { path, alerts, owner } => NewDocument::Runbook { path, alerts, owner },
                NewCommand::Status { phase, name } => NewDocument::Status { phase, name },
            };
            commands::new_document(&site, &doc, today)
        }
        Command::Serve { site_dir, port, bind, open, no_drafts, today } => {
            commands::serve(&debrief::serve::ServeOptions { site_dir, bind, port, open, no_drafts }, today)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "debrief", &mut out);
            print_bytes(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            // Writing to memory cannot fail.
            let _ = clap_mangen::Man::new(Cli::command()).render(&mut out);
            print_bytes(&out)
        }
    };
    ExitCode::from(code)
}
