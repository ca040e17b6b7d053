//! The files a site is made of, as read from disk: each Markdown page, template
//! and translation file with the path shown in messages, and the rules for
//! reading one (size limit, UTF-8, files editors leave behind).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::diagnostic::{Diagnostic, Position};

/// A Markdown file under `content/`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path inside `content/` with `/` separators, e.g. `prepare/gather.md`.
    pub content_path: String,
    /// Path shown to the user, relative to the site root: `content/prepare/gather.md`.
    pub display_path: PathBuf,
    pub text: String,
}

/// A Tera template, named by its path inside a `templates/` folder.
#[derive(Debug, Clone)]
pub struct TemplateSource {
    pub name: String,
    pub text: String,
}

/// A theme's or site's translation file: which language, where it was
/// found (for messages), its text.
#[derive(Debug, Clone)]
pub struct TextFile {
    pub language: String,
    pub display_path: PathBuf,
    pub text: String,
    /// `text` read into words by the first build that used this file
    /// (`content::translations`), so that a caller building the same
    /// sources many times (the `site` fuzz target) parses the TOML once.
    /// Used only while `text` is still the text it was read from; empty in
    /// a new file.
    pub read: OnceLock<ReadWords>,
}

impl TextFile {
    pub fn new(language: impl Into<String>, display_path: PathBuf, text: String) -> Self {
        TextFile { language: language.into(), display_path, text, read: OnceLock::new() }
    }
}

/// A translation file's words, flat `group.name` keys, as read from `text`
/// (`None` if it is no TOML table), with the problems found reading it.
#[derive(Debug, Clone)]
pub struct ReadWords {
    pub text: String,
    pub strings: Option<BTreeMap<String, String>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// `es.toml` (or `pt-BR.toml`) -> `es`, if the name is a translation file.
pub fn text_file_language(file_name: &str) -> Option<&str> {
    file_name.strip_suffix(".toml").filter(|code| !code.is_empty() && !code.contains('/'))
}

/// The largest Markdown file carebook reads: 10 MiB. A page of guidance is
/// a few kilobytes; a file this big is a mistake (a pasted export, a log),
/// and reading it would make the build slow and the page unusable on a phone.
pub const MAX_CONTENT_BYTES: u64 = 10 * 1024 * 1024;

/// Reads one Markdown file found by the walk. It may have vanished since
/// (an editor saving by rename, a `git checkout` during the build): that is
/// a diagnostic, like a file that is too big or not UTF-8.
pub fn read_source(
    root: &Path,
    content_path: String,
    path: &Path,
) -> Result<SourceFile, Diagnostic> {
    use std::io::Read as _;
    let display_path = display_path(root, path);
    let file = std::fs::File::open(path).map_err(|err| unreadable(&display_path, &err))?;
    let size = file.metadata().map_err(|err| unreadable(&display_path, &err))?.len();
    if size > MAX_CONTENT_BYTES {
        return Err(too_big(&display_path, size));
    }
    // `take` keeps the limit even if the file grows while it is read.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_CONTENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| unreadable(&display_path, &err))?;
    if bytes.len() as u64 > MAX_CONTENT_BYTES {
        return Err(too_big(&display_path, bytes.len() as u64));
    }
    let text = String::from_utf8(bytes).map_err(|err| not_utf8(&display_path, err.as_bytes()))?;
    Ok(SourceFile { content_path, display_path, text })
}

/// Hidden files, and the temporary and backup files editors leave behind.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

/// `path` relative to the site root, for messages.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

pub(crate) fn unreadable(path: &Path, err: &std::io::Error) -> Diagnostic {
    if err.kind() == std::io::ErrorKind::NotFound {
        return Diagnostic::error(
            path,
            Position::start(),
            "this file disappeared while the site was being read, or is a link to a file that does not exist",
        )
        .with_hint("fix or remove the link; if files were being moved, build again once they are in place");
    }
    Diagnostic::error(path, Position::start(), format!("could not read this file: {err}"))
        .with_hint("check that the file exists and that you may read it")
}

fn too_big(path: &Path, size: u64) -> Diagnostic {
    Diagnostic::error(
        path,
        Position::start(),
        format!(
            "this file is {:.1} MB; carebook reads Markdown files of up to {} MB",
            size as f64 / 1e6,
            MAX_CONTENT_BYTES / (1024 * 1024)
        ),
    )
    .with_hint(
        "split it into several pages in a section; a page of guidance is usually a few kilobytes",
    )
}

/// Reports where the first byte that is not UTF-8 sits.
pub(crate) fn not_utf8(path: &Path, bytes: &[u8]) -> Diagnostic {
    let valid_up_to = std::str::from_utf8(bytes).err().map_or(bytes.len(), |e| e.valid_up_to());
    let valid = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
    Diagnostic::error(path, Position::of_offset(valid, valid.len()), "this file is not UTF-8 text")
        .with_hint("save the file as UTF-8 in your editor (\"Save with encoding\" → UTF-8)")
}
