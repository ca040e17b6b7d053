//! One fixture per diagnostic in `tests/fixtures/invalid/<case>/`, each
//! with the lines its build must print in `expected.txt`.

use std::fs;

use crate::support::{SiteTest, fixtures, tree};

fn check_invalid(case: &str) {
    let site = SiteTest::invalid(case);
    let expected =
        fs::read_to_string(fixtures().join("invalid").join(case).join("expected.txt")).unwrap();
    let run = site.build();
    assert_eq!(run.code, Some(1), "{case}: expected exit 1\n{}", run.stderr);
    assert!(
        run.stderr.contains(expected.trim_end()),
        "{case}: stderr lacks\n{expected}\n--- got ---\n{}",
        run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{case}: {}", run.stderr);
    assert!(!site.public().exists(), "{case}: a failed build wrote public/");
}

macro_rules! invalid_fixtures {
    ($($name:ident => $case:literal,)*) => {
        $(#[test] fn $name() { check_invalid($case); })*

        #[test]
        fn every_invalid_fixture_has_a_test() {
            let listed = [$($case),*];
            for entry in fs::read_dir(fixtures().join("invalid")).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                assert!(listed.contains(&name.as_str()), "fixture invalid/{name} has no test");
            }
        }
    };
}

invalid_fixtures! {
    front_matter_syntax => "front-matter-syntax",
    unknown_key => "unknown-key",
    missing_title => "missing-title",
    missing_front_matter => "missing-front-matter",
    unclosed_front_matter => "unclosed-front-matter",
    duplicate_slug => "duplicate-slug",
    broken_link => "broken-link",
    broken_anchor => "broken-anchor",
    unknown_template => "unknown-template",
    duplicate_id => "duplicate-id",
    unknown_kind => "unknown-kind",
    config_unknown_key => "config-unknown-key",
    config_bad_colour => "config-bad-colour",
    config_precache_budget => "config-precache-budget",
    brand_colour_contrast => "brand-colour-contrast",
    missing_logo => "missing-logo",
    missing_home => "missing-home",
    template_syntax => "template-syntax",
    bad_slug => "bad-slug",
    link_outside_content => "link-outside-content",
    prompts_problems => "prompts-problems",
    checklist_problems => "checklist-problems",
    empty_checklist => "empty-checklist",
    shortcode_wrong_kind => "shortcode-wrong-kind",
    shortcode_unknown => "shortcode-unknown",
    print_pack_clash => "print-pack-clash",
    answers_clash => "answers-clash",
    print_paper => "print-paper",
    translation_ids => "translation-ids",
    translation_undeclared => "translation-undeclared",
    image_from_static => "image-from-static",
    image_missing => "image-missing",
    image_no_alt => "image-no-alt",
    image_beside_missing => "image-beside-missing",
    shortcode_site_argument => "shortcode-site-argument",
    shortcode_missing_argument => "shortcode-missing-argument",
    shortcode_inline => "shortcode-inline",
    reserved_offline => "reserved-offline",
    reserved_slug => "reserved-slug",
    unknown_keys_all => "unknown-keys-all",
    yaml_front_matter => "yaml-front-matter",
    blank_before_front_matter => "blank-before-front-matter",
    invisible_title => "invisible-title",
    name_collision => "name-collision",
    link_suggests_other_folder => "link-suggests-other-folder",
    reviewed_quoted => "reviewed-quoted",
    reviewed_format => "reviewed-format",
    toml_duplicate_key => "toml-duplicate-key",
    toml_number_too_large => "toml-number-too-large",
    toml_nested_too_deep => "toml-nested-too-deep",
}

#[test]
fn all_problems_are_reported_in_one_run_sorted() {
    let site = SiteTest::fixture("base");
    site.write("content/b.md", "+++\ntitle = \"B\"\ndescription = \"B\"\n+++\n[x](nope.md)\n");
    site.write("content/a.md", "+++\ntitel = \"A\"\n+++\n");
    let run = site.build();
    assert_eq!(run.code, Some(1));
    let a = run.stderr.find("content/a.md:2:1").expect(&run.stderr);
    let b = run.stderr.find("content/b.md:5:1").expect(&run.stderr);
    assert!(a < b, "not sorted:\n{}", run.stderr);
    assert!(run.stderr.contains("the site has 2 errors"), "{}", run.stderr);
}

#[test]
fn non_utf8_file_is_reported_with_its_position() {
    let site = SiteTest::fixture("base");
    fs::write(site.root().join("content/latin1.md"), b"+++\ntitle = \"Caf\xe9\"\n+++\n").unwrap();
    let run = site.build();
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("content/latin1.md:2:13: error: this file is not UTF-8 text"),
        "{}",
        run.stderr
    );
}

#[test]
fn missing_site_toml_points_to_init() {
    let dir = tempfile::tempdir().unwrap();
    let site = SiteTest { dir };
    let run = site.build();
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("no site.toml"), "{}", run.stderr);
    assert!(run.stderr.contains("carebook init"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_with_2() {
    let site = SiteTest::fixture("base");
    assert_eq!(site.run(&["build", "--no-such-flag"]).code, Some(2));
    assert_eq!(site.run(&["frobnicate"]).code, Some(2));
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = SiteTest::fixture("basic");
    assert!(site.build().success);
    let before = tree(&site.public());
    site.write("content/prepare/gather.md", "+++\ntitle = \"Broken\"\nweight = \n+++\n");
    let run = site.build();
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("left as it was"), "{}", run.stderr);
    assert_eq!(tree(&site.public()), before, "public/ changed after a failed build");
    let siblings: Vec<_> =
        fs::read_dir(site.root()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!siblings.iter().any(|n| n.to_string_lossy().contains("staging")), "{siblings:?}");
}

#[test]
fn warnings_do_not_fail_the_build() {
    let site = SiteTest::fixture("base");
    site.write("content/a.md", "+++\ntitle = \"A\"\n+++\nNo description.\n");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.stderr.contains("content/a.md:1:1: warning: this page has no description"),
        "{}",
        run.stderr
    );
}

#[test]
fn alongside_must_name_an_existing_collection() {
    let site = SiteTest::invalid("prompts-problems");
    let run = site.build();
    assert!(
        run.stderr.contains("content/j.md:5:13: error: alongside = \"nowhere.md\": content/nowhere.md does not exist"),
        "{}",
        run.stderr
    );
}

#[test]
fn links_to_a_page_with_broken_front_matter_are_not_reported_twice() {
    let site = SiteTest::fixture("base");
    site.write("content/a.md", "+++\ntitle = \"A\"\ndescription = \"A\"\n+++\n[b](b.md)\n");
    site.write("content/b.md", "+++\ntitle = B\n+++\n");
    let run = site.build();
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("content/b.md:2:9"), "{}", run.stderr);
    assert!(!run.stderr.contains("content/a.md"), "{}", run.stderr);
}

#[test]
fn links_to_drafts_are_broken_links() {
    let site = SiteTest::fixture("base");
    site.write("content/a.md", "+++\ntitle = \"A\"\ndescription = \"A\"\n+++\n[b](b.md)\n");
    site.write("content/b.md", "+++\ntitle = \"B\"\ndescription = \"B\"\ndraft = true\n+++\n");
    let run = site.build();
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("content/a.md:5:1: error: the link b.md"), "{}", run.stderr);
    assert!(site.run(&["build", "--drafts"]).success);
}

/// Issue #16 item 8: a second `<h1>` and a skipped level are warnings at
/// their line; the page is still published.
#[test]
fn a_second_h1_and_a_skipped_heading_level_are_warnings() {
    let site = SiteTest::fixture("base");
    site.write(
        "content/a.md",
        "+++\ntitle = \"A\"\ndescription = \"A page.\"\n+++\n# Again\n\n## Two\n\n#### Four\n",
    );
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:5:1: warning: a # heading makes a second <h1>: the page's title is already its <h1>\n  hint: start the page's headings at ##"), "{}", run.stderr);
    assert!(run.stderr.contains("content/a.md:9:1: warning: this heading skips from level 2 to level 4\n  hint: write it as ### (level 3)"), "{}", run.stderr);
    assert!(run.stderr.contains("with 2 warnings"), "{}", run.stderr);
}

/// Issue #16 item 10: addresses are slugs of file names, and a link may
/// write a space as `%20`.
#[test]
fn file_names_become_lower_case_addresses_and_percent_encoded_links_resolve() {
    let site = SiteTest::fixture("base");
    site.write(
        "content/Before Surgery/_index.md",
        "+++\ntitle = \"Before\"\ndescription = \"B.\"\n+++\nSee [my page](My%20Page.md).\n",
    );
    site.write(
        "content/Before Surgery/My Page.md",
        "+++\ntitle = \"Mine\"\ndescription = \"M.\"\n+++\nText.\n",
    );
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    let main = site.main_of("before-surgery/index.html");
    assert!(main.contains("href=\"/before-surgery/my-page/\""), "{main}");
    site.read_output("before-surgery/my-page/index.html");
}

/// Issue #15 item 4: counts in words, and the note that the old site was
/// kept comes after the problems, where it is read.
#[test]
fn the_summary_counts_in_words_and_the_kept_site_note_comes_last() {
    let site = SiteTest::fixture("base");
    site.write("content/a.md", "+++\ntitle = \"A\"\ndescription = \"A.\"\n+++\n[x](nope.md)\n");
    let run = site.build();
    assert_eq!(run.code, Some(1));
    let problem = run.stderr.find("content/a.md:5:1: error").expect(&run.stderr);
    let summary = run.stderr.find("error: the site has 1 error\n").expect(&run.stderr);
    let note =
        run.stderr.find("The previous website (if any) was left as it was.").expect(&run.stderr);
    assert!(problem < summary && summary < note, "{}", run.stderr);
}

#[test]
fn non_utf8_site_toml_is_reported_with_its_position() {
    let site = SiteTest::fixture("base");
    let config = fs::read(site.root().join("site.toml")).unwrap();
    let config = String::from_utf8(config).unwrap().replacen("Fixture guide", "Caf\u{1}", 1);
    let mut bytes = config.into_bytes();
    let at = bytes.iter().position(|&b| b == 1).unwrap();
    bytes[at] = 0xe9;
    fs::write(site.root().join("site.toml"), bytes).unwrap();
    let run = site.build();
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains(
            "site.toml:1:13: error: this file is not UTF-8 text\n  hint: save the file as UTF-8"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_warning_repeated_on_many_pages_is_printed_once_and_verbose_lists_all() {
    // At 10,000 pages one warning per page would be 10,000 lines.
    let site = SiteTest::fixture("base");
    for i in 0..12 {
        site.write(
            &format!("content/p{i:02}.md"),
            &format!("+++\ntitle = \"Page {i}\"\n+++\nText.\n"),
        );
    }
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    assert_eq!(run.stderr.matches("this page has no description").count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "warning: in 12 places: this page has no description\n  \
             content/p00.md:1:1, content/p01.md:1:1, content/p02.md:1:1 and 9 more (`--verbose` lists every one)\n  \
             hint: add description"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("with 12 warning"), "the count stays the real one: {}", run.stderr);
    let verbose = site.run(&["build", "--verbose"]);
    assert_eq!(
        verbose.stderr.matches("this page has no description").count(),
        12,
        "{}",
        verbose.stderr
    );
    let check = site.run_within(&["check"], 120);
    assert_eq!(check.stderr.matches("this page has no description").count(), 1, "{}", check.stderr);
    let check = site.run_within(&["check", "--verbose"], 120);
    assert_eq!(
        check.stderr.matches("this page has no description").count(),
        12,
        "{}",
        check.stderr
    );
}

/// The base fixture with `tests/fixtures/warnings/<case>` laid over it
/// builds (exit 0) and prints the lines of its `expected.txt`.
fn check_warning(case: &str) {
    let site = SiteTest::fixture("base");
    let fixture = fixtures().join("warnings").join(case);
    crate::support::copy_tree(&fixture, site.root());
    let expected = fs::read_to_string(fixture.join("expected.txt")).unwrap();
    let run = site.build();
    assert!(run.success, "{case}: a warning failed the build\n{}", run.stderr);
    assert!(
        run.stderr.contains(expected.trim_end()),
        "{case}: stderr lacks\n{expected}\n--- got ---\n{}",
        run.stderr
    );
    let check = site.run_within(&["check"], 60);
    assert!(
        check.stderr.contains(expected.trim_end()),
        "{case}: check disagrees\n{}",
        check.stderr
    );
}

/// issue #15: `/medicines/` was a silent 404.
#[test]
fn a_folder_without_its_section_page_is_a_warning() {
    check_warning("folder-without-section");
    let site = SiteTest::fixture("base");
    crate::support::copy_tree(&fixtures().join("warnings/folder-without-section"), site.root());
    let run = site.build();
    assert!(
        !run.stderr.contains("before/getting-ready"),
        "a page bundle is not a section\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("with 2 warnings"), "{}", run.stderr);
}

/// issue #15: rewording an item without `{#id}` silently drops its ticks.
#[test]
fn a_checklist_item_without_an_id_is_a_warning() {
    check_warning("checklist-item-without-id");
}
