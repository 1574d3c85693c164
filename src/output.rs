//! Writing the built site: into a temporary folder beside the output, then
//! swapped in, so a failed or interrupted build leaves the previous output
//! as it was. Nothing is written or deleted outside the output folder and its
//! two temporary siblings.

use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use rayon::prelude::*;

/// One file of the built site, at a `/`-separated path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where rendered files go, as they are made (from any thread).
pub type Emit<'e> = dyn Fn(OutputFile) -> anyhow::Result<()> + Sync + 'e;

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile { path: path.into(), bytes: bytes.into() }
    }
}

/// Refuses output folders whose replacement would destroy sources or more:
/// the site itself, its content or themes, any parent of the site, the home
/// folder, or the file-system root.
pub fn check_output_dir(site: &Path, out: &Path) -> anyhow::Result<()> {
    let site = fs::canonicalize(site).with_context(|| format!("cannot read {}", site.display()))?;
    let out_abs = absolute(out)?;
    let home = std::env::var_os("HOME").map(PathBuf::from).and_then(|h| fs::canonicalize(h).ok());
    let forbidden = [site.clone(), site.join("content"), site.join("themes")];
    if out_abs.parent().is_none()
        || forbidden.contains(&out_abs)
        || site.starts_with(&out_abs)
        || home.as_ref() == Some(&out_abs)
    {
        bail!("refusing to use {} as the output folder: it would replace the site's own files; choose a folder such as {}", out.display(), site.join("public").display());
    }
    Ok(())
}

/// The absolute, symlink-free form of a path that may not exist yet.
fn absolute(p: &Path) -> anyhow::Result<PathBuf> {
    let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir()?.join(p) };
    let mut existing = p.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing)?;
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// A relative path that stays inside the folder it is joined to.
fn safe_relative(path: &str) -> anyhow::Result<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("internal error: output path {path:?} would leave the output folder");
    }
    Ok(p.to_path_buf())
}

/// A build in progress: files go into a temporary folder beside the output,
/// which `commit` swaps in. Dropped without `commit`, it removes the
/// temporary folder and leaves the output as it was.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(out: &Path) -> anyhow::Result<Staging> {
        let out = absolute(out)?;
        let parent = out.parent().context("the output folder has no parent")?.to_path_buf();
        let name = out.file_name().context("the output folder has no name")?.to_string_lossy().to_string();
        fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let tmp = parent.join(format!(".{name}.debrief-new"));
        let old = parent.join(format!(".{name}.debrief-old"));
        // A build killed between moving the output aside and moving the new one
        // in leaves only the old one: put it back before anything else.
        if fs::symlink_metadata(&out).is_err() && fs::symlink_metadata(&old).is_ok() {
            fs::rename(&old, &out)
                .with_context(|| format!("cannot restore the previous output from {}", old.display()))?;
        }
        for leftover in [&tmp, &old] {
            if fs::symlink_metadata(leftover).is_ok() {
                remove_tree(leftover).with_context(|| format!("cannot remove {}", leftover.display()))?;
            }
        }
        fs::create_dir(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
        Ok(Staging { out, tmp, old, committed: false })
    }

    /// Writes one file (from any thread).
    pub fn write(&self, file: &OutputFile) -> anyhow::Result<()> {
        let path = self.tmp.join(safe_relative(&file.path)?);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, &file.bytes).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Swaps the new output in and removes the old one. Where the system can
    /// exchange two folders in one step (Linux), the output is never missing,
    /// even for a moment; elsewhere `new` puts it back after a crash.
    pub fn commit(mut self) -> anyhow::Result<()> {
        if self.out.is_dir() && exchange(&self.tmp, &self.out).is_ok() {
            self.committed = true;
            // The previous output now sits where the new one was built.
            return remove_tree(&self.tmp)
                .with_context(|| format!("cannot remove the previous output at {}", self.tmp.display()));
        }
        let had_output = self.out.exists();
        if had_output {
            fs::rename(&self.out, &self.old)
                .with_context(|| format!("cannot move the previous output {} aside", self.out.display()))?;
        }
        if let Err(e) = fs::rename(&self.tmp, &self.out) {
            if had_output {
                let _ = fs::rename(&self.old, &self.out);
            }
            return Err(e).with_context(|| format!("cannot move the new output into {}", self.out.display()));
        }
        self.committed = true;
        if had_output {
            remove_tree(&self.old)
                .with_context(|| format!("cannot remove the previous output at {}", self.old.display()))?;
        }
        Ok(())
    }
}

/// Swaps two paths in one atomic step (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| std::ffi::CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let r = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange here"))
}

/// Removes a file, or a folder and everything in it, two levels in parallel
/// (a site is mostly one wide folder: `incidents/` with a folder per
/// post-mortem). Symlinks are removed, never followed.
fn remove_tree(root: &Path) -> std::io::Result<()> {
    let remove = |path: &Path| -> std::io::Result<()> {
        if fs::symlink_metadata(path)?.is_dir() {
            fs::remove_dir_all(path)
        } else {
            fs::remove_file(path)
        }
    };
    if !fs::symlink_metadata(root)?.is_dir() {
        return fs::remove_file(root);
    }
    let children =
        |dir: &Path| -> std::io::Result<Vec<PathBuf>> { fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect() };
    children(root)?.par_iter().try_for_each(|entry| {
        if !fs::symlink_metadata(entry)?.is_dir() {
            return fs::remove_file(entry);
        }
        children(entry)?.par_iter().try_for_each(|c| remove(c))?;
        fs::remove_dir(entry)
    })?;
    fs::remove_dir(root)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Writes `files` as the new content of `out`, replacing what was there only
/// once every file is written.
pub fn write_atomic(out: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    let staging = Staging::new(out)?;
    files.par_iter().try_for_each(|f| staging.write(f))?;
    staging.commit()
}

/// Replaces one file inside an existing output folder (serve's quick
/// rebuilds): written beside it, then renamed over it, so a reader never
/// sees half a file.
pub fn write_in_place(out: &Path, file: &OutputFile) -> anyhow::Result<()> {
    let path = out.join(safe_relative(&file.path)?);
    let parent = path.parent().expect("a joined path has a parent");
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = path.file_name().expect("a safe relative path names a file").to_string_lossy();
    let tmp = parent.join(format!(".{name}.debrief-tmp"));
    fs::write(&tmp, &file.bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    fs::rename(&tmp, &path).with_context(|| format!("cannot replace {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&out, &[OutputFile::new("a/index.html", "one"), OutputFile::new("b.txt", "x")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "one");
        write_atomic(&out, &[OutputFile::new("a/index.html", "two")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("b.txt").exists(), "stale files go with the old output");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["public"], "no temporary folders are left behind");
    }

    #[test]
    fn replaces_a_file_where_the_output_should_be() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        fs::write(&out, "a stray file").unwrap();
        write_atomic(&out, &[OutputFile::new("index.html", "new")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "new");
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn a_crash_between_the_two_moves_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&out, &[OutputFile::new("index.html", "v1")]).unwrap();
        // As a build killed after moving the output aside would leave it:
        fs::rename(&out, dir.path().join(".public.debrief-old")).unwrap();
        let staging = Staging::new(&out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "v1", "put back before anything else");
        drop(staging);
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "v1");
    }

    #[test]
    fn refuses_paths_that_escape() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_atomic(&out, &[OutputFile::new("keep.txt", "old")]).unwrap();
        for bad in ["../escape.txt", "/etc/x", "a/../../x", ""] {
            assert!(write_atomic(&out, &[OutputFile::new(bad, "x")]).is_err(), "{bad}");
        }
        assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "old", "a failed write keeps the old output");
        assert!(!dir.path().join("escape.txt").exists());
    }

    #[test]
    fn refuses_dangerous_output_folders() {
        let site = tempfile::tempdir().unwrap();
        fs::create_dir_all(site.path().join("content")).unwrap();
        assert!(check_output_dir(site.path(), &site.path().join("public")).is_ok());
        for bad in [
            site.path().to_path_buf(),
            site.path().join("content"),
            site.path().join("themes"),
            site.path().join(".."),
            PathBuf::from("/"),
        ] {
            assert!(check_output_dir(site.path(), &bad).is_err(), "{}", bad.display());
        }
    }
}
