//! `output::write::write_output`, the last stage: writes an [`OutputSet`] to disk so that the
//! output folder only ever holds a complete build.
//!
//! The files are written to a staging folder beside the output, which is then
//! swapped in with two renames. If anything fails before the swap, the
//! previous output is left exactly as it was (Zola deleted `public/` first
//! and users lost their site when a build failed: getzola/zola#574).

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::BuildError;

pub use crate::render::OutputSet;

/// Writes one file: [`std::fs::write`] in a build, something that fails on
/// purpose in tests (a full disk, for one).
pub type WriteFile = dyn Fn(&Path, &[u8]) -> std::io::Result<()> + Sync;

/// Writes `files` as the new content of `output_dir`.
pub fn write_output(
    files: &OutputSet,
    output_dir: &Path,
    site_root: &Path,
) -> Result<(), BuildError> {
    write_output_with(files, output_dir, site_root, &|path, bytes| fs::write(path, bytes))
}

/// [`write_output`] with each file written by `write_file`.
pub fn write_output_with(
    files: &OutputSet,
    output_dir: &Path,
    site_root: &Path,
    write_file: &WriteFile,
) -> Result<(), BuildError> {
    check_output_location(output_dir, site_root)?;
    let (parent, name) = split_output_path(output_dir)?;
    fs::create_dir_all(&parent)
        .map_err(|source| BuildError::Write { path: parent.clone(), source })?;
    remove_leftovers(&parent, &name);

    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if let Err(err) = write_tree(files, &staging, write_file) {
        let _ = fs::remove_dir_all(&staging);
        return Err(err);
    }
    swap_in(&staging, output_dir, &parent, &name)
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

/// Staging and old folders left by a build that was killed part-way.
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

/// Creates the folders in path order, then writes the files from a few
/// threads at once: creating a file costs a millisecond or more on some
/// virtual disks, mostly waiting, and the waits overlap.
fn write_tree(files: &OutputSet, dir: &Path, write_file: &WriteFile) -> Result<(), BuildError> {
    fs::create_dir_all(dir)
        .map_err(|source| BuildError::Write { path: dir.to_path_buf(), source })?;
    let mut made_dirs = std::collections::HashSet::new();
    for relative in files.keys() {
        if let Some((parent, _)) = relative.rsplit_once('/')
            && made_dirs.insert(parent)
        {
            let parent = dir.join(parent);
            fs::create_dir_all(&parent)
                .map_err(|source| BuildError::Write { path: parent, source })?;
        }
    }
    let write = |(relative, bytes): (&String, &Vec<u8>)| {
        let path = dir.join(relative);
        write_file(&path, bytes).map_err(|source| BuildError::Write { path, source })
    };
    match rayon::ThreadPoolBuilder::new().num_threads(WRITE_THREADS).build() {
        Ok(pool) => pool.install(|| files.par_iter().try_for_each(write)),
        Err(_) => files.iter().try_for_each(write),
    }
}

/// Threads writing files: more than the cores, as they mostly wait on the disk.
const WRITE_THREADS: usize = 8;

/// Puts `staging` where `output_dir` is, keeping the old one until the new
/// one is in place.
fn swap_in(staging: &Path, output_dir: &Path, parent: &Path, name: &str) -> Result<(), BuildError> {
    let write_error = |path: &Path, source| BuildError::Write { path: path.to_path_buf(), source };
    if !output_dir.exists() {
        return fs::rename(staging, output_dir).map_err(|e| write_error(output_dir, e));
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    fs::rename(output_dir, &old).map_err(|e| {
        let _ = fs::remove_dir_all(staging);
        write_error(output_dir, e)
    })?;
    if let Err(err) = fs::rename(staging, output_dir) {
        let _ = fs::rename(&old, output_dir);
        let _ = fs::remove_dir_all(staging);
        return Err(write_error(output_dir, err));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(pairs: &[(&str, &str)]) -> OutputSet {
        pairs.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect()
    }

    #[test]
    fn replaces_the_whole_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_output(&set(&[("a/index.html", "one"), ("old.txt", "x")]), &out, tmp.path()).unwrap();
        write_output(&set(&[("a/index.html", "two")]), &out, tmp.path()).unwrap();
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "two");
        assert!(!out.join("old.txt").exists());
        let leftovers: Vec<_> =
            fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
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
        assert!(write_output(&bad, &out, tmp.path()).is_err());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
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
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "good");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
