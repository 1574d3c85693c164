//! A real browser (headless Chromium driven through chromedriver) opens the
//! built example site straight from disk (file://): the status template
//! preview fills in, copy buttons copy, filters filter, alert pages redirect,
//! search finds what it should (and loads only the index pieces it needs),
//! and the console shows no JavaScript error.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them).

#[path = "common/chrome.rs"]
mod chrome;
mod common;
#[path = "common/serve.rs"]
mod served;

use std::path::Path;
use std::time::{Duration, Instant};

use chrome::{file_url, js, prefer_dark, severe_logs, start, wait_until};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_site_works_from_disk_in_a_real_browser() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let o = common::debrief(&[
        "build",
        common::root().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        "2026-11-22",
    ]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let (_driver, c) = start(&dir.path().join("profile")).await;

    // Status templates: typing fills the preview; blanks stay visible; copy works.
    c.goto(&file_url(&out.join("status/investigating/index.html"))).await.unwrap();
    assert_eq!(js(&c, "return document.documentElement.classList.contains('js')").await, Value::Bool(true));
    let preview = "return document.querySelector('[data-preview]').textContent";
    assert!(js(&c, preview).await.as_str().unwrap().contains("affecting {{ feature }}."));
    c.find(Locator::Css("input[name=feature]")).await.unwrap().send_keys("Checkout").await.unwrap();
    c.find(Locator::Css("input[name=impact]")).await.unwrap().send_keys("Some payments fail").await.unwrap();
    let text = js(&c, preview).await.as_str().unwrap().to_string();
    assert!(text.contains("We are aware of an issue affecting Checkout."), "{text}");
    assert!(text.contains("Impact: Some payments fail"), "{text}");
    assert!(text.contains("Started: {{ start_time }} UTC"), "a blank stays visible: {text}");
    c.find(Locator::Css("[data-template] button.copy")).await.unwrap().click().await.unwrap();
    wait_until(&c, "return document.querySelector('[data-template] button.copy').textContent === 'Copied'").await;

    // Runbook code blocks: every one has a working copy button.
    c.goto(&file_url(&out.join("runbooks/payments/high-error-rate/index.html"))).await.unwrap();
    let counts = js(
        &c,
        "return [document.querySelectorAll('pre').length, document.querySelectorAll('.code > button.copy').length]",
    )
    .await;
    assert_eq!(counts[0], counts[1]);
    assert!(counts[0].as_u64().unwrap() >= 4);
    c.find(Locator::Css(".code button.copy")).await.unwrap().click().await.unwrap();
    wait_until(&c, "return document.querySelector('.code button.copy').textContent === 'Copied'").await;

    // An alert page sends the reader on to its runbook.
    c.goto(&file_url(&out.join("alerts/CheckoutApi5xx/index.html"))).await.unwrap();
    wait_until(&c, "return location.href.endsWith('/runbooks/payments/high-error-rate/index.html')").await;

    // The runbook index's filter narrows runbooks as you type.
    c.goto(&file_url(&out.join("runbooks/index.html"))).await.unwrap();
    c.find(Locator::Css("#find")).await.unwrap().send_keys("LedgerDBPool").await.unwrap();
    let visible = "return Array.from(document.querySelectorAll('[data-filter-item]')).filter(e => !e.hidden && e.offsetParent !== null).map(e => e.querySelector('a').textContent)";
    assert_eq!(js(&c, visible).await, json!(["Ledger: database connection pool exhausted"]));

    // The action items filter by owner and status.
    c.goto(&file_url(&out.join("action-items/index.html"))).await.unwrap();
    let visible = "return Array.from(document.querySelectorAll('#all-items tbody tr')).filter(r => !r.hidden).map(r => r.dataset.owner + ' ' + r.dataset.state)";
    let all = js(&c, visible).await.as_array().unwrap().len();
    assert!(all > 10, "{all} rows");
    js(&c, "var s = document.querySelector('form[data-table-filter] select[name=owner]'); s.value = '@notifications'; s.dispatchEvent(new Event('change', {bubbles: true})); return true").await;
    assert_eq!(
        js(&c, visible).await,
        json!(["@notifications overdue", "@notifications overdue", "@notifications done"])
    );
    js(&c, "var s = document.querySelector('form[data-table-filter] select[name=state]'); s.value = 'done'; s.dispatchEvent(new Event('change', {bubbles: true})); return true").await;
    assert_eq!(js(&c, visible).await, json!(["@notifications done"]));
    let count = js(&c, "return document.querySelector('[data-filter-count]').textContent").await;
    assert_eq!(count, format!("1 of {all} shown"));

    // The log catches errors: a script error on purpose shows up...
    js(&c, "setTimeout(() => { throw new Error('deliberate') }, 0); return true").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let logged = severe_logs(&c).await;
    assert!(logged.iter().any(|m| m.contains("deliberate")), "the log sees errors: {logged:?}");

    // ...and every page type loads without one.
    for page in [
        "index.html",
        "incidents/index.html",
        "incidents/inc-2025-014/index.html",
        "status/index.html",
        "alerts/index.html",
        "trends/index.html",
        "action-items/index.html",
        "search/index.html?q=ledger",
        "pages/how-we-run-incidents/index.html",
    ] {
        c.goto(&file_url(&out.join(page))).await.unwrap();
    }
    let errors = severe_logs(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.unwrap();
}

/// Types into the element matched by `css`, after clearing it.
async fn type_into(c: &Client, css: &str, text: &str) {
    let input = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

/// The titles of the results shown in the list `css`, in order.
async fn result_titles(c: &Client, css: &str) -> Vec<String> {
    let script =
        format!("return Array.from(document.querySelectorAll('{css} .result .r-title')).map(e => e.textContent)");
    serde_json::from_value(js(c, &script).await).unwrap()
}

/// Waits until the first result in `css` has `title`.
async fn wait_for_first(c: &Client, css: &str, title: &str) {
    let script = format!(
        "var t = document.querySelector('{css} .result .r-title'); return !!t && t.textContent === {}",
        json!(title)
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while js(c, &script).await != Value::Bool(true) {
        assert!(Instant::now() < deadline, "{title:?} is not the first result: {:?}", result_titles(c, css).await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn press(c: &Client, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let keys =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    c.perform_actions(keys).await.unwrap();
}

fn build_site(site: &Path, out: &Path) {
    let o =
        common::debrief(&["build", site.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", "2026-11-22"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_post_mortems_and_runbooks_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_site(&common::root(), &out);
    let (_driver, c) = start(&dir.path().join("profile")).await;
    let results = "#search-results";

    // A word only in a post-mortem's body finds it, with the word marked in the snippet.
    c.goto(&file_url(&out.join("search/index.html"))).await.unwrap();
    type_into(&c, "#q", "unindexed").await;
    let ledger = "Ledger writes timed out after a migration exhausted the database connection pool";
    wait_for_first(&c, results, ledger).await;
    assert_eq!(result_titles(&c, results).await.len(), 1);
    let first = js(&c, "var r = document.querySelector('#search-results .result'); return [r.querySelector('.kind').textContent, Array.from(r.querySelectorAll('.r-snippet mark')).map(m => m.textContent), r.querySelector('a').href]").await;
    assert_eq!(first[0], "Post-mortem");
    assert_eq!(first[1], json!(["unindexed"]));
    assert!(first[2].as_str().unwrap().ends_with("/incidents/inc-2025-022/index.html"), "{first}");

    // Pasting an alert name finds its runbook first, though post-mortems mention it too.
    type_into(&c, "#q", "LedgerDBPoolExhausted").await;
    wait_for_first(&c, results, "Ledger: database connection pool exhausted").await;

    // Words match by prefix as they are typed, and every word must match.
    type_into(&c, "#q", "unindex").await;
    wait_for_first(&c, results, ledger).await;
    type_into(&c, "#q", "ledger zzqqxx").await;
    wait_until(&c, "return document.querySelector('[data-search-status]').textContent.startsWith('Nothing matches')")
        .await;
    assert!(result_titles(&c, results).await.is_empty());

    // The kind filter narrows the results, and the address keeps the query.
    type_into(&c, "#q", "ledger").await;
    wait_until(&c, "return document.querySelectorAll('#search-results .result').length > 1").await;
    c.find(Locator::XPath("//div[@data-search-kinds]/button[starts-with(., 'Runbooks')]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_until(&c, "var k = Array.from(document.querySelectorAll('#search-results .kind')).map(e => e.textContent); return k.length > 0 && k.every(t => t === 'Runbook')").await;
    let search = js(&c, "return location.search").await;
    assert_eq!(search, "?q=ledger&kind=runbook");
    c.refresh().await.unwrap();
    wait_until(&c, "var k = Array.from(document.querySelectorAll('#search-results .kind')).map(e => e.textContent); return document.querySelector('#q').value === 'ledger' && k.length > 0 && k.every(t => t === 'Runbook')").await;

    // Severity filter: only SEV-3 post-mortems remain.
    c.goto(&file_url(&out.join("search/index.html?q=ledger&severity=SEV-3"))).await.unwrap();
    wait_until(&c, "var s = Array.from(document.querySelectorAll('#search-results .result')); return s.length > 0 && s.every(r => r.querySelector('.sev') && r.querySelector('.sev').textContent === 'SEV-3')").await;

    // The browser tokenises exactly as the index builder does.
    for text in [
        "KubePodCrashLooping fired (5xx)!",
        "etcd_high-fsync/p99.9 — 14:02",
        "Zürich ΣΊΣΥΦΟΣ straße İstanbul 東京の障害 ①②",
        "4f2a9c1e0b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ",
        "the database is down ",
        "disk the",
    ] {
        let rust: Vec<String> = debrief::search::tokenize::tokens(text).collect();
        let browser = js(&c, &format!("return debriefSearch.tokens({})", json!(text))).await;
        assert_eq!(browser, json!(rust), "tokens of {text:?}");
        let rust_query = debrief::search::tokenize::query_tokens(text);
        let browser_query = js(&c, &format!("return debriefSearch.queryTokens({})", json!(text))).await;
        assert_eq!(browser_query, json!(rust_query), "query tokens of {text:?}");
    }
    assert!(js(&c, "return debriefSearch.last.ms").await.as_f64().is_some(), "each search records its time");

    // Keyboard: "/" focuses the box in the header of any page; the first result
    // is chosen, the arrow keys move, Enter opens.
    c.goto(&file_url(&out.join("incidents/inc-2025-014/index.html"))).await.unwrap();
    press(&c, '/').await;
    assert_eq!(js(&c, "return document.activeElement.id").await, "q-top");
    c.active_element().await.unwrap().send_keys("ledger").await.unwrap();
    wait_for_first(&c, "#q-top-results", "Ledger: database connection pool exhausted").await;
    let active = "return document.querySelector('#q-top').getAttribute('aria-activedescendant')";
    assert_eq!(js(&c, active).await, "q-top-results-0");
    let down: char = fantoccini::key::Key::Down.into();
    let up: char = fantoccini::key::Key::Up.into();
    c.active_element().await.unwrap().send_keys(&format!("{down}{up}{down}")).await.unwrap();
    assert_eq!(js(&c, active).await, "q-top-results-1");
    let second = js(&c, "return document.querySelector('#q-top-results-1 a').href").await;
    c.active_element().await.unwrap().send_keys("\u{e007}").await.unwrap();
    wait_until(&c, &format!("return location.href === {second}")).await;

    // The home page's own box searches too.
    c.goto(&file_url(&out.join("index.html"))).await.unwrap();
    type_into(&c, "#q-home", "unindexed").await;
    wait_for_first(&c, "#q-home-results", ledger).await;

    let errors = severe_logs(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.unwrap();
}

/// A site big enough for many shards: each post-mortem has a word of its own.
fn write_big_site(site: &Path, n: usize) {
    let dir = site.join("content/incidents");
    std::fs::create_dir_all(&dir).unwrap();
    let filler = "database latency checkout payments queue retries timeout cache eviction replica failover";
    for i in 0..n {
        let own = format!("zed{i:04}marker");
        let words: Vec<String> = (0..40).map(|k| format!("w{}x{}", (i * 7 + k * 13) % 997, k % 5)).collect();
        let text = format!(
            "---\nid: INC-{i:04}\ntitle: \"Incident {i}\"\nseverity: SEV-{}\nstatus: published\nstarted_at: 2025-01-01T10:00:00Z\ndetected_at: 2025-01-01T10:05:00Z\nresolved_at: 2025-01-01T11:00:00Z\nservices: [svc{}]\n---\n\n## Summary\n\nThe {own} broke. {filler} {}.\n\n## Impact\n\nSome.\n\n## Timeline\n\n- 10:00 — started\n- 11:00 — resolved\n\n## Root cause\n\n{filler}.\n\n## What went well\n\n- a\n\n## What went poorly\n\n- b\n\n## Action items\n\n- [ ] Alert when queue depth exceeds 5000 for 5 minutes (owner: @payments, due: 2025-02-01, type: prevent)\n",
            i % 4 + 1,
            i % 9,
            words.join(" ")
        );
        std::fs::write(dir.join(format!("inc-{i:04}.md")), text).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_loads_only_the_shards_a_query_needs() {
    let dir = tempfile::tempdir().unwrap();
    let (site, out) = (dir.path().join("site"), dir.path().join("public"));
    write_big_site(&site, 1500);
    build_site(&site, &out);
    let shards = std::fs::read_dir(out.join("search/s")).unwrap().count();
    assert!(shards >= 6, "a big site has many shards ({shards})");
    let (_driver, c) = start(&dir.path().join("profile")).await;
    c.goto(&file_url(&out.join("search/index.html"))).await.unwrap();
    let loaded_shards = "return debriefSearch.loaded().filter(p => p.startsWith('search/s/')).length";
    for (n, i) in [0, 377, 1499].into_iter().enumerate() {
        type_into(&c, "#q", &format!("zed{i:04}marker")).await;
        wait_for_first(&c, "#search-results", &format!("Incident {i}")).await;
        assert_eq!(result_titles(&c, "#search-results").await.len(), 1);
        let loaded = js(&c, loaded_shards).await.as_u64().unwrap() as usize;
        assert!((1..=2 * (n + 1)).contains(&loaded), "query {n} loaded {loaded} shards");
    }
    // A word in every document finds them all, the most severe first.
    type_into(&c, "#q", "failover").await;
    wait_until(&c, "return /^1500 results/.test(document.querySelector('[data-search-status]').textContent)").await;
    let sev = js(&c, "return document.querySelector('#search-results .sev').textContent").await;
    assert_eq!(sev, "SEV-1");
    assert!((js(&c, loaded_shards).await.as_u64().unwrap() as usize) < shards, "not every shard was loaded");
    let results_files = js(&c, "return debriefSearch.loaded().filter(p => p.startsWith('search/d/')).length").await;
    assert!(results_files.as_u64().unwrap() <= 8 * 4, "only the shown results' files: {results_files}");
    let errors = severe_logs(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_results_show_hostile_titles_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_site(&common::root().join("tests/fixtures/hostile"), &out);
    let (_driver, c) = start(&dir.path().join("profile")).await;
    c.goto(&file_url(&out.join("search/index.html?q=script"))).await.unwrap();
    wait_until(&c, "return document.querySelectorAll('#search-results .result').length >= 2").await;
    let titles = result_titles(&c, "#search-results").await;
    assert!(titles.iter().any(|t| t.contains("<script>alert(")), "titles are shown as text: {titles:?}");
    let injected = js(&c, "return document.querySelectorAll('#search-results script, #search-results img, #search-results iframe').length").await;
    assert_eq!(injected, 0);
    // A site with nothing in it yet: the search says so, without a missing-file error.
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(empty.join("content/incidents")).unwrap();
    let empty_out = dir.path().join("empty-public");
    build_site(&empty, &empty_out);
    c.goto(&file_url(&empty_out.join("search/index.html?q=anything"))).await.unwrap();
    wait_until(&c, "return document.querySelector('[data-search-status]').textContent.startsWith('Nothing matches')")
        .await;
    let errors = severe_logs(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trend_charts_draw_in_light_and_dark() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let site = common::fixture("trends");
    let o =
        common::debrief(&["build", site.to_str().unwrap(), "--out", out.to_str().unwrap(), "--today", "2025-06-30"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    let (_driver, c) = start(&dir.path().join("profile")).await;
    c.goto(&file_url(&out.join("trends/index.html"))).await.unwrap();
    // Every chart is laid out at a readable size, with its bars drawn.
    let sizes = js(
        &c,
        "return Array.from(document.querySelectorAll('svg.chart')).map(s => { const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height), s.querySelectorAll('rect').length] })",
    )
    .await;
    let sizes = sizes.as_array().unwrap();
    assert_eq!(sizes.len(), 8);
    for s in sizes {
        assert!(s[0].as_u64().unwrap() >= 600 && s[1].as_u64().unwrap() >= 190, "chart too small: {s}");
        assert!(s[2].as_u64().unwrap() >= 2, "a chart with no bars: {s}");
    }
    // Colours come from the palette: the text of the axes and the bars
    // change with the colour scheme, and stay readable on the background.
    let colours = "const t = document.querySelector('svg.chart .tick'), b = document.querySelector('svg.chart rect.sev-1'); return [getComputedStyle(t).fill, getComputedStyle(b).fill, getComputedStyle(document.body).backgroundColor]";
    let light = js(&c, colours).await;
    prefer_dark(&c, true).await;
    let dark = js(&c, colours).await;
    let luminance = |v: &Value| -> f64 {
        let n: Vec<f64> = v
            .as_str()
            .unwrap()
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .map(|x| x.trim().parse().unwrap())
            .collect();
        0.2126 * n[0] + 0.7152 * n[1] + 0.0722 * n[2]
    };
    for (scheme, c) in [("light", &light), ("dark", &dark)] {
        let (text, background) = (luminance(&c[0]), luminance(&c[2]));
        assert!((text - background).abs() > 80.0, "{scheme}: axis text {} on {}", c[0], c[2]);
        assert_ne!(c[1], "rgb(0, 0, 0)", "{scheme}: bars take a palette colour");
    }
    assert_ne!(light[0], dark[0], "axis text follows the scheme");
    assert!(luminance(&dark[2]) < luminance(&light[2]), "dark is darker: {light} {dark}");
    // The numbers beside a chart open to a table.
    c.find(Locator::Css("#publication ~ details.numbers summary, .trend details.numbers summary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let rows = js(&c, "return document.querySelector('.trend details.numbers[open] tbody').rows.length").await;
    assert!(rows.as_u64().unwrap() >= 1);
    prefer_dark(&c, false).await;
    let errors = severe_logs(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reloads_open_pages_and_shows_errors_over_them() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_example_site(&site);
    let file = site.join("content/incidents/2025/2025-06-12-ledger-db-connection-pool.md");
    let original = std::fs::read_to_string(&file).unwrap();
    let server = served::Served::start(&site);
    let (_driver, c) = start(&dir.path().join("profile")).await;
    c.goto(&server.url("/incidents/inc-2025-022/index.html")).await.unwrap();
    // Mark this load: a reload starts a fresh window without the mark.
    js(&c, "window.__marked = true; return true").await;
    // Give the page's event stream a moment to connect.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // A bad edit: the diagnostics cover the page, which stays the last good build.
    std::fs::write(&file, original.replacen("severity: ", "severity: SEV-99 # ", 1)).unwrap();
    wait_until(&c, "const o = document.getElementById('debrief-errors'); return !!o && o.textContent.includes('E009')")
        .await;
    let text = js(&c, "return document.getElementById('debrief-errors').textContent").await;
    assert!(text.as_str().unwrap().contains("2025-06-12-ledger-db-connection-pool.md:"), "{text}");
    assert_eq!(js(&c, "return window.__marked === true").await, Value::Bool(true), "no reload on an error");

    // Fixed, with new text: the page reloads by itself and the overlay is gone.
    std::fs::write(&file, original.replacen("## Summary\n", "## Summary\n\nFixed while open.\n", 1)).unwrap();
    wait_until(&c, "return window.__marked !== true && document.body.textContent.includes('Fixed while open.')").await;
    assert_eq!(js(&c, "return document.getElementById('debrief-errors') === null").await, Value::Bool(true));
    let errors = severe_logs(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.unwrap();
}

/// On a phone, no page scrolls sideways (wide tables scroll inside their own
/// box), and every copy button of a runbook is on screen: a responder at 3 a.m.
/// may only have a phone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone_screen() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_site(&common::root(), &out);
    let (_driver, c) = start(&dir.path().join("profile")).await;
    c.set_window_size(390, 844).await.unwrap();
    let pages = [
        "index.html",
        "incidents/index.html",
        "incidents/inc-2024-031/index.html",
        "runbooks/index.html",
        "runbooks/search/backend-overload/index.html",
        "alerts/index.html",
        "status/investigating/index.html",
        "action-items/index.html",
        "trends/index.html",
        "search/index.html",
    ];
    let fits = "const w = document.documentElement.clientWidth; \
        const off = Array.from(document.querySelectorAll('.code > button.copy')).filter(b => b.getBoundingClientRect().right > w).length; \
        return [w, document.documentElement.scrollWidth, off]";
    for page in pages {
        let path = out.join(page);
        assert!(path.is_file(), "{page} was not built");
        c.goto(&file_url(&path)).await.unwrap();
        let v = js(&c, fits).await;
        let (width, scroll, off) = (v[0].as_u64().unwrap(), v[1].as_u64().unwrap(), v[2].as_u64().unwrap());
        assert!(width <= 390, "{page}: the window is {width} px wide");
        assert!(scroll <= width, "{page} scrolls sideways: {scroll} px of content in {width} px");
        assert_eq!(off, 0, "{page}: {off} copy buttons are off screen");
    }
    let errors = severe_logs(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.unwrap();
}
