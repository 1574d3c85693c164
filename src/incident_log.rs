//! The incident log: a CSV of every incident, exported from the paging or
//! incident tool (`trends.incident_log`), so that the share of severe
//! incidents with a post-mortem also counts the ones nobody wrote up.
//!
//! Columns are found by their header: `id` and `severity` are required,
//! `started_at` and `title` are read when present, and any others (what an
//! export carries besides) are ignored.

use std::path::Path;

use chrono::NaiveDate;

use crate::diagnostic::{Code, Diagnostic};
use crate::settings::Settings;
use crate::source::{file_level, Locator};
use crate::text::quote;

/// One row of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedIncident {
    pub id: String,
    /// The level's id on the site's scale (`SEV-1`), and its rank.
    pub severity: String,
    pub severity_rank: usize,
    /// The day it started, as written.
    pub started: Option<NaiveDate>,
    pub title: String,
}

/// Reads the configured log; no log configured is an empty one.
pub fn load(site_dir: &Path, settings: &Settings) -> (Vec<LoggedIncident>, Vec<Diagnostic>) {
    let rel = settings.config.trends.incident_log.trim();
    if rel.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let bytes = match crate::source::read_capped(&site_dir.join(rel)) {
        Ok(b) => b,
        Err(e) => {
            let d = file_level(
                crate::config::FILE_NAME,
                Code::ConfigInvalid,
                &format!("cannot read the incident log `{}`: {e}", quote(rel, 60)),
                "fix `trends.incident_log` in debrief.yml, or add the CSV exported from your incident tool",
            );
            return (Vec::new(), vec![d]);
        }
    };
    match crate::source::decode(rel, bytes) {
        Ok(text) => parse(rel, &text, settings),
        Err(d) => (Vec::new(), vec![*d]),
    }
}

/// Parses the text of a log named `rel`.
pub fn parse(rel: &str, text: &str, settings: &Settings) -> (Vec<LoggedIncident>, Vec<Diagnostic>) {
    let loc = Locator::new(rel, text);
    let mut diags = Vec::new();
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => return (Vec::new(), vec![row_error(&loc, 1, "", &format!("the header row cannot be read: {e}"))]),
    };
    let column = |name: &str| header.iter().position(|h| h == name);
    let (Some(id_col), Some(sev_col)) = (column("id"), column("severity")) else {
        let d = row_error(
            &loc,
            1,
            "",
            "the incident log's header has no `id` and `severity` columns; name them so (and optionally `started_at`, `title`)",
        );
        return (Vec::new(), vec![d]);
    };
    let (start_col, title_col) = (column("started_at"), column("title"));
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as usize);
                diags.push(row_error(&loc, line, "", &format!("this row cannot be read as CSV: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(1, |p| p.line() as usize);
        let cell = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let id = cell(Some(id_col));
        if id.is_empty() {
            diags.push(row_error(
                &loc,
                line,
                "",
                "this row has no id; give every incident its id, as post-mortems' `id:` name it",
            ));
            continue;
        }
        let written = cell(Some(sev_col));
        let Some(level) = settings.scale.parse(written) else {
            let message = format!(
                "`{}` is not a severity of this site ({}); add it as an alias in `severities` in debrief.yml",
                quote(written, 30),
                settings.scale.ids()
            );
            diags.push(row_error(&loc, line, written, &message));
            continue;
        };
        let started_text = cell(start_col);
        let started = if started_text.is_empty() {
            None
        } else {
            let day = crate::time::parse_date(started_text)
                .or_else(|| crate::time::parse_timestamp(started_text, settings.zone).ok().map(|t| t.date_naive()));
            if day.is_none() {
                let message =
                    format!("`{}` is not a date or timestamp; write YYYY-MM-DD or RFC 3339", quote(started_text, 30));
                diags.push(row_error(&loc, line, started_text, &message));
            }
            day
        };
        out.push(LoggedIncident {
            id: id.to_string(),
            severity: level.id.clone(),
            severity_rank: level.rank,
            started,
            title: cell(title_col).to_string(),
        });
    }
    (out, diags)
}

/// A problem with a row, pointing at `cell` in it when it can be found.
fn row_error(loc: &Locator, line: usize, cell: &str, message: &str) -> Diagnostic {
    let text = loc.index.line_text(loc.text, line);
    let column = if cell.is_empty() { None } else { text.find(cell) }.map_or(1, |at| text[..at].chars().count() + 1);
    let (message, help) = message.split_once("; ").unwrap_or((message, "fix the row in the export, or export again"));
    loc.at_line_col(line, column, cell.chars().count(), Code::IncidentLogInvalid, message.to_string(), help)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        let today = crate::time::Today::fixed(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap());
        Settings::new(crate::config::Config::default(), today)
    }

    #[test]
    fn rows_are_read_by_header_name_and_extra_columns_ignored() {
        let text = "Title,ID,Severity,Started_At,Assignee\n\"DB down, again\",INC-1,P0,2025-03-01T23:30:00-05:00,ana\nAPI slow,INC-2,sev2,2025-03-04,\n";
        let (log, diags) = parse("incidents.csv", text, &settings());
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(log.len(), 2);
        assert_eq!((log[0].id.as_str(), log[0].severity.as_str(), log[0].severity_rank), ("INC-1", "SEV-1", 0));
        assert_eq!(log[0].title, "DB down, again");
        // The day as written, not as UTC.
        assert_eq!(log[0].started, NaiveDate::from_ymd_opt(2025, 3, 1));
        assert_eq!(log[1].started, NaiveDate::from_ymd_opt(2025, 3, 4));
    }

    #[test]
    fn bad_rows_point_at_their_cell() {
        let text = "id,severity,started_at\nINC-1,critical,2025-01-01\n,SEV-2,\nINC-3,SEV-3,yesterday\n";
        let (log, diags) = parse("log.csv", text, &settings());
        let got: Vec<(usize, usize, Code)> = diags.iter().map(|d| (d.line, d.column, d.code)).collect();
        assert_eq!(
            got,
            [(2, 7, Code::IncidentLogInvalid), (3, 1, Code::IncidentLogInvalid), (4, 13, Code::IncidentLogInvalid)]
        );
        assert!(diags[0].help.contains("alias"), "{}", diags[0].help);
        // The row with a bad date still counts, undated.
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].id.as_str(), log[0].started), ("INC-3", None));
    }

    #[test]
    fn a_header_without_id_or_severity_is_one_error() {
        let (log, diags) = parse("log.csv", "name,level\nx,SEV-1\n", &settings());
        assert!(log.is_empty());
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 1);
    }
}
