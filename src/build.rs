//! The build pipeline, stage by stage:
//!
//! 1. `load_config`   site.toml + command line -> `Config`
//! 2. `discover`      `Config` -> `Sources` (content, templates, static files)
//! 3. `parse`         each `SourceFile` -> `ParsedDoc` (front matter + body)
//! 4. `assign_routes` + `render_markdown`: each `ParsedDoc` -> `RenderedDoc`
//! 5. `build_model`   rendered docs -> `Site` (sections and pages)
//! 6. `validate`      `&Site` -> diagnostics (anchors, templates, descriptions)
//! 7. `render_site`   `&Site` + templates -> `OutputSet` (in memory), plus
//!    sitemap.xml, robots.txt and `_headers` (the security headers)
//! 8. `postprocess`   minify HTML, then add the manifest and service worker
//! 9. `write_output`  stage beside the output folder, then swap it in
//!
//! Stages 3-8 are pure ([`render_output`]); `serve` and `check` reuse them.
//! Content problems are collected from every stage and reported together.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::assets::prepare_assets;
use crate::checklist::parse_checklist;
use crate::config::{Config, ConfigOverrides, load_config};
use crate::diagnostic::{Diagnostic, sort_diagnostics};
use crate::discover::{Sources, discover};
use crate::error::BuildError;
use crate::frontmatter::PageKind;
use crate::frontmatter::{ParsedDoc, parse_document};
use crate::markdown::{RenderedDoc, RouteTable, render_with_shortcodes};
use crate::model::{RenderedDocument, Worksheet, assign_routes, build_model, url_from_path};
use crate::offline::{add_manifest, add_offline_support};
use crate::output::{OutputSet, write_output};
use crate::postprocess::minify_output;
use crate::prompts::parse_prompts;
use crate::render::{RenderInput, load_templates, render_site, template_names};
use crate::security::add_headers_file;
use crate::sitemap::{render_robots, render_sitemap};
use crate::validate::validate_site;

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
}

/// What a successful `build` did.
#[derive(Debug)]
pub struct BuildReport {
    pub output_dir: PathBuf,
    pub page_count: usize,
    pub file_count: usize,
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
    Ok(BuildReport {
        output_dir,
        page_count: built.page_count,
        file_count: built.files.len(),
        warnings: built.warnings,
    })
}

/// Runs the pure stages: from read files to the finished, minified output.
pub fn render_output(config: &Config, sources: Sources) -> Result<SiteBuild, BuildError> {
    render_output_with(config, sources, Purpose::Publish)
}

/// Whether to minify HTML and write the service worker. `serve` skips both:
/// a preview needs no smaller files, its pages never register the worker,
/// and the two are most of the time of a rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `carebook build`: minified, with the service worker.
    Publish,
    /// `carebook serve`: as rendered, without the service worker.
    Preview,
}

/// [`render_output`] for publishing or for a preview.
pub fn render_output_with(
    config: &Config,
    sources: Sources,
    purpose: Purpose,
) -> Result<SiteBuild, BuildError> {
    let mut diagnostics = sources.diagnostics;
    let (docs, unparsed) = parse_all(&sources.content, config.include_drafts, &mut diagnostics);

    let (mut routes, route_diagnostics) = assign_routes(&docs, &config.base_path);
    diagnostics.extend(route_diagnostics);
    // A file whose front matter failed to parse still exists: links to it
    // are not reported as broken on top of its own error.
    for path in unparsed {
        let url = url_from_path(&path, None, &config.base_path);
        routes.entry(path).or_insert(url);
    }
    let rendered: Vec<RenderedDocument> = docs
        .into_par_iter()
        .map(|doc| {
            let (rendered, worksheet) = render_document(&doc, &routes);
            (doc, rendered, worksheet)
        })
        .collect();
    for (_, doc, _) in &rendered {
        diagnostics.extend(doc.diagnostics.iter().cloned());
    }

    let tera = load_templates(sources.templates.values())?;
    let site = match build_model(rendered, &routes) {
        Ok(site) => Some(site),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    if let Some(site) = &site {
        diagnostics.extend(validate_site(site, &template_names(&tera)));
    }
    let assets = match prepare_assets(&sources.statics, config) {
        Ok(assets) => assets,
        Err(errors) => {
            diagnostics.extend(errors);
            Default::default()
        }
    };
    sort_diagnostics(&mut diagnostics);
    let site = match site {
        Some(site) if !diagnostics.iter().any(Diagnostic::is_error) => site,
        _ => return Err(BuildError::Content(diagnostics)),
    };

    let input = RenderInput {
        config,
        tera: &tera,
        stylesheet_url: &assets.stylesheet_url,
        logo_url: &assets.logo_url,
    };
    let mut files = render_site(&site, &input)?;
    files.extend(assets.files);
    files.insert("sitemap.xml".into(), render_sitemap(&site, config).into_bytes());
    files.insert("robots.txt".into(), render_robots(config).into_bytes());
    add_headers_file(&mut files, &config.base_path);
    match purpose {
        Purpose::Publish => {
            minify_output(&mut files);
            add_offline_support(&mut files, config, &tera)?;
        }
        Purpose::Preview => add_manifest(&mut files, config),
    }
    Ok(SiteBuild {
        files,
        warnings: diagnostics,
        page_count: site.sections.len() + site.pages.len(),
    })
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
    content: &[crate::discover::SourceFile],
    include_drafts: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<ParsedDoc>, Vec<String>) {
    let results: Vec<_> = content.par_iter().map(parse_document).collect();
    let mut docs = Vec::with_capacity(results.len());
    let mut unparsed = Vec::new();
    for (result, file) in results.into_iter().zip(content) {
        match result {
            Ok(doc) if doc.meta.draft && !include_drafts => {}
            Ok(doc) => docs.push(doc),
            Err(errors) => {
                diagnostics.extend(errors);
                unparsed.push(file.content_path.clone());
            }
        }
    }
    (docs, unparsed)
}
