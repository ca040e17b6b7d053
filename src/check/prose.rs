//! The prose of a page, for the reading-level check.
//!
//! Input: a [`ParsedDoc`]'s Markdown body. Output: [`Passage`]s of what a
//! patient reads as sentences: paragraphs, list items, headings, table
//! cells, quotes and footnotes, each with the file line of every piece.
//! Left out: code (blocks and inline), HTML, image alt text, bare web
//! addresses, shortcode lines and `{#id .type}` attribute blocks. Front
//! matter is not part of the body.

use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};

use crate::content::frontmatter::{PageKind, ParsedDoc};
use crate::content::markdown::{LineIndex, markdown_options};
use crate::readability::Passage;

/// The passages of a document's body, in order.
pub fn prose_passages(doc: &ParsedDoc) -> Vec<Passage> {
    let lines = LineIndex::new(&doc.body, doc.body_first_line);
    // In a checklist the indented line under an item is its note, a
    // sentence of its own even when the item has no full stop.
    let breaks_end_sentences = matches!(doc.kind, PageKind::Checklist(_));
    let mut collector = Collector::default();
    let mut skipped_links = Vec::new();
    for (event, range) in Parser::new_ext(&doc.body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { link_type, .. }) => {
                // An autolink's text is its address, not prose.
                let skip = matches!(link_type, LinkType::Autolink | LinkType::Email);
                collector.skip += usize::from(skip);
                skipped_links.push(skip);
            }
            Event::End(TagEnd::Link) if skipped_links.pop() == Some(true) => collector.skip -= 1,
            Event::End(TagEnd::Link) => {}
            Event::Start(Tag::Image { .. }) => collector.skip += 1,
            Event::End(TagEnd::Image) => collector.skip -= 1,
            Event::Start(Tag::CodeBlock(_)) => {
                collector.flush();
                collector.skip += 1;
            }
            Event::End(TagEnd::CodeBlock) => collector.skip -= 1,
            Event::Start(tag) if !is_inline(&tag) => collector.flush(),
            Event::End(tag) if !is_inline_end(tag) => collector.flush(),
            Event::Text(text) => collector.push(&text, lines.position(range.start).line),
            Event::SoftBreak if breaks_end_sentences => collector.flush(),
            Event::SoftBreak | Event::HardBreak => collector.push(" ", 0),
            Event::Rule => collector.flush(),
            // Code, HTML, footnote marks, task boxes and maths are not prose.
            _ => {}
        }
    }
    collector.flush();
    collector.passages
}

fn is_inline(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. }
    )
}

fn is_inline_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

#[derive(Default)]
struct Collector {
    passages: Vec<Passage>,
    current: Passage,
    /// Inside something that is not prose (code, an image, an autolink).
    skip: usize,
}

impl Collector {
    /// Appends text read from `line` (0: keep the line of the text before).
    fn push(&mut self, text: &str, line: usize) {
        if self.skip > 0 {
            return;
        }
        if line > 0 {
            self.current.lines.push((self.current.text.len(), line));
        }
        self.current.text.push_str(text);
    }

    /// Ends the current passage; shortcode lines are dropped, and attribute
    /// blocks such as `{#blanket}` end a sentence and are removed.
    fn flush(&mut self) {
        let passage = std::mem::take(&mut self.current);
        let trimmed = passage.text.trim();
        if trimmed.is_empty() || (trimmed.starts_with("{{") && trimmed.ends_with("}}")) {
            return;
        }
        let mut start = 0;
        for (open, close) in attribute_blocks(&passage.text) {
            self.keep(passage.slice(start..open));
            start = close;
        }
        self.keep(passage.slice(start..passage.text.len()));
    }

    /// Keeps a passage that has words. (Filtering every passage kept so far
    /// on each flush made `check` quadratic: 24,000 headings took 160 s.)
    fn keep(&mut self, passage: Passage) {
        if !passage.text.trim().is_empty() {
            self.passages.push(passage);
        }
    }
}

/// Byte ranges (start, end) of `{#id .class key="value"}` blocks in `text`.
fn attribute_blocks(text: &str) -> Vec<(usize, usize)> {
    let mut blocks = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|i| from + i) {
        let starts_block = text[open + 1..].trim_start().starts_with(['#', '.']);
        match text[open..].find('}') {
            Some(close) if starts_block => {
                blocks.push((open, open + close + 1));
                from = open + close + 1;
            }
            _ => from = open + 1,
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::ChecklistSettings;

    fn doc(kind: PageKind, body: &str) -> ParsedDoc {
        ParsedDoc { kind, ..ParsedDoc::page("a.md", body) }
    }

    fn texts(kind: PageKind, body: &str) -> Vec<String> {
        prose_passages(&doc(kind, body)).into_iter().map(|p| p.text.trim().to_string()).collect()
    }

    #[test]
    fn prose_blocks_are_passages_and_code_is_left_out() {
        let body = "# Title\n\nRun `carebook check` now,\nthen rest.\n\n```\nnot prose\n```\n\n- one\n- two\n\n> quoted\n\n|a|b|\n|-|-|\n|c|d|\n\n<div>html</div>\n";
        assert_eq!(
            texts(PageKind::Guidance, body),
            ["Title", "Run  now, then rest.", "one", "two", "quoted", "a", "b", "c", "d"]
        );
    }

    #[test]
    fn link_text_stays_but_addresses_and_images_go() {
        let body = "See [the guide](https://x.org) or <https://y.org>. ![a photo](p.png)\n";
        assert_eq!(texts(PageKind::Guidance, body), ["See the guide or ."]);
    }

    #[test]
    fn shortcodes_and_attribute_blocks_are_not_prose() {
        let body = "{{ checklist(path=\"prepare/gather.md\") }}\n\n## How calm are you? {#calm .scale low=\"Not calm\" high=\"Very\"}\n";
        assert_eq!(texts(PageKind::Guidance, body), ["How calm are you?"]);
    }

    #[test]
    fn checklist_notes_are_sentences_of_their_own() {
        let body =
            "- [ ] A soft blanket {#blanket}\n  Your body may feel cool.\n- [ ] Water\n  Sip it.\n";
        let kind = PageKind::Checklist(ChecklistSettings::default());
        assert_eq!(
            texts(kind, body),
            ["A soft blanket", "Your body may feel cool.", "Water", "Sip it."]
        );
    }

    #[test]
    fn passages_carry_file_lines() {
        let passages =
            prose_passages(&doc(PageKind::Guidance, "One line\nand the next.\n\nLater.\n"));
        assert_eq!(passages[0].lines[0].1, 5);
        assert_eq!(passages[0].lines.last().unwrap().1, 6);
        assert_eq!(passages[1].lines[0].1, 8);
    }
}
