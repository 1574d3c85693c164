//! Git enrichment against throwaway repositories built with git2 and fixed
//! dates (so commit ids are stable): root-cause commits, the change window,
//! page dates, staleness by history, --changed-since, and the awkward cases
//! (no repository, a missing repo path, a shallow clone, a detached HEAD).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use git2::{Oid, Repository, Signature, Time};

fn ts(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap().timestamp()
}

/// Writes `files` into the work tree and commits them all at `when`.
fn commit(repo: &Repository, files: &[(&str, &str)], message: &str, when: &str) -> Oid {
    let root = repo.workdir().unwrap().to_path_buf();
    let mut index = repo.index().unwrap();
    for (path, text) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, text).unwrap();
        index.add_path(Path::new(path)).unwrap();
    }
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new("Dana Developer", "dana@example.com", &Time::new(ts(when), 0)).unwrap();
    let parents: Vec<git2::Commit> = repo.head().ok().and_then(|h| h.peel_to_commit().ok()).into_iter().collect();
    let parents: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).unwrap()
}

fn incident(extra_front_matter: &str, root_cause_text: &str) -> String {
    format!(
        "---\nid: INC-1\ntitle: Checkout failed\nseverity: SEV-2\nstatus: published\nstarted_at: 2025-03-25T14:15:00Z\nresolved_at: 2025-03-25T15:15:00Z\n{extra_front_matter}---\n\n## Summary\nCheckout failed.\n\n## Impact\nErrors.\n\n## Timeline\n- 14:15 — deploy\n\n## Root cause\n{root_cause_text}\n\n## What went well\n- Paging.\n\n## What went poorly\n- Canary.\n\n## Action items\n- [ ] Add a guest checkout test to the deploy gate (@qa, 2025-04-15, prevent)\n"
    )
}

const RUNBOOK: &str = "---\ntitle: Payments errors\nservice: payments\nowner: \"@payments\"\nalerts: [PaymentsErrors]\n---\n## Impact\nI.\n## Diagnosis\nD.\n## Mitigation\nM.\n";

struct Fixture {
    _dir: tempfile::TempDir,
    site: PathBuf,
    repo: Repository,
    cause: Oid,
    after: Oid,
}

/// A site that is its own repository: the content, a code change that causes
/// the incident (tagged v1.2.3), and a hotfix made after it started.
fn fixture(front_matter: impl Fn(&str, &str) -> String) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let repo = Repository::init(&site).unwrap();
    std::fs::write(site.join("debrief.yml"), "commit_url: https://git.example.com/{repo}/commit/{sha}\n").unwrap();
    commit(
        &repo,
        &[("content/runbooks/payments/errors.md", RUNBOOK), ("src/pay.rs", "fn pay() {}\n")],
        "Add the payments runbook",
        "2024-01-10T09:00:00Z",
    );
    let cause = commit(
        &repo,
        &[("src/pay.rs", "fn pay(card: Option<Card>) { card.unwrap(); }\n")],
        "fix(payments): validate cards",
        "2025-03-25T12:15:00Z",
    );
    {
        let obj = repo.find_object(cause, None).unwrap();
        repo.tag_lightweight("v1.2.3", &obj, false).unwrap();
    }
    let after = commit(
        &repo,
        &[("src/pay.rs", "fn pay(card: Option<Card>) { if let Some(c) = card {} }\n")],
        "hotfix: guest checkout",
        "2025-03-25T14:45:00Z",
    );
    let text = front_matter(&cause.to_string(), &after.to_string());
    commit(&repo, &[("content/incidents/inc-1.md", &text)], "Post-mortem for INC-1", "2025-03-27T10:00:00Z");
    commit(&repo, &[("content/incidents/inc-1.md", &format!("{text}\n"))], "Review fixes", "2025-04-02T10:00:00Z");
    Fixture { _dir: dir, site, repo, cause, after }
}

fn build(site: &Path, extra: &[&str]) -> (std::process::Output, PathBuf) {
    let out = site.parent().unwrap().join("public");
    let mut args = vec!["build", site.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", "2025-12-01"];
    args.extend_from_slice(extra);
    (debrief(&args), out)
}

fn check(site: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["check", site.to_str().unwrap(), "--format", "json", "--today", "2025-12-01"];
    args.extend_from_slice(extra);
    let out = debrief(&args);
    let json = serde_json::from_str(&stdout(&out)).unwrap_or_else(|_| panic!("{}{}", stdout(&out), stderr(&out)));
    (out.status.code().unwrap(), json, stderr(&out))
}

#[test]
fn root_cause_commits_are_resolved_and_shown() {
    let f = fixture(|cause, _| {
        incident(
            &format!("root_cause:\n  category: code\n  commits: [{}]\n", &cause[..8]),
            "Deploy broke guest checkout.",
        )
    });
    let (exit, json, _) = check(&f.site, &[]);
    assert_eq!(exit, 0, "{json}");
    let (o, out) = build(&f.site, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = std::fs::read_to_string(out.join("incidents/inc-1/index.html")).unwrap();
    let sha = f.cause.to_string();
    assert!(page.contains(&format!("<code class=\"sha\" title=\"Full commit id\">{sha}</code>")), "full id");
    assert!(page.contains("<strong>fix(payments): validate cards</strong>"));
    assert!(page.contains("<time datetime=\"2025-03-25T12:15:00+00:00\">2025-03-25 12:15 UTC</time>"));
    assert!(page.contains("1 file changed: <code>src/pay.rs</code>"));
    assert!(page.contains(&format!("href=\"https://git.example.com/default/commit/{sha}\"")));
    assert!(!page.contains("Dana Developer"), "authors stay hidden by default");
    // The change window: the cause (marked), its tag; not the hotfix made after the start.
    let changes = &page[page.find("What changed before this incident").unwrap()..];
    assert!(changes.contains("fix(payments): validate cards"));
    assert!(changes.contains("<span class=\"flag overdue\">root cause</span>"));
    assert!(changes.contains("v1.2.3"));
    assert!(!changes.contains("hotfix: guest checkout"));
    assert!(!changes.contains("Add the payments runbook"), "outside the 24h window");
    // Page history: created at the first commit of the file, updated at the last.
    assert!(page.contains("created 2025-03-27 · last updated 2025-04-02"), "dates from history");
    std::fs::write(f.site.join("debrief.yml"), "show_commit_authors: true\n").unwrap();
    let (_, out) = build(&f.site, &[]);
    assert!(std::fs::read_to_string(out.join("incidents/inc-1/index.html")).unwrap().contains("Dana Developer"));
}

#[test]
fn commit_ids_in_the_root_cause_text_are_picked_up() {
    let f = fixture(|cause, _| incident("", &format!("Commit {} broke it; 1234567abc is not a commit.", &cause[..9])));
    let (exit, json, _) = check(&f.site, &[]);
    assert_eq!(exit, 0);
    assert!(
        !diagnostic_lines(&json).iter().any(|l| l.contains("inc-1.md")),
        "unresolved inline ids are plain text: {json}"
    );
    let (_, out) = build(&f.site, &[]);
    let page = std::fs::read_to_string(out.join("incidents/inc-1/index.html")).unwrap();
    assert!(page.contains(&f.cause.to_string()));
    let short = &f.cause.to_string()[..9];
    assert!(
        page.contains(&format!(
            "Commit <a class=\"commit-ref\" href=\"https://git.example.com/default/commit/{}\">{short}</a> broke it",
            f.cause
        )),
        "a resolved id in the text links to its commit"
    );
    assert!(page.contains("1234567abc is not a commit."), "an unresolved one stays plain text");
}

#[test]
fn bad_commits_are_reported_at_their_line() {
    let f = fixture(|_, after| {
        incident(&format!("root_cause:\n  commits:\n    - deadbee1\n    - {after}\n    - nowhere@abcdef1\n"), "R.")
    });
    let (exit, json, _) = check(&f.site, &[]);
    assert_eq!(exit, 1);
    let lines = diagnostic_lines(&json);
    assert_eq!(
        lines,
        [
            "content/incidents/inc-1.md:10:7 E034 error",
            "content/incidents/inc-1.md:11:7 W010 warning",
            "content/incidents/inc-1.md:12:7 E034 error",
            "content/runbooks/payments/errors.md:6:1 W007 warning",
        ]
    );
    let messages: Vec<&str> =
        json["diagnostics"].as_array().unwrap().iter().map(|d| d["message"].as_str().unwrap()).collect();
    assert!(
        messages[1].contains(&f.after.to_string()[..10]) && messages[1].contains("cannot have caused it"),
        "{}",
        messages[1]
    );
    assert!(messages[2].contains("`nowhere`"));
}

#[test]
fn stale_runbooks_by_their_last_change() {
    let f = fixture(|_, _| incident("", "R."));
    let (_, json, _) = check(&f.site, &[]);
    // The runbook has no last_reviewed and was last changed on 2024-01-10: older than 180 days on 2025-12-01.
    assert_eq!(diagnostic_lines(&json), ["content/runbooks/payments/errors.md:6:1 W007 warning"]);
    assert!(json["diagnostics"][0]["message"].as_str().unwrap().contains("last changed on 2024-01-10"));
    let (_, out) = build(&f.site, &[]);
    let page = std::fs::read_to_string(out.join("runbooks/payments/errors/index.html")).unwrap();
    assert!(page.contains("It has never been reviewed and was last changed on 2024-01-10"));
    assert!(std::fs::read_to_string(out.join("runbooks/index.html")).unwrap().contains("review overdue"));
}

#[test]
fn changed_since_is_strict_only_for_changed_files() {
    let f = fixture(|_, _| incident("", "R."));
    // An unrelated, committed runbook with a problem, then a working-tree edit with one.
    commit(
        &f.repo,
        &[(
            "content/runbooks/old.md",
            "---\ntitle: Old\nservice: x\n---\n## Impact\nI.\n## Diagnosis\nD.\n## Mitigation\nM.\n",
        )],
        "old runbook",
        "2025-11-01T10:00:00Z",
    );
    let text = std::fs::read_to_string(f.site.join("content/incidents/inc-1.md")).unwrap();
    std::fs::write(f.site.join("content/incidents/inc-1.md"), text.replace("severity: SEV-2", "severity: SEV-9"))
        .unwrap();
    let (exit, json, _) = check(&f.site, &["--changed-since", "HEAD"]);
    let lines = diagnostic_lines(&json);
    assert!(lines.contains(&"content/incidents/inc-1.md:4:11 E009 error".to_string()), "{lines:?}");
    assert!(lines.contains(&"content/runbooks/old.md:4:1 E007 warning".to_string()), "{lines:?}");
    assert_eq!(exit, 1);
    let (exit, json, _) = check(&f.site, &[]);
    assert!(diagnostic_lines(&json).contains(&"content/runbooks/old.md:4:1 E007 error".to_string()));
    assert_eq!(exit, 1);
    let o = debrief(&["check", f.site.to_str().unwrap(), "--changed-since", "no-such-rev"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`no-such-rev` is not a commit"));
}

#[test]
fn debrief_never_writes_to_git() {
    let f = fixture(|cause, _| incident(&format!("root_cause:\n  commits: [{cause}]\n"), "R."));
    let snapshot = |dir: &Path| {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut stack = vec![dir.join(".git")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    files.push((p.display().to_string(), std::fs::read(&p).unwrap()));
                }
            }
        }
        files.sort();
        files
    };
    let before = snapshot(&f.site);
    assert!(build(&f.site, &[]).0.status.success());
    check(&f.site, &["--changed-since", "HEAD~1"]);
    assert!(before == snapshot(&f.site), "the repository changed");
}

#[test]
fn works_without_a_repository() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("content/runbooks")).unwrap();
    std::fs::write(site.join("content/runbooks/r.md"), RUNBOOK).unwrap();
    std::fs::write(site.join("debrief.yml"), "repos:\n  payments: ../payments-service\n").unwrap();
    let (o, out) = build(&site, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("is not in a git repository"), "{err}");
    assert!(err.contains("repos.payments") && err.contains("does not exist"), "{err}");
    assert!(out.join("runbooks/r/index.html").is_file());
    let o = debrief(&["check", site.to_str().unwrap(), "--format", "github", "--today", "2025-12-01"]);
    assert!(stdout(&o).contains("::warning title=debrief::"), "notes become workflow warnings");
}

#[test]
fn works_in_a_shallow_clone_and_on_a_detached_head() {
    let f = fixture(|_, _| incident("", "R."));
    let clone = f.site.parent().unwrap().join("shallow");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &format!("file://{}", f.site.display()), clone.to_str().unwrap()])
        .status()
        .expect("git runs");
    assert!(status.success());
    let (o, _) = build(&clone, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.matches("shallow clone").count(), 1, "warned once: {err}");
    assert!(err.contains("git fetch --unshallow"), "{err}");

    let head = f.repo.head().unwrap().peel_to_commit().unwrap().id();
    f.repo.set_head_detached(head).unwrap();
    let (o, out) = build(&f.site, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(out.join("incidents/inc-1/index.html")).unwrap().contains("created 2025-03-27"));
}

#[test]
fn a_site_in_a_subfolder_of_its_repository() {
    let f = fixture(|_, _| incident("", "R."));
    // The same history, seen from a parent repo: the site is at docs/site/.
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let text = std::fs::read_to_string(f.site.join("content/incidents/inc-1.md")).unwrap();
    commit(&repo, &[("docs/site/content/incidents/inc-1.md", &text)], "add", "2025-05-01T08:00:00Z");
    let (o, out) = build(&dir.path().join("docs/site"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(out.join("incidents/inc-1/index.html")).unwrap().contains("created 2025-05-01"));
}

#[test]
fn publication_falls_back_to_the_commit_that_added_the_post_mortem() {
    let f = fixture(|cause, _| incident(&format!("root_cause:\n  category: code\n  commits: [{cause}]\n"), "x"));
    let o = debrief(&["stats", f.site.to_str().unwrap(), "--format", "json", "--today", "2025-12-01"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let p = &v["publication"];
    // Resolved Tuesday 25 March; first committed Thursday 27 March (not the
    // later review commit): two business days.
    assert_eq!(p["count"], 1, "{p}");
    assert_eq!(p["median_days"], 2.0);
    assert_eq!(p["within_target"], 1);
    // published_at wins over git.
    let text = incident("published_at: 2025-04-07\n", "x");
    commit(&f.repo, &[("content/incidents/inc-1.md", &text)], "Record publication", "2025-04-08T10:00:00Z");
    let o = debrief(&["stats", f.site.to_str().unwrap(), "--format", "json", "--today", "2025-12-01"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let late = &v["publication"]["late"][0];
    assert_eq!((late["days"].as_i64(), late["published_by"].as_str()), (Some(9), Some("published_at")), "{v}");
}
