//! Diagnostics: problems in the user's content, reported with a position.
//!
//! Every stage that reads user files returns diagnostics as values instead of
//! failing on the first problem, so one run can report everything that is
//! wrong. They are sorted by path and position before printing.

mod toml_errors;

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A 1-based line and column in a source file (column counted in characters).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    pub fn new(line: usize, column: usize) -> Self {
        Position { line, column }
    }

    /// The start of a file.
    pub fn start() -> Self {
        Position { line: 1, column: 1 }
    }

    /// The position of a byte offset in `text`. Offsets past the end clamp
    /// to the end; offsets inside a character point at that character.
    pub fn of_offset(text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Position { line, column }
    }

    /// Moves a position found inside an embedded block (front matter, body)
    /// to the file's coordinates, given the block's first line in the file.
    pub fn shifted_by_lines(self, first_line_of_block: usize) -> Self {
        Position { line: self.line + first_line_of_block - 1, column: self.column }
    }
}

/// One problem found in the user's files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub path: PathBuf,
    pub position: Position,
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl AsRef<Path>, position: Position, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.as_ref().to_path_buf(),
            position,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(path: impl AsRef<Path>, position: Position, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(path, position, message) }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.position.line,
            self.position.column,
            severity,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// `1 error`, `2 errors`: a count with its noun.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

/// Sorts diagnostics by file, then position, then message, so output is
/// stable across runs and parallel stages.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.position, a.severity, &a.message)
            .cmp(&(&b.path, b.position, b.severity, &b.message))
    });
}

/// Warnings with the same words in at least this many places print as one.
pub const GROUP_AT: usize = 4;

/// Places a grouped warning names before "and N more".
const GROUP_NAMES: usize = 3;

/// `diagnostics` as text to print, one entry per problem: a warning whose
/// message and hint recur in [`GROUP_AT`] or more places is printed once, in
/// the place of its first, naming the first few places and how many more
/// (at 10,000 pages, "has no description" would otherwise be 10,000
/// lines). Errors are always listed one by one, as is everything when
/// `verbose` (`--verbose`).
pub fn grouped_text(diagnostics: &[Diagnostic], verbose: bool) -> Vec<String> {
    use std::collections::HashMap;
    let key = |d: &Diagnostic| (d.message.clone(), d.hint.clone());
    let mut counts: HashMap<(String, Option<String>), Vec<&Diagnostic>> = HashMap::new();
    if !verbose {
        for d in diagnostics.iter().filter(|d| !d.is_error()) {
            counts.entry(key(d)).or_default().push(d);
        }
    }
    let mut lines = Vec::new();
    for d in diagnostics {
        match counts.get_mut(&key(d)) {
            // Printed once, at the first; emptied so the rest print nothing.
            Some(group) if !d.is_error() && group.len() >= GROUP_AT => {
                lines.push(group_text(group));
                group.clear();
            }
            Some(group) if !d.is_error() && group.is_empty() => {}
            _ => lines.push(d.to_string()),
        }
    }
    lines
}

fn group_text(group: &[&Diagnostic]) -> String {
    let first = group[0];
    let places: Vec<String> = group
        .iter()
        .take(GROUP_NAMES)
        .map(|d| format!("{}:{}:{}", d.path.display(), d.position.line, d.position.column))
        .collect();
    let more = group.len() - places.len();
    let mut text = format!(
        "warning: in {} places: {}\n  {} and {} more (`--verbose` lists every one)",
        thousands(group.len()),
        first.message,
        places.join(", "),
        thousands(more)
    );
    if let Some(hint) = &first.hint {
        text.push_str(&format!("\n  hint: {hint}"));
    }
    text
}

/// `12345` -> `"12,345"`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The valid name closest to a misspelled one, if any is close enough to be
/// a plausible typo.
pub fn nearest_name<'a>(wrong: &str, valid: &[&'a str]) -> Option<&'a str> {
    valid
        .iter()
        .map(|candidate| (strsim::jaro_winkler(wrong, candidate), *candidate))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_warnings_are_grouped_errors_never() {
        let warn = |path: &str| {
            Diagnostic::warning(format!("content/{path}.md"), Position::start(), "no description")
                .with_hint("add one")
        };
        let mut all: Vec<Diagnostic> = (0..1011).map(|i| warn(&format!("p{i:04}"))).collect();
        all.push(Diagnostic::warning("content/z.md", Position::new(2, 1), "a lone warning"));
        for i in 0..5 {
            all.push(Diagnostic::error(format!("content/e{i}.md"), Position::start(), "broken"));
        }
        let lines = grouped_text(&all, false);
        assert_eq!(lines.len(), 1 + 1 + 5, "{lines:#?}");
        assert_eq!(
            lines[0],
            "warning: in 1,011 places: no description\n  \
             content/p0000.md:1:1, content/p0001.md:1:1, content/p0002.md:1:1 and 1,008 more \
             (`--verbose` lists every one)\n  hint: add one"
        );
        assert!(lines[1].starts_with("content/z.md:2:1: warning: a lone warning"));
        assert!(lines[2..].iter().all(|l| l.contains(": error: broken")));
        // Three alike are not yet a group; --verbose lists all.
        assert_eq!(grouped_text(&all[..3], false).len(), 3);
        assert_eq!(grouped_text(&all, true).len(), all.len());
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1011), "1,011");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn offsets_map_to_lines_and_character_columns() {
        let text = "ab\ncdé\nf";
        assert_eq!(Position::of_offset(text, 0), Position::new(1, 1));
        assert_eq!(Position::of_offset(text, 3), Position::new(2, 1));
        assert_eq!(Position::of_offset(text, 8), Position::new(3, 1));
        // Offset inside the two-byte é points at it.
        assert_eq!(Position::of_offset(text, 6), Position::new(2, 3));
        assert_eq!(Position::of_offset(text, 999), Position::new(3, 2));
    }

    #[test]
    fn display_has_path_line_column_and_hint() {
        let d = Diagnostic::error("content/a.md", Position::new(3, 7), "unknown key `titel`")
            .with_hint("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:7: error: unknown key `titel`\n  hint: did you mean `title`?"
        );
    }

    #[test]
    fn nearest_name_finds_typos_only() {
        let valid = ["title", "description", "weight"];
        assert_eq!(nearest_name("titel", &valid), Some("title"));
        assert_eq!(nearest_name("descripton", &valid), Some("description"));
        assert_eq!(nearest_name("zzz", &valid), None);
    }
}

/// Turns a TOML parse or schema error into a diagnostic. `block` is the
/// TOML text that was parsed and `first_line` its first line in the file
/// (front matter starts after the `+++` line), so positions point into the
/// file the user edits.
pub fn from_toml_error(
    path: &Path,
    block: &str,
    first_line: usize,
    err: &toml::de::Error,
) -> Diagnostic {
    let position = err.span().map_or_else(
        || Position::new(first_line, 1),
        |span| Position::of_offset(block, span.start).shifted_by_lines(first_line),
    );
    let message = err.message().trim().to_string();
    if let Some((wrong, expected)) = parse_unknown_field(&message) {
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        return unknown_key(path, position, &wrong, &expected);
    }
    let offset = err.span().map_or(0, |span| span.start);
    if let Some((plain, hint)) =
        crate::diagnostic::toml_errors::explain(&message, block, offset, first_line)
    {
        return Diagnostic::error(path, position, plain).with_hint(hint);
    }
    Diagnostic::error(path, position, message)
        .with_hint("check the TOML syntax: text values need \"quotes\", dates look like 2026-11-01")
}

/// [`from_toml_error`], but an unknown key is reported with every other
/// unknown key of the same table (issue #16 item 11: serde stops at the
/// first, so an author fixed one key per build). Only the top-level table
/// is scanned, which is where front matter's keys are.
pub fn from_toml_errors(
    path: &Path,
    block: &str,
    first_line: usize,
    err: &toml::de::Error,
) -> Vec<Diagnostic> {
    let first = from_toml_error(path, block, first_line, err);
    let Some((wrong, expected)) = parse_unknown_field(err.message().trim()) else {
        return vec![first];
    };
    let Ok(table) = toml::de::DeTable::parse(block) else { return vec![first] };
    let keys: Vec<_> = table.get_ref().keys().collect();
    // The key serde stopped at must be one of these (by place, not only by
    // name: `[clinic]` may hold a `title` too), or the table is another.
    let at = err.span().map(|span| span.start);
    if !keys.iter().any(|key| key.get_ref().as_ref() == wrong && Some(key.span().start) == at) {
        return vec![first];
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    let mut keys = keys;
    keys.sort_by_key(|key| key.span().start);
    keys.into_iter()
        .filter(|key| !expected.contains(&key.get_ref().as_ref()))
        .map(|key| {
            let position =
                Position::of_offset(block, key.span().start).shifted_by_lines(first_line);
            unknown_key(path, position, key.get_ref(), &expected)
        })
        .collect()
}

fn unknown_key(path: &Path, position: Position, wrong: &str, expected: &[&str]) -> Diagnostic {
    let diagnostic = Diagnostic::error(path, position, format!("unknown key `{wrong}`"));
    match nearest_name(wrong, expected) {
        Some(name) => diagnostic.with_hint(format!("did you mean `{name}`?")),
        None => diagnostic.with_hint(format!("the keys allowed here are: {}", expected.join(", "))),
    }
}

/// Reads serde's "unknown field `x`, expected one of `a`, `b`" message.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (wrong, expected_part) = rest.split_once('`')?;
    let expected = expected_part.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((wrong.to_string(), expected))
}

#[cfg(test)]
mod toml_tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        weight: Option<i64>,
    }

    #[test]
    fn unknown_key_names_the_line_and_nearest_key() {
        let block = "title = \"A\"\ntitel = \"B\"\n";
        let err = toml::from_str::<Sample>(block).unwrap_err();
        let d = from_toml_error(Path::new("content/a.md"), block, 2, &err);
        assert_eq!(d.message, "unknown key `titel`");
        assert_eq!(d.position, Position::new(3, 1));
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn every_unknown_key_of_the_table_is_reported() {
        let block = "titel = \"A\"\nweight = 1\ncolour = \"red\"\n";
        let err = toml::from_str::<Sample>(block).unwrap_err();
        let found: Vec<_> = from_toml_errors(Path::new("content/a.md"), block, 2, &err)
            .into_iter()
            .map(|d| (d.position.line, d.message))
            .collect();
        assert_eq!(found, [(2, "unknown key `titel`".into()), (4, "unknown key `colour`".into())]);
    }

    #[test]
    fn an_unknown_key_in_a_nested_table_is_not_mistaken_for_the_top_level() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Outer {
            title: String,
            inner: Sample,
        }
        // `inner` is a top-level key too, but not the one in [inner].
        let block = "title = \"A\"\n[inner]\ntitle = \"B\"\nweight = 1\ninner = 2\n";
        let err = toml::from_str::<Outer>(block).unwrap_err();
        let found = from_toml_errors(Path::new("site.toml"), block, 1, &err);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].position.line, found[0].message.as_str()), (5, "unknown key `inner`"));
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let block = "title = \"A\"\nweight = ten\n";
        let err = toml::from_str::<Sample>(block).unwrap_err();
        let d = from_toml_error(Path::new("content/a.md"), block, 2, &err);
        assert_eq!(d.position.line, 3);
    }
}
