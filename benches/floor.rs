//! The floor program of issue #13, used by `benches/compare.rs`
//! (`#[path = "floor.rs"] mod floor;`, run as a child process of that
//! benchmark so that `wait4` measures it alone).
//!
//! It does what any static site generator must do and nothing else: read
//! each page's Markdown, skip its `+++` front matter, render the body with
//! pulldown-cmark (carebook's extensions) and write the HTML where carebook
//! writes that page (`section-1/page-1.md` -> `section-1/page-1/index.html`,
//! `_index.md` -> `index.html` of its folder), once per language (`es/...`
//! for the second). No templates, no links checked, no minifying, no
//! search index, no staging folder: one thread, one page in memory at a
//! time. Into an existing tree it only opens, writes and closes each file;
//! folders are created only when a write finds its folder missing.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser};

/// Pages rendered and bytes written by one run.
pub struct FloorStats {
    pub pages: usize,
    pub bytes: u64,
}

/// Renders every `.md` file under `content` into `output`, `languages`
/// times (the first language at the root, the others under `es/`, `l3/`...).
pub fn build(content: &Path, output: &Path, languages: usize) -> std::io::Result<FloorStats> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    let prefixes: Vec<PathBuf> = (0..languages.max(1))
        .map(|i| match i {
            0 => PathBuf::new(),
            1 => PathBuf::from("es"),
            n => PathBuf::from(format!("l{}", n + 1)),
        })
        .collect();
    let mut stats = FloorStats { pages: 0, bytes: 0 };
    let mut html = String::with_capacity(16 * 1024);
    for entry in walkdir::WalkDir::new(content) {
        let entry = entry.map_err(std::io::Error::other)?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let markdown = std::fs::read_to_string(path)?;
        let Some(page) = page_path(path.strip_prefix(content).map_err(std::io::Error::other)?)
        else {
            continue;
        };
        for prefix in &prefixes {
            html.clear();
            pulldown_cmark::html::push_html(&mut html, Parser::new_ext(body(&markdown), options));
            write_creating_folders(&output.join(prefix).join(&page), html.as_bytes())?;
            stats.pages += 1;
            stats.bytes += html.len() as u64;
        }
    }
    Ok(stats)
}

/// Where carebook writes a page: `a/b.md` -> `a/b/index.html`,
/// `a/_index.md` -> `a/index.html`.
fn page_path(relative: &Path) -> Option<PathBuf> {
    let stem = relative.file_stem()?;
    let folder = relative.parent().unwrap_or(Path::new(""));
    Some(if stem == "_index" {
        folder.join("index.html")
    } else {
        folder.join(stem).join("index.html")
    })
}

/// The Markdown after a `+++` front-matter block.
fn body(markdown: &str) -> &str {
    markdown
        .strip_prefix("+++\n")
        .and_then(|rest| rest.find("\n+++\n").map(|end| &rest[end + 5..]))
        .unwrap_or(markdown)
}

/// One `open`/`write`/`close` when the folder is there; the folders first
/// when it is not.
fn write_creating_folders(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    match std::fs::write(path, bytes) {
        Err(err) if err.kind() == ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, bytes)
        }
        other => other,
    }
}
