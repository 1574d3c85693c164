//! The authoring commands, run as the real binary: `init` makes a site that
//! checks clean, `new` writes documents that `check` flags until their
//! placeholders are filled, `status` fills a template's blanks, and the
//! completions and man page come out of clap.

mod common;

use std::path::Path;

use common::*;

const TODAY: &str = "2026-11-23";

fn check(site: &Path) -> (i32, serde_json::Value) {
    check_json(site, &[])
}

fn codes(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {}", d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect()
}

#[test]
fn init_makes_a_site_that_checks_and_builds_clean() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("incidents-site");
    let o = debrief(&["init", site.to_str().unwrap(), "--today", TODAY]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("wrote "), "{}", stdout(&o));
    let (exit, json) = check_json(&site, &["--strict"]);
    assert_eq!((exit, codes(&json)), (0, vec![]), "init's site checks clean, warnings included");
    let workflow = std::fs::read_to_string(site.join(".github/workflows/debrief.yml")).unwrap();
    for needle in ["debrief check --format github", "fetch-depth: 0", "debrief build", "pull_request"] {
        assert!(workflow.contains(needle), "the workflow lacks {needle}");
    }
    let config = std::fs::read_to_string(site.join("debrief.yml")).unwrap();
    assert!(config.lines().filter(|l| l.trim_start().starts_with('#')).count() > 10, "debrief.yml is commented");
    let runbook = std::fs::read_to_string(site.join("content/runbooks/payments/high-error-rate.md")).unwrap();
    assert!(runbook.contains(&format!("last_reviewed: {TODAY}")), "the example runbook is not stale from the start");
    let out = dir.path().join("public");
    let o = debrief(&["build", site.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", TODAY]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("incidents/inc-2025-014/index.html").is_file());
}

#[test]
fn init_writes_the_gitlab_recipe_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let o = debrief(&["init", dir.path().to_str().unwrap(), "--ci", "gitlab", "--today", TODAY]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!dir.path().join(".github").exists());
    let ci: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.path().join(".gitlab-ci.yml")).unwrap()).unwrap();
    let script = ci["debrief-check"]["script"][0].as_str().unwrap();
    assert!(script.starts_with("debrief check --format gitlab"), "{script}");
    assert_eq!(ci["debrief-check"]["artifacts"]["reports"]["codequality"], "gl-code-quality-report.json");
    assert_eq!(ci["variables"]["GIT_DEPTH"], 0);
}

#[test]
fn the_pre_commit_hook_runs_check() {
    let hooks: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap()).unwrap();
    let hook = &hooks[0];
    assert_eq!(hook["id"], "debrief-check");
    assert_eq!(hook["entry"], "debrief check");
    assert_eq!(hook["pass_filenames"], false, "rules across documents need the whole site");
    assert_eq!(hook["language"], "rust");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let o = debrief(&["init", dir.path().to_str().unwrap(), "--today", TODAY]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not empty; pass --force"), "{}", stderr(&o));
    assert!(!dir.path().join("debrief.yml").exists(), "nothing written");
    let o = debrief(&["init", dir.path().to_str().unwrap(), "--force", "--today", TODAY]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine", "--force keeps other files");
    assert!(dir.path().join("debrief.yml").is_file());
}

fn new(site: &Path, args: &[&str]) -> String {
    let mut all = vec!["new"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--site", site.to_str().unwrap(), "--today", TODAY]);
    let o = debrief(&all);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stdout(&o).trim().to_string()
}

#[test]
fn new_documents_are_flagged_until_filled_in() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    assert!(debrief(&["init", site.to_str().unwrap(), "--today", TODAY]).status.success());

    // A post-mortem: a draft with the next free id and every required section.
    let path =
        new(site, &["incident", "Checkout: 500s for guests", "--severity", "P1", "--started", "2026-11-20 14:15"]);
    assert!(path.ends_with("content/incidents/2026/2026-11-20-checkout-500s-for-guests.md"), "{path}");
    let text = std::fs::read_to_string(&path).unwrap();
    for needle in ["id: INC-2026-001", "title: \"Checkout: 500s for guests\"", "severity: SEV-2", "status: draft"] {
        assert!(text.contains(needle), "no {needle:?} in\n{text}");
    }
    let second = new(site, &["incident", "Search is slow"]);
    assert!(std::fs::read_to_string(second).unwrap().contains("id: INC-2026-002"), "ids count up");
    // A draft checks leniently: exit 0, with a warning for each unfilled section.
    let (exit, json) = check(site);
    assert_eq!(exit, 0, "{json}");
    let warnings = codes(&json);
    assert!(warnings.iter().filter(|c| *c == "E022 warning").count() >= 14, "{warnings:?}");
    assert!(warnings.contains(&"E009 warning".to_string()), "a severity left as TBD is flagged: {warnings:?}");

    // A status template is complete as written (its blanks are filled at incident time).
    let status = new(site, &["status", "investigating", "--name", "investigating-internal"]);
    assert!(status.ends_with("content/status/investigating-internal.md"));
    // A runbook is live once merged, so its unfilled sections are errors.
    let runbook = new(site, &["runbook", "ledger/replication-lag", "--alert", "LedgerReplicationLag"]);
    assert!(runbook.ends_with("content/runbooks/ledger/replication-lag.md"));
    let (exit, json) = check(site);
    assert_eq!(exit, 1);
    let errors: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| format!("{} {}", d["file"].as_str().unwrap(), d["code"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, vec!["content/runbooks/ledger/replication-lag.md E022"; 3], "{json}");
    // Filled in, it checks clean.
    let filled = std::fs::read_to_string(&runbook)
        .unwrap()
        .lines()
        .map(|l| if l.starts_with('[') || l.starts_with("1. [") { "Real text." } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&runbook, filled).unwrap();
    let (exit, json) = check(site);
    assert_eq!(exit, 0, "{json}");

    // Never overwrites; refuses names that would leave the site.
    let o = debrief(&["new", "status", "investigating-internal", "--site", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let o = debrief(&["new", "runbook", "../../escape", "--site", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!dir.path().parent().unwrap().join("escape.md").exists());
}

#[test]
fn a_site_can_override_the_post_mortem_template() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    assert!(debrief(&["init", site.to_str().unwrap(), "--today", TODAY]).status.success());
    std::fs::create_dir_all(site.join("archetypes")).unwrap();
    std::fs::write(
        site.join("archetypes/incident.md"),
        "---\nid: {{ id }}\ntitle: {{ title | yaml }}\nseverity: {{ severity }}\nstatus: draft\nstarted_at: {{ started }}\n---\n\n## Overview\n\nOur own template.\n",
    )
    .unwrap();
    let path = new(site, &["incident", "Queue backlog", "--severity", "SEV-3", "--started", "2026-11-21 08:00"]);
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("Our own template.") && text.contains("id: INC-2026-001"), "{text}");
}

#[test]
fn status_fills_a_template_ready_to_paste() {
    let site = root();
    let o = debrief(&[
        "status",
        "investigating",
        "--site",
        site.to_str().unwrap(),
        "--set",
        "feature=Checkout",
        "--set",
        "start_time=14:15",
        "--set",
        "impact=Some payments fail",
        "--set",
        "next_update=30 minutes",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "[Investigating] We are aware of an issue affecting Checkout.\n\nStarted: 14:15 UTC\nImpact: Some payments fail\n\nWe will post an update within 30 minutes.\n"
    );
    assert_eq!(stderr(&o), "", "nothing left unfilled");
    // Blanks left: listed, and with --strict an error.
    let o = debrief(&["status", "investigating", "--site", site.to_str().unwrap(), "--set", "feature=Checkout"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("{{ start_time }}"), "an unfilled blank stays visible");
    assert!(stderr(&o).contains("3 placeholders are left unfilled: {{ start_time }}, {{ impact }}, {{ next_update }}"));
    let o = debrief(&["status", "investigating", "--site", site.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    // Unknown template: the ones there are, and exit 2. A misspelt key is named.
    let o = debrief(&["status", "panicking", "--site", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("investigating"), "{}", stderr(&o));
    let o = debrief(&["status", "resolved", "--site", site.to_str().unwrap(), "--set", "featur=x"]);
    assert!(stderr(&o).contains("`featur` is not a placeholder of"), "{}", stderr(&o));
}

#[test]
fn completions_and_man_page_come_from_the_cli() {
    for shell in ["bash", "zsh", "fish"] {
        let o = debrief(&["completions", shell]);
        assert!(o.status.success());
        let text = stdout(&o);
        for sub in ["check", "build", "serve", "status", "stats", "init", "new"] {
            assert!(text.contains(sub), "{shell} completions lack {sub}");
        }
    }
    let o = debrief(&["man"]);
    assert!(o.status.success());
    let man = stdout(&o);
    assert!(man.contains(".TH debrief 1") && man.contains("serve"), "{man}");
}

#[test]
fn quiet_builds_say_nothing_and_verbose_ones_time_the_stages() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    // A copy: the cache hit below needs the cache, which lives in the site folder.
    let site = dir.path().join("site");
    copy_dir(&fixture("good"), &site);
    let o = debrief(&["-q", "build", site.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", TODAY]);
    assert!(o.status.success());
    assert_eq!((stdout(&o).as_str(), stderr(&o).as_str()), ("", ""));
    let verbose = |extra: &[&str]| {
        let mut args = vec!["build", "-v", site.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", TODAY];
        args.extend_from_slice(extra);
        stderr(&debrief(&args))
    };
    // The same input again is a cache hit, which says so; without the cache, every stage runs.
    assert!(verbose(&[]).contains("timing: cache hit"));
    let full = verbose(&["--no-cache"]);
    assert!(full.contains("timing: render+write") && !full.contains("cache hit"), "{full}");
}
