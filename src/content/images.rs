//! Images of pages, between `render_md` and `render_site`: which file each
//! image of a page shows, the problems with them, and the files to publish.
//!
//! 1. [`check_images`] (per document, in `build`, `serve` and `check`
//!    alike): every image has alt text and its file exists, either beside
//!    the page in `content/` (a page bundle, as in Zola and Hugo) or among
//!    the static files. Returns the problems and the files the page uses.
//! 2. [`publish_images`] (once per build): copies each file beside a page
//!    under a fingerprinted name (`before/knee.1a2b3c4d.svg`), and writes
//!    each PNG or JPEG a page shows in a few widths (480, 960, 1440 pixels,
//!    never wider than the original). Resized files are kept in the site's
//!    `.carebook-cache/images/`, keyed by the source's hash and the width,
//!    so a rebuild resizes nothing that did not change.
//! 3. [`ImageCatalog::rewrite_page`] (per rendered page): points each
//!    `<img>` of `<main>` at its published file, with `srcset`, `sizes`,
//!    `width`, `height` and `loading="lazy"` after the first image.
//!
//! A local `src` is resolved as a browser would for static files (relative
//! to the page's address, or from the site's root under the base path), and
//! first of all relative to the page's own folder in `content/`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use sha2::{Digest, Sha256};

use crate::content::frontmatter::ParsedDoc;
use crate::content::html::{html_attributes, html_tags};
use crate::content::markdown::{LineIndex, markdown_options};
use crate::diagnostic::{Diagnostic, Position};
use crate::output::write::OutputSet;

/// The widths a PNG or JPEG is published in, in pixels.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];
/// The width a phone needs (390 CSS pixels at twice the density, and then
/// some): the `src` of a resized image, and the only size the service
/// worker keeps for offline reading.
pub const PHONE_WIDTH: u32 = 960;
/// How wide the theme shows an image: the text column is at most 70
/// characters, about 44rem, and the full width on a phone.
pub const SIZES: &str = "(min-width: 48rem) 44rem, 100vw";
/// Where resized images are kept between builds, in the site's folder.
pub const CACHE_DIR: &str = ".carebook-cache/images";

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
struct PageAt<'a> {
    content_path: &'a str,
    url: &'a str,
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
fn is_local(src: &str) -> bool {
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
fn fold_path(path: &str) -> String {
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

/// How one image file is published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    /// The URL for `src`.
    pub url: String,
    /// Pixel size of the original, for PNG and JPEG.
    pub size: Option<(u32, u32)>,
    /// `(width, URL)` of each resized copy, narrowest first (for `srcset`).
    pub widths: Vec<(u32, String)>,
}

/// Every image file pages show, and how it is published.
#[derive(Debug, Clone, Default)]
pub struct ImageCatalog {
    entries: HashMap<ImageSource, Published>,
    /// Content paths of the files beside pages, by the URL a page's
    /// relative `src` resolves to (for [`Self::rewrite_page`]).
    beside: BTreeSet<String>,
    statics: BTreeSet<String>,
    base_path: String,
    /// Output paths the service worker does not keep: the originals of
    /// resized images (pages show the copies; the original is there for links).
    pub not_precached: BTreeSet<String>,
}

/// What [`publish_images`] needs.
pub struct PublishOptions<'a> {
    pub files: ImageFiles<'a>,
    /// Every image file a page shows.
    pub used: &'a BTreeSet<ImageSource>,
    /// `.carebook-cache/images` in the site's folder; `None` keeps nothing.
    pub cache_dir: Option<PathBuf>,
}

/// Writes the files beside pages (fingerprinted) and the resized copies of
/// every PNG and JPEG a page shows. A raster file that cannot be read is
/// an error at its path.
pub fn publish_images(options: &PublishOptions) -> (ImageCatalog, OutputSet, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let files = &options.files;
    let mut catalog = ImageCatalog {
        base_path: files.base_path.to_string(),
        beside: files.beside.keys().cloned().collect(),
        statics: files.statics.keys().cloned().collect(),
        ..ImageCatalog::default()
    };
    let mut output = OutputSet::new();
    // Every file beside a page is published (a page may also link to it),
    // under a name that changes with its content.
    for (path, bytes) in files.beside {
        let name = fingerprinted(path, bytes, None);
        catalog.entries.insert(
            ImageSource::Beside(path.clone()),
            Published { url: format!("{}{name}", files.base_path), ..Published::default() },
        );
        output.insert(name, bytes.clone());
    }
    let rasters: Vec<(&ImageSource, &Vec<u8>, String)> = options
        .used
        .iter()
        .filter_map(|source| {
            let (path, bytes, display) = match source {
                ImageSource::Static(p) => (p, files.statics.get(p)?, format!("static/{p}")),
                ImageSource::Beside(p) => (p, files.beside.get(p)?, format!("content/{p}")),
            };
            raster_kind(path).map(|_| (source, bytes, display))
        })
        .collect();
    let resized: Vec<_> = rasters
        .par_iter()
        .map(|(source, bytes, display)| {
            (*source, resize_all(source, bytes, options.cache_dir.as_deref(), display))
        })
        .collect();
    let mut diagnostics = Vec::new();
    for (source, result) in resized {
        match result {
            Ok((size, copies)) => {
                // The original stays for links; pages show the copies.
                match source {
                    ImageSource::Beside(path) => {
                        let bytes = files.beside.get(path).map_or(&[][..], Vec::as_slice);
                        catalog.not_precached.insert(fingerprinted(path, bytes, None));
                    }
                    ImageSource::Static(path) => {
                        catalog.not_precached.insert(path.clone());
                    }
                }
                // The narrowest copy at least as wide as a phone needs.
                let phone = copies
                    .iter()
                    .map(|(w, _, _)| *w)
                    .find(|&w| w >= PHONE_WIDTH)
                    .or_else(|| copies.last().map(|(w, _, _)| *w))
                    .unwrap_or(size.0);
                let mut widths = Vec::new();
                // Every copy is kept for offline use: the browser picks one by
                // the screen's width and density, and a copy it picks offline
                // that is not on the device would be a broken picture.
                for (width, path, bytes) in copies {
                    catalog.not_precached.remove(&path);
                    widths.push((width, format!("{}{path}", files.base_path)));
                    output.insert(path, bytes);
                }
                let entry = catalog.entry_for(source);
                entry.size = Some(size);
                if let Some((_, url)) = widths.iter().find(|(w, _)| *w == phone) {
                    entry.url = url.clone();
                }
                entry.widths = widths;
            }
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (catalog, output, diagnostics)
}

impl ImageCatalog {
    fn entry_for(&mut self, source: &ImageSource) -> &mut Published {
        let url = match source {
            ImageSource::Static(p) => format!("{}{p}", self.base_path),
            ImageSource::Beside(_) => String::new(),
        };
        self.entries
            .entry(source.clone())
            .or_insert_with(|| Published { url, ..Published::default() })
    }

    /// How a file is published, if a page shows it.
    pub fn published(&self, source: &ImageSource) -> Option<&Published> {
        self.entries.get(source)
    }

    /// The URL of a file beside a page (`before/consent.pdf`), as published.
    pub fn beside_url(&self, content_path: &str) -> Option<&str> {
        self.entries.get(&ImageSource::Beside(content_path.to_string())).map(|p| p.url.as_str())
    }

    /// Rewrites each `<img>` inside `<main>` of a rendered page whose file
    /// this catalog publishes. `content_path` and `url` are the page's.
    pub fn rewrite_page(&self, html: &[u8], content_path: &str, url: &str) -> Option<Vec<u8>> {
        if self.entries.is_empty() {
            return None;
        }
        let html = std::str::from_utf8(html).ok()?;
        let start = html.find("<main")?;
        let end = html[start..].find("</main>").map_or(html.len(), |e| start + e);
        let page = PageAt { content_path, url };
        let mut out = String::with_capacity(html.len() + 512);
        out.push_str(&html[..start]);
        let mut last = start;
        let mut shown = 0;
        for (at, tag) in html_tags(&html[start..end], "img") {
            let at = start + at;
            let attributes = html_attributes(tag);
            let Some((_, src)) = attributes.iter().find(|(n, _)| n == "src") else { continue };
            let Some(source) = self.resolve(&unescape(src), &page) else { continue };
            let Some(published) = self.entries.get(&source) else { continue };
            out.push_str(&html[last..at]);
            out.push_str(&image_tag(&attributes, published, shown > 0));
            shown += 1;
            last = at + tag.len();
        }
        if shown == 0 {
            return None;
        }
        out.push_str(&html[last..]);
        Some(out.into_bytes())
    }

    fn resolve(&self, src: &str, page: &PageAt) -> Option<ImageSource> {
        if !is_local(src) {
            return None;
        }
        let path = percent_decode(src.split(['?', '#']).next().unwrap_or_default());
        let folder = page.content_path.rsplit_once('/').map_or("", |(dir, _)| dir);
        if !path.starts_with('/') {
            let beside = fold_path(&format!("{folder}/{path}"));
            if self.beside.contains(&beside) {
                return Some(ImageSource::Beside(beside));
            }
        }
        let target = if path.starts_with('/') {
            format!("/{}", fold_path(&path))
        } else {
            format!("/{}", fold_path(&format!("{}{path}", page.url)))
        };
        let key = target.strip_prefix(self.base_path.as_str())?;
        self.statics.contains(key).then(|| ImageSource::Static(key.to_string()))
    }
}

/// `&amp;` and the other escapes pulldown-cmark writes in attributes.
fn unescape(value: &str) -> String {
    value.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The `<img>` tag for a published image: the author's attributes, with
/// `src` replaced and the sizes added.
fn image_tag(attributes: &[(String, String)], published: &Published, lazy: bool) -> String {
    let mut tag = String::from("<img");
    let escape = |v: &str| v.replace('&', "&amp;").replace('"', "&quot;");
    let has = |name: &str| attributes.iter().any(|(n, _)| n == name);
    for (name, value) in attributes {
        match name.as_str() {
            "src" => tag.push_str(&format!(" src=\"{}\"", escape(&published.url))),
            "srcset" | "sizes" if !published.widths.is_empty() => {}
            _ => tag.push_str(&format!(" {name}=\"{}\"", escape(value))),
        }
    }
    if published.widths.len() > 1 {
        let set: Vec<String> =
            published.widths.iter().map(|(w, url)| format!("{} {w}w", escape(url))).collect();
        tag.push_str(&format!(" srcset=\"{}\" sizes=\"{SIZES}\"", set.join(", ")));
    }
    if let Some((width, height)) = published.size.filter(|_| !has("width") && !has("height")) {
        // The largest copy published keeps the original's proportions.
        let shown = published.widths.last().map_or(width, |(w, _)| *w);
        let shown_height = (u64::from(height) * u64::from(shown) / u64::from(width.max(1))) as u32;
        tag.push_str(&format!(" width=\"{shown}\" height=\"{shown_height}\""));
    }
    if lazy && !has("loading") {
        tag.push_str(" loading=\"lazy\"");
    }
    if !has("decoding") {
        tag.push_str(" decoding=\"async\"");
    }
    tag.push('>');
    tag
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RasterKind {
    Png,
    Jpeg,
}

fn raster_kind(path: &str) -> Option<RasterKind> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".png") {
        Some(RasterKind::Png)
    } else if lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
        Some(RasterKind::Jpeg)
    } else {
        None
    }
}

/// `before/knee.svg` -> `before/knee.1a2b3c4d.svg`; with a width,
/// `before/knee.1a2b3c4d-960.png`.
fn fingerprinted(path: &str, bytes: &[u8], width: Option<u32>) -> String {
    let hash = hex(&Sha256::digest(bytes)[..4]);
    let (stem, ext) = match path.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => (stem, format!(".{ext}")),
        _ => (path, String::new()),
    };
    match width {
        Some(width) => format!("{stem}.{hash}-{width}{ext}"),
        None => format!("{stem}.{hash}{ext}"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

type Copies = ((u32, u32), Vec<(u32, String, Vec<u8>)>);

/// The widths to publish for an image `width` pixels wide: each of
/// [`WIDTHS`] narrower than it, and the original if it is not wider than
/// the widest (never upscaled).
fn widths_for(width: u32) -> Vec<u32> {
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|&w| w < width).collect();
    if width <= WIDTHS[WIDTHS.len() - 1] {
        widths.push(width);
    }
    widths
}

/// The original's size and each published copy: `(width, output path,
/// bytes)`. Copies come from the cache when there.
fn resize_all(
    source: &ImageSource,
    bytes: &[u8],
    cache_dir: Option<&Path>,
    display: &str,
) -> Result<Copies, Diagnostic> {
    let path = match source {
        ImageSource::Static(p) | ImageSource::Beside(p) => p.as_str(),
    };
    let unreadable = |err: image::ImageError| {
        Diagnostic::error(
            display,
            Position::start(),
            format!("this image could not be read: {err}"),
        )
        .with_hint("save it again as a PNG or JPEG file from an image editor")
    };
    let kind = raster_kind(path).unwrap_or(RasterKind::Png);
    let format = match kind {
        RasterKind::Png => image::ImageFormat::Png,
        RasterKind::Jpeg => image::ImageFormat::Jpeg,
    };
    let reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let (width, height) = reader.into_dimensions().map_err(unreadable)?;
    let key = hex(&Sha256::digest(bytes)[..8]);
    let mut decoded: Option<image::DynamicImage> = None;
    let mut copies = Vec::new();
    for w in widths_for(width).into_iter().filter(|&w| w < width) {
        let ext = if kind == RasterKind::Png { "png" } else { "jpg" };
        let cached = cache_dir.map(|dir| dir.join(format!("{key}-{w}.{ext}")));
        let encoded = match cached.as_ref().and_then(|c| std::fs::read(c).ok()) {
            Some(encoded) => encoded,
            None => {
                if decoded.is_none() {
                    let image = image::load_from_memory_with_format(bytes, format);
                    decoded = Some(image.map_err(unreadable)?);
                }
                let Some(image) = &decoded else { continue };
                let h = ((u64::from(height) * u64::from(w)) / u64::from(width.max(1))).max(1);
                let small = image.resize_exact(w, h as u32, image::imageops::FilterType::Lanczos3);
                let mut encoded = encode(&small, kind).map_err(unreadable)?;
                // A copy no smaller than the original (a flat-colour diagram
                // saved as a palette PNG, say) is not worth sending: it is
                // cached as empty, and the original takes its place.
                if encoded.len() >= bytes.len() {
                    encoded.clear();
                }
                if let Some(cached) = &cached {
                    // The cache only saves time: a build that cannot write it still works.
                    let _ = std::fs::create_dir_all(cached.parent().unwrap_or(Path::new(".")))
                        .and_then(|_| std::fs::write(cached, &encoded));
                }
                encoded
            }
        };
        if !encoded.is_empty() {
            copies.push((w, fingerprinted(path, bytes, Some(w)), encoded));
        }
    }
    // The original when no copy is as wide as the widest (never upscaled),
    // or when a copy was not worth it.
    let widest = WIDTHS[WIDTHS.len() - 1];
    if width <= widest || copies.len() < widths_for(width).len() {
        // Under the name the original is published with anyway.
        let original = match source {
            ImageSource::Static(p) => p.clone(),
            ImageSource::Beside(p) => fingerprinted(p, bytes, None),
        };
        copies.push((width, original, bytes.to_vec()));
    }
    Ok(((width, height), copies))
}

fn encode(image: &image::DynamicImage, kind: RasterKind) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    match kind {
        RasterKind::Png => {
            use image::codecs::png::{CompressionType, FilterType, PngEncoder};
            let encoder =
                PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive);
            // Most diagrams have no transparency: three channels are smaller.
            if image.color().has_alpha() {
                image.write_with_encoder(encoder)?;
            } else {
                image::DynamicImage::ImageRgb8(image.to_rgb8()).write_with_encoder(encoder)?;
            }
        }
        RasterKind::Jpeg => {
            let rgb = image.to_rgb8();
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
            rgb.write_with_encoder(encoder)?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::{CommonMeta, PageKind, Role};

    fn doc(path: &str, body: &str) -> ParsedDoc {
        ParsedDoc {
            content_path: path.into(),
            display_path: format!("content/{path}").into(),
            role: Role::Page,
            meta: CommonMeta::default(),
            slug: None,
            kind: PageKind::Guidance,
            body: body.into(),
            body_first_line: 5,
        }
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

    #[test]
    fn widths_never_upscale() {
        assert_eq!(widths_for(2000), [480, 960, 1440]);
        assert_eq!(widths_for(1000), [480, 960, 1000]);
        assert_eq!(widths_for(300), [300]);
        assert_eq!(fingerprinted("a/b.png", b"x", Some(480)).len(), "a/b.12345678-480.png".len());
    }

    /// A photo-like PNG: noise, so that smaller copies are smaller files.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let noise = image::RgbImage::from_fn(width, height, |x, y| {
            let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)).wrapping_mul(2_654_435_761);
            image::Rgb([(n >> 8) as u8, (n >> 16) as u8, (n >> 24) as u8])
        });
        encode(&image::DynamicImage::ImageRgb8(noise), RasterKind::Png).unwrap()
    }

    #[test]
    fn rasters_are_resized_cached_and_rewritten() {
        let cache = tempfile::tempdir().unwrap();
        let statics: BTreeMap<String, Vec<u8>> =
            [("room.png".to_string(), png(1200, 600)), ("wide.png".to_string(), png(2000, 20))]
                .into();
        let beside: BTreeMap<String, Vec<u8>> = [("a/plan.png".to_string(), png(400, 200))].into();
        let used = [
            ImageSource::Static("room.png".into()),
            ImageSource::Static("wide.png".into()),
            ImageSource::Beside("a/plan.png".into()),
        ]
        .into();
        let options = PublishOptions {
            files: ImageFiles { statics: &statics, beside: &beside, base_path: "/" },
            used: &used,
            cache_dir: Some(cache.path().to_path_buf()),
        };
        let (catalog, output, diagnostics) = publish_images(&options);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let room = catalog.published(&ImageSource::Static("room.png".into())).unwrap();
        let widths: Vec<u32> = room.widths.iter().map(|(w, _)| *w).collect();
        assert_eq!(widths, [480, 960, 1200]);
        assert!(room.url.ends_with("-960.png"), "{room:?}");
        // room.png's 480 and 960 copies, wide.png's 480, 960 and 1440.
        assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 5);
        // Every copy a page can pick is kept offline (room.png is its own
        // 1200 copy, plan.png its only one); wide.png, wider than any copy,
        // is published for links alone.
        let not_kept: Vec<&str> = catalog.not_precached.iter().map(String::as_str).collect();
        assert_eq!(not_kept, ["wide.png"]);
        let small =
            image::load_from_memory(&output[room.widths[0].1.trim_start_matches('/')]).unwrap();
        assert_eq!((small.width(), small.height()), (480, 240));

        let html = "<header><img src=\"/logo.svg\"></header><main><p><img src=\"/room.png\" alt=\"A room\" /></p><img src=\"plan.png\" alt=\"Plan\"></main>";
        let out = catalog.rewrite_page(html.as_bytes(), "a/page.md", "/a/page/").unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("srcset=\""), "{out}");
        assert!(out.contains("width=\"1200\" height=\"600\""), "{out}");
        assert!(out.contains(&format!("src=\"{}\"", catalog.beside_url("a/plan.png").unwrap())));
        assert!(out.contains("width=\"400\" height=\"200\" loading=\"lazy\""), "{out}");
        assert!(out.starts_with("<header><img src=\"/logo.svg\"></header>"));

        // A second build reads the copies from the cache.
        let (again, output_again, _) = publish_images(&options);
        assert_eq!(again.published(&ImageSource::Static("room.png".into())), Some(room));
        assert_eq!(output_again, output);
    }
}
