//! Images of pages, published once per build from what `content::images`
//! found pages use.
//!
//! 1. [`publish_images`]: copies each file beside a page under a
//!    fingerprinted name (`before/knee.1a2b3c4d.svg`), and writes each PNG or
//!    JPEG a page shows in a few widths (480, 960, 1440 pixels, never wider
//!    than the original). Resized files are kept in the site's
//!    `.carebook-cache/images/`, keyed by the source's hash and the width, so
//!    a rebuild resizes nothing that did not change.
//! 2. [`ImageCatalog::rewrite_page`] (per rendered page): points each
//!    `<img>` of `<main>` at its published file, with `srcset`, `sizes`,
//!    `width`, `height` and `loading="lazy"` after the first image.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::content::html::{html_attributes, html_tags};
use crate::content::images::{
    ImageFiles, ImageSource, PageAt, fold_path, is_local, percent_decode,
};
use crate::diagnostic::{Diagnostic, Position};
use crate::render::OutputSet;

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
    /// Whether copies resized now are added to the cache (`check` only reads it).
    pub write_cache: bool,
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
            let cache = Cache { dir: options.cache_dir.as_deref(), write: options.write_cache };
            (*source, resize_all(source, bytes, cache, display))
        })
        .collect();
    let mut diagnostics = Vec::new();
    for (source, result) in resized {
        match result {
            Ok((size, copies)) => catalog.add_copies(source, size, copies, files, &mut output),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    (catalog, output, diagnostics)
}

impl ImageCatalog {
    /// Records the resized copies of `source`: pages show the one a phone
    /// needs, with every copy in `srcset`; the original stays for links but
    /// is not precached.
    fn add_copies(
        &mut self,
        source: &ImageSource,
        size: (u32, u32),
        copies: Vec<(u32, String, Vec<u8>)>,
        files: &ImageFiles,
        output: &mut OutputSet,
    ) {
        // The original stays for links; pages show the copies.
        match source {
            ImageSource::Beside(path) => {
                let bytes = files.beside.get(path).map_or(&[][..], Vec::as_slice);
                self.not_precached.insert(fingerprinted(path, bytes, None));
            }
            ImageSource::Static(path) => {
                self.not_precached.insert(path.clone());
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
            self.not_precached.remove(&path);
            widths.push((width, format!("{}{path}", files.base_path)));
            output.insert(path, bytes);
        }
        let entry = self.entry_for(source);
        entry.size = Some(size);
        if let Some((_, url)) = widths.iter().find(|(w, _)| *w == phone) {
            entry.url.clone_from(url);
        }
        entry.widths = widths;
    }

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
    cache: Cache,
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
        let cached = cache.dir.map(|dir| dir.join(format!("{key}-{w}.{ext}")));
        let encoded = match cached.as_ref().and_then(|c| std::fs::read(c).ok()) {
            Some(encoded) => encoded,
            None => {
                let original = Original { bytes, format, kind, size: (width, height) };
                let encoded = resize_copy(&original, &mut decoded, w).map_err(unreadable)?;
                if let Some(cached) = cached.as_ref().filter(|_| cache.write) {
                    // The cache only saves time: a build that cannot write it still works.
                    let _ = std::fs::create_dir_all(cached.parent().unwrap_or(Path::new(".")))
                        .and_then(|()| std::fs::write(cached, &encoded));
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

/// Where resized copies are kept between builds, and whether to add to it.
#[derive(Clone, Copy)]
struct Cache<'a> {
    dir: Option<&'a Path>,
    write: bool,
}

/// A PNG or JPEG being resized.
struct Original<'a> {
    bytes: &'a [u8],
    format: image::ImageFormat,
    kind: RasterKind,
    size: (u32, u32),
}

/// One copy of `original`, `w` pixels wide, decoding it the first time
/// (into `decoded`). A copy no smaller than the original (a flat-colour
/// diagram saved as a palette PNG, say) is not worth sending: it comes
/// back empty, and the original takes its place.
fn resize_copy(
    original: &Original,
    decoded: &mut Option<image::DynamicImage>,
    w: u32,
) -> Result<Vec<u8>, image::ImageError> {
    let image = match decoded {
        Some(image) => image,
        None => {
            decoded.insert(image::load_from_memory_with_format(original.bytes, original.format)?)
        }
    };
    let (width, height) = original.size;
    let h = ((u64::from(height) * u64::from(w)) / u64::from(width.max(1))).max(1);
    let small = image.resize_exact(w, h as u32, image::imageops::FilterType::Lanczos3);
    let mut encoded = encode(&small, original.kind)?;
    if encoded.len() >= original.bytes.len() {
        encoded.clear();
    }
    Ok(encoded)
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
    use std::collections::BTreeMap;

    use super::*;

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
            write_cache: true,
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
