//! Watching the sources: `content/` and `themes/` (recursively) and the
//! files given (debrief.yml, the incident log), with events gathered into
//! batches, so a save that touches a file three times, or a checkout that
//! touches a hundred, is one rebuild.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context;
use notify::{RecursiveMode, Watcher as _};

/// A batch ends after this long without events...
const QUIET: Duration = Duration::from_millis(30);
/// ...or this long after it began, whichever is first.
const LONGEST: Duration = Duration::from_millis(300);

pub struct Watcher {
    // Kept alive: dropping it stops the events.
    _inner: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Watcher {
    pub fn start(site: &Path, files: &[PathBuf]) -> anyhow::Result<Watcher> {
        let (tx, events) = channel();
        let mut inner = notify::recommended_watcher(tx).context("cannot watch the site's files")?;
        let site = std::fs::canonicalize(site).with_context(|| format!("cannot read {}", site.display()))?;
        let folders: Vec<PathBuf> = ["content", "themes"].iter().map(|f| site.join(f)).filter(|p| p.is_dir()).collect();
        for f in &folders {
            inner.watch(f, RecursiveMode::Recursive).with_context(|| format!("cannot watch {}", f.display()))?;
        }
        // Files are watched through their folders, so one that is replaced
        // (editors save by renaming) or created later is still seen.
        let files: Vec<PathBuf> = files.iter().map(|f| site.join(f.strip_prefix(&site).unwrap_or(f))).collect();
        let parents: BTreeSet<PathBuf> = files.iter().filter_map(|f| f.parent().map(Path::to_path_buf)).collect();
        for p in parents.iter().filter(|p| p.is_dir() && !folders.iter().any(|f| p.starts_with(f))) {
            inner.watch(p, RecursiveMode::NonRecursive).with_context(|| format!("cannot watch {}", p.display()))?;
        }
        Ok(Watcher { _inner: inner, events, files, folders })
    }

    /// Blocks until something relevant changed; returns the changed paths
    /// (under the site's canonical path).
    pub fn next_batch(&self) -> Vec<PathBuf> {
        let mut changed = BTreeSet::new();
        loop {
            let Ok(first) = self.events.recv() else { return Vec::new() };
            self.collect(first, &mut changed);
            let started = Instant::now();
            loop {
                let left = LONGEST.saturating_sub(started.elapsed());
                match self.events.recv_timeout(QUIET.min(left)) {
                    Ok(e) => self.collect(e, &mut changed),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return changed.into_iter().collect(),
                }
                if started.elapsed() >= LONGEST {
                    break;
                }
            }
            if !changed.is_empty() {
                return changed.into_iter().collect();
            }
        }
    }

    fn collect(&self, event: notify::Result<notify::Event>, into: &mut BTreeSet<PathBuf>) {
        let Ok(event) = event else { return };
        if event.kind.is_access() {
            return;
        }
        for p in event.paths {
            let ours = self.folders.iter().any(|f| p.starts_with(f)) || self.files.contains(&p);
            // Editors' swap and backup files are not sources.
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let scratch =
                name.starts_with(".#") || name.ends_with('~') || name.ends_with(".swp") || name.ends_with(".swx");
            if ours && !scratch {
                into.insert(p);
            }
        }
    }
}
