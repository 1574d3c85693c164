//! The build cache: a second `build` of unchanged input does no work.
//!
//! A build's inputs are hashed into one fingerprint: every file under
//! `content/`, `debrief.yml`, the site's theme folder, the files the config
//! names (incident log, alert rules), the commit each git repository is at,
//! the build's options and "today", and debrief itself (version and binary).
//! After a build succeeds, the fingerprint is stored in the cache folder with
//! what the build printed and a manifest of the output (path, size, modified
//! time). The next build with the same fingerprint, whose output still
//! matches its manifest, prints the same report and leaves the output alone.
//! Any difference, or any doubt (an unreadable file, a damaged cache entry),
//! means a full build: the cache can only skip work, never change output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use crate::config::Config;

/// Where the cache lives unless `--cache-dir` says otherwise (under the site).
pub const DEFAULT_DIR: &str = ".debrief-cache";

/// Bumped when the entry format or the fingerprint's recipe changes.
const FORMAT: u32 = 1;

/// What a build printed, replayed on a cache hit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub notes: Vec<String>,
    /// The rendered diagnostics, plain and coloured.
    pub diagnostics: String,
    pub diagnostics_colour: String,
    pub pages: usize,
}

/// One output file as the build left it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Written {
    path: String,
    len: u64,
    modified_ns: u128,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    format: u32,
    fingerprint: String,
    out: PathBuf,
    report: Report,
    files: Vec<Written>,
}

/// The build's options that change its output, besides the files.
#[derive(Debug, Clone, Hash)]
pub struct Options<'a> {
    pub drafts: bool,
    pub base_url: Option<&'a str>,
    pub today: chrono::NaiveDate,
    pub out: &'a Path,
}

/// The fingerprint of everything a build reads, as 32 hex digits.
pub fn fingerprint(site_dir: &Path, config: &Config, opts: &Options) -> anyhow::Result<String> {
    let mut h = Xxh3::new();
    let mut field = |name: &str, bytes: &[u8]| {
        h.update(name.as_bytes());
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field("format", &FORMAT.to_le_bytes());
    field("debrief", env!("CARGO_PKG_VERSION").as_bytes());
    field("binary", executable_stamp().as_bytes());
    field("options", format!("{opts:?}").as_bytes());
    field("today-env", std::env::var("SOURCE_DATE_EPOCH").unwrap_or_default().as_bytes());
    field("config", &file_digest(&site_dir.join(crate::config::FILE_NAME))?.to_le_bytes());
    for (rel, digest) in tree_digests(&site_dir.join("content"))? {
        field(&rel, &digest.to_le_bytes());
    }
    let theme = site_dir.join("themes").join(&config.theme);
    for (rel, digest) in tree_digests(&theme)? {
        field(&format!("theme/{rel}"), &digest.to_le_bytes());
    }
    let named = config.alert_rules.files.iter().chain(std::iter::once(&config.trends.incident_log));
    for f in named.filter(|f| !f.trim().is_empty()) {
        field(&format!("file/{f}"), &file_digest(&site_dir.join(f))?.to_le_bytes());
    }
    for (name, head) in crate::git::heads(site_dir, config) {
        field(&format!("git/{name}"), head.as_bytes());
    }
    Ok(format!("{:032x}", h.digest128()))
}

/// The report of the last build with this fingerprint into `out`, when the
/// output is still exactly what that build wrote.
pub fn lookup(cache_dir: &Path, out: &Path, fingerprint: &str) -> Option<Report> {
    let text = std::fs::read(entry_path(cache_dir, out)).ok()?;
    let entry: Entry = serde_json::from_slice(&text).ok()?;
    let current = manifest(out).ok()?;
    (entry.format == FORMAT && entry.fingerprint == fingerprint && entry.out == out && entry.files == current)
        .then_some(entry.report)
}

/// Records a successful build. The entry is written whole or not at all.
pub fn store(cache_dir: &Path, out: &Path, fingerprint: &str, report: Report) -> anyhow::Result<()> {
    let entry = Entry {
        format: FORMAT,
        fingerprint: fingerprint.to_string(),
        out: out.to_path_buf(),
        report,
        files: manifest(out)?,
    };
    std::fs::create_dir_all(cache_dir).with_context(|| format!("cannot create {}", cache_dir.display()))?;
    let path = entry_path(cache_dir, out);
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, serde_json::to_vec(&entry)?).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    prune(cache_dir);
    Ok(())
}

/// Entries kept: builds into throwaway folders (tests, previews) would
/// otherwise pile up.
const KEEP: usize = 8;

/// Removes all but the `KEEP` most recently written entries.
fn prune(cache_dir: &Path) {
    let Ok(read) = std::fs::read_dir(cache_dir) else { return };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("build-"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    entries.sort_by(|a, b| b.cmp(a));
    for (_, path) in entries.iter().skip(KEEP) {
        let _ = std::fs::remove_file(path);
    }
}

/// One entry per output folder, so builds into two folders do not evict each other.
fn entry_path(cache_dir: &Path, out: &Path) -> PathBuf {
    let key = xxhash_rust::xxh3::xxh3_64(out.as_os_str().as_encoded_bytes());
    cache_dir.join(format!("build-{key:016x}.json"))
}

/// Every file under `out`, sorted, with its size and modified time.
fn manifest(out: &Path) -> anyhow::Result<Vec<Written>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(out).follow_links(false) {
        let entry = entry?;
        if entry.file_type().is_dir() {
            continue;
        }
        let meta = entry.metadata()?;
        let modified_ns = meta.modified()?.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = entry.path().strip_prefix(out)?.to_string_lossy().into_owned();
        files.push(Written { path, len: meta.len(), modified_ns });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Each file under `root` (hidden ones too: a change anywhere counts), by
/// path, with the hash of its bytes. Nothing when `root` does not exist.
fn tree_digests(root: &Path) -> anyhow::Result<BTreeMap<String, u128>> {
    if !root.is_dir() {
        return Ok(BTreeMap::new());
    }
    let mut paths = Vec::new();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry?;
        if !entry.file_type().is_dir() {
            let rel = entry.path().strip_prefix(root)?.to_string_lossy().replace('\\', "/");
            paths.push((rel, entry.into_path()));
        }
    }
    // A symlink is hashed as its target's bytes, or as nothing when it dangles.
    crate::source::read_ahead(
        &paths,
        |(_, path)| file_digest(path),
        |_| 0,
        |(rel, _), digest| Ok((rel.clone(), digest?)),
    )
    .into_iter()
    .collect()
}

/// The hash of a file's bytes (of none, when it does not exist), read in
/// pieces: a hostile 1 GB file must not be held in memory just to be hashed.
fn file_digest(path: &Path) -> anyhow::Result<u128> {
    let mut h = Xxh3::new();
    match std::fs::File::open(path) {
        Ok(mut f) => {
            let mut buf = [0u8; 64 * 1024];
            loop {
                let n =
                    std::io::Read::read(&mut f, &mut buf).with_context(|| format!("cannot read {}", path.display()))?;
                if n == 0 {
                    break;
                }
                h.update(&buf[..n]);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    Ok(h.digest128())
}

/// A debrief built from changed source keeps its version number, so the
/// binary's own size and modified time count too.
fn executable_stamp() -> String {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let modified =
                m.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
            format!("{}:{modified}", m.len())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/incidents")).unwrap();
        std::fs::write(dir.path().join("content/incidents/a.md"), "---\ntitle: A\n---\n").unwrap();
        dir
    }

    fn opts(out: &Path) -> Options<'_> {
        Options { drafts: false, base_url: None, today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), out }
    }

    #[test]
    fn fingerprint_follows_content_config_theme_and_options() {
        let dir = site();
        let out = dir.path().join("public");
        let config = Config::default();
        let fp = |o: &Options| fingerprint(dir.path(), &config, o).unwrap();
        let first = fp(&opts(&out));
        assert_eq!(first, fp(&opts(&out)), "the same input gives the same fingerprint");
        assert_eq!(first.len(), 32);
        assert_ne!(first, fp(&Options { drafts: true, ..opts(&out) }));
        assert_ne!(first, fp(&Options { base_url: Some("https://x/"), ..opts(&out) }));
        assert_ne!(first, fp(&Options { today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), ..opts(&out) }));
        let changes: [(&str, &str); 4] = [
            ("content/incidents/a.md", "---\ntitle: B\n---\n"),
            ("content/incidents/new.md", ""),
            ("debrief.yml", "title: X\n"),
            ("themes/default/templates/base.html", "x"),
        ];
        let mut seen = vec![first];
        for (path, text) in changes {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, text).unwrap();
            let now = fp(&opts(&out));
            assert!(!seen.contains(&now), "writing {path} changes the fingerprint");
            seen.push(now);
        }
        // Moving a file is a change even though the bytes are the same.
        std::fs::rename(dir.path().join("content/incidents/new.md"), dir.path().join("content/incidents/moved.md"))
            .unwrap();
        assert!(!seen.contains(&fp(&opts(&out))));
    }

    #[test]
    fn lookup_needs_the_same_fingerprint_and_an_untouched_output() {
        let dir = site();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/index.html"), "page").unwrap();
        let cache = dir.path().join(DEFAULT_DIR);
        let report = Report { pages: 1, diagnostics: "ok".into(), ..Report::default() };
        store(&cache, &out, "f1", report.clone()).unwrap();
        assert_eq!(lookup(&cache, &out, "f1"), Some(report.clone()));
        assert_eq!(lookup(&cache, &out, "f2"), None, "another fingerprint");
        assert_eq!(lookup(&cache, &dir.path().join("other"), "f1"), None, "another output folder");
        std::fs::write(out.join("extra.html"), "x").unwrap();
        assert_eq!(lookup(&cache, &out, "f1"), None, "a file added to the output");
        std::fs::remove_file(out.join("extra.html")).unwrap();
        assert_eq!(lookup(&cache, &out, "f1"), Some(report));
        std::fs::write(out.join("a/index.html"), "edited").unwrap();
        assert_eq!(lookup(&cache, &out, "f1"), None, "a file changed in the output");
        std::fs::write(entry_path(&cache, &out), "{ not json").unwrap();
        assert_eq!(lookup(&cache, &out, "f1"), None, "a damaged entry is a miss");
    }

    #[test]
    fn only_the_latest_entries_are_kept() {
        let dir = site();
        let cache = dir.path().join(DEFAULT_DIR);
        for k in 0..KEEP + 3 {
            let out = dir.path().join(format!("out{k}"));
            std::fs::create_dir_all(&out).unwrap();
            store(&cache, &out, "f", Report::default()).unwrap();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), KEEP);
        let newest = dir.path().join(format!("out{}", KEEP + 2));
        assert!(lookup(&cache, &newest, "f").is_some());
        assert!(lookup(&cache, &dir.path().join("out0"), "f").is_none(), "the oldest went first");
    }
}
