//! `carebook new`: a page of each kind that builds and checks cleanly, never
//! an overwritten file, never a file outside content/.

use std::fs;

use crate::support::{SiteTest, tree};

fn read(site: &SiteTest, relative: &str) -> String {
    fs::read_to_string(site.root().join(relative)).unwrap_or_else(|_| panic!("no {relative}"))
}

#[test]
fn new_pages_of_every_kind_build_and_check_without_warnings() {
    let site = SiteTest::fixture("base");
    for args in [
        &["new", "before/pain-relief"][..],
        &["new", "before/what-to-pack.md", "--kind", "checklist"],
        &["new", "content/after/how-you-slept", "--kind", "prompts"],
    ] {
        let run = site.run(args);
        assert!(run.success, "{args:?}: {}", run.stderr);
    }
    let page = read(&site, "content/before/pain-relief.md");
    assert!(page.contains("title = \"Pain relief\"\n"), "{page}");
    assert!(!page.contains("kind ="), "{page}");
    let checklist = read(&site, "content/before/what-to-pack.md");
    assert!(checklist.contains("title = \"What to pack\"\n"), "{checklist}");
    assert!(checklist.contains("kind = \"checklist\"\n"), "{checklist}");
    let prompts = read(&site, "content/after/how-you-slept.md");
    assert!(prompts.contains("kind = \"prompts\"\n"), "{prompts}");
    assert!(prompts.contains(".scale"), "{prompts}");

    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(site.main_of("before/what-to-pack/index.html").contains("type=\"checkbox\""));
    assert!(site.main_of("after/how-you-slept/index.html").contains("data-type=\"scale\""));
    let check = site.run_within(&["check"], 60);
    assert!(check.success, "{}", check.stderr);
    assert!(check.stderr.contains(": 0 errors, 0 warnings"), "{}", check.stderr);
}

#[test]
fn a_new_folder_gets_its_section_page() {
    let site = SiteTest::fixture("base");
    let run = site.run(&["new", "medicines/pain-relief"]);
    assert!(run.success, "{}", run.stderr);
    assert!(run.stderr.contains("created content/medicines/_index.md"), "{}", run.stderr);
    assert!(read(&site, "content/medicines/_index.md").contains("title = \"Medicines\""));
    assert!(site.build().success);
    assert!(site.public().join("medicines/index.html").exists(), "/medicines/ is a 404");
}

#[test]
fn an_existing_page_is_never_overwritten() {
    let site = SiteTest::fixture("base");
    site.write("content/before/pain.md", "my own words");
    let run = site.run(&["new", "before/pain", "--kind", "checklist"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("error: cannot create content/before/pain.md: it already exists"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: "), "{}", run.stderr);
    assert_eq!(read(&site, "content/before/pain.md"), "my own words");
}

#[test]
fn paths_outside_content_are_refused_and_nothing_is_written() {
    let site = SiteTest::fixture("base");
    let before = tree(site.root());
    for path in ["../escape", "content/../site", "/tmp/carebook-new-escape", "notes.txt"] {
        let run = site.run(&["new", path]);
        assert_eq!(run.code, Some(1), "{path}: {}", run.stderr);
        assert!(run.stderr.contains("error: cannot create "), "{path}: {}", run.stderr);
        assert!(run.stderr.contains("hint: "), "{path}: {}", run.stderr);
    }
    assert_eq!(tree(site.root()).keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    assert!(!site.root().parent().unwrap().join("escape.md").exists());
    assert!(!std::path::Path::new("/tmp/carebook-new-escape.md").exists());
}
