//! Real-world and hostile content (issue #16): inputs that once hung the
//! build or published a page cut off. Each runs the real binary with a
//! time limit, so a regression fails instead of hanging the test suite.

use crate::support::SiteTest;

const PAGE: &str = "+++\ntitle = \"Radio\"\ndescription = \"Staying in touch.\"\n+++\n\n";

/// Issue #16.1: a heading whose id would start with `cb-` (the theme's
/// prefix) made the id loop spin for ever in build, check and serve.
#[test]
fn issue_16_cb_headings_do_not_hang() {
    let site = SiteTest::fixture("base");
    let body =
        "## CB radio\n\nChannel 9.\n\n## CB radio\n\n## cb-text\n\nSee [above](#h-cb-radio).\n";
    site.write("content/radio.md", &format!("{PAGE}{body}"));
    let run = site.run_within(&["build"], 60);
    assert!(run.success, "{}", run.stderr);
    let main = site.main_of("radio/index.html");
    assert!(main.contains("<h2 id=\"h-cb-radio\">CB radio</h2>"), "{main}");
    assert!(main.contains("id=\"h-cb-radio-1\">"), "{main}");
    assert!(main.contains("id=\"h-cb-text\">"), "{main}");
    let check = site.run_within(&["check"], 60);
    assert!(check.success, "{}", check.stderr);
}

/// Issue #16.4: balanced raw HTML keeps the page whole, footer included.
#[test]
fn balanced_raw_html_keeps_the_footer() {
    let site = SiteTest::fixture("base");
    let body = "<!-- note to self: ask Dr Lee -->\n\n<details>\n<summary>More</summary>\n\nSome *Markdown* inside.\n\n</details>\n\nPress <kbd>Ctrl</kbd>.<br>\n";
    site.write("content/raw.md", &format!("{PAGE}{body}"));
    let run = site.run_within(&["build"], 60);
    assert!(run.success, "{}", run.stderr);
    let html = site.read_output("raw/index.html");
    assert!(html.contains("<details>"), "{html}");
    assert!(html.contains("Call 988 if you need help now."), "footer lost:\n{html}");
    assert!(html.contains("</main>"), "{html}");
}

/// Issue #16.4: the cases that cut a page off are errors in build and check
/// alike, each at its line.
#[test]
fn html_that_would_cut_the_page_off_is_refused_by_build_and_check() {
    let cases = [
        ("Intro.\n\n<!-- TODO: phone number\n\nMore text.\n", "8:1", "<!-- is never closed"),
        ("Intro.\n\n<style>\np { color: red }\n", "8:1", "<style> element is never closed"),
        ("Write here: <textarea>\n\n## Later\n", "6:13", "<textarea> element is never closed"),
        ("<title>Oops\n\nText.\n", "6:1", "<title> element is never closed"),
        ("Use a Vec<u8> here.\n", "6:10", "<u8> is opened here"),
        ("Text.\n\n</div>\n", "8:1", "</div> here closes nothing"),
        ("<table><tr><td>1\n", "6:1", "<table> is opened here"),
    ];
    for (body, at, says) in cases {
        let site = SiteTest::fixture("base");
        site.write("content/cut.md", &format!("{PAGE}{body}"));
        for command in ["build", "check"] {
            let run = site.run_within(&[command], 60);
            assert_eq!(run.code, Some(1), "{command} {body:?}:\n{}", run.stderr);
            let wanted = format!("content/cut.md:{at}: error:");
            assert!(
                run.stderr.contains(&wanted),
                "{command} {body:?}: no {wanted}\n{}",
                run.stderr
            );
            assert!(run.stderr.contains(says), "{command} {body:?}: no {says:?}\n{}", run.stderr);
        }
        assert!(!site.public().exists());
    }
}

/// Issue #16.6: `<a name>` and `id=` in raw HTML are link targets.
#[test]
fn anchors_from_raw_html_are_link_targets() {
    let site = SiteTest::fixture("base");
    site.write(
        "content/toc.md",
        &format!("{PAGE}[Contents](#toc), [box](#x), [other](other.md#kept)\n\n<a name=\"toc\"></a>\n\n<span id=\"x\">X</span>\n"),
    );
    site.write("content/other.md", &format!("{PAGE}<div id=\"kept\">\n\nKept.\n\n</div>\n"));
    let run = site.run_within(&["build"], 60);
    assert!(run.success, "{}", run.stderr);
    site.write("content/toc.md", &format!("{PAGE}[Contents](#tco)\n\n<a name=\"toc\"></a>\n"));
    let run = site.run_within(&["build"], 60);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("content/toc.md:6:1"), "{}", run.stderr);
}
