//! `render::template_text`: the theme's HTML templates made smaller once,
//! when they are loaded, instead of every rendered page being minified
//! (issue #13: minify-html was over a third of a build's CPU, for pages
//! whose only waste was the templates' indentation).
//!
//! Only the indentation at the start of a line of HTML text goes: every
//! newline stays, so a browser still sees whitespace wherever the template
//! had some (a run of whitespace in HTML text renders as one space), and
//! Tera's error messages keep their line numbers. Nothing is touched inside
//! a tag (attribute values are kept as written), inside Tera's `{{ }}`,
//! `{% %}` and `{# #}`, inside an HTML comment, or inside `<pre>`,
//! `<textarea>`, `<script>` and `<style>`, where whitespace is content.

use std::borrow::Cow;

/// Elements whose text is kept exactly as written.
const RAW_ELEMENTS: &[&str] = &["pre", "textarea", "script", "style"];

/// `text` (an HTML template) without the indentation of its lines of HTML
/// text. Templates that are not HTML (`sw.js`) are never passed here.
pub fn without_indentation(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut kept_from = 0;
    let mut i = 0;
    let mut line_start = false;
    while i < bytes.len() {
        if line_start {
            let indent_end =
                i + bytes[i..].iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
            if indent_end > i {
                out.push_str(&text[kept_from..i]);
                kept_from = indent_end;
                i = indent_end;
            }
            line_start = false;
            continue;
        }
        match bytes[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'{' if matches!(bytes.get(i + 1), Some(b'{' | b'%' | b'#')) => {
                i = end_of_tera(bytes, i);
            }
            b'<' if bytes[i..].starts_with(b"<!--") => {
                i = find(bytes, i + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            }
            b'<' if bytes.get(i + 1).is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/') => {
                let raw = raw_element_at(bytes, i);
                i = end_of_tag(bytes, i + 1);
                if let Some(name) = raw {
                    i = closing_tag(bytes, i, name);
                }
            }
            _ => i += 1,
        }
    }
    if kept_from == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[kept_from..]);
    Cow::Owned(out)
}

/// The index after the Tera tag opening at `start` (`{{`, `{%` or `{#`).
fn end_of_tera(bytes: &[u8], start: usize) -> usize {
    let close: &[u8] = match bytes[start + 1] {
        b'{' => b"}}",
        b'%' => b"%}",
        _ => b"#}",
    };
    find(bytes, start + 2, close).map_or(bytes.len(), |end| end + 2)
}

/// The index after the `>` that ends the tag whose name starts at `from`,
/// skipping quoted attribute values and Tera tags (which may hold `>`).
fn end_of_tag(bytes: &[u8], from: usize) -> usize {
    let mut quote = None;
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'{' if matches!(bytes.get(i + 1), Some(b'{' | b'%' | b'#')) => {
                i = end_of_tera(bytes, i);
                continue;
            }
            b'"' | b'\'' if quote.is_none() => quote = Some(bytes[i]),
            b if Some(b) == quote => quote = None,
            b'>' if quote.is_none() => return i + 1,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The raw element (`pre`, …) whose opening tag starts at `start`, if any.
fn raw_element_at(bytes: &[u8], start: usize) -> Option<&'static str> {
    let name = &bytes[start + 1..];
    RAW_ELEMENTS.iter().copied().find(|raw| {
        name.len() > raw.len()
            && name[..raw.len()].eq_ignore_ascii_case(raw.as_bytes())
            && matches!(name[raw.len()], b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r')
    })
}

/// The index of `</name` at or after `from` (case-insensitive), or the end.
fn closing_tag(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut i = from;
    while let Some(at) = find(bytes, i, b"</") {
        let rest = &bytes[at + 2..];
        if rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return at;
        }
        i = at + 2;
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|at| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_of_text_goes_and_every_newline_stays() {
        let template = "<ul>\n    <li>One</li>\n\t\t<li>Two</li>\n</ul>\n";
        assert_eq!(without_indentation(template), "<ul>\n<li>One</li>\n<li>Two</li>\n</ul>\n");
        assert_eq!(without_indentation(template).lines().count(), template.lines().count());
    }

    #[test]
    fn text_without_indentation_is_borrowed() {
        assert!(matches!(without_indentation("<p>Hi</p>\n<p>there</p>"), Cow::Borrowed(_)));
    }

    #[test]
    fn tags_and_tera_are_kept_as_written() {
        // An attribute value across lines, a Tera string across lines, and
        // Tera inside a tag holding `>` and quotes.
        let template = "<p title=\"a\n   b\">x</p>\n{% set s = \"c\n    d\" %}\n<a href=\"{{ t(key=\"x\") }}\"{% if a > b %} hidden{% endif %}>\n   y</a>";
        assert_eq!(
            without_indentation(template),
            "<p title=\"a\n   b\">x</p>\n{% set s = \"c\n    d\" %}\n<a href=\"{{ t(key=\"x\") }}\"{% if a > b %} hidden{% endif %}>\ny</a>"
        );
    }

    #[test]
    fn raw_elements_and_comments_are_kept_as_written() {
        let template = "<PRE>\n  code\n    more</PRE>\n  <textarea rows=2>\n  text</textarea>\n<!--\n   note -->\n  <p>\n  x</p>";
        assert_eq!(
            without_indentation(template),
            "<PRE>\n  code\n    more</PRE>\n<textarea rows=2>\n  text</textarea>\n<!--\n   note -->\n<p>\nx</p>"
        );
        // `<prefix>` is not `<pre>`.
        assert_eq!(without_indentation("<prefix>\n  x"), "<prefix>\nx");
    }

    #[test]
    fn unclosed_constructs_end_the_scan_without_a_panic() {
        for template in ["<p", "{{ x", "<!-- x\n  y", "<pre>\n  x", "<a href=\"x\n  y", "\n  "] {
            let _ = without_indentation(template);
        }
        assert_eq!(without_indentation("x\n  "), "x\n");
    }
}
