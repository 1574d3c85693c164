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
}

/// Exit statuses, as documented in the README.
pub const OK: u8 = 0;
pub const FAILED: u8 = 1;
pub const COULD_NOT_RUN: u8 = 2;

/// Whether to colour human output: only on a terminal, and never with NO_COLOR set.
fn use_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
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
    let colour = use_colour();
    let mut out = std::io::stdout().lock();
    match check::check(&opts.site_dir, today) {
        Ok(checked) => {
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
