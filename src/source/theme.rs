//! Theme lookup, part of `discover`: a theme is a folder with `templates/`,
//! `static/` and `i18n/` (its words in each language, see `content/translations.rs`). A site's `themes/<name>/` wins; the default theme is also
//! compiled into the binary so that a new site needs no copy of it.

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::error::BuildError;

/// The default theme as it was when carebook was compiled.
static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The name of the theme built into carebook.
pub const DEFAULT_THEME_NAME: &str = "default";

/// A theme's files, read into memory.
#[derive(Debug, Default)]
pub struct ThemeFiles {
    /// (template name, text), e.g. ("page.html", "...").
    pub templates: Vec<(String, String)>,
    /// (output path, bytes), e.g. ("style.css", ...).
    pub statics: Vec<(String, Vec<u8>)>,
    /// (file name, text) of `i18n/`, e.g. ("es.toml", "...").
    pub i18n: Vec<(String, String)>,
}

/// Loads `themes/<name>/` from the site, or the built-in default theme.
pub fn load_theme(site_root: &Path, name: &str) -> Result<ThemeFiles, BuildError> {
    let dir = site_root.join("themes").join(name);
    if dir.is_dir() {
        return read_theme_dir(&dir);
    }
    if name == DEFAULT_THEME_NAME {
        return Ok(embedded_default_theme());
    }
    Err(BuildError::MissingTheme { name: name.to_string(), looked_in: dir })
}

fn read_theme_dir(dir: &Path) -> Result<ThemeFiles, BuildError> {
    let mut files = ThemeFiles::default();
    for (relative, path) in list_files(&dir.join("templates"))? {
        let text =
            std::fs::read_to_string(&path).map_err(|source| BuildError::Read { path, source })?;
        files.templates.push((relative, text));
    }
    for (relative, path) in list_files(&dir.join("static"))? {
        let bytes = std::fs::read(&path).map_err(|source| BuildError::Read { path, source })?;
        files.statics.push((relative, bytes));
    }
    for (relative, path) in list_files(&dir.join("i18n"))? {
        let text =
            std::fs::read_to_string(&path).map_err(|source| BuildError::Read { path, source })?;
        files.i18n.push((relative, text));
    }
    Ok(files)
}

fn list_files(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>, BuildError> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|err| BuildError::Read {
            path: err.path().unwrap_or(dir).to_path_buf(),
            source: err.into_io_error().unwrap_or_else(|| std::io::Error::other("symlink loop")),
        })?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::source::files::is_ignored_name(&name) {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(dir) else { continue };
        let relative: Vec<String> =
            relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        files.push((relative.join("/"), entry.into_path()));
    }
    Ok(files)
}

fn embedded_default_theme() -> ThemeFiles {
    let mut files = ThemeFiles::default();
    collect_embedded(&DEFAULT_THEME, &mut files);
    files.templates.sort();
    files.statics.sort();
    files.i18n.sort();
    files
}

fn collect_embedded(dir: &Dir<'static>, files: &mut ThemeFiles) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            files
                .templates
                .push((name.to_string(), String::from_utf8_lossy(file.contents()).into_owned()));
        } else if let Some(name) = path.strip_prefix("static/") {
            files.statics.push((name.to_string(), file.contents().to_vec()));
        } else if let Some(name) = path.strip_prefix("i18n/") {
            files
                .i18n
                .push((name.to_string(), String::from_utf8_lossy(file.contents()).into_owned()));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, files);
    }
}
