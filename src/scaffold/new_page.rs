//! `carebook new PATH [--kind prompts|checklist]`: writes one new page
//! under `content/` with the front matter its kind needs, so an author
//! starts from a page that builds (and passes `check`) instead of from a
//! blank file. It never overwrites a file, never writes outside
//! `content/`, and writes the section page (`_index.md`) of any folder on
//! the way that has none, since without one the folder's address is a 404.

use std::fs;
use std::path::{Component, Path, PathBuf};

use crate::error::BuildError;
use crate::source::config::CONFIG_FILE;

/// The kinds of page `new` can write (`kind = "..."` in front matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum NewKind {
    /// A guidance page: Markdown text.
    #[default]
    Page,
    /// A journal page: questions the patient answers on their device.
    Prompts,
    /// A list the patient ticks.
    Checklist,
}

/// Writes the page `path` (inside `content/`, `.md` optional) in the site
/// at `root`; returns the files written, relative to `root`, page first.
pub fn new_page(root: &Path, path: &str, kind: NewKind) -> Result<Vec<PathBuf>, BuildError> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(BuildError::MissingConfig { root: root.to_path_buf() });
    }
    let relative = content_relative(path)?;
    let page = Path::new("content").join(&relative);
    if root.join(&page).exists() {
        return Err(refuse(
            &page,
            "it already exists",
            "carebook never overwrites a page: choose another name, or edit that file",
        ));
    }
    let mut written = Vec::new();
    for section in missing_sections(root, &relative) {
        write_new(root, &section, &section_text(&section))?;
        written.push(section);
    }
    let is_section =
        relative.file_name().is_some_and(|n| n.to_string_lossy().starts_with("_index."));
    let text = match (is_section, kind) {
        (true, NewKind::Page) => section_text(&page),
        (true, _) => {
            return Err(refuse(
                &page,
                "a section page (_index.md) cannot be a checklist or a journal page",
                "leave --kind out for an _index.md, or give the page another name",
            ));
        }
        (false, _) => page_text(&title_of(&relative), kind),
    };
    write_new(root, &page, &text)?;
    written.insert(0, page);
    Ok(written)
}

/// `path` as a path inside `content/` ending in `.md`; a leading
/// `content/` is accepted (what a shell completes).
fn content_relative(path: &str) -> Result<PathBuf, BuildError> {
    let written = Path::new(path);
    let inside = written.strip_prefix("content").unwrap_or(written);
    let mut relative = PathBuf::new();
    for component in inside.components() {
        let Component::Normal(part) = component else {
            return Err(refuse(
                written,
                "it is outside content/",
                "name the page by its path inside content/, e.g. `carebook new before/pain-relief`",
            ));
        };
        relative.push(part);
    }
    match relative.extension().and_then(|e| e.to_str()) {
        None => {
            relative.set_extension("md");
        }
        Some("md") => {}
        Some(_) => {
            return Err(refuse(
                written,
                "pages are Markdown files",
                "end the name with .md, or leave the extension out",
            ));
        }
    }
    let names_ok = relative.components().all(|c| is_address_name(&c.as_os_str().to_string_lossy()));
    if relative.file_stem().is_none() || !names_ok {
        return Err(refuse(
            written,
            "its name cannot be part of a web address",
            "use letters, digits and dashes, e.g. before/pain-relief",
        ));
    }
    Ok(relative)
}

/// A file or folder name that stays readable in a web address.
fn is_address_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn refuse(path: &Path, reason: &str, hint: &str) -> BuildError {
    BuildError::NewPage { path: path.to_path_buf(), reason: reason.into(), hint: hint.into() }
}

/// The `_index.md` of every folder between `content/` and the page that
/// has none (not `content/_index.md`, the home page, which build asks for).
fn missing_sections(root: &Path, relative: &Path) -> Vec<PathBuf> {
    let mut folder = Path::new("content").to_path_buf();
    let mut missing = Vec::new();
    let Some(parent) = relative.parent() else { return missing };
    for part in parent.components() {
        folder.push(part);
        let index = folder.join("_index.md");
        if !root.join(&index).exists() {
            missing.push(index);
        }
    }
    // `new before/_index.md` writes the section page itself.
    missing.retain(|index| index != &Path::new("content").join(relative));
    missing
}

fn write_new(root: &Path, relative: &Path, text: &str) -> Result<(), BuildError> {
    let path = root.join(relative);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|source| BuildError::Write { path: parent.to_path_buf(), source })?;
    }
    // create_new: a file that appeared since the check is still not overwritten.
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut file| std::io::Write::write_all(&mut file, text.as_bytes()))
        .map_err(|source| BuildError::Write { path, source })
}

/// "Pain relief" for `before/pain-relief.md` (the folder's name for an
/// `_index.md`; a language suffix such as `.es` is dropped).
fn title_of(relative: &Path) -> String {
    let stem = relative.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = if stem == "_index" || stem.starts_with("_index.") {
        relative.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned())
    } else {
        None
    }
    .unwrap_or(stem);
    let words = name.split('.').next().unwrap_or_default().replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Welcome".to_string(),
    }
}

fn section_text(index: &Path) -> String {
    let title = title_of(index.strip_prefix("content").unwrap_or(index));
    format!(
        "+++\n\
         # The section page of this folder: without it, the folder's address would be a 404.\n\
         title = \"{title}\"\n\
         description = \"The pages about {lower}.\"\n\
         +++\n\n\
         <!-- Say what the pages of this section help with, and link to them by file: [a page](page-name.md). -->\n\
         These pages are about {lower}.\n",
        lower = title.to_lowercase(),
    )
}

fn page_text(title: &str, kind: NewKind) -> String {
    let lower = title.to_lowercase();
    let (description, kind_line, body) = match kind {
        NewKind::Page => (format!("What to know about {lower}."), "", PAGE_BODY),
        NewKind::Checklist => (
            format!("A list about {lower} to tick off on your phone or print."),
            "kind = \"checklist\"\n",
            CHECKLIST_BODY,
        ),
        NewKind::Prompts => (
            format!("Questions about {lower} to answer for yourself, kept on your device."),
            "kind = \"prompts\"\n",
            PROMPTS_BODY,
        ),
    };
    format!(
        "+++\n\
         title = \"{title}\"\n\
         # One sentence shown under the title, in search results and in link previews.\n\
         description = \"{description}\"\n\
         {kind_line}\
         weight = 10                 # the order in the section: lower comes first\n\
         # reviewed = 2026-01-31     # the day a clinician last checked this page (no quotes)\n\
         # draft = true              # leave it out of the site until it is ready\n\
         +++\n\n\
         {body}"
    )
}

const PAGE_BODY: &str = "\
<!-- Write for your patients in plain words. \"## \" starts a heading; link to
     other pages by their file: [what to bring](what-to-bring.md). -->

Start with what the patient needs to know first.

## What to do
";

const CHECKLIST_BODY: &str = "\
<!-- Each \"- [ ]\" line is an item, and its {#id} is where the patient's tick
     is kept: keep the id when you reword the item. An indented line under an
     item is its note. -->

- [ ] The first thing to do {#first}
  A note that helps with it.
- [ ] The next thing to do {#next}
";

const PROMPTS_BODY: &str = "\
<!-- Each \"## \" heading is a question; text under it is its hint. Its {#id}
     is where the patient's answers are kept: keep it when you reword the
     question. .scale asks for 0 to 10 (low and high label the ends), .short
     for one line. -->

Take a quiet moment for these questions.

## How do you feel today? {#feel .scale low=\"Not well\" high=\"Very well\"}

## What is on your mind? {#mind}
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_the_file_or_folder_name() {
        assert_eq!(title_of(Path::new("before/pain-relief.md")), "Pain relief");
        assert_eq!(title_of(Path::new("medicines/_index.md")), "Medicines");
        assert_eq!(title_of(Path::new("before/gather.es.md")), "Gather");
    }

    #[test]
    fn paths_outside_content_are_refused() {
        for path in ["../x.md", "/etc/x.md", "a/../../x", "content/../x.md"] {
            assert!(content_relative(path).is_err(), "{path}");
        }
        assert_eq!(content_relative("content/a/b").unwrap(), Path::new("a/b.md"));
        assert!(content_relative("a/notes.txt").is_err());
        assert!(content_relative("a/pain relief").is_err());
    }
}
