//! Helpers shared by the integration tests: run the real binary, read fixtures.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod html;
#[allow(unused_imports)] // not every test binary reads HTML
pub use html::{attribute_names, tags};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// Copies a folder (a fixture site) into another, to change it in a test.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A copy of the example site (content and debrief.yml) at `site`, for a test to edit.
pub fn copy_example_site(site: &Path) {
    copy_dir(&root().join("content"), &site.join("content"));
    std::fs::copy(root().join("debrief.yml"), site.join("debrief.yml")).unwrap();
}

/// Whether `args` build a site inside this repository with the cache on.
fn builds_in_the_source_tree(args: &[&str]) -> bool {
    let cache_chosen = args.iter().any(|a| *a == "--no-cache" || a.starts_with("--cache-dir"));
    let Ok(repo) = std::fs::canonicalize(root()) else { return false };
    let in_tree = |a: &&str| {
        let p = Path::new(a);
        p.is_dir()
            && std::fs::canonicalize(p).is_ok_and(|p| p.starts_with(&repo) && !p.starts_with(repo.join("target")))
    };
    args.contains(&"build") && !cache_chosen && args.iter().any(in_tree)
}

/// Runs `debrief ARGS` with a clean environment for the variables it reads.
pub fn debrief(args: &[&str]) -> Output {
    debrief_env(args, &[])
}

pub fn debrief_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_debrief"));
    cmd.args(args);
    if builds_in_the_source_tree(args) {
        // The build cache lives in the site folder by default: a fixture or
        // the example site built in place would get one inside the repository.
        cmd.arg("--no-cache");
    }
    cmd.env_remove("SOURCE_DATE_EPOCH").env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("debrief runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

/// `debrief check SITE --format json --today 2026-11-22`: (exit code, parsed json).
pub fn check_json(site: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let site = site.to_str().unwrap();
    let mut args = vec!["check", site, "--format", "json", "--today", "2026-11-22"];
    args.extend_from_slice(extra);
    let out = debrief(&args);
    let json = serde_json::from_str(&stdout(&out)).unwrap_or_else(|e| panic!("json output ({e}): {}", stdout(&out)));
    // A parser panic contained as E042 is the author's diagnostic, not a crash report.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "check of {site} printed a panic: {stderr}");
    (out.status.code().expect("exit code"), json)
}

/// Diagnostics as `file:line:column code severity` lines.
pub fn diagnostic_lines(json: &serde_json::Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap()
            )
        })
        .collect()
}

/// Reads a fixture's `expected.txt`: (exit code, diagnostic lines).
pub fn expected(dir: &Path) -> (i32, Vec<String>) {
    let text = std::fs::read_to_string(dir.join("expected.txt")).expect("expected.txt");
    let exit = text
        .lines()
        .find_map(|l| l.strip_prefix("# exit: "))
        .and_then(|c| c.trim().parse().ok())
        .expect("expected.txt names the exit code");
    let lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(str::to_string).collect();
    (exit, lines)
}

pub fn read(out: &Path, path: &str) -> String {
    std::fs::read_to_string(out.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The data a search index file hands to the search script.
pub fn search_data(out: &Path, path: &str) -> serde_json::Value {
    let text = read(out, path);
    let args = text.split_once('(').unwrap().1.trim_end().trim_end_matches(");");
    let json = args.split_once(',').filter(|(n, _)| n.parse::<usize>().is_ok()).map_or(args, |(_, rest)| rest);
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{path}: {e}: {json}"))
}

/// Every search result of every index file, in document order.
pub fn search_docs(out: &Path) -> Vec<serde_json::Value> {
    let manifest = search_data(out, "search/index.js");
    let (docs, per_file) = (manifest["docs"].as_u64().unwrap(), manifest["perFile"].as_u64().unwrap());
    let mut all = Vec::new();
    for n in 0..docs.div_ceil(per_file) {
        all.extend(search_data(out, &format!("search/d/{n}.js")).as_array().unwrap().iter().cloned());
    }
    assert_eq!(all.len() as u64, docs);
    all
}
