//! The build pipeline, stage by stage:
//!
//! 1. `load_config`   site.toml + command line -> `Config`
//! 2. `discover`      `Config` -> `Sources` (content, templates, static files)
//! 3. `parse`         each `SourceFile` -> `ParsedDoc` (front matter + body)
//! 4. `assign_routes` + `render_markdown`: each `ParsedDoc` -> `RenderedDoc`
//! 5. `build_model`   rendered docs -> `Site` (sections and pages)
//! 6. `validate`      `&Site` -> diagnostics (anchors, templates, descriptions),
//!    and the brand colours' contrast (`check::contrast`)
//! 7. `render_site`   `&Site` + templates -> `OutputSet` (in memory), plus
//!    the sitemap, robots.txt, `_headers` (the security headers) and the
//!    search index (`search::build_search_index`)
//! 8. `postprocess`   minify HTML, then add the manifest and service worker
//! 9. `write_output`  stage beside the output folder, then swap it in
//!
//! Stages 3-8 are pure ([`render_output`]); `serve` and `check` reuse them.
//! A preview (`serve`) skips minifying, the service worker and the search
//! index (built when fetched), and reuses the Markdown and template output
//! its last build had for unchanged inputs (`render_memo`).
//! Content problems are collected from every stage and reported together.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tera::Tera;

use crate::content::checklist::parse_checklist;
use crate::content::frontmatter::PageKind;
use crate::content::frontmatter::{ParsedDoc, parse_document};
use crate::content::images::{ImageFiles, ImageSource, check_images};
use crate::content::markdown::{RenderedDoc, RouteTable, render_with_shortcodes};
use crate::content::model::{
    RenderedDocument, Site, Worksheet, assign_routes, build_model, url_from_path,
};
use crate::content::prompts::parse_prompts;
use crate::content::translations::{LanguageDocs, TextFunction, load_ui_text, split_translations};
use crate::content::validate::{check_reserved_addresses, check_translations, validate_site};
use crate::diagnostic::{Diagnostic, sort_diagnostics};
use crate::error::BuildError;
use crate::output::minify::minify_output;
use crate::output::offline::{add_manifest, add_offline_support};
use crate::output::write::{OutputSet, write_output};
use crate::render::assets::prepare_assets;
use crate::render::contrast::check_brand_colours;
use crate::render::headers::add_headers_file;
use crate::render::images::{PublishOptions, publish_images};
use crate::render::memo::{
    DocumentKey, RenderMemo, RenderedBody, document_fingerprint, inputs_fingerprint,
    routes_fingerprint,
};
use crate::render::pages::{Alternates, RenderInput, load_templates, render_site, template_names};
use crate::render::search::{
    DeferredIndex, INDEX_FILE, build_search_index, is_search_file, search_documents,
};
use crate::render::shortcodes::{Shortcodes, render_shortcodes};
use crate::render::sitemap::{render_robots, render_sitemap};
use crate::source::config::{Config, ConfigOverrides, load_config};
use crate::source::discover::{Sources, discover};

/// What `carebook build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site's folder (holds site.toml).
    pub root: PathBuf,
    /// Where to write; `public/` in the site's folder by default.
    pub output: Option<PathBuf>,
    pub include_drafts: bool,
    /// Replaces `base_url` from site.toml.
    pub base_url: Option<String>,
}

/// A finished build in memory.
#[derive(Debug)]
pub struct SiteBuild {
    pub files: OutputSet,
    pub warnings: Vec<Diagnostic>,
    /// Sections and pages rendered.
    pub page_count: usize,
    /// A preview's search indexes, built when first fetched (`serve`); a
    /// published build has them in `files`.
    pub deferred_search: Vec<DeferredIndex>,
    /// A preview's fingerprint of each rendered page (`render_memo`).
    pub fingerprints: HashMap<String, u64>,
    /// A preview's rendered body of each document (`render_memo`).
    pub documents: HashMap<DocumentKey, Arc<RenderedBody>>,
}

/// What a successful `build` did.
#[derive(Debug)]
pub struct BuildReport {
    pub output_dir: PathBuf,
    pub page_count: usize,
    pub file_count: usize,
    /// Bytes of every search index (lists and parts), and of every HTML page, written.
    pub search_index_bytes: usize,
    /// The largest search index list and the largest part: a one-word
    /// search fetches about one of each (and the page parts of its results).
    pub search_list_bytes: usize,
    pub search_part_bytes: usize,
    pub html_bytes: usize,
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site and writes it to the output folder.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let overrides = ConfigOverrides {
        base_url: options.base_url.clone(),
        include_drafts: options.include_drafts,
    };
    let config = load_config(&options.root, &overrides)?;
    let sources = discover(&config)?;
    let built = render_output(&config, sources)?;
    let output_dir = options.output.clone().unwrap_or_else(|| config.default_output_dir());
    write_output(&built.files, &output_dir, &config.root)?;
    let bytes_of = |suffix: &str| -> usize {
        built.files.iter().filter(|(path, _)| path.ends_with(suffix)).map(|(_, b)| b.len()).sum()
    };
    Ok(BuildReport {
        output_dir,
        page_count: built.page_count,
        file_count: built.files.len(),
        search_index_bytes: built
            .files
            .iter()
            .filter(|(p, _)| is_search_file(p))
            .map(|(_, b)| b.len())
            .sum(),
        search_list_bytes: largest(&built.files, |p| p.ends_with(INDEX_FILE)),
        search_part_bytes: largest(&built.files, |p| is_search_file(p) && !p.ends_with(INDEX_FILE)),
        html_bytes: bytes_of(".html"),
        warnings: built.warnings,
    })
}

/// The size of the largest file whose path `keep` accepts.
fn largest(files: &OutputSet, keep: impl Fn(&str) -> bool) -> usize {
    files.iter().filter(|(p, _)| keep(p)).map(|(_, b)| b.len()).max().unwrap_or(0)
}

/// Runs the pure stages: from read files to the finished, minified output.
pub fn render_output(config: &Config, sources: Sources) -> Result<SiteBuild, BuildError> {
    let templates = load_templates(sources.templates.values())?;
    render_output_with(config, &sources, &templates, Purpose::Publish, None)
}

/// Whether to minify HTML, write the service worker and index the pages
/// for search now. `serve` skips all three: a preview needs no smaller
/// files, its pages never register the worker, its search indexes are
/// built when first fetched, and the three are most of the time of a
/// rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `carebook build`: minified, with the service worker.
    Publish,
    /// `carebook serve`: as rendered, without the service worker, the search
    /// indexes deferred ([`SiteBuild::deferred_search`]).
    Preview,
}

/// [`render_output`] for publishing or for a preview, with templates
/// already compiled from `sources.templates` (`serve` keeps them between
/// rebuilds when no template changed). A preview copies each page whose
/// fingerprint is unchanged from `memo`, the last preview.
pub fn render_output_with(
    config: &Config,
    sources: &Sources,
    tera: &Tera,
    purpose: Purpose,
    memo: Option<&RenderMemo>,
) -> Result<SiteBuild, BuildError> {
    let mut diagnostics = sources.diagnostics.clone();
    let (docs, unparsed, drafts) =
        parse_all(&sources.content, config.include_drafts, &mut diagnostics);
    let all_paths: Vec<&str> = sources.content.iter().map(|f| f.content_path.as_str()).collect();
    let (docs, split_diagnostics) = split_translations(docs, &all_paths, config);
    diagnostics.extend(split_diagnostics);
    let (texts, text_diagnostics) = load_ui_text(config, &sources.texts);
    diagnostics.extend(text_diagnostics);

    let names = template_names(tera);
    let image_files = ImageFiles {
        statics: &sources.statics,
        beside: &sources.beside,
        base_path: &config.base_path,
    };
    let mut used_images = BTreeSet::new();
    let mut documents = HashMap::new();
    let preview = purpose == Purpose::Preview;
    let sites: Vec<Option<Site>> = config
        .languages
        .iter()
        .map(|language| {
            let tree = LanguageTree {
                config,
                code: &language.code,
                docs: &docs,
                unparsed: &unparsed,
                images: &image_files,
            };
            let memo = Memo { last: memo, keep: preview.then_some(&mut documents) };
            let mut found = Found { diagnostics: &mut diagnostics, images: &mut used_images };
            build_language(&tree, &names, &sources.statics, memo, &mut found)
        })
        .collect();
    let mut sites = sites;
    let shortcodes = Shortcodes::of(&sources.templates);
    for (site, text) in sites.iter_mut().zip(&texts) {
        let Some(site) = site else { continue };
        if site.entries().all(|entry| entry.rendered.shortcodes.is_empty()) {
            continue;
        }
        let mut tera = tera.clone();
        tera.register_function("t", TextFunction(text.clone()));
        render_shortcodes(site, &shortcodes, &tera, &mut diagnostics);
    }
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
    let assets = match prepare_assets(&sources.statics, config) {
        Ok(assets) => assets,
        Err(errors) => {
            diagnostics.extend(errors);
            Default::default()
        }
    };
    explain_drafts(&mut diagnostics, &drafts);
    let (mut images, image_outputs, image_diagnostics) = publish_images(&PublishOptions {
        files: image_files,
        used: &used_images,
        cache_dir: Some(config.root.join(crate::render::images::CACHE_DIR)),
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

    let alternates = Alternates::of(&sites, config);
    let mut files = OutputSet::new();
    let mut index_prefixes = Vec::with_capacity(sites.len());
    let mut fingerprints = HashMap::new();
    let fingerprint_base = match purpose {
        Purpose::Publish => None,
        Purpose::Preview => Some(inputs_fingerprint(config, sources)),
    };
    for (site, text) in sites.iter().zip(&texts) {
        let mut tera = tera.clone();
        tera.register_function("t", TextFunction(text.clone()));
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
        let rendered = render_site(site, &input)?;
        files.extend(rendered.files);
        fingerprints.extend(rendered.fingerprints);
        // Each language's index beside its home page: `search-index.json`,
        // `es/search-index.json`.
        let home = config.language_base_path(&site.language);
        let prefix = home.strip_prefix(config.base_path.as_str()).unwrap_or_default();
        match purpose {
            Purpose::Publish => {
                files.extend(build_search_index(&search_documents(site), &site.language, prefix));
            }
            Purpose::Preview => index_prefixes.push(prefix.to_string()),
        }
    }
    files.extend(assets.files);
    files.extend(image_outputs);
    files.insert("sitemap.xml".into(), render_sitemap(&sites, &alternates, config).into_bytes());
    files.insert("robots.txt".into(), render_robots(config).into_bytes());
    add_headers_file(&mut files, &config.base_path);
    match purpose {
        Purpose::Publish => {
            minify_output(&mut files);
            add_offline_support(&mut files, config, tera, &images.not_precached)?;
        }
        Purpose::Preview => add_manifest(&mut files, config),
    }
    let page_count = sites.iter().map(|s| s.sections.len() + s.pages.len()).sum();
    let deferred_search = match purpose {
        Purpose::Publish => Vec::new(),
        Purpose::Preview => {
            index_prefixes.into_iter().zip(sites).map(|(p, s)| DeferredIndex::new(p, s)).collect()
        }
    };
    Ok(SiteBuild {
        files,
        warnings: diagnostics,
        page_count,
        deferred_search,
        fingerprints,
        documents,
    })
}

/// What one language's tree of pages is made from.
struct LanguageTree<'a> {
    config: &'a Config,
    code: &'a str,
    docs: &'a LanguageDocs,
    /// Content paths of files whose front matter failed.
    unparsed: &'a [String],
    /// The files images may show.
    images: &'a ImageFiles<'a>,
}

/// What the stages of each language found: problems, and the image
/// files pages show.
struct Found<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    images: &'a mut BTreeSet<ImageSource>,
}

/// A preview's memo of rendered documents: the last one's, to reuse, and
/// where to keep this one's.
struct Memo<'a> {
    last: Option<&'a RenderMemo>,
    keep: Option<&'a mut HashMap<DocumentKey, Arc<RenderedBody>>>,
}

/// Stages 4 to 6 for one language: every page of the default language,
/// each replaced by its translation where there is one, published under
/// the language's base path (`/es/`). Content paths stay the original's,
/// so links between pages stay inside the language.
fn build_language(
    tree: &LanguageTree,
    template_names: &std::collections::BTreeSet<String>,
    statics: &std::collections::BTreeMap<String, Vec<u8>>,
    memo: Memo,
    found: &mut Found,
) -> Option<Site> {
    let config = tree.config;
    let diagnostics = &mut *found.diagnostics;
    let translations = tree.docs.translations.get(tree.code);
    let translated = |path: &str| translations.is_some_and(|t| t.contains_key(path));
    let docs: Vec<ParsedDoc> = tree
        .docs
        .originals
        .iter()
        .map(|doc| translations.and_then(|t| t.get(&doc.content_path)).unwrap_or(doc).clone())
        .collect();
    let base_path = config.language_base_path(tree.code);
    let (mut routes, route_diagnostics) = assign_routes(&docs, &base_path);
    diagnostics.extend(route_diagnostics);
    diagnostics.extend(check_reserved_addresses(
        &docs,
        &routes,
        (&config.base_path, &base_path),
        statics,
    ));
    // A file whose front matter failed to parse still exists: links to it
    // are not reported as broken on top of its own error.
    for path in tree.unparsed {
        let declared: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
        if crate::content::translations::translation_suffix(path, &declared).is_none() {
            let url = url_from_path(path, None, &base_path);
            routes.entry(path.clone()).or_insert(url);
        }
    }
    let rendered: Vec<RenderedDocument> = match memo.keep {
        None => docs
            .into_par_iter()
            .map(|doc| {
                let (rendered, worksheet) = render_document(&doc, &routes);
                (doc, rendered, worksheet)
            })
            .collect(),
        Some(keep) => render_documents_memoised(docs, &routes, tree.code, memo.last, keep),
    };
    for (_, doc, _) in &rendered {
        diagnostics.extend(doc.diagnostics.iter().cloned());
    }
    // Issue #15: images are checked by every command, not only `check`.
    let images: Vec<_> = rendered
        .par_iter()
        .filter_map(|(doc, _, _)| {
            let url = routes.get(&doc.content_path)?;
            Some(check_images(doc, url, tree.images))
        })
        .collect();
    for page in images {
        diagnostics.extend(page.diagnostics);
        found.images.extend(page.used);
    }
    match build_model(rendered, &routes) {
        Ok(mut site) => {
            site.set_languages(tree.code, &config.language, translated);
            diagnostics.extend(validate_site(&site, template_names, statics));
            Some(site)
        }
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    }
}

/// [`render_document`] for a preview: a document whose fingerprint (its
/// text, front matter and the routes) is unchanged since `last` reuses its
/// body from there. Every document's body is kept in `keep` for the next.
fn render_documents_memoised(
    docs: Vec<ParsedDoc>,
    routes: &RouteTable,
    code: &str,
    last: Option<&RenderMemo>,
    keep: &mut HashMap<DocumentKey, Arc<RenderedBody>>,
) -> Vec<RenderedDocument> {
    let routes_hash = routes_fingerprint(routes);
    let rendered: Vec<(RenderedDocument, DocumentKey, Arc<RenderedBody>)> = docs
        .into_par_iter()
        .map(|doc| {
            let key = (code.to_string(), doc.content_path.clone());
            let fingerprint = document_fingerprint(&doc, routes_hash);
            let body =
                last.and_then(|last| last.document(&key, fingerprint)).unwrap_or_else(|| {
                    let (rendered, worksheet) = render_document(&doc, routes);
                    Arc::new(RenderedBody { fingerprint, rendered, worksheet })
                });
            ((doc, body.rendered.clone(), body.worksheet.clone()), key, body)
        })
        .collect();
    rendered
        .into_iter()
        .map(|(document, key, body)| {
            keep.insert(key, body);
            document
        })
        .collect()
}

/// Stage 4 for one document: guidance is Markdown (with shortcodes);
/// prompts and checklists are read into their worksheet.
fn render_document(doc: &ParsedDoc, routes: &RouteTable) -> (RenderedDoc, Option<Worksheet>) {
    match doc.kind {
        PageKind::Guidance => (render_with_shortcodes(doc, routes), None),
        PageKind::Prompts(_) => {
            let (rendered, collection) = parse_prompts(doc, routes);
            (rendered, Some(Worksheet::Prompts(collection)))
        }
        PageKind::Checklist(_) => {
            let (rendered, checklist) = parse_checklist(doc, routes);
            (rendered, Some(Worksheet::Checklist(checklist)))
        }
    }
}

/// Parses every file in parallel; drafts are dropped unless asked for.
/// Returns the documents and the content paths of files that failed.
fn parse_all(
    content: &[crate::source::files::SourceFile],
    include_drafts: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<ParsedDoc>, Vec<String>, Vec<String>) {
    let results: Vec<_> = content.par_iter().map(parse_document).collect();
    let mut docs = Vec::with_capacity(results.len());
    let mut unparsed = Vec::new();
    let mut drafts = Vec::new();
    for (result, file) in results.into_iter().zip(content) {
        match result {
            Ok(doc) if doc.meta.draft && !include_drafts => drafts.push(doc.content_path),
            Ok(doc) => docs.push(doc),
            Err(errors) => {
                diagnostics.extend(errors);
                unparsed.push(file.content_path.clone());
            }
        }
    }
    (docs, unparsed, drafts)
}

/// A link to a draft is not to a missing file: say what it is, and how to
/// publish it (issue #15).
fn explain_drafts(diagnostics: &mut [Diagnostic], drafts: &[String]) {
    if drafts.is_empty() {
        return;
    }
    for diagnostic in diagnostics.iter_mut() {
        let Some(target) = diagnostic
            .message
            .strip_suffix(", which does not exist")
            .and_then(|m| m.rsplit_once(" content/"))
            .map(|(_, target)| target.to_string())
        else {
            continue;
        };
        if drafts.contains(&target) {
            diagnostic.message = diagnostic.message.replace(
                &format!("content/{target}, which does not exist"),
                &format!("content/{target}, which is a draft (draft = true) and is not published"),
            );
            diagnostic.hint = Some("remove draft = true from that page to publish it (or preview with carebook serve --drafts / build --drafts), or remove the link".into());
        }
    }
}
