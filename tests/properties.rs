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
        let (_, diags) = debrief::check::parse_file(&file, &settings, debrief::render::Bodies::Html);
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

#[derive(Debug, Clone)]
enum Yaml {
    Scalar(&'static str),
    Map(Vec<(&'static str, Yaml)>),
    Seq(Vec<Yaml>),
    Flow(Vec<&'static str>),
}

/// Values that include every awkward scalar: comments, quotes, numbers of
/// each kind, indicators, words YAML reads as null or true.
const SCALARS: &[&str] = &[
    "x",
    "two words",
    "x # c",
    "x#y",
    "'it''s'",
    "\"a: b\"",
    "1",
    "~",
    "null",
    "True",
    "yes",
    "2025-03-25",
    "2025-03-25T14:15:00Z",
    "12:30",
    "C#",
    "ü",
    "\"\"",
    "''",
    "[]",
    "[a, 'b c', \"d\"]",
    "0",
    "a - b",
];
const FLOW_SCALARS: &[&str] =
    &["x", "two words", "'it''s'", "\"a: b\"", "1", "~", "null", "True", "2025-03-25", "C#", "ü", "''", "a - b"];
const AWKWARD: &[&str] = &[
    "-5",
    "\"esc\\n\"",
    "01",
    "+1",
    "1.5",
    "1e3",
    "0x1F",
    ".inf",
    "a: b",
    "a:",
    "&x 1",
    "*x",
    "!!str 1",
    "@t",
    "-",
    "18446744073709551616",
    "{}",
    "x #",
    "'a'b",
    "[a, ]",
    "[a, [b]]",
];
const KEYS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "title", "x.y", "k-1", "_k"];
const AWKWARD_KEYS: &[&str] = &["a b", "1", "true", "\"q\"", "?", "null", "a #b", "-k"];

/// A tree of values; `awkward` is the weight of what the simple reader must
/// leave to serde_yaml (0: none, so that most trees take the fast path).
fn yaml_tree(awkward: u32) -> impl Strategy<Value = Yaml> {
    let leaf = prop_oneof![
        12 => prop::sample::select(SCALARS).prop_map(Yaml::Scalar),
        awkward => prop::sample::select(AWKWARD).prop_map(Yaml::Scalar),
        3 => prop::collection::vec(prop::sample::select(FLOW_SCALARS), 0..4).prop_map(Yaml::Flow),
        awkward => prop::collection::vec(prop::sample::select(SCALARS), 0..4).prop_map(Yaml::Flow),
    ];
    let key = prop_oneof![20 => prop::sample::select(KEYS), awkward => prop::sample::select(AWKWARD_KEYS)];
    leaf.prop_recursive(3, 12, 4, move |inner| {
        prop_oneof![
            prop::collection::vec((key.clone(), inner.clone()), 1..4).prop_map(Yaml::Map),
            prop::collection::vec(inner, 1..4).prop_map(Yaml::Seq),
        ]
    })
}

/// Writes a tree as block YAML; `compact` puts a sequence at its key's indent.
fn emit(node: &Yaml, indent: usize, compact: bool, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Yaml::Map(entries) => {
            for (k, v) in entries {
                match v {
                    Yaml::Scalar(s) => out.push_str(&format!("{pad}{k}: {s}\n")),
                    Yaml::Flow(items) => out.push_str(&format!("{pad}{k}: [{}]\n", items.join(", "))),
                    Yaml::Seq(_) if compact => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        emit(v, indent, compact, out);
                    }
                    _ => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        emit(v, indent + 2, compact, out);
                    }
                }
            }
        }
        Yaml::Seq(items) => {
            for item in items {
                let mut inner = String::new();
                emit(item, indent + 2, compact, &mut inner);
                // The item's first line shares the dash.
                out.push_str(&format!("{pad}- {}", inner.get(indent + 2..).unwrap_or("\n")));
            }
        }
        Yaml::Scalar(s) => out.push_str(&format!("{pad}{s}\n")),
        Yaml::Flow(items) => out.push_str(&format!("{pad}[{}]\n", items.join(", "))),
    }
}

/// Front-matter-shaped YAML, sometimes with one line replaced by something
/// the simple reader must leave alone.
fn yaml_text() -> impl Strategy<Value = String> {
    let odd = prop::sample::select(vec!["# comment", "", "  continued", "---", "x\ry", "- item", "\tkey: v", "a: |"]);
    let tree = (0u32..2).prop_flat_map(yaml_tree);
    let entries = prop::collection::vec((prop::sample::select(KEYS), tree), 1..6);
    (entries, any::<bool>(), prop::option::weighted(0.1, (odd, any::<prop::sample::Index>()))).prop_map(
        |(mut entries, compact, odd)| {
            let mut seen = std::collections::HashSet::new();
            entries.retain(|(k, _)| seen.insert(*k));
            let mut out = String::new();
            emit(&Yaml::Map(entries), 0, compact, &mut out);
            if let Some((line, at)) = odd {
                let mut lines: Vec<&str> = out.lines().collect();
                let i = at.index(lines.len());
                lines[i] = line;
                out = lines.join("\n") + "\n";
            }
            out
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_simple_yaml_reader_agrees_with_serde_yaml(text in yaml_text()) {
        if let Some(fast) = debrief::yaml::simple::parse(&text) {
            prop_assert_eq!(Ok(fast), debrief::yaml::parse_with_serde(&text), "{:?}", text);
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
