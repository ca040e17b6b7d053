//! `content::frontmatter::parse_document`: splits a content file into its `+++` TOML front matter
//! and Markdown body, and reads the front matter into the struct of its
//! kind.
//!
//! Input: a [`SourceFile`]. Output: a [`ParsedDoc`] or the diagnostics that
//! explain why not. Every front-matter struct rejects unknown keys, and every
//! position points into the file as the author sees it.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::diagnostic::{Diagnostic, Position, from_toml_errors};
use crate::source::files::SourceFile;

/// The line that opens and closes front matter.
const FENCE: &str = "+++";

/// Whether a file is a section's `_index.md` or a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Section,
    Page,
}

/// Front matter every content file has.
#[derive(Debug, Clone, Default)]
pub struct CommonMeta {
    pub title: String,
    pub description: String,
    pub weight: i64,
    pub draft: bool,
    /// A template chosen by the author, with where it was written.
    pub template: Option<(String, Position)>,
    /// `YYYY-MM-DD`.
    pub updated: Option<String>,
    /// `YYYY-MM-DD`: the last clinical review.
    pub reviewed: Option<String>,
    /// `[extra]`: anything the site's templates want, passed as it is (the
    /// one table where carebook accepts keys it does not know).
    pub extra: toml::Table,
}

/// What a page is for; each kind carries its own settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// Ordinary guidance: Markdown text.
    Guidance,
    /// Questions a patient answers in an on-device journal.
    Prompts(PromptsSettings),
    /// Items a patient ticks, once or day by day.
    Checklist(ChecklistSettings),
}

impl PageKind {
    /// The names authors write in `kind = "..."`.
    pub const NAMES: &'static [&'static str] = &["page", "prompts", "checklist"];
}

/// Front matter of a prompt collection.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PromptsSettings {
    /// Another collection shown beside this one (a content path), and where
    /// the author wrote it.
    pub alongside: Option<(String, Position)>,
}

/// Front matter of a checklist.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChecklistSettings {
    /// 0 for a one-off list; N for a habit tracker repeated daily for N days.
    pub repeat_days: u32,
}

/// How many days a daily checklist runs when the author does not say.
pub const DEFAULT_REPEAT_DAYS: u32 = 14;

/// A content file after its front matter was read.
#[derive(Debug, Clone)]
pub struct ParsedDoc {
    pub content_path: String,
    pub display_path: PathBuf,
    pub role: Role,
    pub meta: CommonMeta,
    /// Replaces the file name in the URL (pages only).
    pub slug: Option<(String, Position)>,
    pub kind: PageKind,
    pub body: String,
    /// The line of the file on which `body` starts.
    pub body_first_line: usize,
}

impl ParsedDoc {
    /// A copy without the Markdown body: what the site model keeps of a
    /// document once its body is rendered (each language's tree had its
    /// own copy of every body, issue #13).
    pub fn without_body(&self) -> Self {
        ParsedDoc {
            content_path: self.content_path.clone(),
            display_path: self.display_path.clone(),
            role: self.role,
            meta: self.meta.clone(),
            slug: self.slug.clone(),
            kind: self.kind.clone(),
            body: String::new(),
            body_first_line: self.body_first_line,
        }
    }

    /// A guidance page at `content/<content_path>` whose body is `body`,
    /// starting on line 5 (after three lines of front matter): what tests
    /// and fuzz targets start from, changing the fields they need.
    pub fn page(content_path: &str, body: &str) -> Self {
        let file_name = content_path.rsplit('/').next().unwrap_or_default();
        ParsedDoc {
            content_path: content_path.into(),
            display_path: format!("content/{content_path}").into(),
            role: if file_name.starts_with("_index.") { Role::Section } else { Role::Page },
            meta: CommonMeta::default(),
            slug: None,
            kind: PageKind::Guidance,
            body: body.into(),
            body_first_line: 5,
        }
    }

    /// The file position of a byte offset in `body`.
    pub fn position_of(&self, offset: usize) -> Position {
        Position::of_offset(&self.body, offset).shifted_by_lines(self.body_first_line)
    }
}

#[derive(Debug, Deserialize)]
struct KindProbe {
    kind: Option<Spanned<String>>,
}

/// Declares a front-matter struct with the fields every kind shares plus
/// its own, so each kind rejects keys that belong to another.
macro_rules! front_matter_struct {
    ($name:ident { $($extra:tt)* }) => {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            title: Option<String>,
            description: Option<String>,
            #[serde(default)]
            weight: i64,
            #[serde(default)]
            draft: bool,
            template: Option<Spanned<String>>,
            updated: Option<Spanned<Datetime>>,
            reviewed: Option<Spanned<Datetime>>,
            #[serde(default)]
            extra: toml::Table,
            $($extra)*
        }

        impl $name {
            fn take_common(&mut self) -> RawCommon {
                RawCommon {
                    title: self.title.take(),
                    description: self.description.take(),
                    weight: self.weight,
                    draft: self.draft,
                    template: self.template.take(),
                    extra: std::mem::take(&mut self.extra),
                    updated: self.updated.take(),
                    reviewed: self.reviewed.take(),
                }
            }
        }
    };
}

front_matter_struct!(SectionFrontMatter {});

front_matter_struct!(GuidanceFrontMatter {
    slug: Option<Spanned<String>>,
    #[allow(dead_code)] // read by KindProbe; listed so that it is a known key
    kind: Option<String>,
});

front_matter_struct!(PromptsFrontMatter {
    slug: Option<Spanned<String>>,
    #[allow(dead_code)]
    kind: Option<String>,
    /// A collection to show beside this one, e.g. "intention/set-your-intention.md".
    alongside: Option<Spanned<String>>,
});

front_matter_struct!(ChecklistFrontMatter {
    slug: Option<Spanned<String>>,
    #[allow(dead_code)]
    kind: Option<String>,
    /// "daily" makes a habit tracker.
    repeat: Option<Spanned<String>>,
    /// How many days a daily checklist runs.
    days: Option<Spanned<i64>>,
});

/// The pieces of a file around its front matter.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// Line of the file where the front matter's first line is.
    pub front_matter_first_line: usize,
    pub body: &'a str,
    pub body_first_line: usize,
}

/// Splits `+++\n<toml>\n+++\n<body>`. A UTF-8 byte-order mark and Windows
/// line endings are accepted, since Windows editors write both.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (Position, String, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').unwrap_or(text.len());
    if text[..first_line_end].trim_end() != FENCE {
        return Err(no_front_matter(text));
    }
    let front_start = (first_line_end + 1).min(text.len());
    let mut offset = front_start;
    let mut line_number = 2;
    while offset < text.len() {
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if text[offset..line_end].trim_end() == FENCE {
            let body_start = (line_end + 1).min(text.len());
            return Ok(Split {
                front_matter: &text[front_start..offset],
                front_matter_first_line: 2,
                body: &text[body_start..],
                body_first_line: line_number + 1,
            });
        }
        offset = line_end + 1;
        line_number += 1;
    }
    Err((
        Position::start(),
        "the front matter is never closed".into(),
        "add a line of +++ after the last front-matter line".into(),
    ))
}

/// Why a file does not start with `+++`, with a hint for the two usual
/// reasons (issue #16 item 11): blank lines above it, or YAML front matter
/// between `---` lines, as Jekyll, Hugo and many READMEs write it.
fn no_front_matter(text: &str) -> (Position, String, String) {
    let first = text.lines().position(|line| !line.trim().is_empty());
    let first_text = first.and_then(|i| text.lines().nth(i)).unwrap_or_default().trim_end();
    let message = "the file does not start with front matter".to_string();
    match (first, first_text) {
        (Some(i), FENCE) => (
            Position::start(),
            message,
            format!(
                "remove the {} before the first +++: it must be the file's first line",
                if i == 1 { "blank line".to_string() } else { format!("{i} blank lines") }
            ),
        ),
        (Some(i), "---") => (
            Position::new(i + 1, 1),
            "this file has YAML front matter (between --- lines); carebook reads TOML between +++ lines".to_string(),
            "replace both --- lines with +++ and write each key as TOML: title: Knee care becomes title = \"Knee care\" (text in quotes)".to_string(),
        ),
        _ => (
            Position::start(),
            message,
            "start the file with a line of +++, then title = \"...\", then another line of +++".to_string(),
        ),
    }
}

/// Reads one content file.
pub fn parse_document(file: &SourceFile) -> Result<ParsedDoc, Vec<Diagnostic>> {
    let (mut doc, body) = parse_front_matter(file)?;
    doc.body = file.text[body].to_string();
    Ok(doc)
}

/// [`parse_document`] of a file that is not needed afterwards: its text
/// becomes the body, without a copy (a build holding every page's text and
/// a copy of each body at once, issue #13).
pub fn parse_document_owned(file: SourceFile) -> Result<ParsedDoc, Vec<Diagnostic>> {
    let (mut doc, body) = parse_front_matter(&file)?;
    let mut text = file.text;
    text.truncate(body.end);
    text.drain(..body.start);
    doc.body = text;
    Ok(doc)
}

/// The document of `file` with an empty body, and where its body is in
/// its text.
fn parse_front_matter(
    file: &SourceFile,
) -> Result<(ParsedDoc, std::ops::Range<usize>), Vec<Diagnostic>> {
    let path = file.display_path.as_path();
    let split = split_front_matter(&file.text).map_err(|(position, message, hint)| {
        vec![Diagnostic::error(path, position, message).with_hint(hint)]
    })?;
    // `_index.es.md` is a section too: the Spanish version of `_index.md`.
    let file_name = file.content_path.rsplit('/').next().unwrap_or_default();
    let role = if file_name.starts_with("_index.") && file_name.ends_with(".md") {
        Role::Section
    } else {
        Role::Page
    };
    let block_at =
        BlockAt { path, block: split.front_matter, first_line: split.front_matter_first_line };
    let position_in_block = |span: std::ops::Range<usize>| block_at.position(span);
    let mut diagnostics = Vec::new();
    let (fields, slug, kind) = read_fields(role, &block_at, &mut diagnostics)?;
    let slug = slug.map(|s| (s.get_ref().trim().to_string(), position_in_block(s.span())));

    let meta = fields.into_meta(path, &position_in_block, &mut diagnostics);
    if let Some((slug_text, position)) = &slug {
        check_slug(path, slug_text, *position, &mut diagnostics);
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    // The body is a slice of the text (after a byte-order mark and the
    // front matter).
    let start = split.body.as_ptr() as usize - file.text.as_ptr() as usize;
    let doc = ParsedDoc {
        content_path: file.content_path.clone(),
        display_path: file.display_path.clone(),
        role,
        meta,
        slug,
        kind,
        body: String::new(),
        body_first_line: split.body_first_line,
    };
    Ok((doc, start..start + split.body.len()))
}

/// The front matter block of one file, for messages at its lines.
struct BlockAt<'a> {
    path: &'a Path,
    block: &'a str,
    /// The file's line of the block's first line.
    first_line: usize,
}

impl BlockAt<'_> {
    fn position(&self, span: std::ops::Range<usize>) -> Position {
        Position::of_offset(self.block, span.start).shifted_by_lines(self.first_line)
    }
}

/// The fields every page has, its slug, and its kind with the kind's settings.
type Fields = (RawCommon, Option<Spanned<String>>, PageKind);

/// Reads the front matter as its role and kind declare it: the fields
/// every page has, the slug, and the kind's own settings.
fn read_fields(
    role: Role,
    at: &BlockAt,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Fields, Vec<Diagnostic>> {
    let (path, block) = (at.path, at.block);
    let toml_error = |err: toml::de::Error| from_toml_errors(path, block, at.first_line, &err);
    let position_in_block = |span: std::ops::Range<usize>| at.position(span);
    Ok(match role {
        Role::Section => {
            let mut fm: SectionFrontMatter = toml::from_str(block).map_err(toml_error)?;
            (fm.take_common(), None, PageKind::Guidance)
        }
        Role::Page => {
            let probe: KindProbe = toml::from_str(block).map_err(toml_error)?;
            match read_kind(probe.kind, path, &position_in_block)? {
                KindName::Guidance => {
                    let mut fm: GuidanceFrontMatter = toml::from_str(block).map_err(toml_error)?;
                    (fm.take_common(), fm.slug, PageKind::Guidance)
                }
                KindName::Prompts => {
                    let mut fm: PromptsFrontMatter = toml::from_str(block).map_err(toml_error)?;
                    let alongside = fm.alongside.take().map(|a| {
                        let target = a.get_ref().trim().trim_start_matches("@/").to_string();
                        (target, position_in_block(a.span()))
                    });
                    (fm.take_common(), fm.slug, PageKind::Prompts(PromptsSettings { alongside }))
                }
                KindName::Checklist => {
                    let mut fm: ChecklistFrontMatter = toml::from_str(block).map_err(toml_error)?;
                    let settings = checklist_settings(
                        fm.repeat.take(),
                        fm.days.take(),
                        path,
                        &position_in_block,
                        diagnostics,
                    );
                    (fm.take_common(), fm.slug, PageKind::Checklist(settings))
                }
            }
        }
    })
}

/// A slug becomes part of a web address: lowercase letters, digits, hyphens.
fn check_slug(path: &Path, slug: &str, position: Position, diagnostics: &mut Vec<Diagnostic>) {
    if !is_valid_slug(slug) {
        diagnostics.push(
            Diagnostic::error(
                path,
                position,
                format!("the slug {slug:?} cannot be used in a web address"),
            )
            .with_hint("use lowercase letters, digits and hyphens, e.g. slug = \"what-to-bring\""),
        );
    }
}

/// The fields sections and pages share, before validation.
struct RawCommon {
    title: Option<String>,
    description: Option<String>,
    weight: i64,
    draft: bool,
    template: Option<Spanned<String>>,
    updated: Option<Spanned<Datetime>>,
    reviewed: Option<Spanned<Datetime>>,
    extra: toml::Table,
}

impl RawCommon {
    fn into_meta(
        self,
        path: &Path,
        position_in_block: &dyn Fn(std::ops::Range<usize>) -> Position,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> CommonMeta {
        let title = self.title.unwrap_or_default().trim().to_string();
        if title.is_empty() {
            diagnostics.push(
                Diagnostic::error(path, Position::start(), "this page has no title")
                    .with_hint("add title = \"...\" between the +++ lines"),
            );
        } else if title.chars().all(is_invisible) {
            // Issue #16 item 11: "\u200b" passed while "" was refused, and
            // published a page with an empty heading, tab and link text.
            diagnostics.push(
                Diagnostic::error(path, Position::start(), "this page's title has only invisible characters (zero-width spaces or similar)")
                    .with_hint("write the title in words: title = \"...\""),
            );
        }
        let mut date = |value: Option<Spanned<Datetime>>, key: &str| -> Option<String> {
            let value = value?;
            match value.get_ref().date {
                Some(d) => Some(format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)),
                None => {
                    diagnostics.push(
                        Diagnostic::error(
                            path,
                            position_in_block(value.span()),
                            format!("{key} has a time but no date"),
                        )
                        .with_hint(format!("write a date without quotes, e.g. {key} = 2026-11-01")),
                    );
                    None
                }
            }
        };
        let updated = date(self.updated, "updated");
        let reviewed = date(self.reviewed, "reviewed");
        CommonMeta {
            title,
            description: self.description.unwrap_or_default().trim().to_string(),
            weight: self.weight,
            draft: self.draft,
            template: self
                .template
                .map(|t| (t.get_ref().trim().to_string(), position_in_block(t.span()))),
            updated,
            reviewed,
            extra: self.extra,
        }
    }
}

/// The kinds, before their own front matter is read.
enum KindName {
    Guidance,
    Prompts,
    Checklist,
}

fn read_kind(
    kind: Option<Spanned<String>>,
    path: &Path,
    position_in_block: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> Result<KindName, Vec<Diagnostic>> {
    let Some(kind) = kind else { return Ok(KindName::Guidance) };
    match kind.get_ref().as_str() {
        "page" => Ok(KindName::Guidance),
        "prompts" => Ok(KindName::Prompts),
        "checklist" => Ok(KindName::Checklist),
        other => {
            let hint = match crate::diagnostic::nearest_name(other, PageKind::NAMES) {
                Some(name) => format!("did you mean kind = \"{name}\"?"),
                None => format!("the kinds are: {}", PageKind::NAMES.join(", ")),
            };
            Err(vec![
                Diagnostic::error(
                    path,
                    position_in_block(kind.span()),
                    format!("unknown kind {other:?}"),
                )
                .with_hint(hint),
            ])
        }
    }
}

/// Reads `repeat = "daily"` and `days = N`.
fn checklist_settings(
    repeat: Option<Spanned<String>>,
    days: Option<Spanned<i64>>,
    path: &Path,
    position_in_block: &dyn Fn(std::ops::Range<usize>) -> Position,
    diagnostics: &mut Vec<Diagnostic>,
) -> ChecklistSettings {
    let daily = match &repeat {
        None => false,
        Some(r) if r.get_ref() == "daily" => true,
        Some(r) => {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    position_in_block(r.span()),
                    format!("unknown repeat {:?}", r.get_ref()),
                )
                .with_hint("write repeat = \"daily\" for a habit tracker, or leave repeat out"),
            );
            false
        }
    };
    let repeat_days = match days {
        None if daily => DEFAULT_REPEAT_DAYS,
        None => 0,
        Some(d) if !daily => {
            diagnostics.push(
                Diagnostic::error(
                    path,
                    position_in_block(d.span()),
                    "days only applies to a daily checklist",
                )
                .with_hint("add repeat = \"daily\", or remove days"),
            );
            0
        }
        Some(d) => match u32::try_from(*d.get_ref()) {
            Ok(n @ 1..=366) => n,
            _ => {
                diagnostics.push(
                    Diagnostic::error(
                        path,
                        position_in_block(d.span()),
                        format!("days = {} is out of range", d.get_ref()),
                    )
                    .with_hint("a daily checklist runs for 1 to 366 days"),
                );
                DEFAULT_REPEAT_DAYS
            }
        },
    };
    ChecklistSettings { repeat_days }
}

/// A character that shows nothing: white space, zero-width spaces and
/// joiners, direction marks, the soft hyphen, the byte-order mark.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
        )
}

fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && !slug.starts_with('.')
        && slug.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> SourceFile {
        SourceFile {
            content_path: path.into(),
            display_path: format!("content/{path}").into(),
            text: text.into(),
        }
    }

    #[test]
    fn splits_front_matter_and_counts_body_lines() {
        let split = split_front_matter("+++\ntitle = \"A\"\n+++\nBody\n").unwrap();
        assert_eq!(split.front_matter, "title = \"A\"\n");
        assert_eq!(split.body, "Body\n");
        assert_eq!(split.body_first_line, 4);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let split = split_front_matter("\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\nBody").unwrap();
        assert_eq!(split.body, "Body");
    }

    #[test]
    fn missing_and_unclosed_front_matter_are_errors() {
        assert!(split_front_matter("# Hello").is_err());
        assert!(split_front_matter("+++\ntitle = \"A\"\n").is_err());
        assert!(split_front_matter("").is_err());
        assert!(split_front_matter("+++").is_err());
    }

    #[test]
    fn parses_a_page() {
        let doc = parse_document(&file(
            "prepare/gather.md",
            "+++\ntitle = \"Gather\"\nweight = 5\nreviewed = 2026-11-01\n+++\nText",
        ))
        .unwrap();
        assert_eq!(doc.role, Role::Page);
        assert_eq!(doc.meta.title, "Gather");
        assert_eq!(doc.meta.weight, 5);
        assert_eq!(doc.meta.reviewed.as_deref(), Some("2026-11-01"));
        assert_eq!(doc.body_first_line, 6);
    }

    #[test]
    fn an_owned_file_gives_the_same_document_as_a_borrowed_one() {
        for text in [
            "+++\ntitle = \"A\"\n+++\nText\n",
            "\u{feff}+++\r\ntitle = \"A\"\r\n+++\r\n\r\nÉté, *été*.\r\n",
            "+++\ntitle = \"A\"\n+++",
            "+++\ntitle = \"A\"\nweight = 2\n+++\n\n## Heading\n\nLast line",
        ] {
            let borrowed = parse_document(&file("a.md", text)).unwrap();
            let owned = parse_document_owned(file("a.md", text)).unwrap();
            assert_eq!(owned.body, borrowed.body, "body of {text:?}");
            assert_eq!(owned.body_first_line, borrowed.body_first_line);
            assert_eq!(owned.meta.title, borrowed.meta.title);
        }
        assert_eq!(
            parse_document_owned(file("a.md", "+++\ntitle = \"A\"\n+++\nText\n")).unwrap().body,
            "Text\n"
        );
        let errors = parse_document_owned(file("a.md", "+++\ntitle = 1\n+++\n")).unwrap_err();
        assert_eq!(errors.len(), 1);
    }

    #[test]
    fn misspelled_key_is_reported_at_its_line() {
        let errors = parse_document(&file("a.md", "+++\ntitle = \"A\"\ndescripton = \"x\"\n+++\n"))
            .unwrap_err();
        assert_eq!(errors[0].position, Position::new(3, 1));
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `description`?"));
    }

    #[test]
    fn sections_do_not_take_a_slug() {
        let errors =
            parse_document(&file("a/_index.md", "+++\ntitle = \"A\"\nslug = \"x\"\n+++\n"))
                .unwrap_err();
        assert_eq!(errors[0].message, "unknown key `slug`");
    }

    #[test]
    fn unknown_kind_suggests_the_nearest() {
        let errors = parse_document(&file("a.md", "+++\ntitle = \"A\"\nkind = \"pgae\"\n+++\n"))
            .unwrap_err();
        assert_eq!(errors[0].position, Position::new(3, 8));
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean kind = \"page\"?"));
    }

    #[test]
    fn kinds_have_their_own_keys() {
        let doc = parse_document(&file(
            "a.md",
            "+++\ntitle = \"A\"\nkind = \"checklist\"\nrepeat = \"daily\"\n+++\n",
        ))
        .unwrap();
        assert_eq!(doc.kind, PageKind::Checklist(ChecklistSettings { repeat_days: 14 }));
        let errors = parse_document(&file("a.md", "+++\ntitle = \"A\"\nrepeat = \"daily\"\n+++\n"))
            .unwrap_err();
        assert_eq!(errors[0].message, "unknown key `repeat`");
        let doc = parse_document(&file(
            "a.md",
            "+++\ntitle = \"A\"\nkind = \"prompts\"\nalongside = \"b/c.md\"\n+++\n",
        ))
        .unwrap();
        let PageKind::Prompts(settings) = doc.kind else { panic!() };
        assert_eq!(settings.alongside, Some(("b/c.md".to_string(), Position::new(4, 13))));
    }

    #[test]
    fn days_need_a_daily_repeat_and_a_sane_range() {
        let errors = parse_document(&file(
            "a.md",
            "+++\ntitle = \"A\"\nkind = \"checklist\"\ndays = 3\n+++\n",
        ))
        .unwrap_err();
        assert_eq!(errors[0].message, "days only applies to a daily checklist");
        let errors = parse_document(&file(
            "a.md",
            "+++\ntitle = \"A\"\nkind = \"checklist\"\nrepeat = \"daily\"\ndays = 0\n+++\n",
        ))
        .unwrap_err();
        assert_eq!(errors[0].position, Position::new(5, 8));
    }

    #[test]
    fn blank_lines_and_yaml_front_matter_get_their_own_hints() {
        let (_, _, hint) = split_front_matter("\n\n+++\ntitle = \"A\"\n+++\n").unwrap_err();
        assert_eq!(
            hint,
            "remove the 2 blank lines before the first +++: it must be the file's first line"
        );
        let (_, _, hint) = split_front_matter("\n+++\ntitle = \"A\"\n+++\n").unwrap_err();
        assert!(hint.starts_with("remove the blank line before"), "{hint}");
        let (position, message, hint) =
            split_front_matter("---\ntitle: A\n---\nText\n").unwrap_err();
        assert_eq!(position, Position::new(1, 1));
        assert!(message.starts_with("this file has YAML front matter"), "{message}");
        assert!(hint.starts_with("replace both --- lines with +++"), "{hint}");
        let (_, message, _) = split_front_matter("# Hello\n").unwrap_err();
        assert_eq!(message, "the file does not start with front matter");
    }

    #[test]
    fn an_invisible_title_is_refused_like_an_empty_one() {
        for title in ["\\u200b", " \\u200b\\u200d ", "\\ufeff\\u00a0"] {
            let text = format!("+++\ntitle = \"{title}\"\n+++\n");
            let errors = parse_document(&file("a.md", &text)).unwrap_err();
            assert!(errors[0].message.contains("only invisible characters"), "{title}: {errors:?}");
        }
        assert!(parse_document(&file("a.md", "+++\ntitle = \"\\u200bA\"\n+++\n")).is_ok());
    }

    #[test]
    fn missing_title_is_an_error() {
        let errors = parse_document(&file("a.md", "+++\nweight = 1\n+++\n")).unwrap_err();
        assert_eq!(errors[0].message, "this page has no title");
    }

    #[test]
    fn bad_slug_is_an_error() {
        let errors =
            parse_document(&file("a.md", "+++\ntitle = \"A\"\nslug = \"a/b\"\n+++\n")).unwrap_err();
        assert_eq!(errors[0].position.line, 3);
    }
}
