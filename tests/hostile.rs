//! Hostile content, as a pull request could bring it: every payload below in
//! every field that reaches a page, the feed, the JSON export, the calendar or
//! the search index. The build must publish each as data (escaped text, or a
//! JSON or XML string that reads back as written), never as markup or code.
//! Also: script URLs in any letter case, ids and names that try to leave the
//! output, theme files that link out of the site, NUL bytes, a table of
//! 100,000 rows and bytes that are not UTF-8.

mod common;

use std::path::Path;

use common::*;

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "'><svg/onload=alert(1)>",
    "</script><script>alert(1)</script>",
    "]]><x>cdata</x>",
    "&lt;b&gt;pre-escaped&lt;/b&gt;",
    "{{ 7*7 }}{% raw %}",
    "${alert(1)}`",
    "a\u{2028}b\u{2029}c",
    "javascript:alert(1)",
    "x\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
    "<!-- comment --><style>*{display:none}</style>",
];

/// YAML double-quoted, so any payload is one scalar.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// A site with payload `n` in every field of a post-mortem, a runbook, a
/// status template and a page.
fn write_site(site: &Path) {
    // Lists on pages of two rows: the payloads reach the pager, the action
    // items' state pages and their owner pages too.
    std::fs::create_dir_all(site).unwrap();
    std::fs::write(site.join("debrief.yml"), "incidents:\n  per_page: 2\naction_items:\n  per_page: 2\n").unwrap();
    for (n, p) in PAYLOADS.iter().enumerate() {
        let dir = site.join("content/incidents");
        std::fs::create_dir_all(&dir).unwrap();
        let one_line = p.replace(['\r', '\n'], " ");
        let owner = format!("@o{n}{}", one_line.replace('|', "\\|").replace(' ', ""));
        std::fs::write(
            dir.join(format!("h{n}.md")),
            format!(
                "---\nid: H-{n}\ntitle: {}\nseverity: SEV-2\nstatus: published\nstarted_at: 2025-03-{:02} 10:00\nresolved_at: 2025-03-{:02} 11:00\nservices: [{}]\ntags: [{}]\ncommander: {}\ncomms_lead: {}\nroot_cause: {{ category: code }}\n---\n\n## Summary\n\nSummary {one_line} end.\n\n## Impact\n\nImpact: {one_line}\n\n## Timeline\n\n- 10:00 — {one_line}\n- 10:30 — fixed\n\n## Root cause\n\nCause: {one_line}\n\n## What went well\n\n- Well: {one_line}\n\n## What went poorly\n\n- Poorly: {one_line}\n\n## Action items\n\n| Item | Owner | Due | Type |\n|---|---|---|---|\n| Fix {} now | {} | 2025-04-01 | prevent |\n",
                q(p),
                n + 1,
                n + 1,
                q(p),
                q(p),
                q(p),
                q(p),
                one_line.replace('|', "\\|"),
                owner,
            ),
        )
        .unwrap();
        let dir = site.join("content/runbooks/svc");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("r{n}.md")),
            format!(
                "---\ntitle: {}\nservice: {}\nowner: {}\nalerts: [Alert{n}]\ntags: [{}]\nlast_reviewed: 2026-11-01\n---\n\n## Meaning\n\nMeaning: {one_line}\n\n## Impact\n\nImpact: {one_line}\n\n## Diagnosis\n\n```sh\necho {one_line}\n```\n\n## Mitigation\n\nMitigation: {one_line}\n",
                q(p),
                q(p),
                q(p),
                q(p)
            ),
        )
        .unwrap();
        let dir = site.join("content/status");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("s{n}.md")),
            format!(
                "---\ntitle: {}\nphase: investigating\nchannel: {}\n---\nWe see {} on {{{{ feature }}}}.\n",
                q(p),
                q(p),
                one_line
            ),
        )
        .unwrap();
        let dir = site.join("content/pages");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(format!("p{n}.md")),
            format!("---\ntitle: {}\n---\n\n# {one_line}\n\n{one_line}\n", q(p)),
        )
        .unwrap();
    }
}

fn build_into(site: &Path, out: &Path) -> std::process::Output {
    debrief(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        "2026-11-22",
        "--base-url",
        "https://incidents.example.com/",
    ])
}

#[test]
fn every_payload_in_every_field_stays_data() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    write_site(&site);
    let out = dir.path().join("public");
    let o = build_into(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&out).unwrap().to_string_lossy().to_string();
        let text = String::from_utf8(std::fs::read(entry.path()).unwrap()).unwrap();
        if rel.ends_with(".html") {
            html_is_safe(&rel, &text);
        } else if rel.ends_with(".xml") {
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}"));
        } else if rel.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        } else if rel.ends_with(".ics") {
            calendar_is_safe(&text);
        }
        checked += 1;
    }
    assert!(checked > 60, "{checked} files");
    let owners = std::fs::read_dir(out.join("action-items/owner")).unwrap().count();
    assert!(owners >= PAYLOADS.len() - 1, "each payload's owner has a page: {owners}");
    assert!(
        out.join("incidents/page/6/index.html").is_file()
            && out.join("action-items/overdue/page/6/index.html").is_file()
    );
    // Data round-trips exactly: JSON export, feed titles, search results.
    let export: serde_json::Value = serde_json::from_str(&read(&out, "incidents.json")).unwrap();
    let titles: Vec<&str> =
        export["incidents"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    let feed = read(&out, "feed.xml");
    let feed = roxmltree::Document::parse(&feed).unwrap();
    let feed_titles: Vec<String> = feed
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title")).and_then(|t| t.text()).map(str::to_string))
        .collect();
    let search: Vec<String> = search_docs(&out).iter().map(|d| d["t"].as_str().unwrap().to_string()).collect();
    for p in PAYLOADS {
        assert!(titles.contains(p), "export lost {p:?}");
        assert!(search.iter().any(|t| t == p), "search lost {p:?}");
        // XML cannot hold every character as written (a CR becomes a LF on reading).
        let xml_form = p.replace("\r\n", "\n");
        assert!(feed_titles.iter().any(|t| t.replace("\r\n", "\n") == xml_form), "feed lost {p:?}");
    }
    // A template expression in the content is text, not evaluated.
    let page = read(&out, "incidents/h-6/index.html");
    assert!(page.contains("{{ 7*7 }}") && !page.contains(">49<"), "content is never a template");
    eprintln!("hostile vectors: {} payloads × {} fields", PAYLOADS.len(), FIELDS);
}

/// Fields each payload went into: post-mortem title, services, tags,
/// commander, comms lead, summary, impact, timeline, root cause, went well,
/// went poorly, action item, owner; runbook title, service, owner, tags,
/// meaning, impact, code block, mitigation; status title, channel, text;
/// page title, heading, body.
const FIELDS: usize = 26;

fn html_is_safe(rel: &str, text: &str) {
    let lower = text.to_lowercase().replace("<svg class=\"chart\" viewbox=", "<chart viewbox=");
    for bad in ["<script>alert", "<img src=x", "<svg/onload", "<svg onload", "<style>", "<x>cdata"] {
        assert!(!lower.contains(bad), "{rel} contains {bad}");
    }
    for tag in tags(&lower) {
        let handler = attribute_names(tag).into_iter().any(|name| name.starts_with("on"));
        assert!(!handler, "{rel}: event handler in <{tag}>");
        // Script URLs where a URL goes (a description may mention one as text).
        for attr in ["href=\"", "src=\"", "action=\""] {
            for value in tag.split(attr).skip(1) {
                let url = value.trim_start();
                for bad in ["javascript:", "vbscript:", "data:"] {
                    assert!(!url.starts_with(bad), "{rel}: {bad} URL in <{tag}>");
                }
            }
        }
    }
    let scripts = lower.matches("<script").count();
    assert_eq!(scripts, lower.matches("<script src=\"").count(), "{rel}: an inline script");
}

/// Each line is a property or a folded continuation; no payload can add an event.
fn calendar_is_safe(text: &str) {
    let events = text.matches("\r\nBEGIN:VEVENT\r\n").count();
    let items = text.matches("\r\nSUMMARY:").count();
    assert_eq!(events, items, "one SUMMARY per event");
    assert!(!text.split("\r\n").any(|l| l.starts_with("SUMMARY:injected")), "a payload started a property of its own");
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(!line.contains('\n') && !line.contains('\r'), "bare line break in {line:?}");
    }
}

#[test]
fn script_urls_in_any_case_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let pages = site.join("content/pages");
    std::fs::create_dir_all(&pages).unwrap();
    let mut body = String::new();
    let mut n = 0;
    for scheme in ["javascript", "JavaScript", "JAVASCRIPT", "vbscript", "VBScript", "data", "Data", "DATA"] {
        for form in [" ", "\t", "&#x20;", ""] {
            body.push_str(&format!(
                "[l{n}]({form}{scheme}:alert({n})) <a href=\"{scheme}:x\">h{n}</a> ![i]({scheme}:y)\n\n"
            ));
            n += 1;
        }
    }
    std::fs::write(pages.join("links.md"), format!("---\ntitle: Links\n---\n\n{body}")).unwrap();
    let out = dir.path().join("public");
    assert!(build_into(&site, &out).status.success());
    let page = read(&out, "pages/links/index.html").to_lowercase();
    for tag in tags(&page) {
        for bad in ["javascript:", "vbscript:", "data:"] {
            assert!(!tag.contains(bad), "{bad} survived in <{tag}>");
        }
    }
    assert!(page.contains("l31"), "the link text is kept");
}

#[test]
fn names_that_try_to_leave_the_output_stay_inside() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_dir(&root().join("content"), &site.join("content"));
    let inc = site.join("content/incidents/2025/2025-06-12-ledger-db-connection-pool.md");
    let text = std::fs::read_to_string(&inc).unwrap();
    std::fs::write(&inc, text.replacen("id: INC-2025-022", "id: \"../../../../escape\"", 1)).unwrap();
    let rb = site.join("content/runbooks/payments/escape.md");
    let text = std::fs::read_to_string(site.join("content/runbooks/payments/high-error-rate.md")).unwrap();
    let text =
        text.replacen("title:", "id: \"../../../escape-too\"\ntitle:", 1).replacen("alerts: [", "alerts: [Other, ", 1);
    std::fs::write(&rb, text.replace("PaymentsHighErrorRate", "EscapeA").replace("CheckoutApi5xx", "EscapeB")).unwrap();
    // A theme file that is a link to a file outside the site is not published.
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "TOP SECRET").unwrap();
    let theme = site.join("themes/default/static");
    std::fs::create_dir_all(&theme).unwrap();
    std::os::unix::fs::symlink(&secret, theme.join("leak.txt")).unwrap();
    let out = dir.path().join("nest/public");
    let o = build_into(&site, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let outside: Vec<String> = walkdir::WalkDir::new(dir.path())
        .into_iter()
        .map(|e| e.unwrap().path().to_string_lossy().to_string())
        .filter(|p| p.contains("escape"))
        .collect();
    let sources = site.to_str().unwrap();
    assert!(outside.iter().all(|p| p.starts_with(out.to_str().unwrap()) || p.starts_with(sources)), "{outside:?}");
    assert!(out.join("runbooks/escape-too/index.html").is_file(), "the id became a slug inside the output");
    assert!(!out.join("static/leak.txt").exists(), "a linked theme file is not followed");
    // Alert names and theme names that would leave are errors before anything is written.
    std::fs::write(&rb, std::fs::read_to_string(&rb).unwrap().replacen("alerts: [", "alerts: [\"../../x\", ", 1))
        .unwrap();
    let (exit, json) = check_json(&site, &[]);
    assert_eq!(exit, 1);
    assert!(diagnostic_lines(&json).iter().any(|l| l.contains("E028")), "{json}");
    std::fs::write(site.join("debrief.yml"), "theme: ../../etc\n").unwrap();
    assert_eq!(check_json(&site, &[]).0, 2);
}

#[test]
fn odd_bytes_and_huge_tables_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let inc = site.join("content/incidents");
    std::fs::create_dir_all(&inc).unwrap();
    // NUL bytes in the front matter (a YAML error) and in the body (read).
    std::fs::write(inc.join("nul-front.md"), "---\ntitle: \"a\0b\"\nseverity: SEV-2\n---\n").unwrap();
    std::fs::write(
        inc.join("nul.md"),
        "---\ntitle: NUL\nseverity: SEV-2\nstatus: draft\nstarted_at: 2025-03-01 10:00\n---\n\n## Summary\n\nx\0y\n",
    )
    .unwrap();
    // Bytes that are not UTF-8.
    std::fs::write(inc.join("latin1.md"), b"---\ntitle: caf\xe9\n---\n").unwrap();
    // An action-item table of 100,000 rows.
    let mut big = String::from("---\ntitle: Big\nseverity: SEV-3\nstatus: draft\nstarted_at: 2025-03-02 10:00\n---\n\n## Action items\n\n| Item | Owner | Due | Type |\n|---|---|---|---|\n");
    for n in 0..100_000 {
        big.push_str(&format!("| Item {n} | @o | 2025-04-01 | prevent |\n"));
    }
    std::fs::write(inc.join("big.md"), big).unwrap();
    let t = std::time::Instant::now();
    let (exit, json) = check_json(&site, &[]);
    assert!(t.elapsed().as_secs() < 60, "a huge table is not quadratic");
    assert_eq!(exit, 1, "{json}");
    let lines = diagnostic_lines(&json);
    assert!(lines.iter().any(|l| l.starts_with("content/incidents/latin1.md:2:") && l.contains("E002")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.starts_with("content/incidents/nul-front.md:2:") && l.contains("E006")),
        "{lines:?}"
    );
    let out = dir.path().join("public");
    std::fs::remove_file(inc.join("latin1.md")).unwrap();
    std::fs::remove_file(inc.join("nul-front.md")).unwrap();
    let o = debrief(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--drafts",
        "--today",
        "2026-11-22",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!read(&out, "incidents/index.html").contains('\0'), "NUL never reaches a page");
}

#[test]
fn durations_past_the_end_of_the_calendar_are_not_a_panic() {
    // Found by fuzzing: `99999999999999999s` made chrono panic.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("good"), dir.path());
    std::fs::write(dir.path().join("debrief.yml"), "runbooks:\n  review_every: 99999999d\nchange_window: 999999999w\n")
        .unwrap();
    let (exit, _) = check_json(dir.path(), &[]);
    assert_eq!(exit, 0);
    std::fs::write(dir.path().join("debrief.yml"), "change_window: 99999999999999999s\n").unwrap();
    let (exit, json) = check_json(dir.path(), &[]);
    assert_eq!(exit, 2, "{json}");
    assert!(diagnostic_lines(&json).iter().any(|l| l.contains("E041")), "{json}");
}
