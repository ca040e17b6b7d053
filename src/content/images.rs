//! Images of pages, checked as each document is rendered: which file each
//! image of a page shows, and the problems with them.
//!
//! [`check_images`] (per document, in `build`, `serve` and `check` alike):
//! every image has alt text and its file exists, either beside the page in
//! `content/` (a page bundle, as in Zola and Hugo) or among the static
//! files. Returns the problems and the files the page uses, which
//! `render::images` publishes.
//!
//! A local `src` is resolved as a browser would for static files (relative
//! to the page's address, or from the site's root under the base path), and
//! first of all relative to the page's own folder in `content/`.

use std::collections::{BTreeMap, BTreeSet};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::content::frontmatter::ParsedDoc;
use crate::content::html::{html_attributes, html_tags};
use crate::content::markdown::{LineIndex, markdown_options};
use crate::diagnostic::{Diagnostic, Position};

/// The files an image may show.
pub struct ImageFiles<'a> {
    /// Static files by output path (`images/room.jpg`).
    pub statics: &'a BTreeMap<String, Vec<u8>>,
    /// Files other than Markdown in `content/`, by content path
    /// (`before/getting-ready/knee.svg`).
    pub beside: &'a BTreeMap<String, Vec<u8>>,
    /// Always starts and ends with `/`.
    pub base_path: &'a str,
}

/// The file an image shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImageSource {
    /// A static file, by output path.
    Static(String),
    /// A file beside a page, by content path.
    Beside(String),
}

/// What [`check_images`] found in one document.
#[derive(Debug, Default)]
pub struct PageImages {
    pub diagnostics: Vec<Diagnostic>,
    pub used: BTreeSet<ImageSource>,
}

/// Problems with the images of one document published at `page_url`, and
/// the files it shows.
pub fn check_images(doc: &ParsedDoc, page_url: &str, files: &ImageFiles) -> PageImages {
    let lines = LineIndex::new(&doc.body, doc.body_first_line);
    let mut found = PageImages::default();
    let mut open: Option<(String, usize, String)> = None;
    let page = PageAt { content_path: &doc.content_path, url: page_url };
    let report =
        |found: &mut PageImages, src: &str, offset: usize| match resolve_src(src, &page, files) {
            Ok(Some(source)) => {
                found.used.insert(source);
            }
            Ok(None) => {}
            Err(problem) => found.diagnostics.push(problem.at(doc, lines.position(offset))),
        };
    for (event, range) in Parser::new_ext(&doc.body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => {
                open = Some((dest_url.to_string(), range.start, String::new()));
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, _, alt)) = &mut open {
                    alt.push_str(&text);
                }
            }
            Event::End(TagEnd::Image) => {
                let Some((src, offset, alt)) = open.take() else { continue };
                if alt.trim().is_empty() {
                    found.diagnostics.push(Problem::new("this image has no alt text, and alt text is mandatory", "describe what the image shows between the square brackets, e.g. ![A folded blanket on a chair](blanket.jpg): screen readers read it aloud, and it shows when the image cannot load").at(doc, lines.position(offset)));
                }
                report(&mut found, &src, offset);
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                let source = doc.body.get(range.clone()).unwrap_or_default();
                for (at, tag) in html_tags(source, "img") {
                    let attributes = html_attributes(tag);
                    if !attributes.iter().any(|(name, _)| name == "alt") {
                        found.diagnostics.push(Problem::new("this image has no alt text, and alt text is mandatory", "add alt=\"...\" describing what the image shows (or alt=\"\" if it is only decoration): screen readers read it aloud").at(doc, lines.position(range.start + at)));
                    }
                    if let Some((_, src)) = attributes.iter().find(|(name, _)| name == "src") {
                        report(&mut found, src, range.start + at);
                    }
                }
            }
            _ => {}
        }
    }
    found
}

/// A page: where its file is in `content/` and where it is published.
pub(crate) struct PageAt<'a> {
    pub(crate) content_path: &'a str,
    pub(crate) url: &'a str,
}

/// A problem found before its position is known.
struct Problem {
    message: String,
    hint: String,
}

impl Problem {
    fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Problem { message: message.into(), hint: hint.into() }
    }

    fn at(self, doc: &ParsedDoc, position: Position) -> Diagnostic {
        Diagnostic::error(&doc.display_path, position, self.message).with_hint(self.hint)
    }
}

/// Whether `src` is the path of a file of this site (not `https:`,
/// `data:`, `//host/...`).
pub(crate) fn is_local(src: &str) -> bool {
    let has_scheme = src.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    !has_scheme && !src.starts_with("//")
}

/// The file `src` shows: beside the page first (for a relative `src`),
/// then among the static files. `Ok(None)` for an image from elsewhere.
fn resolve_src(
    src: &str,
    page: &PageAt,
    files: &ImageFiles,
) -> Result<Option<ImageSource>, Problem> {
    let src = src.trim();
    if !is_local(src) {
        return Ok(None);
    }
    let path = percent_decode(src.split(['?', '#']).next().unwrap_or_default());
    let folder = page.content_path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let beside = (!path.starts_with('/')).then(|| fold_path(&format!("{folder}/{path}")));
    if let Some(beside) = beside.as_ref().filter(|p| files.beside.contains_key(p.as_str())) {
        return Ok(Some(ImageSource::Beside(beside.clone())));
    }
    let target = if path.starts_with('/') {
        format!("/{}", fold_path(&path))
    } else {
        format!("/{}", fold_path(&format!("{}{path}", page.url)))
    };
    let key = target.strip_prefix(files.base_path).map(str::to_string);
    if let Some(key) = key.as_ref().filter(|k| files.statics.contains_key(k.as_str())) {
        return Ok(Some(ImageSource::Static(key.clone())));
    }
    let mut tried = Vec::new();
    if let Some(beside) = &beside {
        tried.push(format!("content/{beside}"));
    }
    tried.push(match &key {
        Some(key) => format!("static/{key}"),
        None => format!("{target}, outside the site's address {}", files.base_path),
    });
    Err(Problem::new(
        format!("the image {src} was not found (looked for {})", tried.join(" and ")),
        missing_hint(&target, folder, files),
    ))
}

/// Points at a file of the same name, where there is one.
fn missing_hint(target: &str, folder: &str, files: &ImageFiles) -> String {
    let name = target.rsplit('/').next().unwrap_or_default();
    let same_name = |path: &&String| !name.is_empty() && path.rsplit('/').next() == Some(name);
    if let Some(path) = files.statics.keys().find(same_name) {
        return format!(
            "did you mean {}{path}? It is in static/, and a path without a leading / is read from the page's folder",
            files.base_path
        );
    }
    if let Some(path) = files.beside.keys().find(same_name) {
        return format!(
            "content/{path} exists: write its path from the page's folder (content/{folder}/), e.g. {}",
            relative_path(folder, path)
        );
    }
    "put the image beside the page (content/…/photo.jpg, written photo.jpg) or in static/ (static/images/photo.jpg, written /images/photo.jpg)".into()
}

/// `path` as seen from the folder `from`, both inside `content/`.
fn relative_path(from: &str, path: &str) -> String {
    let from: Vec<&str> = from.split('/').filter(|p| !p.is_empty()).collect();
    let to: Vec<&str> = path.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

/// Folds `.` and `..` out of a `/`-separated path; like browsers, `..`
/// stops at the root. No leading or trailing `/`.
pub(crate) fn fold_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// Decodes `%20` and friends; invalid escapes are kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, body: &str) -> ParsedDoc {
        ParsedDoc::page(path, body)
    }

    fn files() -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
        let statics = ["images/room.jpg", "logo.svg", "prepare/room/plan.png", "knee.svg"]
            .map(|p| (p.to_string(), Vec::new()))
            .into();
        let beside = ["before/getting-ready/walk.svg", "before/crutch.svg"]
            .map(|p| (p.to_string(), Vec::new()))
            .into();
        (statics, beside)
    }

    fn check(path: &str, url: &str, body: &str, base_path: &str) -> PageImages {
        let (statics, beside) = files();
        let files = ImageFiles { statics: &statics, beside: &beside, base_path };
        check_images(&doc(path, body), url, &files)
    }

    #[test]
    fn images_with_alt_text_and_existing_files_pass() {
        let body = "![A room](/images/room.jpg) ![Plan](plan.png) ![Logo](../../logo.svg)\n![Far](https://x.org/a.png) ![Dot](data:image/png;base64,AA)\n";
        let found = check("prepare/room.md", "/prepare/room/", body, "/");
        assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
        assert_eq!(found.used.len(), 3);
        let found = check(
            "prepare/room.md",
            "/guide/prepare/room/",
            "![A room](/guide/images/room.jpg) ![Plan](plan.png)\n",
            "/guide/",
        );
        assert!(found.diagnostics.is_empty());
    }

    #[test]
    fn files_beside_the_page_are_found_first() {
        let found = check(
            "before/getting-ready/index.md",
            "/before/getting-ready/",
            "![Walking](walk.svg)\n",
            "/",
        );
        assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
        assert!(found.used.contains(&ImageSource::Beside("before/getting-ready/walk.svg".into())));
        let found = check(
            "before/getting-ready.md",
            "/before/getting-ready/",
            "![Crutch](crutch.svg)\n",
            "/",
        );
        assert!(found.used.contains(&ImageSource::Beside("before/crutch.svg".into())));
    }

    #[test]
    fn missing_alt_text_is_an_error_at_the_image() {
        let found = check(
            "prepare/room.md",
            "/prepare/room/",
            "Text\n\nSee ![](/images/room.jpg) here.\n",
            "/",
        );
        assert_eq!(found.diagnostics.len(), 1);
        assert_eq!(
            found.diagnostics[0].message,
            "this image has no alt text, and alt text is mandatory"
        );
        assert_eq!(found.diagnostics[0].position, Position::new(7, 5));
    }

    #[test]
    fn missing_files_name_every_path_tried_and_a_suggestion() {
        let found = check("before/knee.md", "/before/knee/", "![Knee](knee.svg)\n", "/");
        let d = &found.diagnostics[0];
        assert_eq!(
            d.message,
            "the image knee.svg was not found (looked for content/before/knee.svg and static/before/knee/knee.svg)"
        );
        assert!(d.hint.as_deref().unwrap().starts_with("did you mean /knee.svg?"), "{d:?}");
        let found = check("after/walk.md", "/after/walk/", "![W](walk.svg)\n", "/");
        assert!(
            found.diagnostics[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("../before/getting-ready/walk.svg"),
            "{:?}",
            found.diagnostics
        );
        let found = check("a.md", "/a/", "![A room](/images/room.jpg)\n", "/guide/");
        assert!(found.diagnostics[0].message.contains("outside the site's address /guide/"));
    }

    #[test]
    fn raw_html_images_need_alt_and_a_file() {
        let found = check(
            "prepare/room.md",
            "/prepare/room/",
            "<p>\n<img src=\"/logo.svg\">\n<img alt=\"\" src='/nope.png'/>\n</p>\n",
            "/",
        );
        assert_eq!(found.diagnostics.len(), 2, "{:?}", found.diagnostics);
        assert!(found.diagnostics[0].message.starts_with("this image has no alt text"));
        assert_eq!(found.diagnostics[0].position, Position::new(6, 1));
        assert!(found.diagnostics[1].message.starts_with("the image /nope.png was not found"));
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("my%20photo.jpg"), "my photo.jpg");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
