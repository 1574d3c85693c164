//! The `debrief` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use debrief::commands::{self, BuildOptions, CheckOptions, StatsOptions};
use debrief::diagnostic::Format;

// Parsing thousands of small documents is allocation-heavy; mimalloc's
// per-thread caches cut the time glibc's malloc spends on locks and mprotect.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Checks incident post-mortems, runbooks and status templates, and compiles
/// them into a static site that works offline.
#[derive(Parser)]
#[command(name = "debrief", version, about, long_about = None)]
struct Cli {
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
        /// Output format: human (like rustc), json, or github (workflow commands that annotate a pull request's diff).
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check { site_dir, format, today, strict, changed_since } => {
            commands::check(&CheckOptions { site_dir, format, today, strict, changed_since })
        }
        Command::Build { site_dir, out, drafts, base_url, today } => {
            commands::build(&BuildOptions { site_dir, out, drafts, base_url, today })
        }
        Command::Stats { site_dir, format, since, until, service, overdue, today } => {
            let filter = debrief::trends::Filter { since, until, service };
            commands::stats(&StatsOptions { site_dir, format, today, filter, overdue })
        }
    };
    ExitCode::from(code)
}
