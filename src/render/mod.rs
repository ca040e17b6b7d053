//! Stage 3: the site model and the templates become every file of the
//! site: pages, worksheets, search indexes, sitemap, robots.txt, the
//! security headers, assets and images. Each file is handed to a
//! [`FileSink`] as soon as it is rendered (issue #13): a published build's
//! sink hashes and writes it, so the pages of a large site are never all
//! in memory at once; a preview's sink collects them ([`Collect`]).

pub(crate) mod assets;
pub(crate) mod contrast;
pub mod headers;
pub(crate) mod images;
pub mod memo;
pub mod pages;
pub mod search;
pub(crate) mod shortcodes;
pub(crate) mod sitemap;
pub(crate) mod template_text;
pub(crate) mod worksheets;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::Mutex;

use rayon::prelude::*;

/// Files of the rendered site, in memory: output path
/// (`prepare/gather/index.html`) to contents.
pub type OutputSet = BTreeMap<String, Vec<u8>>;

/// Where the render stage hands each file it makes, from several threads
/// at once.
pub trait FileSink: Sync {
    /// Takes the file at output path `path` (`prepare/gather/index.html`).
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), BuildError>;
}

/// A sink that keeps every file in memory: a preview, and tests.
#[derive(Debug, Default)]
pub struct Collect(Mutex<OutputSet>);

impl Collect {
    /// The files collected, by path.
    pub fn into_files(self) -> OutputSet {
        self.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl FileSink for Collect {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), BuildError> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(path, bytes);
        Ok(())
    }
}

/// A sink that keeps nothing: `check` renders every page for its problems
/// and needs none of the files.
#[derive(Debug, Default)]
pub struct Discard;

impl FileSink for Discard {
    fn put(&self, _path: String, _bytes: Vec<u8>) -> Result<(), BuildError> {
        Ok(())
    }
}

use tera::Tera;

use crate::content::Content;
use crate::content::images::ImageFiles;
use crate::content::memo::DocumentMemo;
use crate::content::model::Site;
use crate::content::translations::{TextFunction, UiText, load_ui_text};
use crate::content::validate::check_translations;
use crate::diagnostic::{Diagnostic, sort_diagnostics};
use crate::error::BuildError;
use crate::render::assets::{Assets, prepare_assets};
use crate::render::contrast::check_brand_colours;
use crate::render::headers::add_headers_file;
use crate::render::images::{CACHE_DIR, ImageCatalog, PublishOptions, publish_images};
use crate::render::memo::{RenderMemo, inputs_fingerprint};
use crate::render::pages::{Alternates, RenderInput, render_site};
use crate::render::search::{DeferredIndex, build_site_search_index};
use crate::render::shortcodes::{Shortcodes, render_shortcodes};
use crate::render::sitemap::{render_robots, render_sitemap};
use crate::source::config::{Config, Purpose};
use crate::source::discover::Sources;

/// The site model checked in full and ready to render: every language's
/// site, with what its pages need from the rest of the site.
#[derive(Debug)]
pub struct Prepared {
    pub sites: Vec<Site>,
    /// The theme's words, one per site.
    pub texts: Vec<UiText>,
    pub assets: Assets,
    pub images: ImageCatalog,
    /// The image files to publish.
    pub image_files: OutputSet,
    /// Warnings only: an error stops at [`prepare`].
    pub warnings: Vec<Diagnostic>,
    pub documents: DocumentMemo,
}

/// What rendering the site leaves besides its files (which went to the
/// [`FileSink`]).
#[derive(Debug)]
pub struct Rendered {
    /// Sections and pages rendered.
    pub page_count: usize,
    pub warnings: Vec<Diagnostic>,
    /// A preview's search indexes, built when first fetched (`serve`).
    pub deferred_search: Vec<DeferredIndex>,
    /// A preview's fingerprint of each rendered page (`memo`).
    pub fingerprints: HashMap<String, u64>,
    /// A preview's rendered body of each document (`content::memo`).
    pub documents: DocumentMemo,
    /// Output paths the service worker does not keep (`images`).
    pub not_precached: std::collections::BTreeSet<String>,
    /// Output paths it always keeps: journals, checklists, their print
    /// packs, "My answers" (`pages::worksheet_paths`).
    pub always_precached: std::collections::BTreeSet<String>,
}

/// Stage 3a: what the pages need before any is rendered (shortcodes, the
/// brand colours, assets, images), with the last checks that need them.
/// This is the gate: every problem of every stage so far is reported
/// together, sorted, and any error stops the build here.
pub fn prepare(
    config: &Config,
    sources: &Sources,
    tera: &Tera,
    content: Content,
    purpose: Purpose,
) -> Result<Prepared, BuildError> {
    let Content { mut sites, mut diagnostics, used_images, drafts, documents, .. } = content;
    let (texts, text_diagnostics) = load_ui_text(config, &sources.texts);
    diagnostics.extend(text_diagnostics);
    expand_shortcodes(&mut sites, &texts, sources, tera, &mut diagnostics);
    if let [Some(original), others @ ..] = sites.as_slice() {
        for site in others.iter().flatten() {
            diagnostics.extend(check_translations(original, site));
        }
    }
    // Issue #6: the clinic's colours never take text below 4.5:1, so a
    // colour the default theme cannot keep readable stops the build (with a
    // darker shade of the same hue to use instead) rather than publishing
    // an unreadable header band or links.
    diagnostics.extend(check_brand_colours(config));
    let assets = prepare_assets(&sources.statics, config).unwrap_or_else(|errors| {
        diagnostics.extend(errors);
        Assets::default()
    });
    crate::content::explain_drafts(&mut diagnostics, &drafts);
    let (mut images, image_files, image_diagnostics) = publish_images(&PublishOptions {
        files: ImageFiles {
            statics: &sources.statics,
            beside: &sources.beside,
            base_path: &config.base_path,
        },
        used: &used_images,
        cache_dir: Some(config.root.join(CACHE_DIR)),
        write_cache: purpose != Purpose::Check,
    });
    // Every page shows the logo: it stays available offline.
    if let Some((logo, _)) = &config.clinic.logo {
        images.not_precached.remove(logo);
    }
    diagnostics.extend(image_diagnostics);
    sort_diagnostics(&mut diagnostics);
    // A page not yet translated is rendered in every language: its
    // problems are found once per language but reported once.
    diagnostics.dedup();
    let sites: Vec<Site> = sites.into_iter().flatten().collect();
    if sites.len() != config.languages.len() || diagnostics.iter().any(Diagnostic::is_error) {
        return Err(BuildError::Content(diagnostics));
    }
    Ok(Prepared { sites, texts, assets, images, image_files, warnings: diagnostics, documents })
}

/// Renders the shortcodes of every site that has any, with the theme's
/// words of its language.
fn expand_shortcodes(
    sites: &mut [Option<Site>],
    texts: &[UiText],
    sources: &Sources,
    tera: &Tera,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let shortcodes = Shortcodes::of(&sources.templates);
    for (site, text) in sites.iter_mut().zip(texts) {
        let Some(site) = site else { continue };
        if site.entries().all(|entry| entry.rendered.shortcodes.is_empty()) {
            continue;
        }
        render_shortcodes(site, &shortcodes, &with_words(tera, text), diagnostics);
    }
}

/// The templates with `t()` reading the theme's words in one language.
fn with_words(tera: &Tera, text: &UiText) -> Tera {
    let mut tera = tera.clone();
    tera.register_function("t", TextFunction(text.clone()));
    tera
}

/// Stage 3b: every page of every language, and the files about the whole
/// site: search indexes (deferred in a preview), sitemap, robots.txt, the
/// security headers, assets and images, each handed to `sink`. A preview
/// reuses from `memo` each page whose fingerprint is unchanged.
pub fn render(
    config: &Config,
    sources: &Sources,
    tera: &Tera,
    prepared: Prepared,
    purpose: Purpose,
    memo: Option<&RenderMemo>,
    sink: &dyn FileSink,
) -> Result<Rendered, BuildError> {
    let Prepared { sites, texts, assets, images, image_files, warnings, documents } = prepared;
    let alternates = Alternates::of(&sites, config);
    let mut files = OutputSet::new();
    let mut index_prefixes = Vec::with_capacity(sites.len());
    let mut fingerprints = HashMap::new();
    let mut always_precached = std::collections::BTreeSet::new();
    let fingerprint_base =
        (purpose == Purpose::Preview).then(|| inputs_fingerprint(config, sources));
    for (site, text) in sites.iter().zip(&texts) {
        let tera = with_words(tera, text);
        let input = RenderInput {
            config,
            tera: &tera,
            stylesheet_url: &assets.stylesheet_url,
            logo_url: &assets.logo_url,
            text,
            alternates: &alternates,
            images: &images,
            fingerprint_base,
            memo,
        };
        fingerprints.extend(render_site(site, &input, sink)?);
        always_precached.extend(pages::worksheet_paths(site, config, &tera));
        // Each language's index beside its home page: `search-index.json`,
        // `es/search-index.json`.
        let home = config.language_base_path(&site.language);
        let prefix = home.strip_prefix(config.base_path.as_str()).unwrap_or_default();
        match purpose {
            Purpose::Publish => {
                build_site_search_index(site, prefix, &mut |path, bytes| sink.put(path, bytes))?;
            }
            Purpose::Preview | Purpose::Check => index_prefixes.push(prefix.to_string()),
        }
    }
    files.extend(assets.files);
    files.extend(image_files);
    add_site_files(&mut files, &sites, &alternates, config);
    // Written from a few threads: resized images can be most of the bytes.
    files.into_par_iter().try_for_each(|(path, bytes)| sink.put(path, bytes))?;
    let page_count = sites.iter().map(|s| s.sections.len() + s.pages.len()).sum();
    let deferred_search =
        index_prefixes.into_iter().zip(sites).map(|(p, s)| DeferredIndex::new(p, s)).collect();
    Ok(Rendered {
        page_count,
        warnings,
        deferred_search,
        fingerprints,
        documents,
        not_precached: images.not_precached,
        always_precached,
    })
}

/// The files about the whole site: the sitemap, robots.txt and the
/// security headers (`_headers`).
fn add_site_files(files: &mut OutputSet, sites: &[Site], alternates: &Alternates, config: &Config) {
    files.insert("sitemap.xml".into(), render_sitemap(sites, alternates, config).into_bytes());
    files.insert("robots.txt".into(), render_robots(config).into_bytes());
    add_headers_file(files, &config.base_path);
}
