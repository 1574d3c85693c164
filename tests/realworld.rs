//! A real corpus: the 108 runbooks the prometheus-operator project publishes
//! (tests/fixtures/realworld, Apache-2.0; a copy of ../shared/realworld). They
//! are Hugo pages: front matter with only `title` and `weight` (eight have
//! none), one file per alert named after it, a folder per component, and one
//! file without `.md`. Five lines of debrief.yml make them a site.

mod common;

use std::path::PathBuf;

use common::*;

fn corpus() -> PathBuf {
    fixture("realworld/prometheus-operator-runbooks")
}

fn runbook_files() -> Vec<PathBuf> {
    walkdir::WalkDir::new(corpus().join("content/runbooks"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect()
}

#[test]
fn the_corpus_checks_without_errors_given_five_lines_of_config() {
    let config = std::fs::read_to_string(corpus().join("debrief.yml")).unwrap();
    let keys = config.lines().filter(|l| l.starts_with("  ") && !l.trim_start().starts_with('#')).count();
    assert!(keys <= 5, "at most a few lines of config:\n{config}");
    let (exit, json) = check_json(&corpus(), &[]);
    assert_eq!((exit, json["errors"].as_u64()), (0, Some(0)), "{json}");
    // What is left are the upstream runbooks' own gaps (a `TODO` Mitigation,
    // a missing Diagnosis), as warnings because the config asks for that.
    let codes: std::collections::BTreeSet<String> =
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    assert_eq!(codes.into_iter().collect::<Vec<_>>(), ["E021", "E022"]);
    let todo = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "content/runbooks/kube-state-metrics/KubeStateMetricsListErrors.md")
        .expect("its Mitigation section says only TODO");
    assert!(todo["message"].as_str().unwrap().contains("Mitigation"), "{todo}");
    // The file without `.md` is skipped with a note, not a diagnostic.
    let o = debrief(&["check", corpus().to_str().unwrap(), "--today", "2026-11-22"]);
    assert!(
        stderr(&o).contains("content/runbooks/prometheus-operator/PrometheusOperatorSyncFailed is not a markdown file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn every_alert_gets_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = debrief(&["build", corpus().to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", "2026-11-22"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let files = runbook_files();
    assert_eq!(files.len(), 108);
    for f in &files {
        let alert = f.file_stem().unwrap().to_str().unwrap();
        let page = out.join("alerts").join(alert).join("index.html");
        assert!(page.is_file(), "no page for {alert}");
    }
    // Service from the folder, title from the `# heading` where there is no front matter.
    let etcd = std::fs::read_to_string(out.join("services/etcd/index.html")).unwrap();
    assert!(etcd.contains("etcdNoLeader"), "the etcd service lists its runbooks");
    let page = std::fs::read_to_string(out.join("runbooks/etcd/etcdnoleader/index.html")).unwrap();
    assert!(page.contains("<h1>etcdNoLeader</h1>") || page.contains(">etcdNoLeader<"), "title from the heading");
    assert!(page.contains("@prometheus-operator"), "the owner from the defaults");
}

#[test]
fn without_the_config_the_gaps_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&corpus().join("content"), &dir.path().join("content"));
    let (exit, json) = check_json(dir.path(), &[]);
    assert_eq!(exit, 1);
    let messages: Vec<&str> =
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("has no `owner`")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("no front matter")), "{messages:?}");
}
