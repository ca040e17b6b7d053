//! `content::markdown`: turns a document's Markdown body into HTML.
//!
//! Input: a [`ParsedDoc`] and the table of every page's URL. Output: a
//! [`RenderedDoc`] with the HTML, the headings (for anchors and the table of
//! contents) and every internal link with its source position, so the
//! `validate` stage can check anchors once all pages are rendered. Links to
//! `.md` files are rewritten to page URLs here; links to files that do not
//! exist are diagnostics.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::content::frontmatter::ParsedDoc;
use crate::content::rawhtml::{RawHtmlChecker, without_comments};
use crate::diagnostic::{Diagnostic, Position};

/// Content path (`prepare/gather.md`) to the URL of its built page.
pub type RouteTable = HashMap<String, String>;

/// A heading of a rendered document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link from one document to another (or to itself), to check later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalLink {
    /// The content path of the target document.
    pub target: String,
    pub anchor: Option<String>,
    pub position: Position,
}

/// A link to an address of the site rather than to a `.md` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressLink {
    /// As written, for messages.
    pub written: String,
    /// The address inside the site, without the leading `/`, query or
    /// anchor: `before/pain/`, `forms/consent.pdf`.
    pub path: String,
    pub anchor: Option<String>,
    /// Whether it was written relative to the page's file (`consent.pdf`).
    pub relative: bool,
    pub position: Position,
}

/// A document's body as HTML, plus what later stages need to know about it.
#[derive(Debug, Clone, Default)]
pub struct RenderedDoc {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Every `id` the page defines that a link may point at.
    pub anchors: HashSet<String>,
    pub links: Vec<InternalLink>,
    /// Links to site addresses (`/before/pain/`, `/forms/consent.pdf`) and
    /// to files other than Markdown (`consent.pdf`), checked once the whole
    /// site is known (`validate::check_address_links`).
    pub address_links: Vec<AddressLink>,
    /// Worksheets embedded with a shortcode, in order; embed `n` is marked
    /// in `html` by [`embed_marker`]`(n)`.
    pub embeds: Vec<Embed>,
    /// Calls of the site's own shortcodes (`templates/shortcodes/NAME.html`),
    /// in order; call `n` is marked in `html` by [`shortcode_marker`]`(n)`
    /// and rendered through the theme (`shortcodes::render_shortcodes`).
    pub shortcodes: Vec<ShortcodeCall>,
    pub diagnostics: Vec<Diagnostic>,
}

/// `{{ phone_card(name="Night nurse", phone="+1 555 0100") }}` in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortcodeCall {
    pub name: String,
    /// Arguments in the order written, values as TOML-like JSON values.
    pub args: Vec<(String, serde_json::Value)>,
    pub position: Position,
}

/// The comment a site shortcode leaves in the rendered body.
pub fn shortcode_marker(index: usize) -> String {
    format!("<!--carebook-shortcode:{index}-->")
}

/// Which kind of worksheet a shortcode embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedKind {
    Checklist,
    Prompts,
}

impl EmbedKind {
    pub fn shortcode(self) -> &'static str {
        match self {
            EmbedKind::Checklist => "checklist",
            EmbedKind::Prompts => "prompts",
        }
    }
}

/// `{{ checklist(path="prepare/gather.md") }}` in a page's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub kind: EmbedKind,
    /// Content path of the embedded page.
    pub target: String,
    pub position: Position,
}

/// The HTML comment a shortcode leaves in the rendered body, replaced by the
/// worksheet when the page is rendered through the theme.
pub fn embed_marker(index: usize) -> String {
    format!("<!--carebook-embed:{index}-->")
}

/// Maps byte offsets of a text to line and column quickly (binary search
/// over line starts), for bodies with many links.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    first_line: usize,
    /// The last offset asked for, its line and its column: positions are
    /// asked for in order, so the next column is counted from there, not
    /// from the line's start (400,000 links on one line cost 28 s that way,
    /// issue #16).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str, first_line: usize) -> Self {
        let line_starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, line_starts, first_line, last: std::cell::Cell::new((0, 0, 1)) }
    }

    pub(crate) fn position(&self, offset: usize) -> Position {
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let end = offset.min(self.text.len()).max(start);
        let (last_offset, last_line, last_column) = self.last.get();
        let (from, column) = if last_line == line && last_offset <= end && last_offset >= start {
            (last_offset, last_column)
        } else {
            (start, 1)
        };
        let Some(between) = self.text.get(from..end) else {
            return Position::new(line + self.first_line, column);
        };
        let column = column + between.chars().count();
        self.last.set((end, line, column));
        Position::new(line + self.first_line, column)
    }
}

/// The Markdown extensions carebook enables.
pub(crate) fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        // GitHub-style alerts (`> [!WARNING]`), rendered as callouts.
        | Options::ENABLE_GFM
}

/// The callout kinds, as written after `> [!` (in lowercase): GitHub's
/// alerts. Each has a label in the theme's words (`callout.<kind>`).
pub const CALLOUT_KINDS: [&str; 5] = ["note", "tip", "important", "warning", "caution"];

/// The comment a callout leaves where its label goes, replaced by the label
/// in the page's language when the page is rendered through the theme.
pub fn callout_marker(kind: &str) -> String {
    format!("<!--carebook-callout:{kind}-->")
}

fn callout_kind(kind: pulldown_cmark::BlockQuoteKind) -> &'static str {
    use pulldown_cmark::BlockQuoteKind as K;
    match kind {
        K::Note => "note",
        K::Tip => "tip",
        K::Important => "important",
        K::Warning => "warning",
        K::Caution => "caution",
    }
}

/// Renders one document's body.
pub fn render_markdown(doc: &ParsedDoc, routes: &RouteTable) -> RenderedDoc {
    render_body(doc, &doc.body, routes, Vec::new(), Vec::new(), false)
}

/// Renders a guidance page or section body, whose lines may hold shortcodes.
pub fn render_with_shortcodes(doc: &ParsedDoc, routes: &RouteTable) -> RenderedDoc {
    let expanded = expand_shortcodes(doc, routes);
    let mut rendered =
        render_body(doc, &expanded.body, routes, expanded.embeds, expanded.diagnostics, true);
    rendered.shortcodes = expanded.calls;
    rendered
}

fn render_body(
    doc: &ParsedDoc,
    body: &str,
    routes: &RouteTable,
    embeds: Vec<Embed>,
    diagnostics: Vec<Diagnostic>,
    whole_page: bool,
) -> RenderedDoc {
    let lines = LineIndex::new(body, doc.body_first_line);
    let rendered = RenderedDoc { embeds, diagnostics, ..RenderedDoc::default() };
    let mut state = RenderState {
        doc,
        routes,
        lines: &lines,
        rendered,
        next_suffix: HashMap::new(),
        outline: Vec::new(),
        in_comment: false,
    };
    let mut heading: Option<(Event, Vec<Event>, usize)> = None;
    let mut nesting = Nesting::default();
    let mut raw_html = RawHtmlChecker::default();
    let mut parser = Parser::new_ext(body, markdown_options()).into_offset_iter();
    // Events go straight to the HTML writer as they are made, so memory
    // follows the page's HTML, not a list of all its events (a 4.5 MB table
    // peaked at 2.1 GB that way, issue #16). Only a heading's inner events
    // wait, until its id is known.
    let mut ready: std::collections::VecDeque<Event> = std::collections::VecDeque::new();
    let mut html = String::with_capacity(body.len() * 3 / 2);
    let events = std::iter::from_fn(|| {
        loop {
            if let Some(event) = ready.pop_front() {
                return Some(event);
            }
            let (event, range) = parser.next()?;
            nesting.follow(&event);
            if nesting.depth > MAX_NESTING {
                state.rendered.diagnostics.push(too_deep(&state, range.start, nesting.levels));
                return None;
            }
            feed_raw_html(&mut raw_html, &event, range.start);
            let event = state.rewrite_event(event, range.start);
            match (&mut heading, event) {
                (None, start @ Event::Start(Tag::Heading { .. })) => {
                    heading = Some((start, Vec::new(), range.start));
                }
                (Some(_), Event::End(TagEnd::Heading(level))) => {
                    let (start, inner, offset) =
                        heading.take().unwrap_or((Event::Text("".into()), Vec::new(), 0));
                    let start = state.name_heading(start, &inner, level, offset);
                    ready.push_back(start);
                    ready.extend(inner);
                    ready.push_back(Event::End(TagEnd::Heading(level)));
                }
                (Some((_, inner, _)), event) => inner.push(event),
                (None, event) => return Some(event),
            }
        }
    });
    pulldown_cmark::html::push_html(&mut html, events);
    finish_body(state, raw_html, html, whole_page)
}

/// How deep the parser is in elements, and in the levels an author sees
/// (lists and quotes: a bullet level is two elements, `<ul>` and `<li>`),
/// for the message when `depth` is too much.
#[derive(Default)]
struct Nesting {
    depth: usize,
    levels: usize,
}

impl Nesting {
    fn follow(&mut self, event: &Event) {
        match event {
            Event::Start(tag) => {
                self.depth += 1;
                self.levels += usize::from(matches!(tag, Tag::List(_) | Tag::BlockQuote(_)));
            }
            Event::End(end) => {
                self.depth = self.depth.saturating_sub(1);
                let level = matches!(end, TagEnd::List(_) | TagEnd::BlockQuote(_));
                self.levels = self.levels.saturating_sub(usize::from(level));
            }
            _ => {}
        }
    }
}

/// The rendered body with what the raw HTML checker found, and for a whole
/// page, the heading outline's warnings.
fn finish_body(
    mut state: RenderState,
    mut raw_html: RawHtmlChecker,
    mut html: String,
    whole_page: bool,
) -> RenderedDoc {
    raw_html.finish();
    for problem in raw_html.problems {
        let position = state.lines.position(problem.offset);
        state.rendered.diagnostics.push(
            Diagnostic::error(&state.doc.display_path, position, problem.message)
                .with_hint(problem.hint),
        );
    }
    state.rendered.anchors.extend(raw_html.anchors);
    if whole_page {
        let warnings = check_outline(&state.outline, &state.doc.display_path);
        state.rendered.diagnostics.extend(warnings);
    }
    let mut rendered = state.rendered;
    html.shrink_to_fit();
    rendered.html = html;
    rendered
}

/// Shows the raw HTML checker one event: raw pieces, and where the
/// Markdown's own elements begin and end (an HTML block's wrapper is not an
/// element: `<details>` may open in one block and close in a later one).
fn feed_raw_html(checker: &mut RawHtmlChecker, event: &Event, offset: usize) {
    match event {
        Event::Html(html) | Event::InlineHtml(html) => checker.raw(html, offset),
        Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {}
        Event::Start(_) => checker.start(),
        Event::End(end) => checker.end(match end {
            TagEnd::Paragraph => "its paragraph",
            TagEnd::Item => "its list item",
            TagEnd::BlockQuote(_) => "its quote",
            TagEnd::Heading(_) => "its heading",
            TagEnd::TableCell => "its table cell",
            TagEnd::Link => "its link",
            _ => "the Markdown around it",
        }),
        _ => checker.text(),
    }
}

/// A page has one `<h1>`, its title, and headings that go down one level
/// at a time, as the README promises (issue #16 item 8): screen-reader
/// users move from heading to heading, and a second `<h1>` or a jump from
/// `##` to `####` tells them a part of the page is missing. Warnings, not
/// errors: the page still reads.
fn check_outline(outline: &[(u8, Position)], path: &std::path::Path) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    // The template writes the title as the page's `<h1>`.
    let mut previous = 1;
    for &(level, position) in outline {
        if level == 1 {
            warnings.push(
                Diagnostic::warning(
                    path,
                    position,
                    "a # heading makes a second <h1>: the page's title is already its <h1>",
                )
                .with_hint(
                    "start the page's headings at ## (the title comes from title = \"...\")",
                ),
            );
        } else if level > previous + 1 {
            let wanted = "#".repeat(usize::from(previous) + 1);
            warnings.push(
                Diagnostic::warning(
                    path,
                    position,
                    format!("this heading skips from level {previous} to level {level}"),
                )
                .with_hint(format!(
                    "write it as {wanted} (level {}), or add the heading it belongs under",
                    previous + 1
                )),
            );
        }
        previous = level;
    }
    warnings
}

/// How deeply lists, quotes and other elements may nest. Real guidance
/// nests a few levels; thousands of levels (`> > > …`) would overflow the
/// stack of browsers, so they are an error.
pub const MAX_NESTING: usize = 100;

/// Says how deep the author's lists and quotes are (issue #16 item 11: 51
/// levels of bullets were called "more than 100 levels", counting elements).
fn too_deep(state: &RenderState, offset: usize, levels: usize) -> Diagnostic {
    Diagnostic::error(
        &state.doc.display_path,
        state.lines.position(offset),
        format!(
            "lists or quotes are nested {levels} levels deep here, more than a page can hold (about 50 levels of bullets, or {MAX_NESTING} of quotes)"
        ),
    )
    .with_hint("flatten the structure: split it into headings and shorter lists")
}

struct RenderState<'a> {
    doc: &'a ParsedDoc,
    routes: &'a RouteTable,
    lines: &'a LineIndex<'a>,
    rendered: RenderedDoc,
    /// For [`unique_id`]: the next `-n` to try for each heading id.
    next_suffix: HashMap<String, usize>,
    /// Each heading's level and position, for [`check_outline`].
    outline: Vec<(u8, Position)>,
    /// Inside an author's `<!-- … -->` that spans raw HTML pieces.
    in_comment: bool,
}

impl RenderState<'_> {
    /// Resolves links and labels task boxes; other events pass unchanged.
    fn rewrite_event<'e>(&mut self, event: Event<'e>, offset: usize) -> Event<'e> {
        match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url = self.resolve_link(dest_url, offset);
                Event::Start(Tag::Link { link_type, dest_url, title, id })
            }
            // A task box in guidance text is not something to tick (that is
            // what checklists are for); give it a name screen readers can
            // read instead of an unlabelled form control.
            Event::TaskListMarker(done) => Event::InlineHtml(
                if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\">"
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\">"
                }
                .into(),
            ),
            // A callout is a note with a visible label screen readers read
            // first ("Warning"), not a colour alone; the theme draws its
            // border and icon, in print too.
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let kind = callout_kind(kind);
                Event::Html(
                    format!(
                        "<div class=\"callout callout-{kind}\" role=\"note\"><p class=\"callout-label\">{}</p>\n",
                        callout_marker(kind)
                    )
                    .into(),
                )
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html("</div>\n".into()),
            Event::Start(Tag::FootnoteDefinition(ref name)) => {
                self.rendered.anchors.insert(name.to_string());
                event
            }
            Event::Html(piece) => Event::Html(self.without_comments(piece)),
            Event::InlineHtml(piece) => Event::InlineHtml(self.without_comments(piece)),
            other => other,
        }
    }

    /// `piece` of raw HTML without the author's comments (`rawhtml::without_comments`).
    fn without_comments<'e>(&mut self, piece: CowStr<'e>) -> CowStr<'e> {
        match without_comments(&piece, &mut self.in_comment) {
            Cow::Borrowed(_) => piece,
            Cow::Owned(kept) => kept.into(),
        }
    }

    /// Gives a heading its id (written `{#id}` or derived from its text),
    /// unique within the page, and records it.
    fn name_heading<'e>(
        &mut self,
        start: Event<'e>,
        inner: &[Event],
        level: HeadingLevel,
        offset: usize,
    ) -> Event<'e> {
        let Event::Start(Tag::Heading { id, classes, attrs, .. }) = start else { return start };
        let title = heading_text(inner);
        let id = match id {
            Some(explicit) if is_reserved_id(&explicit) => {
                self.rendered.diagnostics.push(
                    Diagnostic::error(
                        &self.doc.display_path,
                        self.lines.position(offset),
                        format!("the id #{explicit} is used by the theme"),
                    )
                    .with_hint("choose another {#id} for this heading"),
                );
                explicit.to_string()
            }
            Some(explicit) => {
                if self.rendered.anchors.contains(explicit.as_ref()) {
                    self.rendered.diagnostics.push(
                        Diagnostic::error(
                            &self.doc.display_path,
                            self.lines.position(offset),
                            format!("the id #{explicit} is used twice on this page"),
                        )
                        .with_hint("give each heading a different {#id}"),
                    );
                }
                explicit.to_string()
            }
            None => unique_id(&slugify(&title), &self.rendered.anchors, &mut self.next_suffix),
        };
        self.rendered.anchors.insert(id.clone());
        self.outline.push((level as u8, self.lines.position(offset)));
        self.rendered.headings.push(Heading { level: level as u8, id: id.clone(), title });
        Event::Start(Tag::Heading { level, id: Some(id.into()), classes, attrs })
    }

    /// Rewrites a link to a `.md` file (or `@/` path or `#anchor`) into the
    /// page URL and records it for the anchor check. Other links are kept.
    fn resolve_link<'e>(&mut self, dest: CowStr<'e>, offset: usize) -> CowStr<'e> {
        let Some(link) = parse_internal_link(&dest) else { return dest };
        let position = self.lines.position(offset);
        let anchor = link.anchor.map(str::to_string);
        let target = match link.path {
            None => {
                let href = format!("#{}", anchor.as_deref().unwrap_or_default());
                let target = self.doc.content_path.clone();
                self.rendered.links.push(InternalLink { target, anchor, position });
                return href.into();
            }
            Some(LinkPath::Address(path)) => {
                let path = path.to_string();
                let link = AddressLink {
                    written: dest.to_string(),
                    path,
                    anchor,
                    relative: false,
                    position,
                };
                self.rendered.address_links.push(link);
                return dest;
            }
            Some(LinkPath::File(path)) => {
                let path = path.to_string();
                return self.resolve_file_link(dest, &path, anchor, position);
            }
            Some(LinkPath::FromRoot(path)) => normalise_path("", &percent_decoded(path)),
            Some(LinkPath::Relative(path)) => {
                let dir = self.doc.content_path.rsplit_once('/').map_or("", |(dir, _)| dir);
                normalise_path(dir, &percent_decoded(path))
            }
        };
        let Some(target) = target else {
            self.rendered.diagnostics.push(
                Diagnostic::error(
                    &self.doc.display_path,
                    position,
                    format!("the link {dest} points outside content/"),
                )
                .with_hint("link to a file inside content/, e.g. @/prepare/gather.md"),
            );
            return dest;
        };
        let Some(url) = self.routes.get(&target) else {
            self.rendered.diagnostics.push(self.missing_page(&dest, &target, position));
            return dest;
        };
        let href = match &anchor {
            Some(anchor) => format!("{url}#{anchor}"),
            None => url.clone(),
        };
        self.rendered.links.push(InternalLink { target, anchor, position });
        href.into()
    }

    /// A link to a file other than Markdown, written relative to the page's
    /// file: checked against the static files and published from the root.
    fn resolve_file_link<'e>(
        &mut self,
        dest: CowStr<'e>,
        path: &str,
        anchor: Option<String>,
        position: Position,
    ) -> CowStr<'e> {
        let dir = self.doc.content_path.rsplit_once('/').map_or("", |(dir, _)| dir);
        let Some(resolved) = normalise_path(dir, &percent_decoded(path)) else {
            self.rendered.diagnostics.push(
                Diagnostic::error(
                    &self.doc.display_path,
                    position,
                    format!("the link {dest} points outside the site"),
                )
                .with_hint("put the file in static/ and link to it from the site's root, e.g. /forms/consent.pdf for static/forms/consent.pdf"),
            );
            return dest;
        };
        // Written relative to the page's file (like `.md` links),
        // published from the site's root, so the browser finds it
        // whatever the page's address.
        let published = normalise_path(dir, path).unwrap_or_else(|| resolved.clone());
        let href = match &anchor {
            Some(anchor) => format!("/{published}#{anchor}"),
            None => format!("/{published}"),
        };
        let link = AddressLink {
            written: dest.to_string(),
            path: resolved,
            anchor,
            relative: true,
            position,
        };
        self.rendered.address_links.push(link);
        href.into()
    }

    /// The error for a link to a page that does not exist, with the nearest
    /// page's path as a suggestion.
    fn missing_page(&self, dest: &str, target: &str, position: Position) -> Diagnostic {
        let diagnostic = Diagnostic::error(
            &self.doc.display_path,
            position,
            format!("the link {dest} points to content/{target}, which does not exist"),
        );
        match nearest_route(target, self.routes) {
            Some(near) => diagnostic.with_hint(format!("did you mean {near}?")),
            None => diagnostic.with_hint("check the file name, or create the page"),
        }
    }
}

enum LinkPath<'a> {
    FromRoot(&'a str),
    Relative(&'a str),
    /// `/before/pain/`: an address of the site, as copied from a browser.
    Address(&'a str),
    /// `consent.pdf`, `../forms/x.pdf`: a file other than Markdown,
    /// relative to the page's file.
    File(&'a str),
}

struct LinkParts<'a> {
    /// `None` for a link to an anchor on the same page.
    path: Option<LinkPath<'a>>,
    anchor: Option<&'a str>,
}

/// Recognises links carebook resolves: `@/x.md`, `x.md`, `../x.md#a`, `#a`.
fn parse_internal_link(dest: &str) -> Option<LinkParts<'_>> {
    let (path, anchor) = match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor).filter(|a| !a.is_empty())),
        None => (dest, None),
    };
    if path.is_empty() {
        return anchor.map(|anchor| LinkParts { path: None, anchor: Some(anchor) });
    }
    if let Some(rooted) = path.strip_prefix("@/") {
        return Some(LinkParts { path: Some(LinkPath::FromRoot(rooted)), anchor });
    }
    let has_scheme = path.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/'));
    if has_scheme || path.starts_with("//") {
        return None;
    }
    // The query (`?v=2`) is not part of the file's name.
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    if let Some(address) = path.strip_prefix('/') {
        return Some(LinkParts { path: Some(LinkPath::Address(address)), anchor });
    }
    if !path.ends_with(".md") {
        return Some(LinkParts { path: Some(LinkPath::File(path)), anchor });
    }
    Some(LinkParts { path: Some(LinkPath::Relative(path)), anchor })
}

/// A link's path as the file name it stands for: `My%20Page.md` is the
/// file `My Page.md` (issue #16 item 10), as editors and browsers write a
/// space in a link. A path that does not decode to UTF-8 is kept as written.
fn percent_decoded(path: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::percent_decode_str(path).decode_utf8().unwrap_or(path.into())
}

/// Joins `path` onto `dir` and folds `.` and `..`; `None` if it climbs out.
fn normalise_path(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The file a broken link most likely meant: one of the same name in
/// another folder (`before/pain-relief.md` for `pain-relief.md`, `UPPER.md`
/// for `upper.md`), else the nearest path by spelling.
fn nearest_route<'a>(target: &str, routes: &'a RouteTable) -> Option<&'a str> {
    let file_name = |path: &str| path.rsplit('/').next().unwrap_or_default().to_lowercase();
    let wanted = file_name(target);
    let same_name = routes
        .keys()
        .filter(|candidate| file_name(candidate) == wanted)
        .min_by_key(|candidate| (strsim::levenshtein(target, candidate), candidate.as_str()));
    if let Some(path) = same_name {
        return Some(path.as_str());
    }
    routes
        .keys()
        .map(|candidate| (strsim::normalized_levenshtein(target, candidate), candidate))
        .filter(|(score, _)| *score > 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, path)| path.as_str())
}

/// The plain text of a heading's inline content.
fn heading_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// `"What’s next?"` becomes `"what-s-next"`; letters of any script are kept.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut pending_hyphen = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_hyphen && !slug.is_empty() {
                slug.push('-');
            }
            pending_hyphen = false;
            slug.push(c);
        } else {
            pending_hyphen = true;
        }
    }
    if slug.is_empty() { "section".to_string() } else { slug }
}

/// Ids the theme writes on every page (`<main id="main">`, `cb-...`), which
/// a heading must not take.
fn is_reserved_id(id: &str) -> bool {
    id == "main" || id.starts_with("cb-")
}

/// An id derived from `base` that is not in `taken` and not the theme's.
///
/// A base the theme reserves (`cb-radio` from "## CB radio") gets an `h-`
/// in front: adding `-1`, `-2`, … to it would stay reserved for ever (issue
/// #16: that loop never ended). `next` remembers, per base, the suffix to try
/// next, so a page of 40,000 identical headings costs 40,000 look-ups, not
/// 800 million.
pub(crate) fn unique_id(
    base: &str,
    taken: &HashSet<String>,
    next: &mut HashMap<String, usize>,
) -> String {
    let base =
        if is_reserved_id(base) && base != "main" { format!("h-{base}") } else { base.to_string() };
    let free = |id: &str| !taken.contains(id) && !is_reserved_id(id);
    if free(&base) {
        return base;
    }
    // `cb` is free, but `cb-1`, `cb-2`, … are the theme's (a fuzzed "## CB"
    // twice looped for ever): its suffixes go on `h-cb`.
    let stem = if is_reserved_id(&format!("{base}-")) { format!("h-{base}") } else { base };
    let n = next.entry(stem.clone()).or_insert(1);
    // Ends: `taken` is finite and no `{stem}-{n}` is reserved (`main-1` is
    // not `main`, `h-cb-1` and `h-cb-x-1` do not start with `cb-`).
    loop {
        let candidate = format!("{stem}-{n}");
        *n += 1;
        if free(&candidate) {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, body: &str) -> ParsedDoc {
        ParsedDoc::page(path, body)
    }

    fn routes() -> RouteTable {
        [
            ("prepare/gather.md", "/prepare/gather/"),
            ("_index.md", "/"),
            ("prepare/_index.md", "/prepare/"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
    }

    #[test]
    fn slugs_fold_case_and_punctuation() {
        assert_eq!(slugify("What to gather"), "what-to-gather");
        assert_eq!(slugify("Breathe in, breathe out!"), "breathe-in-breathe-out");
        assert_eq!(slugify("Náuseas y mareos"), "náuseas-y-mareos");
        assert_eq!(slugify("???"), "section");
    }

    #[test]
    fn headings_get_unique_ids_and_explicit_ids_win() {
        let rendered =
            render_markdown(&doc("a.md", "## Notes\n\n## Notes\n\n## Custom {#mine}\n"), &routes());
        let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["notes", "notes-1", "mine"]);
        assert!(rendered.html.contains("<h2 id=\"notes-1\">Notes</h2>"));
    }

    #[test]
    fn theme_ids_are_not_taken_by_headings() {
        let rendered =
            render_markdown(&doc("a.md", "## Main\n\n## Other {#cb-safety}\n"), &routes());
        assert_eq!(rendered.headings[0].id, "main-1");
        assert_eq!(rendered.diagnostics[0].message, "the id #cb-safety is used by the theme");
    }

    /// Issue #16: "## CB radio" made `unique_id` try cb-radio-1, cb-radio-2,
    /// … for ever, all reserved.
    #[test]
    fn headings_whose_id_would_be_the_themes_get_another() {
        let body = "## CB radio\n\n## CB radio\n\n## cb-text\n\n## Main\n\n## main\n";
        let rendered = render_markdown(&doc("a.md", body), &routes());
        let ids: Vec<&str> = rendered.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["h-cb-radio", "h-cb-radio-1", "h-cb-text", "main-1", "main-2"]);
        assert!(rendered.diagnostics.is_empty(), "{:?}", rendered.diagnostics);
    }

    #[test]
    fn unique_ids_skip_taken_suffixes() {
        let mut next = HashMap::new();
        let taken: HashSet<String> = ["a", "a-1", "a-2"].into_iter().map(String::from).collect();
        assert_eq!(unique_id("a", &taken, &mut next), "a-3");
        assert_eq!(unique_id("b", &taken, &mut next), "b");
        assert_eq!(unique_id("cb-x", &taken, &mut next), "h-cb-x");
        let taken: HashSet<String> = ["cb".to_string()].into();
        assert_eq!(unique_id("cb", &taken, &mut next), "h-cb-1");
        assert_eq!(unique_id("cb", &taken, &mut next), "h-cb-2");
    }

    #[test]
    fn line_index_columns_in_and_out_of_order() {
        let text = "ab\nçd [x] [y]\nz";
        let index = LineIndex::new(text, 10);
        let at = |needle: &str| text.find(needle).unwrap();
        assert_eq!(index.position(at("[x]")), Position::new(11, 4));
        assert_eq!(index.position(at("[y]")), Position::new(11, 8));
        assert_eq!(index.position(at("d")), Position::new(11, 2));
        assert_eq!(index.position(at("z")), Position::new(12, 1));
        assert_eq!(index.position(at("b")), Position::new(10, 2));
        assert_eq!(index.position(text.len() + 5), Position::new(12, 2));
    }

    #[test]
    fn duplicate_explicit_ids_are_errors() {
        let rendered = render_markdown(&doc("a.md", "## A {#x}\n\n## B {#x}\n"), &routes());
        assert_eq!(rendered.diagnostics.len(), 1);
        assert_eq!(rendered.diagnostics[0].position, Position::new(7, 1));
    }

    #[test]
    fn links_to_md_files_become_urls() {
        let rendered = render_markdown(
            &doc(
                "prepare/set.md",
                "See [gather](gather.md), [home](../_index.md#top) and [it](@/prepare/gather.md).\n",
            ),
            &routes(),
        );
        assert!(rendered.html.contains("href=\"/prepare/gather/\""), "{}", rendered.html);
        assert!(rendered.html.contains("href=\"/#top\""));
        assert_eq!(rendered.links.len(), 3);
        assert_eq!(rendered.links[1].anchor.as_deref(), Some("top"));
        assert_eq!(rendered.links[0].position, Position::new(5, 5));
        assert!(rendered.diagnostics.is_empty());
    }

    #[test]
    fn a_second_h1_and_skipped_levels_are_warnings_at_their_line() {
        let body = "# Again\n\n## Two\n\n#### Four\n\n##### Five\n\n## Back\n\n### Three\n";
        let rendered = render_with_shortcodes(&doc("a.md", body), &routes());
        let found: Vec<_> = rendered
            .diagnostics
            .iter()
            .map(|d| (d.severity, d.position.line, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    crate::diagnostic::Severity::Warning,
                    5,
                    "a # heading makes a second <h1>: the page's title is already its <h1>"
                ),
                (
                    crate::diagnostic::Severity::Warning,
                    9,
                    "this heading skips from level 2 to level 4"
                ),
            ]
        );
        assert_eq!(
            rendered.diagnostics[1].hint.as_deref(),
            Some("write it as ### (level 3), or add the heading it belongs under")
        );
        let skipped_from_title = render_with_shortcodes(&doc("a.md", "### Three\n"), &routes());
        assert_eq!(
            skipped_from_title.diagnostics[0].message,
            "this heading skips from level 1 to level 3"
        );
    }

    #[test]
    fn percent_encoded_links_name_the_file() {
        let mut routes = routes();
        routes.insert("prepare/My Page.md".into(), "/prepare/my-page/".into());
        let rendered = render_markdown(
            &doc("prepare/set.md", "[x](My%20Page.md) [y](<My Page.md>)\n"),
            &routes,
        );
        assert!(rendered.diagnostics.is_empty(), "{:?}", rendered.diagnostics);
        assert_eq!(
            rendered.html.matches("href=\"/prepare/my-page/\"").count(),
            2,
            "{}",
            rendered.html
        );
    }

    #[test]
    fn a_missing_link_suggests_the_file_of_that_name_elsewhere() {
        let mut routes = routes();
        routes.insert("before/pain-relief.md".into(), "/before/pain-relief/".into());
        routes.insert("before/_index.md".into(), "/before/".into());
        routes.insert("guide/UPPER.md".into(), "/guide/upper/".into());
        routes.insert("guide/_index.md".into(), "/guide/".into());
        let rendered = render_markdown(
            &doc("_index.md", "[x](pain-relief.md) [y](guide/upper.md)\n"),
            &routes,
        );
        let hints: Vec<_> = rendered.diagnostics.iter().map(|d| d.hint.as_deref()).collect();
        assert_eq!(
            hints,
            [Some("did you mean before/pain-relief.md?"), Some("did you mean guide/UPPER.md?")]
        );
    }

    #[test]
    fn external_links_are_left_alone_and_addresses_recorded() {
        let rendered = render_markdown(
            &doc(
                "prepare/a.md",
                "[a](https://x.org/a.md) [b](/logo.svg) [c](mailto:a@b.c) [d](img/x.png?v=1#top) [e](//cdn.example/x)\n",
            ),
            &routes(),
        );
        assert!(rendered.links.is_empty());
        assert!(rendered.diagnostics.is_empty());
        let paths: Vec<(&str, bool)> =
            rendered.address_links.iter().map(|l| (l.path.as_str(), l.relative)).collect();
        assert_eq!(paths, [("logo.svg", false), ("prepare/img/x.png", true)]);
        assert!(rendered.html.contains("href=\"/prepare/img/x.png#top\""), "{}", rendered.html);
        let outside = render_markdown(&doc("a.md", "[x](../../outside.pdf)\n"), &routes());
        assert!(outside.diagnostics[0].message.contains("outside the site"));
    }

    #[test]
    fn missing_target_is_an_error_with_a_suggestion() {
        let rendered =
            render_markdown(&doc("prepare/a.md", "Line one\n\nsee [x](gaher.md)\n"), &routes());
        let d = &rendered.diagnostics[0];
        assert_eq!(d.position, Position::new(7, 5));
        assert!(d.message.contains("content/prepare/gaher.md"));
        assert_eq!(d.hint.as_deref(), Some("did you mean prepare/gather.md?"));
    }

    #[test]
    fn links_climbing_out_of_content_are_errors() {
        let rendered = render_markdown(&doc("a.md", "[x](../../secret.md)\n"), &routes());
        assert!(rendered.diagnostics[0].message.contains("outside content/"));
    }

    #[test]
    fn same_page_anchor_links_are_recorded() {
        let rendered = render_markdown(&doc("a.md", "[down](#later)\n\n## Later\n"), &routes());
        assert_eq!(rendered.links[0].target, "a.md");
        assert!(rendered.html.contains("href=\"#later\""));
    }

    #[test]
    fn shortcodes_become_markers_outside_code_blocks() {
        let body = "Intro\n\n{{ checklist(path=\"prepare/gather.md\") }}\n\n```\n{{ checklist(path=\"x.md\") }}\n```\n";
        let rendered = render_with_shortcodes(&doc("a.md", body), &routes());
        assert!(rendered.diagnostics.is_empty(), "{:?}", rendered.diagnostics);
        assert_eq!(rendered.embeds.len(), 1);
        assert_eq!(rendered.embeds[0].target, "prepare/gather.md");
        assert_eq!(rendered.embeds[0].position, Position::new(7, 1));
        assert!(rendered.html.contains(&embed_marker(0)), "{}", rendered.html);
        assert!(
            rendered.html.contains("<code>{{ checklist(path=\"x.md\") }}"),
            "{}",
            rendered.html
        );
    }

    #[test]
    fn bad_shortcodes_are_errors() {
        let body = "{{ checklst(path=\"prepare/gather.md\") }}\n{{ prompts(path=\"prepare/gaher.md\") }}\n";
        let rendered = render_with_shortcodes(&doc("a.md", body), &routes());
        // Another name is a site shortcode, checked once templates are known.
        assert_eq!(rendered.shortcodes[0].name, "checklst");
        assert_eq!(rendered.diagnostics[0].position, Position::new(6, 1));
        assert_eq!(
            rendered.diagnostics[0].hint.as_deref(),
            Some("did you mean path=\"prepare/gather.md\"? Paths start from content/")
        );
    }

    #[test]
    fn site_shortcodes_keep_their_typed_arguments() {
        let body = "{{ phone_card(name=\"Night nurse\", phone='+1 555', urgent=true, order=2) }}\n";
        let rendered = render_with_shortcodes(&doc("a.md", body), &routes());
        assert!(rendered.diagnostics.is_empty(), "{:?}", rendered.diagnostics);
        let call = &rendered.shortcodes[0];
        assert_eq!(call.position, Position::new(5, 1));
        let args: Vec<String> = call.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(args, ["name=\"Night nurse\"", "phone=\"+1 555\"", "urgent=true", "order=2"]);
        assert!(rendered.html.contains(&shortcode_marker(0)), "{}", rendered.html);
        let bad = render_with_shortcodes(&doc("a.md", "{{ card(name=Night) }}\n"), &routes());
        assert_eq!(bad.diagnostics[0].message, "the value of name needs quotes: name=\"Night\"");
    }

    #[test]
    fn shortcodes_inside_a_line_are_errors_not_text() {
        let body = "Watch {{ youtube(id=\"x\") }} now.\n\n{% quote() %}Hi{% end %}\n\nAs code: `{{ checklist(path=\"x.md\") }}` and {{ not a call }}.\n";
        let rendered = render_with_shortcodes(&doc("a.md", body), &routes());
        let found: Vec<(Position, &str)> =
            rendered.diagnostics.iter().map(|d| (d.position, d.message.as_str())).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, Position::new(5, 7));
        assert!(found[0].1.starts_with("the shortcode youtube is inside a line of text"));
        assert_eq!(found[1].0, Position::new(7, 1));
        assert!(found[1].1.contains("block shortcode"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let body = format!("{}deep\n\n{}x\n", "> ".repeat(100_000), "- ".repeat(100_000));
        let rendered = render_markdown(&doc("a.md", &body), &routes());
        assert_eq!(rendered.diagnostics.len(), 1, "{:?}", rendered.diagnostics);
        assert!(rendered.diagnostics[0].message.contains("nested"));
        let fine = render_markdown(&doc("a.md", &"> ".repeat(20)), &routes());
        assert!(fine.diagnostics.is_empty());
        let bullets: String = (0..51).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
        let rendered = render_markdown(&doc("a.md", &bullets), &routes());
        let message = &rendered.diagnostics[0].message;
        assert!(message.starts_with("lists or quotes are nested 51 levels deep here"), "{message}");
    }

    #[test]
    fn alerts_become_labelled_callouts() {
        let body = "> [!WARNING]\n> Call us if you faint.\n\n> Just a quote.\n";
        let rendered = render_markdown(&doc("a.md", body), &routes());
        assert!(
            rendered.html.starts_with(&format!(
                "<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-label\">{}</p>\n<p>Call us if you faint.</p>\n</div>",
                callout_marker("warning")
            )),
            "{}",
            rendered.html
        );
        assert!(rendered.html.contains("<blockquote>\n<p>Just a quote.</p>"), "{}", rendered.html);
    }

    #[test]
    fn extensions_are_enabled() {
        let rendered = render_markdown(
            &doc(
                "a.md",
                "- [ ] task\n\n|a|b|\n|-|-|\n|1|2|\n\n~~old~~ \"quoted\"[^1]\n\n[^1]: note\n",
            ),
            &routes(),
        );
        assert!(rendered.html.contains("type=\"checkbox\""));
        assert!(rendered.html.contains("<table>"));
        assert!(rendered.html.contains("<del>old</del>"));
        assert!(rendered.html.contains("“quoted”"));
        assert!(rendered.html.contains("footnote-definition"));
    }
}

/// What [`expand_shortcodes`] makes of a body.
struct Expanded {
    body: String,
    embeds: Vec<Embed>,
    calls: Vec<ShortcodeCall>,
    diagnostics: Vec<Diagnostic>,
}

/// Replaces each shortcode line (`{{ checklist(path="...") }}` alone on a
/// line, outside code blocks) with an embed marker, and each call of
/// another name with a site-shortcode marker (checked and rendered once the
/// templates are known). Line numbers stay the same, so positions after it
/// are unchanged. A shortcode inside a line of text is an error (issue
/// #16.9): it would be published as literal text.
fn expand_shortcodes(doc: &ParsedDoc, routes: &RouteTable) -> Expanded {
    let mut out = Expanded {
        body: String::with_capacity(doc.body.len()),
        embeds: Vec::new(),
        calls: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut fence: Option<&str> = None;
    for (index, line) in doc.body.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        let position =
            Position::new(doc.body_first_line + index, line.len() - line.trim_start().len() + 1);
        let newline = if line.ends_with('\n') { "\n" } else { "" };
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if let Some(call) = trimmed.strip_prefix("{{").and_then(|t| t.strip_suffix("}}")) {
            match parse_shortcode(call.trim(), routes) {
                Ok(Shortcode::Embed(kind, target)) => {
                    out.body.push_str(&embed_marker(out.embeds.len()));
                    out.body.push_str(newline);
                    out.embeds.push(Embed { kind, target, position });
                    continue;
                }
                Ok(Shortcode::Site(name, args)) => {
                    out.body.push_str(&shortcode_marker(out.calls.len()));
                    out.body.push_str(newline);
                    out.calls.push(ShortcodeCall { name, args, position });
                    continue;
                }
                Err((message, hint)) => out
                    .diagnostics
                    .push(Diagnostic::error(&doc.display_path, position, message).with_hint(hint)),
            }
        } else if let Some((column, diagnostic)) =
            inline_shortcode(line).filter(|_| !line.starts_with("    ") && !line.starts_with('\t'))
        {
            let at = Position::new(position.line, column);
            out.diagnostics.push(diagnostic.at(&doc.display_path, at));
        }
        out.body.push_str(line);
    }
    out
}

/// A problem found on a line, before its file is known.
struct LineProblem {
    message: String,
    hint: String,
}

impl LineProblem {
    fn at(self, path: &std::path::Path, position: Position) -> Diagnostic {
        Diagnostic::error(path, position, self.message).with_hint(self.hint)
    }
}

/// A shortcode written inside a line of text (`See {{ video(id="x") }}`),
/// or a block shortcode (`{% quote() %}`), outside inline code: its column
/// and the error. carebook runs shortcodes only on a line of their own.
fn inline_shortcode(line: &str) -> Option<(usize, LineProblem)> {
    let mut in_code = false;
    let mut ticks = 0;
    for (at, c) in line.char_indices() {
        if c == '`' {
            ticks += 1;
            continue;
        }
        if ticks > 0 {
            in_code = !in_code;
            ticks = 0;
        }
        if in_code {
            continue;
        }
        let rest = &line[at..];
        let opener = if rest.starts_with("{{") {
            "{{"
        } else if rest.starts_with("{%") {
            "{%"
        } else {
            continue;
        };
        let after = rest[2..].trim_start();
        let name_len =
            after.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(after.len());
        if name_len == 0 || !after[name_len..].trim_start().starts_with('(') {
            continue;
        }
        let column = line[..at].chars().count() + 1;
        let name = &after[..name_len];
        let problem = if opener == "{%" {
            LineProblem {
                message: format!("{{% {name}(…) %}} is a block shortcode, which carebook does not run: it would be published as text"),
                hint: "for a highlighted note use a callout (> [!NOTE] on its own line, then > before each line of text); for your own HTML, a shortcode in templates/shortcodes/ called alone on a line".into(),
            }
        } else {
            LineProblem {
                message: format!(
                    "the shortcode {name} is inside a line of text: carebook runs a shortcode only on a line of its own, so this would be published as text"
                ),
                hint: format!(
                    "put {{{{ {name}(…) }}}} alone on its own line, with a blank line before and after; to show it as text, wrap it in `backticks`"
                ),
            }
        };
        return Some((column, problem));
    }
    None
}

/// What a shortcode line calls.
enum Shortcode {
    /// `checklist(path=…)` or `prompts(path=…)`.
    Embed(EmbedKind, String),
    /// A shortcode of the site (checked once its templates are known).
    Site(String, Vec<(String, serde_json::Value)>),
}

/// `checklist(path="prepare/gather.md")` -> (Checklist, "prepare/gather.md").
fn parse_shortcode(call: &str, routes: &RouteTable) -> Result<Shortcode, (String, String)> {
    let usage =
        "write it as {{ checklist(path=\"prepare/gather.md\") }} or {{ prompts(path=\"...\") }}";
    let (name, args) = call
        .split_once('(')
        .ok_or_else(|| (format!("{{{{ {call} }}}} is not a shortcode"), usage.to_string()))?;
    let name = name.trim();
    let args = args
        .trim()
        .strip_suffix(')')
        .ok_or_else(|| ("the shortcode is missing its closing )".to_string(), usage.to_string()))?;
    let kind = match name {
        "checklist" => EmbedKind::Checklist,
        "prompts" => EmbedKind::Prompts,
        other if !other.is_empty() && other.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            let args = parse_arguments(args).map_err(|message| {
                (message, format!("write arguments as {other}(name=\"text\", count=3, shown=true)"))
            })?;
            return Ok(Shortcode::Site(other.to_string(), args));
        }
        other => {
            return Err((
                format!("unknown shortcode {other:?}"),
                "the shortcodes are checklist, prompts and the templates in templates/shortcodes/"
                    .into(),
            ));
        }
    };
    let path = args
        .trim()
        .strip_prefix("path")
        .map(str::trim_start)
        .and_then(|a| a.strip_prefix('='))
        .map(|a| a.trim().trim_matches(['"', '\'']))
        .ok_or_else(|| ("the shortcode needs a path".to_string(), usage.to_string()))?;
    let target = normalise_path("", path.trim_start_matches("@/"))
        .ok_or_else(|| (format!("the path {path:?} points outside content/"), usage.to_string()))?;
    if !routes.contains_key(&target) {
        let hint = match nearest_route(&target, routes) {
            Some(near) => format!("did you mean path=\"{near}\"? Paths start from content/"),
            None => "paths start from content/, e.g. path=\"prepare/gather.md\"".to_string(),
        };
        return Err((
            format!("the shortcode points to content/{target}, which does not exist"),
            hint,
        ));
    }
    Ok(Shortcode::Embed(kind, target))
}

/// `name="Night nurse", count=3, shown=true` -> the pairs, in order.
fn parse_arguments(text: &str) -> Result<Vec<(String, serde_json::Value)>, String> {
    let mut args = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (key, after) =
            rest.split_once('=').ok_or_else(|| format!("the argument {rest:?} has no value"))?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Err(format!("{key:?} is not an argument name"));
        }
        let after = after.trim_start();
        let (value, remainder) = match after.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let body = &after[1..];
                let close = body
                    .find(quote)
                    .ok_or_else(|| format!("the value of {key} is missing its closing {quote}"))?;
                (serde_json::Value::String(body[..close].to_string()), &body[close + 1..])
            }
            _ => {
                let end = after.find(',').unwrap_or(after.len());
                let word = after[..end].trim();
                let value = match word {
                    "true" => serde_json::Value::Bool(true),
                    "false" => serde_json::Value::Bool(false),
                    number => serde_json::from_str::<serde_json::Number>(number)
                        .map(serde_json::Value::Number)
                        .map_err(|_| {
                            format!("the value of {key} needs quotes: {key}=\"{word}\"")
                        })?,
                };
                (value, &after[end..])
            }
        };
        if args.iter().any(|(k, _): &(String, _)| k == key) {
            return Err(format!("the argument {key} is given twice"));
        }
        args.push((key.to_string(), value));
        rest = remainder.trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    }
    Ok(args)
}

/// `{#id .class key="a value"}` written at the end of a heading or item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attributes {
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub pairs: Vec<(String, String)>,
}

/// Splits a trailing `{...}` attribute block off `line`. Unlike
/// pulldown-cmark's heading attributes, values may be quoted and hold spaces
/// (`low="Not at all"`), which scale prompts need.
pub fn split_attributes(line: &str) -> (&str, Option<Attributes>) {
    let trimmed = line.trim_end();
    let Some(open) = trimmed.rfind('{').filter(|_| trimmed.ends_with('}')) else {
        return (trimmed, None);
    };
    let inner = &trimmed[open + 1..trimmed.len() - 1];
    let mut attributes = Attributes::default();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        let (token, after) = next_attribute_token(rest);
        if let Some(id) = token.strip_prefix('#') {
            attributes.id = Some(id.to_string());
        } else if let Some(class) = token.strip_prefix('.') {
            attributes.classes.push(class.to_string());
        } else if let Some((key, value)) = token.split_once('=') {
            attributes.pairs.push((key.to_string(), value.trim_matches('"').to_string()));
        } else {
            // Not an attribute block after all (e.g. "{curly} text").
            return (trimmed, None);
        }
        rest = after.trim_start();
    }
    (trimmed[..open].trim_end(), Some(attributes))
}

/// One token of an attribute block: up to the next space outside quotes.
fn next_attribute_token(text: &str) -> (&str, &str) {
    let mut in_quotes = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            c if c.is_whitespace() && !in_quotes => return (&text[..i], &text[i..]),
            _ => {}
        }
    }
    (text, "")
}

/// Renders the part `start..end` of a document's body as Markdown of its
/// own, keeping file positions and link resolution relative to the document.
pub fn render_fragment(
    doc: &ParsedDoc,
    start: usize,
    end: usize,
    routes: &RouteTable,
) -> RenderedDoc {
    let end = end.min(doc.body.len()).max(start);
    let first_line = doc.body_first_line + doc.body[..start].matches('\n').count();
    let fragment = ParsedDoc {
        body: doc.body[start..end].to_string(),
        body_first_line: first_line,
        ..doc.clone()
    };
    render_markdown(&fragment, routes)
}

/// Renders `text`, which starts on line `line` of the document's file.
pub fn render_text(doc: &ParsedDoc, text: &str, line: usize, routes: &RouteTable) -> RenderedDoc {
    let fragment = ParsedDoc { body: text.to_string(), body_first_line: line, ..doc.clone() };
    render_markdown(&fragment, routes)
}

/// Renders one line of inline Markdown (a checklist item) without the
/// paragraph around it.
pub fn render_inline(doc: &ParsedDoc, text: &str, line: usize, routes: &RouteTable) -> RenderedDoc {
    let mut rendered = render_text(doc, text, line, routes);
    let html = rendered.html.trim_end();
    if let Some(inner) = html.strip_prefix("<p>").and_then(|h| h.strip_suffix("</p>")) {
        rendered.html = inner.to_string();
    }
    rendered
}

#[cfg(test)]
mod attribute_tests {
    use super::*;

    #[test]
    fn attribute_blocks_allow_quoted_values() {
        let (text, attrs) =
            split_attributes("How calm are you? {#calm .scale low=\"Not at all\" high=Very}");
        assert_eq!(text, "How calm are you?");
        let attrs = attrs.unwrap();
        assert_eq!(attrs.id.as_deref(), Some("calm"));
        assert_eq!(attrs.classes, ["scale"]);
        assert_eq!(
            attrs.pairs,
            [("low".to_string(), "Not at all".to_string()), ("high".into(), "Very".into())]
        );
    }

    #[test]
    fn text_without_a_block_is_kept() {
        assert_eq!(split_attributes("Water"), ("Water", None));
        assert_eq!(split_attributes("Use {curly braces} here}").1, None);
    }
}
