//! The site's own shortcodes, after `build_model` and before validation's
//! verdict: each `{{ NAME(arg=…) }}` line a page holds is drawn by
//! `templates/shortcodes/NAME.html` with its arguments as variables.
//!
//! Input: the [`Site`] (each entry's `rendered.shortcodes`, marked in its
//! HTML by `shortcode_marker`), the compiled templates and their sources.
//! Output: the markers replaced by the drawn HTML, and a path:line error for
//! an unknown shortcode, an argument the template does not use, or a
//! template that fails with the arguments given (a missing one, mostly).

use std::collections::{BTreeMap, BTreeSet};

use tera::Tera;

use crate::content::markdown::{ShortcodeCall, shortcode_marker};
use crate::content::model::{Entry, Site};
use crate::diagnostic::Diagnostic;
use crate::source::files::TemplateSource;

/// Where the site's shortcodes live, inside `templates/`.
pub const SHORTCODE_DIR: &str = "shortcodes/";

/// The site's shortcodes: name -> the variables its template uses.
pub struct Shortcodes {
    known: BTreeMap<String, BTreeSet<String>>,
}

impl Shortcodes {
    /// Every `templates/shortcodes/NAME.html` among `templates`.
    pub fn of(templates: &BTreeMap<String, TemplateSource>) -> Self {
        let known = templates
            .iter()
            .filter_map(|(name, source)| {
                let short = name.strip_prefix(SHORTCODE_DIR)?.strip_suffix(".html")?;
                Some((short.to_string(), template_variables(&source.text)))
            })
            .collect();
        Shortcodes { known }
    }
}

/// Draws every site shortcode of `site`'s entries into their HTML.
pub fn render_shortcodes(
    site: &mut Site,
    shortcodes: &Shortcodes,
    tera: &Tera,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let entries = site.sections.iter_mut().map(|s| &mut s.entry);
    for entry in entries.chain(site.pages.iter_mut().map(|p| &mut p.entry)) {
        if entry.rendered.shortcodes.is_empty() {
            continue;
        }
        let calls = std::mem::take(&mut entry.rendered.shortcodes);
        for (index, call) in calls.iter().enumerate() {
            let drawn = match draw(call, shortcodes, tera) {
                Ok(html) => html,
                Err((message, hint)) => {
                    diagnostics.push(problem(entry, call, message, hint));
                    String::new()
                }
            };
            entry.rendered.html = entry.rendered.html.replacen(&shortcode_marker(index), &drawn, 1);
        }
        entry.rendered.shortcodes = calls;
    }
}

fn problem(entry: &Entry, call: &ShortcodeCall, message: String, hint: String) -> Diagnostic {
    Diagnostic::error(&entry.display_path, call.position, message).with_hint(hint)
}

/// One call's HTML, or the error and its hint.
fn draw(
    call: &ShortcodeCall,
    shortcodes: &Shortcodes,
    tera: &Tera,
) -> Result<String, (String, String)> {
    let Some(variables) = shortcodes.known.get(&call.name) else {
        return Err(unknown_shortcode(call, shortcodes));
    };
    let takes = || {
        if variables.is_empty() {
            "it takes no arguments".to_string()
        } else {
            let names: Vec<&str> = variables.iter().map(String::as_str).collect();
            format!("it takes {}", names.join(", "))
        }
    };
    for (name, _) in &call.args {
        if !variables.contains(name) {
            return Err((
                format!("the shortcode {} has no argument {name}", call.name),
                format!("{} (templates/shortcodes/{}.html)", takes(), call.name),
            ));
        }
    }
    let mut context = tera::Context::new();
    for (name, value) in &call.args {
        context.insert(name, value);
    }
    let template = format!("{SHORTCODE_DIR}{}.html", call.name);
    tera.render(&template, &context).map_err(|err| render_problem(call, &err, &takes()))
}

/// The error for a call of a shortcode there is no template for, with the
/// nearest name.
fn unknown_shortcode(call: &ShortcodeCall, shortcodes: &Shortcodes) -> (String, String) {
    let names: Vec<&str> = ["checklist", "prompts"]
        .into_iter()
        .chain(shortcodes.known.keys().map(String::as_str))
        .collect();
    let near = names
        .iter()
        .map(|name| (strsim::jaro_winkler(name, &call.name), name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| *name);
    let hint = match near {
        Some(near) => format!("did you mean {near}? The shortcodes are {}", names.join(", ")),
        None => format!(
            "the shortcodes are {}; add your own as templates/shortcodes/{}.html",
            names.join(", "),
            call.name
        ),
    };
    (format!("unknown shortcode {:?}", call.name), hint)
}

/// The error for a shortcode template that failed: an argument it needs
/// and was not given, or the template's own problem. `takes` lists the
/// arguments it takes.
fn render_problem(call: &ShortcodeCall, err: &tera::Error, takes: &str) -> (String, String) {
    let mut message = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    let missing = message
        .split_once("Variable `")
        .and_then(|(_, rest)| rest.split_once("` not found"))
        .map(|(name, _)| name.to_string());
    match missing {
        Some(name) => (
            format!("the shortcode {} needs the argument {name}", call.name),
            format!("add {name}=\"…\" between the brackets: {takes}"),
        ),
        None => (
            format!("the shortcode {} could not be drawn: {message}", call.name),
            format!("check templates/shortcodes/{}.html; {takes}", call.name),
        ),
    }
}

/// Words tera treats as its own, not as variables.
const TERA_WORDS: &[&str] = &[
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "in",
    "endfor",
    "set",
    "set_global",
    "not",
    "and",
    "or",
    "true",
    "false",
    "True",
    "False",
    "loop",
    "is",
    "defined",
    "undefined",
    "include",
    "block",
    "endblock",
    "extends",
    "macro",
    "endmacro",
    "filter",
    "endfilter",
    "raw",
    "endraw",
    "break",
    "continue",
    "with",
    "self",
    "super",
    "as",
    "import",
    "none",
];

/// The variables a template uses: the first name of each path in its
/// `{{ … }}` and `{% … %}` blocks, not filters, functions, tests or
/// tera's own words. Names bound by `{% for x in … %}` and `{% set x %}`
/// are the template's own.
pub fn template_variables(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut bound = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{']) {
        let after = &rest[open + 1..];
        let close = match after.chars().next() {
            Some('{') => "}}",
            Some('%') => "%}",
            _ => {
                rest = after;
                continue;
            }
        };
        let Some(end) = after.find(close) else { break };
        let block = &after[1..end];
        scan_block(block, close == "%}", &mut found, &mut bound);
        rest = &after[end + 2..];
    }
    found.retain(|name| !bound.contains(name));
    found
}

fn scan_block(
    block: &str,
    statement: bool,
    found: &mut BTreeSet<String>,
    bound: &mut BTreeSet<String>,
) {
    let words: Vec<(usize, &str)> = identifiers(block);
    for (i, &(at, word)) in words.iter().enumerate() {
        let before = block[..at].trim_end();
        let after = block[at + word.len()..].trim_start();
        if before.ends_with('.') || before.ends_with('|') || after.starts_with('(') {
            continue;
        }
        if after.starts_with('=') && !after.starts_with("==") {
            // A keyword argument of a function or filter (`t(key=…)`).
            if before.ends_with('(') || before.ends_with(',') {
                continue;
            }
        }
        let previous = i.checked_sub(1).map(|p| words[p].1);
        if statement && matches!(previous, Some("for" | "set" | "set_global")) {
            bound.insert(word.to_string());
            continue;
        }
        if statement && previous == Some("is") {
            continue;
        }
        if statement && i >= 2 && words[i - 2].1 == "for" && before.ends_with(',') {
            bound.insert(word.to_string());
            continue;
        }
        if !TERA_WORDS.contains(&word) {
            found.insert(word.to_string());
        }
    }
}

/// Identifiers outside string literals, with their offsets.
fn identifiers(block: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::new();
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    for (at, c) in block.char_indices().chain(std::iter::once((block.len(), ' '))) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        let part = c.is_alphanumeric() || c == '_';
        match (start, part) {
            (None, true) => start = Some(at),
            (Some(s), false) => {
                let word = &block[s..at];
                if !word.starts_with(|c: char| c.is_ascii_digit()) {
                    words.push((s, word));
                }
                start = None;
            }
            _ => {}
        }
        if matches!(c, '"' | '\'' | '`') {
            quote = Some(c);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        template_variables(text).into_iter().collect()
    }

    #[test]
    fn variables_are_the_names_a_template_reads() {
        assert_eq!(
            names(
                "<p>{{ name | upper }} {{ phone_href(phone=phone) }}</p>{% if note %}{{ note.text }}{% endif %}"
            ),
            ["name", "note", "phone"]
        );
        assert_eq!(
            names("{% for item in items %}{{ item }} {{ loop.index }}{% endfor %}"),
            ["items"]
        );
        assert_eq!(names("{{ \"text with words\" }} {% set x = 1 %}{{ x }}"), Vec::<String>::new());
        assert_eq!(names("{% if size is defined %}{{ size }}{% endif %}"), ["size"]);
    }
}
