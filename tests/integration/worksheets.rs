//! Prompt collections, checklists, shortcodes, print packs and offline files.

use crate::support::{SiteTest, tree};

fn built() -> SiteTest {
    let site = SiteTest::fixture("worksheets");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    site
}

#[test]
fn prompts_pages_have_labelled_fields_of_each_type() {
    let site = built();
    let main = site.main_of("prepare/journal/index.html");
    assert!(main.contains("data-journal=\"prepare/journal\""), "{main}");
    assert!(main.contains("<textarea") && main.contains("id=\"p-hope\""), "{main}");
    assert!(main.contains("for=\"p-hope\""), "{main}");
    assert!(main.contains("A few words are enough."), "{main}");
    assert!(main.contains("type=\"radio\""), "the scale needs radio buttons: {main}");
    assert!(main.contains("Tense") && main.contains("Relaxed"), "{main}");
    assert!(main.contains("id=\"p-one-word\""), "{main}");
}

#[test]
fn alongside_names_the_other_collection() {
    let site = built();
    let main = site.main_of("prepare/after/index.html");
    assert!(main.contains("data-alongside=\"prepare/journal\""), "{main}");
    assert!(main.contains("Before you start"), "{main}");
}

#[test]
fn checklists_have_labelled_boxes_groups_and_notes() {
    let site = built();
    let main = site.main_of("prepare/bag/index.html");
    assert!(main.contains("data-checklist=\"prepare/bag\""), "{main}");
    assert!(main.contains("id=\"c-blanket\"") && main.contains("for=\"c-blanket\""), "{main}");
    assert!(main.contains("Something warm."), "{main}");
    assert!(main.contains("Comfort") && main.contains("Paperwork"), "{main}");
    assert!(main.contains("data-item=\"your-id-card\""), "{main}");
}

#[test]
fn habit_trackers_draw_a_grid_of_days() {
    let site = built();
    let main = site.main_of("prepare/habits/index.html");
    assert!(main.contains("data-repeat-days=\"7\""), "{main}");
    assert!(main.contains("<table"), "{main}");
    assert_eq!(main.matches("type=\"checkbox\"").count(), 14, "2 habits x 7 days: {main}");
}

#[test]
fn shortcodes_embed_the_same_checklist_with_unique_ids() {
    let site = built();
    let main = site.main_of("prepare/index.html");
    assert!(main.contains("data-checklist=\"prepare/bag\""), "{main}");
    assert!(main.contains("id=\"e0-c-blanket\""), "{main}");
    assert!(!main.contains("carebook-embed"), "marker left in output: {main}");
}

#[test]
fn print_packs_gather_the_worksheets_of_a_section() {
    let site = built();
    let pack = site.main_of("prepare/print/index.html");
    for id in ["prepare/journal", "prepare/after", "prepare/habits", "prepare/bag"] {
        assert!(pack.contains(id), "pack lacks {id}: {pack}");
    }
    assert!(site.public().join("print/index.html").exists(), "the whole-site pack is missing");
    assert!(
        site.main_of("prepare/index.html").contains("/prepare/print/"),
        "the section does not link its pack"
    );
}

#[test]
fn paper_size_from_site_toml_reaches_the_stylesheet() {
    let site = built();
    let files = tree(&site.public());
    let css = files.iter().find(|(k, _)| k.starts_with("style.")).unwrap().1;
    assert!(String::from_utf8_lossy(css).contains("@page{size:A4;margin:12mm}"));
}

#[test]
fn manifest_and_service_worker_cover_every_page() {
    let site = built();
    let manifest = site.read_output("manifest.webmanifest");
    assert!(manifest.contains("\"start_url\": \"/\""), "{manifest}");
    assert!(manifest.contains("\"display\": \"standalone\""), "{manifest}");
    assert!(manifest.contains("icon-512.png"), "{manifest}");
    let worker = site.read_output("sw.js");
    for url in [
        "\"/\"",
        "\"/prepare/bag/\"",
        "\"/prepare/print/\"",
        "\"/offline/\"",
        "\"/manifest.webmanifest\"",
    ] {
        assert!(worker.contains(&format!("\"url\":{url}")), "sw.js does not precache {url}");
    }
    assert!(!worker.contains("\"url\":\"/sitemap.xml\""));
    assert!(site.public().join("offline/index.html").exists());
}

#[test]
fn a_new_build_gets_a_new_cache_name() {
    let site = built();
    let cache_name =
        |text: &str| text.split("carebook-").nth(1).map(|s| s[..10].to_string()).unwrap();
    let first = cache_name(&site.read_output("sw.js"));
    site.change_file("content/prepare/bag.md", |text| {
        text.replace("Bring these.", "Bring these things.")
    });
    assert!(site.build().success);
    assert_ne!(first, cache_name(&site.read_output("sw.js")));
}

#[test]
fn my_answers_is_built_for_a_site_with_a_journal_and_linked_from_home_and_journal_pages() {
    let site = built();
    let main = site.main_of("journal/index.html");
    assert!(main.contains("<h1>My answers</h1>"), "{main}");
    assert!(main.contains("data-journal-answers"), "{main}");
    assert!(main.contains("data-journal-nojs"), "it says what it needs without JavaScript: {main}");
    // Every journal, with what the script needs about each scale question.
    assert!(main.contains("data-collection=\"prepare/journal\""), "{main}");
    assert!(main.contains("data-collection=\"prepare/after\""), "{main}");
    assert!(
        main.contains("data-low=\"Tense\"") && main.contains("data-high=\"Relaxed\""),
        "{main}"
    );
    assert!(
        !main.contains("data-collection=\"prepare/bag\""),
        "a checklist is not a journal: {main}"
    );
    assert!(site.main_of("index.html").contains("href=\"/journal/\""), "the home page links it");
    assert!(
        site.main_of("prepare/journal/index.html").contains("href=\"/journal/\""),
        "a journal page links it"
    );
    let worker = site.read_output("sw.js");
    assert!(worker.contains(r#""/journal/""#), "precached for offline: {worker}");
}

#[test]
fn a_site_without_a_journal_has_no_my_answers_page() {
    let site = SiteTest::fixture("base");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    assert!(!site.public().join("journal/index.html").exists());
    assert!(!site.main_of("index.html").contains("/journal/"));
}
