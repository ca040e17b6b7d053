//! Languages, across stages: which content files are translations, and the
//! theme's words in each language.
//!
//! - Content (`parse`): `prepare/gather.es.md` is the Spanish translation of
//!   `prepare/gather.md`. [`split_translations`] takes translations out of
//!   the parsed documents, gives them their original's content path (so
//!   links, `alongside`, shortcodes and worksheet storage ids are the same
//!   in every language) and reports translations of nothing and
//!   translations into undeclared languages.
//! - Theme words (`discover` reads, `render_site` uses): a theme's
//!   `i18n/<code>.toml` holds every string its templates and scripts show,
//!   as flat dotted keys (`[nav] next = "Next"` is `nav.next`). A site's own
//!   `i18n/<code>.toml` replaces single keys. [`load_ui_text`] fills a
//!   language's missing keys from the default language (a warning each) so
//!   rendering never lacks a word; a key missing from the default language
//!   is a render error naming the template and the key.
//!
//! Templates read the words with `{{ t(key="nav.next") }}`; any other
//! argument fills a `{name}` placeholder: `t(key="pack.title", section=x)`.
//! Keys under `js.` are also handed to the scripts as JSON (see
//! [`UiText::script_json`]), without the `js.` prefix.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use crate::content::frontmatter::ParsedDoc;
use crate::diagnostic::{Diagnostic, Position, from_toml_error};
use crate::source::config::Config;
use crate::source::files::{ReadWords, TextFile};

/// One language's theme words, complete (missing keys filled from the
/// default language), keyed `group.name`.
#[derive(Debug, Clone, Default)]
pub struct UiText {
    pub language: String,
    pub strings: Arc<BTreeMap<String, String>>,
    /// Where the default language's words come from, for error messages.
    pub default_file: String,
}

/// Reads every language's words. `files` are in override order: the
/// theme's first, then the site's. Returns one [`UiText`] per language of
/// the site, in the order of `config.languages`, and the problems found.
pub fn load_ui_text(config: &Config, files: &[TextFile]) -> (Vec<UiText>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let (mut by_language, file_of) = read_text_files(files, &mut diagnostics);
    let default = config.language.as_str();
    // Only other languages need a copy of the default language's words.
    let default_strings = match config.languages.as_slice() {
        [only] if only.code == default => BTreeMap::new(),
        _ => by_language.get(default).cloned().unwrap_or_default(),
    };
    let default_file = file_of
        .get(default)
        .map_or_else(|| format!("i18n/{default}.toml"), |p| p.display().to_string());
    let mut texts = Vec::new();
    for language in &config.languages {
        let code = language.code.as_str();
        let mut strings = by_language.remove(code).unwrap_or_default();
        if code != default {
            match file_of.get(code) {
                None if !default_strings.is_empty() => diagnostics.push(
                    Diagnostic::warning(
                        format!("themes/{}/i18n/{code}.toml", config.theme),
                        Position::start(),
                        format!(
                            "the theme has no words for {code} ({}): its buttons and messages are shown in {default}",
                            language.name
                        ),
                    )
                    .with_hint(format!(
                        "copy {default_file} to i18n/{code}.toml in your site and translate it"
                    )),
                ),
                None => {}
                Some(path) => {
                    for key in default_strings.keys().filter(|k| !strings.contains_key(*k)) {
                        diagnostics.push(
                            Diagnostic::warning(
                                *path,
                                Position::start(),
                                format!("the text key `{key}` has no {code} translation: the {default} text is shown"),
                            )
                            .with_hint(format!("add `{key}` to i18n/{code}.toml (see {default_file})")),
                        );
                    }
                }
            }
            for (key, text) in &default_strings {
                strings.entry(key.clone()).or_insert_with(|| text.clone());
            }
        }
        texts.push(UiText {
            language: code.to_string(),
            strings: Arc::new(strings),
            default_file: default_file.clone(),
        });
    }
    (texts, diagnostics)
}

/// Flat `group.name` keys to words.
type Words = BTreeMap<String, String>;

/// Every file's words by language, later files replacing single keys, and
/// the last file read for each language.
fn read_text_files<'a>(
    files: &'a [TextFile],
    diagnostics: &mut Vec<Diagnostic>,
) -> (BTreeMap<&'a str, Words>, BTreeMap<&'a str, &'a Path>) {
    let mut by_language: BTreeMap<&str, Words> = BTreeMap::new();
    let mut file_of: BTreeMap<&str, &Path> = BTreeMap::new();
    for file in files {
        let Some(strings) = read_text_file(file, diagnostics) else { continue };
        match by_language.entry(file.language.as_str()) {
            Entry::Vacant(entry) => {
                entry.insert(strings);
            }
            Entry::Occupied(mut entry) => entry.get_mut().extend(strings),
        }
        file_of.insert(file.language.as_str(), file.display_path.as_path());
    }
    (by_language, file_of)
}

/// Reads one file into flat `group.name` keys; values must be strings.
/// The first reading of a file is kept in it ([`TextFile::read`]) and
/// given again while its text is unchanged.
fn read_text_file(
    file: &TextFile,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<BTreeMap<String, String>> {
    let fresh;
    let read = match file.read.get() {
        Some(read) if read.text == file.text => read,
        Some(_) => {
            fresh = parse_text_file(file);
            &fresh
        }
        None => file.read.get_or_init(|| parse_text_file(file)),
    };
    diagnostics.extend(read.diagnostics.iter().cloned());
    read.strings.clone()
}

fn parse_text_file(file: &TextFile) -> ReadWords {
    let read = |strings, diagnostics| ReadWords { text: file.text.clone(), strings, diagnostics };
    let table: toml::Table = match toml::from_str(&file.text) {
        Ok(table) => table,
        Err(err) => {
            return read(None, vec![from_toml_error(&file.display_path, &file.text, 1, &err)]);
        }
    };
    let mut strings = BTreeMap::new();
    let mut bad = Vec::new();
    flatten("", &table, &mut strings, &mut bad);
    let diagnostics = bad
        .into_iter()
        .map(|key| {
            Diagnostic::error(
                &file.display_path,
                Position::start(),
                format!("the text key `{key}` is not a string"),
            )
            .with_hint("write every text in quotes: key = \"The words\"")
        })
        .collect();
    read(Some(strings), diagnostics)
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut BTreeMap<String, String>,
    bad: &mut Vec<String>,
) {
    for (key, value) in table {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::String(text) => {
                out.insert(full, text.clone());
            }
            toml::Value::Table(inner) => flatten(&full, inner, out, bad),
            _ => bad.push(full),
        }
    }
}

impl UiText {
    /// The words of `key`, with `{name}` placeholders filled from `args`.
    pub fn format(&self, key: &str, args: &[(&str, &str)]) -> Result<String, String> {
        let text = self.strings.get(key).ok_or_else(|| {
            format!("the text key \"{key}\" is not in {}; add it there", self.default_file)
        })?;
        let mut out = text.clone();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        Ok(out)
    }

    /// The `js.*` keys as a JSON object (prefix removed), safe inside a
    /// `<script type="application/json">` element: `<` is escaped, so no
    /// text can close the element.
    pub fn script_json(&self) -> String {
        let scripts: BTreeMap<&str, &str> = self
            .strings
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("js.").map(|k| (k, v.as_str())))
            .collect();
        serde_json::to_string(&scripts).unwrap_or_else(|_| "{}".into()).replace('<', "\\u003c")
    }
}

/// The template function `t(key="...", name=value...)`.
pub struct TextFunction(pub UiText);

impl tera::Function for TextFunction {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let Some(key) = args.get("key").and_then(tera::Value::as_str) else {
            return Err(tera::Error::msg("t() needs a key: t(key=\"nav.next\")"));
        };
        let values: Vec<(&str, String)> = args
            .iter()
            .filter(|(name, _)| name.as_str() != "key")
            .map(|(name, value)| {
                let text = match value {
                    tera::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (name.as_str(), text)
            })
            .collect();
        let pairs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        self.0.format(key, &pairs).map(tera::Value::String).map_err(tera::Error::msg)
    }
}

/// A file name's language suffix: `gather.es.md` -> (`gather.md`, `es`).
/// A suffix counts as a language if it is two lowercase letters, a
/// declared language, or a tag with a region (`pt-br`, `pt-BR`); so
/// `notes.old.md` stays an ordinary page unless `old` is declared.
pub fn translation_suffix<'a>(
    content_path: &'a str,
    declared: &[&str],
) -> Option<(String, &'a str)> {
    let (dir, file) = match content_path.rsplit_once('/') {
        Some((dir, file)) => (Some(dir), file),
        None => (None, content_path),
    };
    let stem = file.strip_suffix(".md")?;
    let (name, code) = stem.rsplit_once('.')?;
    if name.is_empty() || !looks_like_language(code, declared) {
        return None;
    }
    let original = match dir {
        Some(dir) => format!("{dir}/{name}.md"),
        None => format!("{name}.md"),
    };
    Some((original, code))
}

fn looks_like_language(code: &str, declared: &[&str]) -> bool {
    if declared.contains(&code) {
        return true;
    }
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    let region: Vec<&str> = parts.collect();
    let primary_ok = primary.chars().all(|c| c.is_ascii_lowercase());
    match region.as_slice() {
        [] => primary.len() == 2 && primary_ok,
        [region] => {
            (2..=3).contains(&primary.len())
                && primary_ok
                && (2..=4).contains(&region.len())
                && region.chars().all(|c| c.is_ascii_alphanumeric())
        }
        _ => false,
    }
}

/// The documents of every language: the default language's own, and for
/// each other language its translations by original content path.
#[derive(Debug, Default)]
pub struct LanguageDocs {
    pub originals: Vec<ParsedDoc>,
    /// language code -> original content path -> translation (its
    /// `content_path` already the original's).
    pub translations: BTreeMap<String, BTreeMap<String, ParsedDoc>>,
}

/// Takes the translations out of `docs`. `all_paths` are the content paths
/// of every file found (drafts and files that failed to parse included),
/// so a translation of a draft is skipped quietly rather than reported as a
/// translation of nothing.
pub fn split_translations(
    docs: Vec<ParsedDoc>,
    all_paths: &[&str],
    config: &Config,
) -> (LanguageDocs, Vec<Diagnostic>) {
    let declared: Vec<&str> = config.languages.iter().map(|l| l.code.as_str()).collect();
    let mut result = LanguageDocs::default();
    let mut diagnostics = Vec::new();
    let mut found = Vec::new();
    for mut doc in docs {
        let Some((original, code)) = translation_suffix(&doc.content_path, &declared) else {
            result.originals.push(doc);
            continue;
        };
        let code = code.to_string();
        let known = Known { config, declared: &declared, all_paths };
        match translation_problem(&doc, &original, &code, &known) {
            Some(problem) => diagnostics.push(problem),
            None => {
                doc.content_path = original;
                found.push((code, doc));
            }
        }
    }
    let originals: std::collections::HashSet<&str> =
        result.originals.iter().map(|d| d.content_path.as_str()).collect();
    for (code, doc) in found {
        // The original is a draft or did not parse: nothing to translate.
        if originals.contains(doc.content_path.as_str()) {
            result.translations.entry(code).or_default().insert(doc.content_path.clone(), doc);
        }
    }
    (result, diagnostics)
}

/// What the site says about a translation: the default language's own
/// code, and the site's declared languages and files.
struct Known<'a> {
    config: &'a Config,
    declared: &'a [&'a str],
    all_paths: &'a [&'a str],
}

/// Why `doc`, a translation of `original` into `code`, cannot be used, if
/// it cannot: the suffix is the default language's, or a language not
/// declared, or the original does not exist.
fn translation_problem(
    doc: &ParsedDoc,
    original: &str,
    code: &str,
    known: &Known,
) -> Option<Diagnostic> {
    let Known { config, declared, all_paths } = *known;
    if code == config.language {
        Some(
            Diagnostic::error(
                &doc.display_path,
                Position::start(),
                format!("{code} is the site's default language: its pages need no .{code} suffix"),
            )
            .with_hint(format!("rename it to {original}, or give it another language's suffix")),
        )
    } else if !declared.contains(&code) {
        Some(
            Diagnostic::error(
                &doc.display_path,
                Position::start(),
                format!("this is a translation into {code}, a language the site does not declare"),
            )
            .with_hint(format!(
                "add [languages.{code}] with name = \"...\" to site.toml, or rename the file"
            )),
        )
    } else if !all_paths.contains(&original) {
        Some(
            Diagnostic::error(
                &doc.display_path,
                Position::start(),
                format!("this translates content/{original}, which does not exist"),
            )
            .with_hint(format!(
                "a translation sits beside the page it translates: create content/{original} in {}, or rename this file",
                config.language
            )),
        )
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::config::{ConfigOverrides, parse_config};

    fn config(extra: &str) -> Config {
        let text = format!("title = \"G\"\nbase_url = \"https://e.org\"\n{extra}");
        parse_config(Path::new("/s"), &text, &ConfigOverrides::default()).unwrap()
    }

    fn file(language: &str, text: &str) -> TextFile {
        TextFile::new(language, format!("themes/default/i18n/{language}.toml").into(), text.into())
    }

    #[test]
    fn suffixes_name_languages() {
        assert_eq!(
            translation_suffix("prepare/gather.es.md", &[]),
            Some(("prepare/gather.md".into(), "es"))
        );
        assert_eq!(translation_suffix("_index.es.md", &[]), Some(("_index.md".into(), "es")));
        assert_eq!(translation_suffix("a/b.pt-BR.md", &[]), Some(("a/b.md".into(), "pt-BR")));
        assert_eq!(translation_suffix("notes.old.md", &[]), None);
        assert_eq!(translation_suffix("notes.fil.md", &["fil"]), Some(("notes.md".into(), "fil")));
        assert_eq!(translation_suffix("v1.2.md", &[]), None);
        assert_eq!(translation_suffix("gather.md", &[]), None);
        assert_eq!(translation_suffix(".es.md", &[]), None);
    }

    #[test]
    fn missing_keys_fall_back_to_the_default_language_with_a_warning() {
        let config = config("[languages.es]\nname = \"Español\"\n");
        let files = [
            file("en", "[nav]\nnext = \"Next\"\nprevious = \"Previous\"\n"),
            file("es", "[nav]\nnext = \"Siguiente\"\n"),
        ];
        let (texts, diagnostics) = load_ui_text(&config, &files);
        assert_eq!(texts[1].language, "es");
        assert_eq!(texts[1].format("nav.next", &[]).unwrap(), "Siguiente");
        assert_eq!(texts[1].format("nav.previous", &[]).unwrap(), "Previous");
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("`nav.previous`"), "{}", diagnostics[0].message);
        assert!(diagnostics[0].message.contains("es"), "{}", diagnostics[0].message);
        assert!(!diagnostics[0].is_error());
    }

    #[test]
    fn a_file_read_once_gives_the_same_words_and_problems_until_its_text_changes() {
        let config = config("");
        let mut files = [file("en", "a = \"A\"\nb = 1\n")];
        let first = load_ui_text(&config, &files);
        assert!(files[0].read.get().is_some());
        let again = load_ui_text(&config, &files);
        assert_eq!(again.0[0].strings, first.0[0].strings);
        assert_eq!(again.1, first.1);
        assert_eq!(again.1.len(), 1, "{:?}", again.1);
        files[0].text = "a = \"B\"\n".into();
        let (texts, diagnostics) = load_ui_text(&config, &files);
        assert_eq!(texts[0].format("a", &[]).unwrap(), "B");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn a_site_file_overrides_single_keys() {
        let config = config("");
        let site = TextFile::new("en", "i18n/en.toml".into(), "[nav]\nnext = \"Onward\"\n".into());
        let files = [file("en", "[nav]\nnext = \"Next\"\nprevious = \"Previous\"\n"), site];
        let (texts, diagnostics) = load_ui_text(&config, &files);
        assert!(diagnostics.is_empty());
        assert_eq!(texts[0].format("nav.next", &[]).unwrap(), "Onward");
        assert_eq!(texts[0].format("nav.previous", &[]).unwrap(), "Previous");
    }

    #[test]
    fn a_key_missing_everywhere_is_an_error_naming_it() {
        let (texts, _) = load_ui_text(&config(""), &[file("en", "a = \"A\"\n")]);
        let err = texts[0].format("nav.nxt", &[]).unwrap_err();
        assert!(err.contains("\"nav.nxt\""), "{err}");
        assert!(err.contains("themes/default/i18n/en.toml"), "{err}");
    }

    #[test]
    fn placeholders_are_filled_and_script_json_is_safe() {
        let (texts, _) = load_ui_text(
            &config(""),
            &[file("en", "[js]\nsaved = \"Saved at {time} </script>\"\n[nav]\nnext = \"N\"\n")],
        );
        assert_eq!(
            texts[0].format("js.saved", &[("time", "10:00")]).unwrap(),
            "Saved at 10:00 </script>"
        );
        let json = texts[0].script_json();
        assert_eq!(json, "{\"saved\":\"Saved at {time} \\u003c/script>\"}");
    }

    #[test]
    fn a_language_without_a_file_is_one_warning() {
        let config = config("[languages.fr]\n");
        let (texts, diagnostics) = load_ui_text(&config, &[file("en", "a = \"A\"\n")]);
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("no words for fr"), "{}", diagnostics[0].message);
        assert_eq!(texts[1].format("a", &[]).unwrap(), "A");
    }
}
