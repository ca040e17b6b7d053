//! Stage 2: [`Sources`](crate::source::discover::Sources) become the site
//! model, one [`Site`](model::Site) per language. Each file's front matter
//! and body are parsed, translations paired with their originals, Markdown,
//! prompts and checklists rendered to HTML fragments, and the whole checked:
//! links, anchors, images, reserved addresses.

pub(crate) mod checklist;
pub(crate) mod frontmatter;
pub(crate) mod html;
pub(crate) mod images;
pub(crate) mod markdown;
pub(crate) mod memo;
pub(crate) mod model;
pub(crate) mod prompts;
pub(crate) mod rawhtml;
pub(crate) mod translations;
pub(crate) mod validate;
pub(crate) mod worksheets;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::checklist::parse_checklist;
use crate::content::frontmatter::{PageKind, ParsedDoc, parse_document, parse_document_owned};
use crate::content::images::{ImageFiles, ImageSource, check_images};
use crate::content::markdown::{RenderedDoc, RouteTable, render_with_shortcodes};
use crate::content::memo::{
    DocumentKey, DocumentMemo, RenderedBody, document_fingerprint, routes_fingerprint,
};
use crate::content::model::{
    RenderedDocument, Site, Worksheet, assign_routes, build_model, url_from_path,
};
use crate::content::prompts::parse_prompts;
use crate::content::translations::{LanguageDocs, split_translations, translation_suffix};
use crate::content::validate::{check_reserved_addresses, validate_site};
use crate::diagnostic::Diagnostic;
use crate::source::config::Config;
use crate::source::discover::Sources;
use crate::source::files::SourceFile;

/// The site model: what the content stage made of the sources.
#[derive(Debug, Default)]
pub struct Content {
    /// One site per language, in the order of `config.languages`; `None`
    /// where errors kept the model from being built.
    pub sites: Vec<Option<Site>>,
    /// Every parsed document, the default language's and each translation.
    pub docs: LanguageDocs,
    /// Every problem found so far, warnings included.
    pub diagnostics: Vec<Diagnostic>,
    /// The image files pages show, for `render::images` to publish.
    pub used_images: BTreeSet<ImageSource>,
    /// Content paths of the drafts left out, to explain links to them.
    pub drafts: Vec<String>,
    /// A preview's rendered body of each document, for the next preview.
    pub documents: DocumentMemo,
}

/// Which rendered documents to reuse and whether to keep this build's: a
/// preview keeps them (`serve`); a published build renders everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reuse<'a> {
    pub last: Option<&'a DocumentMemo>,
    pub keep: bool,
}

/// Stage 2: parses every file, pairs translations with their originals, and
/// builds and validates each language's site. Problems are collected in
/// [`Content::diagnostics`], never thrown, so one run reports them all.
///
/// `texts` are the Markdown files of `sources`: borrowed where they are
/// kept (`serve` reads only what changed next time), owned in a build,
/// where each text becomes its document's body instead of being copied.
pub fn build(
    config: &Config,
    sources: &Sources,
    texts: Cow<[SourceFile]>,
    template_names: &BTreeSet<String>,
    reuse: Reuse,
) -> Content {
    let mut diagnostics = sources.diagnostics.clone();
    let all_paths: Vec<String> = texts.iter().map(|f| f.content_path.clone()).collect();
    // Nothing reads the Markdown after this stage in a build: each body is
    // dropped once its last language has rendered it.
    let drop_bodies = matches!(texts, Cow::Owned(_)) && !reuse.keep;
    let (docs, unparsed, drafts) = parse_all(texts, config.include_drafts, &mut diagnostics);
    let all_paths: Vec<&str> = all_paths.iter().map(String::as_str).collect();
    let (mut docs, split_diagnostics) = split_translations(docs, &all_paths, config);
    diagnostics.extend(split_diagnostics);
    let image_files = ImageFiles {
        statics: &sources.statics,
        beside: &sources.beside,
        base_path: &config.base_path,
    };
    let mut used_images = BTreeSet::new();
    let mut documents = DocumentMemo::new();
    let mut sites = Vec::with_capacity(config.languages.len());
    for (i, language) in config.languages.iter().enumerate() {
        let last_language = i + 1 == config.languages.len();
        let bodies = (drop_bodies && last_language).then(|| take_bodies(&mut docs, &language.code));
        let tree = LanguageTree {
            config,
            code: &language.code,
            docs: &docs,
            unparsed: &unparsed,
            images: &image_files,
        };
        let memo = Memo { last: reuse.last, keep: reuse.keep.then_some(&mut documents) };
        let mut found = Found { diagnostics: &mut diagnostics, images: &mut used_images };
        sites.push(build_language(
            &tree,
            bodies,
            template_names,
            &sources.statics,
            memo,
            &mut found,
        ));
    }
    Content { sites, docs, diagnostics, used_images, drafts, documents }
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
    last: Option<&'a DocumentMemo>,
    keep: Option<&'a mut DocumentMemo>,
}

/// Stages 4 to 6 for one language: every page of the default language,
/// each replaced by its translation where there is one, published under
/// the language's base path (`/es/`). Content paths stay the original's,
/// so links between pages stay inside the language.
///
/// `bodies`, when given, are the Markdown bodies of this language's
/// documents, taken out of `tree.docs` (in the order of the documents it
/// uses): each is dropped as soon as its document is rendered.
fn build_language(
    tree: &LanguageTree,
    bodies: Option<Vec<String>>,
    template_names: &BTreeSet<String>,
    statics: &BTreeMap<String, Vec<u8>>,
    memo: Memo,
    found: &mut Found,
) -> Option<Site> {
    let config = tree.config;
    let translations = tree.docs.translations.get(tree.code);
    let translated = |path: &str| translations.is_some_and(|t| t.contains_key(path));
    // Each document of this language, read with its body; the model keeps
    // a copy without it.
    let sources: Vec<&ParsedDoc> = tree
        .docs
        .originals
        .iter()
        .map(|doc| translations.and_then(|t| t.get(&doc.content_path)).unwrap_or(doc))
        .collect();
    let docs: Vec<ParsedDoc> = sources.iter().map(|doc| doc.without_body()).collect();
    let routes = language_routes(tree, &docs, statics, found.diagnostics);
    let (rendered, images) = render_language(tree, &sources, docs, bodies, &routes, memo);
    for (_, doc, _) in &rendered {
        found.diagnostics.extend(doc.diagnostics.iter().cloned());
    }
    for page in images.into_iter().flatten() {
        found.diagnostics.extend(page.diagnostics);
        found.images.extend(page.used);
    }
    match build_model(rendered, &routes) {
        Ok(mut site) => {
            site.set_languages(tree.code, &config.language, translated);
            found.diagnostics.extend(validate_site(&site, template_names, statics));
            forget_link_targets(&mut site);
            Some(site)
        }
        Err(errors) => {
            found.diagnostics.extend(errors);
            None
        }
    }
}

/// Stage 4 for the documents of one language, and the images they show:
/// each document in `docs` (a copy of `sources` without its body) with
/// its rendered body and worksheet.
fn render_language(
    tree: &LanguageTree,
    sources: &[&ParsedDoc],
    docs: Vec<ParsedDoc>,
    bodies: Option<Vec<String>>,
    routes: &RouteTable,
    memo: Memo,
) -> (Vec<RenderedDocument>, Vec<Option<images::PageImages>>) {
    if let Some(bodies) = bodies {
        return docs
            .into_par_iter()
            .zip(bodies)
            .map(|(mut doc, body)| {
                doc.body = body;
                let images = check_document_images(&doc, routes, tree.images);
                let (rendered, worksheet) = render_document(&doc, routes);
                doc.body = String::new();
                ((doc, rendered, worksheet), images)
            })
            .unzip();
    }
    let docs: Vec<(&ParsedDoc, ParsedDoc)> = sources.iter().copied().zip(docs).collect();
    let rendered = match memo.keep {
        None => docs
            .into_par_iter()
            .map(|(source, doc)| {
                let (rendered, worksheet) = render_document(source, routes);
                (doc, rendered, worksheet)
            })
            .collect(),
        Some(keep) => render_documents_memoised(docs, routes, tree.code, memo.last, keep),
    };
    let images =
        sources.par_iter().map(|doc| check_document_images(doc, routes, tree.images)).collect();
    (rendered, images)
}

/// Drops what only the checks of links read (every page's links and the
/// ids they may point at) and the problems already collected: the later
/// stages never read them, and at 10,000 pages they were a sixth of what
/// the site model holds while it is rendered (issue #13).
fn forget_link_targets(site: &mut Site) {
    let sections = site.sections.iter_mut().map(|s| &mut s.entry);
    for entry in sections.chain(site.pages.iter_mut().map(|p| &mut p.entry)) {
        let rendered = &mut entry.rendered;
        rendered.anchors = Default::default();
        rendered.links = Vec::new();
        rendered.address_links = Vec::new();
        rendered.diagnostics = Vec::new();
    }
}

/// Issue #15: images are checked by every command, not only `check`.
fn check_document_images(
    doc: &ParsedDoc,
    routes: &RouteTable,
    files: &ImageFiles,
) -> Option<images::PageImages> {
    let url = routes.get(&doc.content_path)?;
    Some(check_images(doc, url, files))
}

/// The Markdown bodies of the documents `language` uses (its translation
/// where there is one, else the original), in the originals' order, taken
/// out of `docs`: what [`build_language`] reads for the last language of a
/// build.
fn take_bodies(docs: &mut LanguageDocs, language: &str) -> Vec<String> {
    let LanguageDocs { originals, translations } = docs;
    let mut translations = translations.get_mut(language);
    originals
        .iter_mut()
        .map(|doc| {
            let translated = translations.as_mut().and_then(|t| t.get_mut(&doc.content_path));
            std::mem::take(&mut translated.unwrap_or(doc).body)
        })
        .collect()
}

/// Every document's address in one language, with the problems of the
/// addresses themselves (two pages at one address, a reserved address).
fn language_routes(
    tree: &LanguageTree,
    docs: &[ParsedDoc],
    statics: &BTreeMap<String, Vec<u8>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> RouteTable {
    let config = tree.config;
    let base_path = config.language_base_path(tree.code);
    let (mut routes, route_diagnostics) = assign_routes(docs, &base_path);
    diagnostics.extend(route_diagnostics);
    diagnostics.extend(check_reserved_addresses(
        docs,
        &routes,
        (&config.base_path, &base_path),
        statics,
    ));
    // A file whose front matter failed to parse still exists: links to it
    // are not reported as broken on top of its own error.
    let declared: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    for path in tree.unparsed {
        if translation_suffix(path, &declared).is_none() {
            let url = url_from_path(path, None, &base_path);
            routes.entry(path.clone()).or_insert(url);
        }
    }
    routes
}

/// [`render_document`] for a preview: a document whose fingerprint (its
/// text, front matter and the routes) is unchanged since `last` reuses its
/// body from there. Every document's body is kept in `keep` for the next.
fn render_documents_memoised(
    docs: Vec<(&ParsedDoc, ParsedDoc)>,
    routes: &RouteTable,
    code: &str,
    last: Option<&DocumentMemo>,
    keep: &mut DocumentMemo,
) -> Vec<RenderedDocument> {
    let routes_hash = routes_fingerprint(routes);
    let rendered: Vec<(RenderedDocument, DocumentKey, Arc<RenderedBody>)> = docs
        .into_par_iter()
        .map(|(source, doc)| {
            let key = (code.to_string(), doc.content_path.clone());
            let fingerprint = document_fingerprint(source, routes_hash);
            let body =
                last.and_then(|last| memo::reuse(last, &key, fingerprint)).unwrap_or_else(|| {
                    let (rendered, worksheet) = render_document(source, routes);
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
    content: Cow<[SourceFile]>,
    include_drafts: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<ParsedDoc>, Vec<String>, Vec<String>) {
    let results: Vec<_> = match content {
        Cow::Borrowed(files) => files
            .par_iter()
            .map(|file| parse_document(file).map_err(|e| (e, file.content_path.clone())))
            .collect(),
        Cow::Owned(files) => files
            .into_par_iter()
            .map(|file| {
                let path = file.content_path.clone();
                parse_document_owned(file).map_err(|e| (e, path))
            })
            .collect(),
    };
    let mut docs = Vec::with_capacity(results.len());
    let mut unparsed = Vec::new();
    let mut drafts = Vec::new();
    for result in results {
        match result {
            Ok(doc) if doc.meta.draft && !include_drafts => drafts.push(doc.content_path),
            Ok(doc) => docs.push(doc),
            Err((errors, path)) => {
                diagnostics.extend(errors);
                unparsed.push(path);
            }
        }
    }
    (docs, unparsed, drafts)
}

/// A link to a draft is not to a missing file: say what it is, and how to
/// publish it (issue #15).
pub fn explain_drafts(diagnostics: &mut [Diagnostic], drafts: &[String]) {
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
