//! A whole check of one document of each kind, rendered as for a build, with
//! every diagnostic's position inside the file.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod known_panics;
use known_panics::pulldown_panics_tolerated;

fuzz_target!(|text: &str| {
    let today = debrief::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let settings = debrief::settings::Settings::new(debrief::config::Config::default(), today);
    for (rel, kind) in [
        ("content/incidents/x.md", debrief::source::Kind::Incident),
        ("content/runbooks/svc/x.md", debrief::source::Kind::Runbook),
        ("content/status/x.md", debrief::source::Kind::Status),
        ("content/pages/x.md", debrief::source::Kind::Page),
    ] {
        let file = debrief::source::SourceFile {
            rel_path: rel.into(),
            kind,
            path_id: "x".into(),
            text: text.to_string(),
        };
        let check = || debrief::check::parse_file(&file, &settings, debrief::render::Bodies::Html);
        let Some((_, diags)) = pulldown_panics_tolerated(check) else {
            return;
        };
        let lines = text.split('\n').count();
        for d in diags {
            assert!(d.line >= 1 && d.line <= lines.max(1), "line {} of {lines}: {d:?}", d.line);
            assert!(d.column >= 1, "{d:?}");
        }
    }
});
