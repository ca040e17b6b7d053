//! Just enough HTML reading for the checks: finding `<img>` and `<a>` tags
//! in the raw HTML of a page and reading their attributes. Not a parser:
//! authors' HTML is trusted and small.

/// The `<name ...>` tags in a piece of HTML (`name` in lowercase), with
/// their byte offset.
pub fn html_tags<'a>(html: &'a str, name: &str) -> Vec<(usize, &'a str)> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{name}");
    let mut tags = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find(&open).map(|i| from + i) {
        let after = lower.as_bytes().get(at + open.len()).copied();
        let end = html[at..].find('>').map_or(html.len(), |e| at + e + 1);
        if after.is_none_or(|c| c.is_ascii_whitespace() || c == b'/' || c == b'>') {
            tags.push((at, &html[at..end]));
        }
        from = end.max(at + open.len());
    }
    tags
}

/// The attributes of one HTML tag, names lowercased, values unquoted.
pub fn html_attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let mut rest = inner.trim_start_matches(|c: char| !c.is_whitespace());
    let mut attributes = Vec::new();
    loop {
        rest = rest.trim_start();
        let name_end = rest.find(|c: char| c.is_whitespace() || c == '=').unwrap_or(rest.len());
        if name_end == 0 {
            break;
        }
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (text, remainder) = match after.chars().next() {
                Some(quote @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let close = body.find(quote).unwrap_or(body.len());
                    (&body[..close], body.get(close + 1..).unwrap_or_default())
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = text.to_string();
            rest = remainder;
        }
        attributes.push((name, value));
    }
    attributes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_parsed_with_any_quoting() {
        assert_eq!(
            html_attributes("<img src=a.png ALT='A b' hidden data-x=\"1\">"),
            [
                ("src".to_string(), "a.png".to_string()),
                ("alt".into(), "A b".into()),
                ("hidden".into(), String::new()),
                ("data-x".into(), "1".into())
            ]
        );
    }

    #[test]
    fn tags_are_found_by_name_only() {
        let html = "<a href=x>1</a><abbr>2</abbr><IMG src=y><img/>";
        assert_eq!(html_tags(html, "a"), [(0, "<a href=x>")]);
        assert_eq!(html_tags(html, "img"), [(29, "<IMG src=y>"), (40, "<img/>")]);
    }
}
