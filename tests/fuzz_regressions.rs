//! Inputs the fuzzers (fuzz/) found crashes with, kept so each fix stays
//! fixed: every file under tests/fixtures/fuzz-regressions/ goes through the
//! paths the fuzz targets drive, and must not panic.

use debrief::source::{Kind, SourceFile};

#[test]
fn crash_inputs_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-regressions");
    let today = debrief::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    let settings = debrief::settings::Settings::new(debrief::config::Config::default(), today);
    let mut inputs = 0;
    for entry in walkdir::WalkDir::new(&dir).into_iter().map(|e| e.unwrap()).filter(|e| e.file_type().is_file()) {
        if entry.path().extension().is_some_and(|e| e == "md" && entry.file_name() == "README.md") {
            continue;
        }
        let bytes = std::fs::read(entry.path()).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Ok(split) = debrief::document::split(&text) {
            let yaml = &text[split.yaml_start..split.yaml_end];
            if let Some(fast) = debrief::yaml::simple::parse(yaml) {
                let slow = debrief::yaml::parse_with_serde(yaml);
                assert_eq!(Ok(fast), slow, "the simple YAML reader disagrees on {}", entry.path().display());
            }
        }
        for kind in [Kind::Incident, Kind::Runbook, Kind::Status, Kind::Page] {
            let file = SourceFile { rel_path: "content/x/x.md".into(), kind, path_id: "x".into(), text: text.clone() };
            let _ = debrief::check::parse_file(&file, &settings, debrief::render::Bodies::Html);
        }
        let zone = debrief::time::Zone::parse("Europe/London").unwrap();
        let _ = debrief::time::parse_timestamp(&text, zone);
        let _ = debrief::time::parse_duration(&text);
        let _ = debrief::time::parse_clock(&text);
        let _ = debrief::time::parse_date(&text);
        let body = debrief::markdown::Body::parse(&text, 0);
        let _ = debrief::timeline::parse("Timeline", &body.blocks, None, zone);
        let _ = debrief::action_item::parse(&body.blocks, &["prevent".to_string()]);
        let _ = debrief::render::render(&text, 0, None);
        inputs += 1;
    }
    eprintln!("{inputs} regression inputs");
}
