//! Search in a real browser (headless Chromium, file://) on a built site:
//!
//! ```sh
//! cargo run --release --example search_bench -- PUBLIC_DIR [QUERY ...]
//! ```
//!
//! For each query, on a freshly loaded search page (the page keeps nothing
//! from the one before): the bytes it loaded (the scripts and every index
//! file, sized on disk, as Pagefind counts its own), the time from typing to
//! results on screen with that loading ("cold"), and the same query again
//! with everything loaded ("warm": ranking and drawing).
//! Needs chromium and chromium-driver (scripts/test installs them).
#[path = "../tests/common/chrome.rs"]
mod chrome;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::Locator;
use serde_json::{json, Value};

const QUERIES: &[&str] = &[
    "ReplicationLagHigh964",
    "TargetDown996",
    "checkout",
    "latency",
    "dns resolution",
    "kafk",
    "rollback",
    "INC-05829",
];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().expect("usage: search_bench PUBLIC_DIR [QUERY ...]"));
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = QUERIES.iter().map(|q| q.to_string()).collect();
    }
    let profile = tempfile::tempdir().unwrap();
    let (_driver, c) = chrome::start(profile.path()).await;
    println!("| query | results | scripts | index | total loaded | cold | warm |");
    println!("|---|---|---|---|---|---|---|");
    let (mut totals, mut colds, mut warms) = (Vec::new(), Vec::new(), Vec::new());
    for q in &queries {
        c.goto(&chrome::file_url(&out.join("search/index.html"))).await.unwrap();
        chrome::wait_until(&c, "return !!(window.debriefSearch && debriefSearch.search)").await;
        c.find(Locator::Css("#q")).await.unwrap().send_keys(q).await.unwrap();
        let done = format!("return !!debriefSearch.last && debriefSearch.last.query === {}", json!(q));
        wait(&c, &done).await;
        let cold = chrome::js(&c, "return debriefSearch.last.ms").await.as_f64().unwrap();
        let results = chrome::js(&c, "return debriefSearch.last.results").await;
        let (scripts, index) = loaded_bytes(&c, &out).await;
        let rerun = format!(
            "debriefSearch.last = null; var i = document.querySelector('#q'); i.value = {}; i.dispatchEvent(new Event('input')); return true",
            json!(q)
        );
        chrome::js(&c, &rerun).await;
        wait(&c, &done).await;
        let warm = chrome::js(&c, "return debriefSearch.last.ms").await.as_f64().unwrap();
        println!(
            "| `{q}` | {results} | {:.1} kB | {:.1} kB | **{:.1} kB** | {cold:.0} ms | {warm:.1} ms |",
            kb(scripts),
            kb(index),
            kb(scripts + index)
        );
        totals.push(kb(scripts + index));
        colds.push(cold);
        warms.push(warm);
    }
    println!(
        "\nmedian: {:.1} kB loaded, {:.0} ms cold, {:.1} ms warm (max {:.1} kB, {:.0} ms, {:.1} ms)",
        median(&mut totals),
        median(&mut colds),
        median(&mut warms),
        totals.iter().cloned().fold(0.0, f64::max),
        colds.iter().cloned().fold(0.0, f64::max),
        warms.iter().cloned().fold(0.0, f64::max),
    );
    c.close().await.unwrap();
}

async fn wait(c: &fantoccini::Client, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while chrome::js(c, script).await != Value::Bool(true) {
        assert!(Instant::now() < deadline, "timed out: {script}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Bytes of the page's scripts and of the index files the search loaded.
async fn loaded_bytes(c: &fantoccini::Client, out: &Path) -> (u64, u64) {
    // The page's own scripts; the index files the search inserted are in the second list.
    let script = "return [Array.from(document.scripts).map(s => s.getAttribute('src') || '').filter(s => s.includes('static/')), debriefSearch.loaded()]";
    let lists = chrome::js(c, script).await;
    let size = |rel: &str| std::fs::metadata(out.join("search").join(rel)).map_or(0, |m| m.len());
    let scripts = lists[0].as_array().unwrap().iter().map(|s| size(s.as_str().unwrap())).sum();
    let index = lists[1].as_array().unwrap().iter().map(|s| size(&format!("../{}", s.as_str().unwrap()))).sum();
    (scripts, index)
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1000.0
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}
