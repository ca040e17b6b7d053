//! Entry points for the fuzz targets in `fuzz/` and for the regression tests
//! that replay their crashing inputs (`tests/integration/fuzz_regressions.rs`).
//!
//! Each function takes any text, runs one parsing stage on it exactly as a
//! build would, and throws the result away: the only thing that matters is
//! that no input panics, loops for ever or allocates without bound. They are
//! not part of carebook's API for sites and may change with the parsers.

use std::path::Path;

use crate::config::{ConfigOverrides, parse_config};
use crate::discover::SourceFile;
use crate::frontmatter::{
    ChecklistSettings, CommonMeta, PageKind, ParsedDoc, PromptsSettings, Role, parse_document,
    split_front_matter,
};
use crate::markdown::{RouteTable, render_inline, render_with_shortcodes, slugify};

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
    let _ = crate::prompts::parse_prompts(&doc, &routes());
}

/// Reads `text` as the body of a checklist, once-only and daily.
pub fn checklist(text: &str) {
    for repeat_days in [0, 3] {
        let doc = doc_with(text, PageKind::Checklist(ChecklistSettings { repeat_days }));
        let _ = crate::checklist::parse_checklist(&doc, &routes());
    }
}

fn doc_with(body: &str, kind: PageKind) -> ParsedDoc {
    ParsedDoc {
        content_path: "prepare/page.md".into(),
        display_path: "content/prepare/page.md".into(),
        role: Role::Page,
        meta: CommonMeta::default(),
        slug: None,
        kind,
        body: body.to_string(),
        body_first_line: 5,
    }
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
