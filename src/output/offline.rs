//! `output::offline`, after minifying: makes the site installable and usable offline.
//!
//! Adds `manifest.webmanifest`, then renders the theme's `sw.js` template
//! with a precache list of every page and asset of the final output. Each
//! entry carries a content hash, and the cache name is a hash of the whole
//! list, so a new build gets a new cache and the old one is deleted when the
//! new worker activates. Journal and checklist data live in IndexedDB, which
//! the worker never touches.

use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::Tera;

use crate::error::BuildError;
use crate::render::OutputSet;
use crate::source::config::Config;

/// The service worker's template and output name.
pub const SERVICE_WORKER: &str = "sw.js";
/// The web app manifest's output name.
pub const MANIFEST: &str = "manifest.webmanifest";

/// The 404 page's output name. It is precached like every page: offline,
/// the worker answers an address that is no page of the build with it.
pub const NOT_FOUND_PAGE: &str = "404.html";

/// Output files a service worker should not hold: itself, and files for
/// crawlers and hosts rather than patients.
const NOT_PRECACHED: &[&str] = &[SERVICE_WORKER, "sitemap.xml", "robots.txt", "_headers"];

#[derive(Debug, Serialize)]
struct ManifestIcon {
    src: String,
    sizes: &'static str,
    #[serde(rename = "type")]
    mime: &'static str,
    purpose: &'static str,
}

#[derive(Debug, Serialize)]
struct Manifest<'a> {
    name: &'a str,
    short_name: &'a str,
    description: &'a str,
    lang: &'a str,
    start_url: &'a str,
    scope: &'a str,
    display: &'static str,
    background_color: &'static str,
    theme_color: &'a str,
    icons: Vec<ManifestIcon>,
}

/// The icons a theme may ship (in `static/icons/`), and how to announce them.
const ICONS: &[(&str, &str, &str)] = &[
    ("icons/icon-192.png", "192x192", "any"),
    ("icons/icon-512.png", "512x512", "any"),
    ("icons/icon-maskable-512.png", "512x512", "maskable"),
];

/// The theme's default brand colour, for the manifest when site.toml has none.
const DEFAULT_THEME_COLOR: &str = "#1d5c7a";

/// A published file, as the service worker's precache list needs it:
/// the bytes themselves are on disk by then (issue #13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputEntry {
    /// Output path (`prepare/gather/index.html`).
    pub path: String,
    pub len: u64,
    /// A short hash of the bytes.
    pub revision: String,
}

impl OutputEntry {
    pub fn of(path: String, bytes: &[u8]) -> Self {
        OutputEntry { path, len: bytes.len() as u64, revision: short_hash(bytes) }
    }
}

/// The manifest, then the service worker if the theme has one, made from
/// every other file published (`entries`, in any order).
pub fn offline_files(
    entries: &[OutputEntry],
    config: &Config,
    tera: &Tera,
    not_precached: &std::collections::BTreeSet<String>,
) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let published: std::collections::HashSet<&str> =
        entries.iter().map(|e| e.path.as_str()).collect();
    let manifest = render_manifest(|path| published.contains(path), config).into_bytes();
    if !tera.get_template_names().any(|name| name == SERVICE_WORKER) {
        return Ok(vec![(MANIFEST.to_string(), manifest)]);
    }
    let mut all = entries.to_vec();
    all.push(OutputEntry::of(MANIFEST.to_string(), &manifest));
    all.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    let mut precache = precache_list(&all, &config.base_path);
    // Resized images wider than a phone needs are fetched when shown.
    precache.retain(|entry| {
        let path = entry.url.strip_prefix(config.base_path.as_str()).unwrap_or(&entry.url);
        !not_precached.contains(path)
    });
    let cache_name = format!("carebook-{}", short_hash(precache_json(&precache).as_bytes()));
    let mut context = tera::Context::new();
    context.insert("cache_name", &cache_name);
    context.insert("precache_json", &precache_json(&precache));
    context.insert("base_path", &config.base_path);
    context.insert("offline_url", &format!("{}offline/", config.base_path));
    context.insert("not_found_url", &format!("{}{NOT_FOUND_PAGE}", config.base_path));
    context.insert("offline_pages_json", &offline_pages_json(config));
    let worker =
        tera.render(SERVICE_WORKER, &context).map_err(|source| BuildError::TemplateRender {
            name: SERVICE_WORKER.into(),
            page: SERVICE_WORKER.into(),
            source,
        })?;
    Ok(vec![(MANIFEST.to_string(), manifest), (SERVICE_WORKER.to_string(), worker.into_bytes())])
}

/// Each language's offline page and the addresses it answers for, longest
/// first: `[{ "scope": "/es/", "url": "/es/offline/" }, { "scope": "/", ... }]`.
fn offline_pages_json(config: &Config) -> String {
    let mut pages: Vec<serde_json::Value> = config
        .languages
        .iter()
        .map(|language| {
            let scope = config.language_base_path(&language.code);
            serde_json::json!({ "url": format!("{scope}offline/"), "scope": scope })
        })
        .collect();
    pages.sort_by_key(|page| std::cmp::Reverse(page["scope"].as_str().map_or(0, str::len)));
    serde_json::to_string(&pages).unwrap_or_else(|_| "[]".into())
}

/// Writes `manifest.webmanifest` (pages link to it, in `serve` too).
pub fn add_manifest(files: &mut OutputSet, config: &Config) {
    let manifest = render_manifest(|path| files.contains_key(path), config);
    files.insert(MANIFEST.to_string(), manifest.into_bytes());
}

fn render_manifest(published: impl Fn(&str) -> bool, config: &Config) -> String {
    let short_name = if !config.clinic.name.is_empty() && config.clinic.name.chars().count() <= 20 {
        &config.clinic.name
    } else {
        &config.title
    };
    let manifest = Manifest {
        name: &config.title,
        short_name,
        description: &config.description,
        lang: &config.language,
        start_url: &config.base_path,
        scope: &config.base_path,
        display: "standalone",
        background_color: "#ffffff",
        theme_color: config.clinic.colors.primary.as_deref().unwrap_or(DEFAULT_THEME_COLOR),
        icons: ICONS
            .iter()
            .filter(|(path, _, _)| published(path))
            .map(|(path, sizes, purpose)| ManifestIcon {
                src: format!("{}{path}", config.base_path),
                sizes,
                mime: "image/png",
                purpose,
            })
            .collect(),
    };
    serde_json::to_string_pretty(&manifest).unwrap_or_default()
}

/// One precache entry: a URL and a hash of what it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrecacheEntry {
    pub url: String,
    pub revision: String,
}

/// Every page (as its pretty URL) and asset of `entries`, in their order.
pub fn precache_list(entries: &[OutputEntry], base_path: &str) -> Vec<PrecacheEntry> {
    entries
        .iter()
        .filter(|entry| !NOT_PRECACHED.contains(&entry.path.as_str()))
        .map(|entry| {
            let url_path = entry.path.strip_suffix("index.html").unwrap_or(&entry.path);
            PrecacheEntry {
                url: format!("{base_path}{url_path}"),
                revision: entry.revision.clone(),
            }
        })
        .collect()
}

fn precache_json(entries: &[PrecacheEntry]) -> String {
    serde_json::to_string(entries).unwrap_or_else(|_| "[]".into())
}

fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(5).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precache_uses_pretty_urls_and_skips_crawler_files() {
        let files: Vec<OutputEntry> = [
            ("404.html", "not found"),
            ("index.html", "home"),
            ("prepare/gather/index.html", "gather"),
            ("sitemap.xml", "x"),
            ("style.abc.css", "css"),
            ("sw.js", "x"),
        ]
        .into_iter()
        .map(|(p, c)| OutputEntry::of(p.to_string(), c.as_bytes()))
        .collect();
        let urls: Vec<String> =
            precache_list(&files, "/help/").into_iter().map(|e| e.url).collect();
        assert_eq!(
            urls,
            ["/help/404.html", "/help/", "/help/prepare/gather/", "/help/style.abc.css"]
        );
    }

    #[test]
    fn revisions_follow_content() {
        let one = [OutputEntry::of("a.css".to_string(), b"1")];
        let two = [OutputEntry::of("a.css".to_string(), b"2")];
        assert_ne!(precache_list(&one, "/")[0].revision, precache_list(&two, "/")[0].revision);
    }
}
