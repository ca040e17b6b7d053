//! The image rules: every image has alt text, and every image stored on
//! the site exists among its static files.
//!
//! Markdown images (`![alt](src)`) and raw HTML `<img>` tags are both read.
//! A local `src` is resolved the way a browser will: relative to the page's
//! address (`/prepare/gather/`), or from the site's root, under the base
//! path when the site lives in a sub-folder.

use std::collections::BTreeSet;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::check::html::{html_attributes, html_tags};
use crate::diagnostic::Diagnostic;
use crate::frontmatter::ParsedDoc;
use crate::markdown::{LineIndex, markdown_options};

/// Where a page is published and what the site has to show.
pub struct ImageContext<'a> {
    /// The page's URL, e.g. `/prepare/gather/`.
    pub page_url: &'a str,
    /// Always starts and ends with `/`.
    pub base_path: &'a str,
    /// Static files by output path, e.g. `images/room.jpg`.
    pub statics: &'a BTreeSet<String>,
}

/// Problems with the images of one document.
pub fn check_images(doc: &ParsedDoc, context: &ImageContext) -> Vec<Diagnostic> {
    let lines = LineIndex::new(&doc.body, doc.body_first_line);
    let mut diagnostics = Vec::new();
    let mut open: Option<(String, usize, String)> = None;
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
                let position = lines.position(offset);
                if alt.trim().is_empty() {
                    diagnostics.push(
                        Diagnostic::error(&doc.display_path, position, "this image has no alt text")
                            .with_hint("describe what the image shows between the square brackets, e.g. ![A folded blanket on a chair](/images/blanket.jpg): screen readers read it aloud, and it shows when the image cannot load"),
                    );
                }
                diagnostics.extend(
                    missing_file(&src, context)
                        .map(|d| d.into_diagnostic(&doc.display_path, position)),
                );
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                let source = doc.body.get(range.clone()).unwrap_or_default();
                for (at, tag) in html_tags(source, "img") {
                    let position = lines.position(range.start + at);
                    diagnostics.extend(
                        check_html_img(tag, context)
                            .into_iter()
                            .map(|problem| problem.into_diagnostic(&doc.display_path, position)),
                    );
                }
            }
            _ => {}
        }
    }
    diagnostics
}

/// A problem found before its position is known.
struct Problem {
    message: String,
    hint: String,
}

impl Problem {
    fn into_diagnostic(self, path: &std::path::Path, position: crate::Position) -> Diagnostic {
        Diagnostic::error(path, position, self.message).with_hint(self.hint)
    }
}

/// A raw `<img ...>` tag: it needs an `alt` attribute (`alt=""` marks a
/// decoration on purpose) and a `src` that exists.
fn check_html_img(tag: &str, context: &ImageContext) -> Vec<Problem> {
    let attributes = html_attributes(tag);
    let mut problems = Vec::new();
    if !attributes.iter().any(|(name, _)| name == "alt") {
        problems.push(Problem {
            message: "this image has no alt text".into(),
            hint: "add alt=\"...\" describing what the image shows (or alt=\"\" if it is only decoration): screen readers read it aloud".into(),
        });
    }
    if let Some((_, src)) = attributes.iter().find(|(name, _)| name == "src") {
        problems.extend(missing_file(src, context));
    }
    problems
}

/// The error for a local image that is not among the static files, if so.
fn missing_file(src: &str, context: &ImageContext) -> Option<Problem> {
    let target = local_target(src, context.page_url)?;
    let key = target.strip_prefix(context.base_path);
    if key.is_some_and(|key| context.statics.contains(key)) {
        return None;
    }
    let file_name = target.rsplit('/').next().unwrap_or_default();
    let same_name = context
        .statics
        .iter()
        .find(|path| !file_name.is_empty() && path.rsplit('/').next() == Some(file_name));
    let hint = match same_name {
        Some(path) => format!(
            "did you mean {}{path}? A path without a leading / is read from the page's address ({})",
            context.base_path, context.page_url
        ),
        None => format!(
            "put the image in your site's static/ folder, e.g. static/images/photo.jpg, and write its path from there: {}images/photo.jpg",
            context.base_path
        ),
    };
    let shown = match key {
        Some(key) => format!("static/{key}"),
        None => format!("{target}, outside the site's address {}", context.base_path),
    };
    Some(Problem { message: format!("the image {src} was not found (looked for {shown})"), hint })
}

/// The absolute path on the site a local `src` points to; `None` for
/// images from elsewhere (`https:`, `data:`, `//host/...`).
fn local_target(src: &str, page_url: &str) -> Option<String> {
    let src = src.trim();
    let has_scheme = src.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if has_scheme || src.starts_with("//") {
        return None;
    }
    let path = src.split(['?', '#']).next().unwrap_or_default();
    let path = percent_decode(path);
    let joined = if path.starts_with('/') { path } else { format!("{page_url}{path}") };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            // Browsers stop at the root; so does this.
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// Decodes `%20` and friends; invalid escapes are kept as written.
fn percent_decode(text: &str) -> String {
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
    use crate::Position;
    use crate::frontmatter::{CommonMeta, PageKind, Role};

    fn doc(body: &str) -> ParsedDoc {
        ParsedDoc {
            content_path: "prepare/room.md".into(),
            display_path: "content/prepare/room.md".into(),
            role: Role::Page,
            meta: CommonMeta::default(),
            slug: None,
            kind: PageKind::Guidance,
            body: body.into(),
            body_first_line: 5,
        }
    }

    fn check(body: &str, base_path: &str) -> Vec<Diagnostic> {
        let statics: BTreeSet<String> =
            ["images/room.jpg", "logo.svg", "prepare/room/plan.png"].map(String::from).into();
        let page_url = format!("{base_path}prepare/room/");
        check_images(
            &doc(body),
            &ImageContext { page_url: &page_url, base_path, statics: &statics },
        )
    }

    #[test]
    fn images_with_alt_text_and_existing_files_pass() {
        let body = "![A room](/images/room.jpg) ![Plan](plan.png) ![Logo](../../logo.svg)\n![Far](https://x.org/a.png) ![Dot](data:image/png;base64,AA)\n";
        assert!(check(body, "/").is_empty(), "{:?}", check(body, "/"));
        let body = "![A room](/guide/images/room.jpg) ![Plan](plan.png)\n";
        assert!(check(body, "/guide/").is_empty());
    }

    #[test]
    fn missing_alt_text_is_an_error_at_the_image() {
        let found = check("Text\n\nSee ![](/images/room.jpg) here.\n", "/");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "this image has no alt text");
        assert_eq!(found[0].position, Position::new(7, 5));
    }

    #[test]
    fn missing_files_are_errors_with_a_suggestion() {
        let found = check("![A room](images/room.jpg)\n", "/");
        assert_eq!(
            found[0].message,
            "the image images/room.jpg was not found (looked for static/prepare/room/images/room.jpg)"
        );
        assert!(found[0].hint.as_deref().unwrap().starts_with("did you mean /images/room.jpg?"));
        let found = check("![A room](/images/room.jpg)\n", "/guide/");
        assert!(found[0].message.contains("outside the site's address /guide/"), "{found:?}");
    }

    #[test]
    fn raw_html_images_need_alt_and_a_file() {
        let found =
            check("<p>\n<img src=\"/logo.svg\">\n<img alt=\"\" src='/nope.png'/>\n</p>\n", "/");
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].message, "this image has no alt text");
        assert_eq!(found[0].position, Position::new(6, 1));
        assert!(found[1].message.starts_with("the image /nope.png was not found"));
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("my%20photo.jpg"), "my photo.jpg");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
