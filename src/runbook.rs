//! Runbooks (`content/runbooks`): owner, alerts, review date and the
//! sections a responder needs at 3 a.m.

use chrono::NaiveDate;

use crate::diagnostic::Code;
use crate::document::{Ctx, Meta, Spanned};
use crate::settings::Settings;
use crate::source::SourceFile;
use crate::text::quote;
use crate::url::is_safe_alert_name;
use crate::yaml::Value;

pub const KNOWN_KEYS: &[&str] = &["title", "id", "service", "owner", "alerts", "last_reviewed", "severity", "tags"];

#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    pub meta: Meta,
    pub service: String,
    pub owner: String,
    pub alerts: Vec<Spanned>,
    pub last_reviewed: Option<NaiveDate>,
    /// True when `last_reviewed` is older than `runbooks.review_every`.
    pub stale: bool,
    /// Where a staleness warning points: `last_reviewed`, or the end of the front matter.
    pub review_span: crate::document::Span,
    pub severity: Option<String>,
    pub tags: Vec<String>,
    pub extra: Vec<(String, Value)>,
    /// File offsets of the `# heading` the title was taken from (no front
    /// matter `title`), left out of the HTML: the page shows the title already.
    pub title_heading: Option<std::ops::Range<usize>>,
}

/// The `owner` line a missing-owner diagnostic suggests: a team named after
/// the runbook's service where that makes a handle (`@checkout-oncall`).
fn owner_example(service: &str) -> String {
    let handle = service.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') && !service.is_empty();
    let team = if handle { service } else { "payments" };
    format!("owner: \"@{team}-oncall\"")
}

pub fn parse(ctx: &mut Ctx, file: &SourceFile, s: &Settings) -> Runbook {
    let config = &s.config.runbooks;
    let (meta, title_heading) =
        if config.front_matter == "optional" { ctx.meta_or_heading(file) } else { (ctx.meta(file), None) };
    // `runbooks/<folder>/…`: the folder is the service, when the config says so.
    let folder = file.path_id.split_once('/').map(|(f, _)| f.to_string());
    let service = match folder.filter(|_| config.service_from_folder && ctx.get("service").is_none()) {
        Some(folder) => folder,
        None => ctx.required("service", "runbook", "service: payments").map(|v| v.value).unwrap_or_default(),
    };
    let owner = ctx.required("owner", "runbook", &owner_example(&service)).map(|v| v.value).unwrap_or_default();
    let mut alerts = ctx.list("alerts");
    if alerts.is_empty() && config.alert_from_file_name && ctx.get("alerts").is_none() {
        let stem = file.path_id.rsplit('/').next().unwrap_or_default().to_string();
        alerts.push(Spanned { value: stem, span: ctx.span(1, 1, 1) });
    }
    for alert in &alerts {
        if !is_safe_alert_name(&alert.value) {
            ctx.report(
                alert.span.clone(),
                Code::InvalidName,
                format!("alert name `{}` cannot be a URL", quote(&alert.value, 40)),
                "use the alert's name as Prometheus writes it: letters, digits, `_`, `-`, `.`, `:`",
            );
        }
    }
    let severity = ctx.spanned_text("severity").and_then(|v| ctx.severity(v, &s.scale)).map(|l| l.id.clone());
    let review_span =
        if ctx.root.get("last_reviewed").is_some() { ctx.value_span("last_reviewed") } else { ctx.end_span() };
    let (last_reviewed, stale) = review(ctx, s);
    let extra = ctx.unknown_keys("", KNOWN_KEYS);
    let tags = ctx.texts("tags");
    let sections = ctx.body.sections();
    ctx.required_sections(&sections, &s.runbook_sections, &s.config.runbooks.required_sections, "runbook", |display| {
        format!("write the {display} steps a responder should follow")
    });
    let mut meta = meta;
    meta.summary = ctx.first_paragraph(s.runbook_sections.find(&sections, "Meaning"));
    Runbook { meta, service, owner, alerts, last_reviewed, stale, review_span, severity, tags, extra, title_heading }
}

fn review(ctx: &mut Ctx, s: &Settings) -> (Option<NaiveDate>, bool) {
    let Some(v) = ctx.spanned_text("last_reviewed") else {
        return (None, false);
    };
    let Some(date) = crate::time::parse_date(&v.value) else {
        ctx.report(
            v.span,
            Code::DateInvalid,
            format!("`last_reviewed` is `{}`, not a calendar date", quote(&v.value, 30)),
            "write the date of the last review as YYYY-MM-DD",
        );
        return (None, false);
    };
    // A review period past the end of the calendar never runs out.
    let stale = date.checked_add_signed(s.review_every).is_some_and(|due| due < s.today.date);
    if stale {
        ctx.report(
            v.span,
            Code::RunbookStale,
            format!("this runbook was last reviewed on {date}, more than {} ago", s.config.runbooks.review_every),
            "walk through the runbook against the live system, fix what has drifted, and update `last_reviewed`",
        );
    }
    (Some(date), stale)
}

#[cfg(test)]
mod tests {
    use crate::check::parse_file;
    use crate::model::Document;
    use crate::render::Bodies;
    use crate::source::{Kind, SourceFile};

    /// A runbook without front matter, as a site with `runbooks.front_matter: optional` reads it.
    fn page_of(text: &str, bodies: Bodies) -> (String, String) {
        let mut config = crate::config::Config::default();
        config.runbooks.front_matter = "optional".into();
        let today = crate::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        let settings = crate::settings::Settings::new(config, today);
        let file = SourceFile {
            rel_path: "content/runbooks/db/disk-full.md".into(),
            kind: Kind::Runbook,
            path_id: "db/disk-full".into(),
            text: text.into(),
        };
        let Some(Document::Runbook(r)) = parse_file(&file, &settings, bodies).0 else { panic!("no runbook") };
        let html = match &r.meta.body_source {
            Some(src) => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("disk-full.md");
                std::fs::write(&path, text).unwrap();
                let src = crate::render::BodySource { path, ..src.clone() };
                let body = src.render().unwrap();
                body.before + &body.after
            }
            None => r.meta.html.before.clone() + &r.meta.html.after,
        };
        (r.meta.title.clone(), html)
    }

    #[test]
    fn a_title_taken_from_a_heading_is_not_shown_twice() {
        let text = "Paged when the disk is nearly full.\n\n# Disk full\n\n## Steps\n\nFree some space.\n";
        for bodies in [Bodies::Html, Bodies::Later] {
            let (title, html) = page_of(text, bodies);
            assert_eq!(title, "Disk full");
            assert!(!html.contains("<h1") && !html.contains("Disk full"), "{html}");
            assert!(html.contains("Paged when the disk") && html.contains("Free some space"), "{html}");
        }
        // A heading after the title's is kept, and so is one when the title is written.
        let (_, html) = page_of("# Disk full\n\nText.\n\n# Disk full again\n", Bodies::Html);
        assert!(html.contains("Disk full again") && !html.contains(">Disk full<"), "{html}");
        let (title, html) = page_of("---\ntitle: Disk\n---\nIntro.\n\n# Disk full\n", Bodies::Html);
        assert_eq!(title, "Disk");
        assert!(html.contains("Disk full"), "{html}");
    }

    #[test]
    fn the_owner_example_names_the_service_when_it_makes_a_handle() {
        assert_eq!(super::owner_example("checkout"), "owner: \"@checkout-oncall\"");
        assert_eq!(super::owner_example("api gateway"), "owner: \"@payments-oncall\"");
        assert_eq!(super::owner_example(""), "owner: \"@payments-oncall\"");
    }
}
