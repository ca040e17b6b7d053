//! Part of `content::markdown` for pages of kind `checklist`: reads the items out of
//! the Markdown body.
//!
//! The items are the task-list items (`- [ ] A glass of water`), optionally
//! grouped under `##` headings. An item may end with `{#id}`; lines indented
//! under it are its note. Text before the first item or heading is the
//! introduction; text between a heading and its items introduces the group.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::content::frontmatter::ParsedDoc;
use crate::content::markdown::{
    RenderedDoc, RouteTable, render_fragment, render_inline, render_text, slugify, split_attributes,
};
use crate::content::prompts::level_two_headings;
use crate::diagnostic::{Diagnostic, Position};

/// One thing to tick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub id: String,
    /// Inline HTML.
    pub text: String,
    /// HTML, or empty.
    pub note: String,
}

/// Items under one heading (the first group may have no title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistGroup {
    pub title: String,
    pub id: String,
    /// HTML between the heading and the first item, or empty.
    pub intro: String,
    pub items: Vec<ChecklistItem>,
}

/// The items of a `checklist` page; the intro is the page's `html`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checklist {
    pub groups: Vec<ChecklistGroup>,
}

impl Checklist {
    pub fn item_count(&self) -> usize {
        self.groups.iter().map(|g| g.items.len()).sum()
    }
}

/// A top-level task-list item's byte range in the body.
#[derive(Debug, Clone, Copy)]
struct ItemAt {
    start: usize,
    end: usize,
}

/// Finds the top-level task-list items, and the top-level lists' plain
/// items (which are not part of the checklist).
fn find_items(body: &str) -> (Vec<ItemAt>, Vec<usize>) {
    let events: Vec<_> =
        Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter().collect();
    let mut depth = 0usize;
    let mut tasks = Vec::new();
    let mut plain = Vec::new();
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::List(_)) => depth += 1,
            Event::End(TagEnd::List(_)) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Item) if depth == 1 => {
                // In tight lists the marker comes first; in loose lists it sits in a paragraph.
                let is_task = events[i + 1..]
                    .iter()
                    .take(2)
                    .any(|(e, _)| matches!(e, Event::TaskListMarker(_)));
                if is_task {
                    tasks.push(ItemAt { start: range.start, end: range.end });
                } else {
                    plain.push(range.start);
                }
            }
            _ => {}
        }
    }
    (tasks, plain)
}

/// Reads the checklist and renders its intro, labels and notes.
pub fn parse_checklist(doc: &ParsedDoc, routes: &RouteTable) -> (RenderedDoc, Checklist) {
    let body = doc.body.as_str();
    let headings = level_two_headings(body);
    let (items, plain_items) = find_items(body);
    let first_item = items.first().map_or(body.len(), |i| i.start);
    let intro_end = headings.first().map_or(body.len(), |h| h.0).min(first_item);
    let mut rendered = render_fragment(doc, 0, intro_end, routes);
    let mut checklist = Checklist::default();
    let mut seen: HashMap<String, usize> = HashMap::new();

    // Group boundaries: the intro's end, then each heading.
    let mut starts: Vec<(usize, Option<(usize, usize)>)> = Vec::new();
    if items.iter().any(|i| headings.first().is_none_or(|h| i.start < h.0)) {
        starts.push((intro_end, None));
    }
    starts.extend(headings.iter().map(|&(s, e)| (s, Some((s, e)))));
    let mut group_ids = std::collections::HashSet::new();
    let mut next_suffix = std::collections::HashMap::new();

    for (g, &(start, heading)) in starts.iter().enumerate() {
        let end = starts.get(g + 1).map_or(body.len(), |n| n.0);
        // `items` is in source order: slice out this group's (a filter over
        // every item for every group was quadratic).
        let group_items: Vec<ItemAt> = items
            [items.partition_point(|i| i.start < start)..items.partition_point(|i| i.start < end)]
            .to_vec();
        let (title, content_start) = match heading {
            Some((s, e)) => (heading_title(&body[s..e]), e),
            None => (String::new(), start),
        };
        let intro_end = group_items.first().map_or(end, |i| i.start);
        let intro = render_fragment(doc, content_start, intro_end, routes);
        merge(&mut rendered, &intro);
        let mut group = ChecklistGroup {
            id: unique(
                slugify(if title.is_empty() { "items" } else { &title }),
                &mut group_ids,
                &mut next_suffix,
            ),
            title,
            intro: intro.html.trim().to_string(),
            items: Vec::new(),
        };
        let at = ItemsAt { doc, routes };
        group.items = read_items(&at, &group_items, &mut seen, &mut rendered);
        warn_about_loose_text(doc, &plain_items, start, end, &mut rendered);
        warn_about_text_after_items(doc, &group_items, &plain_items, end, &mut rendered);
        checklist.groups.push(group);
    }
    if checklist.item_count() == 0 && !rendered.diagnostics.iter().any(Diagnostic::is_error) {
        rendered.diagnostics.push(
            Diagnostic::error(
                &doc.display_path,
                Position::new(doc.body_first_line, 1),
                "this checklist has no items",
            )
            .with_hint("write each item as a task: - [ ] A glass of water"),
        );
    }
    (rendered, checklist)
}

/// The page a checklist's items are read from.
struct ItemsAt<'a> {
    doc: &'a ParsedDoc,
    routes: &'a RouteTable,
}

/// Reads one group's items. An id already used (`seen`: id -> line) is an
/// error; an id made from the item's words is a warning (`unpinned_item`).
fn read_items(
    at: &ItemsAt,
    items: &[ItemAt],
    seen: &mut HashMap<String, usize>,
    rendered: &mut RenderedDoc,
) -> Vec<ChecklistItem> {
    let doc = at.doc;
    let mut read = Vec::new();
    for item in items {
        let Some((parsed, pinned)) = read_item(doc, *item, at.routes, rendered) else { continue };
        let line = doc.position_of(item.start).line;
        if let Some(first) = seen.get(&parsed.id) {
            rendered.diagnostics.push(
                Diagnostic::error(
                    &doc.display_path,
                    doc.position_of(item.start),
                    format!("two items have the id {:?} (the first is on line {first})", parsed.id),
                )
                .with_hint(
                    "give one of them its own id at the end of the line: - [ ] Water {#water-2}",
                ),
            );
            continue;
        }
        seen.insert(parsed.id.clone(), line);
        if !pinned {
            rendered.diagnostics.push(unpinned_item(doc, item.start, &parsed.id));
        }
        read.push(parsed);
    }
    read
}

/// Ticks are stored under the item's id; one made from the item's words
/// changes when the item is reworded, and the patient's ticks are silently
/// dropped (issue #15), so an item without `{#id}` is pointed out.
fn unpinned_item(doc: &ParsedDoc, start: usize, id: &str) -> Diagnostic {
    Diagnostic::warning(
        &doc.display_path,
        doc.position_of(start),
        format!("this item has no {{#id}}, so its ticks are kept under one made from its words ({id:?}) and are lost if you reword it"),
    )
    .with_hint(format!("add {{#some-id}} to pin it: end the line with {{#{id}}}, and keep that id when you change the words"))
}

/// The item at `item`, and whether its id was written (`{#id}`) rather
/// than made from its words.
fn read_item(
    doc: &ParsedDoc,
    item: ItemAt,
    routes: &RouteTable,
    rendered: &mut RenderedDoc,
) -> Option<(ChecklistItem, bool)> {
    let source = &doc.body[item.start..item.end];
    let position = doc.position_of(item.start);
    let (first_line, rest) = source.split_once('\n').unwrap_or((source, ""));
    let (label, attributes) = split_attributes(strip_task_marker(first_line));
    if label.trim().is_empty() {
        rendered.diagnostics.push(
            Diagnostic::error(&doc.display_path, position, "this checklist item is empty")
                .with_hint("write what to tick after - [ ], or remove the line"),
        );
        return None;
    }
    let text = render_inline(doc, label, position.line, routes);
    merge(rendered, &text);
    let note_source = dedent(rest);
    let note = render_text(doc, &note_source, position.line + 1, routes);
    merge(rendered, &note);
    let written = attributes.and_then(|a| a.id);
    let pinned = written.is_some();
    let id = written.unwrap_or_else(|| slugify(&plain(&text.html)));
    let item = ChecklistItem {
        id,
        text: text.html.trim().to_string(),
        note: note.html.trim().to_string(),
    };
    Some((item, pinned))
}

/// Plain text that is not part of an item would silently disappear from
/// the interactive list, so it is pointed out.
fn warn_about_loose_text(
    doc: &ParsedDoc,
    plain_items: &[usize],
    start: usize,
    end: usize,
    rendered: &mut RenderedDoc,
) {
    let from = plain_items.partition_point(|&o| o < start);
    let to = plain_items.partition_point(|&o| o < end);
    for &offset in &plain_items[from..to] {
        rendered.diagnostics.push(
            Diagnostic::warning(
                &doc.display_path,
                doc.position_of(offset),
                "this list item has no [ ] box, so it is not part of the checklist",
            )
            .with_hint("write it as - [ ] ..., or move it before the first item"),
        );
    }
}

/// Text after a group's first item that is in no item (a paragraph
/// between items, or after the last) is not shown: say so rather than
/// drop it without a word.
fn warn_about_text_after_items(
    doc: &ParsedDoc,
    items: &[ItemAt],
    plain_items: &[usize],
    end: usize,
    rendered: &mut RenderedDoc,
) {
    let gaps = items.iter().enumerate().map(|(i, item)| {
        let next = items.get(i + 1).map_or(end, |n| n.start);
        (item.end, next.max(item.end))
    });
    for (from, to) in gaps {
        let gap = &doc.body[from..to];
        let Some(skipped) = gap.find(|c: char| !c.is_whitespace()) else { continue };
        let offset = from + skipped;
        if plain_items.binary_search(&offset).is_ok() {
            continue; // already reported as a list item without a box
        }
        rendered.diagnostics.push(
            Diagnostic::warning(
                &doc.display_path,
                doc.position_of(offset),
                "this text follows the checklist's items, so it is not shown",
            )
            .with_hint(
                "move it above the first item, or indent it under an item to make it that item's note",
            ),
        );
    }
}

fn merge(into: &mut RenderedDoc, part: &RenderedDoc) {
    into.diagnostics.extend(part.diagnostics.iter().cloned());
    into.links.extend(part.links.iter().cloned());
    into.address_links.extend(part.address_links.iter().cloned());
    into.anchors.extend(part.anchors.iter().cloned());
    into.headings.extend(part.headings.iter().cloned());
}

/// `- [ ] Water` -> `Water`; also `* [x]`, `1. [ ]`.
fn strip_task_marker(line: &str) -> &str {
    let line = line.trim_start();
    let after_bullet = if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        line[digits..].strip_prefix(['.', ')']).unwrap_or(line)
    };
    let after_bullet = after_bullet.trim_start();
    ["[ ]", "[x]", "[X]"]
        .iter()
        .find_map(|m| after_bullet.strip_prefix(m))
        .unwrap_or(after_bullet)
        .trim()
}

/// Removes the indentation that lines under an item share.
fn dedent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines().map(|l| l.get(indent..).unwrap_or("").trim_end()).collect::<Vec<_>>().join("\n")
}

fn heading_title(source: &str) -> String {
    let line = source.lines().next().unwrap_or_default().trim().trim_start_matches('#').trim();
    let (text, _) = split_attributes(line.trim_end_matches('#').trim_end());
    plain(text)
}

/// Text without tags, for ids and titles.
fn plain(html_or_markdown: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html_or_markdown.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").trim().to_string()
}

/// A group id from `base`, unique among `taken` (see [`unique_id`]: linear
/// in the number of groups, and never one of the theme's `cb-` ids).
fn unique(
    base: String,
    taken: &mut std::collections::HashSet<String>,
    next: &mut std::collections::HashMap<String, usize>,
) -> String {
    let id = crate::content::markdown::unique_id(&base, taken, next);
    taken.insert(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::{ChecklistSettings, PageKind};

    fn doc(body: &str) -> ParsedDoc {
        ParsedDoc {
            kind: PageKind::Checklist(ChecklistSettings::default()),
            ..ParsedDoc::page("prepare/gather.md", body)
        }
    }

    #[test]
    fn text_after_the_items_is_a_warning_naming_its_line() {
        let body = "Intro.\n\n- [ ] Blanket {#b}\n- [ ] Water {#w}\n\nThis paragraph is lost.\n";
        let (rendered, checklist) = parse_checklist(&doc(body), &RouteTable::new());
        assert_eq!(checklist.item_count(), 2);
        let warnings: Vec<_> = rendered.diagnostics.iter().filter(|d| !d.is_error()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].message.contains("not shown"));
        assert_eq!(
            warnings[0].position.line,
            doc(body).position_of(body.find("This").unwrap()).line
        );
    }

    #[test]
    fn notes_and_blank_lines_between_items_are_not_loose_text() {
        let body =
            "- [ ] Blanket {#b}\n  A warm one.\n\n- [ ] Water {#w}\n\n## More\n\n- [ ] Mask {#m}\n";
        let (rendered, _) = parse_checklist(&doc(body), &RouteTable::new());
        assert!(rendered.diagnostics.is_empty(), "{:?}", rendered.diagnostics);
    }

    #[test]
    fn reads_items_ids_and_notes() {
        let body = "Have these close.\n\n- [ ] A soft *blanket* {#blanket}\n  Something warm.\n- [x] A glass of water\n";
        let (rendered, checklist) = parse_checklist(&doc(body), &RouteTable::new());
        // The one warning: the second item's id is made from its words.
        assert!(
            !rendered.diagnostics.iter().any(Diagnostic::is_error),
            "{:?}",
            rendered.diagnostics
        );
        assert_eq!(rendered.diagnostics.len(), 1, "{:?}", rendered.diagnostics);
        assert_eq!(rendered.html.trim(), "<p>Have these close.</p>");
        let items = &checklist.groups[0].items;
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].id, "blanket");
        assert_eq!(items[0].text, "A soft <em>blanket</em>");
        assert_eq!(items[0].note, "<p>Something warm.</p>");
        assert_eq!(items[1].id, "a-glass-of-water");
        assert_eq!(items[1].note, "");
    }

    #[test]
    fn groups_follow_headings() {
        let body = "Intro.\n\n## Comfort\n\nFor your body.\n\n- [ ] Blanket {#b}\n\n## Focus\n\n- [ ] Eye mask {#e}\n- [ ] Music {#m}\n";
        let (rendered, checklist) = parse_checklist(&doc(body), &RouteTable::new());
        assert!(rendered.diagnostics.is_empty(), "{:?}", rendered.diagnostics);
        let titles: Vec<&str> = checklist.groups.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(titles, ["Comfort", "Focus"]);
        assert_eq!(checklist.groups[0].intro, "<p>For your body.</p>");
        assert_eq!(checklist.groups[1].items.len(), 2);
        assert_eq!(checklist.item_count(), 3);
    }

    #[test]
    fn duplicate_and_empty_items_and_empty_lists_are_errors() {
        let (rendered, _) =
            parse_checklist(&doc("- [ ] Water\n- [ ] Water\n- [ ] {#x}\n"), &RouteTable::new());
        let messages: Vec<(usize, &str)> = rendered
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| (d.position.line, d.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            [
                (6, "two items have the id \"water\" (the first is on line 5)"),
                (7, "this checklist item is empty")
            ]
        );
        let (rendered, _) = parse_checklist(&doc("Nothing to tick.\n"), &RouteTable::new());
        assert_eq!(rendered.diagnostics[0].message, "this checklist has no items");
    }

    #[test]
    fn an_item_without_an_id_is_a_warning_naming_its_line() {
        let body = "- [ ] A soft blanket {#blanket}\n- [ ] A glass of water\n  Cold.\n";
        let (rendered, checklist) = parse_checklist(&doc(body), &RouteTable::new());
        assert_eq!(checklist.item_count(), 2);
        let found: Vec<_> =
            rendered.diagnostics.iter().map(|d| (d.position.line, d.severity)).collect();
        assert_eq!(found, [(6, crate::diagnostic::Severity::Warning)]);
        assert!(rendered.diagnostics[0].message.contains("(\"a-glass-of-water\")"));
        let hint = rendered.diagnostics[0].hint.as_deref().unwrap_or_default();
        assert!(hint.starts_with("add {#some-id} to pin it"), "{hint}");
        assert!(hint.contains("{#a-glass-of-water}"), "{hint}");
    }

    #[test]
    fn plain_bullets_after_the_items_are_pointed_out() {
        let (rendered, checklist) =
            parse_checklist(&doc("- [ ] Water {#w}\n- Forgot the box\n"), &RouteTable::new());
        assert_eq!(checklist.item_count(), 1);
        assert_eq!(rendered.diagnostics[0].severity, crate::diagnostic::Severity::Warning);
        assert_eq!(rendered.diagnostics[0].position.line, 6);
    }
}
