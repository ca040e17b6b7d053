//! `carebook serve` reuses what an edit did not change (`content::memo`,
//! `render::memo`): a rebuild with the last preview's memo must give
//! exactly the files of a rebuild from nothing, whatever was edited, and
//! must really reuse the documents the edit did not touch.

use std::path::Path;
use std::sync::Arc;

use carebook::build::{Purpose, SiteBuild, render_output_with};
use carebook::render::memo::RenderMemo;
use carebook::render::pages::load_templates;
use carebook::source::config::{Config, ConfigOverrides, load_config};
use carebook::source::discover::{Sources, discover};

/// Two languages, a section with a journal, a checklist and guidance pages.
const SITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/layout");

/// Which documents a memoised rebuild must take from the last preview.
#[derive(Clone, Copy)]
enum Reused<'a> {
    /// Every document but these (content paths), in every language.
    AllBut(&'a [&'a str]),
    /// None: the routes changed, so every link may resolve differently.
    Nothing,
}

fn load(root: &Path) -> (Config, Sources) {
    let overrides =
        ConfigOverrides { base_url: Some("http://127.0.0.1:1111".into()), include_drafts: false };
    let config = load_config(root, &overrides).expect("site.toml loads");
    let sources = discover(&config).expect("the site is read");
    (config, sources)
}

fn preview(config: &Config, sources: &Sources, memo: Option<&RenderMemo>) -> SiteBuild {
    let templates = load_templates(sources.templates.values()).expect("templates compile");
    render_output_with(config, sources, &templates, Purpose::Preview, memo).expect("it builds")
}

fn memo_of(built: SiteBuild) -> RenderMemo {
    RenderMemo {
        fingerprints: built.preview.fingerprints,
        files: Arc::new(built.files),
        documents: built.preview.documents,
    }
}

fn edit_content(sources: &mut Sources, content_path: &str, edit: impl FnOnce(&str) -> String) {
    let file = sources
        .content
        .iter_mut()
        .find(|f| f.content_path == content_path)
        .unwrap_or_else(|| panic!("no {content_path} in the fixture"));
    file.text = edit(&file.text);
}

/// Applies `edit` to the fixture site's sources and checks the memoised
/// rebuild against a full one: same files, byte for byte, at least
/// `changed` of them different from before the edit, and the documents
/// `reused` says taken from the memo (the same allocation), the others
/// rendered again.
fn assert_memo_matches_full_render(
    what: &str,
    changed: usize,
    reused: Reused,
    edit: impl FnOnce(&mut Sources),
) {
    let (config, mut sources) = load(Path::new(SITE));
    let first = preview(&config, &sources, None);
    let before = first.files.clone();
    let memo = memo_of(first);
    edit(&mut sources);
    let memoised = preview(&config, &sources, Some(&memo));
    let full = preview(&config, &sources, None);
    assert_eq!(
        memoised.files.keys().collect::<Vec<_>>(),
        full.files.keys().collect::<Vec<_>>(),
        "{what}: the memoised rebuild has other files"
    );
    for (path, bytes) in &full.files {
        assert!(memoised.files[path] == *bytes, "{what}: {path} differs from a full render");
    }
    let differing = full.files.iter().filter(|(path, bytes)| before.get(*path) != Some(*bytes));
    assert!(differing.count() >= changed, "{what}: the edit changed fewer than {changed} files");
    assert!(memoised.preview.documents.len() >= 5, "{what}: the preview kept its documents");
    for (key, body) in &memoised.preview.documents {
        let last = memo.documents.get(key);
        let was_reused = last.is_some_and(|last| Arc::ptr_eq(last, body));
        let expected = match reused {
            Reused::AllBut(edited) => last.is_some() && !edited.contains(&key.1.as_str()),
            Reused::Nothing => false,
        };
        assert_eq!(was_reused, expected, "{what}: {key:?} reused: {was_reused}");
    }
}

#[test]
fn a_body_edit_reuses_the_rest_and_matches_a_full_render() {
    let edited = "recovery/exercises.md";
    assert_memo_matches_full_render("body edit", 1, Reused::AllBut(&[edited]), |sources| {
        edit_content(sources, edited, |text| format!("{text}\nOne more line.\n"));
    });
}

#[test]
fn a_title_edit_reaches_every_page_that_shows_it() {
    // The section's title is in the navigation of every page.
    let edited = "recovery/_index.md";
    assert_memo_matches_full_render("title edit", 8, Reused::AllBut(&[edited]), |sources| {
        edit_content(sources, edited, |text| text.replacen("title = \"", "title = \"After: ", 1));
    });
}

#[test]
fn a_new_page_and_a_changed_word_of_the_theme_match_a_full_render() {
    assert_memo_matches_full_render("new page", 2, Reused::Nothing, |sources| {
        let mut page = sources.content[0].clone();
        page.content_path = "recovery/new-page.md".into();
        page.display_path = "content/recovery/new-page.md".into();
        page.text = "+++\ntitle = \"A new page\"\ndescription = \"New.\"\n+++\nHello.\n".into();
        sources.content.push(page);
    });
    assert_memo_matches_full_render("theme words", 10, Reused::AllBut(&[]), |sources| {
        let english = sources.texts.iter_mut().find(|t| t.language == "en").expect("en words");
        english.text = english.text.replacen("Private by design:", "Private, always:", 1);
    });
}

#[test]
fn the_search_index_of_a_preview_is_the_one_a_build_writes() {
    let (config, sources) = load(Path::new(SITE));
    let built = preview(&config, &sources, None);
    assert!(built.files.keys().all(|path| !carebook::render::search::is_search_file(path)));
    let templates = load_templates(sources.templates.values()).expect("templates compile");
    let published =
        render_output_with(&config, &sources, &templates, Purpose::Publish, None).expect("builds");
    assert_eq!(built.preview.deferred_search.len(), config.languages.len());
    for index in &built.preview.deferred_search {
        let files: Vec<&String> = published.files.keys().filter(|p| index.may_serve(p)).collect();
        assert!(files.len() >= 3, "a list and its parts: {files:?}");
        for path in files {
            assert_eq!(index.get(path), Some(published.files[path].as_slice()), "{path}");
        }
    }
}
