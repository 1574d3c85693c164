//! `debrief build` end to end: the pages, their links, safety, determinism and
//! the guarantee that a failed build leaves the previous output alone.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;

fn build(site: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", site.to_str().unwrap(), "--out", out.to_str().unwrap()];
    if !extra.contains(&"--today") {
        args.extend(["--today", "2026-11-22"]);
    }
    args.extend_from_slice(extra);
    debrief(&args)
}

fn built(site: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = build(site, &out, extra);
    assert_eq!(o.status.code(), Some(0), "build failed: {}\n{}", stdout(&o), stderr(&o));
    (dir, out)
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir(dir)
        .into_iter()
        .map(|p| (p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"), std::fs::read(&p).unwrap()))
        .collect()
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Every `href="…"`, `src="…"` and `action="…"` value in an HTML file.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\"", "action=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// Checks that every internal link of every page resolves to a file (and, for
/// `#fragment`s, to an element with that id). Returns how many were checked.
fn check_links(out: &Path, pretty: bool) -> usize {
    let mut checked = 0;
    for path in walkdir(out).into_iter().filter(|p| p.extension().is_some_and(|e| e == "html")) {
        let html = std::fs::read_to_string(&path).unwrap();
        for link in links(&html) {
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
                || link.is_empty()
            {
                continue;
            }
            let (target, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let file = if target.is_empty() {
                path.clone()
            } else {
                let mut t = path.parent().unwrap().join(target);
                if t.is_dir() {
                    assert!(
                        pretty || path.ends_with("404.html"),
                        "{}: folder link {link} (opened from disk this shows a listing)",
                        path.display()
                    );
                    t = t.join("index.html");
                }
                t
            };
            assert!(file.is_file(), "{}: broken link {link}", path.display());
            if !fragment.is_empty() {
                let target_html = std::fs::read_to_string(&file).unwrap();
                assert!(
                    target_html.contains(&format!("id=\"{fragment}\"")),
                    "{}: no #{fragment} in {}",
                    path.display(),
                    file.display()
                );
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn example_site_has_every_page() {
    let (_dir, out) = built(&root(), &[]);
    for page in [
        "index.html",
        "404.html",
        "feed.xml",
        "sitemap.xml",
        "incidents.json",
        "static/debrief.css",
        "static/debrief.js",
        "static/search.js",
        "search/index.html",
        "trends/index.html",
        "action-items/index.html",
        "action-items.ics",
        "search/index.js",
        "search/facets.js",
        "search/s/0.js",
        "search/d/0.js",
        "incidents/index.html",
        "incidents/inc-2025-014/index.html",
        "incidents/inc-2024-031/index.html",
        "incidents/severity/sev-1/index.html",
        "incidents/year/2024/index.html",
        "runbooks/index.html",
        "runbooks/payments/high-error-rate/index.html",
        "alerts/index.html",
        "alerts/CheckoutApi5xx/index.html",
        "status/index.html",
        "status/investigating/index.html",
        "status/internal-declared/index.html",
        "services/index.html",
        "services/payments/index.html",
        "tags/index.html",
        "tags/deploy/index.html",
        "pages/how-we-run-incidents/index.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
}

#[test]
fn every_internal_link_resolves() {
    // (The hostile fixture's own `<img src="x">` is a broken link by design; its
    // generated links are covered by `hostile_content_comes_out_escaped`.)
    for site in [root(), fixture("good")] {
        let (_dir, out) = built(&site, &[]);
        assert!(check_links(&out, false) > 20, "{}", site.display());
        check_search_links(&out, false);
    }
}

/// Every search result links (from the site root) to a page that exists.
fn check_search_links(out: &Path, pretty: bool) {
    for doc in search_docs(out) {
        let url = doc["u"].as_str().unwrap();
        let file = if pretty { out.join(url).join("index.html") } else { out.join(url) };
        assert!(file.is_file(), "search result {url} has no page");
    }
}

#[test]
fn pretty_urls_link_to_folders() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("good"), site.path());
    std::fs::write(site.path().join("debrief.yml"), "pretty_urls: true\n").unwrap();
    let (_dir, out) = built(site.path(), &[]);
    let home = read(&out, "index.html");
    assert!(home.contains("href=\"incidents/\""), "{home}");
    assert!(!home.contains("incidents/index.html"));
    check_links(&out, true);
    check_search_links(&out, true);
}

#[test]
fn home_page_serves_responders() {
    let (_dir, out) = built(&root(), &[]);
    let home = read(&out, "index.html");
    assert!(
        home.contains("<form class=\"find\" role=\"search\" action=\"search/index.html\" method=\"get\" data-search>")
    );
    assert!(home.contains("<input id=\"q-home\" type=\"search\" name=\"q\""));
    assert!(!home.contains("id=\"q-top\""), "the home page's own box replaces the header's");
    assert!(
        home.contains("<h3><a href=\"services/payments/index.html\">payments</a></h3>"),
        "runbooks grouped by service"
    );
    assert!(home.contains("<strong>11</strong> open action items"));
    assert!(home.contains("<strong>11</strong> overdue"));
    assert!(home.contains("href=\"status/investigating/index.html\">Investigating</a>"));
    let latest = home.find("Latest post-mortems").unwrap();
    let order: Vec<usize> = ["INC-2025-037", "INC-2025-022", "INC-2025-014", "INC-2024-031"]
        .iter()
        .map(|id| home[latest..].find(id).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "newest first: {order:?}");
}

#[test]
fn the_home_page_shows_a_few_runbooks_per_service() {
    let site = example_site_with_config("");
    let source = std::fs::read_to_string(site.path().join("content/runbooks/payments/high-error-rate.md")).unwrap();
    for n in 1..=11 {
        let copy = source
            .replace("title: \"Payments: high error rate\"", &format!("title: \"Payments: copy {n:02}\""))
            .replace("alerts: [PaymentsHighErrorRate, CheckoutApi5xx]", &format!("alerts: [PaymentsCopy{n}]"));
        std::fs::write(site.path().join(format!("content/runbooks/payments/copy-{n:02}.md")), copy).unwrap();
    }
    let (_dir, out) = built(site.path(), &[]);
    let home = read(&out, "index.html");
    let payments = &home[home.find("<h3><a href=\"services/payments/index.html\">payments</a></h3>").unwrap()..];
    let payments = &payments[..payments.find("</section>").unwrap()];
    assert_eq!(payments.matches("<li data-filter-item>").count(), 10, "{payments}");
    assert!(payments.contains("<a href=\"services/payments/index.html\">2 more runbooks for payments →</a>"));
    assert!(!home.contains("more runbooks for ledger"), "a service with few runbooks shows them all");
    let all = read(&out, "runbooks/index.html");
    assert_eq!(all.matches("<li data-filter-item>").count(), 14, "/runbooks/ lists every runbook");
    assert_eq!(read(&out, "services/payments/index.html").matches("copy-").count(), 11);
}

#[test]
fn incident_page_has_the_facts() {
    let (_dir, out) = built(&root(), &[]);
    let page = read(&out, "incidents/inc-2025-014/index.html");
    for needle in [
        "<a class=\"sev sev-2\" href=\"../../incidents/severity/sev-2/index.html\" title=\"Severity SEV-2\">SEV-2</a>",
        "<abbr title=\"Time to detect\">TTD</abbr><strong>15 min</strong>",
        "<abbr title=\"Time to acknowledge\">TTA</abbr><strong>20 min</strong>",
        "<abbr title=\"Time to mitigate\">TTM</abbr><strong>45 min</strong>",
        "<abbr title=\"Time to resolve\">TTR</abbr><strong>1 h</strong>",
        "<time datetime=\"2025-03-25T14:15:00+00:00\">2025-03-25 14:15 UTC</time>",
        "<dt>Incident commander</dt><dd>@mara</dd>",
        "<h3 id=\"root-cause\">Root Cause<a class=\"anchor\" href=\"#root-cause\"",
        "<li class=\"toc-3\"><a href=\"#timeline-utc\">Timeline (UTC)</a></li>",
        "4 action items · 3 open · <span class=\"flag overdue\">3 overdue</span>",
        "<td>Route 5% of guest traffic to the canary stage</td>",
        "<a href=\"../../runbooks/payments/high-error-rate/index.html\">Payments: high error rate</a>",
        "<a rel=\"prev\" href=\"../../incidents/inc-2024-031/index.html\">",
        "<a rel=\"next\" href=\"../../incidents/inc-2025-022/index.html\">",
        "<a class=\"chip\" href=\"../../services/checkout/index.html\">checkout</a>",
    ] {
        assert!(page.contains(needle), "missing {needle}");
    }
    assert!(!page.contains("<li><input disabled"), "the task list is replaced by the table");
    let sre = read(&out, "incidents/inc-2024-031/index.html");
    assert!(sre.contains("<div class=\"code\">") || !sre.contains("<pre>"));
    assert!(sre.contains("SRCH-5554823"));
}

#[test]
fn runbook_and_alert_pages() {
    let (_dir, out) = built(&root(), &[]);
    let rb = read(&out, "runbooks/payments/high-error-rate/index.html");
    assert_eq!(
        rb.matches("<button type=\"button\" class=\"copy\"").count(),
        rb.matches("<pre>").count(),
        "a copy button on every code block"
    );
    assert!(rb.matches("<pre>").count() >= 4);
    assert!(rb.contains("<dt>Owner</dt><dd>@payments</dd>"));
    assert!(rb.contains("<dt>Last reviewed</dt><dd>2026-10-06</dd>"));
    assert!(!rb.contains("may be out of date"));
    assert!(rb.contains("Used in these incidents"));
    let alert = read(&out, "alerts/CheckoutApi5xx/index.html");
    assert!(
        alert.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=../../runbooks/payments/high-error-rate/index.html\">"
        ),
        "{alert}"
    );
    assert!(
        alert.contains("<a href=\"../../runbooks/payments/high-error-rate/index.html\">Payments: high error rate</a>")
    );
    // Stale runbooks carry a banner on the page and a flag in the index.
    let (_dir2, later) = built(&root(), &["--today", "2027-12-01"]);
    assert!(read(&later, "runbooks/payments/high-error-rate/index.html").contains("This runbook may be out of date."));
    assert!(read(&later, "runbooks/index.html").contains("<span class=\"flag stale\">review overdue</span>"));
}

#[test]
fn status_templates_have_a_field_per_placeholder() {
    let (_dir, out) = built(&root(), &[]);
    let page = read(&out, "status/investigating/index.html");
    for name in ["feature", "start_time", "impact", "next_update"] {
        assert!(page.contains(&format!("<input name=\"{name}\" type=\"text\"")), "{name}");
    }
    assert!(page.contains("data-source=\"[Investigating] We are aware of an issue affecting {{ feature }}."));
    assert!(page.contains("<h1>Investigating</h1>"), "a template's own page does not link its title to itself");
    let list = read(&out, "status/index.html");
    assert!(
        list.contains("<h4><a href=\"../status/investigating/index.html\">Investigating</a></h4>"),
        "the list links each"
    );
    let phases: Vec<usize> = ["id=\"investigating\"", "id=\"identified\"", "id=\"monitoring\"", "id=\"resolved\""]
        .iter()
        .map(|p| list.find(p).unwrap())
        .collect();
    assert!(phases.windows(2).all(|w| w[0] < w[1]), "Statuspage order");
    assert!(
        list.contains("<td>15 min</td>") && list.contains("<td>30 min</td>") && list.contains("<td>1 h</td>"),
        "update cadence per severity"
    );
    assert!(list.contains("Incident declared (internal)"));
}

#[test]
fn search_is_on_every_page_and_says_what_to_do_without_js() {
    let (_dir, out) = built(&root(), &[]);
    let search = read(&out, "search/index.html");
    assert!(search.contains("<strong>Search needs JavaScript</strong>"));
    for index in ["../incidents/index.html", "../runbooks/index.html", "../alerts/index.html", "../status/index.html"] {
        assert!(search.contains(&format!("<a href=\"{index}\">")), "the search page links to {index}");
    }
    assert!(search.contains("<script src=\"../static/search.js\"></script>"));
    assert!(!search.contains("id=\"q-top\""), "the search page has its own box");
    for page in ["incidents/inc-2025-014/index.html", "runbooks/payments/high-error-rate/index.html", "404.html"] {
        let html = read(&out, page);
        assert!(html.contains("role=\"search\""), "{page} has a search box");
        assert!(html.contains("aria-keyshortcuts=\"/\""), "{page}");
    }
    let incident = read(&out, "incidents/inc-2025-014/index.html");
    assert!(incident.contains(
        "<form class=\"site-search\" role=\"search\" action=\"../../search/index.html\" method=\"get\" data-search>"
    ));
    assert!(incident.contains("<body data-root=\"../../\">"));
}

#[test]
fn the_search_index_covers_every_document() {
    let (_dir, out) = built(&root(), &[]);
    let manifest = search_data(&out, "search/index.js");
    assert_eq!(
        manifest["kinds"],
        serde_json::json!([["runbook", 0, 3], ["status", 3, 8], ["incident", 8, 12], ["page", 12, 13]])
    );
    assert_eq!(manifest["severities"], serde_json::json!(["SEV-1", "SEV-2", "SEV-3", "SEV-4"]));
    let docs = search_docs(&out);
    let incidents: Vec<(&str, &str)> = docs
        .iter()
        .filter(|d| d["k"] == "incident")
        .map(|d| (d["s"].as_str().unwrap(), d["d"].as_str().unwrap()))
        .collect();
    assert_eq!(
        incidents,
        [("SEV-1", "2024-11-08"), ("SEV-2", "2025-03-25"), ("SEV-3", "2025-06-12"), ("SEV-4", "2025-09-03")],
        "post-mortems are numbered most severe first, so ties rank that way"
    );
    let runbook = docs.iter().find(|d| d["t"] == "Ledger: database connection pool exhausted").unwrap();
    assert_eq!(runbook["a"], serde_json::json!(["LedgerDBPoolExhausted", "LedgerWriteLatencyHigh"]));
    assert!(runbook["x"].as_str().unwrap().len() > 200, "snippet text");
}

#[test]
fn the_trends_page_draws_each_figure_with_its_numbers() {
    let (_dir, out) = built(&fixture("trends"), &["--today", "2025-06-30"]);
    let page = read(&out, "trends/index.html");
    assert!(
        page.contains("<a href=\"../trends/index.html\" aria-current=\"page\">Trends</a>"),
        "in the main navigation"
    );
    let svgs: Vec<&str> = page.split("<svg ").skip(1).map(|s| &s[..s.find("</svg>").unwrap() + 6]).collect();
    assert_eq!(svgs.len(), 8, "months, four durations, causes, detection, time to publish");
    for svg in &svgs {
        let xml = format!("<svg {svg}");
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"));
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let title = root.children().find(|n| n.has_tag_name("title")).expect("an accessible title");
        assert!(!title.text().unwrap_or_default().is_empty());
    }
    // The numbers beside the charts, worked out by hand (see tests/stats.rs).
    assert!(
        page.contains("<th scope=\"row\">2024-12</th><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td>"),
        "{page}"
    );
    assert!(
        page.contains("MTTD: detected_at − started_at. Overall median 20.0 min, p90 51.0 min, over 4 post-mortems.")
    );
    assert!(page.contains("1 of 5 incidents have no detected_at"), "what was left out is said");
    assert!(
        page.contains("<th scope=\"row\">2025-Q1</th><td>3</td><td>1.0 h</td><td>2.6 h</td>"),
        "MTTR in hours: {page}"
    );
    assert!(page.contains("<th scope=\"row\"><a href=\"../services/api/index.html\">api</a></th><td>4</td><td>3</td>"));
    assert!(page.contains("<tr class=\"is-overdue\"><th scope=\"row\">@api</th><td>2</td><td><span class=\"flag overdue\">2</span></td></tr>"));
    // The definitions in use, time to publish and coverage (values in tests/stats.rs).
    assert!(page.contains("<dt>MTTA</dt><dd><code>acknowledged_at</code> − <code>started_at</code></dd>"), "{page}");
    assert!(page.contains("<strong>3 of 5</strong> post-mortems (60%) were published within the target of <strong>5 business days</strong>"));
    assert!(page.contains("<th scope=\"row\">2025-Q1</th><td>3</td><td>2</td><td>4</td><td>7.2</td>"), "{page}");
    assert!(page.contains("<td>resolved 2025-04-01, published 2025-04-15</td><td>10 business days</td>"));
    // A draft has no page to link to; its source file is named instead.
    assert!(page.contains("A draft that trends leave out <span class=\"muted\">(content/incidents/f-draft.md)</span>"));
    assert!(page.contains("<strong>3 of 6</strong> SEV-1, SEV-2 incidents (50%) have a published post-mortem."));
    assert!(page.contains(
        "<th scope=\"row\">INC-8</th><td>Checkout outage, never written up</td><td>SEV-1 · no post-mortem</td>"
    ));
}

#[test]
fn a_service_page_is_its_health_card() {
    let (_dir, out) = built(&fixture("trends"), &["--today", "2025-06-30"]);
    // api: INC-1, 2, 4, 5 resolved after 120, 180, 30 and 600 min; repeats on 1 Jan, 31 Mar, 1 Apr.
    let api = read(&out, "services/api/index.html");
    for needle in [
        "<strong>4</strong> published post-mortems",
        "<strong>3</strong> within 90 days of the one before",
        "<strong>2 h 30 min</strong> median time to resolve (p90 7 h 54 min, over 4)",
        "<strong>1</strong> open action items, 1 overdue",
    ] {
        assert!(api.contains(needle), "no {needle:?} in the api card");
    }
    let svg = &api[api.find("<svg ").unwrap()..api.find("</svg>").unwrap() + 6];
    roxmltree::Document::parse(svg).expect("well-formed SVG");
    // db: INC-2 and INC-3 (INC-7 is in review, so not counted), resolved after 180 and 60 min.
    let db = read(&out, "services/db/index.html");
    assert!(db.contains("<strong>2 h</strong> median time to resolve (p90 2 h 48 min, over 2)"), "{db}");
    assert!(db.contains("<strong>2</strong> open action items, 1 overdue"));
    assert!(!read(&out, "tags/index.html").contains("median time to resolve"), "tags have no health card");
}

#[test]
fn post_mortems_suggest_similar_past_incidents_and_say_why() {
    let (_dir, out) = built(&fixture("trends"), &["--today", "2025-06-30"]);
    let similar = |slug: &str| -> Vec<(String, String)> {
        let page = read(&out, &format!("incidents/{slug}/index.html"));
        let Some(start) = page.find("<ul class=\"plain similar\">") else { return Vec::new() };
        let list = &page[start..page[start..].find("</ul>").unwrap() + start];
        list.split("<li>")
            .skip(1)
            .map(|li| {
                let id = &li[li.find("<span class=\"muted\">").unwrap() + 20..];
                let reason = &li[li.find("small\">").unwrap() + 7..];
                (id[..id.find(',').unwrap()].to_string(), reason[..reason.find("</span>").unwrap()].to_string())
            })
            .collect()
    };
    // INC-5 "Login errors the next morning" (api, configuration): INC-2 shares the service, the
    // cause and "morning"; INC-1 the service and "errors"; INC-4 only the service.
    assert_eq!(
        similar("inc-5"),
        [
            (
                "INC-2".to_string(),
                "same service: api · same root cause: configuration · both mention morning".to_string()
            ),
            ("INC-1".to_string(), "same service: api · both mention errors".to_string()),
            ("INC-4".to_string(), "same service: api".to_string()),
        ]
    );
    assert_eq!(similar("inc-3"), [("INC-2".to_string(), "same service: db".to_string())]);
    // 00:30 on 1 January in Tokyo is 15:30 UTC on 31 December: INC-2 is the earliest of all.
    assert!(similar("inc-2").is_empty(), "the earliest has nothing before it");
    assert_eq!(similar("inc-1")[0].0, "INC-2", "earlier by the clock, though later by the calendar");
}

#[test]
fn every_action_item_is_listed_and_open_ones_are_in_the_calendar() {
    let (_dir, out) = built(&fixture("trends"), &["--today", "2025-06-30"]);
    let page = read(&out, "action-items/index.html");
    // Every item of the built post-mortems: the in-review one is built too; the draft is not.
    assert_eq!(page.matches("<tr data-state=").count(), 7);
    let states: Vec<&str> = page.split("<tr data-state=\"").skip(1).map(|r| &r[..r.find('"').unwrap()]).collect();
    assert_eq!(states, ["overdue", "overdue", "overdue", "open", "done", "done", "done"], "overdue first, by due date");
    assert!(page.contains("data-owner=\"@api\" data-kind=\"prevent\" data-month=\"2025-01\" class=\"is-overdue\""));
    assert!(page.contains("<a href=\"../incidents/inc-1/index.html\">INC-1</a>"));
    assert!(
        page.contains("<th scope=\"row\">@api</th><td>2</td><td><span class=\"flag overdue\">2</span></td><td>2</td>"),
        "{page}"
    );
    assert!(page.contains("href=\"../action-items.ics\""));
    let home = read(&out, "index.html");
    assert!(
        home.contains("<a class=\"stat\" href=\"action-items/index.html\"><strong>4</strong> open action items</a>")
    );

    let ics = read(&out, "action-items.ics");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends in CRLF");
    assert!(ics.split("\r\n").all(|l| l.len() <= 75), "lines fold at 75 octets");
    let unfolded = ics.replace("\r\n ", "");
    assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 4, "the open items with a due date");
    assert_eq!(unfolded.matches("END:VEVENT").count(), 4);
    assert!(unfolded.contains("UID:inc-3-2@debrief\r\nDTSTAMP:20250630T000000Z\r\nDTSTART;VALUE=DATE:20250301\r\nDTEND;VALUE=DATE:20250302\r\nSUMMARY:[INC-3] Page the API on-call when p99 latency exceeds 2 seconds (@api)\r\n"), "{unfolded}");
}

#[test]
fn filter_pages_work_without_js() {
    let (_dir, out) = built(&root(), &[]);
    let sev1 = read(&out, "incidents/severity/sev-1/index.html");
    assert!(sev1.contains("INC-2024-031") && !sev1.contains("INC-2025-014"));
    let y2025 = read(&out, "incidents/year/2025/index.html");
    assert!(y2025.contains("INC-2025-014") && !y2025.contains("INC-2024-031"));
    let svc = read(&out, "services/ledger/index.html");
    assert!(svc.contains("INC-2025-022") && svc.contains("Ledger: database connection pool exhausted"));
}

/// A copy of the example site whose debrief.yml ends with `extra`.
fn example_site_with_config(extra: &str) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_example_site(site.path());
    let yml = std::fs::read_to_string(site.path().join("debrief.yml")).unwrap();
    std::fs::write(site.path().join("debrief.yml"), format!("{yml}{extra}")).unwrap();
    site
}

#[test]
fn long_lists_are_split_into_pages() {
    let site = example_site_with_config("incidents:\n  per_page: 1\n");
    let search = site.path().join("content/incidents/2024/2024-11-08-search-cascading-failure.md");
    let text = std::fs::read_to_string(&search).unwrap().replace("services: [search]", "services: [search, ledger]");
    std::fs::write(&search, text).unwrap();
    let (_dir, out) = built(site.path(), &[]);

    let pages: Vec<String> = [
        "incidents/index.html",
        "incidents/page/2/index.html",
        "incidents/page/3/index.html",
        "incidents/page/4/index.html",
    ]
    .iter()
    .map(|p| read(&out, p))
    .collect();
    assert!(!out.join("incidents/page/5").exists() && !out.join("incidents/page/1").exists());
    for id in ["INC-2025-022", "INC-2025-014", "INC-2024-031"] {
        let on = pages.iter().filter(|p| p.contains(&format!("<span class=\"muted id\">{id}</span>"))).count();
        assert_eq!(on, 1, "{id} is listed on exactly one page");
    }
    assert!(pages.iter().all(|p| p.contains("<span class=\"count\">4</span>")), "every page counts the whole list");
    assert!(
        pages[0].contains("href=\"../incidents/page/2/index.html\" rel=\"next\"") && !pages[0].contains("rel=\"prev\"")
    );
    assert!(
        pages[1].contains("href=\"../../../incidents/index.html\" rel=\"prev\""),
        "page 2 goes back to the list itself"
    );
    assert!(
        pages[1].contains("<title>Post-mortems (page 2 of 4)") && pages[1].contains("Showing 2–2 of 4, page 2 of 4")
    );
    assert!(pages[3].contains("rel=\"prev\"") && !pages[3].contains("rel=\"next\""));
    assert!(
        pages[1].contains("<span class=\"count page-no\">· page 2 of 4</span></h1>"),
        "the heading says which page"
    );
    assert!(
        out.join("incidents/year/2025/page/3/index.html").is_file() && !out.join("incidents/year/2024/page").exists()
    );

    let ledger = read(&out, "services/ledger/index.html");
    let ledger2 = read(&out, "services/ledger/page/2/index.html");
    assert!(ledger.contains("class=\"health\"") && ledger.contains("<h2>Runbooks</h2>"), "{ledger}");
    assert!(
        !ledger2.contains("class=\"health\"") && !ledger2.contains("<h2>Runbooks</h2>"),
        "the health card and runbooks are on page 1"
    );
    assert!(ledger.contains("INC-2025-022") != ledger2.contains("INC-2025-022"));
    assert!(ledger2.contains("page-no\">· page 2 of 2</span></h1>"));
    check_links(&out, false);
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("incidents/page/4/"), "{sitemap}");
}

#[test]
fn per_page_zero_keeps_every_row_on_one_page() {
    let site = example_site_with_config("incidents:\n  per_page: 0\n");
    let (_dir, out) = built(site.path(), &[]);
    assert!(!out.join("incidents/page").exists());
    let list = read(&out, "incidents/index.html");
    assert_eq!(list.matches("<span class=\"muted id\">").count(), 4);
    assert!(!list.contains("class=\"pages\""));
}

#[test]
fn long_lists_of_action_items_go_on_pages_by_state_and_owner() {
    // The example site has 16 action items: 11 overdue, 5 done.
    let site = example_site_with_config("action_items:\n  per_page: 5\n");
    let (_dir, out) = built(site.path(), &[]);
    let rows = |page: &str| read(&out, page).matches("<tr data-state=").count();

    // The list of every item: the totals by owner and its first rows, which
    // lead to the state pages (they hold every item once).
    let first = read(&out, "action-items/index.html");
    assert_eq!(rows("action-items/index.html"), 5);
    assert!(!out.join("action-items/page").exists());
    assert!(first.contains("<h2 id=\"owners-h\">By owner</h2>"), "the first page has the totals by owner");
    assert!(!first.contains("data-table-filter"), "filters in the browser would see one page only");
    assert!(!first.contains("class=\"pages\""));
    assert!(first.contains("The first 5 of 16 items, overdue first. Every item is on the page of its state: <a href=\"../action-items/overdue/index.html\">Overdue</a> (11),"), "{first}");
    assert!(first.contains("<span class=\"count\">16</span>"));

    // A page per state, itself on pages: each item is in one state.
    assert_eq!(rows("action-items/overdue/index.html") + rows("action-items/overdue/page/2/index.html"), 10);
    assert_eq!(rows("action-items/overdue/page/3/index.html"), 1);
    let overdue = read(&out, "action-items/overdue/index.html");
    assert!(overdue.contains("rel=\"next\">Next →</a>") && overdue.contains("Showing 1–5 of 11"), "{overdue}");
    assert!(overdue.contains("page-no\">· page 1 of 3</span></h1>"));
    assert!(!overdue.contains("owners-h") && !overdue.contains("The first 5"));
    let done = read(&out, "action-items/done/index.html");
    assert_eq!(done.matches("<tr data-state=\"done\"").count(), 5);
    assert!(done.contains("<span class=\"count\">5</span>") && !done.contains("data-state=\"overdue\""));
    assert!(done.contains("href=\"../../action-items/done/index.html\" aria-current=\"page\""), "{done}");
    assert!(!out.join("action-items/done/page").exists());
    assert_eq!(rows("action-items/open/index.html"), 0);
    assert_eq!(rows("action-items/wont-do/index.html"), 0);

    // A page per owner, linked from the totals, with only their items.
    assert!(first.contains("<a href=\"../action-items/owner/notifications/index.html\">@notifications</a>"));
    let owner = read(&out, "action-items/owner/notifications/index.html");
    assert_eq!(owner.matches("<tr data-state=").count(), 3);
    assert_eq!(owner.matches("<td>@notifications</td>").count(), 3);
    assert!(!owner.contains("data-owner="), "no filters, so no attributes for them");
    assert!(owner.contains("<h1>Action items of @notifications"));
    check_links(&out, false);
}

#[test]
fn a_list_template_of_ones_own_without_a_pager_is_named() {
    let site = example_site_with_config("incidents:\n  per_page: 2\n");
    let templates = site.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    let stock = std::fs::read_to_string(root().join("themes/default/templates/incidents.html")).unwrap();
    std::fs::write(templates.join("incidents.html"), stock.replace("{% include \"partials/pages.html\" %}", ""))
        .unwrap();
    std::fs::write(templates.join("action_items.html"), "{% for r in items %}{{ r.item.text }}{% endfor %}").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = build(site.path(), &dir.path().join("public"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning: themes/default/templates/incidents.html shows one page of a list of post-mortems at a time but \
             no pager, so the other pages cannot be reached: include \"partials/pages.html\" in it, or set \
             incidents.per_page: 0"
        ),
        "{err}"
    );
    assert!(!err.contains("action_items.html"), "16 action items fit on one page: {err}");
    assert!(!err.contains("term.html"), "the stock template shows its pager: {err}");

    std::fs::write(templates.join("incidents.html"), stock).unwrap();
    let o = build(site.path(), &dir.path().join("public2"), &[]);
    assert!(!stderr(&o).contains("no pager"), "{}", stderr(&o));
}

#[test]
fn a_short_list_of_action_items_keeps_its_filters() {
    let (_dir, out) = built(&root(), &[]);
    let page = read(&out, "action-items/index.html");
    assert_eq!(page.matches("<tr data-state=").count(), 16);
    assert_eq!(page.matches("data-owner=").count(), 16);
    assert!(page.contains("data-table-filter=\"#all-items\"") && !page.contains("class=\"pages\""));
    assert!(!page.contains("Action items by state") && !out.join("action-items/owner").exists(), "the filters do that");
    let site = example_site_with_config("action_items:\n  per_page: 0\n");
    let (_dir, out) = built(site.path(), &[]);
    assert_eq!(read(&out, "action-items/index.html").matches("<tr data-state=").count(), 16);
}

#[test]
fn exports_feed_and_sitemap() {
    let (_dir, out) = built(&root(), &["--base-url", "https://incidents.example.com/"]);
    let json: serde_json::Value = serde_json::from_str(&read(&out, "incidents.json")).unwrap();
    let incidents = json["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 4);
    let checkout = incidents.iter().find(|i| i["id"] == "INC-2025-014").unwrap();
    assert_eq!(checkout["durations"]["time_to_detect"], 900);
    assert_eq!(checkout["durations"]["time_to_resolve"], 3600);
    assert_eq!(checkout["severity"], "SEV-2");
    assert_eq!(checkout["url"], "https://incidents.example.com/incidents/inc-2025-014/");
    assert_eq!(checkout["action_items"].as_array().unwrap().len(), 4);
    assert_eq!(checkout["action_items"][0]["status"], "done");
    assert_eq!(checkout["action_items"][1]["overdue"], true);
    let feed = read(&out, "feed.xml");
    assert_eq!(feed.matches("<entry>").count(), 4);
    assert!(feed.contains("<link href=\"https://incidents.example.com/incidents/inc-2025-014/\"/>"));
    assert!(feed.contains("<updated>2025-09-03T10:10:00+01:00</updated>"), "the feed's date comes from content");
    let sitemap = read(&out, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://incidents.example.com/runbooks/payments/high-error-rate/</loc>"));
    assert!(read(&out, "index.html").contains("<link rel=\"canonical\" href=\"https://incidents.example.com/\">"));
}

#[test]
fn builds_are_deterministic() {
    let (_a, one) = built(&root(), &[]);
    let (_b, two) = built(&root(), &[]);
    let (a, b) = (files(&one), files(&two));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(v == &b[k], "{k} differs between two builds");
    }
}

/// An edit of `path` (under the site) that a build must notice.
fn edit(site: &Path, path: &str, change: impl Fn(&str) -> String) {
    let p = site.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    let text = std::fs::read_to_string(&p).unwrap_or_default();
    std::fs::write(&p, change(&text)).unwrap();
}

fn was_cached(o: &std::process::Output) -> bool {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    let said = stdout(o);
    assert!(said.contains("is up to date") != said.contains("built "), "{said}");
    said.contains("is up to date")
}

#[test]
fn an_unchanged_site_is_not_built_again_and_any_change_is() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_example_site(&site);
    let out = dir.path().join("public");
    let first = build(&site, &out, &[]);
    assert!(!was_cached(&first));
    let cold = files(&out);
    let again = build(&site, &out, &[]);
    assert!(was_cached(&again), "a second build of the same input is a cache hit");
    assert_eq!(files(&out), cold, "and leaves the output byte for byte as it was");
    assert_eq!(stderr(&again), stderr(&first), "it repeats the warnings and notes");
    let (_fresh, uncached) = built(&site, &["--no-cache"]);
    assert_eq!(files(&uncached), cold, "the output is what a build without the cache writes");

    // Each input, option and damage to the output means a full build.
    let incident = "content/incidents/2025/2025-06-12-ledger-db-connection-pool.md";
    type Change<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let changes: Vec<Change> = vec![
        ("a post-mortem", Box::new(|| edit(&site, incident, |t| t.replacen("Ledger", "The ledger", 1)))),
        ("a new file", Box::new(|| edit(&site, "content/notes.txt", |_| "x".into()))),
        ("the config", Box::new(|| edit(&site, "debrief.yml", |t| format!("{t}\n# a comment\n")))),
        ("a theme file", Box::new(|| edit(&site, "themes/default/static/extra.css", |_| "p{}".into()))),
        ("an output file", Box::new(|| std::fs::remove_file(out.join("trends/index.html")).unwrap())),
    ];
    for (what, change) in changes {
        change();
        assert!(!was_cached(&build(&site, &out, &[])), "{what} changed: built again");
        assert!(was_cached(&build(&site, &out, &[])), "{what}: then cached");
    }
    assert!(read(&out, "incidents/inc-2025-022/index.html").contains("The ledger"));
    assert!(out.join("trends/index.html").is_file(), "a deleted output file comes back");
    for flags in [&["--drafts"][..], &["--today", "2026-11-23"], &["--base-url", "https://x.example/"]] {
        assert!(!was_cached(&build(&site, &out, flags)), "{flags:?} changes the build");
    }
    assert!(!was_cached(&build(&site, &out, &["--no-cache"])));

    // A failed build records nothing: fixing the error builds again.
    edit(&site, incident, |t| t.replacen("severity:", "severity: SEV-9\nx_severity:", 1));
    assert_eq!(build(&site, &out, &[]).status.code(), Some(1));
    edit(&site, incident, |t| t.replacen("severity: SEV-9\nx_severity:", "severity:", 1));
    assert!(!was_cached(&build(&site, &out, &[])));
    let entries = std::fs::read_dir(site.join(".debrief-cache")).unwrap().count();
    assert_eq!(entries, 1, "one small entry per output folder, none for --no-cache");
}

#[test]
fn a_failed_build_leaves_the_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    assert_eq!(build(&root(), &out, &[]).status.code(), Some(0));
    let before = files(&out);
    let o = build(&fixture("bad-keys"), &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing was built"), "{}", stderr(&o));
    assert_eq!(files(&out), before);
    let o = build(&fixture("bad-config-value"), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(files(&out), before);
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["public"]);
}

#[test]
fn refuses_to_overwrite_the_site() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("good"), site.path());
    for out in [site.path().to_path_buf(), site.path().join("content")] {
        let o = build(site.path(), &out, &[]);
        assert_eq!(o.status.code(), Some(2), "{}", out.display());
        assert!(stderr(&o).contains("refusing"), "{}", stderr(&o));
    }
    assert!(site.path().join("content/pages/about.md").is_file());
}

#[test]
fn hostile_content_comes_out_escaped() {
    let (_dir, out) = built(&fixture("hostile"), &[]);
    for (path, bytes) in files(&out) {
        if !path.ends_with(".html") && !path.ends_with(".xml") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        // The trend charts are debrief's own SVG (user HTML never reaches a page unsanitised).
        let lower = text.to_lowercase().replace("<svg class=\"chart\" viewbox=", "<chart viewbox=");
        for bad in ["<script>alert", "<script src=//", "<iframe", "<svg", "<img src=x", "<style"] {
            assert!(!lower.contains(bad), "{path} contains {bad}");
        }
        // Inside markup (not escaped text): no event handlers, no script URLs.
        for tag in tags(&lower) {
            let handler = attribute_names(tag).into_iter().any(|name| name.starts_with("on"));
            assert!(!handler, "{path}: event handler in <{tag}>");
            for bad in ["javascript:", "vbscript:", "data:"] {
                assert!(!tag.contains(bad), "{path}: {bad} in <{tag}>");
            }
        }
        // Our own scripts are the only ones.
        let ours = if path.ends_with(".html") { 2 } else { 0 };
        assert_eq!(lower.matches("<script").count(), ours, "{path}");
        assert_eq!(lower.matches("<script src=\"").count(), ours, "{path}: only scripts of static/ (no inline code)");
    }
    let page = read(&out, "incidents/inc--script-alert-1-script/index.html");
    assert!(page.contains("<h1>&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;</h1>"));
    assert!(page.contains("<td>@sec&quot;onload=&quot;x</td>"));
    let json: serde_json::Value = serde_json::from_str(&read(&out, "incidents.json")).unwrap();
    assert_eq!(json["incidents"][0]["title"], "<script>alert('title')</script> & \"quotes\"");
    // Search data is data: the title as written, for the script to show as text.
    let titles: Vec<String> = search_docs(&out).iter().map(|d| d["t"].as_str().unwrap().to_string()).collect();
    assert!(titles.contains(&"<script>alert('title')</script> & \"quotes\"".to_string()), "{titles:?}");
    let status = read(&out, "status/xss/index.html");
    assert!(status.contains("data-source=\"We are looking at {{ feature }} &quot;&lt;/pre&gt;&lt;script&gt;alert(10)&lt;/script&gt;&quot;.\""));
}

#[test]
fn drafts_are_built_only_on_request() {
    let (_a, out) = built(&fixture("bad-blame-drafts"), &[]);
    assert!(!read(&out, "incidents/index.html").contains("a draft still being written"));
    assert!(!out.join("incidents/draft").exists());
    let (_b, out) = built(&fixture("bad-blame-drafts"), &["--drafts"]);
    assert!(read(&out, "incidents/draft/index.html").contains("<span class=\"state state-draft\">draft</span>"));
}

#[test]
fn a_site_theme_overrides_templates_and_assets() {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixture("good"), site.path());
    let theme = site.path().join("themes/default");
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    std::fs::write(theme.join("static/debrief.css"), "body { color: rebeccapurple }\n").unwrap();
    std::fs::write(theme.join("static/logo.txt"), "extra asset\n").unwrap();
    std::fs::write(theme.join("templates/page.html"), "<p>custom {{ title }}</p>\n").unwrap();
    let (_dir, out) = built(site.path(), &[]);
    assert_eq!(read(&out, "static/debrief.css"), "body { color: rebeccapurple }\n");
    assert_eq!(read(&out, "static/logo.txt"), "extra asset\n");
    assert_eq!(read(&out, "pages/about/index.html"), "<p>custom About</p>");
    assert!(read(&out, "index.html").contains("<header class=\"top\">"), "templates not overridden stay");
}
