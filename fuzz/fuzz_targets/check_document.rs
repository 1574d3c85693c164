//! A whole check of one document of each kind, rendered as for a build, with
//! every diagnostic's position inside the file; under the default config and
//! under one that turns on what the default leaves off (runbooks without front
//! matter and with defaults, a ticket required, custom severities and section
//! names), since those paths are only reached through debrief.yml.
#![no_main]
use libfuzzer_sys::fuzz_target;

mod known_panics;
use known_panics::pulldown_panics_tolerated;

const OTHER_CONFIG: &str = r#"
timezone: Europe/London
severities:
  - { id: P1, aliases: [critical, "1"] }
  - { id: P2, aliases: [major] }
  - { id: P3 }
incidents:
  required_sections: [Summary, Impact, Timeline, Root cause]
  section_aliases: { Root cause: [Why it happened, Causes], Timeline: [Chronology] }
action_items:
  required: [owner, due, type, ticket]
  types: [fix, prevent, detect]
runbooks:
  front_matter: optional
  service_from_folder: true
  alert_from_file_name: true
  defaults: { owner: "@sre" }
  section_problems: warning
"#;

fn settings() -> [debrief::settings::Settings; 2] {
    let today = || debrief::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let other = debrief::config::parse(OTHER_CONFIG).expect("the fuzz config is valid");
    [
        debrief::settings::Settings::new(debrief::config::Config::default(), today()),
        debrief::settings::Settings::new(other, today()),
    ]
}

fuzz_target!(|text: &str| {
    thread_local! {
        static SETTINGS: [debrief::settings::Settings; 2] = settings();
    }
    SETTINGS.with(|all| {
        for settings in all {
            check_each_kind(text, settings);
        }
    });
});

fn check_each_kind(text: &str, settings: &debrief::settings::Settings) {
    for rel in
        ["content/incidents/x.md", "content/runbooks/svc/HighErrorRate.md", "content/status/x.md", "content/pages/x.md"]
    {
        let (kind, path_id) = debrief::source::kind_and_id(rel).expect("a document path");
        let file =
            debrief::source::SourceFile { rel_path: rel.into(), kind, path_id: path_id.into(), text: text.to_string() };
        let check = || debrief::check::parse_file(&file, settings, debrief::render::Bodies::Html);
        let Some((_, diags)) = pulldown_panics_tolerated(check) else {
            return;
        };
        let lines = text.split('\n').count();
        for d in diags {
            assert!(d.line >= 1 && d.line <= lines.max(1), "line {} of {lines}: {d:?}", d.line);
            assert!(d.column >= 1, "{d:?}");
        }
    }
}
