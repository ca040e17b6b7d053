//! `content::validate`: checks the assembled [`Site`] for problems that need
//! every page at once: links to anchors that do not exist, templates that do
//! not exist, and pages missing what patients and search engines need.
//!
//! Pure: takes the site and the template names, returns diagnostics.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::content::frontmatter::PageKind;
use crate::content::markdown::EmbedKind;
use crate::content::model::{Entry, Page, Site, Worksheet};
use crate::content::worksheets::{ANSWERS_TEMPLATE, answers_url, has_journal, print_packs};
use crate::diagnostic::{Diagnostic, Position};

/// All checks; the result is unsorted. `statics` are the site's and the
/// theme's static files, by output path (`forms/consent.pdf`).
pub fn validate_site(
    site: &Site,
    template_names: &BTreeSet<String>,
    statics: &BTreeMap<String, Vec<u8>>,
) -> Vec<Diagnostic> {
    let mut diagnostics = check_anchors(site);
    diagnostics.extend(check_address_links(site, statics));
    diagnostics.extend(check_worksheet_references(site));
    diagnostics.extend(check_print_pack_addresses(site));
    diagnostics.extend(check_folders_have_section_pages(site));
    if template_names.contains(ANSWERS_TEMPLATE) {
        diagnostics.extend(check_answers_address(site));
    }
    for entry in site.entries() {
        check_template(entry, template_names, &mut diagnostics);
        if entry.meta.description.is_empty() {
            diagnostics.push(
                Diagnostic::warning(&entry.display_path, Position::start(), "this page has no description")
                    .with_hint("add description = \"...\": one sentence shown in search results and link previews"),
            );
        }
    }
    diagnostics
}

/// A translated prompt collection or checklist must keep its original's
/// kind and ids: the ids are where a patient's answers and ticks are
/// stored, shared by every language, so a question reworded in Spanish
/// still shows what was written under it in English.
pub fn check_translations(original: &Site, translated: &Site) -> Vec<Diagnostic> {
    let originals: HashMap<&str, &Page> =
        original.pages.iter().map(|p| (p.entry.content_path.as_str(), p)).collect();
    let mut diagnostics = Vec::new();
    for page in translated.pages.iter().filter(|p| !translated.is_fallback(&p.entry)) {
        let Some(source) = originals.get(page.entry.content_path.as_str()) else { continue };
        let path = &page.entry.display_path;
        let original_path = &source.entry.display_path;
        let (mine, theirs) = (worksheet_ids(page), worksheet_ids(source));
        if std::mem::discriminant(&page.kind) != std::mem::discriminant(&source.kind) {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    Position::start(),
                    format!(
                        "this translation is not of the same kind as {}",
                        original_path.display()
                    ),
                )
                .with_hint("give it the same kind = \"...\" as the page it translates"),
            );
            continue;
        }
        let what = if matches!(page.kind, PageKind::Checklist(_)) { "item" } else { "prompt" };
        for id in mine.iter().filter(|id| !theirs.contains(id)) {
            diagnostics.push(
                Diagnostic::error(path, Position::start(), format!("the {what} id {id:?} is not in {}", original_path.display()))
                    .with_hint(format!("translations keep the original's ids, so answers are shared between languages: end the line with the same {{#id}} as in {}", original_path.display())),
            );
        }
        for id in theirs.iter().filter(|id| !mine.contains(id)) {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    Position::start(),
                    format!(
                        "the {what} id {id:?} of {} is missing from this translation",
                        original_path.display()
                    ),
                )
                .with_hint(format!("translate that {what} too, ending it with {{#{id}}}")),
            );
        }
    }
    diagnostics
}

/// The prompt or item ids of a worksheet page, in order.
fn worksheet_ids(page: &Page) -> Vec<&str> {
    match &page.worksheet {
        Some(Worksheet::Prompts(c)) => c.prompts.iter().map(|p| p.id.as_str()).collect(),
        Some(Worksheet::Checklist(c)) => {
            c.groups.iter().flat_map(|g| &g.items).map(|i| i.id.as_str()).collect()
        }
        None => Vec::new(),
    }
}

/// Every `page.md#anchor` link must name an id the target page defines.
fn check_anchors(site: &Site) -> Vec<Diagnostic> {
    let by_path: HashMap<&str, &Entry> =
        site.entries().map(|e| (e.content_path.as_str(), e)).collect();
    let mut diagnostics = Vec::new();
    for entry in site.entries() {
        for link in &entry.rendered.links {
            let (Some(anchor), Some(target)) = (&link.anchor, by_path.get(link.target.as_str()))
            else {
                continue;
            };
            if target.rendered.anchors.contains(anchor) {
                continue;
            }
            let mut known: Vec<&str> =
                target.rendered.headings.iter().map(|h| h.id.as_str()).collect();
            known.sort_unstable();
            let hint = match crate::diagnostic::nearest_name(anchor, &known) {
                Some(near) => format!("did you mean #{near}?"),
                None if known.is_empty() => "that page has no headings to link to".to_string(),
                None => format!(
                    "the headings there are: {}",
                    known.iter().map(|k| format!("#{k}")).collect::<Vec<_>>().join(", ")
                ),
            };
            diagnostics.push(
                Diagnostic::error(
                    &entry.display_path,
                    link.position,
                    format!(
                        "the link points to #{anchor} in content/{}, which has no such heading",
                        link.target
                    ),
                )
                .with_hint(hint),
            );
        }
    }
    diagnostics
}

/// Files carebook itself writes at the site's root, which links may name.
pub const BUILT_IN_FILES: &[&str] = &[
    "404.html",
    "_headers",
    "manifest.webmanifest",
    "offline/",
    "offline/index.html",
    "robots.txt",
    "search-index.json",
    "search-index/",
    "sitemap.xml",
    "sw.js",
];

/// What carebook writes at each of [`BUILT_IN_FILES`], for messages.
fn built_in_purpose(name: &str) -> &'static str {
    match name {
        "404.html" => "the \"page not found\" page",
        "_headers" => "the security headers",
        "manifest.webmanifest" => "the web app manifest",
        "robots.txt" => "the note to search engines",
        "search-index.json" => "the search index",
        "sitemap.xml" => "the sitemap",
        "sw.js" => "the service worker (offline reading)",
        _ => "a file of its own",
    }
}

/// A page's address must not be where carebook writes one of its own
/// files (issue #16 item 7): `content/offline.md` was silently replaced by
/// the theme's offline page, and `slug = "sw.js"` failed to write with an
/// I/O error, since the page needs a folder `sw.js/` where the service
/// worker is a file. The same holds for a folder named like a static file
/// (`static/consent.pdf` and `slug = "consent.pdf"`).
///
/// `site_base` is the site's base path (`/`, `/guide/`), `language_base`
/// this language's (`/es/`): the offline page is per language, the other
/// files are at the site's root.
pub fn check_reserved_addresses(
    docs: &[crate::content::frontmatter::ParsedDoc],
    routes: &crate::content::markdown::RouteTable,
    bases: (&str, &str),
    statics: &BTreeMap<String, Vec<u8>>,
) -> Vec<Diagnostic> {
    let (site_base, language_base) = bases;
    let mut diagnostics = Vec::new();
    for doc in docs {
        let Some(url) = routes.get(&doc.content_path) else { continue };
        let Some(problem) = reserved_address_problem(url, site_base, language_base, statics) else {
            continue;
        };
        let position = doc.slug.as_ref().map_or(Position::start(), |(_, position)| *position);
        diagnostics.push(
            Diagnostic::error(&doc.display_path, position, format!("this page's address {url} {problem}"))
                .with_hint(format!(
                    "rename the file or give it another slug, e.g. slug = \"{}\"; carebook keeps offline/ and {} at the site's root for itself",
                    suggested_slug(url),
                    BUILT_IN_FILES.iter().filter(|f| !f.starts_with("offline/")).copied().collect::<Vec<_>>().join(", ")
                )),
        );
    }
    diagnostics
}

/// Why `url` cannot hold a page, if it cannot.
fn reserved_address_problem(
    url: &str,
    site_base: &str,
    language_base: &str,
    statics: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    if url.strip_prefix(language_base) == Some("offline/") {
        return Some("is where the theme's offline page goes".to_string());
    }
    let relative = url.strip_prefix(site_base)?;
    // Every folder on the way to the page's `index.html` must not be a file.
    let mut folder = String::new();
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        if !folder.is_empty() {
            folder.push('/');
        }
        folder.push_str(part);
        if BUILT_IN_FILES.contains(&folder.as_str()) {
            return Some(format!(
                "needs a folder named {folder}, where carebook writes {}",
                built_in_purpose(&folder)
            ));
        }
        if statics.contains_key(&folder) {
            return Some(format!(
                "needs a folder named {folder}, where the static file {folder} goes"
            ));
        }
    }
    let index = format!("{relative}index.html");
    statics.contains_key(&index).then(|| format!("is where the static file {index} goes"))
}

/// A slug to offer instead of a reserved one: `sw.js` -> `sw-js-page`.
fn suggested_slug(url: &str) -> String {
    let last = url.trim_end_matches('/').rsplit('/').next().unwrap_or_default();
    let base: String = last
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    format!("{}-page", base.trim_matches('-'))
}

/// Whether a file link's target exists: a static file (the site's
/// `static/` or the theme's) or a file carebook writes. The one place that
/// answers "is there a file at this address", so files beside a page can be
/// added here.
pub fn file_exists(statics: &BTreeMap<String, Vec<u8>>, path: &str) -> bool {
    statics.contains_key(path) || BUILT_IN_FILES.contains(&path)
}

/// Links written as site addresses (`/before/pain/`) or to files other
/// than Markdown (`consent.pdf`) must reach a page, a section, a print
/// pack or a file (issue #15 item 2, #16 item 5): authors copy addresses
/// from the browser, and a missing file is a 404 for a patient.
fn check_address_links(site: &Site, statics: &BTreeMap<String, Vec<u8>>) -> Vec<Diagnostic> {
    let pages: HashMap<&str, &Entry> = site.entries().map(|e| (e.url.as_str(), e)).collect();
    let packs: BTreeSet<String> = print_packs(site).into_iter().map(|p| p.url).collect();
    let mut diagnostics = Vec::new();
    for entry in site.entries() {
        for link in &entry.rendered.address_links {
            let page = page_at(&pages, &link.path);
            if let Some(target) = page {
                if let Some(anchor) =
                    link.anchor.as_deref().filter(|a| !target.rendered.anchors.contains(*a))
                {
                    diagnostics.push(
                        Diagnostic::error(&entry.display_path, link.position, format!("the link {} points to #{anchor} in {}, which has no such heading", link.written, target.display_path.display()))
                            .with_hint(format!("link to the page's file instead, e.g. @/{}#..., and check the heading's id", target.content_path)),
                    );
                }
                continue;
            }
            let address = format!("/{}", link.path);
            let is_pack = packs.contains(&address) || packs.contains(&format!("{address}/"));
            if is_pack || file_exists(statics, &link.path) {
                continue;
            }
            diagnostics.push(missing_address(entry, link, site));
        }
    }
    diagnostics
}

/// The page or section published at `path` (`before/pain/`,
/// `before/pain`, `before/pain/index.html`).
fn page_at<'a>(pages: &HashMap<&str, &'a Entry>, path: &str) -> Option<&'a Entry> {
    let trimmed = path.strip_suffix("index.html").unwrap_or(path).trim_end_matches('/');
    let url = if trimmed.is_empty() { "/".to_string() } else { format!("/{trimmed}/") };
    pages.get(url.as_str()).copied()
}

fn missing_address(
    entry: &Entry,
    link: &crate::content::markdown::AddressLink,
    site: &Site,
) -> Diagnostic {
    let looks_like_page = !link.path.rsplit('/').next().unwrap_or("").contains('.');
    let message = if link.relative {
        format!("the link {} points to static/{}, which does not exist", link.written, link.path)
    } else if looks_like_page {
        format!(
            "the link {} points to a page that does not exist (no file in content/ is published there)",
            link.written
        )
    } else {
        format!("the link {} points to static/{}, which does not exist", link.written, link.path)
    };
    let urls: Vec<&str> = site.entries().map(|e| e.url.trim_matches('/')).collect();
    let near = crate::diagnostic::nearest_name(link.path.trim_matches('/'), &urls);
    let hint = match near.and_then(|url| site.entries().find(|e| e.url.trim_matches('/') == url)) {
        Some(target) => format!("did you mean the page {}? Link to its file: [...](@/{})", target.url, target.content_path),
        None if looks_like_page && !link.relative => format!(
            "link to pages by their file, e.g. [...](@/{}.md), so carebook can check it",
            link.path.trim_matches('/')
        ),
        None => "put the file in static/ (static/forms/consent.pdf is published as /forms/consent.pdf), or fix the name".to_string(),
    };
    Diagnostic::error(&entry.display_path, link.position, message).with_hint(hint)
}

/// Shortcodes must embed a page of their kind, and `alongside` must name
/// another prompt collection.
fn check_worksheet_references(site: &Site) -> Vec<Diagnostic> {
    let pages: HashMap<&str, &Page> =
        site.pages.iter().map(|p| (p.entry.content_path.as_str(), p)).collect();
    let kind_of = |path: &str| match pages.get(path).and_then(|p| p.worksheet.as_ref()) {
        Some(Worksheet::Checklist(_)) => Some(EmbedKind::Checklist),
        Some(Worksheet::Prompts(_)) => Some(EmbedKind::Prompts),
        None => None,
    };
    let mut diagnostics = Vec::new();
    for entry in site.entries() {
        for embed in &entry.rendered.embeds {
            if kind_of(&embed.target) != Some(embed.kind) {
                let what = embed.kind.shortcode();
                diagnostics.push(
                    Diagnostic::error(
                        &entry.display_path,
                        embed.position,
                        format!("the {what} shortcode points to content/{}, which is not a page of kind = \"{what}\"", embed.target),
                    )
                    .with_hint(format!("point it at a page whose front matter says kind = \"{what}\"")),
                );
            }
        }
    }
    for page in &site.pages {
        let PageKind::Prompts(settings) = &page.kind else { continue };
        let Some((target, position)) = &settings.alongside else { continue };
        let problem = if *target == page.entry.content_path {
            Some("a collection cannot be shown alongside itself".to_string())
        } else if kind_of(target) != Some(EmbedKind::Prompts) {
            let what = if pages.contains_key(target.as_str()) {
                "is not a prompt collection"
            } else {
                "does not exist"
            };
            Some(format!("content/{target} {what}"))
        } else {
            None
        };
        if let Some(problem) = problem {
            diagnostics.push(
                Diagnostic::error(&page.entry.display_path, *position, format!("alongside = {target:?}: {problem}"))
                    .with_hint("name another page of kind = \"prompts\", as a path inside content/, e.g. \"intention/set-your-intention.md\""),
            );
        }
    }
    diagnostics
}

/// A folder with pages but no `_index.md` is published without its
/// section page, so its address (`/medicines/`, where a patient who trims
/// the address lands) is a 404 (issue #15). A page bundle's own folder
/// (`getting-ready/index.md`) is the page, not a section.
fn check_folders_have_section_pages(site: &Site) -> Vec<Diagnostic> {
    let sections: BTreeSet<&str> =
        site.sections.iter().map(|s| folder_of(&s.entry.content_path)).collect();
    let mut missing = BTreeSet::new();
    for page in &site.pages {
        let path = page.entry.content_path.as_str();
        let mut folder = folder_of(path);
        if path.ends_with("/index.md") {
            folder = folder_of(folder);
        }
        while !folder.is_empty() {
            if !sections.contains(folder) {
                missing.insert(folder);
            }
            folder = folder_of(folder);
        }
    }
    let home = &site.sections[site.root].entry.url;
    missing
        .into_iter()
        .map(|folder| {
            let index = format!("content/{folder}/_index.md");
            Diagnostic::warning(
                &index,
                Position::start(),
                format!(
                    "the folder content/{folder}/ has pages but no _index.md, so its address {home}{folder}/ is a page not found"
                ),
            )
            .with_hint(format!(
                "create {index} with a title and a description (`carebook new {folder}/_index.md` writes one)"
            ))
        })
        .collect()
}

/// The folder of a content path: `before/pain.md` -> `before`,
/// `before` -> `` (the content folder itself).
fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(folder, _)| folder)
}

/// A section's print pack lives at `<section>/print/`; a page there would be
/// overwritten.
fn check_print_pack_addresses(site: &Site) -> Vec<Diagnostic> {
    let packs: Vec<String> = print_packs(site).into_iter().map(|p| p.url).collect();
    site.entries()
        .filter(|entry| packs.contains(&entry.url))
        .map(|entry| {
            Diagnostic::error(
                &entry.display_path,
                Position::start(),
                format!("this page's address {} is where the section's print pack goes", entry.url),
            )
            .with_hint("rename the file or give it another slug")
        })
        .collect()
}

/// The "My answers" page lives at `journal/` under the home page when the
/// site has a journal; a page there would be overwritten.
fn check_answers_address(site: &Site) -> Vec<Diagnostic> {
    if !has_journal(site) {
        return Vec::new();
    }
    let url = answers_url(&site.sections[site.root].entry.url);
    site.entries()
        .filter(|entry| entry.url == url)
        .map(|entry| {
            Diagnostic::error(
                &entry.display_path,
                Position::start(),
                format!("this page's address {url} is where the \"My answers\" page goes"),
            )
            .with_hint("rename the file or give it another slug")
        })
        .collect()
}

fn check_template(
    entry: &Entry,
    template_names: &BTreeSet<String>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some((name, position)) = &entry.meta.template else { return };
    if template_names.contains(name) {
        return;
    }
    let names: Vec<&str> = template_names.iter().map(String::as_str).collect();
    let hint = match crate::diagnostic::nearest_name(name, &names) {
        Some(near) => format!(
            "did you mean \"{near}\"? Templates live in templates/ or the theme's templates/"
        ),
        None => format!("the templates are: {}", names.join(", ")),
    };
    diagnostics.push(
        Diagnostic::error(&entry.display_path, *position, format!("unknown template {name:?}"))
            .with_hint(hint),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::markdown::{Heading, InternalLink, RenderedDoc};
    use crate::content::model::Section;

    fn entry(path: &str, rendered: RenderedDoc) -> Entry {
        Entry {
            content_path: path.into(),
            display_path: format!("content/{path}").into(),
            url: "/".into(),
            lang: "en".into(),
            meta: crate::content::frontmatter::CommonMeta {
                title: "T".into(),
                description: "D".into(),
                ..Default::default()
            },
            rendered,
        }
    }

    #[test]
    fn missing_anchor_is_reported_at_the_link_with_a_suggestion() {
        let mut target = RenderedDoc::default();
        target.headings.push(Heading {
            level: 2,
            id: "breathing".into(),
            title: "Breathing".into(),
        });
        target.anchors.insert("breathing".into());
        let mut source = RenderedDoc::default();
        source.links.push(InternalLink {
            target: "b.md".into(),
            anchor: Some("breathng".into()),
            position: Position::new(9, 4),
        });
        source.links.push(InternalLink {
            target: "b.md".into(),
            anchor: Some("breathing".into()),
            position: Position::new(10, 4),
        });
        let site = Site {
            sections: vec![
                Section {
                    entry: entry("_index.md", source),
                    parent: None,
                    pages: vec![],
                    subsections: vec![],
                },
                Section {
                    entry: entry("b.md", target),
                    parent: None,
                    pages: vec![],
                    subsections: vec![],
                },
            ],
            pages: vec![],
            root: 0,
            language: "en".into(),
        };
        let diagnostics = validate_site(&site, &BTreeSet::new(), &BTreeMap::new());
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].position, Position::new(9, 4));
        assert_eq!(diagnostics[0].hint.as_deref(), Some("did you mean #breathing?"));
    }
}
