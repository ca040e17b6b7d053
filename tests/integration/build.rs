//! Successful builds: what is written, and where.

use std::fs;
use std::path::Path;

use crate::support::{SiteTest, copy_tree, tree};

#[test]
fn builds_pretty_urls_sitemap_robots_and_404() {
    let site = SiteTest::fixture("basic");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    let files = tree(&site.public());
    for expected in [
        "index.html",
        "prepare/index.html",
        "prepare/gather/index.html",
        "prepare/start-here/index.html",
        "standalone/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "notes.txt",
    ] {
        assert!(files.contains_key(expected), "missing {expected}: {:?}", files.keys());
    }
    assert!(!files.contains_key("prepare/draft/index.html"), "drafts are not published");
    let sitemap = site.read_output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://fixture.example/prepare/start-here/</loc>"));
    assert!(sitemap.contains("<lastmod>2026-09-01</lastmod>"));
    assert!(
        site.read_output("robots.txt").contains("Sitemap: https://fixture.example/sitemap.xml")
    );
}

#[test]
fn internal_links_resolve_to_page_urls() {
    let site = SiteTest::fixture("basic");
    assert!(site.build().success);
    let home = site.main_of("index.html");
    assert!(home.contains("href=\"/prepare/\""), "{home}");
    assert!(home.contains("href=\"/prepare/gather/#the-list\""), "{home}");
    let gather = site.main_of("prepare/gather/index.html");
    assert!(gather.contains("href=\"/prepare/start-here/#step-one\""), "{gather}");
    assert!(gather.contains("href=\"#notes\""), "{gather}");
}

#[test]
fn markdown_extensions_render() {
    let site = SiteTest::fixture("basic");
    assert!(site.build().success);
    let gather = site.main_of("prepare/gather/index.html");
    assert!(gather.contains("<table>"), "{gather}");
    assert!(gather.contains("type=\"checkbox\""), "{gather}");
    assert!(gather.contains("<h2 id=\"the-list\">"), "{gather}");
    assert!(gather.contains("footnote"), "{gather}");
    let first = site.main_of("prepare/start-here/index.html");
    assert!(first.contains("“this” – slowly") || first.contains("“this” —"), "{first}");
    assert!(first.contains("<del>Old advice</del>"), "{first}");
}

#[test]
fn stylesheet_is_fingerprinted_and_carries_clinic_colours() {
    let site = SiteTest::fixture("basic");
    assert!(site.build().success);
    let files = tree(&site.public());
    let css: Vec<&String> =
        files.keys().filter(|k| k.starts_with("style.") && k.ends_with(".css")).collect();
    assert_eq!(css.len(), 1, "{:?}", files.keys());
    assert_ne!(css[0], "style.css");
    assert!(String::from_utf8_lossy(&files[css[0]]).contains("--color-primary:#224466"));
    assert!(site.read_output("index.html").contains(&format!("href=\"/{}\"", css[0])));
}

#[test]
fn pages_carry_no_template_indentation_and_no_author_comments() {
    let site = SiteTest::fixture("basic");
    let note = "<!-- ask Dr Lee\nabout the dose -->\n\nBefore <!-- inline note --> after.\n";
    site.write(
        "content/noted.md",
        &format!("+++\ntitle = \"Noted\"\ndescription = \"A page with notes.\"\n+++\n\n{note}"),
    );
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    let html = site.read_output("index.html");
    assert!(!html.contains("\n "), "indentation left in output");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40.min(html.len())]);
    let noted = site.main_of("noted/index.html");
    assert!(noted.contains("<p>Before  after.</p>"), "{noted}");
    assert!(!noted.contains("Dr Lee") && !noted.contains("inline note"), "{noted}");
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let site = SiteTest::fixture("basic");
    assert!(site.build().success);
    assert!(
        site.read_output("standalone/index.html").contains("<title>Special: Standalone</title>")
    );
    site.write("static/style.css", "body{color:#010203}");
    assert!(site.build().success);
    let files = tree(&site.public());
    let css = files.iter().find(|(k, _)| k.starts_with("style.")).unwrap().1;
    assert!(String::from_utf8_lossy(css).starts_with("body{color:#010203}"));
}

#[test]
fn drafts_are_published_with_the_flag() {
    let site = SiteTest::fixture("basic");
    assert!(site.run(&["build", "--drafts"]).success);
    assert!(site.read_output("prepare/draft/index.html").contains("Secret draft text"));
}

#[test]
fn base_url_with_a_path_prefixes_every_url() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["build", "--base-url", "https://clinic.example/guide/"]);
    assert!(run.success, "{}", run.stderr);
    assert!(site.public().join("prepare/gather/index.html").exists());
    let home = site.read_output("index.html");
    assert!(home.contains("href=\"/guide/prepare/gather/#the-list\""), "{home}");
    assert!(
        site.read_output("sitemap.xml")
            .contains("<loc>https://clinic.example/guide/prepare/</loc>")
    );
}

#[test]
fn output_folder_can_be_chosen_and_is_replaced_whole() {
    let site = SiteTest::fixture("basic");
    let out = site.root().join("elsewhere/site");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("stale.html"), "old").unwrap();
    let run = site.run(&["build", "--output", out.to_str().unwrap()]);
    assert!(run.success, "{}", run.stderr);
    assert!(out.join("index.html").exists());
    assert!(!out.join("stale.html").exists());
}

#[test]
fn refuses_to_write_over_the_site() {
    let site = SiteTest::fixture("basic");
    let run = site.run(&["build", "--output", "."]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("refusing"), "{}", run.stderr);
    assert!(site.root().join("content/_index.md").exists());
}

#[test]
fn two_builds_are_byte_identical() {
    let site = SiteTest::fixture("basic");
    assert!(site.run(&["build", "--output", "one"]).success);
    assert!(site.run(&["build", "--output", "two"]).success);
    let one = tree(&site.root().join("one"));
    assert!(!one.is_empty());
    assert_eq!(one, tree(&site.root().join("two")));
}

#[test]
fn every_page_has_the_safety_box_and_no_outside_requests() {
    let site = SiteTest::fixture("basic");
    assert!(site.build().success);
    for (path, bytes) in tree(&site.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        assert!(html.contains("Call 988 if you need help now."), "{path} lacks the safety text");
        assert!(html.contains("href=\"tel:988\""), "{path} lacks the crisis phone link");
        for tag in html.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            let outside =
                ["=http:", "=https:", "=//", "=\"http", "=\"//"].iter().any(|p| tag.contains(p));
            // A canonical link names the page's public address; it is not a request.
            let allowed = tag.starts_with("link ") && tag.contains("rel=\"canonical\"")
                || tag.starts_with("a ");
            assert!(!outside || allowed, "{path} requests something off the site: <{tag}>");
        }
    }
}

#[test]
fn init_creates_a_site_that_builds_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let site = SiteTest { dir };
    let run = site.run(&["init", "new-site"]);
    assert!(run.success, "{}", run.stderr);
    // Opened from the disk, a built site is broken: init says to serve it.
    assert!(run.stderr.contains("Next: `carebook serve --root new-site`"), "{}", run.stderr);
    assert!(run.stderr.contains("http://127.0.0.1:1111"), "{}", run.stderr);
    let run = site.run(&["build", "--root", "new-site"]);
    assert!(run.success, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let public = site.root().join("new-site/public");
    // One of each kind of page the starter teaches, and the print pack it links to.
    for page in ["guide/first-steps", "guide/what-to-bring", "guide/how-you-feel", "guide/print"] {
        assert!(public.join(page).join("index.html").exists(), "no {page}");
    }
    let html = |page: &str| fs::read_to_string(public.join(page).join("index.html")).unwrap();
    assert!(html("guide/what-to-bring").contains("type=\"checkbox\""));
    assert!(
        html("guide/how-you-feel").contains("data-type=\"scale\""),
        "the starter journal has a scale"
    );
    // Written by the theme, not as an address in the Markdown: an address
    // link such as /guide/print/ breaks when base_url has a path.
    assert!(
        html("guide").contains("print-pack-link\"><a href=\"/guide/print/\">"),
        "no print pack link"
    );
    assert!(html("").contains("print-pack-link\"><a href=\"/print/\">"), "no print pack link");
    let run =
        site.run(&["build", "--root", "new-site", "--base-url", "https://clinic.example/guide/"]);
    assert!(run.success, "the starter site must build under a path too\n{}", run.stderr);
    let source = fs::read_to_string(site.root().join("new-site/content/guide/what-to-bring.md"));
    assert!(source.unwrap().contains("<!--"), "the starter pages explain their syntax");
    let again = site.run(&["init", "new-site"]);
    assert_eq!(again.code, Some(1));
    assert!(again.stderr.contains("already contains a site"), "{}", again.stderr);
}

#[test]
fn the_example_site_builds_without_warnings() {
    let site = SiteTest { dir: tempfile::tempdir().unwrap() };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["site.toml", "content", "static", "themes", "templates"] {
        let from = repo.join(part);
        if from.is_dir() {
            copy_tree(&from, &site.root().join(part));
        } else {
            fs::copy(&from, site.root().join(part)).unwrap();
        }
    }
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(site.public().join("prepare/gather/index.html").exists());
}

#[test]
fn site_shortcodes_are_drawn_by_their_template() {
    let site = SiteTest::fixture("shortcodes");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    let main = site.main_of("contacts/index.html");
    assert!(
        main.contains(
            "<strong>Night nurse</strong><br><a href=\"tel:+15550199\">+1 555 0199</a> (after 6 pm)"
        ),
        "{main}"
    );
    // `note=false` leaves the optional part out; no marker is left behind.
    assert!(main.contains("+1 555 0100</a></p></div>"), "{main}");
    assert!(!main.contains("carebook-shortcode") && !main.contains("{{"), "{main}");
}

#[test]
fn extra_tables_reach_templates_as_written() {
    let site = SiteTest::fixture("extra");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    let main = site.main_of("team/index.html");
    assert!(main.contains("Open Mon-Fri 9-5"), "{main}");
    assert!(main.contains("Led by Dr Rivera"), "{main}");
    assert!(
        main.contains("<li>Ana<li>Ben</ul>") || main.contains("<li>Ana</li><li>Ben</li>"),
        "{main}"
    );
    // Only [extra] takes keys carebook does not know.
    site.write("content/team.md", "+++\ntitle = \"T\"\nauthor = \"x\"\n+++\n");
    let run = site.build();
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("content/team.md:3:1: error: unknown key `author`"),
        "{}",
        run.stderr
    );
}

/// The `href` of the pager link with `rel` (`prev`, `next`) on a built page.
fn pager_link(site: &SiteTest, page: &str, rel: &str) -> Option<String> {
    let html = site.read_output(page);
    let at = html.find(&format!("rel=\"{rel}\""))?;
    let tag_start = html[..at].rfind("<a ")?;
    let tag = &html[tag_start..at];
    let href = tag.split("href=\"").nth(1)?;
    Some(href.split('"').next()?.to_string())
}

#[test]
fn previous_and_next_lead_across_sections_in_reading_order() {
    let site = SiteTest::fixture("base");
    let page = |path: &str, title: &str, weight: u32| {
        let front = format!(
            "+++\ntitle = \"{title}\"\ndescription = \"{title}.\"\nweight = {weight}\n+++\nText.\n"
        );
        site.write(path, &front);
    };
    page("content/before/_index.md", "Before", 1);
    page("content/before/pain.md", "Pain", 1);
    page("content/before/home.md", "Home ready", 2);
    page("content/after/_index.md", "After", 2);
    page("content/after/walking.md", "Walking", 1);
    page("content/contacts.md", "Contacts", 1);
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    // The last page of "Before" leads on to the first of "After", and the
    // last section's last page to the home page's own pages.
    assert_eq!(
        pager_link(&site, "before/home/index.html", "next").as_deref(),
        Some("/after/walking/")
    );
    assert_eq!(
        pager_link(&site, "after/walking/index.html", "prev").as_deref(),
        Some("/before/home/")
    );
    assert_eq!(
        pager_link(&site, "after/walking/index.html", "next").as_deref(),
        Some("/contacts/")
    );
    assert_eq!(pager_link(&site, "before/pain/index.html", "prev"), None);
    assert_eq!(pager_link(&site, "contacts/index.html", "next"), None);
}

/// Issue #13: a build with nothing to do does nothing, and says so; any
/// change to the inputs, the command line or the output folder builds again.
#[test]
fn a_build_with_nothing_changed_writes_nothing_and_any_change_builds_again() {
    let site = SiteTest::fixture("basic");
    site.write("content/undescribed.md", "+++\ntitle = \"Undescribed\"\n+++\n\nText.\n");
    let first = site.build();
    assert!(first.success, "{}", first.stderr);
    assert!(first.stderr.contains("has no description"), "{}", first.stderr);
    let before = tree(&site.public());
    let again = site.build();
    assert!(again.success, "{}", again.stderr);
    assert!(again.stderr.contains("Nothing changed since the last build"), "{}", again.stderr);
    // The same warnings as the build that made the output.
    assert!(again.stderr.contains("has no description"), "{}", again.stderr);
    assert!(!again.stderr.contains("Wrote "), "{}", again.stderr);
    assert_eq!(tree(&site.public()), before);

    let rebuilt = |why: &str| {
        let run = site.build();
        assert!(run.success, "{why}: {}", run.stderr);
        assert!(!run.stderr.contains("Nothing changed"), "{why}: {}", run.stderr);
        assert!(site.build().stderr.contains("Nothing changed"), "{why}, then nothing");
    };
    // An edited page.
    site.write("content/undescribed.md", "+++\ntitle = \"Undescribed\"\n+++\n\nOther text.\n");
    rebuilt("an edited page");
    assert!(site.read_output("undescribed/index.html").contains("Other text."));
    // A page of public/ changed or deleted by hand is put back.
    let page = site.public().join("undescribed/index.html");
    fs::write(&page, "broken").unwrap();
    rebuilt("a published page changed by hand");
    assert!(site.read_output("undescribed/index.html").contains("Other text."));
    fs::remove_file(&page).unwrap();
    rebuilt("a published page deleted by hand");
    assert!(page.exists());
    // A file added to public/ by hand is removed, as by every build.
    fs::write(site.public().join("stray.txt"), "x").unwrap();
    rebuilt("a stray file in public/");
    assert!(!site.public().join("stray.txt").exists());
    // Another base URL on the command line.
    let other = site.run(&["build", "--base-url", "https://other.example/guide"]);
    assert!(other.success && !other.stderr.contains("Nothing changed"), "{}", other.stderr);
    assert!(site.read_output("index.html").contains("/guide/"));
    // A changed static file and a changed template.
    site.write("static/robots.txt", "User-agent: *\n");
    rebuilt("a new static file");
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block main %}<main id=\"main\"><p>Own</p></main>{% endblock main %}");
    rebuilt("a changed template");
    assert!(site.read_output("undescribed/index.html").contains("<p>Own</p>"));
}
