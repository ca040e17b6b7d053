//! Part of `content::markdown`: checks the raw HTML written in a page's Markdown, so
//! no page is published cut off or with its footer pushed into the content.
//!
//! Input: the page's Markdown events in source order, fed one by one with
//! their byte offsets. Output: diagnostics (with offsets, turned into
//! path:line by the caller) and the anchors the raw HTML defines
//! (`<a name="toc">`, `<span id="x">`), which links may point at.
//!
//! Why (issue #16): a browser reads the page's HTML as one stream. An
//! unclosed `<!--` hides everything after it, an unclosed `<style>`,
//! `<script>`, `<textarea>` or `<title>` swallows it as text, and an
//! unclosed `<b>`, `<table>` or `<T>` (from `Vec<T>` written outside
//! backticks) drags the rest of the page, the footer with the clinic's phone
//! number and crisis line included, inside it. So raw HTML must be closed
//! inside the page's body, and inside the Markdown block (paragraph, list
//! item, quote) it was opened in. The Markdown's own markup is always
//! balanced; only the raw parts are checked, with a small tokenizer that
//! follows the HTML standard's rules for comments, raw text and tags.
//!
//! Invariant: linear in the input (each byte is looked at a bounded number
//! of times, whatever the nesting), so a hostile page cannot slow a build.

use std::borrow::Cow;
use std::collections::HashSet;

/// A problem in the raw HTML, at a byte offset of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHtmlProblem {
    pub offset: usize,
    pub message: String,
    pub hint: String,
}

/// Elements whose content the browser reads as text up to their end tag.
const RAW_TEXT: &[&str] =
    &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript"];

/// Elements that have no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements whose end tag may be left out: the browser closes them itself,
/// at the latest when the element around them (or `<main>`) ends.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rb", "rt", "rtc", "rp",
];

/// At most this many problems per page: one mistake can cause many.
const MAX_PROBLEMS: usize = 20;

#[derive(Debug)]
enum State {
    Data,
    /// Inside `<!-- … `, opened at `start`; `tail` is the last bytes seen,
    /// so a `-->` split across two pieces is still found.
    Comment {
        start: usize,
        tail: String,
    },
    /// Inside `<style>` … , waiting for `</style`.
    RawText {
        name: String,
        start: usize,
        tail: String,
    },
    /// Inside a tag `<name attr="…` not yet ended by `>`.
    Tag {
        start: usize,
        text: String,
        quote: Option<char>,
    },
    /// `<!DOCTYPE …`, `<?…`: up to the next `>`.
    Bogus {
        start: usize,
    },
}

#[derive(Debug)]
enum Open {
    /// A Markdown block or inline (paragraph, item, emphasis, …).
    Markdown,
    /// A raw HTML element, with the offset of its start tag.
    Element { name: String, offset: usize },
}

/// Feeds a page's events through [`RawHtmlChecker::raw`],
/// [`RawHtmlChecker::text`], [`RawHtmlChecker::start`] and
/// [`RawHtmlChecker::end`], then [`RawHtmlChecker::finish`].
#[derive(Debug)]
pub struct RawHtmlChecker {
    state: State,
    open: Vec<Open>,
    /// How many `<svg>`/`<math>` are open: there `<path/>` closes itself.
    foreign: usize,
    pub anchors: HashSet<String>,
    pub problems: Vec<RawHtmlProblem>,
    /// After a comment or raw-text element that is never closed, the rest
    /// of the page is lost anyway: one message says so.
    stopped: bool,
}

impl Default for RawHtmlChecker {
    fn default() -> Self {
        RawHtmlChecker {
            state: State::Data,
            open: Vec::new(),
            foreign: 0,
            anchors: HashSet::new(),
            problems: Vec::new(),
            stopped: false,
        }
    }
}

impl RawHtmlChecker {
    /// A piece of raw HTML (an HTML block's line or an inline tag) found at
    /// byte `offset` of the body.
    pub fn raw(&mut self, html: &str, offset: usize) {
        if self.stopped {
            return;
        }
        let mut i = 0;
        while i < html.len() && !self.stopped {
            i = match std::mem::replace(&mut self.state, State::Data) {
                State::Data => self.data(html, i, offset),
                State::Comment { start, tail } => self.comment(html, i, start, tail),
                State::RawText { name, start, tail } => self.raw_text(html, i, name, start, tail),
                State::Tag { start, text, quote } => self.tag(html, i, start, text, quote),
                State::Bogus { start } => match html[i..].find('>') {
                    Some(end) => i + end + 1,
                    None => {
                        self.state = State::Bogus { start };
                        html.len()
                    }
                },
            };
        }
    }

    /// Text (or code, a line break) the Markdown writes between raw pieces.
    /// Inside `<textarea>`…`</textarea>` that is fine; inside a comment or
    /// a tag it means the comment or tag was never closed.
    pub fn text(&mut self) {
        match &self.state {
            State::Data | State::RawText { .. } => {}
            _ => self.unterminated(),
        }
    }

    /// The Markdown opens a block or inline element.
    pub fn start(&mut self) {
        if !matches!(self.state, State::Data) {
            self.unterminated();
        }
        self.open.push(Open::Markdown);
    }

    /// The Markdown closes the element last opened with [`Self::start`]:
    /// raw elements opened inside it must be closed by now.
    pub fn end(&mut self, block: &str) {
        if !matches!(self.state, State::Data) {
            self.unterminated();
        }
        while let Some(open) = self.open.pop() {
            match open {
                Open::Markdown => return,
                Open::Element { name, offset } => self.left_open(&name, offset, block),
            }
        }
    }

    /// The end of the page's body.
    pub fn finish(&mut self) {
        if !matches!(self.state, State::Data) {
            self.unterminated();
        }
        while let Some(open) = self.open.pop() {
            if let Open::Element { name, offset } = open {
                self.left_open(&name, offset, "the page");
            }
        }
    }

    fn push(&mut self, offset: usize, message: String, hint: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(RawHtmlProblem { offset, message, hint: hint.into() });
        }
    }

    fn left_open(&mut self, name: &str, offset: usize, block: &str) {
        if OPTIONAL_END.contains(&name) || self.stopped {
            return;
        }
        if name == "svg" || name == "math" {
            self.foreign = self.foreign.saturating_sub(1);
        }
        let message = format!(
            "the HTML tag <{name}> is opened here but not closed before the end of {block}, so the rest of the page (its footer with the clinic's contact details too) would end up inside it"
        );
        let hint = if is_html_name(name) {
            format!("close it with </{name}> in the same paragraph or block")
        } else {
            format!(
                "<{name}> is not an HTML tag: if it is meant as text, put it in backticks (`Vec<{name}>`) or write &lt;{name}&gt;"
            )
        };
        self.push(offset, message, hint);
    }

    /// A comment, raw-text element or tag runs into Markdown or the end of
    /// the page: the browser would hide or swallow all that follows.
    fn unterminated(&mut self) {
        let (offset, message, hint) = match std::mem::replace(&mut self.state, State::Data) {
            State::Data => return,
            State::Comment { start, .. } => (
                start,
                "this HTML comment <!-- is never closed, so everything after it would be hidden from patients, the footer with the clinic's contact details too".to_string(),
                "end the comment with --> (or delete it)".to_string(),
            ),
            State::RawText { name, start, .. } => (
                start,
                format!("the <{name}> element is never closed, so the rest of the page would be swallowed by it, the footer with the clinic's contact details too"),
                format!("close it with </{name}> (or delete it)"),
            ),
            State::Tag { start, .. } | State::Bogus { start } => (
                start,
                "this HTML tag is not ended with >, so the browser would read the text after it as part of the tag".to_string(),
                "end the tag with >, or write < as &lt; if it is meant as text".to_string(),
            ),
        };
        self.push(offset, message, hint);
        self.stopped = true;
    }

    /// Plain HTML text: looks for the next `<` that starts markup.
    fn data(&mut self, html: &str, i: usize, base: usize) -> usize {
        let bytes = html.as_bytes();
        let mut at = i;
        while let Some(found) = html[at..].find('<') {
            let lt = at + found;
            let rest = &html[lt + 1..];
            let start = base + lt;
            if rest.starts_with("!--") {
                self.state = State::Comment { start, tail: String::new() };
                return lt + 4;
            }
            let next = bytes.get(lt + 1).copied();
            match next {
                Some(b'!' | b'?') => {
                    self.state = State::Bogus { start };
                    return lt + 1;
                }
                Some(b'/') if bytes.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => {
                    self.state = State::Tag { start, text: String::new(), quote: None };
                    return lt + 1;
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    self.state = State::Tag { start, text: String::new(), quote: None };
                    return lt + 1;
                }
                _ => at = lt + 1,
            }
        }
        html.len()
    }

    fn comment(&mut self, html: &str, i: usize, start: usize, mut tail: String) -> usize {
        let piece = &html[i..];
        let joined = format!("{tail}{piece}");
        if let Some(end) = joined.find("-->") {
            // `end` is in `joined`; map back to `html`.
            return i + (end + 3).saturating_sub(tail.len());
        }
        tail = last_chars(&joined, 2);
        self.state = State::Comment { start, tail };
        html.len()
    }

    fn raw_text(
        &mut self,
        html: &str,
        i: usize,
        name: String,
        start: usize,
        tail: String,
    ) -> usize {
        let piece = &html[i..];
        let joined = format!("{tail}{piece}");
        let needle = format!("</{name}");
        if let Some(end) = find_ignore_case(&joined, &needle) {
            let after = i + (end + needle.len()).saturating_sub(tail.len());
            // The end tag itself runs to the next `>`.
            self.state = State::Tag { start, text: format!("/{name}"), quote: None };
            return after;
        }
        let tail = last_chars(&joined, needle.len());
        self.state = State::RawText { name, start, tail };
        html.len()
    }

    /// Inside a tag: collects its text up to the `>` outside quotes.
    fn tag(
        &mut self,
        html: &str,
        i: usize,
        start: usize,
        mut text: String,
        mut quote: Option<char>,
    ) -> usize {
        for (at, c) in html[i..].char_indices() {
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if (c == '"' || c == '\'') && text.trim_end().ends_with('=') => {
                    quote = Some(c);
                }
                None if c == '>' => {
                    self.finish_tag(&text, start);
                    return i + at + 1;
                }
                None => {}
            }
            text.push(c);
        }
        self.state = State::Tag { start, text, quote };
        html.len()
    }

    /// A whole tag `text` (between `<` and `>`), at `offset`.
    fn finish_tag(&mut self, text: &str, offset: usize) {
        let (closing, text) = match text.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let name_end = text.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(text.len());
        let name = text[..name_end].to_ascii_lowercase();
        let attrs = &text[name_end..];
        if closing {
            // A raw-text element is never on the stack: its end tag was
            // found by `raw_text` (a stray one is ignored by browsers).
            if !RAW_TEXT.contains(&name.as_str()) {
                self.close(&name, offset);
            }
            return;
        }
        self.collect_anchors(&name, attrs);
        let self_closing = attrs.trim_end().ends_with('/');
        if VOID.contains(&name.as_str()) || (self_closing && self.foreign > 0) {
            return;
        }
        if RAW_TEXT.contains(&name.as_str()) && self.foreign == 0 {
            self.state = State::RawText { name, start: offset, tail: String::new() };
            return;
        }
        if name == "plaintext" {
            self.push(
                offset,
                "<plaintext> turns the whole rest of the page into text".into(),
                "use <pre> or a code block instead",
            );
            return;
        }
        if name == "svg" || name == "math" {
            self.foreign += 1;
        }
        self.open.push(Open::Element { name, offset });
    }

    /// An end tag: closes the innermost open element of that name in the
    /// current Markdown block; elements left open inside it are reported.
    fn close(&mut self, name: &str, offset: usize) {
        let found = self.open.iter().rposition(|open| match open {
            Open::Markdown => true,
            Open::Element { name: open, .. } => open == name,
        });
        let matching = found.filter(|&at| matches!(&self.open[at], Open::Element { .. }));
        let Some(at) = matching else {
            if !OPTIONAL_END.contains(&name) && !VOID.contains(&name) {
                self.push(
                    offset,
                    format!("</{name}> here closes nothing opened before it in this paragraph or block, so it would close part of the page's layout instead"),
                    format!("remove it, or open the element with <{name}> in the same paragraph or block"),
                );
            }
            return;
        };
        let inner: Vec<Open> = self.open.drain(at..).collect();
        for open in inner.into_iter().skip(1) {
            if let Open::Element { name: inner, offset } = open {
                self.left_open(&inner, offset, &format!("</{name}>"));
            }
        }
        if name == "svg" || name == "math" {
            self.foreign = self.foreign.saturating_sub(1);
        }
    }

    /// `id="x"` on any element and `name="x"` on `<a>` are link targets.
    fn collect_anchors(&mut self, name: &str, attrs: &str) {
        for (key, value) in attributes(attrs) {
            let is_anchor =
                key.eq_ignore_ascii_case("id") || (name == "a" && key.eq_ignore_ascii_case("name"));
            if is_anchor && !value.is_empty() {
                self.anchors.insert(value.to_string());
            }
        }
    }
}

/// The `key=value` pairs of a tag's attribute text (values unquoted).
fn attributes(text: &str) -> Vec<(&str, &str)> {
    let mut pairs = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return pairs;
        }
        let key_end =
            rest.find(|c: char| c.is_whitespace() || c == '=' || c == '/').unwrap_or(rest.len());
        let key = &rest[..key_end];
        rest = rest[key_end..].trim_start();
        let Some(after) = rest.strip_prefix('=') else {
            pairs.push((key, ""));
            if key_end == 0 {
                // A lone `=` or similar: skip one character.
                rest = rest.get(1..).unwrap_or("");
            }
            continue;
        };
        rest = after.trim_start();
        let value;
        if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
            let body = &rest[1..];
            let end = body.find(q).unwrap_or(body.len());
            value = &body[..end];
            rest = body.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            value = &rest[..end];
            rest = &rest[end..];
        }
        pairs.push((key, value));
    }
}

/// Names the HTML standard defines (or that are commonly written), so an
/// unclosed `<T>` or `<u8>` gets the hint that it is probably text.
fn is_html_name(name: &str) -> bool {
    HTML_NAMES.contains(&name)
}

/// The element names [`is_html_name`] knows.
const HTML_NAMES: &[&str] = &[
    "a",
    "abbr",
    "address",
    "article",
    "aside",
    "audio",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "button",
    "canvas",
    "center",
    "cite",
    "code",
    "data",
    "datalist",
    "del",
    "details",
    "dfn",
    "dialog",
    "div",
    "dl",
    "em",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "i",
    "ins",
    "kbd",
    "label",
    "legend",
    "main",
    "map",
    "mark",
    "menu",
    "meter",
    "nav",
    "object",
    "ol",
    "output",
    "picture",
    "pre",
    "progress",
    "q",
    "ruby",
    "s",
    "samp",
    "section",
    "select",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "svg",
    "math",
    "table",
    "template",
    "time",
    "u",
    "ul",
    "var",
    "video",
    "big",
    "tt",
    "strike",
    "nobr",
    "marquee",
];

fn last_chars(text: &str, n: usize) -> String {
    let mut start = text.len().saturating_sub(n);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    text[start..].to_string()
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() || h.len() < n.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Author comments (`<!-- ask Dr Lee -->`) removed from one piece of a
/// page's raw HTML: they are notes for the clinic, not for patients, and
/// are never published (pages are not minified, which once removed them,
/// issue #13). carebook's own markers (`<!--carebook-…-->`, replaced when
/// the page is rendered) stay. `in_comment` carries a comment that spans
/// pieces (an HTML block comes one line at a time) from one call to the
/// next. A comment never closed is an error of [`RawHtmlChecker`]; here it
/// simply runs to the end.
pub fn without_comments<'a>(piece: &'a str, in_comment: &mut bool) -> Cow<'a, str> {
    if !*in_comment && !piece.contains("<!--") {
        return Cow::Borrowed(piece);
    }
    let mut out = String::with_capacity(piece.len());
    let mut rest = piece;
    loop {
        if *in_comment {
            match comment_end(rest) {
                Some(end) => {
                    rest = &rest[end..];
                    *in_comment = false;
                }
                None => return Cow::Owned(out),
            }
        }
        let Some(start) = find_author_comment(rest) else {
            out.push_str(rest);
            return Cow::Owned(out);
        };
        out.push_str(&rest[..start]);
        rest = &rest[start + 4..];
        // `<!-->` and `<!--->` are whole (empty) comments in HTML.
        if let Some(after) = rest.strip_prefix('>').or_else(|| rest.strip_prefix("->")) {
            rest = after;
        } else {
            *in_comment = true;
        }
    }
}

/// Where the first `<!--` that is not carebook's own marker starts.
fn find_author_comment(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find("<!--") {
        let at = from + at;
        if !text[at + 4..].starts_with("carebook-") {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// The index after the `-->` (or `--!>`) that closes the comment `text` is in.
fn comment_end(text: &str) -> Option<usize> {
    let close = text.find("-->").map(|at| at + 3);
    let bang = text.find("--!>").map(|at| at + 4);
    match (close, bang) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs raw pieces (`Some`) and Markdown text (`None`) through the checker.
    fn check(pieces: &[&str]) -> RawHtmlChecker {
        let mut checker = RawHtmlChecker::default();
        let mut offset = 0;
        for piece in pieces {
            match *piece {
                "[" => checker.start(),
                "]" => checker.end("the paragraph"),
                "txt" => checker.text(),
                raw => checker.raw(raw, offset),
            }
            offset += piece.len();
        }
        checker.finish();
        checker
    }

    fn messages(checker: &RawHtmlChecker) -> Vec<&str> {
        checker.problems.iter().map(|p| p.message.as_str()).collect()
    }

    #[test]
    fn balanced_html_passes() {
        let c = check(&[
            "<details>\n",
            "<summary>More</summary>\n",
            "[",
            "txt",
            "]",
            "</details>\n",
            "<p align=\"center\"><img src=\"a.png\" alt=\"x\"><br/>\n",
            "<svg viewBox=\"0 0 1 1\"><path d=\"M0\"/></svg>\n",
            "<!-- a note -->\n",
            "[",
            "<kbd>",
            "txt",
            "</kbd>",
            "]",
        ]);
        assert!(c.problems.is_empty(), "{:?}", c.problems);
    }

    #[test]
    fn an_unclosed_comment_is_reported_where_it_opens() {
        let c = check(&["Intro\n", "<!-- TODO: ask Dr Lee\n", "more\n"]);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].offset, 6);
        assert!(c.problems[0].message.contains("<!-- is never closed"));
        let split = check(&["<!-- two lines -", "-> done\n"]);
        assert!(split.problems.is_empty(), "{:?}", split.problems);
    }

    #[test]
    fn raw_text_elements_must_close() {
        for name in ["style", "textarea", "title", "script", "TEXTAREA"] {
            let c = check(&[&format!("<{name}>\n"), "[", "txt", "]"]);
            assert_eq!(c.problems.len(), 1, "{name}: {:?}", c.problems);
            assert!(c.problems[0].message.contains("never closed"), "{name}");
        }
        let ok = check(&["[", "<textarea>", "txt", "</TextArea >", "]"]);
        assert!(ok.problems.is_empty(), "{:?}", ok.problems);
        let markup_inside = check(&["<style>\n", "[", "txt", "]", "</style>"]);
        assert_eq!(markup_inside.problems.len(), 1);
    }

    #[test]
    fn unclosed_elements_and_text_that_looks_like_tags() {
        let c = check(&["[", "txt", "<u8>", "txt", "]"]);
        assert_eq!(c.problems.len(), 1);
        assert!(c.problems[0].hint.contains("backticks"), "{:?}", c.problems);
        let b = check(&["[", "<b>", "txt", "]", "[", "txt", "</b>", "]"]);
        assert_eq!(messages(&b).len(), 2, "{:?}", b.problems);
        assert!(b.problems[1].message.contains("</b> here closes nothing"));
        let table = check(&["<table><tr><td>1\n"]);
        assert_eq!(table.problems.len(), 1);
        assert!(table.problems[0].message.contains("<table>"));
    }

    #[test]
    fn stray_end_tags_are_reported_but_optional_ones_are_not() {
        let c = check(&["</div>\n", "</main>\n", "[", "txt", "</p>", "]", "<ul><li>a<li>b</ul>\n"]);
        assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
    }

    #[test]
    fn a_tag_never_ended_is_reported() {
        let c = check(&["<div class=\"x\n", "[", "txt", "]"]);
        assert_eq!(c.problems.len(), 1);
        assert!(c.problems[0].message.contains("not ended with >"));
        let quoted = check(&["<a title=\"1 > 0\" href=x>", "[", "txt", "]", "</a>"]);
        assert!(quoted.problems.is_empty(), "{:?}", quoted.problems);
    }

    #[test]
    fn ids_and_anchor_names_are_collected() {
        let c = check(&["<a name=\"toc\"></a><span id='x' class=y>", "</span>", "<p ID=z>"]);
        let mut anchors: Vec<&str> = c.anchors.iter().map(String::as_str).collect();
        anchors.sort_unstable();
        assert_eq!(anchors, ["toc", "x", "z"]);
    }

    #[test]
    fn cost_is_linear_in_the_input() {
        // 200,000 one-character pieces of an unclosed comment and of a
        // long tag: a re-scan per piece would take minutes.
        let mut c = RawHtmlChecker::default();
        c.raw("<div title=\"", 0);
        for i in 0..200_000 {
            c.raw("x", i);
        }
        c.raw("\">", 0);
        let mut d = RawHtmlChecker::default();
        d.raw("<!--", 0);
        for i in 0..200_000 {
            d.raw("-", i);
        }
        d.raw(">", 0);
        assert!(d.problems.is_empty(), "{:?}", d.problems);
        c.finish();
        assert_eq!(c.problems.len(), 1); // the div is never closed
    }

    #[test]
    fn author_comments_are_removed_and_markers_kept() {
        let mut open = false;
        assert_eq!(
            without_comments("a<!-- note -->b<!--carebook-embed:0-->c", &mut open),
            "ab<!--carebook-embed:0-->c"
        );
        assert!(!open);
        // A comment across the lines of an HTML block.
        assert_eq!(without_comments("<p>x<!-- one\n", &mut open), "<p>x");
        assert!(open);
        assert_eq!(without_comments("two\n", &mut open), "");
        assert_eq!(without_comments("three --> y</p>\n", &mut open), " y</p>\n");
        assert!(!open);
        assert_eq!(without_comments("<!-->a<!--->b<!-- c --!>d", &mut open), "abd");
        assert!(matches!(without_comments("<b>plain</b>", &mut open), Cow::Borrowed(_)));
        assert_eq!(without_comments("x<!-- never closed", &mut open), "x");
        assert!(open);
    }
}
