//! Diagnostics: the rule catalogue (stable codes), the `Diagnostic` value that
//! carries its source position from the moment it is made, and the three
//! output formats of `debrief check` (human, json, github).

use std::fmt::Write as _;

use serde::Serialize;

/// How bad a problem is. Errors fail `check`; warnings fail it only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

macro_rules! rules {
    ($( $variant:ident = ($id:literal, $name:literal, $level:ident, $doc:literal), )*) => {
        /// Every rule debrief knows. The id and name are stable: CI configs,
        /// editor integrations and people's memories refer to them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( #[doc = $doc] $variant, )* }

        impl Code {
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];
            /// The stable short id, e.g. `E012`.
            pub fn id(self) -> &'static str { match self { $( Code::$variant => $id, )* } }
            /// The stable kebab-case name, e.g. `action-item-missing-owner`.
            pub fn name(self) -> &'static str { match self { $( Code::$variant => $name, )* } }
            /// The level a rule has in a published document.
            pub fn level(self) -> Level { match self { $( Code::$variant => Level::$level, )* } }
            /// What the rule checks, for the rule reference.
            pub fn doc(self) -> &'static str { match self { $( Code::$variant => $doc, )* } }
        }
    };
}

rules! {
    // Files and front matter.
    FileUnreadable = ("E001", "file-unreadable", Error, "The file could not be read (permissions, a dangling symlink, or over 10 MB)."),
    FileNotUtf8 = ("E002", "file-not-utf8", Error, "The file is not valid UTF-8."),
    FileEmpty = ("E003", "file-empty", Error, "The file is empty."),
    MarkdownUnparsable = ("E042", "markdown-unparsable", Error, "The markdown parser failed on the file (seen with stray control characters such as vertical tabs); the file is left out of the site."),
    FrontMatterMissing = ("E004", "front-matter-missing", Error, "The file does not start with YAML front matter between `---` lines."),
    FrontMatterUnclosed = ("E005", "front-matter-unclosed", Error, "The front matter has no closing `---` line."),
    FrontMatterInvalid = ("E006", "front-matter-invalid", Error, "The front matter is not valid YAML, or is not a mapping of keys to values."),
    KeyMissing = ("E007", "key-missing", Error, "A required front-matter key is missing or empty."),
    KeyWrongType = ("E008", "key-wrong-type", Error, "A front-matter key has the wrong shape (for example a list where one line of text is expected)."),
    SeverityUnknown = ("E009", "severity-unknown", Error, "The severity is not a level (or alias) of the configured scale."),
    StatusUnknown = ("E010", "status-unknown", Error, "The post-mortem status is not `draft`, `in-review` or `published`."),
    EnumValueUnknown = ("E011", "value-unknown", Error, "A key with a fixed set of values (`detected_by`, `root_cause.category`, `audience`) has another value."),
    ActionItemMissingOwner = ("E012", "action-item-missing-owner", Error, "An action item has no owner, or only a placeholder such as `TBD` or `@owner`."),
    ActionItemMissingDue = ("E013", "action-item-missing-due", Error, "An action item has no due date."),
    ActionItemMissingType = ("E014", "action-item-missing-type", Error, "An action item has no type (`prevent`, `detect`, `mitigate` by default)."),
    ActionItemBadDue = ("E015", "action-item-bad-due", Error, "An action item's due date is not a real calendar date written `YYYY-MM-DD`."),
    ActionItemDueBeforeStart = ("E016", "action-item-due-before-start", Error, "An action item is due before the incident started."),
    ActionItemBadType = ("E017", "action-item-unknown-type", Error, "An action item's type is not one of the configured types."),
    TimestampInvalid = ("E018", "timestamp-invalid", Error, "A timestamp is neither RFC 3339 nor `YYYY-MM-DD HH:MM` in a known time zone, or names a local time that a daylight-saving change skips (in the front matter or the timeline)."),
    TimestampsOutOfOrder = ("E019", "timestamps-out-of-order", Error, "The incident's timestamps go backwards (started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved)."),
    ResolvedMissing = ("E020", "resolved-at-missing", Error, "A published post-mortem has no `resolved_at`."),
    SectionMissing = ("E021", "section-missing", Error, "A required section is missing (or sits at a heading level other than 2 or 3)."),
    SectionEmpty = ("E022", "section-empty", Error, "A required section is empty or holds only a template placeholder such as `TBD` or `<…>`."),
    PhaseUnknown = ("E023", "phase-unknown", Error, "A status template's phase is not `investigating`, `identified`, `monitoring` or `resolved`."),
    DuplicateId = ("E024", "duplicate-id", Error, "Two documents of the same kind have the same id (or ids that give the same URL)."),
    UnknownRunbook = ("E025", "unknown-runbook", Error, "A post-mortem's `runbooks:` names a runbook that does not exist."),
    UnknownRelated = ("E026", "unknown-related", Error, "A post-mortem's `related:` names an incident that does not exist."),
    DuplicateAlert = ("E027", "duplicate-alert", Error, "Two runbooks answer the same alert name, so `/alerts/<name>/` would be ambiguous."),
    InvalidName = ("E028", "invalid-name", Error, "An id or alert name cannot become a safe URL (it is empty, or uses characters outside letters, digits, `_`, `-`, `.`)."),
    CommitInvalid = ("E029", "commit-invalid", Error, "A `root_cause.commits` entry is not 7–40 hex digits, optionally prefixed `repo@`."),
    TimezoneUnknown = ("E030", "timezone-unknown", Error, "A time zone is not an IANA name (`Europe/London`), an offset (`+01:00`) or a known abbreviation (`UTC`, `BST`)."),
    DateInvalid = ("E031", "date-invalid", Error, "A date such as `last_reviewed` is not a real calendar date written `YYYY-MM-DD`."),
    TemplateEmpty = ("E032", "status-template-empty", Error, "A status template has no text."),
    ActionItemMissingTicket = ("E033", "action-item-missing-ticket", Error, "An action item has no ticket (only when `action_items.required` lists `ticket`)."),
    CommitNotFound = ("E034", "commit-not-found", Error, "A `root_cause.commits` entry does not resolve to a commit in the configured repositories."),
    CommitAmbiguous = ("E035", "commit-ambiguous", Error, "A short commit id in `root_cause.commits` matches more than one commit."),
    AlertWithoutRunbook = ("E037", "alert-without-runbook", Error, "An alert rule whose severity pages (`alert_rules.paging`) has no runbook that lists it in `alerts:`."),
    RunbookUrlBroken = ("E038", "runbook-url-broken", Error, "An alert rule's `runbook_url` points into this site but not at the alert's own page, /alerts/<name>/."),
    AlertRulesInvalid = ("E039", "alert-rules-invalid", Error, "An alert rule file cannot be read, is not YAML, or has no `groups:` (or `spec.groups:`)."),
    IncidentLogInvalid = ("E036", "incident-log-invalid", Error, "A row of the incident log (`trends.incident_log`) has no id, an unknown severity or an unreadable date."),
    ConfigUnknownKey = ("E040", "config-unknown-key", Error, "`debrief.yml` has a key debrief does not know (check stops with exit status 2)."),
    ConfigInvalid = ("E041", "config-invalid", Error, "A `debrief.yml` value is invalid (check stops with exit status 2)."),
    // Warnings.
    KeyTypo = ("W001", "key-typo", Warning, "An unknown front-matter key is one or two edits away from a known key."),
    TimelineOutOfOrder = ("W002", "timeline-out-of-order", Warning, "A timeline entry is earlier than the one before it."),
    TimelineUnparsed = ("W003", "timeline-no-times", Warning, "The timeline has no entry that starts with a time debrief can read."),
    ActionItemVague = ("W004", "action-item-vague", Warning, "An action item is too vague to verify (\"be more careful\", \"improve monitoring\")."),
    ActionItemsUnparsed = ("W005", "action-items-unparsed", Warning, "The action items section has text but no table or list debrief can read as items."),
    BlameLanguage = ("W006", "blame-language", Warning, "A phrase blames a person rather than naming the missing guardrail."),
    RunbookStale = ("W007", "runbook-stale", Warning, "A runbook's `last_reviewed` is older than `runbooks.review_every`."),
    PlaceholderMalformed = ("W008", "placeholder-malformed", Warning, "A status template has a `{{` without a matching `}}`, or a placeholder name that is not a plain word."),
    CommitAfterStart = ("W010", "commit-after-start", Warning, "A root-cause commit was made after the incident started, so it cannot have caused it."),
    QuietAlertWithoutRunbook = ("W011", "quiet-alert-without-runbook", Warning, "An alert rule that does not page has no runbook that lists it in `alerts:`."),
    RunbookAlertUndefined = ("W012", "runbook-alert-undefined", Warning, "A runbook lists an alert that no alert rule defines: it has likely been renamed or removed."),
    FileIgnored = ("W009", "file-ignored", Warning, "A markdown file is outside `incidents/`, `runbooks/`, `status/` and `pages/`, or is a symlink that leaves the site, so it is not part of the site."),
}

/// One problem, with everything needed to show it: where, what, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub file: String,
    /// 1-based line in the source file, front matter included.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
    pub code: Code,
    pub level: Level,
    /// What is wrong, specific to this case.
    pub message: String,
    /// What the author should do about it.
    pub help: String,
    /// The source line, for the human format.
    pub snippet: String,
}

impl Diagnostic {
    /// The one sentence used by the json and github formats.
    pub fn sentence(&self) -> String {
        let mut s = crate::text::capitalise(&self.message);
        if !self.help.is_empty() {
            s.push_str(": ");
            s.push_str(&self.help);
        }
        if !s.ends_with(['.', '?', '!']) {
            s.push('.');
        }
        s
    }

    /// Drafts are checked leniently: what would fail a published post-mortem only warns.
    pub fn demote(&mut self) {
        self.demote_because("the post-mortem is a draft");
    }

    /// With `--changed-since`, problems in files the pull request did not touch only warn.
    pub fn demote_unchanged(&mut self, rev: &str) {
        self.demote_because(&format!("the file is unchanged since {rev}"));
    }

    /// An error reported as a warning, saying why.
    pub fn demote_because(&mut self, why: &str) {
        if self.level == Level::Error {
            self.level = Level::Warning;
            self.help.push_str(&format!(" (warning only: {why})"));
        }
    }

    fn sort_key(&self) -> (&str, usize, usize, Code, &str) {
        (&self.file, self.line, self.column, self.code, &self.message)
    }
}

/// Puts diagnostics in the one order every format uses: by file, line, column, code.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// Counts of errors and warnings.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    (errors, diags.len() - errors)
}

/// The output formats of `debrief check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    /// SARIF 2.1.0, for code-scanning views.
    Sarif,
    /// GitLab's code-quality report.
    Gitlab,
}

/// Renders diagnostics in `format`. `files_checked` feeds the human summary line.
pub fn render(diags: &[Diagnostic], format: Format, colour: bool, files_checked: usize) -> String {
    match format {
        Format::Human => render_human(diags, colour, files_checked),
        Format::Json => render_json(diags),
        Format::Github => render_github(diags),
        Format::Sarif => crate::ci_report::sarif(diags),
        Format::Gitlab => crate::ci_report::gitlab(diags),
    }
}

struct Palette {
    error: &'static str,
    warning: &'static str,
    accent: &'static str,
    bold: &'static str,
    reset: &'static str,
}

const COLOUR: Palette =
    Palette { error: "\x1b[1;31m", warning: "\x1b[1;33m", accent: "\x1b[1;34m", bold: "\x1b[1m", reset: "\x1b[0m" };
const PLAIN: Palette = Palette { error: "", warning: "", accent: "", bold: "", reset: "" };

fn render_human(diags: &[Diagnostic], colour: bool, files_checked: usize) -> String {
    let p = if colour { &COLOUR } else { &PLAIN };
    let mut out = String::new();
    for d in diags {
        write_human(&mut out, d, p);
    }
    let (errors, warnings) = counts(diags);
    let files_with_problems = {
        let mut files: Vec<&str> = diags.iter().map(|d| d.file.as_str()).collect();
        files.dedup();
        files.len()
    };
    if diags.is_empty() {
        let _ = writeln!(out, "{}ok{}: checked {files_checked} files, no problems found", p.bold, p.reset);
    } else {
        let colour = if errors > 0 { p.error } else { p.warning };
        let _ = writeln!(
            out,
            "{colour}{}{}: {} and {} in {files_with_problems} of {files_checked} files",
            if errors > 0 { "failed" } else { "passed with warnings" },
            p.reset,
            plural(errors, "error"),
            plural(warnings, "warning"),
        );
    }
    out
}

fn write_human(out: &mut String, d: &Diagnostic, p: &Palette) {
    let level_colour = match d.level {
        Level::Error => p.error,
        Level::Warning => p.warning,
    };
    let gutter = d.line.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{level_colour}{}[{}]{}{}: {}{}",
        d.level.as_str(),
        d.code.id(),
        p.reset,
        p.bold,
        d.message,
        p.reset
    );
    let _ = writeln!(out, "{pad}{}-->{} {}:{}:{}", p.accent, p.reset, d.file, d.line, d.column);
    if !d.snippet.is_empty() {
        let shown = d.snippet.replace('\t', "    ");
        let tabs_before = d.snippet.chars().take(d.column.saturating_sub(1)).filter(|&c| c == '\t').count();
        let caret_col = d.column.saturating_sub(1) + tabs_before * 3;
        let _ = writeln!(out, "{pad} {}|{}", p.accent, p.reset);
        let _ = writeln!(out, "{}{} |{} {}", p.accent, d.line, p.reset, shown);
        let _ = writeln!(
            out,
            "{pad} {}|{} {}{}{}{}",
            p.accent,
            p.reset,
            " ".repeat(caret_col),
            level_colour,
            "^".repeat(d.width.max(1)),
            p.reset
        );
    }
    if !d.help.is_empty() {
        let _ = writeln!(out, "{pad} {}={} {}help{}: {}", p.accent, p.reset, p.bold, p.reset, d.help);
    }
    let _ = writeln!(out, "{pad} {}={} {}: {}", p.accent, p.reset, d.code.id(), d.code.name());
    out.push('\n');
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    severity: Level,
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: usize,
    warnings: usize,
}

fn render_json(diags: &[Diagnostic]) -> String {
    let (errors, warnings) = counts(diags);
    let report = JsonReport {
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                file: &d.file,
                line: d.line,
                column: d.column,
                severity: d.level,
                code: d.code.id(),
                message: d.sentence(),
            })
            .collect(),
        errors,
        warnings,
    };
    let mut s = serde_json::to_string(&report).expect("diagnostics serialise");
    s.push('\n');
    s
}

/// GitHub workflow commands, which GitHub shows as annotations on the diff.
fn render_github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.level.as_str(),
            gh_property(&d.file),
            d.line,
            d.column,
            gh_property(&format!("{} {}", d.code.id(), d.code.name())),
            gh_data(&d.sentence()),
        );
    }
    out
}

fn gh_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag() -> Diagnostic {
        Diagnostic {
            file: "content/incidents/a,b.md".into(),
            line: 12,
            column: 3,
            width: 4,
            code: Code::ActionItemMissingOwner,
            level: Level::Error,
            message: "action item \"Add checks\" has no owner".into(),
            help: "add a team or @handle".into(),
            snippet: "| Add checks | | 2025-04-01 |".into(),
        }
    }

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut ids: Vec<_> = Code::ALL.iter().map(|c| c.id()).collect();
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.name()).collect();
        ids.sort();
        names.sort();
        ids.dedup();
        names.dedup();
        assert_eq!(ids.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
        for c in Code::ALL {
            let prefix = if c.level() == Level::Error { 'E' } else { 'W' };
            assert!(c.id().starts_with(prefix), "{} has the wrong prefix", c.id());
        }
        assert_eq!(Code::ActionItemMissingOwner.id(), "E012");
    }

    #[test]
    fn json_follows_the_spec() {
        let out = render(&[diag()], Format::Json, false, 1);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["errors"], 1);
        assert_eq!(v["warnings"], 0);
        let d = &v["diagnostics"][0];
        assert_eq!(d["file"], "content/incidents/a,b.md");
        assert_eq!(d["line"], 12);
        assert_eq!(d["column"], 3);
        assert_eq!(d["severity"], "error");
        assert_eq!(d["code"], "E012");
        assert_eq!(d["message"], "Action item \"Add checks\" has no owner: add a team or @handle.");
        assert_eq!(d.as_object().unwrap().len(), 6);
    }

    #[test]
    fn github_escapes_properties_and_data() {
        let mut d = diag();
        d.message = "50% done\nnext".into();
        let out = render(&[d], Format::Github, false, 1);
        assert_eq!(
            out,
            "::error file=content/incidents/a%2Cb.md,line=12,col=3,title=E012 action-item-missing-owner::50%25 done%0Anext: add a team or @handle.\n"
        );
    }

    #[test]
    fn human_points_a_caret_at_the_column() {
        let out = render(&[diag()], Format::Human, false, 3);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "error[E012]: action item \"Add checks\" has no owner");
        assert_eq!(lines[1], "  --> content/incidents/a,b.md:12:3");
        assert_eq!(lines[3], "12 | | Add checks | | 2025-04-01 |");
        assert_eq!(lines[4], "   |   ^^^^");
        assert!(out.contains("= help: add a team or @handle"));
        assert!(out.ends_with("failed: 1 error and 0 warnings in 1 of 3 files\n"));
        assert!(!out.contains('\x1b'));
    }

    #[test]
    fn demoted_drafts_warn() {
        let mut d = diag();
        d.demote();
        assert_eq!(d.level, Level::Warning);
        assert_eq!(d.code, Code::ActionItemMissingOwner);
    }
}
