//! `output::stamp`: a build with nothing to do does nothing (issue #13).
//!
//! A published site is a pure function of what `discover` read (every
//! Markdown file, template, word list, static file and file beside a page),
//! the settings (site.toml and the command line) and the carebook binary
//! itself: the build reads no clock, no environment and nothing else. So
//! after a successful build, carebook records a fingerprint of those
//! inputs and the size and modification time of every file it left in the
//! output folder, in `.carebook-cache/build-stamp.json`. The next build
//! computes the fingerprint again (the reading is done anyway) and, when
//! it is the same and the output folder still holds exactly those files
//! unchanged, stops there: it reports what the last build reported (its
//! warnings too) and writes nothing. Anything else, an edited page, a new
//! carebook, a file in `public/` changed or deleted by hand, a stamp that
//! cannot be read, means an ordinary build. Like Cargo's and make's, the
//! check trusts modification times of the output; the inputs are compared
//! by content.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::render;
use crate::source::config::Config;
use crate::source::discover::Sources;

/// Where the stamp is kept, in the site's folder.
pub const STAMP_FILE: &str = ".carebook-cache/build-stamp.json";

/// The stamp file: the inputs' fingerprint, the output folder and its
/// files, and what the build reported (`R`, the build's report).
#[derive(Debug, Serialize, Deserialize)]
struct Stamp<R> {
    inputs: u64,
    output_dir: PathBuf,
    /// Every file of the output folder: path, size, modification time (ns).
    files: Vec<(String, u64, u128)>,
    report: R,
}

/// A fingerprint of everything a published build depends on: what every
/// page's template output depends on (`render::memo::inputs_fingerprint`),
/// the pages themselves and the binary.
pub fn inputs_fingerprint(config: &Config, sources: &Sources) -> u64 {
    let mut hasher = DefaultHasher::new();
    render::memo::inputs_fingerprint(config, sources).hash(&mut hasher);
    env!("CARGO_PKG_VERSION").hash(&mut hasher);
    // The binary carries the default theme and every rule: a rebuilt
    // carebook (new size or time) builds again.
    if let Some(meta) = std::env::current_exe().ok().and_then(|exe| exe.metadata().ok()) {
        meta.len().hash(&mut hasher);
        modified_ns(&meta).hash(&mut hasher);
    } else {
        // Without it, never skip: a fingerprint that cannot match.
        std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .hash(&mut hasher);
    }
    for file in &sources.content {
        (&file.content_path, &file.display_path, &file.text).hash(&mut hasher);
    }
    // Warnings name their files.
    for text in &sources.texts {
        text.display_path.hash(&mut hasher);
    }
    sources.diagnostics.len().hash(&mut hasher);
    hasher.finish()
}

/// The last build's report, if it was made from inputs with this
/// fingerprint into `output_dir` and the folder is exactly as it left it.
pub fn up_to_date<R: DeserializeOwned>(root: &Path, output_dir: &Path, inputs: u64) -> Option<R> {
    let text = std::fs::read(root.join(STAMP_FILE)).ok()?;
    let stamp: Stamp<R> = serde_json::from_slice(&text).ok()?;
    if stamp.inputs != inputs || stamp.output_dir != absolute(output_dir) {
        return None;
    }
    (list_files(output_dir)? == stamp.files).then_some(stamp.report)
}

/// Records a successful build. A stamp that cannot be written only costs
/// the next build its shortcut, so failures are ignored (and an old stamp
/// is removed first, so that it can never describe this new output).
pub fn record<R: Serialize>(root: &Path, output_dir: &Path, inputs: u64, report: &R) {
    let path = root.join(STAMP_FILE);
    let _ = std::fs::remove_file(&path);
    let Some(files) = list_files(output_dir) else { return };
    let stamp = Stamp { inputs, output_dir: absolute(output_dir), files, report };
    let Ok(json) = serde_json::to_vec(&stamp) else { return };
    let partial = path.with_extension("json.partial");
    let written = path.parent().is_some_and(|dir| std::fs::create_dir_all(dir).is_ok())
        && std::fs::write(&partial, json).is_ok();
    if written {
        let _ = std::fs::rename(&partial, &path);
    }
}

/// Every file under `dir` with its size and modification time, by path.
fn list_files(dir: &Path) -> Option<Vec<(String, u64, u128)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.ok()?;
        if entry.file_type().is_dir() {
            continue;
        }
        let meta = entry.metadata().ok()?;
        let relative = entry.path().strip_prefix(dir).ok()?.to_string_lossy().into_owned();
        files.push((relative, meta.len(), modified_ns(&meta)));
    }
    Some(files)
}

fn modified_ns(meta: &std::fs::Metadata) -> u128 {
    meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos())
}

fn absolute(dir: &Path) -> PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::diagnostic::Diagnostic;

    /// What a build reports, as far as the stamp is concerned.
    fn report() -> Vec<Diagnostic> {
        vec![Diagnostic::warning("content/a.md", Default::default(), "no description")]
    }

    #[test]
    fn a_recorded_build_is_up_to_date_until_its_inputs_or_output_change() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/index.html"), "<p>a</p>").unwrap();
        record(dir.path(), &out, 7, &report());
        assert_eq!(up_to_date::<Vec<Diagnostic>>(dir.path(), &out, 7), Some(report()));
        assert_eq!(up_to_date::<Vec<Diagnostic>>(dir.path(), &out, 8), None, "other inputs");
        assert_eq!(
            up_to_date::<Vec<Diagnostic>>(dir.path(), &dir.path().join("elsewhere"), 7),
            None
        );
        // A file added, changed or removed by hand: build again.
        std::fs::write(out.join("extra.txt"), "x").unwrap();
        assert_eq!(up_to_date::<Vec<Diagnostic>>(dir.path(), &out, 7), None, "a file added");
        std::fs::remove_file(out.join("extra.txt")).unwrap();
        assert!(up_to_date::<Vec<Diagnostic>>(dir.path(), &out, 7).is_some());
        std::fs::write(out.join("a/index.html"), "<p>changed</p>").unwrap();
        assert_eq!(up_to_date::<Vec<Diagnostic>>(dir.path(), &out, 7), None, "a file changed");
        // A damaged stamp is no stamp.
        std::fs::write(dir.path().join(STAMP_FILE), "{").unwrap();
        assert_eq!(up_to_date::<Vec<Diagnostic>>(dir.path(), &out, 7), None);
    }
}
