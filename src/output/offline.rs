//! `output::offline`, once every file is written: makes the site installable and usable offline.
//!
//! Input: the list of written files with their sizes and hashes
//! ([`OutputEntry`]), never their bytes, so that pages can stream through
//! render and write. Output: `manifest.webmanifest` and the
//! theme's `sw.js`, rendered with a [`PrecachePlan`]:
//!
//! - **install**, saved on the first visit, all or nothing: the shell
//!   (stylesheet, scripts, icons, logo, manifest, each language's home,
//!   offline page and search list, the 404 page), and every journal,
//!   checklist, print pack and "My answers" page (`always_precached`);
//! - **sections**, the other pages and files grouped by top-level section:
//!   the worker saves at most `[offline] precache_budget` bytes of them,
//!   the section the patient is reading first, then that language's others;
//! - **on demand**: files never precached (resized images wider than a
//!   phone needs), kept once the patient's browser fetches them.
//!
//! A site whose pages fit the budget (the example) is precached whole, as
//! before the budget existed: `sections` is then empty. Every page a
//! patient opens is kept too, and an update carries what was kept over.
//! The cache name is a hash of the whole plan, so a new build gets a new
//! cache. Journal and checklist data live in IndexedDB, which the worker
//! never touches.

use std::collections::{BTreeMap, BTreeSet};

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

/// One file of the output as the offline stage needs it: its path, its
/// size and a short hash of its bytes, taken as it is published (the bytes
/// themselves are on disk by then: issue #13).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputEntry {
    /// Output path, `prepare/gather/index.html`.
    pub path: String,
    pub len: u64,
    /// A short content hash ([`short_hash`] of the bytes).
    pub revision: String,
}

impl OutputEntry {
    pub fn of(path: &str, bytes: &[u8]) -> Self {
        OutputEntry { path: path.to_string(), len: bytes.len() as u64, revision: short_hash(bytes) }
    }
}

/// What the offline stage needs besides the list of files.
pub struct OfflineInput<'a> {
    pub config: &'a Config,
    pub tera: &'a Tera,
    /// Output paths precached whatever the budget (`render::Rendered`).
    pub always_precached: &'a BTreeSet<String>,
    /// Output paths never precached, only kept once fetched (`images`).
    pub not_precached: &'a BTreeSet<String>,
}

/// The manifest, then the service worker if the theme has one: the files
/// to write, as `(output path, bytes)`.
pub fn add_offline_support(
    entries: &[OutputEntry],
    input: &OfflineInput,
) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let config = input.config;
    let names: BTreeSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    let manifest = render_manifest(|path| names.contains(path), config).into_bytes();
    let manifest_entry = OutputEntry::of(MANIFEST, &manifest);
    let mut files = vec![(MANIFEST.to_string(), manifest)];
    if !input.tera.get_template_names().any(|name| name == SERVICE_WORKER) {
        return Ok(files);
    }
    let mut all: Vec<OutputEntry> =
        entries.iter().filter(|e| e.path != MANIFEST).cloned().collect();
    all.push(manifest_entry);
    let plan = plan_precache(&all, input);
    let plan_json = serde_json::to_string(&plan).unwrap_or_default();
    let mut context = tera::Context::new();
    context.insert("cache_name", &format!("carebook-{}", short_hash(plan_json.as_bytes())));
    context.insert("precache_json", &json(&plan.install));
    context.insert("sections_json", &json(&plan.sections));
    context.insert("on_demand_json", &json(&plan.on_demand));
    context.insert("precache_budget", &plan.budget);
    context.insert("base_path", &config.base_path);
    context.insert("offline_url", &format!("{}offline/", config.base_path));
    context.insert("not_found_url", &format!("{}{NOT_FOUND_PAGE}", config.base_path));
    context.insert("offline_pages_json", &offline_pages_json(config));
    let worker = input.tera.render(SERVICE_WORKER, &context).map_err(|source| {
        BuildError::TemplateRender {
            name: SERVICE_WORKER.into(),
            page: SERVICE_WORKER.into(),
            source,
        }
    })?;
    files.push((SERVICE_WORKER.to_string(), worker.into_bytes()));
    Ok(files)
}

fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".into())
}

/// What the service worker saves, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrecachePlan {
    /// Saved on install, all or nothing, in path order.
    pub install: Vec<PrecacheEntry>,
    /// Saved on install up to `budget` bytes, the patient's section first;
    /// empty when everything fits (then it is all in `install`).
    pub sections: Vec<SectionFiles>,
    /// URLs of files of the build kept only once fetched.
    pub on_demand: Vec<String>,
    pub budget: u64,
}

/// The budgeted files of one top-level section (`/prepare/`), or of a
/// language's home for the pages and files outside any section; sections
/// with pages come first, in URL order, then folders of files only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionFiles {
    /// The section's URL: the files' URLs start with it.
    pub scope: String,
    /// Its language's home page, `/` or `/es/`.
    pub home: String,
    /// `[url, bytes]`, in URL order (the section's own page first).
    pub files: Vec<(String, u64)>,
}

/// Sorts the output into install, budgeted sections and on demand.
pub fn plan_precache(entries: &[OutputEntry], input: &OfflineInput) -> PrecachePlan {
    let config = input.config;
    let base = config.base_path.as_str();
    let homes = language_prefixes(config);
    let mut install = Vec::new();
    let mut pool = Vec::new();
    let mut on_demand = Vec::new();
    for entry in entries {
        if NOT_PRECACHED.contains(&entry.path.as_str()) {
            continue;
        }
        let url = format!("{base}{}", entry.path.strip_suffix("index.html").unwrap_or(&entry.path));
        if input.not_precached.contains(&entry.path) {
            on_demand.push(url);
        } else if is_shell(&entry.path, config, &homes)
            || input.always_precached.contains(&entry.path)
        {
            install.push(PrecacheEntry { url, revision: entry.revision.clone() });
        } else {
            pool.push((entry, url));
        }
    }
    let budget = config.offline.precache_budget;
    let mut sections = Vec::new();
    if pool.iter().map(|(entry, _)| entry.len).sum::<u64>() <= budget {
        install.extend(
            pool.into_iter().map(|(e, url)| PrecacheEntry { url, revision: e.revision.clone() }),
        );
    } else {
        sections = group_by_section(entries, pool, base, &homes);
    }
    install.sort_by(|a, b| a.url.cmp(&b.url));
    on_demand.sort();
    PrecachePlan { install, sections, on_demand, budget }
}

/// Each language's output prefix (`es/`), longest first, the default's
/// (empty) last.
fn language_prefixes(config: &Config) -> Vec<String> {
    let mut prefixes: Vec<String> = config
        .languages
        .iter()
        .map(|language| {
            let home = config.language_base_path(&language.code);
            home.strip_prefix(config.base_path.as_str()).unwrap_or_default().to_string()
        })
        .collect();
    prefixes.sort_by_key(|prefix| std::cmp::Reverse(prefix.len()));
    prefixes
}

/// The files every page needs, and the pages a patient needs to find their
/// way offline: each language's home, offline page and search list, the
/// 404 page.
fn is_shell(path: &str, config: &Config, prefixes: &[String]) -> bool {
    const SHELL_EXTENSIONS: &[&str] = &["css", "js", "mjs", "webmanifest", "woff", "woff2", "ico"];
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    let logo = config.clinic.logo.as_ref().map(|(logo, _)| logo.as_str());
    let prefix = prefixes.iter().find(|p| path.starts_with(p.as_str())).map_or("", String::as_str);
    let rest = &path[prefix.len()..];
    SHELL_EXTENSIONS.contains(&extension)
        || path.starts_with("icons/")
        || Some(path) == logo
        || path == NOT_FOUND_PAGE
        || ["index.html", "offline/index.html", "search-index.json"].contains(&rest)
}

/// Groups the budgeted files by top-level section, in URL order. A file
/// outside any section (a page at the root, a file beside the home page)
/// goes with its language's home.
fn group_by_section(
    entries: &[OutputEntry],
    pool: Vec<(&OutputEntry, String)>,
    base: &str,
    prefixes: &[String],
) -> Vec<SectionFiles> {
    // A folder is a section when it holds more than its own page.
    let mut files_in: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in entries {
        let prefix = prefixes.iter().find(|p| entry.path.starts_with(p.as_str()));
        let rest = &entry.path[prefix.map_or(0, String::len)..];
        if let Some((folder, _)) = rest.split_once('/') {
            let end = entry.path.len() - rest.len() + folder.len() + 1;
            *files_in.entry(&entry.path[..end]).or_default() += 1;
        }
    }
    let mut sections: BTreeMap<String, SectionFiles> = BTreeMap::new();
    for (entry, url) in pool {
        let prefix = prefixes.iter().find(|p| entry.path.starts_with(p.as_str()));
        let prefix = prefix.map_or("", String::as_str);
        let rest = &entry.path[prefix.len()..];
        let folder =
            rest.split_once('/').map(|(folder, _)| &entry.path[..=prefix.len() + folder.len()]);
        let scope = match folder {
            Some(folder) if files_in.get(folder).copied().unwrap_or(0) > 1 => folder,
            _ => prefix,
        };
        let home = format!("{base}{prefix}");
        let group = sections.entry(scope.to_string()).or_insert_with(|| SectionFiles {
            scope: format!("{base}{scope}"),
            home,
            files: Vec::new(),
        });
        group.files.push((url, entry.len));
    }
    let mut sections: Vec<SectionFiles> = sections.into_values().collect();
    for section in &mut sections {
        section.files.sort();
    }
    // Groups of files only (the search parts, a folder of downloads) after
    // the sections with pages: a page is worth more offline than a part of
    // an index, and a patient at the home page has no section yet.
    sections.sort_by_key(|section| !section.files.iter().any(|(url, _)| url.ends_with('/')));
    sections
}

/// The budgeted URLs a first visit at `client_url` saves: the section it
/// is in first (the longest scope it starts with), then the other sections
/// of its language, then the rest, each file that still fits the budget.
/// `templates/sw.js` does the same with the pages open at install.
#[cfg(test)]
pub fn choose_within_budget<'a>(plan: &'a PrecachePlan, client_url: &str) -> Vec<&'a str> {
    let current = plan
        .sections
        .iter()
        .filter(|s| client_url.starts_with(&s.scope))
        .max_by_key(|s| s.scope.len());
    // The language of the page: the longest home it is under.
    let home = plan
        .sections
        .iter()
        .map(|s| s.home.as_str())
        .filter(|home| client_url.starts_with(home))
        .max_by_key(|home| home.len());
    let rank = |s: &SectionFiles| {
        if Some(s) == current {
            0
        } else if Some(s.home.as_str()) == home {
            1
        } else {
            2
        }
    };
    let mut ordered: Vec<&SectionFiles> = plan.sections.iter().collect();
    ordered.sort_by_key(|s| rank(s));
    let mut left = plan.budget;
    let mut chosen = Vec::new();
    for (url, len) in ordered.into_iter().flat_map(|s| &s.files) {
        if *len <= left {
            left -= len;
            chosen.push(url.as_str());
        }
    }
    chosen
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

fn render_manifest(exists: impl Fn(&str) -> bool, config: &Config) -> String {
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
            .filter(|(path, _, _)| exists(path))
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

/// The first ten hex digits of the SHA-256 of `bytes`.
pub fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().take(5).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::config::{ConfigOverrides, parse_config};

    fn config(extra: &str) -> Config {
        let text = format!(
            "title = \"G\"\nbase_url = \"https://e.org/help/\"\n[clinic]\nlogo = \"logo.svg\"\n{extra}"
        );
        parse_config(std::path::Path::new("/site"), &text, &ConfigOverrides::default()).unwrap()
    }

    const TWO_LANGUAGES: &str =
        "[languages.en]\nname = \"English\"\n[languages.es]\nname = \"Español\"\n";

    /// A site of `(path, size)` files, journal pages marked `always`.
    fn entries(files: &[(&str, u64)]) -> Vec<OutputEntry> {
        files
            .iter()
            .map(|(path, len)| OutputEntry {
                path: path.to_string(),
                len: *len,
                revision: short_hash(path.as_bytes()),
            })
            .collect()
    }

    fn plan(files: &[(&str, u64)], extra: &str, always: &[&str], not: &[&str]) -> PrecachePlan {
        let config = config(extra);
        let tera = Tera::default();
        let always: BTreeSet<String> = always.iter().map(|s| (*s).to_string()).collect();
        let not_precached: BTreeSet<String> = not.iter().map(|s| (*s).to_string()).collect();
        let input = OfflineInput {
            config: &config,
            tera: &tera,
            always_precached: &always,
            not_precached: &not_precached,
        };
        plan_precache(&entries(files), &input)
    }

    fn install_urls(plan: &PrecachePlan) -> Vec<&str> {
        plan.install.iter().map(|e| e.url.as_str()).collect()
    }

    /// A guide of three sections: prepare (three pages), after (two) and
    /// intention (a journal), a root page, and the shell.
    const GUIDE: &[(&str, u64)] = &[
        ("index.html", 10),
        ("404.html", 10),
        ("offline/index.html", 10),
        ("search-index.json", 1),
        ("search-index/p0.abc.json", 40),
        ("style.abc.css", 50),
        ("js/main.js", 20),
        ("icons/icon-192.png", 5),
        ("logo.svg", 3),
        ("manifest.webmanifest", 1),
        ("sitemap.xml", 9),
        ("robots.txt", 1),
        ("_headers", 1),
        ("about/index.html", 30),
        ("after/index.html", 20),
        ("after/call/index.html", 30),
        ("intention/index.html", 20),
        ("intention/set/index.html", 500),
        ("prepare/index.html", 20),
        ("prepare/gather/index.html", 30),
        ("prepare/photo.abc-480.png", 60),
        ("prepare/photo.abc.png", 900),
        ("prepare/room/index.html", 30),
    ];
    const SHELL: &[&str] = &[
        "/help/",
        "/help/404.html",
        "/help/icons/icon-192.png",
        "/help/intention/set/",
        "/help/js/main.js",
        "/help/logo.svg",
        "/help/manifest.webmanifest",
        "/help/offline/",
        "/help/search-index.json",
        "/help/style.abc.css",
    ];

    #[test]
    fn a_small_site_is_precached_whole_with_pretty_urls() {
        let plan = plan(GUIDE, "", &["intention/set/index.html"], &["prepare/photo.abc.png"]);
        assert!(plan.sections.is_empty());
        assert_eq!(plan.on_demand, ["/help/prepare/photo.abc.png"]);
        let urls = install_urls(&plan);
        // Everything but crawler files, the worker, and the wide image.
        assert_eq!(urls.len(), GUIDE.len() - 4, "{urls:?}");
        assert!(urls.contains(&"/help/prepare/gather/"));
        assert!(urls.contains(&"/help/search-index/p0.abc.json"));
        assert!(!urls.iter().any(|u| u.ends_with("sitemap.xml") || u.ends_with("_headers")));
        // Exactly the budget still fits: the pool (pages, search parts,
        // images) is 40 + 30 + 20 + 30 + 20 + 20 + 30 + 60 + 30 = 280 bytes.
        let exact = plan_budget(GUIDE, 280);
        assert!(exact.sections.is_empty());
        assert!(!plan_budget(GUIDE, 279).sections.is_empty());
    }

    fn plan_budget(files: &[(&str, u64)], budget: u64) -> PrecachePlan {
        let extra = format!("[offline]\nprecache_budget = {budget}\n");
        plan(files, &extra, &["intention/set/index.html"], &["prepare/photo.abc.png"])
    }

    #[test]
    fn budget_zero_precaches_the_shell_and_the_journals_only() {
        let plan = plan_budget(GUIDE, 0);
        assert_eq!(install_urls(&plan), SHELL);
        assert!(choose_within_budget(&plan, "/help/prepare/gather/").is_empty());
        // The journal is saved although it alone is larger than any budget here.
        assert!(install_urls(&plan_budget(GUIDE, 100)).contains(&"/help/intention/set/"));
    }

    #[test]
    fn budgeted_files_are_grouped_by_top_level_section() {
        let plan = plan_budget(GUIDE, 100);
        let scopes: Vec<(&str, Vec<&str>)> = plan
            .sections
            .iter()
            .map(|s| (s.scope.as_str(), s.files.iter().map(|(u, _)| u.as_str()).collect()))
            .collect();
        assert_eq!(
            scopes,
            [
                // A page with no pages under it, and a folder of one file,
                // belong with the home page.
                ("/help/", vec!["/help/about/", "/help/search-index/p0.abc.json"]),
                ("/help/after/", vec!["/help/after/", "/help/after/call/"]),
                ("/help/intention/", vec!["/help/intention/"]),
                (
                    "/help/prepare/",
                    vec![
                        "/help/prepare/",
                        "/help/prepare/gather/",
                        "/help/prepare/photo.abc-480.png",
                        "/help/prepare/room/"
                    ]
                ),
            ]
        );
    }

    #[test]
    fn the_current_section_comes_first_within_the_budget() {
        let plan = plan_budget(GUIDE, 100);
        // In prepare/: its pages and image (140 bytes) do not all fit in
        // 100; its pages do (80), and then the first of the next section.
        assert_eq!(
            choose_within_budget(&plan, "/help/prepare/room/"),
            ["/help/prepare/", "/help/prepare/gather/", "/help/prepare/room/", "/help/after/"]
        );
        // In after/: its two pages (50), then the others in order while they fit.
        assert_eq!(
            choose_within_budget(&plan, "/help/after/"),
            ["/help/after/", "/help/after/call/", "/help/about/", "/help/intention/"]
        );
        // At the home page: the home's group, then every section in order.
        assert_eq!(
            choose_within_budget(&plan, "/help/"),
            ["/help/about/", "/help/search-index/p0.abc.json", "/help/after/"]
        );
    }

    #[test]
    fn search_parts_come_after_the_pages_of_every_section() {
        // "search-index" sorts before "tasks" and "visit".
        let files: &[(&str, u64)] = &[
            ("index.html", 10),
            ("tasks/index.html", 20),
            ("tasks/a/index.html", 20),
            ("visit/index.html", 20),
            ("visit/a/index.html", 20),
            ("search-index/p0.abc.json", 30),
            ("search-index/p1.abc.json", 30),
        ];
        let plan = plan(files, "[offline]\nprecache_budget = 100\n", &[], &[]);
        let scopes: Vec<&str> = plan.sections.iter().map(|s| s.scope.as_str()).collect();
        assert_eq!(scopes, ["/help/tasks/", "/help/visit/", "/help/search-index/"]);
        // At the home page (no section): pages first, then what still fits.
        assert_eq!(
            choose_within_budget(&plan, "/help/"),
            ["/help/tasks/", "/help/tasks/a/", "/help/visit/", "/help/visit/a/"]
        );
    }

    #[test]
    fn each_language_has_its_shell_and_its_sections_first() {
        let files: &[(&str, u64)] = &[
            ("index.html", 10),
            ("offline/index.html", 10),
            ("es/index.html", 10),
            ("es/offline/index.html", 10),
            ("es/search-index.json", 1),
            ("prepare/index.html", 40),
            ("prepare/a/index.html", 40),
            ("es/prepare/index.html", 40),
            ("es/prepare/a/index.html", 40),
            ("es/after/index.html", 40),
            ("es/after/a/index.html", 40),
        ];
        let extra = format!("{TWO_LANGUAGES}[offline]\nprecache_budget = \"0.12 kB\"\n");
        let plan = plan(files, &extra, &[], &[]);
        assert_eq!(
            install_urls(&plan),
            [
                "/help/",
                "/help/es/",
                "/help/es/offline/",
                "/help/es/search-index.json",
                "/help/offline/"
            ]
        );
        let scopes: Vec<&str> = plan.sections.iter().map(|s| s.scope.as_str()).collect();
        assert_eq!(scopes, ["/help/es/after/", "/help/es/prepare/", "/help/prepare/"]);
        assert_eq!(
            choose_within_budget(&plan, "/help/es/prepare/a/"),
            ["/help/es/prepare/", "/help/es/prepare/a/", "/help/es/after/"]
        );
    }

    #[test]
    fn revisions_follow_content_and_the_cache_name_the_plan() {
        assert_ne!(
            OutputEntry::of("a.css", b"1").revision,
            OutputEntry::of("a.css", b"2").revision
        );
        assert_eq!(OutputEntry::of("a.css", b"1").len, 1);
        let one = serde_json::to_string(&plan_budget(GUIDE, 100)).unwrap();
        let two = serde_json::to_string(&plan_budget(GUIDE, 200)).unwrap();
        assert_ne!(one, two, "a new budget is a new cache");
    }

    #[test]
    fn the_worker_template_gets_the_plan() {
        let config = config("[offline]\nprecache_budget = 100\n");
        let mut tera = Tera::default();
        tera.add_raw_template(
            SERVICE_WORKER,
            "{{ precache_budget }}|{{ sections_json | safe }}|{{ on_demand_json | safe }}",
        )
        .unwrap();
        let always = BTreeSet::from(["intention/set/index.html".to_string()]);
        let not_precached = BTreeSet::from(["prepare/photo.abc.png".to_string()]);
        let input = OfflineInput {
            config: &config,
            tera: &tera,
            always_precached: &always,
            not_precached: &not_precached,
        };
        let files = add_offline_support(&entries(GUIDE), &input).unwrap();
        assert_eq!(files[0].0, MANIFEST);
        let worker = String::from_utf8(files[1].1.clone()).unwrap();
        assert!(
            worker.starts_with(
                "100|[{\"scope\":\"/help/\",\"home\":\"/help/\",\"files\":[[\"/help/about/\",30],"
            ),
            "{worker}"
        );
        assert!(worker.ends_with("|[\"/help/prepare/photo.abc.png\"]"), "{worker}");
    }
}
