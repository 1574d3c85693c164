//! `debrief init` and `debrief new`: new sites and new documents, written
//! from templates so that what they produce checks clean (init) or is
//! flagged by `check` until its placeholders are filled (new).
//!
//! `new` renders an archetype (as Hugo calls them): the site's
//! `archetypes/<kind>.md` if there is one, else the built-in one.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::NaiveDate;

use crate::status::PHASES;

/// Which CI recipe `init` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ci {
    /// .github/workflows/debrief.yml
    Github,
    /// .gitlab-ci.yml
    Gitlab,
    None,
}

const GITHUB_WORKFLOW: (&str, &str) = (".github/workflows/debrief.yml", include_str!("scaffold/github-workflow.yml"));
const GITLAB_CI: (&str, &str) = (".gitlab-ci.yml", include_str!("scaffold/gitlab-ci.yml"));

/// The files `init` writes (besides the CI recipe), by path under the new site.
const INIT_FILES: &[(&str, &str)] = &[
    ("debrief.yml", include_str!("scaffold/debrief.yml")),
    (".gitignore", "# debrief build output, and its cache (see `debrief build --help`)\n/public/\n/.debrief-cache/\n"),
    (
        "content/incidents/2025/2025-03-25-checkout-500s-guest-payments.md",
        include_str!("../content/incidents/2025/2025-03-25-checkout-500s-guest-payments.md"),
    ),
    ("content/runbooks/payments/high-error-rate.md", include_str!("../content/runbooks/payments/high-error-rate.md")),
    ("content/status/investigating.md", include_str!("../content/status/investigating.md")),
    ("content/status/identified.md", include_str!("../content/status/identified.md")),
    ("content/status/monitoring.md", include_str!("../content/status/monitoring.md")),
    ("content/status/resolved.md", include_str!("../content/status/resolved.md")),
];

const ARCHETYPES: &[(&str, &str)] = &[
    ("incident", include_str!("../themes/default/archetypes/incident.md")),
    ("runbook", include_str!("../themes/default/archetypes/runbook.md")),
    ("status", include_str!("../themes/default/archetypes/status.md")),
];

/// Writes a new site into `dir`; returns the files written. A folder that
/// holds anything is refused unless `force` (which overwrites only these files).
pub fn init(dir: &Path, force: bool, ci: Ci, today: NaiveDate) -> anyhow::Result<Vec<PathBuf>> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        if entries.next().is_some() && !force {
            bail!("{} is not empty; pass --force to write the new site's files into it anyway", dir.display());
        }
    }
    let mut written = Vec::new();
    let recipe = match ci {
        Ci::Github => Some(&GITHUB_WORKFLOW),
        Ci::Gitlab => Some(&GITLAB_CI),
        Ci::None => None,
    };
    for (rel, text) in INIT_FILES.iter().chain(recipe) {
        // The example runbook was reviewed today, so it is not stale from the start.
        let text = if rel.starts_with("content/runbooks/") { with_review_date(text, today) } else { text.to_string() };
        let path = dir.join(rel);
        write_new(&path, &text, true)?;
        written.push(path);
    }
    Ok(written)
}

fn with_review_date(text: &str, today: NaiveDate) -> String {
    text.lines()
        .map(|l| if l.starts_with("last_reviewed:") { format!("last_reviewed: {today}") } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// What `new` writes.
#[derive(Debug, Clone)]
pub enum NewDocument {
    Incident {
        title: String,
        severity: Option<String>,
        started: Option<String>,
    },
    /// `service/name`.
    Runbook {
        path: String,
        alerts: Vec<String>,
        owner: Option<String>,
    },
    Status {
        phase: String,
        name: Option<String>,
    },
}

/// Writes a new document into the site from its archetype; returns its path.
/// An existing file is never overwritten.
pub fn new_document(site: &Path, doc: &NewDocument, today: NaiveDate) -> anyhow::Result<PathBuf> {
    if !site.join("content").is_dir() {
        bail!("{} has no content/ folder: run `debrief init` first, or pass --site", site.display());
    }
    let (kind, rel, ctx) = match doc {
        NewDocument::Incident { title, severity, started } => incident(site, title, severity, started, today)?,
        NewDocument::Runbook { path, alerts, owner } => runbook(path, alerts, owner, today)?,
        NewDocument::Status { phase, name } => status(phase, name)?,
    };
    let text = render(site, kind, ctx)?;
    let path = site.join(&rel);
    write_new(&path, &text, false)?;
    Ok(path)
}

type Planned = (&'static str, String, minijinja::Value);

fn incident(
    site: &Path,
    title: &str,
    severity: &Option<String>,
    started: &Option<String>,
    today: NaiveDate,
) -> anyhow::Result<Planned> {
    let title = title.trim();
    if title.is_empty() || title.contains('\n') {
        bail!("give the post-mortem a one-line title: debrief new incident \"Checkout failed for guests\"");
    }
    let config =
        crate::config::load(site).map_err(|_| anyhow::anyhow!("debrief.yml is invalid: run `debrief check`"))?;
    let scale = crate::severity::Scale::from_config(&config.severities);
    let severity = match severity {
        // Left for the author: `check` flags it until it is a level of the scale.
        None => "TBD".to_string(),
        Some(s) => scale
            .parse(s)
            .map(|l| l.id.clone())
            .ok_or_else(|| anyhow::anyhow!("`{s}` is not a severity of this site; use one of {}", scale.ids()))?,
    };
    let started_text = match started {
        Some(s) => {
            let zone = crate::time::Zone::parse(&config.timezone).unwrap_or(crate::time::Zone::UTC);
            crate::time::parse_timestamp(s, zone)
                .map_err(|_| anyhow::anyhow!("`{s}` is not a time: write \"2025-03-25 14:15\" or RFC 3339"))?;
            s.trim().to_string()
        }
        None => format!("{today} 00:00"),
    };
    let started_given = started.is_some();
    let day: String = started_text.chars().take(10).collect();
    let year = &day[..4];
    let slug: String = crate::url::path_slug(title).replace('/', "-").chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    let rel = format!("content/incidents/{year}/{day}-{slug}.md");
    let id = next_id(site, year);
    let ctx =
        minijinja::context! { id, title, severity, started => started_text, started_given, today => today.to_string() };
    Ok(("incident", rel, ctx))
}

fn runbook(path: &str, alerts: &[String], owner: &Option<String>, today: NaiveDate) -> anyhow::Result<Planned> {
    let Some((service, name)) = path.trim_matches('/').split_once('/') else {
        bail!("name the runbook SERVICE/NAME, such as payments/high-error-rate");
    };
    let safe = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !safe(service) || !name.split('/').all(safe) {
        bail!("`{path}` must be SERVICE/NAME in letters, digits, `-` and `_`");
    }
    if let Some(bad) = alerts.iter().find(|a| !crate::url::is_safe_alert_name(a)) {
        bail!("`{bad}` is not an alert name debrief can give a page (letters, digits, `_`, `-`, `.`, `:`)");
    }
    let words = name.rsplit('/').next().unwrap_or(name).replace(['-', '_'], " ");
    let title = format!("{}: {}", service, crate::text::capitalise(&words));
    let owner = owner.clone().unwrap_or_else(|| format!("@{service}"));
    let ctx = minijinja::context! { title, service, owner, alerts, today => today.to_string() };
    Ok(("runbook", format!("content/runbooks/{service}/{name}.md"), ctx))
}

fn status(phase: &str, name: &Option<String>) -> anyhow::Result<Planned> {
    let phase = phase.trim().to_ascii_lowercase();
    if !PHASES.contains(&phase.as_str()) {
        bail!("`{phase}` is not a phase; use one of {}", PHASES.join(", "));
    }
    let name = name.clone().unwrap_or_else(|| phase.clone());
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')) {
        bail!("`{name}` is not a file name: use letters, digits, `-` and `_`");
    }
    let title = format!("{} (external)", crate::text::capitalise(&phase));
    let ctx = minijinja::context! { title, phase };
    Ok(("status", format!("content/status/{name}.md"), ctx))
}

/// The next free id of the `INC-YYYY-NNN` kind for `year`, from the ids the
/// site's post-mortems already have.
fn next_id(site: &Path, year: &str) -> String {
    let prefix = format!("INC-{year}-");
    let mut highest = 0;
    for entry in walkdir::WalkDir::new(site.join("content/incidents")).into_iter().flatten() {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let front = text.strip_prefix("---").and_then(|t| t.split("\n---").next()).unwrap_or("");
        for line in front.lines() {
            let Some(id) = line.strip_prefix("id:") else { continue };
            let id = id.trim().trim_matches(['"', '\'']);
            if let Some(n) = id.strip_prefix(&prefix).and_then(|n| n.parse::<u32>().ok()) {
                highest = highest.max(n);
            }
        }
    }
    format!("{prefix}{:03}", highest + 1)
}

/// The site's archetype for `kind`, else the built-in one, rendered.
fn render(site: &Path, kind: &str, ctx: minijinja::Value) -> anyhow::Result<String> {
    let own = site.join("archetypes").join(format!("{kind}.md"));
    let source = if own.is_file() {
        std::fs::read_to_string(&own).with_context(|| format!("cannot read {}", own.display()))?
    } else {
        ARCHETYPES.iter().find(|(k, _)| *k == kind).expect("every kind has an archetype").1.to_string()
    };
    let mut env = minijinja::Environment::new();
    env.set_keep_trailing_newline(true);
    // Values go into YAML front matter: a JSON string is a valid YAML scalar, quotes and colons included.
    env.add_filter("yaml", |s: String| serde_json::to_string(&s).unwrap_or_default());
    env.render_str(&source, ctx).with_context(|| format!("the {kind} archetype cannot be rendered"))
}

/// Writes `text` to `path`, making its folders; refuses to replace a file unless `replace`.
fn write_new(path: &Path, text: &str, replace: bool) -> anyhow::Result<()> {
    if !replace && path.exists() {
        bail!("{} already exists; debrief new never overwrites a file", path.display());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn incident_ids_count_up_per_year() {
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("content/incidents/2026");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.md"), "---\nid: INC-2026-007\n---\n").unwrap();
        std::fs::write(dir.join("b.md"), "---\nid: \"INC-2025-031\"\n---\n").unwrap();
        assert_eq!(next_id(site.path(), "2026"), "INC-2026-008");
        assert_eq!(next_id(site.path(), "2025"), "INC-2025-032");
        assert_eq!(next_id(site.path(), "2027"), "INC-2027-001");
    }

    #[test]
    fn titles_are_quoted_for_yaml() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("content")).unwrap();
        let doc = NewDocument::Incident {
            title: "DB: \"primary\" down".into(),
            severity: Some("p1".into()),
            started: Some("2026-11-20 09:30".into()),
        };
        let path = new_document(site.path(), &doc, today()).unwrap();
        assert!(path.ends_with("content/incidents/2026/2026-11-20-db-primary-down.md"), "{}", path.display());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("title: \"DB: \\\"primary\\\" down\"\nseverity: SEV-2\n"), "{text}");
        assert!(text.contains("id: INC-2026-001\n"));
        let again = new_document(site.path(), &doc, today()).unwrap_err();
        assert!(again.to_string().contains("never overwrites"), "{again}");
    }

    #[test]
    fn bad_names_are_refused() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("content")).unwrap();
        for doc in [
            NewDocument::Runbook { path: "../etc/passwd".into(), alerts: vec![], owner: None },
            NewDocument::Runbook { path: "payments".into(), alerts: vec![], owner: None },
            NewDocument::Runbook { path: "a/b".into(), alerts: vec!["x/../y".into()], owner: None },
            NewDocument::Status { phase: "panicking".into(), name: None },
            NewDocument::Status { phase: "resolved".into(), name: Some("../x".into()) },
            NewDocument::Incident { title: " ".into(), severity: None, started: None },
            NewDocument::Incident { title: "x".into(), severity: Some("SEV-9".into()), started: None },
        ] {
            assert!(new_document(site.path(), &doc, today()).is_err(), "{doc:?}");
        }
    }
}
