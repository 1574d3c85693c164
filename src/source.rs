//! Loading: walk `content/`, read each markdown file, and map byte offsets to
//! 1-based line and column. Nothing here interprets the text.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::{Code, Diagnostic, Level};

/// Files larger than this are refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// What a document is, from its top folder under `content/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Incident,
    Runbook,
    Status,
    Page,
}

impl Kind {
    pub fn from_folder(folder: &str) -> Option<Kind> {
        match folder {
            "incidents" => Some(Kind::Incident),
            "runbooks" => Some(Kind::Runbook),
            "status" => Some(Kind::Status),
            "pages" => Some(Kind::Page),
            _ => None,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Incident => "post-mortem",
            Kind::Runbook => "runbook",
            Kind::Status => "status template",
            Kind::Page => "page",
        }
    }
}

/// One markdown file under `content/`, read and decoded.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, `/`-separated: `content/runbooks/db/x.md`.
    pub rel_path: String,
    pub kind: Kind,
    /// The id the path gives: the path under the kind's folder without `.md`.
    pub path_id: String,
    /// The text, with any byte-order mark removed (it shifts no line).
    pub text: String,
}

/// The result of walking `content/`: the files to parse, and the problems met
/// on the way (unreadable files, non-UTF-8 files, stray files).
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The markdown files under `content/`, sorted by path, and the problems met
/// while walking (symlinks that leave the site).
#[derive(Debug, Default)]
pub struct Listing {
    /// (path relative to the site, path to open).
    pub files: Vec<(String, PathBuf)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files skipped because they are not markdown (`.md`), said as notes, not diagnostics.
    pub notes: Vec<String>,
}

/// Walks `site/content`. Returns an error only when the folder itself cannot
/// be read; problems with single files become diagnostics.
pub fn list(site: &Path) -> anyhow::Result<Listing> {
    let content = site.join("content");
    if !content.is_dir() {
        anyhow::bail!(
            "{} has no content/ folder: run debrief in a site folder, or pass one (debrief check path/to/site)",
            display_path(site)
        );
    }
    let site_root = fs::canonicalize(site)?;
    let mut listing = Listing::default();
    let mut skipped = Vec::new();
    let walker = WalkDir::new(&content)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| anyhow::anyhow!("cannot read {}: {e}", display_path(&content)))?;
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_dir() || name == "_index.md" {
            continue;
        }
        if !name.ends_with(".md") {
            skipped.push(rel_path(site, entry.path()));
            continue;
        }
        let rel = rel_path(site, entry.path());
        if entry.path_is_symlink() && !symlink_stays_inside(entry.path(), &site_root) {
            listing.diagnostics.push(file_level(
                &rel,
                Code::FileIgnored,
                "this symlink points outside the site, so debrief does not follow it",
                "copy the file into content/ instead of linking to it",
            ));
            continue;
        }
        listing.files.push((rel, entry.into_path()));
    }
    // Sorting here, not in the walk, is cheaper, and every later stage relies on this order.
    listing.files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    skipped.sort();
    listing.notes = skipped_note(&skipped).into_iter().collect();
    Ok(listing)
}

/// One note for the files that are not markdown (images and the like are
/// fine in content/; a document without `.md` is skipped, and said so).
fn skipped_note(skipped: &[String]) -> Option<String> {
    const SHOWN: usize = 5;
    let (first, rest) = skipped.split_at(skipped.len().min(SHOWN));
    let more = if rest.is_empty() { String::new() } else { format!(" and {} more", rest.len()) };
    match first {
        [] => None,
        [one] => Some(format!("{one} is not a markdown file (.md), so it is skipped; rename it to .md to include it")),
        _ => Some(format!(
            "{}{more} are not markdown files (.md), so they are skipped; rename a document to .md to include it",
            first.join(", ")
        )),
    }
}

/// Lists and reads every file (in parallel).
pub fn load(site: &Path) -> anyhow::Result<Loaded> {
    use rayon::prelude::*;
    let listing = list(site)?;
    let results: Vec<Result<SourceFile, Box<Diagnostic>>> =
        listing.files.par_iter().map(|(rel, path)| read(rel, path)).collect();
    let mut loaded = Loaded { files: Vec::new(), diagnostics: listing.diagnostics };
    for r in results {
        match r {
            Ok(f) => loaded.files.push(f),
            Err(d) => loaded.diagnostics.push(*d),
        }
    }
    Ok(loaded)
}

fn symlink_stays_inside(path: &Path, site_root: &Path) -> bool {
    fs::canonicalize(path).map(|p| p.starts_with(site_root)).unwrap_or(false)
}

/// A document's kind and `path_id` from its path (`content/runbooks/svc/x.md`
/// is a runbook, `svc/x`); `None` outside the four kinds' folders.
pub fn kind_and_id(rel: &str) -> Option<(Kind, &str)> {
    let under_content = rel.strip_prefix("content/").unwrap_or(rel);
    let (folder, rest) = under_content.split_once('/').unwrap_or(("", under_content));
    Some((Kind::from_folder(folder)?, rest.trim_end_matches(".md")))
}

/// Reads and decodes one listed file; a file that cannot be used becomes a diagnostic.
pub fn read(rel: &str, path: &Path) -> Result<SourceFile, Box<Diagnostic>> {
    let Some((kind, path_id)) = kind_and_id(rel) else {
        return Err(Box::new(file_level(
            rel,
            Code::FileIgnored,
            "this file is not under incidents/, runbooks/, status/ or pages/, so it is not part of the site",
            "move it into the folder for its kind",
        )));
    };
    let bytes = read_capped(path).map_err(|e| {
        Box::new(file_level(
            rel,
            Code::FileUnreadable,
            &format!("cannot read this file: {e}"),
            "check that the file exists and is readable",
        ))
    })?;
    let text = decode(rel, bytes)?;
    if text.trim().is_empty() {
        return Err(Box::new(file_level(
            rel,
            Code::FileEmpty,
            &format!("this {} is empty", kind.noun()),
            "add front matter and content, or delete the file",
        )));
    }
    Ok(SourceFile { rel_path: rel.to_string(), kind, path_id: path_id.to_string(), text })
}

/// Threads that read files ahead of the ones that use them. On a cold page
/// cache each read waits on the disk, and two threads (one per core) spent
/// most of a 100,000-file parse waiting; on a warm cache the reads cost what
/// they cost on the using threads.
const READERS: usize = 8;

/// Bytes read but not yet used, at most (beyond one file per reading
/// thread): hostile content of many 10 MB files must not pile up in memory.
const AHEAD_BYTES: usize = 64 * 1024 * 1024;

/// `then(item, read(item))` for every item, in parallel, in the items'
/// order. `read` (the waiting on the disk) runs on `READERS` threads of its
/// own, ahead of `then`, which runs on rayon's threads, by at most
/// `AHEAD_BYTES` as `weight` counts them. Items travel in batches: one
/// message per file cost more in wake-ups than the reads themselves when the
/// cache is warm.
pub fn read_ahead<I, R, T>(
    items: &[I],
    read: impl Fn(&I) -> R + Sync,
    weight: impl Fn(&R) -> usize + Sync,
    then: impl Fn(&I, R) -> T + Sync + Send,
) -> Vec<T>
where
    I: Sync,
    R: Send,
    T: Send,
{
    use rayon::iter::{ParallelBridge, ParallelIterator};
    use std::sync::atomic::{AtomicUsize, Ordering};
    const BATCH: usize = 32;
    let next = AtomicUsize::new(0);
    let budget = Budget::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Ahead, Vec<R>)>(READERS);
    let mut done: Vec<(usize, Vec<T>)> = std::thread::scope(|s| {
        for _ in 0..READERS.min(items.len().div_ceil(BATCH)) {
            let (tx, next, read, weight, budget) = (tx.clone(), &next, &read, &weight, &budget);
            s.spawn(move || loop {
                let start = next.fetch_add(BATCH, Ordering::Relaxed);
                let Some(batch) = items.get(start..(start + BATCH).min(items.len())) else { break };
                let (mut from, mut reads, mut held) = (start, Vec::with_capacity(batch.len()), Ahead(budget, 0));
                for item in batch {
                    let r = read(item);
                    let w = weight(&r);
                    if !budget.try_take(w) {
                        // What this thread holds goes to the consumers before
                        // it waits: otherwise every reader could wait on bytes
                        // that the others hold back.
                        let n = reads.len();
                        let sent = std::mem::replace(&mut held, Ahead(budget, 0));
                        if n > 0 && tx.send((from, sent, std::mem::take(&mut reads))).is_err() {
                            return;
                        }
                        from += n;
                        if !budget.take(w) {
                            return;
                        }
                    }
                    held.1 += w;
                    reads.push(r);
                }
                if !reads.is_empty() && tx.send((from, held, reads)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let _close = CloseOnDrop(&budget);
        rx.into_iter()
            .par_bridge()
            .map(|(start, _ahead, reads)| {
                (start, items[start..].iter().zip(reads).map(|(item, r)| then(item, r)).collect())
            })
            .collect()
    });
    done.sort_unstable_by_key(|(start, _)| *start);
    done.into_iter().flat_map(|(_, t)| t).collect()
}

/// Bytes read ahead and not yet used, for `read_ahead`.
#[derive(Default)]
struct Budget {
    state: std::sync::Mutex<BudgetState>,
    freed: std::sync::Condvar,
}

#[derive(Default)]
struct BudgetState {
    used: usize,
    /// The consumers are gone (done, or one panicked): no reader may wait.
    closed: bool,
}

impl Budget {
    fn lock(&self) -> std::sync::MutexGuard<'_, BudgetState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `bytes` more fit under `AHEAD_BYTES`: always, when nothing is
    /// ahead, so a file larger than the budget still passes.
    fn fits(used: usize, bytes: usize) -> bool {
        used == 0 || used + bytes <= AHEAD_BYTES
    }

    /// Counts `bytes` as ahead if they fit.
    fn try_take(&self, bytes: usize) -> bool {
        let mut state = self.lock();
        let fits = Budget::fits(state.used, bytes);
        if fits {
            state.used += bytes;
        }
        fits
    }

    /// `try_take`, waiting until the bytes fit; false if the consumers are
    /// gone, so the reader stops instead of waiting forever.
    fn take(&self, bytes: usize) -> bool {
        let mut state = self.lock();
        while !Budget::fits(state.used, bytes) && !state.closed {
            state = self.freed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.used += bytes;
        !state.closed
    }

    fn give(&self, bytes: usize) {
        self.lock().used -= bytes;
        self.freed.notify_all();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.freed.notify_all();
    }
}

/// Bytes counted in the budget, given back when dropped: when their batch is
/// used, and also when a reader or a consumer panics or a send fails, so no
/// reader waits on bytes nobody holds.
struct Ahead<'a>(&'a Budget, usize);

impl Drop for Ahead<'_> {
    fn drop(&mut self) {
        self.0.give(self.1);
    }
}

/// Wakes the waiting readers for good when the consumers stop, normally or
/// by a panic.
struct CloseOnDrop<'a>(&'a Budget);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

pub fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = fs::File::open(path)?;
    // No fstat for the size (one syscall in five per file): most files fit
    // the first buffer, and reading one byte past the cap is what enforces it.
    let mut bytes = Vec::with_capacity(16 * 1024);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other("it is larger than 10 MB"));
    }
    Ok(bytes)
}

pub fn decode(rel: &str, bytes: Vec<u8>) -> Result<String, Box<Diagnostic>> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let index = LineIndex::new();
            let (line, column) = index.line_col(&prefix, prefix.len());
            let snippet = String::from_utf8_lossy(line_bytes(&bytes, valid)).trim_end().to_string();
            Err(Box::new(Diagnostic {
                file: rel.to_string(),
                line,
                column,
                width: 1,
                code: Code::FileNotUtf8,
                level: Level::Error,
                message: format!("this file is not valid UTF-8 (byte 0x{:02X} at offset {valid})", bytes[valid]),
                help: "re-save the file as UTF-8".into(),
                snippet,
            }))
        }
    }
}

fn line_bytes(bytes: &[u8], at: usize) -> &[u8] {
    let start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let end = bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| at + i);
    &bytes[start..end]
}

/// A diagnostic about a whole file, shown at line 1, column 1.
pub fn file_level(rel: &str, code: Code, message: &str, help: &str) -> Diagnostic {
    Diagnostic {
        file: rel.to_string(),
        line: 1,
        column: 1,
        width: 1,
        code,
        level: code.level(),
        message: message.to_string(),
        help: help.to_string(),
        snippet: String::new(),
    }
}

fn rel_path(site: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(site).unwrap_or(path);
    // Below the site, the walk joins plain names with `/`: the text is
    // already what the components give, without a string per component.
    #[cfg(unix)]
    if let Some(text) = rel.to_str() {
        return text.to_owned();
    }
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A path as the user would type it: `.` prefix removed.
pub fn display_path(p: &Path) -> String {
    let s = p.display().to_string();
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

/// Byte offset → (line, column), both 1-based; columns count characters.
/// Line starts are found on demand, up to the furthest place asked about:
/// most files are asked only about their front matter, and a whole-file
/// index cost 2% of a check.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Starts of the lines found so far (the first line's, 0, always).
    starts: std::cell::RefCell<Vec<usize>>,
    /// Bytes of the text searched for line ends so far.
    scanned: std::cell::Cell<usize>,
}

/// Not derived: an index always holds the first line's start.
impl Default for LineIndex {
    fn default() -> LineIndex {
        LineIndex::new()
    }
}

impl LineIndex {
    pub fn new() -> LineIndex {
        LineIndex { starts: std::cell::RefCell::new(vec![0]), scanned: std::cell::Cell::new(0) }
    }

    /// Records line starts until one lies past `offset` or the text ends.
    fn scan_past(&self, text: &str, offset: usize) {
        let from = self.scanned.get();
        if from > offset || from >= text.len() {
            return;
        }
        // Whole kilobytes at a time keep the calls few; memchr does the search.
        let to = (offset + 1).max(from + 1024).min(text.len());
        let mut starts = self.starts.borrow_mut();
        starts.extend(memchr::memchr_iter(b'\n', &text.as_bytes()[from..to]).map(|i| from + i + 1));
        self.scanned.set(to);
    }

    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        self.scan_past(text, offset);
        let starts = self.starts.borrow();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let start = starts[line];
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line + 1, column)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        while self.starts.borrow().len() <= line && self.scanned.get() < text.len() {
            self.scan_past(text, self.scanned.get());
        }
        let starts = self.starts.borrow();
        let Some(&start) = starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map_or(text.len(), |&e| e);
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Makes diagnostics for one file: it owns the text and the line index, so
/// callers pass only a byte offset.
pub struct Locator<'a> {
    pub rel_path: &'a str,
    pub text: &'a str,
    pub index: LineIndex,
}

impl<'a> Locator<'a> {
    pub fn new(rel_path: &'a str, text: &'a str) -> Locator<'a> {
        Locator { rel_path, text, index: LineIndex::new() }
    }

    pub fn at_line_col(
        &self,
        line: usize,
        column: usize,
        width: usize,
        code: Code,
        message: String,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            file: self.rel_path.to_string(),
            line,
            column,
            width: width.max(1),
            code,
            level: code.level(),
            message,
            help: help.into(),
            snippet: self.index.line_text(self.text, line).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_ahead_keeps_every_item_in_order() {
        for n in [0, 1, 31, 32, 33, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let got = read_ahead(&items, |i| i * 2, |_| 1, |i, doubled| (*i, doubled + 1));
            let want: Vec<(usize, usize)> = (0..n).map(|i| (i, i * 2 + 1)).collect();
            assert_eq!(got, want, "{n} items");
        }
    }

    #[test]
    fn read_ahead_holds_a_bounded_number_of_bytes() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // Each item claims 20 MB: three fit the budget, and each reader may
        // hold one more while it waits. Unbounded, the readers would run
        // hundreds of items ahead of the slow consumer.
        let (ahead, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let items: Vec<usize> = (0..300).collect();
        let got = read_ahead(
            &items,
            |i| {
                most.fetch_max(ahead.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
                *i
            },
            |_| 20 * 1024 * 1024,
            |_, i| {
                std::thread::sleep(std::time::Duration::from_micros(200));
                ahead.fetch_sub(1, Ordering::SeqCst);
                i
            },
        );
        assert_eq!(got, items);
        assert_eq!(AHEAD_BYTES / (20 * 1024 * 1024), 3);
        let bound = 3 + READERS + 1;
        assert!(most.load(Ordering::SeqCst) <= bound, "{} items ahead", most.load(Ordering::SeqCst));
    }

    #[test]
    fn read_ahead_passes_a_panic_on_instead_of_hanging() {
        // The consumer panics while readers wait for budget (each item claims
        // more than the whole budget): the panic must come out, not a hang.
        let items: Vec<usize> = (0..500).collect();
        let outcome = std::panic::catch_unwind(|| {
            read_ahead(&items, |i| *i, |_| AHEAD_BYTES, |_, i| if i == 3 { panic!("consumer fails") } else { i })
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn read_ahead_reads_each_file_once_from_other_threads() {
        let dir = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..100).map(|i| dir.path().join(format!("{i}.md"))).collect();
        for (i, p) in paths.iter().enumerate() {
            fs::write(p, format!("file {i}")).unwrap();
        }
        let main = std::thread::current().id();
        let got = read_ahead(
            &paths,
            |p| (std::thread::current().id(), read_capped(p).unwrap()),
            |(_, bytes)| bytes.len(),
            |_, (reader, bytes)| {
                assert_ne!(reader, main, "reads run on the reading threads");
                String::from_utf8(bytes).unwrap()
            },
        );
        assert_eq!(got, (0..100).map(|i| format!("file {i}")).collect::<Vec<_>>());
    }

    #[test]
    fn line_col_is_one_based_and_counts_chars() {
        let text = "ab\ncé\r\nxyz";
        let idx = LineIndex::new();
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 6), (2, 3)); // after "cé" (é is two bytes)
        assert_eq!(idx.line_col(text, 8), (3, 1));
        assert_eq!(idx.line_text(text, 2), "cé");
        assert_eq!(idx.line_text(text, 3), "xyz");
        assert_eq!(idx.line_text(text, 9), "");
    }

    #[test]
    fn the_lazy_index_answers_as_a_whole_one_would_in_any_order() {
        let text: String = (0..3000).map(|i| format!("line {i} é\n")).collect::<String>() + "last";
        let whole: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let want = |offset: usize| {
            let line = whole.partition_point(|&s| s <= offset) - 1;
            (line + 1, text[whole[line]..offset].chars().count() + 1)
        };
        let offsets = [0, 5, 30_000, 17, 1023, 1024, 1025, 12_000, text.len() - 1, text.len(), 3];
        let idx = LineIndex::new();
        for &o in offsets.iter().filter(|&&o| text.is_char_boundary(o)) {
            assert_eq!(idx.line_col(&text, o), want(o), "offset {o}");
        }
        let idx = LineIndex::new();
        for line in [2999, 1, 3001, 3002, 1500, 40] {
            let want = text.lines().nth(line - 1).unwrap_or("");
            assert_eq!(idx.line_text(&text, line), want, "line {line}");
        }
    }

    #[test]
    fn bom_is_dropped_without_shifting_lines() {
        let text = decode("x.md", b"\xEF\xBB\xBF---\ntitle: x\n".to_vec()).unwrap();
        assert!(text.starts_with("---"));
    }

    #[test]
    fn invalid_utf8_points_at_the_bad_byte() {
        let d = decode("x.md", b"---\ntitle: caf\xE9\n".to_vec()).unwrap_err();
        assert_eq!((d.line, d.column), (2, 11));
        assert_eq!(d.code, Code::FileNotUtf8);
    }
}
