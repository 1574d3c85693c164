//! Properties, over generated input: the parsers never panic, every
//! diagnostic points inside its file, and what has a round trip keeps it.

use chrono::{Datelike, NaiveDate};
use debrief::source::{Kind, SourceFile};
use proptest::prelude::*;

fn settings() -> debrief::settings::Settings {
    let today = debrief::time::Today::fixed(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    debrief::settings::Settings::new(debrief::config::Config::default(), today)
}

/// Text shaped like a document: front matter lines from a set of keys and
/// values that include the awkward ones, then markdown lines.
fn document() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "title",
        "id",
        "severity",
        "status",
        "started_at",
        "detected_at",
        "resolved_at",
        "services",
        "owner",
        "alerts",
        "service",
        "phase",
        "root_cause",
        "timezone",
        "published_at",
        "tags",
        "runbooks",
        "related",
        "weight",
    ]);
    let value = prop::sample::select(vec![
        "x",
        "\"quoted: yes\"",
        "[a, b]",
        "{ category: code }",
        "2025-03-25 14:15",
        "2025-13-45T99:99:99Z",
        "P0",
        "SEV-9",
        "draft",
        "published",
        "",
        "- item",
        "|\n  block",
        "\u{feff}",
        "@team",
        "&anchor x",
        "*anchor",
        "!!binary x",
    ]);
    let line = prop::sample::select(vec![
        "## Summary",
        "## Timeline",
        "## Action items",
        "## Impact",
        "### Root cause",
        "- 14:15 — started",
        "- 2:05 PM alert",
        "| Item | Owner | Due | Type |",
        "|---|---|---|---|",
        "| Fix | @a | 2025-04-01 | prevent |",
        "| x | | not a date | nope |",
        "- [ ] thing (owner: @b, due: 2025-01-01, type: detect)",
        "```",
        "text {{ x }}",
        "<script>x</script>",
        "",
        "\t",
        "\r",
        "---",
        "# Title",
        "{{ unclosed",
        "[l](javascript:x)",
    ]);
    (prop::collection::vec((key, value), 0..8), prop::collection::vec(line, 0..24), any::<bool>()).prop_map(
        |(front, body, fenced)| {
            let mut s = String::new();
            if fenced {
                s.push_str("---\n");
                for (k, v) in front {
                    s.push_str(&format!("{k}: {v}\n"));
                }
                s.push_str("---\n");
            }
            for l in body {
                s.push_str(l);
                s.push('\n');
            }
            s
        },
    )
}

fn check_all_kinds(text: &str) {
    let settings = settings();
    let lines = text.split('\n').count();
    for (rel, kind) in [
        ("content/incidents/x.md", Kind::Incident),
        ("content/runbooks/svc/x.md", Kind::Runbook),
        ("content/status/x.md", Kind::Status),
        ("content/pages/x.md", Kind::Page),
    ] {
        let file = SourceFile { rel_path: rel.into(), kind, path_id: "x".into(), text: text.to_string() };
        let (_, diags) = debrief::check::parse_file(&file, &settings, true);
        for d in diags {
            assert!(d.line >= 1 && d.line <= lines, "{rel}: line {} of {lines}: {d:?}\n{text:?}", d.line);
            let line_chars = text.split('\n').nth(d.line - 1).map_or(0, |l| l.chars().count());
            assert!(
                d.column >= 1 && d.column <= line_chars + 1,
                "{rel}: column {} of {line_chars}: {d:?}\n{text:?}",
                d.column
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn documents_never_panic_and_diagnostics_point_inside(text in document()) {
        check_all_kinds(&text);
    }

    #[test]
    fn any_text_never_panics(text in "\\PC{0,400}") {
        check_all_kinds(&text);
    }

    #[test]
    fn time_parsers_never_panic(text in "\\PC{0,60}") {
        let zone = debrief::time::Zone::parse("America/New_York").unwrap();
        let _ = debrief::time::parse_timestamp(&text, zone);
        let _ = debrief::time::parse_date(&text);
        let _ = debrief::time::parse_clock(&text);
        let _ = debrief::time::parse_duration(&text);
        let _ = debrief::time::Zone::parse(&text);
    }

    #[test]
    fn dates_round_trip(days in 0i64..200_000) {
        let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
        prop_assume!(date.year() <= 9999);
        prop_assert_eq!(debrief::time::parse_date(&date.to_string()), Some(date));
    }

    #[test]
    fn slugs_are_stable_and_stay_inside(id in "\\PC{0,80}") {
        let slug = debrief::url::path_slug(&id);
        prop_assert_eq!(debrief::url::path_slug(&slug), slug.clone(), "a slug is its own slug");
        // (An empty slug is refused where it is made: `E028`.)
        prop_assert!(slug.is_empty() || slug.split('/').all(|seg| !seg.is_empty() && seg != ".." && seg != "."));
        let inc = debrief::url::incident_slug(&id);
        prop_assert!(!inc.contains('/') && !inc.contains(".."));
    }

    #[test]
    fn filling_every_placeholder_leaves_none(text in "[a-z {}_]{0,80}", value in "[A-Za-z0-9 ]{0,10}") {
        let (names, _) = debrief::status::placeholders(&text);
        let values = names.iter().map(|n| (n.clone(), value.clone())).collect();
        let (filled, unfilled) = debrief::status::fill(&text, &values);
        prop_assert!(unfilled.is_empty());
        prop_assert!(names.is_empty() || filled.contains(value.as_str()), "the value is in the text");
    }

    #[test]
    fn markdown_never_renders_a_script(text in "\\PC{0,300}") {
        let r = debrief::render::render(&text, 0, None);
        let html = format!("{}{}", r.before, r.after).to_lowercase();
        prop_assert!(!html.contains("<script"));
        prop_assert!(!html.contains("javascript:"));
    }
}
