//! Entry points for the fuzz targets in `fuzz/` and for the regression tests
//! that replay their crashing inputs (`tests/integration/fuzz_regressions.rs`).
//!
//! Each function takes any text, runs one parsing stage on it exactly as a
//! build would, and throws the result away: the only thing that matters is
//! that no input panics, loops for ever or allocates without bound. They are
//! not part of carebook's API for sites and may change with the parsers.

use std::path::Path;

use crate::content::frontmatter::{
    ChecklistSettings, PageKind, ParsedDoc, PromptsSettings, parse_document, split_front_matter,
};
use crate::content::markdown::{RouteTable, render_inline, render_with_shortcodes, slugify};
use crate::source::config::{ConfigOverrides, parse_config};
use crate::source::files::SourceFile;

/// A fuzz target: its name and the function it calls with each input.
pub type FuzzTarget = (&'static str, fn(&str));

/// The fuzz targets, by the name of their folder in `fuzz/corpus/` and
/// `tests/fuzz_regressions/`.
pub const TARGETS: &[FuzzTarget] = &[
    ("front_matter", front_matter),
    ("site_config", site_config),
    ("markdown", markdown),
    ("prompts", prompts),
    ("checklist", checklist),
    ("site", site),
];

/// Splits `text` as a content file and reads its front matter both as a
/// section (`_index.md`) and as a page (whose `kind` picks the struct).
pub fn front_matter(text: &str) {
    let _ = split_front_matter(text);
    for content_path in ["_index.md", "prepare/page.md"] {
        let file = SourceFile {
            content_path: content_path.to_string(),
            display_path: Path::new("content").join(content_path),
            text: text.to_string(),
        };
        if let Ok(doc) = parse_document(&file) {
            // Positions are computed from offsets into the body: check the
            // ends of the body too.
            let _ = doc.position_of(0);
            let _ = doc.position_of(doc.body.len());
        }
    }
}

/// Parses and validates `text` as a `site.toml`.
pub fn site_config(text: &str) {
    let _ = parse_config(Path::new("site"), text, &ConfigOverrides::default());
    let overrides = ConfigOverrides { base_url: Some(text.to_string()), include_drafts: true };
    let _ = parse_config(Path::new("site"), "base_url = \"https://a.example\"\n", &overrides);
}

/// Renders `text` as the body of a guidance page, with its links and
/// shortcodes resolved against a few routes, then as one line of inline
/// text (a checklist item).
pub fn markdown(text: &str) {
    let doc = doc_with(text, PageKind::Guidance);
    let routes = routes();
    let _ = render_with_shortcodes(&doc, &routes);
    let _ = render_inline(&doc, text, 3, &routes);
    let _ = slugify(text);
}

/// Reads `text` as the body of a prompt collection.
pub fn prompts(text: &str) {
    let doc = doc_with(text, PageKind::Prompts(PromptsSettings::default()));
    let _ = crate::content::prompts::parse_prompts(&doc, &routes());
}

/// Reads `text` as the body of a checklist, once-only and daily.
pub fn checklist(text: &str) {
    for repeat_days in [0, 3] {
        let doc = doc_with(text, PageKind::Checklist(ChecklistSettings { repeat_days }));
        let _ = crate::content::checklist::parse_checklist(&doc, &routes());
    }
}

/// What [`site`] needs from one build to the next: the parsed `site.toml`,
/// the default theme's files and its compiled templates (the same for
/// every input, and most of the time of a build if redone each time).
struct SiteBase {
    config: crate::source::config::Config,
    /// The theme's files; each input puts its pages in `content`.
    sources: std::sync::Mutex<crate::source::discover::Sources>,
    tera: tera::Tera,
}

fn site_base() -> Option<&'static SiteBase> {
    static BASE: std::sync::OnceLock<Option<SiteBase>> = std::sync::OnceLock::new();
    BASE.get_or_init(|| {
        let toml = "title = \"Fuzz\"\ndescription = \"Fuzzed.\"\nbase_url = \"https://fuzz.example\"\n\n[clinic]\nname = \"Fuzz Clinic\"\nphone = \"+1 555 0100\"\n\n[safety]\ntext = \"Call 988 if you need help now.\"\nphone = \"988\"\n";
        // A folder that does not exist: `discover` then reads only the
        // built-in theme, and the content comes from the input.
        let root = Path::new("/nonexistent/carebook-fuzz-site");
        let config = parse_config(root, toml, &ConfigOverrides::default()).ok()?;
        let mut sources = crate::source::discover::discover(&config).ok()?;
        sources.diagnostics.clear();
        // The site has one language: the theme's words in the others would
        // be parsed on every input for nothing (most of an execution's time).
        sources.texts.retain(|text| text.language == config.language);
        let tera = crate::render::pages::load_templates(sources.templates.values()).ok()?;
        Some(SiteBase { config, sources: std::sync::Mutex::new(sources), tera })
    })
    .as_ref()
}

/// The marker that splits a [`site`] input into its files.
pub const FILE_SEPARATOR: &str = "\n=====\n";

/// Builds a whole small site in memory from `text`: the parts between
/// [`FILE_SEPARATOR`]s are `content/_index.md`, `content/guide/page.md`
/// and `content/guide/other.md` (front matter and body each; a missing
/// part gets a plain page), rendered through every stage a preview and a
/// published build run, then checked for the footer (issue #16: a page
/// published without its crisis line is the worst silent failure). Panics
/// if a page that built has lost its footer.
pub fn site(text: &str) {
    let Some(base) = site_base() else { panic!("the fuzz site's theme does not build") };
    let plain = "+++\ntitle = \"Plain\"\ndescription = \"A plain page.\"\n+++\nText with [a link](page.md).\n";
    let mut parts = text.splitn(3, FILE_SEPARATOR);
    let mut sources = base.sources.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    sources.content.clear();
    for path in ["_index.md", "guide/page.md", "guide/other.md"] {
        let text = parts.next().unwrap_or(plain);
        sources.content.push(SourceFile {
            content_path: path.to_string(),
            display_path: Path::new("content").join(path),
            text: text.to_string(),
        });
    }
    for purpose in [crate::build::Purpose::Preview, crate::build::Purpose::Publish] {
        let Ok(built) =
            crate::build::render_output_with(&base.config, &sources, &base.tera, purpose, None)
        else {
            continue;
        };
        for (path, bytes) in built.files.iter().filter(|(p, _)| p.ends_with("index.html")) {
            let html = String::from_utf8_lossy(bytes);
            let main_end = html.rfind("</main>");
            let footer = html.rfind("Call 988 if you need help now.");
            assert!(
                main_end.zip(footer).is_some_and(|(main, footer)| footer > main),
                "{path} was built without its footer after </main>"
            );
        }
    }
}

fn doc_with(body: &str, kind: PageKind) -> ParsedDoc {
    ParsedDoc { kind, ..ParsedDoc::page("prepare/page.md", body) }
}

/// Routes like a small site's, so that links and shortcodes can resolve.
fn routes() -> RouteTable {
    [
        ("_index.md", "/"),
        ("prepare/_index.md", "/prepare/"),
        ("prepare/page.md", "/prepare/page/"),
        ("prepare/gather.md", "/prepare/gather/"),
        ("intention/set-your-intention.md", "/intention/set-your-intention/"),
    ]
    .into_iter()
    .map(|(path, url)| (path.to_string(), url.to_string()))
    .collect()
}
