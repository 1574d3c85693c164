//! `debrief serve` on a free port, as a user runs it: pages are served with
//! the reload script, an edit rebuilds and tells open pages to reload, a bad
//! edit sends the diagnostics and keeps the last good build, 200 rapid edits
//! leave it serving the last one, a deleted document's page goes (and so do
//! the pages of a list an edit takes it off), and no
//! request path leaves the output.

mod common;
#[path = "common/serve.rs"]
mod served;

use std::path::{Path, PathBuf};

use served::Served;

const POST_MORTEM: &str = "content/incidents/2025/2025-06-12-ledger-db-connection-pool.md";
const PAGE: &str = "/incidents/inc-2025-022/index.html";

/// The example site, copied so that the test can edit it.
fn example_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_example_site(&site);
    (dir, site)
}

fn edit(site: &Path, from: &str, to: &str) {
    let path = site.join(POST_MORTEM);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from:?} is not in the post-mortem");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn edits_rebuild_and_reload_and_errors_keep_the_last_good_build() {
    let (_dir, site) = example_site();
    let server = Served::start(&site);
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("<script src=\"/__debrief/live.js\"></script></body>"), "the reload script is added");
    let (status, js) = server.get("/__debrief/live.js");
    assert_eq!(status, 200);
    assert!(js.contains("EventSource"));
    let mut events = server.events();
    assert_eq!(events.next().0, "hello");

    // An edit: the reload event names the page, which has the new text by then.
    edit(&site, "## Summary\n", "## Summary\n\nA sentence added while serving.\n");
    let own = PAGE.trim_start_matches('/');
    let changed = events.until("reload", |d| d.contains(own));
    let changed: serde_json::Value = serde_json::from_str(&changed).unwrap();
    assert_eq!(changed["all"], false);
    assert!(server.get(PAGE).1.contains("A sentence added while serving."));
    // The search index follows; no other post-mortem's page changed.
    let search = events.until("reload", |d| d.contains("search/"));
    assert!(!search.contains("inc-2025-014"), "{search}");

    // A bad edit: the diagnostics go to open pages; the last good build stays.
    edit(&site, "severity: ", "severity: SEV-99 # ");
    let data = events.until("build-error", |_| true);
    let report: serde_json::Value = serde_json::from_str(&data).unwrap();
    let text = report["text"].as_str().unwrap();
    assert!(text.contains("E009") && text.contains("2025-06-12-ledger-db-connection-pool.md:"), "{text}");
    let (_, status) = server.get("/__debrief/status");
    assert!(status.contains("SEV-99"), "{status}");
    let (code, page) = server.get(PAGE);
    assert_eq!(code, 200);
    assert!(page.contains("A sentence added while serving."), "still the last good build");

    // Fixed: a reload, and no errors.
    edit(&site, "severity: SEV-99 # ", "severity: ");
    events.until("reload", |_| true);
    let (_, status) = server.get("/__debrief/status");
    assert!(status.contains("\"errors\":null"), "{status}");

    // An edit that takes it off a list: that list's page goes (a quick
    // rebuild removes no page, so this one is a full build).
    assert_eq!(server.get("/tags/migration/index.html").0, 200);
    edit(&site, "tags: [database, migration]", "tags: [database, schema-change]");
    let changed = events.until("reload", |_| true);
    let changed: serde_json::Value = serde_json::from_str(&changed).unwrap();
    assert_eq!(changed["all"], true, "{changed}");
    assert_eq!(server.get("/tags/migration/index.html").0, 404);
    assert_eq!(server.get("/tags/schema-change/index.html").0, 200);

    // A new post-mortem appears in the list.
    let new = site.join("content/incidents/2025/2025-10-01-new.md");
    let text = std::fs::read_to_string(site.join(POST_MORTEM)).unwrap();
    let text = text.replacen("id: INC-2025-022", "id: INC-2025-099", 1).replacen("title: ", "title: Brand new — ", 1);
    std::fs::write(new, text).unwrap();
    events.until("reload", |d| d.contains("incidents/inc-2025-099/index.html"));
    server.wait_for("/incidents/index.html", 10, |b| b.contains("Brand new —"));
    assert_eq!(server.get("/incidents/inc-2025-099/index.html").0, 200);

    // Deleted again: its page goes too, not only its row.
    std::fs::remove_file(site.join("content/incidents/2025/2025-10-01-new.md")).unwrap();
    events.until("reload", |_| true);
    server.wait_for("/incidents/index.html", 10, |b| !b.contains("Brand new —"));
    assert_eq!(server.get("/incidents/inc-2025-099/index.html").0, 404);
}

#[test]
fn the_server_survives_200_rapid_edits() {
    let (_dir, site) = example_site();
    let mut server = Served::start(&site);
    let path = site.join(POST_MORTEM);
    let original = std::fs::read_to_string(&path).unwrap();
    for n in 0..200 {
        let text = original.replacen("## Summary\n", &format!("## Summary\n\nEdit number {n}.\n"), 1);
        std::fs::write(&path, text).unwrap();
    }
    server.wait_for(PAGE, 30, |body| body.contains("Edit number 199."));
    assert!(server.alive());
    assert_eq!(server.get("/").0, 200);
}

#[test]
fn request_paths_never_leave_the_output() {
    let (_dir, site) = example_site();
    let server = Served::start(&site);
    for path in
        ["/../debrief.yml", "/%2e%2e/debrief.yml", "/..%2fdebrief.yml", "/a/%2e%2e/%2e%2e/etc/passwd", "/%5c..%5cx"]
    {
        let (status, body) = server.get(path);
        assert!(matches!(status, 400 | 404), "{path}: {status}");
        assert!(!body.contains("timezone:"), "{path} served a source file");
    }
    assert_eq!(server.get("/no/such/page/").0, 404);
    assert_eq!(server.get("/static/debrief.css").0, 200);
}
