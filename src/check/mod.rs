//! `carebook check`: every validation `build` runs, without writing
//! anything, plus rules about how patients will read the site.
//!
//! 1. The build's own stages, as a preview (`source`, `content`, `render`,
//!    without the service worker or the search index): their
//!    diagnostics (warnings included) are reported, not thrown, and the
//!    parsed documents are what the page rules read.
//! 2. Per page (`reading`, `review`): reading level (English sites only)
//!    and how recent the clinical review is. Image alt text and files are
//!    checked by the build itself (`images`, issue #15), so they come with
//!    step 1.
//! 3. Per site (`contrast`): brand colours against the default theme. The
//!    build itself runs this rule (issue #6), so its errors come with step 1.
//! 4. `links`: links to other websites are listed, and visited only when
//!    asked (`--external`), so a check works offline and sends nothing by
//!    default.
//!
//! The result is a [`CheckReport`]; the command prints it and fails (exit
//! 1) only if it holds an error.

pub(crate) mod links;
pub(crate) mod prose;
pub(crate) mod reading;
pub mod report;
pub mod review;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::content::Reuse;
use crate::content::frontmatter::ParsedDoc;
use crate::content::translations::LanguageDocs;
use crate::diagnostic::{Diagnostic, sort_diagnostics};
use crate::error::BuildError;
use crate::render::Discard;
use crate::render::pages::{load_templates, template_names};
use crate::source::config::Purpose;
use crate::source::config::{Config, ConfigOverrides, load_config};
use crate::source::discover::Sources;
use crate::source::discover::discover;
use crate::source::files::SourceFile;
use crate::{content, render};

pub use report::{CheckReport, PageGrade, ReportFormat};
pub use review::Date;

/// What `carebook check` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The site's folder (holds site.toml).
    pub root: PathBuf,
    /// Visit links to other websites.
    pub external: bool,
}

/// Checks the site in `options.root`; writes nothing.
///
/// Problems in the content are in the report; an `Err` is what stopped the
/// check itself (no site.toml, a template that does not compile, ...).
pub fn check(options: &CheckOptions) -> Result<CheckReport, BuildError> {
    let today = review::today()
        .map_err(|value| BuildError::InvalidDate { variable: review::TODAY_VARIABLE, value })?;
    let config = match load_config(&options.root, &ConfigOverrides::default()) {
        Ok(config) => config,
        Err(BuildError::Content(diagnostics)) => {
            return Ok(CheckReport { diagnostics, ..CheckReport::default() });
        }
        Err(err) => return Err(err),
    };
    let sources = discover(&config)?;
    let (mut diagnostics, docs) = build_stages(&config, &sources)?;
    let files: HashMap<&Path, &SourceFile> =
        sources.content.iter().map(|file| (file.display_path.as_path(), file)).collect();
    let context = PageContext { config: &config, today };
    let checked: Vec<PageFindings> = pages_by_language(&docs, &config.language)
        .par_bridge()
        .filter_map(|(doc, language)| {
            let file = files.get(doc.display_path.as_path())?;
            Some(check_page(file, doc, language, &context))
        })
        .collect();

    let mut report = CheckReport::default();
    let mut links = Vec::new();
    for page in checked {
        report.pages.push(page.grade);
        diagnostics.extend(page.diagnostics);
        links.extend(page.links);
    }
    // Brand colours (contrast::check_brand_colours) came with the build's diagnostics.
    links.sort();
    report.external_links = visit_links(links, options.external, &mut diagnostics);
    sort_diagnostics(&mut diagnostics);
    report.diagnostics = diagnostics;
    report.pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// Runs the build's stages for a preview: their problems, and every parsed
/// document (files that do not parse and drafts are not among them).
fn build_stages(
    config: &Config,
    sources: &Sources,
) -> Result<(Vec<Diagnostic>, LanguageDocs), BuildError> {
    let tera = load_templates(sources.templates.values())?;
    let texts = Cow::Borrowed(sources.content.as_slice());
    let mut content =
        content::build(config, sources, texts, &template_names(&tera), Reuse::default());
    let docs = std::mem::take(&mut content.docs);
    let rendered =
        render::prepare(config, sources, &tera, content, Purpose::Check).and_then(|prepared| {
            render::render(config, sources, &tera, prepared, Purpose::Check, None, &Discard)
        });
    match rendered {
        Ok(rendered) => Ok((rendered.warnings, docs)),
        Err(BuildError::Content(diagnostics)) => Ok((diagnostics, docs)),
        Err(err) => Err(err),
    }
}

/// Every document with its language: the default language's, then each
/// translation's.
fn pages_by_language<'a>(
    docs: &'a LanguageDocs,
    default_language: &'a str,
) -> impl Iterator<Item = (&'a ParsedDoc, &'a str)> + Send {
    let originals = docs.originals.iter().map(move |doc| (doc, default_language));
    let translations = docs
        .translations
        .iter()
        .flat_map(|(code, docs)| docs.values().map(move |doc| (doc, code.as_str())));
    originals.chain(translations)
}

/// What every page check needs to know about the site.
struct PageContext<'a> {
    config: &'a Config,
    today: Date,
}

/// What the rules found on one page.
struct PageFindings {
    grade: PageGrade,
    diagnostics: Vec<Diagnostic>,
    links: Vec<links::ExternalLink>,
}

/// The page rules. A translation (`gather.es.md`) is read in its language.
fn check_page(
    file: &SourceFile,
    doc: &ParsedDoc,
    language: &str,
    context: &PageContext,
) -> PageFindings {
    let settings = &context.config.check;
    // Flesch-Kincaid is calibrated on English only.
    let (grade, reading_warning) = if language == "en" || language.starts_with("en-") {
        reading::check_reading_level(doc, settings.max_grade)
    } else {
        (None, None)
    };
    let mut diagnostics: Vec<Diagnostic> = reading_warning.into_iter().collect();
    diagnostics.extend(review::check_review(doc, &file.text, context.today, settings));
    PageFindings {
        grade: PageGrade { path: doc.display_path.clone(), grade },
        diagnostics,
        links: links::external_links(doc),
    }
}

/// Pairs each link with its status, visiting the addresses if asked and
/// adding a warning for each link that failed.
fn visit_links(
    links: Vec<links::ExternalLink>,
    visit: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(links::ExternalLink, Option<links::LinkStatus>)> {
    if !visit {
        return links.into_iter().map(|link| (link, None)).collect();
    }
    let mut seen = HashSet::new();
    let unique: Vec<String> =
        links.iter().filter(|l| seen.insert(l.url.as_str())).map(|l| l.url.clone()).collect();
    let statuses = links::fetch_all(&unique);
    links
        .into_iter()
        .map(|link| {
            let status = statuses.get(&link.url).cloned();
            if let Some(status) = &status {
                diagnostics.extend(links::link_warning(&link, status));
            }
            (link, status)
        })
        .collect()
}
