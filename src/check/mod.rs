//! `carebook check`: every validation `build` runs, without writing
//! anything, plus rules about how patients will read the site.
//!
//! 1. `load_config`, `discover` and `render_output`, as `build` runs them:
//!    their diagnostics (warnings included) are reported, not thrown.
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

pub mod links;
pub mod prose;
pub mod reading;
pub mod report;
pub mod review;

use std::collections::HashSet;
use std::path::PathBuf;

use rayon::prelude::*;

use crate::build::render_output;
use crate::content::frontmatter::{ParsedDoc, parse_document};
use crate::diagnostic::{Diagnostic, sort_diagnostics};
use crate::error::BuildError;
use crate::source::config::{Config, ConfigOverrides, load_config};
use crate::source::discover::discover;
use crate::source::files::SourceFile;

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
    let content = sources.content.clone();
    let mut diagnostics = match render_output(&config, sources) {
        Ok(built) => built.warnings,
        Err(BuildError::Content(diagnostics)) => diagnostics,
        Err(err) => return Err(err),
    };

    let context = PageContext { config: &config, today };
    let checked: Vec<PageFindings> = content
        .par_iter()
        .filter_map(|file| {
            // Files that do not parse were reported by `render_output`.
            let doc = parse_document(file).ok()?;
            (!doc.meta.draft).then(|| check_page(file, &doc, &context))
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

fn check_page(file: &SourceFile, doc: &ParsedDoc, context: &PageContext) -> PageFindings {
    let settings = &context.config.check;
    let config = context.config;
    // A translation (`gather.es.md`) is in its language and published
    // under it (`/es/prepare/gather/`).
    let declared: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let language =
        match crate::content::translations::translation_suffix(&doc.content_path, &declared) {
            Some((_, code)) => code,
            None => config.language.as_str(),
        };
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
