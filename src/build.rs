//! The build pipeline, one folder of `src/` per stage, each a function from
//! one named type to the next:
//!
//! ```text
//! source::config::load_config  site.toml + command line   -> Config
//! source::discover::discover   Config                     -> Sources     (reads the disk)
//! content::build               Sources                    -> Content     (the site model, checked)
//! render::prepare              Content                    -> Prepared    (the gate: any error stops here)
//! render::render               Prepared                   -> Rendered    (every file, in memory)
//! output::finish               Rendered files             -> minified, with the service worker
//! output::write::write_output  OutputSet                  -> public/     (writes the disk)
//! ```
//!
//! The stages between the two that touch the disk are pure
//! ([`render_output`]); `serve` and `check` reuse them for a preview
//! ([`Purpose::Preview`]): no minifying, no service worker, search indexes
//! built when fetched, and (in `serve`) the Markdown and template output of
//! the last preview reused for unchanged inputs (`content::memo`,
//! `render::memo`). Content problems are collected from every stage and
//! reported together.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::Tera;

use crate::content::Reuse;
use crate::content::memo::DocumentMemo;
use crate::diagnostic::Diagnostic;
use crate::error::BuildError;
use crate::output::write::write_output;
use crate::render::OutputSet;
use crate::render::memo::RenderMemo;
use crate::render::pages::{load_templates, template_names};
use crate::render::search::{DeferredIndex, INDEX_FILE, is_search_file};
pub use crate::source::config::Purpose;
use crate::source::config::{Config, ConfigOverrides, load_config};
use crate::source::discover::{Sources, discover};
use crate::{content, output, render};

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
    /// What only a preview keeps (empty in a published build).
    pub preview: PreviewParts,
}

/// What a preview keeps beyond its files, for `serve` and its next rebuild.
#[derive(Debug, Default)]
pub struct PreviewParts {
    /// The search indexes, built when first fetched; a published build has
    /// them in `files`.
    pub deferred_search: Vec<DeferredIndex>,
    /// The fingerprint of each rendered page (`render::memo`).
    pub fingerprints: HashMap<String, u64>,
    /// The rendered body of each document (`content::memo`).
    pub documents: DocumentMemo,
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

/// [`render_output`] for publishing or for a preview, with templates
/// already compiled from `sources.templates` (`serve` keeps them between
/// rebuilds when no template changed). A preview reuses each document and
/// page whose fingerprint is unchanged since `memo`, the last preview.
pub fn render_output_with(
    config: &Config,
    sources: &Sources,
    tera: &Tera,
    purpose: Purpose,
    memo: Option<&RenderMemo>,
) -> Result<SiteBuild, BuildError> {
    let reuse = Reuse { last: memo.map(|m| &m.documents), keep: purpose == Purpose::Preview };
    let content = content::build(config, sources, &template_names(tera), reuse);
    let prepared = render::prepare(config, sources, tera, content, purpose)?;
    let mut rendered = render::render(config, sources, tera, prepared, purpose, memo)?;
    let precached =
        output::Precached { always: &rendered.always_precached, never: &rendered.not_precached };
    output::finish(&mut rendered.files, config, tera, precached, purpose)?;
    Ok(SiteBuild {
        files: rendered.files,
        warnings: rendered.warnings,
        page_count: rendered.page_count,
        preview: PreviewParts {
            deferred_search: rendered.deferred_search,
            fingerprints: rendered.fingerprints,
            documents: rendered.documents,
        },
    })
}
