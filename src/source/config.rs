//! `source::config::load_config`: reads `site.toml`, applies command-line
//! overrides, and validates everything once into a trusted [`Config`].
//!
//! Later stages never re-check configuration: a `Config` always has a
//! normalised base URL, an existing theme and valid colours.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Position, from_toml_errors};
use crate::error::BuildError;

/// The file name of a site's configuration.
pub const CONFIG_FILE: &str = "site.toml";

/// Settings given on the command line that win over `site.toml`.
#[derive(Debug, Clone, Default)]
pub struct ConfigOverrides {
    pub base_url: Option<String>,
    pub include_drafts: bool,
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site's folder (holds site.toml).
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute URL without a trailing slash, e.g. `https://guide.example/help`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending with `/`.
    pub base_path: String,
    /// The default language's code (`default_language`), e.g. `en`.
    pub language: String,
    /// Every language of the site, the default first, then the others of
    /// `[languages.*]` in code order. A site without `[languages]` has one.
    pub languages: Vec<Language>,
    pub theme: String,
    pub clinic: Clinic,
    pub safety: Safety,
    pub print: PrintSettings,
    /// What `carebook check` holds the content to.
    pub check: CheckSettings,
    /// `[offline]`: what the service worker saves on a first visit.
    pub offline: OfflineSettings,
    /// `[extra]`: anything the site's templates want (`site.extra`), passed
    /// as it is: the one table whose keys carebook does not check.
    pub extra: toml::Table,
    pub include_drafts: bool,
}

/// The `[check]` table: what `carebook check` holds the content to.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckSettings {
    /// The highest Flesch-Kincaid grade a page may have without a warning.
    pub max_grade: f64,
    /// How long a clinical review stays current.
    pub review_every_months: u32,
    /// Whether a page without `reviewed` gets a warning.
    pub require_reviewed: bool,
}

impl Default for CheckSettings {
    fn default() -> Self {
        CheckSettings { max_grade: 8.0, review_every_months: 12, require_reviewed: false }
    }
}

/// The `[offline]` table: what a patient's first visit saves on the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflineSettings {
    /// Published bytes of pages (and their images) the service worker
    /// precaches beyond the shell, journals and checklists: the current
    /// section first. A site whose pages fit is precached whole.
    pub precache_budget: u64,
}

/// 5 MB: a few hundred pages, a small download on a phone plan.
pub const DEFAULT_PRECACHE_BUDGET: u64 = 5_000_000;

impl Default for OfflineSettings {
    fn default() -> Self {
        OfflineSettings { precache_budget: DEFAULT_PRECACHE_BUDGET }
    }
}

/// Paper for printed worksheets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintSettings {
    /// `letter` or `A4`, as CSS `@page { size }` spells them.
    pub paper: String,
    /// A CSS length such as `15mm` or `0.6in`.
    pub margin: String,
}

impl Default for PrintSettings {
    fn default() -> Self {
        PrintSettings { paper: "letter".into(), margin: "15mm".into() }
    }
}

/// The clinic publishing the guide.
#[derive(Debug, Clone, Default)]
pub struct Clinic {
    pub name: String,
    /// Path of the logo inside `static/` and where site.toml names it; the
    /// asset stage checks that it exists.
    pub logo: Option<(String, Position)>,
    pub phone: String,
    pub address: String,
    pub colors: BrandColors,
}

/// Brand colours as `#rrggbb` strings; `None` keeps the theme's own.
#[derive(Debug, Clone, Default)]
pub struct BrandColors {
    pub primary: Option<String>,
    pub accent: Option<String>,
    /// Where site.toml sets each colour, for `carebook check`'s contrast
    /// errors.
    pub primary_position: Option<Position>,
    pub accent_position: Option<Position>,
}

/// One language of the site (`[languages.<code>]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// `en`, `es`, `pt-BR`.
    pub code: String,
    /// Shown in the language switcher, in the language itself ("Español").
    pub name: String,
    /// The site title and description in this language.
    pub title: String,
    pub description: String,
    /// True for right-to-left scripts (Arabic, Hebrew, Persian, Urdu).
    pub rtl: bool,
    /// The crisis information in this language.
    pub safety: Safety,
}

impl Language {
    /// `ltr` or `rtl`, for `dir="..."`.
    pub fn direction(&self) -> &'static str {
        if self.rtl { "rtl" } else { "ltr" }
    }
}

/// Crisis information shown on every page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Safety {
    pub title: String,
    pub text: String,
    pub phone: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: Spanned<String>,
    #[serde(default = "default_language")]
    default_language: Spanned<String>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    clinic: RawClinic,
    #[serde(default)]
    safety: RawSafety,
    #[serde(default)]
    print: RawPrint,
    #[serde(default)]
    check: RawCheck,
    #[serde(default)]
    offline: RawOffline,
    #[serde(default)]
    languages: std::collections::BTreeMap<String, Spanned<RawLanguage>>,
    #[serde(default)]
    extra: toml::Table,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    name: Option<String>,
    title: Option<String>,
    description: Option<String>,
    rtl: Option<bool>,
    #[serde(default)]
    safety: RawSafetyText,
}

/// `[languages.<code>.safety]`: the crisis text in that language; the
/// phone number stays the one of `[safety]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSafetyText {
    title: Option<String>,
    text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    max_grade: Option<Spanned<Number>>,
    review_every_months: Option<Spanned<i64>>,
    require_reviewed: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffline {
    precache_budget: Option<Spanned<Size>>,
}

/// A size: `"5 MB"`, `"500 KB"`, `"0"`, or a number of bytes.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Size {
    Bytes(i64),
    Text(String),
}

/// A TOML number: `max_grade = 8` and `max_grade = 8.5` both read.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
enum Number {
    Integer(i64),
    Float(f64),
}

impl Number {
    fn value(self) -> f64 {
        match self {
            Number::Integer(n) => n as f64,
            Number::Float(x) => x,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrint {
    paper: Option<Spanned<String>>,
    margin: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClinic {
    #[serde(default)]
    name: String,
    logo: Option<Spanned<String>>,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    colors: RawColors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColors {
    primary: Option<Spanned<String>>,
    accent: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSafety {
    #[serde(default = "default_safety_title")]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    phone: String,
}

fn default_language() -> Spanned<String> {
    Spanned::new(0..0, "en".to_string())
}

fn default_theme() -> String {
    "default".to_string()
}

fn default_safety_title() -> String {
    "If you need help now".to_string()
}

/// Reads and validates `<root>/site.toml`.
pub fn load_config(root: &Path, overrides: &ConfigOverrides) -> Result<Config, BuildError> {
    let path = root.join(CONFIG_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(BuildError::MissingConfig { root: root.to_path_buf() });
        }
        Err(source) => return Err(BuildError::Read { path, source }),
    };
    // Reported like a content file's, with the line and column of the
    // first byte that is not UTF-8 (issue #15).
    let text = String::from_utf8(bytes).map_err(|err| {
        BuildError::Content(vec![crate::source::files::not_utf8(
            Path::new(CONFIG_FILE),
            err.as_bytes(),
        )])
    })?;
    parse_config(root, &text, overrides).map_err(BuildError::Content)
}

/// Parses and validates the text of a `site.toml`; pure, for tests.
pub fn parse_config(
    root: &Path,
    text: &str,
    overrides: &ConfigOverrides,
) -> Result<Config, Vec<Diagnostic>> {
    let file = Path::new(CONFIG_FILE);
    let raw: RawConfig =
        toml::from_str(text).map_err(|err| from_toml_errors(file, text, 1, &err))?;
    let mut diagnostics = Vec::new();
    let position_of = |span: std::ops::Range<usize>| Position::of_offset(text, span.start);

    let (base_url, base_path) =
        read_base_url(&raw.base_url, overrides, &mut diagnostics, &position_of);
    let language = read_default_language(&raw.default_language, &mut diagnostics, &position_of);
    let colors = read_colours(raw.clinic.colors, &mut diagnostics, &position_of);

    let safety = Safety { title: raw.safety.title, text: raw.safety.text, phone: raw.safety.phone };
    let languages = read_languages(
        &language,
        raw.languages,
        (raw.title.trim(), raw.description.trim(), &safety),
        &mut diagnostics,
        &position_of,
    );
    let print = read_print(raw.print, &mut diagnostics, &position_of);
    let check = read_check(raw.check, &mut diagnostics, &position_of);
    let offline = read_offline(raw.offline, &mut diagnostics, &position_of);
    if raw.title.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(file, Position::start(), "the site title is empty")
                .with_hint("set title = \"...\" in site.toml"),
        );
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }

    Ok(Config {
        root: root.to_path_buf(),
        title: raw.title.trim().to_string(),
        description: raw.description.trim().to_string(),
        base_url,
        base_path,
        language,
        languages,
        theme: raw.theme,
        clinic: Clinic {
            name: raw.clinic.name,
            logo: raw.clinic.logo.map(|l| {
                (l.get_ref().trim().trim_start_matches('/').to_string(), position_of(l.span()))
            }),
            phone: raw.clinic.phone,
            address: raw.clinic.address,
            colors,
        },
        safety,
        print,
        check,
        offline,
        extra: raw.extra,
        include_drafts: overrides.include_drafts,
    })
}

impl Config {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    /// The default output folder, `public/` beside site.toml.
    pub fn default_output_dir(&self) -> PathBuf {
        self.root.join("public")
    }

    /// The default language.
    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    /// The language of `code`, if the site declares it.
    pub fn language_of(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// Where a language's pages start: the base path for the default
    /// language, `<base path><code>/` for the others (`/es/`).
    pub fn language_base_path(&self, code: &str) -> String {
        if code == self.language {
            self.base_path.clone()
        } else {
            format!("{}{code}/", self.base_path)
        }
    }

    /// The absolute URL of a site path such as `/prepare/`.
    pub fn permalink(&self, url: &str) -> String {
        let origin_end = self.base_url.len() - (self.base_path.len() - 1);
        format!("{}{}", &self.base_url[..origin_end], url)
    }
}

/// Names for the switcher when `[languages.<code>]` gives none: each
/// language in its own words, since that is how a reader looks for it.
const LANGUAGE_NAMES: &[(&str, &str)] = &[
    ("ar", "العربية"),
    ("de", "Deutsch"),
    ("en", "English"),
    ("es", "Español"),
    ("fa", "فارسی"),
    ("fr", "Français"),
    ("he", "עברית"),
    ("it", "Italiano"),
    ("ko", "한국어"),
    ("pt", "Português"),
    ("ru", "Русский"),
    ("tl", "Tagalog"),
    ("ur", "اردو"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
];

/// Scripts written right to left, for `rtl` when the table does not say.
const RTL_LANGUAGES: &[&str] = &["ar", "fa", "he", "ps", "ur", "yi"];

/// Reads `[languages.*]` into the site's languages, the default first.
fn read_languages(
    default: &str,
    raw: std::collections::BTreeMap<String, Spanned<RawLanguage>>,
    (title, description, safety): (&str, &str, &Safety),
    diagnostics: &mut Vec<Diagnostic>,
    position_of: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> Vec<Language> {
    let file = Path::new(CONFIG_FILE);
    let make = |code: &str, raw: RawLanguage| {
        let primary = code.split('-').next().unwrap_or(code);
        let name = raw.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        let known = LANGUAGE_NAMES.iter().find(|(c, _)| *c == primary).map(|(_, n)| n.to_string());
        Language {
            code: code.to_string(),
            name: name.or(known).unwrap_or_else(|| code.to_string()),
            title: raw.title.map_or_else(|| title.to_string(), |t| t.trim().to_string()),
            description: raw
                .description
                .map_or_else(|| description.to_string(), |d| d.trim().to_string()),
            rtl: raw.rtl.unwrap_or(RTL_LANGUAGES.contains(&primary)),
            safety: Safety {
                title: raw.safety.title.unwrap_or_else(|| safety.title.clone()),
                text: raw.safety.text.unwrap_or_else(|| safety.text.clone()),
                phone: safety.phone.clone(),
            },
        }
    };
    let mut languages = Vec::new();
    let mut default_table = None;
    for (code, table) in raw {
        let span = table.span();
        if code == default {
            default_table = Some(table.into_inner());
        } else if is_language_tag(&code) {
            languages.push(make(&code, table.into_inner()));
        } else {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    position_of(span),
                    format!("[languages.{code}]: {code:?} is not a language code"),
                )
                .with_hint("use a code like \"es\", \"fr\" or \"pt-BR\", e.g. [languages.es]"),
            );
        }
    }
    languages.insert(0, make(default, default_table.unwrap_or_default()));
    languages
}

/// `base_url` from the command line or site.toml, and its path (`/guide/`).
fn read_base_url(
    raw: &Spanned<String>,
    overrides: &ConfigOverrides,
    diagnostics: &mut Vec<Diagnostic>,
    position_of: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> (String, String) {
    let file = Path::new(CONFIG_FILE);
    let (base_url_text, base_url_position) = match &overrides.base_url {
        Some(url) => (url.clone(), Position::start()),
        None => (raw.get_ref().clone(), position_of(raw.span())),
    };
    match normalise_base_url(&base_url_text) {
        Ok(parts) => parts,
        Err(reason) => {
            diagnostics.push(
                Diagnostic::error(file, base_url_position, format!("base_url {base_url_text:?} {reason}"))
                    .with_hint("write the full address where the site will be published, e.g. \"https://guide.example.org\""),
            );
            (String::new(), "/".to_string())
        }
    }
}

/// `default_language`, which must be a language tag.
fn read_default_language(
    raw: &Spanned<String>,
    diagnostics: &mut Vec<Diagnostic>,
    position_of: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> String {
    let language = raw.get_ref().trim().to_string();
    if !is_language_tag(&language) {
        diagnostics.push(
            Diagnostic::error(
                Path::new(CONFIG_FILE),
                position_of(raw.span()),
                format!("default_language {language:?} is not a language code"),
            )
            .with_hint("use a code like \"en\", \"es\" or \"pt-BR\""),
        );
    }
    language
}

/// `[clinic.colors]`: hex codes, expanded to six digits, with where each
/// was written (for the contrast check's messages).
fn read_colours(
    raw: RawColors,
    diagnostics: &mut Vec<Diagnostic>,
    position_of: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> BrandColors {
    let mut colour = |value: Option<Spanned<String>>, key: &str| -> Option<String> {
        let value = value?;
        let text_value = value.get_ref().trim().to_ascii_lowercase();
        if is_hex_colour(&text_value) {
            Some(expand_hex_colour(&text_value))
        } else {
            diagnostics.push(
                Diagnostic::error(
                    Path::new(CONFIG_FILE),
                    position_of(value.span()),
                    format!("clinic.colors.{key} {:?} is not a colour", value.get_ref()),
                )
                .with_hint("write colours as hex codes like \"#1d5c7a\""),
            );
            None
        }
    };
    let primary_position = raw.primary.as_ref().map(|c| position_of(c.span()));
    let accent_position = raw.accent.as_ref().map(|c| position_of(c.span()));
    BrandColors {
        primary: colour(raw.primary, "primary"),
        accent: colour(raw.accent, "accent"),
        primary_position,
        accent_position,
    }
}

/// Reads `[print]`: paper `letter` or `a4`, and a margin with a unit.
fn read_print(
    raw: RawPrint,
    diagnostics: &mut Vec<Diagnostic>,
    position_of: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> PrintSettings {
    let file = Path::new(CONFIG_FILE);
    let mut print = PrintSettings::default();
    if let Some(paper) = raw.paper {
        match paper.get_ref().trim().to_ascii_lowercase().as_str() {
            "letter" => print.paper = "letter".into(),
            "a4" => print.paper = "A4".into(),
            other => diagnostics.push(
                Diagnostic::error(
                    file,
                    position_of(paper.span()),
                    format!("print paper {other:?} is not supported"),
                )
                .with_hint("use paper = \"letter\" or paper = \"a4\""),
            ),
        }
    }
    if let Some(margin) = raw.margin {
        let value = margin.get_ref().trim().to_ascii_lowercase();
        if is_css_length(&value) {
            print.margin = value;
        } else {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    position_of(margin.span()),
                    format!("print margin {value:?} is not a length"),
                )
                .with_hint("write a number with a unit, e.g. \"15mm\", \"1.5cm\" or \"0.6in\""),
            );
        }
    }
    print
}

/// Reads `[check]`: a grade between 1 and 20, a review period in months.
fn read_check(
    raw: RawCheck,
    diagnostics: &mut Vec<Diagnostic>,
    position_of: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> CheckSettings {
    let file = Path::new(CONFIG_FILE);
    let mut check = CheckSettings::default();
    if let Some(grade) = raw.max_grade {
        let value = grade.get_ref().value();
        if (1.0..=20.0).contains(&value) {
            check.max_grade = value;
        } else {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    position_of(grade.span()),
                    format!("check.max_grade {value} is not a school grade"),
                )
                .with_hint("use a US school grade between 1 and 20; 8 suits most patient guidance"),
            );
        }
    }
    if let Some(months) = raw.review_every_months {
        match u32::try_from(*months.get_ref()) {
            Ok(n @ 1..=120) => check.review_every_months = n,
            _ => diagnostics.push(
                Diagnostic::error(
                    file,
                    position_of(months.span()),
                    format!("check.review_every_months {} is not a period", months.get_ref()),
                )
                .with_hint("use a number of months between 1 and 120, e.g. 12 for once a year"),
            ),
        }
    }
    if let Some(required) = raw.require_reviewed {
        check.require_reviewed = required;
    }
    check
}

/// Reads `[offline]`: a precache budget in bytes, kB, MB or GB.
fn read_offline(
    raw: RawOffline,
    diagnostics: &mut Vec<Diagnostic>,
    position_of: &dyn Fn(std::ops::Range<usize>) -> Position,
) -> OfflineSettings {
    let mut offline = OfflineSettings::default();
    let Some(budget) = raw.precache_budget else { return offline };
    let bytes = match budget.get_ref() {
        Size::Bytes(n) => u64::try_from(*n).ok(),
        Size::Text(text) => parse_size(text),
    };
    match bytes {
        Some(bytes) => offline.precache_budget = bytes,
        None => {
            let written = match budget.get_ref() {
                Size::Bytes(n) => n.to_string(),
                Size::Text(text) => format!("{text:?}"),
            };
            diagnostics.push(
                Diagnostic::error(
                    Path::new(CONFIG_FILE),
                    position_of(budget.span()),
                    format!("offline.precache_budget {written} is not a size"),
                )
                .with_hint(
                    "write a size such as \"5 MB\", \"500 KB\" or \"0\" (only the pages \
                     every patient needs: the home pages, journals and checklists)",
                ),
            );
        }
    }
    offline
}

/// `"5 MB"`, `"2.5MB"`, `"500 kB"`, `"1 GB"`, `"1200 B"`, `"0"`: decimal
/// units, as file managers and phone plans count; `None` for anything else.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok().filter(|n: &f64| n.is_finite())?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        _ => return None,
    };
    // A bare number is bytes; a fraction of a byte is not a size.
    if unit.trim().is_empty() && number.fract() != 0.0 {
        return None;
    }
    Some((number * factor).round() as u64)
}

fn is_css_length(value: &str) -> bool {
    ["mm", "cm", "in", "pt"].iter().any(|unit| {
        // Anything above 50 of any unit would leave no room to write.
        value
            .strip_suffix(unit)
            .is_some_and(|n| n.parse::<f64>().is_ok_and(|n| (0.0..=50.0).contains(&n)))
    })
}

/// Splits `https://host/path/` into (`https://host/path`, `/path/`).
fn normalise_base_url(url: &str) -> Result<(String, String), &'static str> {
    let url = url.trim();
    let after_scheme = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with https:// or http://")?;
    if url.contains(char::is_whitespace) || url.contains(['?', '#']) {
        return Err("must be a plain address without spaces, ? or #");
    }
    let (host, path) = match after_scheme.find('/') {
        Some(i) => after_scheme.split_at(i),
        None => (after_scheme, ""),
    };
    if host.is_empty() {
        return Err("has no host name");
    }
    let path = path.trim_end_matches('/');
    let scheme_len = url.len() - after_scheme.len();
    let base_url = format!("{}{host}{path}", &url[..scheme_len]);
    Ok((base_url, format!("{path}/")))
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn is_hex_colour(value: &str) -> bool {
    let Some(digits) = value.strip_prefix('#') else { return false };
    matches!(digits.len(), 3 | 6) && digits.chars().all(|c| c.is_ascii_hexdigit())
}

/// `#abc` becomes `#aabbcc`, so later contrast checks read one form.
fn expand_hex_colour(value: &str) -> String {
    if value.len() == 4 {
        let mut out = String::from("#");
        for c in value[1..].chars() {
            out.push(c);
            out.push(c);
        }
        out
    } else {
        value.to_string()
    }
}

/// What a build is for. A preview (`serve`, `check`) skips the service
/// worker and indexing the pages for search: its pages never register the
/// worker, its search indexes are built when first fetched, and the two
/// are much of the time of a rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `carebook build`: with the service worker and the search indexes.
    Publish,
    /// `carebook serve`: as rendered, without the service worker, the search
    /// indexes deferred (`PreviewParts::deferred_search`).
    Preview,
    /// `carebook check`: a preview that writes nothing, not even the cache
    /// of resized images.
    Check,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        parse_config(Path::new("/site"), text, &ConfigOverrides::default())
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let config = parse("title = \"Guide\"\nbase_url = \"https://example.org/\"\n").unwrap();
        assert_eq!(config.base_url, "https://example.org");
        assert_eq!(config.base_path, "/");
        assert_eq!(config.language, "en");
        assert_eq!(config.theme, "default");
        assert_eq!(config.permalink("/a/"), "https://example.org/a/");
    }

    #[test]
    fn base_url_with_a_path_sets_the_base_path() {
        let config =
            parse("title = \"Guide\"\nbase_url = \"https://example.org/help/\"\n").unwrap();
        assert_eq!(config.base_url, "https://example.org/help");
        assert_eq!(config.base_path, "/help/");
        assert_eq!(config.permalink("/help/a/"), "https://example.org/help/a/");
    }

    #[test]
    fn unknown_key_in_a_table_is_reported_with_its_line() {
        let errors = parse("title = \"G\"\nbase_url = \"https://e.org\"\n[clinic]\nnmae = \"X\"\n")
            .unwrap_err();
        assert_eq!(errors[0].message, "unknown key `nmae`");
        assert_eq!(errors[0].position, Position::new(4, 1));
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `name`?"));
    }

    #[test]
    fn bad_colour_and_bad_url_are_both_reported() {
        let text =
            "title = \"G\"\nbase_url = \"example.org\"\n[clinic.colors]\nprimary = \"blue\"\n";
        let errors = parse(text).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].position.line, 2);
        assert_eq!(errors[1].position.line, 4);
    }

    #[test]
    fn short_hex_colours_are_expanded() {
        let config = parse(
            "title = \"G\"\nbase_url = \"https://e.org\"\n[clinic.colors]\nprimary = \"#1A5\"\n",
        )
        .unwrap();
        assert_eq!(config.clinic.colors.primary.as_deref(), Some("#11aa55"));
    }

    #[test]
    fn print_settings_are_read_and_checked() {
        let config =
            parse("title = \"G\"\nbase_url = \"https://e.org\"\n[print]\npaper = \"A4\"\nmargin = \"12mm\"\n").unwrap();
        assert_eq!(config.print, PrintSettings { paper: "A4".into(), margin: "12mm".into() });
        let errors =
            parse("title = \"G\"\nbase_url = \"https://e.org\"\n[print]\npaper = \"legal\"\nmargin = \"wide\"\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].position, Position::new(4, 9));
    }

    #[test]
    fn check_settings_have_defaults() {
        let config = parse("title = \"G\"\nbase_url = \"https://e.org\"\n").unwrap();
        assert_eq!(config.check, CheckSettings::default());
        assert_eq!(config.check.max_grade, 8.0);
        assert_eq!(config.check.review_every_months, 12);
        assert!(!config.check.require_reviewed);
    }

    #[test]
    fn check_settings_are_read() {
        let config = parse(
            "title = \"G\"\nbase_url = \"https://e.org\"\n[check]\nmax_grade = 7\nreview_every_months = 6\nrequire_reviewed = true\n",
        )
        .unwrap();
        let expected =
            CheckSettings { max_grade: 7.0, review_every_months: 6, require_reviewed: true };
        assert_eq!(config.check, expected);
        let config =
            parse("title = \"G\"\nbase_url = \"https://e.org\"\n[check]\nmax_grade = 6.5\n")
                .unwrap();
        assert_eq!(config.check.max_grade, 6.5);
    }

    #[test]
    fn check_settings_are_validated() {
        let errors = parse(
            "title = \"G\"\nbase_url = \"https://e.org\"\n[check]\nmax_grade = 40\nreview_every_months = 0\n",
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].position, Position::new(4, 13));
        assert_eq!(errors[1].position.line, 5);
        let errors = parse("title = \"G\"\nbase_url = \"https://e.org\"\n[check]\nmax_grde = 7\n")
            .unwrap_err();
        assert_eq!(errors[0].message, "unknown key `max_grde`");
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `max_grade`?"));
    }

    #[test]
    fn offline_budget_has_a_default_and_reads_sizes() {
        let base = "title = \"G\"\nbase_url = \"https://e.org\"\n";
        assert_eq!(parse(base).unwrap().offline.precache_budget, 5_000_000);
        for (written, bytes) in [
            ("\"5 MB\"", 5_000_000),
            ("\"2.5MB\"", 2_500_000),
            ("\"500 kB\"", 500_000),
            ("\"1 GB\"", 1_000_000_000),
            ("\"0\"", 0),
            ("0", 0),
            ("12000", 12_000),
        ] {
            let config = parse(&format!("{base}[offline]\nprecache_budget = {written}\n")).unwrap();
            assert_eq!(config.offline.precache_budget, bytes, "{written}");
        }
    }

    #[test]
    fn offline_budget_that_is_no_size_is_an_error_with_its_line() {
        let base = "title = \"G\"\nbase_url = \"https://e.org\"\n[offline]\n";
        for written in ["\"5 MiB\"", "\"lots\"", "-1", "\"\"", "\"1.5\""] {
            let errors = parse(&format!("{base}precache_budget = {written}\n")).unwrap_err();
            assert_eq!(errors.len(), 1, "{written}");
            assert_eq!(errors[0].position, Position::new(4, 19), "{written}");
            assert!(errors[0].message.starts_with("offline.precache_budget "), "{written}");
            assert!(errors[0].message.ends_with(" is not a size"), "{written}");
        }
        let errors = parse(&format!("{base}budget = \"5 MB\"\n")).unwrap_err();
        assert_eq!(errors[0].message, "unknown key `budget`");
    }

    #[test]
    fn colour_positions_are_kept() {
        let config = parse(
            "title = \"G\"\nbase_url = \"https://e.org\"\n[clinic.colors]\naccent = \"#9a4a0c\"\n",
        )
        .unwrap();
        assert_eq!(config.clinic.colors.accent_position, Some(Position::new(4, 10)));
        assert_eq!(config.clinic.colors.primary_position, None);
    }

    #[test]
    fn command_line_base_url_wins() {
        let overrides = ConfigOverrides {
            base_url: Some("http://127.0.0.1:8000".into()),
            include_drafts: false,
        };
        let config = parse_config(
            Path::new("/s"),
            "title = \"G\"\nbase_url = \"https://e.org\"\n",
            &overrides,
        )
        .unwrap();
        assert_eq!(config.base_url, "http://127.0.0.1:8000");
    }
}
