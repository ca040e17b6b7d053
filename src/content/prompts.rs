//! Part of `content::markdown` for pages of kind `prompts`: reads a prompt
//! collection out of the Markdown body.
//!
//! The format is plain Markdown: text before the first `##` heading is the
//! introduction; each `##` heading is a question, and what follows it (until
//! the next `##`) is its hint. A heading may end with `{#id .type}` where the
//! type is `.long` (the default), `.short` or `.scale`; a scale may name its
//! ends: `{.scale low="Not at all" high="Completely"}`.

use std::collections::HashMap;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};
use serde::Serialize;

use crate::content::frontmatter::ParsedDoc;
use crate::content::markdown::{
    RenderedDoc, RouteTable, render_fragment, slugify, split_attributes,
};
use crate::diagnostic::{Diagnostic, Position};

/// How a patient answers a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PromptType {
    /// A few lines or more (a text area).
    Long,
    /// One line.
    Short,
    /// A number from 0 to 10.
    Scale,
}

impl PromptType {
    const NAMES: &'static [&'static str] = &["long", "short", "scale"];

    fn from_class(class: &str) -> Option<Self> {
        match class {
            "long" => Some(PromptType::Long),
            "short" => Some(PromptType::Short),
            "scale" => Some(PromptType::Scale),
            _ => None,
        }
    }
}

/// One question of a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prompt {
    pub id: String,
    pub text: String,
    /// HTML, or empty.
    pub hint: String,
    #[serde(rename = "type")]
    pub prompt_type: PromptType,
    pub low_label: String,
    pub high_label: String,
}

/// The questions of a `prompts` page; the intro is the page's `html`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromptCollection {
    pub prompts: Vec<Prompt>,
}

/// A `##` heading found in the body.
struct HeadingAt {
    start: usize,
    end: usize,
}

/// Byte ranges of the top-level `##` headings (not those in code blocks).
pub fn level_two_headings(body: &str) -> Vec<(usize, usize)> {
    Parser::new_ext(body, pulldown_cmark::Options::ENABLE_HEADING_ATTRIBUTES)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H2, .. }) => {
                Some((range.start, range.end))
            }
            _ => None,
        })
        .collect()
}

/// Reads the collection and renders its intro and hints.
pub fn parse_prompts(doc: &ParsedDoc, routes: &RouteTable) -> (RenderedDoc, PromptCollection) {
    let headings: Vec<HeadingAt> = level_two_headings(&doc.body)
        .into_iter()
        .map(|(start, end)| HeadingAt { start, end })
        .collect();
    let intro_end = headings.first().map_or(doc.body.len(), |h| h.start);
    let mut rendered = render_fragment(doc, 0, intro_end, routes);
    let mut collection = PromptCollection::default();
    let mut seen: HashMap<String, Position> = HashMap::new();

    for (i, heading) in headings.iter().enumerate() {
        let position = doc.position_of(heading.start);
        let hint_end = headings.get(i + 1).map_or(doc.body.len(), |h| h.start);
        let hint = render_fragment(doc, heading.end, hint_end, routes);
        rendered.diagnostics.extend(hint.diagnostics);
        rendered.links.extend(hint.links);
        rendered.address_links.extend(hint.address_links);
        let line = heading_line(&doc.body[heading.start..heading.end]);
        let hint = hint.html.trim().to_string();
        let Some(prompt) = read_prompt(line, hint, position, doc, &mut rendered.diagnostics) else {
            continue;
        };
        if let Some(first) = seen.get(&prompt.id) {
            rendered.diagnostics.push(
                Diagnostic::error(
                    &doc.display_path,
                    position,
                    format!(
                        "two prompts have the id {:?} (the first is on line {})",
                        prompt.id, first.line
                    ),
                )
                .with_hint("give one of them its own id: ## Question {#another-id}"),
            );
            continue;
        }
        seen.insert(prompt.id.clone(), position);
        collection.prompts.push(prompt);
    }
    if collection.prompts.is_empty() && !has_errors(&rendered) {
        rendered.diagnostics.push(
            Diagnostic::error(
                &doc.display_path,
                Position::new(doc.body_first_line, 1),
                "this prompt collection has no prompts",
            )
            .with_hint("write each question as a heading: ## What would I like to change?"),
        );
    }
    (rendered, collection)
}

fn has_errors(rendered: &RenderedDoc) -> bool {
    rendered.diagnostics.iter().any(Diagnostic::is_error)
}

/// The heading's first line without its `##` markers.
fn heading_line(source: &str) -> &str {
    let line = source.lines().next().unwrap_or_default().trim();
    let line = line.trim_start_matches('#').trim();
    // A closing sequence of #s is optional in ATX headings.
    line.trim_end_matches('#').trim_end()
}

fn read_prompt(
    line: &str,
    hint: String,
    position: Position,
    doc: &ParsedDoc,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Prompt> {
    let (text, attributes) = split_attributes(line);
    let text = plain_text(text);
    let attributes = attributes.unwrap_or_default();
    if text.is_empty() {
        diagnostics.push(
            Diagnostic::error(&doc.display_path, position, "this prompt has no question")
                .with_hint("write the question after the ##"),
        );
        return None;
    }
    let mut prompt_type = PromptType::Long;
    for class in &attributes.classes {
        match PromptType::from_class(class) {
            Some(t) => prompt_type = t,
            None => {
                let hint = match crate::diagnostic::nearest_name(class, PromptType::NAMES) {
                    Some(near) => format!("did you mean .{near}?"),
                    None => "the types are .long (the default), .short and .scale".to_string(),
                };
                diagnostics.push(
                    Diagnostic::error(
                        &doc.display_path,
                        position,
                        format!("unknown prompt type .{class}"),
                    )
                    .with_hint(hint),
                );
                return None;
            }
        }
    }
    let label = |key: &str, default: &str| {
        attributes
            .pairs
            .iter()
            .find(|(k, _)| k == key)
            .map_or(default.to_string(), |(_, v)| v.clone())
    };
    let id = attributes.id.clone().unwrap_or_else(|| slugify(&text));
    Some(Prompt {
        id,
        text,
        hint,
        prompt_type,
        low_label: label("low", "Not at all"),
        high_label: label("high", "Completely"),
    })
}

/// The text of inline Markdown, without its markup (`*so*` -> `so`).
fn plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::{PageKind, PromptsSettings};

    fn doc(body: &str) -> ParsedDoc {
        ParsedDoc {
            kind: PageKind::Prompts(PromptsSettings::default()),
            body_first_line: 6,
            ..ParsedDoc::page("intention/set.md", body)
        }
    }

    #[test]
    fn reads_intro_prompts_hints_and_types() {
        let body = "Take your time.\n\n## What is holding me *back*?\n\nThink of habits.\n\n## How calm do you feel? {#calm .scale low=\"Not calm\"}\n\n## One word {.short}\n";
        let (rendered, collection) = parse_prompts(&doc(body), &RouteTable::new());
        assert!(rendered.diagnostics.is_empty(), "{:?}", rendered.diagnostics);
        assert_eq!(rendered.html.trim(), "<p>Take your time.</p>");
        let p = &collection.prompts;
        assert_eq!(p.len(), 3);
        assert_eq!(
            (p[0].id.as_str(), p[0].text.as_str()),
            ("what-is-holding-me-back", "What is holding me back?")
        );
        assert_eq!(p[0].hint, "<p>Think of habits.</p>");
        assert_eq!(p[0].prompt_type, PromptType::Long);
        assert_eq!((p[1].id.as_str(), p[1].prompt_type), ("calm", PromptType::Scale));
        assert_eq!((p[1].low_label.as_str(), p[1].high_label.as_str()), ("Not calm", "Completely"));
        assert_eq!(p[2].prompt_type, PromptType::Short);
    }

    #[test]
    fn duplicate_ids_unknown_types_and_empty_prompts_are_errors() {
        let body = "## Same\n\n## Same\n\n## Odd {.essay}\n\n## {#empty}\n";
        let (rendered, collection) = parse_prompts(&doc(body), &RouteTable::new());
        assert_eq!(collection.prompts.len(), 1);
        let messages: Vec<(usize, &str)> =
            rendered.diagnostics.iter().map(|d| (d.position.line, d.message.as_str())).collect();
        assert_eq!(messages[0], (8, "two prompts have the id \"same\" (the first is on line 6)"));
        assert_eq!(messages[1], (10, "unknown prompt type .essay"));
        assert_eq!(messages[2], (12, "this prompt has no question"));
    }

    #[test]
    fn a_collection_needs_prompts() {
        let (rendered, _) = parse_prompts(
            &doc("Only an intro.\n\n```\n## not a heading\n```\n"),
            &RouteTable::new(),
        );
        assert_eq!(rendered.diagnostics[0].message, "this prompt collection has no prompts");
    }

    #[test]
    fn hints_keep_their_file_positions_for_links() {
        let (rendered, _) =
            parse_prompts(&doc("## Q\n\nSee [x](missing.md).\n"), &RouteTable::new());
        assert_eq!(rendered.diagnostics[0].position, Position::new(8, 5));
    }
}
