//! `render::pages::render_site`: renders every section and page through the
//! theme's Tera templates, handing each file to a [`FileSink`].
//!
//! Each template gets small, serialisable context structs (`SiteContext`,
//! `PageContext`, `SectionContext`) rather than an ad-hoc `tera::Context`,
//! so the theme contract in docs/site-format.md is written down in one
//! place. Pages render in parallel, and each goes to the sink as soon as it
//! is made.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;
use serde::Serialize;
use tera::Tera;

use crate::content::frontmatter::PageKind;
use crate::content::markdown::{CALLOUT_KINDS, Heading, callout_marker, embed_marker};
use crate::content::model::{Entry, Page, PageId, Section, SectionId, Site};
use crate::content::translations::UiText;
use crate::error::BuildError;
use crate::render::FileSink;
use crate::render::memo::{RenderMemo, render_fingerprint, site_fingerprint};
use crate::render::template_text::without_indentation;
use crate::render::worksheets::{
    CollectionContext, WorksheetContext, journal_collections, worksheet_context,
};
use crate::source::config::Config;
use crate::source::files::TemplateSource;

use crate::content::worksheets::{ANSWERS_TEMPLATE, PrintPack, answers_url, print_packs};

fn has_answers_template(tera: &Tera) -> bool {
    tera.get_template_names().any(|name| name == ANSWERS_TEMPLATE)
}

/// Templates every theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &["index.html", "section.html", "page.html", "404.html"];

/// Compiles the templates. Each is parsed alone first so that a syntax
/// error names its template; then all are loaded together for inheritance.
pub fn load_templates<'a>(
    templates: impl Iterator<Item = &'a TemplateSource>,
) -> Result<Tera, BuildError> {
    let texts: Vec<(&str, Cow<'_, str>)> =
        templates.map(|t| (t.name.as_str(), loaded_text(t))).collect();
    for (name, text) in &texts {
        let mut alone = Tera::default();
        if let Err(source) = alone.add_raw_template(name, text)
            && !matches!(source.kind, tera::ErrorKind::MissingParent { .. })
        {
            return Err(BuildError::TemplateLoad { name: (*name).to_string(), source });
        }
    }
    let mut tera = Tera::default();
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(texts.iter().map(|(name, text)| (*name, text.as_ref())))
        .map_err(|source| BuildError::TemplateLoad { name: "the templates".into(), source })?;
    for required in REQUIRED_TEMPLATES {
        if !tera.get_template_names().any(|name| name == *required) {
            return Err(BuildError::TemplateLoad {
                name: (*required).to_string(),
                source: tera::Error::msg("the theme has no such template; add it to templates/"),
            });
        }
    }
    Ok(tera)
}

/// The text Tera compiles for `template`: an HTML template without its
/// indentation, so that no page needs minifying (`render::template_text`).
fn loaded_text(template: &TemplateSource) -> Cow<'_, str> {
    if template.name.ends_with(".html") {
        without_indentation(&template.text)
    } else {
        Cow::Borrowed(&template.text)
    }
}

/// Escapes text for HTML. Tera's own escaper also encodes `/`, which bloats
/// every URL in the output (`&#x2F;prepare&#x2F;`) for no safety gain in
/// quoted attributes and text.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The names of all loaded templates, for validating `template = "..."`.
pub fn template_names(tera: &Tera) -> BTreeSet<String> {
    tera.get_template_names().map(str::to_string).collect()
}

#[derive(Debug, Clone, Serialize)]
struct Link {
    title: String,
    url: String,
}

#[derive(Debug, Clone, Serialize)]
struct Listed {
    title: String,
    description: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct ClinicContext<'a> {
    name: &'a str,
    logo: &'a str,
    phone: &'a str,
    phone_href: String,
    address: &'a str,
}

#[derive(Debug, Serialize)]
struct SafetyContext<'a> {
    title: &'a str,
    text: &'a str,
    phone: &'a str,
    phone_href: String,
}

/// `site` in every template.
#[derive(Debug, Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    /// The language of the pages being rendered (`es` in `/es/`).
    language: &'a str,
    language_name: &'a str,
    /// `ltr` or `rtl`.
    direction: &'static str,
    default_language: &'a str,
    /// The home page of this language: `base_path`, or `/es/`.
    home: String,
    /// Every language of the site: `{ code, name, direction }`.
    languages: Vec<LanguageLink>,
    /// The theme's `js.*` words in this language, as JSON for the scripts.
    text_json: String,
    clinic: ClinicContext<'a>,
    safety: SafetyContext<'a>,
    stylesheet: &'a str,
    nav: Vec<Link>,
    root_pages: Vec<Link>,
    /// The "My answers" page of this language (`/journal/`), or empty when
    /// the site has no journal page or the theme no `answers.html`.
    answers_url: String,
    /// site.toml's `[extra]`, as written.
    extra: &'a toml::Table,
}

/// A language, or this page in a language (the switcher).
#[derive(Debug, Clone, Serialize)]
pub struct LanguageLink {
    code: String,
    name: String,
    direction: &'static str,
    /// This page in that language (its home page in `site.languages`).
    url: String,
    /// Absolute URL of `url`.
    permalink: String,
    /// Whether the page is written in that language (false: shown there
    /// untranslated).
    translated: bool,
}

/// One entry of the language switcher.
#[derive(Debug, Serialize)]
struct SwitcherLink<'a> {
    #[serde(flatten)]
    link: &'a LanguageLink,
    /// The language of the page being read.
    current: bool,
}

/// Each page in every language, by content path, for the language
/// switcher, `hreflang` links and the sitemap.
#[derive(Debug, Default)]
pub struct Alternates {
    by_path: HashMap<String, Vec<LanguageLink>>,
    homes: Vec<LanguageLink>,
}

impl Alternates {
    /// Collects every entry of every language's tree.
    pub fn of(sites: &[Site], config: &Config) -> Self {
        let mut alternates = Alternates::default();
        for site in sites {
            let Some(language) = config.language_of(&site.language) else { continue };
            let link = |url: &str, translated: bool| LanguageLink {
                code: language.code.clone(),
                name: language.name.clone(),
                direction: language.direction(),
                url: url.to_string(),
                permalink: config.permalink(url),
                translated,
            };
            for entry in site.entries() {
                let translated = !site.is_fallback(entry);
                let links = alternates.by_path.entry(entry.content_path.clone()).or_default();
                links.push(link(&entry.url, translated));
            }
            alternates.homes.push(link(&config.language_base_path(&site.language), true));
        }
        alternates
    }

    /// The versions of the entry at `content_path`, in site language order.
    pub fn of_path(&self, content_path: &str) -> &[LanguageLink] {
        self.by_path.get(content_path).map_or(&[], Vec::as_slice)
    }

    /// The same links with `suffix` added to each URL (a section's print
    /// pack, `print/`) or each language's home plus a path (`offline/`).
    fn with_suffix(links: &[LanguageLink], suffix: &str) -> Vec<LanguageLink> {
        links
            .iter()
            .map(|l| LanguageLink {
                url: format!("{}{suffix}", l.url),
                permalink: format!("{}{suffix}", l.permalink),
                ..l.clone()
            })
            .collect()
    }
}

impl LanguageLink {
    pub fn code(&self) -> &str {
        &self.code
    }
    pub fn permalink(&self) -> &str {
        &self.permalink
    }
    pub fn translated(&self) -> bool {
        self.translated
    }
}

/// `section` in index.html and section.html.
#[derive(Debug, Serialize)]
struct SectionContext<'a> {
    title: &'a str,
    description: &'a str,
    content: Cow<'a, str>,
    url: &'a str,
    permalink: String,
    toc: Vec<&'a Heading>,
    pages: Vec<Listed>,
    subsections: Vec<Listed>,
    ancestors: Vec<Link>,
    updated: &'a str,
    reviewed: &'a str,
    /// URL of the section's print pack, or empty if it has no worksheets.
    print_pack: String,
    /// The front matter's `[extra]`, as written.
    extra: &'a toml::Table,
}

/// `page` in page.html.
#[derive(Debug, Serialize)]
struct PageContext<'a> {
    title: &'a str,
    description: &'a str,
    content: Cow<'a, str>,
    url: &'a str,
    permalink: String,
    toc: Vec<&'a Heading>,
    ancestors: Vec<Link>,
    updated: &'a str,
    reviewed: &'a str,
    previous: Option<Link>,
    next: Option<Link>,
    /// The front matter's `[extra]`, as written.
    extra: &'a toml::Table,
}

/// `pack` in print-pack.html.
#[derive(Debug, Serialize)]
struct PackContext<'a> {
    title: String,
    url: &'a str,
    section: Link,
    worksheets: Vec<WorksheetContext<'a>>,
}

/// `answers` in answers.html: every journal of the site, in reading order.
#[derive(Debug, Serialize)]
struct AnswersContext<'a> {
    collections: Vec<CollectionContext<'a>>,
}

/// What the renderer needs besides the site itself.
pub struct RenderInput<'a> {
    pub config: &'a Config,
    pub tera: &'a Tera,
    pub stylesheet_url: &'a str,
    pub logo_url: &'a str,
    /// The theme's words in the site's language.
    pub text: &'a UiText,
    pub alternates: &'a Alternates,
    /// How the images pages show are published (`images`).
    pub images: &'a crate::render::images::ImageCatalog,
    /// A preview's fingerprint of the inputs (`render::memo`): each page
    /// rendered gets a fingerprint; `None` in a build.
    pub fingerprint_base: Option<u64>,
    /// The last preview's pages: one whose fingerprint is unchanged is
    /// copied from there instead of rendered.
    pub memo: Option<&'a RenderMemo>,
}

/// One rendered file: output path, bytes, fingerprint (in a preview).
type RenderedFile = (String, Vec<u8>, Option<u64>);

/// Renders the HTML of every section and page, the 404 and offline pages
/// and the My answers page, each handed to `sink` as soon as it is made:
/// the pages in flight are the only ones in memory. Returns each page's
/// fingerprint in a preview (output path -> fingerprint, for the next
/// preview's [`RenderMemo`]).
pub fn render_site(
    site: &Site,
    input: &RenderInput,
    sink: &dyn FileSink,
) -> Result<Vec<(String, u64)>, BuildError> {
    let site_value = tera::to_value(site_context(site, input)).map_err(|err| {
        BuildError::TemplateRender { name: "-".into(), page: "site".into(), source: err.into() }
    })?;
    let fingerprint_base = input.fingerprint_base.map(|base| site_fingerprint(base, &site_value));
    let renderer = Renderer {
        site,
        input,
        site_value,
        fingerprint_base,
        packs: print_packs(site),
        reading_order: reading_order(site),
    };
    let put = |(path, bytes, fingerprint): RenderedFile| {
        sink.put(path.clone(), bytes)?;
        Ok::<_, BuildError>(fingerprint.map(|fingerprint| (path, fingerprint)))
    };
    let fingerprints: Vec<(String, u64)> = (0..site.sections.len())
        .into_par_iter()
        .map(|id| renderer.render_section(id).and_then(put))
        .chain(
            site.pages
                .par_iter()
                .enumerate()
                .map(|(id, page)| renderer.render_page(id, page).and_then(put)),
        )
        .chain(renderer.packs.par_iter().map(|pack| renderer.render_pack(pack).and_then(put)))
        .filter_map(Result::transpose)
        .collect::<Result<_, _>>()?;
    // One 404 page, at the root, in the default language: hosts serve
    // only that one.
    if site.language == input.config.language {
        let homes = &renderer.input.alternates.homes;
        let not_found = renderer.render("404.html", "404.html", "/404.html", homes, |_| Ok(()))?;
        sink.put("404.html".to_string(), not_found)?;
    }
    if input.tera.get_template_names().any(|name| name == "offline.html") {
        let url = format!("{}offline/", input.config.language_base_path(&site.language));
        let versions = Alternates::with_suffix(&renderer.input.alternates.homes, "offline/");
        let offline =
            renderer.render("offline.html", "offline.html", &url, &versions, |_| Ok(()))?;
        sink.put(renderer.output_path(&url), offline)?;
    }
    if let Some((path, bytes)) = renderer.render_answers()? {
        sink.put(path, bytes)?;
    }
    Ok(fingerprints)
}

/// The output paths of what a patient writes in or prints from: prompt
/// collections, checklists, their print packs and "My answers". The
/// service worker precaches these whatever its budget (`output::offline`).
pub fn worksheet_paths(site: &Site, config: &Config, tera: &Tera) -> Vec<String> {
    let output_path = |url: &str| {
        format!("{}index.html", url.strip_prefix(config.base_path.as_str()).unwrap_or(url))
    };
    let pages = site.pages.iter().filter(|page| !matches!(page.kind, PageKind::Guidance));
    let mut paths: Vec<String> = pages.map(|page| output_path(&page.entry.url)).collect();
    paths.extend(print_packs(site).iter().map(|pack| output_path(&pack.url)));
    if has_answers_template(tera) && !journal_collections(site).is_empty() {
        paths.push(output_path(&answers_url(&config.language_base_path(&site.language))));
    }
    paths
}

struct Renderer<'a> {
    site: &'a Site,
    input: &'a RenderInput<'a>,
    site_value: tera::Value,
    /// The inputs' and this language's site context's fingerprint, in a preview.
    fingerprint_base: Option<u64>,
    packs: Vec<PrintPack<'a>>,
    /// The pages in reading order and each page's place in it (for
    /// previous/next), computed once: searching per page is quadratic.
    reading_order: (Vec<PageId>, Vec<usize>),
}

/// Every page in the site's reading order, and each page's place in it
/// (for previous/next): each section's pages, then its subsections; the
/// home page's sections come before its own pages, as in the menu. Issue
/// #15: the last page of one section leads on to the first of the next.
fn reading_order(site: &Site) -> (Vec<PageId>, Vec<usize>) {
    fn visit(site: &Site, id: SectionId, order: &mut Vec<PageId>) {
        let section = &site.sections[id];
        if id != site.root {
            order.extend(&section.pages);
        }
        for &sub in &section.subsections {
            visit(site, sub, order);
        }
        if id == site.root {
            order.extend(&section.pages);
        }
    }
    let mut order = Vec::with_capacity(site.pages.len());
    visit(site, site.root, &mut order);
    let mut places = vec![usize::MAX; site.pages.len()];
    for (place, &page) in order.iter().enumerate() {
        places[page] = place;
    }
    (order, places)
}

impl Renderer<'_> {
    fn render_section(&self, id: SectionId) -> Result<RenderedFile, BuildError> {
        let section = &self.site.sections[id];
        let entry = &section.entry;
        let default = if id == self.site.root { "index.html" } else { "section.html" };
        let template = entry.meta.template.as_ref().map_or(default, |(name, _)| name.as_str());
        let context = self.section_context(section, id)?;
        let versions = self.input.alternates.of_path(&entry.content_path);
        let source = entry.display_path.to_string_lossy();
        let path = self.output_path(&entry.url);
        let file = self.render_file(path, template, &source, &entry.url, versions, |c| {
            c.insert("section", &context);
            self.insert_entry_language(entry, c);
            Ok(())
        })?;
        Ok(self.with_images(file, entry))
    }

    /// Points the page's images at their published files (`images`).
    fn with_images(&self, file: RenderedFile, entry: &Entry) -> RenderedFile {
        let (path, bytes, fingerprint) = file;
        let rewritten = self.input.images.rewrite_page(&bytes, &entry.content_path, &entry.url);
        (path, rewritten.unwrap_or(bytes), fingerprint)
    }

    fn render_page(&self, id: PageId, page: &Page) -> Result<RenderedFile, BuildError> {
        let entry = &page.entry;
        let default = match page.kind {
            PageKind::Guidance => "page.html",
            PageKind::Prompts(_) => "prompts.html",
            PageKind::Checklist(_) => "checklist.html",
        };
        let template = entry.meta.template.as_ref().map_or(default, |(name, _)| name.as_str());
        let context = self.page_context(id, page)?;
        let worksheet = worksheet_context(self.site, page);
        let versions = self.input.alternates.of_path(&entry.content_path);
        let source = entry.display_path.to_string_lossy();
        let path = self.output_path(&entry.url);
        let file = self.render_file(path, template, &source, &entry.url, versions, |c| {
            c.insert("page", &context);
            if let Some(worksheet) = &worksheet {
                worksheet.insert_into(c);
            }
            self.insert_entry_language(entry, c);
            Ok(())
        })?;
        Ok(self.with_images(file, entry))
    }

    fn render_pack(&self, pack: &PrintPack) -> Result<RenderedFile, BuildError> {
        let section = &self.site.sections[pack.section].entry;
        let text = self.input.text;
        let title = if pack.section == self.site.root {
            text.format("print.pack_title_all", &[])
        } else {
            text.format("print.pack_title", &[("section", section.meta.title.as_str())])
        }
        .map_err(|message| BuildError::TemplateRender {
            name: "print-pack.html".into(),
            page: section.display_path.display().to_string(),
            source: tera::Error::msg(message),
        })?;
        let context = PackContext {
            title,
            url: &pack.url,
            section: link(section),
            worksheets: pack
                .pages
                .iter()
                .filter_map(|page| worksheet_context(self.site, page))
                .collect(),
        };
        let source = format!("the print pack of {}", section.display_path.display());
        let versions =
            Alternates::with_suffix(self.input.alternates.of_path(&section.content_path), "print/");
        let path = self.output_path(&pack.url);
        self.render_file(path, "print-pack.html", &source, &pack.url, &versions, |c| {
            c.insert("pack", &context);
            // Untranslated worksheets keep the default language's text.
            self.insert_entry_language(section, c);
            Ok(())
        })
    }

    /// The "My answers" page, when the site has a journal and the theme the
    /// template: `(output path, bytes)`.
    fn render_answers(&self) -> Result<Option<(String, Vec<u8>)>, BuildError> {
        let collections = journal_collections(self.site);
        if collections.is_empty() || !has_answers_template(self.input.tera) {
            return Ok(None);
        }
        let home = self.input.config.language_base_path(&self.site.language);
        let url = answers_url(&home);
        let versions = Alternates::with_suffix(&self.input.alternates.homes, "journal/");
        let context = AnswersContext { collections };
        let bytes = self.render(ANSWERS_TEMPLATE, ANSWERS_TEMPLATE, &url, &versions, |c| {
            c.insert("answers", &context);
            Ok(())
        })?;
        Ok(Some((self.output_path(&url), bytes)))
    }

    /// The body HTML with each shortcode marker replaced by its worksheet,
    /// drawn by the theme's partial.
    fn expand_embeds<'e>(&self, entry: &'e Entry) -> Result<Cow<'e, str>, BuildError> {
        let html = self.expand_worksheets(entry)?;
        if !html.contains("<!--carebook-callout:") {
            return Ok(html);
        }
        // Each callout's label, in the theme's words for the page's language.
        let mut html = html.into_owned();
        for kind in CALLOUT_KINDS {
            let marker = callout_marker(kind);
            if html.contains(&marker) {
                let label =
                    self.input.text.format(&format!("callout.{kind}"), &[]).map_err(|message| {
                        BuildError::TemplateRender {
                            name: "i18n".into(),
                            page: entry.display_path.display().to_string(),
                            source: tera::Error::msg(message),
                        }
                    })?;
                html = html.replace(&marker, &escape_html(&label));
            }
        }
        Ok(Cow::Owned(html))
    }

    fn expand_worksheets<'e>(&self, entry: &'e Entry) -> Result<Cow<'e, str>, BuildError> {
        if entry.rendered.embeds.is_empty() {
            return Ok(Cow::Borrowed(&entry.rendered.html));
        }
        let mut html = entry.rendered.html.clone();
        for (index, embed) in entry.rendered.embeds.iter().enumerate() {
            let Some(page) = self.site.page_by_path(&embed.target) else { continue };
            let prefix = format!("e{index}-");
            let Some(worksheet) = worksheet_context(self.site, page) else { continue };
            let source = entry.display_path.to_string_lossy();
            let drawn = self.render(worksheet.partial(), &source, &entry.url, &[], |c| {
                worksheet.insert_into(c);
                c.insert("embedded", &true);
                c.insert("id_prefix", &prefix);
                Ok(())
            })?;
            html = html.replacen(&embed_marker(index), &String::from_utf8_lossy(&drawn), 1);
        }
        Ok(Cow::Owned(html))
    }

    /// [`Self::render`] for a file of the output at `path`; in a preview,
    /// copied from the last one when its fingerprint is unchanged.
    fn render_file(
        &self,
        path: String,
        template: &str,
        source: &str,
        url: &str,
        versions: &[LanguageLink],
        fill: impl FnOnce(&mut tera::Context) -> Result<(), tera::Error>,
    ) -> Result<RenderedFile, BuildError> {
        let mut context = self.context(url, versions);
        fill(&mut context).map_err(|err| render_error(template, source, err))?;
        let mut fingerprint = None;
        if let Some(base) = self.fingerprint_base {
            let (hash, same) = render_fingerprint(base, template, context);
            fingerprint = Some(hash);
            context = same;
        }
        let last = fingerprint.zip(self.input.memo).and_then(|(f, memo)| memo.reuse(&path, f));
        let bytes = match last {
            Some(bytes) => bytes,
            None => self.render_context(template, source, context)?,
        };
        Ok((path, bytes, fingerprint))
    }

    fn render(
        &self,
        template: &str,
        source: &str,
        url: &str,
        versions: &[LanguageLink],
        fill: impl FnOnce(&mut tera::Context) -> Result<(), tera::Error>,
    ) -> Result<Vec<u8>, BuildError> {
        let mut context = self.context(url, versions);
        fill(&mut context).map_err(|err| render_error(template, source, err))?;
        self.render_context(template, source, context)
    }

    /// Renders `template` with `context` and the site, without the blank
    /// lines the templates' `{% extends %}` and comments leave before it.
    fn render_context(
        &self,
        template: &str,
        source: &str,
        mut context: tera::Context,
    ) -> Result<Vec<u8>, BuildError> {
        context.insert("site", &self.site_value);
        self.input
            .tera
            .render(template, &context)
            .map(|mut html| {
                html.drain(..html.len() - html.trim_start().len());
                html.into_bytes()
            })
            .map_err(|err| render_error(template, source, err))
    }

    /// What every template gets, but the site (kept out of the fingerprint,
    /// which counts it once per language).
    fn context(&self, url: &str, versions: &[LanguageLink]) -> tera::Context {
        let config = self.input.config;
        let current = &self.site.language;
        let switcher: Vec<SwitcherLink> = versions
            .iter()
            .map(|link| SwitcherLink { link, current: link.code == *current })
            .collect();
        // hreflang: only the versions written in their language, and only
        // when there is more than one.
        let multilingual = config.languages.len() > 1;
        let hreflang: Vec<&LanguageLink> =
            versions.iter().filter(|l| multilingual && l.translated).collect();
        let x_default = versions
            .iter()
            .find(|l| multilingual && l.code == config.language)
            .map_or("", |l| l.permalink.as_str());
        let direction = config.language_of(current).map_or("ltr", |l| l.direction());
        let mut context = tera::Context::new();
        context.insert("current_url", url);
        context.insert("generator", concat!("carebook ", env!("CARGO_PKG_VERSION")));
        context.insert("languages", &if multilingual { switcher } else { Vec::new() });
        context.insert("hreflang", &hreflang);
        context.insert("x_default", x_default);
        context.insert("content_language", current);
        context.insert("content_direction", direction);
        context.insert("fallback", &false);
        context.insert(
            "content_security_policy",
            &crate::render::headers::meta_content_security_policy(),
        );
        context
    }

    /// Marks a page shown in this language untranslated: its text is in
    /// the default language.
    fn insert_entry_language(&self, entry: &Entry, context: &mut tera::Context) {
        if self.site.is_fallback(entry) {
            let config = self.input.config;
            let direction = config.language_of(&entry.lang).map_or("ltr", |l| l.direction());
            context.insert("content_language", &entry.lang);
            context.insert("content_direction", direction);
            context.insert("fallback", &true);
        }
    }

    /// `/prepare/gather/` is written to `prepare/gather/index.html`.
    fn output_path(&self, url: &str) -> String {
        let relative = url.strip_prefix(self.input.config.base_path.as_str()).unwrap_or(url);
        format!("{relative}index.html")
    }

    fn ancestors(&self, section: SectionId, include_self: bool) -> Vec<Link> {
        let mut ids = self.site.ancestors(section);
        if include_self {
            ids.push(section);
        }
        ids.into_iter().map(|id| link(&self.site.sections[id].entry)).collect()
    }

    fn section_context<'s>(
        &self,
        section: &'s Section,
        id: SectionId,
    ) -> Result<SectionContext<'s>, BuildError> {
        let entry = &section.entry;
        let print_pack = self.packs.iter().find(|p| p.section == id).map(|p| p.url.clone());
        Ok(SectionContext {
            title: &entry.meta.title,
            description: &entry.meta.description,
            content: self.expand_embeds(entry)?,
            url: &entry.url,
            permalink: self.input.config.permalink(&entry.url),
            toc: toc(entry),
            pages: section.pages.iter().map(|&p| listed(&self.site.pages[p].entry)).collect(),
            subsections: section
                .subsections
                .iter()
                .map(|&s| listed(&self.site.sections[s].entry))
                .collect(),
            ancestors: self.ancestors(id, false),
            updated: entry.meta.updated.as_deref().unwrap_or_default(),
            reviewed: entry.meta.reviewed.as_deref().unwrap_or_default(),
            print_pack: print_pack.unwrap_or_default(),
            extra: &entry.meta.extra,
        })
    }

    fn page_context<'p>(&self, id: PageId, page: &'p Page) -> Result<PageContext<'p>, BuildError> {
        let entry = &page.entry;
        let (order, places) = &self.reading_order;
        let index = places.get(id).copied().filter(|&place| place != usize::MAX);
        let neighbour = |i: Option<usize>| {
            i.and_then(|i| order.get(i)).map(|&p| link(&self.site.pages[p].entry))
        };
        Ok(PageContext {
            title: &entry.meta.title,
            description: &entry.meta.description,
            content: self.expand_embeds(entry)?,
            url: &entry.url,
            permalink: self.input.config.permalink(&entry.url),
            toc: toc(entry),
            ancestors: self.ancestors(page.section, true),
            updated: entry.meta.updated.as_deref().unwrap_or_default(),
            reviewed: entry.meta.reviewed.as_deref().unwrap_or_default(),
            previous: neighbour(index.and_then(|i| i.checked_sub(1))),
            next: neighbour(index.map(|i| i + 1)),
            extra: &entry.meta.extra,
        })
    }
}

fn render_error(template: &str, source: &str, err: tera::Error) -> BuildError {
    BuildError::TemplateRender { name: template.to_string(), page: source.to_string(), source: err }
}

fn site_context<'a>(site: &Site, input: &'a RenderInput) -> SiteContext<'a> {
    let config = input.config;
    let root = &site.sections[site.root];
    let language = config.language_of(&site.language).unwrap_or(config.default_language());
    SiteContext {
        title: &language.title,
        description: &language.description,
        base_url: &config.base_url,
        base_path: &config.base_path,
        language: &language.code,
        language_name: &language.name,
        direction: language.direction(),
        default_language: &config.language,
        home: config.language_base_path(&language.code),
        languages: input.alternates.homes.clone(),
        text_json: input.text.script_json(),
        clinic: ClinicContext {
            name: &config.clinic.name,
            logo: input.logo_url,
            phone: &config.clinic.phone,
            phone_href: phone_href(&config.clinic.phone),
            address: &config.clinic.address,
        },
        safety: SafetyContext {
            title: &language.safety.title,
            text: &language.safety.text,
            phone: &language.safety.phone,
            phone_href: phone_href(&language.safety.phone),
        },
        stylesheet: input.stylesheet_url,
        nav: root.subsections.iter().map(|&id| link(&site.sections[id].entry)).collect(),
        extra: &input.config.extra,
        root_pages: root.pages.iter().map(|&id| link(&site.pages[id].entry)).collect(),
        answers_url: if has_answers_template(input.tera) && !journal_collections(site).is_empty() {
            answers_url(&config.language_base_path(&language.code))
        } else {
            String::new()
        },
    }
}

fn link(entry: &Entry) -> Link {
    Link { title: entry.meta.title.clone(), url: entry.url.clone() }
}

fn listed(entry: &Entry) -> Listed {
    Listed {
        title: entry.meta.title.clone(),
        description: entry.meta.description.clone(),
        url: entry.url.clone(),
    }
}

/// The h2 and h3 headings, for a table of contents.
fn toc(entry: &Entry) -> Vec<&Heading> {
    entry.rendered.headings.iter().filter(|h| (2..=3).contains(&h.level)).collect()
}

/// `+1 (555) 010-0100` becomes `tel:+15550100100`.
pub fn phone_href(phone: &str) -> String {
    let digits: String = phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    if digits.is_empty() { String::new() } else { format!("tel:{digits}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_slashes() {
        assert_eq!(escape_html("/a/?b=1&c=<\"'>"), "/a/?b=1&amp;c=&lt;&quot;&#39;&gt;");
    }

    #[test]
    fn phone_links_keep_digits_and_plus() {
        assert_eq!(phone_href("+1 (555) 010-0100"), "tel:+15550100100");
        assert_eq!(phone_href("988"), "tel:988");
        assert_eq!(phone_href(""), "");
    }

    #[test]
    fn a_syntax_error_names_its_template() {
        let templates = [
            TemplateSource {
                name: "base.html".into(),
                text: "<html>{% block body %}{% endblock %}</html>".into(),
            },
            TemplateSource {
                name: "page.html".into(),
                text: "{% extends \"base.html\" %}{% block body %}{{ page.title }{% endblock %}"
                    .into(),
            },
        ];
        let err = load_templates(templates.iter()).unwrap_err();
        assert!(
            matches!(&err, BuildError::TemplateLoad { name, .. } if name == "page.html"),
            "{err:?}"
        );
        assert!(err.report().contains("caused by"), "{}", err.report());
    }

    #[test]
    fn a_missing_required_template_is_named() {
        let templates = [TemplateSource { name: "page.html".into(), text: "x".into() }];
        let err = load_templates(templates.iter()).unwrap_err();
        assert!(matches!(&err, BuildError::TemplateLoad { name, .. } if name == "index.html"));
    }
}
