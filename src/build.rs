//! The build pipeline, one folder of `src/` per stage, each a function from
//! one named type to the next:
//!
//! ```text
//! source::config::load_config  site.toml + command line   -> Config
//! source::discover::discover   Config                     -> Sources     (reads the disk)
//! output::stamp::up_to_date    Sources + Config           -> the last build's report, when
//!                                                            nothing changed (ends here)
//! content::build               Sources                    -> Content     (the site model, checked)
//! render::prepare              Content                    -> Prepared    (the gate: any error stops here)
//! render::render               Prepared                   -> each file, as it is rendered, to:
//! output::Publisher            a file                     -> hashed, to:
//! output::write::SpareTree     a file                     -> the spare tree (writes the disk)
//! Publisher::finish            the files' hashes          -> the service worker
//! SpareTree::swap_in           the spare tree             -> public/
//! ```
//!
//! Files stream from render to disk (issue #13): a page is written as soon
//! as it is rendered and only its size and hash are kept, so memory does
//! not grow with the site's HTML. The spare tree is only swapped in once
//! every file is written, so the output folder is never half built. The
//! stages between the two that touch the disk are pure: handed memory
//! instead ([`render_output`]), they make the same files, and `serve` and
//! `check` reuse them for a preview
//! ([`Purpose::Preview`]): no service worker, search indexes
//! built when fetched, and (in `serve`) the Markdown and template output of
//! the last preview reused for unchanged inputs (`content::memo`,
//! `render::memo`). Content problems are collected from every stage and
//! reported together.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use tera::Tera;

use crate::content::Reuse;
use crate::content::memo::DocumentMemo;
use crate::diagnostic::Diagnostic;
use crate::error::BuildError;
use crate::output::Publisher;
use crate::output::offline::OutputEntry;
use crate::output::stamp;
use crate::output::write::{SpareTree, WriteCounts};
use crate::render::memo::RenderMemo;
use crate::render::pages::{load_templates, template_names};
use crate::render::search::{DeferredIndex, INDEX_FILE, is_search_file};
use crate::render::{Collect, FileSink, OutputSet, Rendered};
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

/// What a successful `build` did. Kept in the build stamp (without what
/// only this build knows) so that a build with nothing to do reports it again.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct BuildReport {
    #[serde(skip)]
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
    /// Files written because they changed, and files of the build before
    /// deleted: the rest of the output folder was already right.
    #[serde(skip)]
    pub written: WriteCounts,
    /// Nothing had changed since the last build, so nothing was rendered
    /// or written (`output::stamp`).
    #[serde(skip)]
    pub unchanged: bool,
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site and writes it to the output folder.
pub fn build(options: &BuildOptions) -> Result<BuildReport, BuildError> {
    let overrides = ConfigOverrides {
        base_url: options.base_url.clone(),
        include_drafts: options.include_drafts,
    };
    let config = load_config(&options.root, &overrides)?;
    let mut sources = discover(&config)?;
    let output_dir = options.output.clone().unwrap_or_else(|| config.default_output_dir());
    let tree = SpareTree::open(&output_dir, &config.root)?;
    let inputs = stamp::inputs_fingerprint(&config, &sources);
    if let Some(last) = stamp::up_to_date(&config.root, &output_dir, inputs) {
        return Ok(BuildReport::unchanged(output_dir, last));
    }
    let templates = load_templates(sources.templates.values())?;
    // The later stages read only the templates, words and static files:
    // each page's text becomes its parsed body (at 10,000 pages the text
    // is 31 MB).
    let texts = Cow::Owned(std::mem::take(&mut sources.content));
    let content =
        content::build(&config, &sources, texts, &template_names(&templates), Reuse::default());
    let (published, rendered) = publish_content(&config, &sources, &templates, content, &tree)?;
    let written = tree.swap_in()?;
    let bytes_of = |keep: &dyn Fn(&str) -> bool| -> Vec<usize> {
        published.iter().filter(|e| keep(&e.path)).map(|e| e.len as usize).collect()
    };
    let sum = |keep: &dyn Fn(&str) -> bool| bytes_of(keep).into_iter().sum();
    let max = |keep: &dyn Fn(&str) -> bool| bytes_of(keep).into_iter().max().unwrap_or(0);
    let report = BuildReport {
        output_dir,
        page_count: rendered.page_count,
        file_count: published.len(),
        search_index_bytes: sum(&is_search_file),
        search_list_bytes: max(&|p| p.ends_with(INDEX_FILE)),
        search_part_bytes: max(&|p| is_search_file(p) && !p.ends_with(INDEX_FILE)),
        html_bytes: sum(&|p| p.ends_with(".html")),
        written,
        unchanged: false,
        warnings: rendered.warnings,
    };
    stamp::record(&config.root, &report.output_dir, inputs, &report);
    Ok(report)
}

impl BuildReport {
    /// The last build's report, for a build that found nothing to do
    /// (`output::stamp`): every file already up to date.
    fn unchanged(output_dir: PathBuf, last: BuildReport) -> Self {
        let written = WriteCounts { files: last.file_count, written: 0, removed: 0 };
        BuildReport { output_dir, written, unchanged: true, ..last }
    }
}

/// Runs the pure stages for a published site, each file hashed and
/// handed to `store` as it is made: every file published, by path, and
/// what rendering left.
fn publish(
    config: &Config,
    sources: &Sources,
    tera: &Tera,
    store: &dyn FileSink,
) -> Result<(Vec<OutputEntry>, Rendered), BuildError> {
    let texts = Cow::Borrowed(sources.content.as_slice());
    let content = content::build(config, sources, texts, &template_names(tera), Reuse::default());
    publish_content(config, sources, tera, content, store)
}

/// [`publish`] from the content stage on.
fn publish_content(
    config: &Config,
    sources: &Sources,
    tera: &Tera,
    content: content::Content,
    store: &dyn FileSink,
) -> Result<(Vec<OutputEntry>, Rendered), BuildError> {
    let prepared = render::prepare(config, sources, tera, content, Purpose::Publish)?;
    let publisher = Publisher::new(store);
    let rendered =
        render::render(config, sources, tera, prepared, Purpose::Publish, None, &publisher)?;
    let precached =
        output::Precached { always: &rendered.always_precached, never: &rendered.not_precached };
    let published = publisher.finish(config, tera, precached)?;
    Ok((published, rendered))
}

/// Runs the pure stages: from read files to the finished output.
pub fn render_output(config: &Config, sources: Sources) -> Result<SiteBuild, BuildError> {
    let templates = load_templates(sources.templates.values())?;
    render_output_with(config, &sources, &templates, Purpose::Publish, None)
}

/// [`render_output`] for publishing or for a preview, with templates
/// already compiled from `sources.templates` (`serve` keeps them between
/// rebuilds when no template changed), every file in memory. A preview
/// reuses each document and page whose fingerprint is unchanged since
/// `memo`, the last preview.
pub fn render_output_with(
    config: &Config,
    sources: &Sources,
    tera: &Tera,
    purpose: Purpose,
    memo: Option<&RenderMemo>,
) -> Result<SiteBuild, BuildError> {
    let files = Collect::default();
    let rendered = if purpose == Purpose::Publish {
        publish(config, sources, tera, &files)?.1
    } else {
        let reuse = Reuse { last: memo.map(|m| &m.documents), keep: purpose == Purpose::Preview };
        let texts = Cow::Borrowed(sources.content.as_slice());
        let content = content::build(config, sources, texts, &template_names(tera), reuse);
        let prepared = render::prepare(config, sources, tera, content, purpose)?;
        render::render(config, sources, tera, prepared, purpose, memo, &files)?
    };
    let mut files = files.into_files();
    if purpose != Purpose::Publish {
        output::finish_preview(&mut files, config);
    }
    Ok(SiteBuild {
        files,
        warnings: rendered.warnings,
        page_count: rendered.page_count,
        preview: PreviewParts {
            deferred_search: rendered.deferred_search,
            fingerprints: rendered.fingerprints,
            documents: rendered.documents,
        },
    })
}
