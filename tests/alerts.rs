//! Alert rules against runbooks, as the real binary does it: `check
//! --alert-rules` on rule files given on the command line, and `debrief
//! alerts` printing and writing each rule's runbook_url without touching the
//! rest of the file.

mod common;

use common::*;

/// The alert-rules fixture, copied so the test can write its rule files.
fn site() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&fixture("alert-rules"), &site);
    std::fs::remove_file(site.join("rules/broken.yml")).unwrap();
    (dir, site)
}

#[test]
fn rule_files_on_the_command_line_are_checked_too() {
    let (_dir, site) = site();
    std::fs::write(site.join("debrief.yml"), "base_url: https://incidents.example.com/\n").unwrap();
    let (_, json) = check_json(&site, &[]);
    assert!(diagnostic_lines(&json).iter().all(|l| !l.contains("W012")), "no rule files, no stale-alert warnings");
    let rules = site.join("rules/payments.yml");
    let (exit, json) = check_json(&site, &["--alert-rules", rules.to_str().unwrap()]);
    assert_eq!(exit, 1);
    let codes: Vec<String> =
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    assert_eq!(codes, ["W012", "E038", "E037", "W011"], "{json}");
}

#[test]
fn alerts_prints_and_writes_runbook_urls() {
    let (_dir, site) = site();
    let rules = site.join("rules/payments.yml");
    let before = std::fs::read_to_string(&rules).unwrap();
    let o = debrief(&["alerts", rules.to_str().unwrap(), "--site", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(": PaymentsHighErrorRate https://incidents.example.com/alerts/PaymentsHighErrorRate/"),
        "{out}"
    );
    assert!(out.contains(": PaymentsDown has no runbook"), "{out}");
    assert_eq!(std::fs::read_to_string(&rules).unwrap(), before, "printing changes nothing");

    let o = debrief(&["alerts", rules.to_str().unwrap(), "--site", site.to_str().unwrap(), "--write"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = std::fs::read_to_string(&rules).unwrap();
    assert_eq!(
        after,
        before.replace(
            "runbook_url: https://incidents.example.com/alerts/PaymentsDown/",
            "runbook_url: https://incidents.example.com/alerts/PaymentsHighErrorRate/"
        ),
        "only the wrong URL changes; alerts without a runbook get none"
    );
    // The site now checks without the broken URL.
    let (_, json) = check_json(&site, &[]);
    assert!(!diagnostic_lines(&json).iter().any(|l| l.contains("E038")), "{json}");
}

#[test]
fn alerts_needs_an_absolute_base_url() {
    let (_dir, site) = site();
    std::fs::write(site.join("debrief.yml"), "title: x\n").unwrap();
    let rules = site.join("rules/payments.yml");
    let o = debrief(&["alerts", rules.to_str().unwrap(), "--site", site.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--base-url"), "{}", stderr(&o));
    let o = debrief(&[
        "alerts",
        rules.to_str().unwrap(),
        "--site",
        site.to_str().unwrap(),
        "--base-url",
        "https://x.example/",
    ]);
    assert!(stdout(&o).contains("https://x.example/alerts/PaymentsHighErrorRate/"), "{}", stdout(&o));
}
