//! `source::discover`: finds and reads every input file of a site.
//!
//! Input: a [`Config`]. Output: [`Sources`], the text of every Markdown file
//! under `content/`, every template and every static file, with the site's
//! own `templates/` and `static/` overriding the theme's file by file. This
//! and `write_output` are the only stages that touch the disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Position};
use crate::error::BuildError;
use crate::source::config::Config;
use crate::source::files::{
    SourceFile, TemplateSource, display_path, is_ignored_name, not_utf8, read_source, unreadable,
};
use crate::source::files::{TextFile, text_file_language};
use crate::source::theme::{self, ThemeFiles};

/// Everything a build reads.
#[derive(Debug, Default)]
pub struct Sources {
    pub content: Vec<SourceFile>,
    /// Keyed by template name; the site's own templates replace the theme's.
    pub templates: BTreeMap<String, TemplateSource>,
    /// Keyed by output path (e.g. `logo.svg`); the site's files replace the theme's.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Files other than Markdown in `content/` (images beside their
    /// pages), keyed by content path (`before/getting-ready/knee.svg`).
    pub beside: BTreeMap<String, Vec<u8>>,
    /// The theme's words per language, then the site's `i18n/` files that
    /// override them key by key (see `content/translations.rs`).
    pub texts: Vec<TextFile>,
    /// Files that could not be used (not UTF-8, unreadable).
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the content, templates and static files of the site in `config`.
pub fn discover(config: &Config) -> Result<Sources, BuildError> {
    let mut sources = Sources::default();
    let theme_files = theme::load_theme(&config.root, &config.theme)?;
    add_theme_files(&mut sources, theme_files, &config.theme);

    let i18n_dir = config.root.join("i18n");
    for (name, bytes) in read_tree(&config.root, &i18n_dir, &mut sources.diagnostics)? {
        let display_path = Path::new("i18n").join(&name);
        let Some(language) = text_file_language(&name) else { continue };
        match String::from_utf8(bytes) {
            Ok(text) => {
                sources.texts.push(TextFile::new(language, display_path, text));
            }
            Err(err) => sources.diagnostics.push(not_utf8(&display_path, err.as_bytes())),
        }
    }

    let templates_dir = config.root.join("templates");
    for (name, bytes) in read_tree(&config.root, &templates_dir, &mut sources.diagnostics)? {
        match String::from_utf8(bytes) {
            Ok(text) => {
                sources.templates.insert(name.clone(), TemplateSource { name, text });
            }
            Err(err) => sources
                .diagnostics
                .push(not_utf8(&Path::new("templates").join(&name), err.as_bytes())),
        }
    }
    let static_dir = config.root.join("static");
    sources.statics.extend(read_tree(&config.root, &static_dir, &mut sources.diagnostics)?);
    sources.content = read_content(config, &mut sources.beside, &mut sources.diagnostics)?;
    Ok(sources)
}

fn add_theme_files(sources: &mut Sources, theme_files: ThemeFiles, theme: &str) {
    for (name, text) in theme_files.i18n {
        let Some(language) = text_file_language(&name) else { continue };
        let display_path = Path::new("themes").join(theme).join("i18n").join(&name);
        sources.texts.push(TextFile::new(language, display_path, text));
    }
    for (name, text) in theme_files.templates {
        sources.templates.insert(name.clone(), TemplateSource { name, text });
    }
    sources.statics.extend(theme_files.statics);
}

/// Reads every Markdown file under `content/`, in parallel, sorted by path.
fn read_content(
    config: &Config,
    beside: &mut BTreeMap<String, Vec<u8>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<SourceFile>, BuildError> {
    let content_dir = config.content_dir();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error("content", Position::start(), "the site has no content/ folder")
                .with_hint(
                    "create content/_index.md for the home page (carebook init shows an example)",
                ),
        );
        return Ok(Vec::new());
    }
    let mut paths = Vec::new();
    for (relative, path) in walk_files(&config.root, &content_dir, diagnostics) {
        if relative.ends_with(".md") {
            paths.push((relative, path));
        } else {
            // A file beside a page (an image of a page bundle): published
            // with the site (`images::publish_images`).
            match std::fs::read(&path) {
                Ok(bytes) => {
                    beside.insert(relative, bytes);
                }
                Err(err) => diagnostics.push(unreadable(&display_path(&config.root, &path), &err)),
            }
        }
    }
    let results: Vec<Result<SourceFile, Diagnostic>> = paths
        .into_par_iter()
        .map(|(content_path, path)| read_source(&config.root, content_path, &path))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    files.sort_by(|a, b| a.content_path.cmp(&b.content_path));
    Ok(files)
}

/// Re-reads the Markdown files at `changed` (absolute paths inside
/// `content/`) into `sources`: what `serve` does after a page is saved, so a
/// rebuild reads one file instead of the whole site. A file that no longer
/// exists is dropped. Returns `false`, with `sources` untouched, when a
/// change is anything but a Markdown file (a folder, a symlink, an image):
/// the caller then runs [`discover`] again, which handles every case.
pub fn refresh_content(config: &Config, sources: &mut Sources, changed: &[PathBuf]) -> bool {
    let content_dir = config.content_dir();
    let mut refreshed = Vec::with_capacity(changed.len());
    for path in changed {
        let Some(content_path) = markdown_content_path(&content_dir, path) else { return false };
        let is_plain = std::fs::symlink_metadata(path).map_or(true, |m| m.file_type().is_file());
        if !is_plain {
            return false;
        }
        refreshed.push((content_path, path));
    }
    for (content_path, path) in refreshed {
        let display = display_path(&config.root, path);
        sources.content.retain(|file| file.content_path != content_path);
        sources.diagnostics.retain(|diagnostic| diagnostic.path != display);
        if !path.exists() {
            continue;
        }
        match read_source(&config.root, content_path, path) {
            Ok(file) => {
                let at = sources.content.partition_point(|f| f.content_path < file.content_path);
                sources.content.insert(at, file);
            }
            Err(diagnostic) => sources.diagnostics.push(diagnostic),
        }
    }
    true
}

/// `prepare/gather.md` for `<content>/prepare/gather.md`; `None` for
/// anything that is not a visible Markdown file inside `content_dir`.
fn markdown_content_path(content_dir: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(content_dir).ok()?;
    let mut parts = Vec::new();
    for component in relative.components() {
        let std::path::Component::Normal(part) = component else { return None };
        let part = part.to_str()?;
        if is_ignored_name(part) {
            return None;
        }
        parts.push(part);
    }
    let joined = parts.join("/");
    joined.ends_with(".md").then_some(joined)
}

/// Reads every file under `dir` (if it exists), keyed by its `/`-separated
/// path inside `dir`.
fn read_tree(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for (relative, path) in walk_files(root, dir, diagnostics) {
        let bytes = std::fs::read(&path)
            .map_err(|source| BuildError::Read { path: path.clone(), source })?;
        files.push((relative, bytes));
    }
    Ok(files)
}

/// Lists the files under `dir`, skipping hidden files and editor leftovers;
/// problems walking (symlink loops, permissions) become diagnostics.
fn walk_files(
    root: &Path,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let mut refused = Vec::new();
    let site_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let walker = WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|e| {
        if e.depth() > 0 && is_ignored_name(&e.file_name().to_string_lossy()) {
            return false;
        }
        if e.depth() > 0 && e.path_is_symlink() && !links_inside(e.path(), &site_root) {
            refused.push(link_outside(root, e.path()));
            return false;
        }
        true
    }) {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let Ok(relative) = entry.path().strip_prefix(dir) else { continue };
                let relative: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.push((relative.join("/"), entry.into_path()));
            }
            Ok(_) => {}
            Err(err) => {
                let path =
                    err.path().map_or_else(|| display_path(root, dir), |p| display_path(root, p));
                let diagnostic = if err.loop_ancestor().is_some() {
                    Diagnostic::error(path, Position::start(), "this folder links back to one of its own parent folders (a symlink loop), so it was skipped")
                        .with_hint("remove the link, or point it at a folder outside this one")
                } else if let Some(io) = err.io_error() {
                    unreadable(&path, io)
                } else {
                    Diagnostic::error(
                        path,
                        Position::start(),
                        format!("could not read this: {err}"),
                    )
                };
                diagnostics.push(diagnostic);
            }
        }
    }
    diagnostics.extend(refused);
    files
}

/// Whether the symlink at `path` resolves to somewhere inside the site's
/// folder. A dangling link passes here and is reported when it is read.
fn links_inside(path: &Path, site_root: &Path) -> bool {
    match std::fs::canonicalize(path) {
        Ok(target) => target.starts_with(site_root),
        Err(_) => true,
    }
}

/// Links out of the site's folder are refused rather than followed: the
/// site would build differently on another computer, and a link to a
/// private folder could publish files nobody meant to put on the web.
fn link_outside(root: &Path, path: &Path) -> Diagnostic {
    let target = std::fs::read_link(path).unwrap_or_default();
    Diagnostic::error(
        display_path(root, path),
        Position::start(),
        format!(
            "this is a link to {}, outside the site's folder; carebook does not follow it",
            target.display()
        ),
    )
    .with_hint("copy the file or folder into the site's folder instead of linking to it")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".gather.md.swp", "gather.md~", "#gather.md#", ".DS_Store", "x.tmp"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("gather.md"));
    }

    #[test]
    fn a_file_that_vanished_after_the_walk_is_a_diagnostic() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("content/gone.md");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "+++\ntitle = \"x\"\n+++\n").unwrap();
        // Listed by the walk, then removed before it is read.
        let listed = walk_files(tmp.path(), &tmp.path().join("content"), &mut Vec::new());
        assert_eq!(listed.len(), 1);
        std::fs::remove_file(&path).unwrap();
        let err = read_source(tmp.path(), listed[0].0.clone(), &listed[0].1).unwrap_err();
        assert_eq!(err.path, Path::new("content/gone.md"));
        assert!(err.message.contains("disappeared"), "{}", err.message);
    }

    #[test]
    fn not_utf8_points_at_the_bad_byte() {
        let d = not_utf8(Path::new("content/a.md"), b"ok\nab\xffcd");
        assert_eq!(d.position, Position::new(2, 3));
    }

    /// A site on disk with two pages, and its first discovery.
    fn site_with_pages() -> (tempfile::TempDir, Config, Sources) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site.toml"), "title = \"T\"\nbase_url = \"https://x.test/\"\n")
            .unwrap();
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        std::fs::write(root.join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\n").unwrap();
        std::fs::write(root.join("content/a/one.md"), "one").unwrap();
        let config = crate::source::config::load_config(root, &Default::default()).unwrap();
        let sources = discover(&config).unwrap();
        (dir, config, sources)
    }

    fn content_paths(sources: &Sources) -> Vec<&str> {
        sources.content.iter().map(|f| f.content_path.as_str()).collect()
    }

    #[test]
    fn refreshing_a_saved_page_matches_a_full_discovery() {
        let (dir, config, mut sources) = site_with_pages();
        let content = dir.path().join("content");
        std::fs::write(content.join("a/one.md"), "one, edited").unwrap();
        std::fs::write(content.join("a/new.md"), "new").unwrap();
        std::fs::write(content.join("bad.md"), b"\xff").unwrap();
        let changed = [content.join("a/one.md"), content.join("a/new.md"), content.join("bad.md")];
        assert!(refresh_content(&config, &mut sources, &changed));
        let fresh = discover(&config).unwrap();
        assert_eq!(content_paths(&sources), content_paths(&fresh));
        assert_eq!(sources.content[2].text, "one, edited");
        assert_eq!(sources.diagnostics, fresh.diagnostics);

        // Fixing the bad file clears its error; deleting a page drops it.
        std::fs::write(content.join("bad.md"), "fine").unwrap();
        std::fs::remove_file(content.join("a/new.md")).unwrap();
        let changed = [content.join("bad.md"), content.join("a/new.md")];
        assert!(refresh_content(&config, &mut sources, &changed));
        assert_eq!(content_paths(&sources), ["_index.md", "a/one.md", "bad.md"]);
        assert!(sources.diagnostics.is_empty());
    }

    #[test]
    fn anything_but_a_markdown_file_asks_for_a_full_discovery() {
        let (dir, config, mut sources) = site_with_pages();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("b")).unwrap();
        std::fs::write(content.join("b/photo.jpg"), "").unwrap();
        for path in [content.join("b"), content.join("b/photo.jpg"), dir.path().join("site.toml")] {
            assert!(
                !refresh_content(&config, &mut sources, std::slice::from_ref(&path)),
                "{path:?}"
            );
        }
        assert_eq!(content_paths(&sources), ["_index.md", "a/one.md"]);
    }
}
