//! The front-matter splitter and YAML reader (the simple reader must agree with
//! serde_yaml wherever it answers), and the model each kind builds from them.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(split) = debrief::document::split(text) {
        let yaml = &text[split.yaml_start..split.yaml_end];
        let _ = debrief::yaml::parse(yaml);
        if let Some(fast) = debrief::yaml::simple::parse(yaml) {
            assert_eq!(Ok(fast), debrief::yaml::parse_with_serde(yaml), "the simple YAML reader disagrees");
            assert_eq!(debrief::yaml::placed_positions_agree(yaml), Some(true), "the simple reader misplaces a key");
        }
    }
    let settings = debrief_fuzz_settings();
    for rel in ["content/incidents/x.md", "content/runbooks/svc/x.md"] {
        let (kind, path_id) = debrief::source::kind_and_id(rel).expect("a document path");
        let file =
            debrief::source::SourceFile { rel_path: rel.into(), kind, path_id: path_id.into(), text: text.to_string() };
        let _ = debrief::check::parse_file(&file, &settings, debrief::render::Bodies::Skip);
    }
});

fn debrief_fuzz_settings() -> debrief::settings::Settings {
    let today = debrief::time::Today::fixed(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
    debrief::settings::Settings::new(debrief::config::Config::default(), today)
}
