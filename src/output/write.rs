//! `output::write`, the last stage: puts the published files in the output
//! folder so that it only ever holds a complete build.
//!
//! carebook keeps two trees: the output folder (`public/`) and a spare
//! beside it (`.public.spare/`), which holds the build before. A build
//! brings the spare up to date, writing only the files whose bytes differ
//! and deleting those no longer built, then swaps the two folders in one
//! step (`renameat2(RENAME_EXCHANGE)` on Linux). So a rebuild that changes
//! one page writes one page (issue #13: writing a whole new tree and
//! deleting the old one was most of a rebuild's time), a patient's browser
//! never sees half old, half new, and if anything fails before the swap the
//! output folder is left exactly as it was (Zola deleted `public/` first
//! and users lost their site when a build failed: getzola/zola#574).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use crate::error::BuildError;
use crate::render::FileSink;

pub use crate::render::OutputSet;

/// Writes one file: [`std::fs::write`] in a build, something that fails on
/// purpose in tests (a full disk, for one).
pub type WriteFile<'a> = dyn Fn(&Path, &[u8]) -> io::Result<()> + Sync + 'a;

/// The spare tree being brought up to date, then swapped in: a
/// [`FileSink`] that writes to disk.
pub struct SpareTree<'a> {
    output_dir: PathBuf,
    parent: PathBuf,
    name: String,
    spare: PathBuf,
    write_file: &'a WriteFile<'a>,
    /// The spare made ready (and locked) on the first file: a build that
    /// stops at an error touches nothing.
    ready: OnceLock<Result<Option<fs::File>, (PathBuf, io::ErrorKind, String)>>,
    /// Folders of the spare known to exist.
    made_dirs: Mutex<HashSet<PathBuf>>,
    /// Output paths of this build: everything else in the spare is stale.
    built: Mutex<HashSet<String>>,
    /// Files whose bytes differed (or were new) and were written.
    written: std::sync::atomic::AtomicUsize,
}

/// What [`SpareTree::swap_in`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriteCounts {
    /// Files of the build.
    pub files: usize,
    /// Files written because their bytes changed or they were new.
    pub written: usize,
    /// Files of the build before that were deleted.
    pub removed: usize,
}

/// Writes `files` as the new content of `output_dir`.
pub fn write_output(
    files: &OutputSet,
    output_dir: &Path,
    site_root: &Path,
) -> Result<WriteCounts, BuildError> {
    write_output_with(files, output_dir, site_root, &|path, bytes| fs::write(path, bytes))
}

/// [`write_output`] with each file written by `write_file`.
pub fn write_output_with(
    files: &OutputSet,
    output_dir: &Path,
    site_root: &Path,
    write_file: &WriteFile<'_>,
) -> Result<WriteCounts, BuildError> {
    let tree = SpareTree::open_with(output_dir, site_root, write_file)?;
    for (path, bytes) in files {
        tree.put(path.clone(), bytes.clone())?;
    }
    tree.swap_in()
}

impl<'a> SpareTree<'a> {
    /// The spare tree for `output_dir`, after checking that replacing it
    /// cannot destroy the site itself. Writes nothing yet.
    pub fn open(output_dir: &Path, site_root: &Path) -> Result<SpareTree<'static>, BuildError> {
        SpareTree::open_with(output_dir, site_root, &|path, bytes| fs::write(path, bytes))
    }

    /// [`Self::open`] with each file written by `write_file`.
    pub fn open_with(
        output_dir: &Path,
        site_root: &Path,
        write_file: &'a WriteFile<'a>,
    ) -> Result<Self, BuildError> {
        check_output_location(output_dir, site_root)?;
        let (parent, name) = split_output_path(output_dir)?;
        Ok(SpareTree {
            output_dir: parent.join(&name),
            spare: parent.join(spare_name(&name)),
            parent,
            name,
            write_file,
            ready: OnceLock::new(),
            made_dirs: Mutex::new(HashSet::new()),
            built: Mutex::new(HashSet::new()),
            written: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    /// Where the spare tree is: `.public.spare` beside `public`.
    pub fn spare_dir(&self) -> &Path {
        &self.spare
    }

    /// Makes the spare ready on the first file: the parent folder, no
    /// leftovers of a killed build, the spare itself, locked against a
    /// second build writing it at the same time.
    fn ready(&self) -> Result<(), BuildError> {
        // The error is kept as its parts: io::Error cannot be cloned, and
        // its kind chooses the hint.
        let ready = self.ready.get_or_init(|| {
            self.make_ready().map_err(|(path, err)| (path, err.kind(), err.to_string()))
        });
        match ready {
            Ok(_) => Ok(()),
            Err((path, kind, message)) => Err(BuildError::Write {
                path: path.clone(),
                source: io::Error::new(*kind, message.clone()),
            }),
        }
    }

    fn make_ready(&self) -> Result<Option<fs::File>, (PathBuf, io::Error)> {
        let at = |path: &Path| {
            let path = path.to_path_buf();
            move |err| (path, err)
        };
        fs::create_dir_all(&self.parent).map_err(at(&self.parent))?;
        remove_leftovers(&self.parent, &self.name);
        if self.spare.exists() && !self.spare.is_dir() {
            fs::remove_file(&self.spare).map_err(at(&self.spare))?;
        }
        fs::create_dir_all(&self.spare).map_err(at(&self.spare))?;
        // A folder can be locked where it can be opened (not on Windows).
        let Ok(handle) = fs::File::open(&self.spare) else { return Ok(None) };
        match handle.try_lock() {
            Ok(()) => Ok(Some(handle)),
            Err(fs::TryLockError::WouldBlock) => Err((
                self.output_dir.clone(),
                io::Error::other(
                    "another carebook build is writing this output folder right now; \
                     wait for it to finish, then build again",
                ),
            )),
            Err(fs::TryLockError::Error(_)) => Ok(None),
        }
    }

    /// Writes `bytes` at `relative` in the spare unless it already holds
    /// exactly those bytes.
    fn write(&self, relative: &str, bytes: &[u8]) -> Result<bool, BuildError> {
        let path = self.spare.join(relative);
        let error = |source| BuildError::Write { path: path.clone(), source };
        self.make_parent(relative).map_err(error)?;
        if same_bytes(&path, bytes) {
            return Ok(false);
        }
        if path.is_dir() {
            self.remove_stale_in_the_way(relative, &path).map_err(error)?;
        }
        (self.write_file)(&path, bytes).map_err(error)?;
        Ok(true)
    }

    /// Creates the folders of `relative` in the spare. A file of the build
    /// before where this build has a folder is removed.
    fn make_parent(&self, relative: &str) -> io::Result<()> {
        let Some((parent, _)) = relative.rsplit_once('/') else { return Ok(()) };
        let dir = self.spare.join(parent);
        if self.made_dirs.lock().unwrap_or_else(PoisonError::into_inner).contains(&dir) {
            return Ok(());
        }
        if fs::create_dir_all(&dir).is_err() {
            let mut prefix = String::new();
            for part in parent.split('/') {
                prefix =
                    if prefix.is_empty() { part.to_string() } else { format!("{prefix}/{part}") };
                let path = self.spare.join(&prefix);
                if path.is_file() {
                    self.remove_stale_in_the_way(&prefix, &path)?;
                }
            }
            fs::create_dir_all(&dir)?;
        }
        self.made_dirs.lock().unwrap_or_else(PoisonError::into_inner).insert(dir);
        Ok(())
    }

    /// Removes a file or folder of the build before that is in the way of
    /// `relative`, unless this build wrote it (then the build has a file
    /// and a folder at one path, which cannot both be written).
    fn remove_stale_in_the_way(&self, relative: &str, path: &Path) -> io::Result<()> {
        let built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        let folder = format!("{relative}/");
        let is_dir = path.is_dir();
        let ours = |p: &String| if is_dir { p.starts_with(&folder) } else { p == relative };
        if built.iter().any(ours) {
            return Err(io::Error::other(format!(
                "the build has both a file and a folder at {relative}"
            )));
        }
        drop(built);
        self.made_dirs.lock().unwrap_or_else(PoisonError::into_inner).clear();
        if is_dir { fs::remove_dir_all(path) } else { fs::remove_file(path) }
    }

    /// Deletes what the build before had and this one does not, then puts
    /// the spare where the output folder is, in one step where the system
    /// can (the output folder of before becomes the next build's spare).
    pub fn swap_in(self) -> Result<WriteCounts, BuildError> {
        self.ready()?;
        let built = self.built.into_inner().unwrap_or_else(PoisonError::into_inner);
        let removed = remove_stale(&self.spare, &built)
            .map_err(|source| BuildError::Write { path: self.spare.clone(), source })?;
        exchange(&self.spare, &self.output_dir, &self.parent, &self.name)
            .map_err(|source| BuildError::Write { path: self.output_dir.clone(), source })?;
        Ok(WriteCounts { files: built.len(), written: self.written.into_inner(), removed })
    }
}

impl FileSink for SpareTree<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), BuildError> {
        self.ready()?;
        self.built.lock().unwrap_or_else(PoisonError::into_inner).insert(path.clone());
        if self.write(&path, &bytes)? {
            self.written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    }
}

/// The spare tree's folder name for output folder `name`.
fn spare_name(name: &str) -> String {
    format!(".{name}.spare")
}

/// Whether the file at `path` holds exactly `bytes`: its size first, so
/// most changed files are never read.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Deletes every file of `spare` whose output path is not in `built`, and
/// the folders left empty; returns how many files went.
fn remove_stale(spare: &Path, built: &HashSet<String>) -> io::Result<usize> {
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(spare).min_depth(1).contents_first(true) {
        let entry = entry.map_err(io::Error::other)?;
        let relative = entry.path().strip_prefix(spare).unwrap_or(entry.path());
        let relative = relative.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
        if entry.file_type().is_dir() {
            // Fails when the folder still holds files of this build: kept.
            let _ = fs::remove_dir(entry.path());
        } else if !built.contains(&relative) {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Refuses output folders whose replacement would destroy the site itself.
fn check_output_location(output_dir: &Path, site_root: &Path) -> Result<(), BuildError> {
    let unsafe_output = |reason: &str| BuildError::UnsafeOutput {
        path: output_dir.to_path_buf(),
        reason: reason.into(),
    };
    let output = absolute(output_dir);
    let root = absolute(site_root);
    if root.starts_with(&output) {
        return Err(unsafe_output(
            "it contains the site's own files; choose a folder such as public/",
        ));
    }
    for protected in ["content", "static", "templates", "themes", ".git"] {
        if output.starts_with(root.join(protected)) {
            return Err(unsafe_output(&format!("it is inside the site's {protected}/ folder")));
        }
    }
    if output_dir.exists() && !output_dir.is_dir() {
        return Err(unsafe_output("it is a file, not a folder"));
    }
    Ok(())
}

fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Fold `.` and `..` without touching the disk: the folder may not exist yet.
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn split_output_path(output_dir: &Path) -> Result<(PathBuf, String), BuildError> {
    let output = absolute(output_dir);
    match (output.parent(), output.file_name()) {
        (Some(parent), Some(name)) => {
            Ok((parent.to_path_buf(), name.to_string_lossy().into_owned()))
        }
        _ => Err(BuildError::UnsafeOutput {
            path: output_dir.to_path_buf(),
            reason: "it has no parent folder".into(),
        }),
    }
}

/// Staging and old folders left by a build that was killed part-way
/// (and by carebook before 0.2, which wrote a whole new tree each time).
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| file_name.starts_with(p.as_str())) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Puts `spare` where `output_dir` is and `output_dir` where `spare` was:
/// one atomic exchange on Linux; elsewhere (or on a file system without
/// it) three renames, the old output kept until the new one is in place.
fn exchange(spare: &Path, output_dir: &Path, parent: &Path, name: &str) -> io::Result<()> {
    if !output_dir.exists() {
        return fs::rename(spare, output_dir);
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, spare, CWD, output_dir, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(()),
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => {}
            Err(err) => return Err(err.into()),
        }
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    fs::rename(output_dir, &old)?;
    if let Err(err) = fs::rename(spare, output_dir) {
        let _ = fs::rename(&old, output_dir);
        return Err(err);
    }
    fs::rename(&old, spare)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> OutputSet {
        pairs.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect()
    }

    /// The names beside the output folder.
    fn siblings(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Every file of a tree, with its text.
    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let relative = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                (relative, fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn replaces_the_whole_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_output(&set(&[("a/index.html", "one"), ("old.txt", "x")]), &out, tmp.path()).unwrap();
        write_output(&set(&[("a/index.html", "two")]), &out, tmp.path()).unwrap();
        assert_eq!(tree(&out), [("a/index.html".to_string(), "two".to_string())]);
        assert_eq!(siblings(tmp.path()), [".public.spare", "public"]);
        // The spare holds the build before, until the next build.
        assert_eq!(fs::read_to_string(tmp.path().join(".public.spare/old.txt")).unwrap(), "x");
    }

    #[test]
    fn a_rebuild_writes_only_what_changed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let count = std::sync::atomic::AtomicUsize::new(0);
        let counting = |path: &Path, bytes: &[u8]| {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            fs::write(path, bytes)
        };
        let site = set(&[("index.html", "home"), ("a/index.html", "a"), ("b/index.html", "b")]);
        let edited = set(&[("index.html", "home"), ("a/index.html", "A!"), ("b/index.html", "b")]);
        let mut written = Vec::new();
        for files in [&site, &site, &site, &edited, &edited, &site] {
            let counts = write_output_with(files, &out, tmp.path(), &counting).unwrap();
            assert_eq!(counts.written, count.swap(0, std::sync::atomic::Ordering::Relaxed));
            written.push(counts.written);
            let expected: Vec<(String, String)> = files
                .iter()
                .map(|(p, b)| (p.clone(), String::from_utf8(b.clone()).unwrap()))
                .collect();
            assert_eq!(tree(&out), expected);
        }
        // Into no tree, into no spare, then nothing, then the edit into each
        // of the two trees, then the edit undone.
        assert_eq!(written, [3, 3, 0, 1, 1, 1]);
    }

    #[test]
    fn files_and_folders_of_the_build_before_make_way() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let before = set(&[("x", "file"), ("y/index.html", "folder"), ("z/deep/a.txt", "gone")]);
        let after = set(&[("x/index.html", "now a folder"), ("y", "now a file")]);
        for files in [&before, &before, &after] {
            write_output(files, &out, tmp.path()).unwrap();
        }
        assert_eq!(
            tree(&out),
            [
                ("x/index.html".to_string(), "now a folder".to_string()),
                ("y".to_string(), "now a file".to_string())
            ]
        );
        assert!(!out.join("z").exists(), "an emptied folder is removed");
    }

    #[test]
    fn refuses_to_replace_the_site_itself() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(write_output(&set(&[]), tmp.path(), tmp.path()).is_err());
        assert!(write_output(&set(&[]), &tmp.path().join("content/out"), tmp.path()).is_err());
        assert!(write_output(&set(&[]), tmp.path().parent().unwrap(), tmp.path()).is_err());
    }

    #[test]
    fn a_failed_write_leaves_the_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_output(&set(&[("index.html", "good")]), &out, tmp.path()).unwrap();
        // A file and a folder with the same path cannot both be written.
        let bad = set(&[("x", "file"), ("x/index.html", "dir")]);
        let err = write_output(&bad, &out, tmp.path()).unwrap_err();
        assert!(err.report().contains("both a file and a folder at x"), "{}", err.report());
        assert_eq!(tree(&out), [("index.html".to_string(), "good".to_string())]);
        assert_eq!(siblings(tmp.path()), [".public.spare", "public"]);
    }

    #[test]
    fn a_full_disk_leaves_the_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_output(&set(&[("index.html", "good")]), &out, tmp.path()).unwrap();
        let files = set(&[("index.html", "new"), ("b/index.html", "new")]);
        let full = |path: &Path, bytes: &[u8]| {
            if path.ends_with("b/index.html") {
                // The kernel's own "No space left on device".
                use std::io::Write as _;
                fs::OpenOptions::new().write(true).open("/dev/full")?.write_all(bytes)
            } else {
                fs::write(path, bytes)
            }
        };
        let err = write_output_with(&files, &out, tmp.path(), &full).unwrap_err();
        assert!(err.report().contains("No space left"), "{}", err.report());
        assert!(err.report().contains("hint: the disk is full"), "{}", err.report());
        assert_eq!(tree(&out), [("index.html".to_string(), "good".to_string())]);
        // The next build, with room, is whole.
        write_output(&files, &out, tmp.path()).unwrap();
        assert_eq!(tree(&out).len(), 2);
    }

    #[test]
    fn a_second_build_at_the_same_time_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let first = SpareTree::open(&out, tmp.path()).unwrap();
        first.put("index.html".into(), b"first".to_vec()).unwrap();
        let second = SpareTree::open(&out, tmp.path()).unwrap();
        let err = second.put("index.html".into(), b"second".to_vec()).unwrap_err();
        assert!(err.report().contains("another carebook build"), "{}", err.report());
        drop(second);
        first.swap_in().unwrap();
        assert_eq!(tree(&out), [("index.html".to_string(), "first".to_string())]);
    }

    #[test]
    fn a_failed_build_before_any_file_touches_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let tree = SpareTree::open(&out, tmp.path()).unwrap();
        drop(tree);
        assert!(siblings(tmp.path()).is_empty());
    }
}
