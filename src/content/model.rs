//! `content::model::build_model`: assigns every document its URL and arranges the
//! rendered documents into a [`Site`] of sections and pages.
//!
//! Routing runs before Markdown rendering (links are rewritten to URLs
//! while rendering); the tree is built after. Sections are folders with an
//! `_index.md`; a page belongs to the nearest such folder above it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::content::checklist::Checklist;
use crate::content::frontmatter::{CommonMeta, PageKind, ParsedDoc, Role};
use crate::content::markdown::{RenderedDoc, RouteTable};
use crate::content::prompts::PromptCollection;
use crate::diagnostic::{Diagnostic, Position};

/// Index of a section in [`Site::sections`].
pub type SectionId = usize;
/// Index of a page in [`Site::pages`].
pub type PageId = usize;

/// What sections and pages have in common.
#[derive(Debug, Clone)]
pub struct Entry {
    pub content_path: String,
    pub display_path: PathBuf,
    /// Site URL such as `/prepare/gather/` (includes the base path).
    pub url: String,
    /// The language the content is written in: the site's language, or the
    /// default language for a page not yet translated (see `Site::language`).
    pub lang: String,
    pub meta: CommonMeta,
    pub rendered: RenderedDoc,
}

/// A folder with an `_index.md`.
#[derive(Debug, Clone)]
pub struct Section {
    pub entry: Entry,
    pub parent: Option<SectionId>,
    /// In reading order (weight, then title).
    pub pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
}

/// A Markdown file other than `_index.md`.
#[derive(Debug, Clone)]
pub struct Page {
    pub entry: Entry,
    pub kind: PageKind,
    pub section: SectionId,
    /// The questions or items of a `prompts` or `checklist` page.
    pub worksheet: Option<Worksheet>,
}

/// What a patient fills in or ticks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Worksheet {
    Prompts(PromptCollection),
    Checklist(Checklist),
}

/// A document after `render_md`: its front matter, HTML and worksheet.
pub type RenderedDocument = (ParsedDoc, RenderedDoc, Option<Worksheet>);

/// The whole site, ready to validate and render.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    /// The home page's section (`content/_index.md`).
    pub root: SectionId,
    /// The language of this tree of pages (`en`, `es`): a multilingual site
    /// is one `Site` per language, each with every page of the default
    /// language at the same content paths, translated where a translation
    /// exists.
    pub language: String,
}

/// A document's URL, from its path in `content/` and its slug.
pub fn url_of(doc: &ParsedDoc, base_path: &str) -> String {
    let slug = doc.slug.as_ref().map(|(slug, _)| slug.as_str());
    url_from_path(&doc.content_path, slug, base_path)
}

/// `prepare/gather.md` -> `/prepare/gather/`; `prepare/_index.md` -> `/prepare/`;
/// `prepare/gather/index.md` -> `/prepare/gather/`.
pub fn url_from_path(content_path: &str, slug: Option<&str>, base_path: &str) -> String {
    let (mut dir, mut file) = content_path.rsplit_once('/').unwrap_or(("", content_path));
    let mut name = file.trim_end_matches(".md");
    // A page bundle (`getting-ready/index.md`, as in Zola and Hugo) is
    // published as `getting-ready.md` would be: its slug replaces the
    // folder's name.
    if file == "index.md" && !dir.is_empty() {
        (dir, name) = dir.rsplit_once('/').unwrap_or(("", dir));
        file = "";
    }
    let mut url = String::from(base_path);
    for part in dir.split('/').filter(|part| !part.is_empty()) {
        url.push_str(&address_slug(part));
        url.push('/');
    }
    if file != "_index.md" {
        match slug {
            Some(slug) => url.push_str(slug),
            None => url.push_str(&address_slug(name)),
        }
        url.push('/');
    }
    url
}

/// The part of an address made from a file or folder name, as Zola's
/// default (`slugify.paths = "on"`) makes it (issue #16 item 10): lower
/// case, accents folded (`Café` -> `cafe`), and every run of characters
/// other than letters and digits (spaces, `_`, `.`, `%`, `?`) one `-`.
/// `My Page.md` and `my-page.md` are then one address, so two pages cannot
/// differ only in case, which case-insensitive hosts would serve as one.
/// Letters of scripts without accents to fold (Greek, Cyrillic, Arabic…)
/// are kept, in lower case, where Zola transliterates them.
pub fn address_slug(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut slug = String::with_capacity(name.len());
    let mut pending_hyphen = false;
    for c in name.nfd().filter(|c| !is_combining_mark(*c)) {
        let folded: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'đ' | 'Đ' => "d",
            'ł' | 'Ł' => "l",
            'þ' | 'Þ' => "th",
            _ => "",
        };
        let mut push = |c: char| {
            if c.is_alphanumeric() {
                if pending_hyphen && !slug.is_empty() {
                    slug.push('-');
                }
                pending_hyphen = false;
                slug.extend(c.to_lowercase());
            } else {
                pending_hyphen = true;
            }
        };
        if folded.is_empty() {
            push(c);
        } else {
            folded.chars().for_each(push);
        }
    }
    if slug.is_empty() { "page".to_string() } else { slug }
}

/// Gives every document a URL; two documents wanting one URL is an error
/// reported on the second (in path order).
pub fn assign_routes<'a>(
    docs: impl IntoIterator<Item = &'a ParsedDoc>,
    base_path: &str,
) -> (RouteTable, Vec<Diagnostic>) {
    let mut routes = RouteTable::new();
    let mut owners: HashMap<String, &ParsedDoc> = HashMap::new();
    let mut diagnostics = Vec::new();
    for doc in docs {
        let url = url_of(doc, base_path);
        if let Some(first) = owners.get(&url) {
            let position = doc.slug.as_ref().map_or(Position::start(), |(_, position)| *position);
            diagnostics.push(
                Diagnostic::error(
                    &doc.display_path,
                    position,
                    format!(
                        "this page would be published at {url}, like {}",
                        first.display_path.display()
                    ),
                )
                .with_hint("give one of the two pages a different slug or file name (addresses are made from file names in lower case, accents folded, other characters as -: `Café.md` and `cafe.md` are both /cafe/)"),
            );
            continue;
        }
        owners.insert(url.clone(), doc);
        routes.insert(doc.content_path.clone(), url);
    }
    (routes, diagnostics)
}

/// Arranges rendered documents into sections and pages.
pub fn build_model(
    docs: Vec<RenderedDocument>,
    routes: &RouteTable,
) -> Result<Site, Vec<Diagnostic>> {
    let mut site = Site::default();
    let mut section_by_dir: BTreeMap<String, SectionId> = BTreeMap::new();
    // Pages go straight into the site, their section found once every
    // section is known: a second list of them doubled the memory of this
    // step (20 MB at 10,000 pages, issue #13).
    site.pages.reserve_exact(docs.len());
    for (doc, rendered, worksheet) in docs {
        let Some(url) = routes.get(&doc.content_path).cloned() else { continue };
        let ParsedDoc { content_path, display_path, role, meta, kind, .. } = doc;
        let entry = Entry { content_path, display_path, url, lang: String::new(), meta, rendered };
        match role {
            Role::Section => {
                section_by_dir.insert(dir_of(&entry.content_path).to_string(), site.sections.len());
                site.sections.push(Section {
                    entry,
                    parent: None,
                    pages: Vec::new(),
                    subsections: Vec::new(),
                });
            }
            Role::Page => site.pages.push(Page { entry, kind, section: 0, worksheet }),
        }
    }
    site.pages.shrink_to_fit();
    let Some(&root) = section_by_dir.get("") else {
        return Err(vec![
            Diagnostic::error("content/_index.md", Position::start(), "the site has no home page")
                .with_hint(
                    "create content/_index.md with a title, e.g. +++ title = \"Welcome\" +++",
                ),
        ]);
    };
    site.root = root;
    for (dir, &id) in &section_by_dir {
        if !dir.is_empty() {
            let parent = nearest_section(parent_dir(dir), &section_by_dir);
            site.sections[id].parent = Some(parent);
            site.sections[parent].subsections.push(id);
        }
    }
    for (id, page) in site.pages.iter_mut().enumerate() {
        let section = nearest_section(dir_of(&page.entry.content_path), &section_by_dir);
        page.section = section;
        site.sections[section].pages.push(id);
    }
    sort_children(&mut site);
    Ok(site)
}

fn sort_children(site: &mut Site) {
    let page_key = |pages: &[Page], id: PageId| {
        let e = &pages[id].entry;
        (e.meta.weight, e.meta.title.to_lowercase(), e.content_path.clone())
    };
    let section_key = |sections: &[Section], id: SectionId| {
        let e = &sections[id].entry;
        (e.meta.weight, e.meta.title.to_lowercase(), e.content_path.clone())
    };
    for i in 0..site.sections.len() {
        let mut pages = std::mem::take(&mut site.sections[i].pages);
        pages.sort_by_cached_key(|&id| page_key(&site.pages, id));
        site.sections[i].pages = pages;
        let mut subsections = std::mem::take(&mut site.sections[i].subsections);
        subsections.sort_by_cached_key(|&id| section_key(&site.sections, id));
        site.sections[i].subsections = subsections;
    }
}

/// The folder of a content path: `prepare/gather.md` -> `prepare`.
fn dir_of(content_path: &str) -> &str {
    content_path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// The section of `dir`, or of the closest folder above it that has one.
/// The root always has one (checked by the caller).
fn nearest_section(mut dir: &str, sections: &BTreeMap<String, SectionId>) -> SectionId {
    loop {
        if let Some(&id) = sections.get(dir) {
            return id;
        }
        if dir.is_empty() {
            return 0;
        }
        dir = parent_dir(dir);
    }
}

impl Site {
    /// Marks the tree's language, and each entry's: `translated(path)` says
    /// whether the entry at a content path is written in `language`; the
    /// others are in `default_language`.
    pub fn set_languages(
        &mut self,
        language: &str,
        default_language: &str,
        translated: impl Fn(&str) -> bool,
    ) {
        self.language = language.to_string();
        let entries = self.sections.iter_mut().map(|s| &mut s.entry);
        for entry in entries.chain(self.pages.iter_mut().map(|p| &mut p.entry)) {
            let own = language == default_language || translated(&entry.content_path);
            entry.lang = if own { language } else { default_language }.to_string();
        }
    }

    /// Whether an entry is shown in this tree without being translated.
    pub fn is_fallback(&self, entry: &Entry) -> bool {
        entry.lang != self.language
    }

    /// The sections from the home page down to `id`'s parent.
    pub fn ancestors(&self, mut id: SectionId) -> Vec<SectionId> {
        let mut chain = Vec::new();
        while let Some(parent) = self.sections[id].parent {
            chain.push(parent);
            id = parent;
        }
        chain.reverse();
        chain
    }

    /// The page published from `content_path`, if any.
    pub fn page_by_path(&self, content_path: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.entry.content_path == content_path)
    }

    /// Every section and page, as entries, in a stable order.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.sections.iter().map(|s| &s.entry).chain(self.pages.iter().map(|p| &p.entry))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, title: &str, weight: i64, slug: Option<&str>) -> ParsedDoc {
        ParsedDoc {
            meta: CommonMeta { title: title.into(), weight, ..CommonMeta::default() },
            slug: slug.map(|s| (s.to_string(), Position::new(3, 8))),
            body_first_line: 4,
            ..ParsedDoc::page(path, "")
        }
    }

    #[test]
    fn urls_are_pretty_and_use_the_slug() {
        assert_eq!(url_of(&doc("_index.md", "H", 0, None), "/"), "/");
        assert_eq!(url_of(&doc("prepare/_index.md", "P", 0, None), "/"), "/prepare/");
        assert_eq!(
            url_of(&doc("prepare/gather.md", "G", 0, None), "/help/"),
            "/help/prepare/gather/"
        );
        assert_eq!(
            url_of(&doc("prepare/gather.md", "G", 0, Some("bring")), "/"),
            "/prepare/bring/"
        );
    }

    #[test]
    fn page_bundles_are_published_at_their_folder() {
        let bundle = doc("before/getting-ready/index.md", "G", 0, None);
        assert_eq!(url_of(&bundle, "/"), "/before/getting-ready/");
        let renamed = doc("before/getting-ready/index.md", "G", 0, Some("ready"));
        assert_eq!(url_of(&renamed, "/"), "/before/ready/");
        let (_, diagnostics) =
            assign_routes(&[bundle, doc("before/getting-ready.md", "G", 0, None)], "/");
        assert_eq!(diagnostics.len(), 1, "a bundle and a page of the same name collide");
    }

    #[test]
    fn addresses_are_slugs_of_file_and_folder_names() {
        let url = |path: &str| url_of(&doc(path, "T", 0, None), "/");
        assert_eq!(url("guide/My Page.md"), "/guide/my-page/");
        assert_eq!(url("Before Surgery/Café_au lait?.md"), "/before-surgery/cafe-au-lait/");
        assert_eq!(url("Straße/Æble.md"), "/strasse/aeble/");
        assert_eq!(url("guide/Ωμέγα.md"), "/guide/ωμεγα/");
        assert_eq!(url("guide/!!!.md"), "/guide/page/");
        assert_eq!(url("Big Folder/_index.md"), "/big-folder/");
        // An explicit slug is the author's choice, kept as written.
        assert_eq!(url_of(&doc("a/B C.md", "T", 0, Some("Keep")), "/"), "/a/Keep/");
    }

    #[test]
    fn files_that_differ_only_in_case_or_accents_collide() {
        let docs = [doc("Café.md", "A", 0, None), doc("café.md", "B", 0, None)];
        let (routes, diagnostics) = assign_routes(&docs, "/");
        assert_eq!(routes.len(), 1);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].path, PathBuf::from("content/café.md"));
        assert!(
            diagnostics[0].message.contains("/cafe/, like content/Café.md"),
            "{}",
            diagnostics[0].message
        );
    }

    #[test]
    fn duplicate_urls_are_reported_at_the_slug() {
        let docs = [doc("a/b.md", "B", 0, None), doc("a/c.md", "C", 0, Some("b"))];
        let (routes, diagnostics) = assign_routes(&docs, "/");
        assert_eq!(routes.len(), 1);
        assert_eq!(diagnostics[0].path, PathBuf::from("content/a/c.md"));
        assert_eq!(diagnostics[0].position, Position::new(3, 8));
    }

    #[test]
    fn pages_sort_by_weight_then_title_and_find_their_section() {
        let docs = vec![
            doc("_index.md", "Home", 0, None),
            doc("a/_index.md", "A", 0, None),
            doc("a/z.md", "Zebra", 1, None),
            doc("a/y.md", "Yak", 2, None),
            doc("a/x.md", "Ant", 1, None),
            doc("a/deep/w.md", "Deep", 0, None),
            doc("top.md", "Top", 0, None),
        ];
        let (routes, _) = assign_routes(&docs, "/");
        let site = build_model(
            docs.into_iter().map(|d| (d, RenderedDoc::default(), None)).collect(),
            &routes,
        )
        .unwrap();
        let a = &site.sections[1];
        let titles: Vec<&str> =
            a.pages.iter().map(|&p| site.pages[p].entry.meta.title.as_str()).collect();
        assert_eq!(titles, ["Deep", "Ant", "Zebra", "Yak"]);
        assert_eq!(site.sections[site.root].subsections, vec![1]);
        assert_eq!(site.ancestors(1), vec![0]);
    }

    #[test]
    fn a_site_without_a_home_page_is_an_error() {
        let docs = vec![doc("a.md", "A", 0, None)];
        let (routes, _) = assign_routes(&docs, "/");
        let errors = build_model(
            docs.into_iter().map(|d| (d, RenderedDoc::default(), None)).collect(),
            &routes,
        )
        .unwrap_err();
        assert_eq!(errors[0].message, "the site has no home page");
    }
}
