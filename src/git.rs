//! Git enrichment (git2 is used here alone): root-cause commits, what changed
//! before each incident, and when each page was created and last changed.
//! Read-only: nothing here writes to a repository. Whatever git cannot tell
//! (no repository, a shallow clone, a missing path) becomes a note, and the
//! build goes on without it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use git2::{DiffOptions, ErrorCode, ObjectType, Repository};

use crate::diagnostic::{Code, Diagnostic};
use crate::document::Spanned;
use crate::incident::{Incident, Status};
use crate::model::Site;
use crate::text::quote;

/// How many changes a post-mortem page lists before "and N more".
pub const CHANGE_LIMIT: usize = 10;
/// How many changed paths a root-cause commit shows.
pub const PATH_LIMIT: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The configured repo name (`default` for the site's own).
    pub repo: String,
    pub sha: String,
    pub subject: String,
    pub time: DateTime<FixedOffset>,
    pub author: String,
    pub files_changed: usize,
    /// The first few changed paths.
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Commit,
    Tag,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub repo: String,
    pub sha: String,
    /// The commit subject, or the tag name.
    pub title: String,
    pub time: DateTime<FixedOffset>,
}

/// A change in a window: where it is in `Enrichment::timelines`, and whether
/// it is a root cause of that incident. (Indices, not copies: thousands of
/// incidents share the same commits.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeRef {
    pub timeline: usize,
    pub entry: usize,
    pub root_cause: bool,
}

/// The changes in the window before an incident, newest first, capped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeWindow {
    pub changes: Vec<ChangeRef>,
    pub more: usize,
}

/// When a document was first added and last changed, by the site's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageDates {
    pub created: DateTime<FixedOffset>,
    pub updated: DateTime<FixedOffset>,
}

/// Everything git adds to the site, by document path (`content/…`).
#[derive(Debug, Clone, Default)]
pub struct Enrichment {
    pub root_causes: HashMap<String, Vec<CommitInfo>>,
    pub changes: HashMap<String, ChangeWindow>,
    /// The commits and tags of each repository, oldest first.
    pub timelines: Vec<Timeline>,
    pub dates: HashMap<String, PageDates>,
    /// Things git could not tell, said once each.
    pub notes: Vec<String>,
}

/// One open repository, with its name and the site's folder inside it.
struct Repo {
    name: String,
    repo: Repository,
}

fn to_time(t: git2::Time) -> DateTime<FixedOffset> {
    let offset =
        FixedOffset::east_opt(t.offset_minutes() * 60).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"));
    offset.timestamp_opt(t.seconds(), 0).single().unwrap_or_else(|| offset.timestamp_opt(0, 0).unwrap())
}

/// The site's own repository and the site folder's path inside it (`""` or `docs/`).
fn site_repo(site_dir: &Path) -> Result<(Repository, String), String> {
    let repo = Repository::discover(site_dir).map_err(|_| {
        format!("{} is not in a git repository, so pages have no created/updated dates and root-cause commits are not checked", crate::source::display_path(site_dir))
    })?;
    let workdir = repo.workdir().ok_or("the site's repository is bare")?.to_path_buf();
    let site = std::fs::canonicalize(site_dir).map_err(|e| e.to_string())?;
    let workdir = std::fs::canonicalize(workdir).map_err(|e| e.to_string())?;
    let prefix = site.strip_prefix(&workdir).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or_default();
    let prefix = if prefix.is_empty() { prefix } else { format!("{prefix}/") };
    Ok((repo, prefix))
}

/// The commit each repository the site uses is at (the site's own as
/// `site`), for the build cache: history is an input of the build.
pub fn heads(site_dir: &Path, config: &crate::config::Config) -> Vec<(String, String)> {
    let head = |repo: &Repository| repo.head().ok().and_then(|h| h.target()).map_or(String::new(), |id| id.to_string());
    let mut out: Vec<(String, String)> =
        site_repo(site_dir).map(|(r, _)| ("site".to_string(), head(&r))).into_iter().collect();
    for (name, path) in &config.repos {
        let at = Repository::open(site_dir.join(path)).map_or(String::new(), |r| head(&r));
        out.push((format!("repos.{name}"), at));
    }
    out
}

/// The repositories the site uses: where commits are looked up, and the
/// site's own (for page history), which may be the same.
struct Repos {
    commits: Vec<Repo>,
    site: Option<(Repository, String)>,
}

/// Opens every configured repository; missing ones become notes.
fn open_repos(site_dir: &Path, config: &crate::config::Config, notes: &mut Vec<String>) -> Repos {
    let site = match site_repo(site_dir) {
        Ok(found) => Some(found),
        Err(e) => {
            notes.push(e);
            None
        }
    };
    let mut commits = Vec::new();
    match config.repos.get("default").filter(|p| p.as_str() != ".") {
        Some(path) => match Repository::open(site_dir.join(path)) {
            Ok(repo) => commits.push(Repo { name: "default".into(), repo }),
            Err(_) => notes.push(format!(
                "repos.default ({path}) does not exist or is not a git repository, so its commits are not checked"
            )),
        },
        None => {
            if let Some(repo) = site.as_ref().and_then(|(r, _)| Repository::open(r.path()).ok()) {
                commits.push(Repo { name: "default".into(), repo });
            }
        }
    }
    for (name, path) in config.repos.iter().filter(|(n, _)| n.as_str() != "default") {
        match Repository::open(site_dir.join(path)) {
            Ok(repo) => commits.push(Repo { name: name.clone(), repo }),
            Err(_) => notes.push(format!(
                "repos.{name} ({path}) does not exist or is not a git repository, so its commits are not checked"
            )),
        }
    }
    let fetch = "fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)";
    let mut shallow: Vec<&Repository> = site.iter().map(|(r, _)| r).collect();
    shallow.extend(
        commits
            .iter()
            .filter(|r| r.name != "default" || config.repos.get("default").is_some_and(|p| p != "."))
            .map(|r| &r.repo),
    );
    for repo in shallow.into_iter().filter(|r| r.is_shallow()) {
        let name = repo.workdir().map_or_else(|| repo.path().display().to_string(), |w| w.display().to_string());
        notes.push(format!(
            "{name} is a shallow clone, so created/updated dates and the change window may be wrong: {fetch}"
        ));
    }
    Repos { commits, site }
}

/// Resolving a commit id.
enum Lookup {
    Found(Box<CommitInfo>),
    NotFound,
    Ambiguous(Vec<String>),
}

fn commit_info(r: &Repo, commit: &git2::Commit, files: bool) -> CommitInfo {
    let (files_changed, paths) = if files { changed_paths(&r.repo, commit) } else { (0, Vec::new()) };
    CommitInfo {
        repo: r.name.clone(),
        sha: commit.id().to_string(),
        subject: commit.summary().unwrap_or("").to_string(),
        time: to_time(commit.time()),
        author: commit.author().name().unwrap_or("").to_string(),
        files_changed,
        paths,
    }
}

/// The files a commit added, changed or deleted against its first parent.
fn changed_paths(repo: &Repository, commit: &git2::Commit) -> (usize, Vec<String>) {
    let mut trees = TreeCache { repo, recent: std::collections::VecDeque::new() };
    let tree = commit.tree().ok();
    let parent = commit.parent(0).ok().and_then(|p| p.tree().ok());
    let mut paths = Vec::new();
    tree_changes(&mut trees, parent.as_ref(), tree.as_ref(), &mut String::new(), &mut paths, true);
    (paths.len(), paths.into_iter().take(PATH_LIMIT).collect())
}

fn lookup(r: &Repo, id: &str, files: bool) -> Lookup {
    let is_hex = (4..=40).contains(&id.len()) && id.chars().all(|c| c.is_ascii_hexdigit());
    if !is_hex {
        return Lookup::NotFound;
    }
    match r.repo.find_object_by_prefix(id, Some(ObjectType::Commit)).or_else(|_| r.repo.revparse_single(id)) {
        Ok(obj) => match obj.peel_to_commit() {
            Ok(c) => Lookup::Found(Box::new(commit_info(r, &c, files))),
            Err(_) => Lookup::NotFound,
        },
        Err(e) if e.code() == ErrorCode::Ambiguous => Lookup::Ambiguous(candidates(&r.repo, id)),
        Err(_) => Lookup::NotFound,
    }
}

fn candidates(repo: &Repository, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let prefix = prefix.to_ascii_lowercase();
    if let Ok(odb) = repo.odb() {
        let _ = odb.foreach(|oid| {
            let s = oid.to_string();
            if s.starts_with(&prefix) && repo.find_commit(*oid).is_ok() {
                out.push(s);
            }
            true
        });
    }
    out.sort();
    out
}

/// Every commit id (7–40 hex digits, not part of a longer word) in a text.
/// Words are runs of ASCII letters and digits, so every other byte (UTF-8's
/// included) ends one. It runs on every root-cause section: an id has a
/// digit and most words have none, so it goes from digit to digit.
pub fn commit_ids_in(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let ends_word = |b: &u8| !b.is_ascii_alphanumeric();
    let mut ids = Vec::new();
    let mut from = 0;
    while let Some(digit) = bytes.get(from..).and_then(|rest| rest.iter().position(u8::is_ascii_digit)) {
        let digit = from + digit;
        let start = bytes[..digit].iter().rposition(ends_word).map_or(0, |p| p + 1);
        let end = bytes[digit..].iter().position(ends_word).map_or(bytes.len(), |p| digit + p);
        if (7..=40).contains(&(end - start)) && bytes[start..end].iter().all(u8::is_ascii_hexdigit) {
            ids.push(&text[start..end]);
        }
        from = end + 1;
    }
    ids
}

/// The commits and tags of one repository, oldest first, for window queries.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    repo: String,
    entries: Vec<(i64, Change)>,
}

impl Enrichment {
    pub fn change(&self, r: &ChangeRef) -> &Change {
        &self.timelines[r.timeline].entries[r.entry].1
    }
}

fn repo_timeline(r: &Repo) -> Timeline {
    let mut entries = Vec::new();
    // Every commit reachable from HEAD, each read once (a sorted revwalk would
    // read each commit for its date, and `find_commit` again); sorted below.
    let mut seen = HashSet::new();
    let mut stack: Vec<git2::Oid> = r.repo.head().ok().and_then(|h| h.target()).into_iter().collect();
    while let Some(oid) = stack.pop() {
        if !seen.insert(oid) {
            continue;
        }
        let Ok(c) = r.repo.find_commit(oid) else { continue };
        stack.extend(c.parent_ids());
        let time = to_time(c.time());
        entries.push((
            time.timestamp(),
            Change {
                kind: ChangeKind::Commit,
                repo: r.name.clone(),
                sha: oid.to_string(),
                title: c.summary().unwrap_or("").to_string(),
                time,
            },
        ));
    }
    if let Ok(names) = r.repo.tag_names(None) {
        for name in names.iter().flatten() {
            let Ok(obj) = r.repo.revparse_single(&format!("refs/tags/{name}")) else { continue };
            let Ok(commit) = obj.peel_to_commit() else { continue };
            // An annotated tag has its own date; a lightweight one takes its commit's.
            let time = obj
                .as_tag()
                .and_then(|t| t.tagger())
                .map(|s| to_time(s.when()))
                .unwrap_or_else(|| to_time(commit.time()));
            entries.push((
                time.timestamp(),
                Change {
                    kind: ChangeKind::Tag,
                    repo: r.name.clone(),
                    sha: commit.id().to_string(),
                    title: name.to_string(),
                    time,
                },
            ));
        }
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.sha.cmp(&b.1.sha)).then_with(|| a.1.title.cmp(&b.1.title)));
    Timeline { repo: r.name.clone(), entries }
}

fn window(timelines: &[Timeline], start: DateTime<FixedOffset>, span: Duration, root: &[(&str, &str)]) -> ChangeWindow {
    // A window too wide for the calendar starts at the beginning of time.
    let from = start.checked_sub_signed(span).map_or(i64::MIN, |t| t.timestamp());
    let to = start.timestamp();
    let mut all: Vec<ChangeRef> = Vec::new();
    for (ti, t) in timelines.iter().enumerate() {
        let lo = t.entries.partition_point(|e| e.0 < from);
        let hi = t.entries.partition_point(|e| e.0 <= to);
        all.extend((lo..hi).map(|entry| {
            let c = &t.entries[entry].1;
            let root_cause =
                c.kind == ChangeKind::Commit && root.iter().any(|(repo, sha)| *repo == t.repo && *sha == c.sha);
            ChangeRef { timeline: ti, entry, root_cause }
        }));
    }
    let change = |r: &ChangeRef| &timelines[r.timeline].entries[r.entry].1;
    all.sort_by(|a, b| {
        let (a, b) = (change(a), change(b));
        b.time
            .cmp(&a.time)
            .then_with(|| a.repo.cmp(&b.repo))
            .then_with(|| a.sha.cmp(&b.sha))
            .then_with(|| a.title.cmp(&b.title))
    });
    let more = all.len().saturating_sub(CHANGE_LIMIT);
    // Keep a marked root cause visible even when it falls past the cap.
    if let Some(pos) = all.iter().position(|c| c.root_cause).filter(|&p| p >= CHANGE_LIMIT) {
        let rc = all.remove(pos);
        all.truncate(CHANGE_LIMIT - 1);
        all.push(rc);
    } else {
        all.truncate(CHANGE_LIMIT);
    }
    ChangeWindow { changes: all, more }
}

/// One pass over the site repository's history: for each document, the time
/// of the oldest and the newest commit that touched it. Commits are split
/// between threads, each with its own handle on the repository.
fn page_dates(git_dir: &Path, prefix: &str, wanted: &HashSet<String>) -> HashMap<String, PageDates> {
    use rayon::prelude::*;
    let Ok(repo) = Repository::open(git_dir) else { return HashMap::new() };
    let commits = first_parent_trees(&repo);
    let content = format!("{prefix}content");
    let chunk = commits.len().div_ceil(rayon::current_num_threads().max(1) * 4).max(1);
    let path = git_dir.to_path_buf();
    let partial: Vec<HashMap<String, PageDates>> = commits
        .par_chunks(chunk)
        .map(|commits| {
            let mut out: HashMap<String, PageDates> = HashMap::new();
            let Ok(repo) = Repository::open(&path) else { return out };
            let mut trees = TreeCache { repo: &repo, recent: std::collections::VecDeque::new() };
            let mut changed = Vec::new();
            for &(tree, parent_tree, when) in commits {
                changed.clear();
                commit_changes(&mut trees, tree, parent_tree, &content, &mut changed);
                if changed.is_empty() {
                    continue;
                }
                let time = to_time(when);
                for rel in changed.iter().map(|p| format!("{content}/{p}")) {
                    let Some(rel) = rel.strip_prefix(prefix) else { continue };
                    if wanted.contains(rel) {
                        merge_dates(&mut out, rel, PageDates { created: time, updated: time });
                    }
                }
            }
            out
        })
        .collect();
    let mut out = HashMap::new();
    for part in partial {
        for (k, v) in part {
            merge_dates(&mut out, &k, v);
        }
    }
    out
}

/// Each commit reachable from HEAD as (its tree, its first parent's tree, its
/// time), reading every commit once.
fn first_parent_trees(repo: &Repository) -> Vec<(git2::Oid, Option<git2::Oid>, git2::Time)> {
    let mut seen: HashMap<git2::Oid, (git2::Oid, Option<git2::Oid>, git2::Time)> = HashMap::new();
    let mut order = Vec::new();
    let mut stack: Vec<git2::Oid> = repo.head().ok().and_then(|h| h.target()).into_iter().collect();
    while let Some(oid) = stack.pop() {
        if seen.contains_key(&oid) {
            continue;
        }
        let Ok(c) = repo.find_commit(oid) else { continue };
        stack.extend(c.parent_ids());
        seen.insert(oid, (c.tree_id(), c.parent_id(0).ok(), c.time()));
        order.push(oid);
    }
    order
        .into_iter()
        .map(|oid| {
            let (tree, parent, time) = seen[&oid];
            (tree, parent.and_then(|p| seen.get(&p)).map(|p| p.0), time)
        })
        .collect()
}

fn merge_dates(out: &mut HashMap<String, PageDates>, path: &str, d: PageDates) {
    match out.get_mut(path) {
        Some(e) => {
            e.created = e.created.min(d.created);
            e.updated = e.updated.max(d.updated);
        }
        None => {
            out.insert(path.to_string(), d);
        }
    }
}

/// The last few trees read. libgit2 keeps no tree over 4 kB in its cache, and
/// a folder of thousands of post-mortems is bigger; walking history, each
/// commit's parent tree is the next commit's tree, so a handful suffices.
struct TreeCache<'r> {
    repo: &'r Repository,
    recent: std::collections::VecDeque<git2::Tree<'r>>,
}

impl<'r> TreeCache<'r> {
    fn get(&mut self, id: git2::Oid) -> Option<git2::Tree<'r>> {
        if let Some(t) = self.recent.iter().find(|t| t.id() == id) {
            return Some(t.clone());
        }
        let tree = self.repo.find_tree(id).ok()?;
        if self.recent.len() == 16 {
            self.recent.pop_front();
        }
        self.recent.push_back(tree.clone());
        Some(tree)
    }
}

/// The files under `dir` that `commit` added or changed against its first parent.
fn commit_changes(
    trees: &mut TreeCache,
    tree: git2::Oid,
    parent_tree: Option<git2::Oid>,
    dir: &str,
    out: &mut Vec<String>,
) {
    let subtree = |trees: &mut TreeCache, tree: git2::Oid| -> Option<git2::Oid> {
        let root = trees.get(tree)?;
        let id = root.get_path(Path::new(dir)).ok()?.id();
        Some(id)
    };
    let Some(new) = subtree(trees, tree) else { return };
    let old = parent_tree.and_then(|p| subtree(trees, p));
    if old == Some(new) {
        return;
    }
    let Some(new) = trees.get(new) else { return };
    let old = old.and_then(|o| trees.get(o));
    let mut path = String::new();
    changed_blobs(trees, old.as_ref(), &new, &mut path, out);
}

/// Adds to `out` the blobs of `new` that `old` lacks or holds differently,
/// descending only into sub-trees whose ids differ. Both trees are sorted in
/// git's order, so one merge walk compares them.
fn changed_blobs(
    trees: &mut TreeCache,
    old: Option<&git2::Tree>,
    new: &git2::Tree,
    path: &mut String,
    out: &mut Vec<String>,
) {
    tree_changes(trees, old, Some(new), path, out, false);
}

/// The merge walk behind `changed_blobs`; with `deleted`, blobs that only
/// `old` has count too (for a commit's "files changed").
fn tree_changes(
    trees: &mut TreeCache,
    old: Option<&git2::Tree>,
    new: Option<&git2::Tree>,
    path: &mut String,
    out: &mut Vec<String>,
    deleted: bool,
) {
    let is_dir = |e: &git2::TreeEntry| e.kind() == Some(ObjectType::Tree);
    let olds: Vec<git2::TreeEntry> = old.map(|t| t.iter().collect()).unwrap_or_default();
    let news: Vec<git2::TreeEntry> = new.map(|t| t.iter().collect()).unwrap_or_default();
    // Most commits change a few entries of a big folder: skip the runs at
    // both ends that are the same (same id at the same place means the same
    // entry in practice) and merge-walk only the middle.
    let same_at = |i: usize, j: usize| olds[i].id() == news[j].id() && olds[i].name_bytes() == news[j].name_bytes();
    let mut head = 0;
    while head < olds.len() && head < news.len() && olds[head].id() == news[head].id() && same_at(head, head) {
        head += 1;
    }
    let (mut old_end, mut new_end) = (olds.len(), news.len());
    while old_end > head
        && new_end > head
        && olds[old_end - 1].id() == news[new_end - 1].id()
        && same_at(old_end - 1, new_end - 1)
    {
        old_end -= 1;
        new_end -= 1;
    }
    let mut olds = olds[head..old_end].iter().cloned().peekable();
    let news = &news[head..new_end];
    let gone = |trees: &mut TreeCache, o: &git2::TreeEntry, path: &mut String, out: &mut Vec<String>| {
        if deleted {
            descend(trees, None, Some(o), path, out, true);
        }
    };
    for n in news.iter() {
        let mut same: Option<git2::TreeEntry> = None;
        while let Some(o) = olds.peek() {
            match git_order(o.name_bytes(), is_dir(o), n.name_bytes(), is_dir(n)) {
                std::cmp::Ordering::Less => {
                    let o = olds.next().expect("peeked");
                    gone(trees, &o, path, out);
                }
                std::cmp::Ordering::Equal => {
                    same = olds.next();
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        if same.as_ref().is_some_and(|o| o.id() == n.id()) {
            continue;
        }
        descend(trees, same.as_ref(), Some(n), path, out, deleted);
    }
    for o in olds {
        gone(trees, &o, path, out);
    }
}

/// Reports one changed entry: a blob's path, or the changes inside a folder.
fn descend(
    trees: &mut TreeCache,
    old: Option<&git2::TreeEntry>,
    new: Option<&git2::TreeEntry>,
    path: &mut String,
    out: &mut Vec<String>,
    deleted: bool,
) {
    let is_dir = |e: &git2::TreeEntry| e.kind() == Some(ObjectType::Tree);
    let Some(entry) = new.or(old) else { return };
    let len = path.len();
    if !path.is_empty() {
        path.push('/');
    }
    path.push_str(&String::from_utf8_lossy(entry.name_bytes()));
    if is_dir(entry) {
        let old_sub = old.filter(|o| is_dir(o)).and_then(|o| trees.get(o.id()));
        let new_sub = new.filter(|n| is_dir(n)).and_then(|n| trees.get(n.id()));
        tree_changes(trees, old_sub.as_ref(), new_sub.as_ref(), path, out, deleted);
        // A file replaced by a folder (or the reverse) changes the file too.
        if deleted && old.is_some_and(|o| !is_dir(o)) {
            out.push(path.clone());
        }
    } else {
        out.push(path.clone());
    }
    path.truncate(len);
}

/// Git's order for tree entries: by name, a folder's name read as ending in `/`.
fn git_order(a: &[u8], a_dir: bool, b: &[u8], b_dir: bool) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let next = |name: &[u8], dir: bool| name.get(n).copied().or(dir.then_some(b'/'));
        next(a, a_dir).cmp(&next(b, b_dir))
    })
}

/// What `enrich` is asked to do.
pub struct Options<'a> {
    pub site_dir: &'a Path,
    /// For the site: every page's dates and each root-cause commit's changed
    /// files. Without it (`check`), only what the rules need.
    pub for_site: bool,
    /// The dates of published post-mortems without `published_at` (for `stats`).
    pub publication_dates: bool,
}

/// Runs every git query the site needs. Problems with the content (commits
/// that do not resolve) are diagnostics; problems with git itself are notes.
pub fn enrich(site: &Site, opts: &Options) -> (Enrichment, Vec<Diagnostic>) {
    let config = &site.settings.config;
    let mut e = Enrichment::default();
    let mut diags = Vec::new();
    // Reading only: re-hashing every object read (with SHA-1 collision
    // detection) is half the cost of a history pass and guards nothing here.
    git2::opts::strict_hash_verification(false);
    // Objects are read once or twice each here: libgit2's object cache (256 MB)
    // only costs memory, and the tree cache in `page_dates` does what is needed.
    git2::opts::enable_caching(false);
    let Repos { commits: repos, site: site_repo } = open_repos(opts.site_dir, config, &mut e.notes);
    // The history pass runs on the thread pool while this thread resolves
    // commits and change windows, which are sequential (one repository handle).
    // Only the location crosses threads: a git2 Repository is not Sync.
    let site_location = site_repo.map(|(repo, prefix)| (repo.path().to_path_buf(), prefix));
    let history = || {
        let (git_dir, prefix) = site_location.as_ref()?;
        let t = std::time::Instant::now();
        // `check` needs dates only for runbooks that have no `last_reviewed`.
        let wanted: HashSet<String> = if opts.for_site {
            documents(site).into_iter().collect()
        } else {
            let unreviewed = site.runbooks.iter().filter(|r| r.last_reviewed.is_none()).map(|r| &r.meta);
            let unpublished = site
                .incidents
                .iter()
                .filter(|i| opts.publication_dates && i.status == Some(Status::Published) && i.published_on.is_none())
                .map(|i| &i.meta);
            unreviewed.chain(unpublished).map(|m| m.rel_path.clone()).collect()
        };
        let dates = (!wanted.is_empty()).then(|| page_dates(git_dir, prefix, &wanted));
        crate::check::stage_time("git: page history", t);
        dates
    };
    let commits = move || {
        let t = std::time::Instant::now();
        let mut diags = Vec::new();
        let by_name: BTreeMap<&str, &Repo> = repos.iter().map(|r| (r.name.as_str(), r)).collect();
        let mut root_causes_by_doc = HashMap::new();
        for incident in &site.incidents {
            let commits = root_causes(incident, &by_name, opts.for_site, &mut diags);
            if !commits.is_empty() {
                root_causes_by_doc.insert(incident.meta.rel_path.clone(), commits);
            }
        }
        crate::check::stage_time("git: root-cause commits", t);
        let t = std::time::Instant::now();
        let span = crate::time::parse_duration(&config.change_window).unwrap_or(Duration::hours(24));
        let timelines: Vec<Timeline> = repos.iter().map(repo_timeline).collect();
        let mut changes = HashMap::new();
        for incident in &site.incidents {
            let Some(start) = incident.times.started else { continue };
            let root: Vec<(&str, &str)> = root_causes_by_doc
                .get(&incident.meta.rel_path)
                .into_iter()
                .flatten()
                .map(|c: &CommitInfo| (c.repo.as_str(), c.sha.as_str()))
                .collect();
            let w = window(&timelines, start, span, &root);
            if !w.changes.is_empty() {
                changes.insert(incident.meta.rel_path.clone(), w);
            }
        }
        crate::check::stage_time("git: change windows", t);
        (root_causes_by_doc, changes, timelines, diags)
    };
    let ((root_causes, changes, timelines, found), dates) = rayon::join(commits, history);
    e.root_causes = root_causes;
    e.changes = changes;
    e.timelines = timelines;
    e.dates = dates.unwrap_or_default();
    diags.extend(found);
    (e, diags)
}

fn documents(site: &Site) -> Vec<String> {
    site.incidents
        .iter()
        .map(|d| &d.meta)
        .chain(site.runbooks.iter().map(|d| &d.meta))
        .chain(site.statuses.iter().map(|d| &d.meta))
        .chain(site.pages.iter().map(|d| &d.meta))
        .map(|m| m.rel_path.clone())
        .collect()
}

/// Resolves the front matter's `root_cause.commits` (reporting what does not
/// resolve) and the commit ids written in the Root cause section (silently).
fn root_causes(
    incident: &Incident,
    repos: &BTreeMap<&str, &Repo>,
    files: bool,
    diags: &mut Vec<Diagnostic>,
) -> Vec<CommitInfo> {
    let mut found: Vec<CommitInfo> = Vec::new();
    for c in &incident.commits {
        let (repo_name, sha) = c.value.rsplit_once('@').unwrap_or(("default", c.value.as_str()));
        if !crate::incident::is_commit_id(sha) {
            continue; // already reported as `commit-invalid`
        }
        let Some(repo) = repos.get(repo_name) else {
            if repo_name != "default" {
                diags.push(c.span.diagnostic(
                    Code::CommitNotFound,
                    format!("`{}` names a repo `{repo_name}` that is not configured or cannot be opened", c.value),
                    "add it under `repos:` in debrief.yml with the path to its clone",
                ));
            }
            continue;
        };
        match lookup(repo, sha, files) {
            Lookup::Found(info) => {
                commit_after_start(incident, c, &info, diags);
                if !found.iter().any(|f| f.sha == info.sha && f.repo == info.repo) {
                    found.push(*info);
                }
            }
            Lookup::NotFound => diags.push(c.span.diagnostic(
                Code::CommitNotFound,
                format!(
                    "commit `{}` is not in the {} repository",
                    c.value,
                    if repo_name == "default" { "site's" } else { repo_name }
                ),
                "check the id (copy it from `git log`), or name the repo as `repo@sha`",
            )),
            Lookup::Ambiguous(candidates) => diags.push(c.span.diagnostic(
                Code::CommitAmbiguous,
                format!("commit id `{}` is ambiguous: it matches {}", c.value, candidates.join(", ")),
                "write more of the id so that it names one commit",
            )),
        }
    }
    for id in &incident.root_cause_ids {
        for repo in repos.values() {
            if let Lookup::Found(info) = lookup(repo, id, files) {
                if !found.iter().any(|f| f.sha == info.sha && f.repo == info.repo) {
                    found.push(*info);
                }
                break;
            }
        }
    }
    found
}

fn commit_after_start(incident: &Incident, c: &Spanned, info: &CommitInfo, diags: &mut Vec<Diagnostic>) {
    if let Some(start) = incident.times.started.filter(|s| info.time > *s) {
        diags.push(c.span.diagnostic(
            Code::CommitAfterStart,
            format!(
                "commit {} (\"{}\") was made {}, after the incident started ({}), so it cannot have caused it",
                &info.sha[..10],
                quote(&info.subject, 50),
                info.time.format("%Y-%m-%d %H:%M %:z"),
                start.format("%Y-%m-%d %H:%M %:z")
            ),
            "check the commit id, or move it out of `root_cause.commits` (a fix belongs in the timeline)",
        ));
    }
}

/// The files changed between `rev` and the working tree (staged, unstaged and
/// untracked), as paths relative to the site folder.
pub fn changed_since(site_dir: &Path, rev: &str) -> Result<HashSet<String>, String> {
    let (repo, prefix) = site_repo(site_dir)?;
    let tree = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| format!("`{rev}` is not a commit in the site's repository ({}); in CI, fetch it first (`git fetch origin main`, `fetch-depth: 0`)", e.message()))?;
    let mut opts = DiffOptions::new();
    opts.include_untracked(true).recurse_untracked_dirs(true);
    let diff =
        repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts)).map_err(|e| e.message().to_string())?;
    Ok(diff
        .deltas()
        .filter_map(|d| {
            d.new_file()
                .path()
                .or(d.old_file().path())
                .and_then(|p| p.to_str())
                .and_then(|p| p.strip_prefix(&prefix))
                .map(str::to_string)
        })
        .collect())
}

/// Fills `{repo}` and `{sha}` in `commit_url`.
pub fn commit_url(template: &str, repo: &str, sha: &str) -> Option<String> {
    (!template.is_empty()).then(|| template.replace("{repo}", repo).replace("{sha}", sha))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_commit_ids_in_text() {
        assert_eq!(
            commit_ids_in("Deploy 4f2a9c1 (and abcdef12345) broke it; deadbeefcafe is a word"),
            ["4f2a9c1", "abcdef12345"]
        );
        assert!(commit_ids_in("the 1234567 users").contains(&"1234567"));
        assert!(commit_ids_in("INC-2025-042 and 2025-03-25").is_empty());
        // Non-ASCII letters end a word; ids at either end of the text count.
        assert_eq!(commit_ids_in("1234567é89abcdef0"), vec!["1234567", "89abcdef0"]);
        assert_eq!(
            commit_ids_in("x0123456789012345678901234567890123456789y 0123456789012345678901234567890123456789"),
            vec!["0123456789012345678901234567890123456789"]
        );
    }

    #[test]
    fn ambiguous_ids_list_every_candidate() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let sig = git2::Signature::new("t", "t@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        // Make commits until two share a 4-digit prefix (a birthday collision: a few hundred suffice).
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut pair = None;
        {
            let tree = repo.find_tree(repo.index().unwrap().write_tree().unwrap()).unwrap();
            for n in 0..5000 {
                let oid = repo.commit(None, &sig, &sig, &format!("commit {n}"), &tree, &[]).unwrap().to_string();
                if let Some(other) = seen.insert(oid[..4].to_string(), oid.clone()) {
                    pair = Some((oid, other));
                    break;
                }
            }
        }
        let (a, b) = pair.expect("a collision");
        let r = Repo { name: "default".into(), repo };
        match lookup(&r, &a[..4], true) {
            Lookup::Ambiguous(candidates) => {
                assert!(candidates.contains(&a) && candidates.contains(&b), "{candidates:?}");
            }
            _ => panic!("expected an ambiguous id"),
        }
        assert!(matches!(lookup(&r, &a, true), Lookup::Found(_)));
        assert!(matches!(lookup(&r, "0000000", false), Lookup::NotFound));
    }

    fn commit_files(repo: &Repository, files: &[(&str, Option<&str>)], secs: i64) -> git2::Oid {
        let root = repo.workdir().unwrap().to_path_buf();
        let mut index = repo.index().unwrap();
        for (path, text) in files {
            match text {
                Some(t) => {
                    std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
                    std::fs::write(root.join(path), t).unwrap();
                    index.add_path(Path::new(path)).unwrap();
                }
                None => index.remove_path(Path::new(path)).unwrap(),
            }
        }
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let sig = git2::Signature::new("t", "t@example.com", &git2::Time::new(secs, 0)).unwrap();
        let parents: Vec<git2::Commit> = repo.head().ok().and_then(|h| h.peel_to_commit().ok()).into_iter().collect();
        let parents: Vec<&git2::Commit> = parents.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &parents).unwrap()
    }

    #[test]
    fn files_changed_count_additions_changes_and_deletions() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        commit_files(
            &repo,
            &[("a.txt", Some("1")), ("dir/b.txt", Some("b")), ("dir/c.txt", Some("c")), ("z/old.txt", Some("o"))],
            1_700_000_000,
        );
        let second = commit_files(
            &repo,
            &[("a.txt", Some("2")), ("dir/b.txt", None), ("new/d.txt", Some("d")), ("z/old.txt", None)],
            1_700_000_100,
        );
        let commit = repo.find_commit(second).unwrap();
        let (count, paths) = changed_paths(&repo, &commit);
        assert_eq!(count, 4);
        assert_eq!(paths, ["a.txt", "dir/b.txt", "new/d.txt", "z/old.txt"]);
        // The page-history walk sees only what was added or changed.
        let mut trees = TreeCache { repo: &repo, recent: std::collections::VecDeque::new() };
        let mut changed = Vec::new();
        let new = commit.tree().unwrap();
        let old = commit.parent(0).unwrap().tree().unwrap();
        changed_blobs(&mut trees, Some(&old), &new, &mut String::new(), &mut changed);
        assert_eq!(changed, ["a.txt", "new/d.txt"]);
    }

    #[test]
    fn git_order_puts_folders_after_their_name() {
        use std::cmp::Ordering::*;
        assert_eq!(git_order(b"a", false, b"b", false), Less);
        assert_eq!(git_order(b"a.txt", false, b"a", true), Less, "'.' < '/'");
        assert_eq!(git_order(b"a", true, b"a0", false), Less, "'/' < '0'");
        assert_eq!(git_order(b"a", false, b"a", true), Less);
        assert_eq!(git_order(b"x", true, b"x", true), Equal);
    }

    #[test]
    fn commit_urls() {
        assert_eq!(
            commit_url("https://x/{repo}/commit/{sha}", "pay", "abc").as_deref(),
            Some("https://x/pay/commit/abc")
        );
        assert_eq!(commit_url("", "pay", "abc"), None);
    }
}
