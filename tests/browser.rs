//! A real browser (headless Chromium driven through chromedriver) opens the
//! built example site straight from disk (file://): the status template
//! preview fills in, copy buttons copy, filters filter, alert pages redirect,
//! and the console shows no JavaScript error.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them).

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_binary(names: &[&str]) -> PathBuf {
    for name in names {
        for dir in ["/usr/bin", "/usr/local/bin", "/usr/lib/chromium"] {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!("none of {names:?} is installed: apt-get install chromium chromium-driver (see .ci/run)");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Chromedriver's log endpoint, which fantoccini has no method for.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

async fn start(profile: &Path) -> (Driver, Client) {
    let chromium = find_binary(&["chromium", "chromium-browser"]);
    let chromedriver = find_binary(&["chromedriver"]);
    let port = free_port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver(child);
    let caps = json!({
        "browserName": "chrome",
        "goog:loggingPrefs": { "browser": "ALL" },
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900", format!("--user-data-dir={}", profile.display()),
            ],
        },
    });
    let caps: fantoccini::wd::Capabilities = caps.as_object().unwrap().clone();
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if Instant::now() > deadline => panic!("cannot start a browser session: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap_or_else(|e| panic!("{script}: {e}"))
}

async fn wait_until(c: &Client, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while js(c, script).await != Value::Bool(true) {
        assert!(Instant::now() < deadline, "timed out waiting for: {script}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn severe_logs(c: &Client) -> Vec<String> {
    let logs = c.issue_cmd(BrowserLog).await.expect("browser log");
    let entries = logs.as_array().unwrap_or_else(|| panic!("the browser log is not a list: {logs}"));
    entries
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

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

    // The home page filter narrows runbooks as you type.
    c.goto(&file_url(&out.join("index.html"))).await.unwrap();
    c.find(Locator::Css("#find")).await.unwrap().send_keys("LedgerDBPool").await.unwrap();
    let visible = "return Array.from(document.querySelectorAll('[data-filter-item]')).filter(e => !e.hidden && e.offsetParent !== null).map(e => e.querySelector('a').textContent)";
    assert_eq!(js(&c, visible).await, json!(["Ledger: database connection pool exhausted"]));

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
        "pages/how-we-run-incidents/index.html",
    ] {
        c.goto(&file_url(&out.join(page))).await.unwrap();
    }
    let errors = severe_logs(&c).await;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    c.close().await.unwrap();
}
