//! `debrief check` end to end: fixture sites, output formats, exit statuses.

mod common;

use std::collections::BTreeSet;

use common::*;
use debrief::diagnostic::Code;

fn fixture_dirs() -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_fixture_reports_exactly_what_it_expects() {
    let dirs = fixture_dirs();
    assert!(dirs.len() >= 10, "fixtures found: {dirs:?}");
    for dir in dirs {
        let (want_exit, want) = expected(&dir);
        let (exit, json) = check_json(&dir, &[]);
        let got = diagnostic_lines(&json);
        assert_eq!(got, want, "diagnostics of {}", dir.display());
        assert_eq!(exit, want_exit, "exit status of {}", dir.display());
    }
}

#[test]
fn every_rule_has_a_fixture_that_fails_it() {
    let mut seen = BTreeSet::new();
    for dir in fixture_dirs() {
        for line in expected(&dir).1 {
            seen.insert(line.split_whitespace().nth(1).unwrap().to_string());
        }
    }
    // E001 needs a file too big to commit (`oversized_files_are_refused` makes
    // one); the git rules need a repository, which tests/git.rs builds.
    let elsewhere = ["E001", "E034", "E035", "W010"];
    let missing: Vec<_> =
        Code::ALL.iter().map(|c| c.id()).filter(|id| !elsewhere.contains(id) && !seen.contains(*id)).collect();
    assert!(missing.is_empty(), "rules with no failing fixture: {missing:?}");
}

#[test]
fn clean_sites_pass() {
    for site in [root(), fixture("good")] {
        let (exit, json) = check_json(&site, &["--strict"]);
        assert_eq!(diagnostic_lines(&json), Vec::<String>::new(), "{}", site.display());
        assert_eq!((exit, json["errors"].as_u64(), json["warnings"].as_u64()), (0, Some(0), Some(0)));
    }
}

#[test]
fn json_has_exactly_the_spec_fields() {
    let (_, json) = check_json(&fixture("bad-keys"), &[]);
    let obj = json.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["diagnostics", "errors", "warnings"]);
    let d = &json["diagnostics"][0];
    let keys: Vec<_> = d.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["code", "column", "file", "line", "message", "severity"]);
    assert_eq!(d["file"], "content/incidents/crlf.md");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(4), Some(11)), "BOM and CRLF shift nothing");
    assert!(d["message"].as_str().unwrap().starts_with("`SEV-9` is not a severity level: use one of SEV-1"));
    assert_eq!(json["errors"].as_u64().unwrap() as usize, json["diagnostics"].as_array().unwrap().len() - 3);
}

#[test]
fn human_format_reads_like_rustc() {
    let site = fixture("bad-keys");
    let out = debrief(&["check", site.to_str().unwrap(), "--today", "2026-11-22"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let expected = "error[E009]: `SEV-9` is not a severity level\n --> content/incidents/crlf.md:4:11\n  |\n4 | severity: SEV-9\n  |           ^^^^^\n  = help: use one of SEV-1, SEV-2, SEV-3, SEV-4, or an alias such as P0 for SEV-1 or P1 for SEV-2\n  = E009: severity-unknown\n";
    assert!(text.starts_with(expected), "got:\n{text}");
    assert!(!text.contains('\x1b'), "no colour when not on a terminal");
    assert!(text.trim_end().ends_with("failed: 20 errors and 3 warnings in 5 of 5 files"), "{text}");
}

#[test]
fn github_format_annotates_the_diff() {
    let site = fixture("bad-runbooks");
    let out = debrief(&["check", site.to_str().unwrap(), "--format", "github", "--today", "2026-11-22"]);
    let text = stdout(&out);
    assert!(
        text.contains("::warning file=content/runbooks/stale.md,line=5,col=16,title=W007 runbook-stale::This runbook was last reviewed on 2025-01-01, more than 180d ago: "),
        "{text}"
    );
    assert!(text.contains("::error file=content/runbooks/no-owner.md,line=3,col=1,title=E007 key-missing::This runbook has no `owner`: add `owner: \"@payments-oncall\"` to the front matter.\n"), "{text}");
    assert_eq!(text.lines().count(), 8);
    assert!(text.lines().all(|l| l.starts_with("::error ") || l.starts_with("::warning ")));
}

#[test]
fn strict_fails_on_warnings() {
    let site = fixture("bad-blame-drafts");
    let (exit, json) = check_json(&site, &[]);
    assert_eq!((exit, json["errors"].as_u64()), (0, Some(0)), "a draft's problems only warn");
    let (exit, _) = check_json(&site, &["--strict"]);
    assert_eq!(exit, 1);
}

#[test]
fn today_comes_from_the_flag_or_source_date_epoch() {
    let site = fixture("bad-runbooks");
    let stale = |lines: &[String]| lines.iter().any(|l| l.contains("W007"));
    let (_, json) = check_json(&site, &[]);
    assert!(stale(&diagnostic_lines(&json)));
    // 2025-02-01: the runbook reviewed on 2025-01-01 is not stale yet.
    let out =
        debrief_env(&["check", site.to_str().unwrap(), "--format", "json"], &[("SOURCE_DATE_EPOCH", "1738368000")]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(!stale(&diagnostic_lines(&json)));
    let out = debrief(&["check", site.to_str().unwrap()]);
    assert!(stderr(&out).contains("by the system clock"), "the clock is never used silently");
}

#[test]
fn could_not_run_exits_2() {
    let empty = tempfile::tempdir().unwrap();
    let out = debrief(&["check", empty.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has no content/ folder"), "{}", stderr(&out));
    let out = debrief(&["check", ".", "--today", "2025-13-01"]);
    assert_eq!(out.status.code(), Some(2));
    let out = debrief_env(&["check", root().to_str().unwrap()], &[("SOURCE_DATE_EPOCH", "soon")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("SOURCE_DATE_EPOCH"));
    let (exit, json) = check_json(&fixture("bad-config-unknown-key"), &[]);
    assert_eq!(exit, 2);
    assert!(json["diagnostics"][0]["message"].as_str().unwrap().contains("did you mean `review_every`?"));
}

#[test]
fn oversized_files_are_refused() {
    let site = tempfile::tempdir().unwrap();
    let dir = site.path().join("content/pages");
    std::fs::create_dir_all(&dir).unwrap();
    let mut big = b"---\ntitle: big\n---\n".to_vec();
    big.resize(11 * 1024 * 1024, b'a');
    std::fs::write(dir.join("big.md"), big).unwrap();
    std::fs::write(dir.join("fine.md"), "---\ntitle: fine\n---\n").unwrap();
    let (exit, json) = check_json(site.path(), &[]);
    assert_eq!(exit, 1);
    assert_eq!(diagnostic_lines(&json), ["content/pages/big.md:1:1 E001 error"]);
    assert!(json["diagnostics"][0]["message"].as_str().unwrap().contains("larger than 10 MB"));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: secret\n---\n").unwrap();
    let site = tempfile::tempdir().unwrap();
    let pages = site.path().join("content/pages");
    std::fs::create_dir_all(&pages).unwrap();
    std::fs::write(pages.join("inside.md"), "---\ntitle: inside\n---\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), pages.join("link.md")).unwrap();
    std::os::unix::fs::symlink(pages.join("inside.md"), pages.join("alias.md")).unwrap();
    std::os::unix::fs::symlink(site.path().join("content"), pages.join("loop")).unwrap();
    let (exit, json) = check_json(site.path(), &[]);
    // alias.md stays inside the site and is read (so its id duplicates nothing: ids come from paths).
    assert_eq!(diagnostic_lines(&json), ["content/pages/link.md:1:1 W009 warning"]);
    assert_eq!(exit, 0);
}

#[test]
fn rule_reference_lists_every_rule() {
    let doc = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    for code in Code::ALL {
        let row = format!("| {} | `{}` | {} | {} |", code.id(), code.name(), code.level().as_str(), code.doc());
        assert!(doc.contains(&row), "docs/rules.md lacks {row}");
    }
}
