//! `carebook check`: one overlay on the base fixture per rule in
//! `tests/fixtures/check/<rule>/`, run with the real binary. Today is
//! fixed with `CAREBOOK_TODAY` so review dates do not age.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{SiteTest, copy_tree, fixtures, tree};

const TODAY: &str = "2026-11-25";

/// What one run of `carebook check` printed.
struct CheckRun {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The base fixture with `tests/fixtures/check/<rule>` laid over it.
fn site(rule: &str) -> SiteTest {
    let site = SiteTest::fixture("base");
    copy_tree(&fixtures().join("check").join(rule), site.root());
    site
}

fn run(site: &SiteTest, args: &[&str], today: Option<&str>) -> CheckRun {
    let mut command = Command::new(env!("CARGO_BIN_EXE_carebook"));
    command.arg("check").args(args).current_dir(site.root());
    // The local test server must be reached directly, never via a proxy.
    for proxy in
        ["HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    {
        command.env_remove(proxy);
    }
    match today {
        Some(today) => command.env("CAREBOOK_TODAY", today),
        None => command.env_remove("CAREBOOK_TODAY"),
    };
    let output = command.output().unwrap();
    CheckRun {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn check(site: &SiteTest, args: &[&str]) -> CheckRun {
    run(site, args, Some(TODAY))
}

#[track_caller]
fn assert_prints(run: &CheckRun, expected: &str) {
    assert!(
        run.stdout.contains(expected),
        "stdout lacks\n{expected}\n--- got ---\n{}{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn hard_text_warns_and_names_the_longest_sentence() {
    let run = check(&site("readability"), &[]);
    assert_eq!(run.code, Some(0), "warnings must not fail\n{}", run.stdout);
    assert_prints(&run, "content/hard.md:1:1: warning: reading level is grade ");
    assert_prints(&run, "(the site aims for 8 or lower)");
    assert_prints(&run, "\n    line 6 (34 words): \"Ketamine is an anaesthetic medication that,");
    assert_prints(&run, "checked 2 pages: 0 errors, 1 warning\n");
}

#[test]
fn image_without_alt_text_is_an_error_at_the_image() {
    let run = check(&site("images"), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_prints(
        &run,
        "content/photos.md:8:1: error: this image has no alt text, and alt text is mandatory\n  hint: describe what the image shows",
    );
}

#[test]
fn missing_image_is_an_error() {
    let run = check(&site("images"), &[]);
    assert_prints(
        &run,
        "content/photos.md:10:1: error: the image /images/chair.png was not found (looked for static/images/chair.png)",
    );
    assert_prints(&run, "checked 2 pages: 2 errors, 0 warnings\n");
}

#[test]
fn overdue_review_warns_at_the_reviewed_line() {
    let run = check(&site("review"), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_prints(
        &run,
        "content/old.md:4:12: warning: last reviewed on 2025-01-10, more than 12 months ago\n  hint: ask a clinician to check this page is still right, then set reviewed = 2026-11-25",
    );
    // The same page is fine a year after its review.
    let run = run_at(&site("review"), "2026-01-10");
    assert!(!run.stdout.contains("last reviewed"), "{}", run.stdout);
}

fn run_at(site: &SiteTest, today: &str) -> CheckRun {
    run(site, &[], Some(today))
}

#[test]
fn require_reviewed_warns_about_pages_without_a_date() {
    let run = check(&site("review-required"), &[]);
    assert_prints(&run, "content/_index.md:1:1: warning: this page has no reviewed date");
}

#[test]
fn a_bad_today_is_reported() {
    let run = run(&site("review"), &[], Some("next tuesday"));
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("CAREBOOK_TODAY=\"next tuesday\" is not a date"), "{}", run.stderr);
}

#[test]
fn unreadable_brand_colour_is_an_error_at_its_line() {
    let run = check(&site("colour"), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_prints(
        &run,
        "site.toml:10:11: error: white text on the primary colour #ffff00 has a contrast of 1.07:1, below the 4.5:1 that WCAG 2.2 AA asks for",
    );
}

#[test]
fn external_links_are_listed_but_not_visited() {
    let run = check(&site("links"), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_prints(&run, "content/links.md:6:14: info: links to https://988lifeline.org\n");
    assert_prints(&run, "content/links.md:8:14: info: links to https://www.nimh.nih.gov\n");
    assert_prints(&run, "2 links to other websites listed above were not visited");
}

/// Answers `/ok` with 200 and anything else with 404, on 127.0.0.1, for
/// at most 8 requests or 30 seconds.
fn status_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut answered = 0;
        while answered < 8 && Instant::now() < deadline {
            match listener.accept() {
                Ok((stream, _)) => {
                    answer(stream);
                    answered += 1;
                }
                Err(err) if err.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(_) => break,
            }
        }
    });
    base
}

fn answer(mut stream: TcpStream) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(clone) = stream.try_clone() else { return };
    let mut reader = BufReader::new(clone);
    let mut request_line = String::new();
    let _ = reader.read_line(&mut request_line);
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let status = if request_line.contains(" /ok ") { "200 OK" } else { "404 Not Found" };
    let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

#[test]
fn external_links_answering_404_are_warnings() {
    let base = status_server();
    let site = SiteTest::fixture("base");
    site.write(
        "content/links.md",
        &format!("+++\ntitle = \"Links\"\ndescription = \"Links.\"\n+++\n\nSee [this]({base}/ok) and\n[that]({base}/gone).\n"),
    );
    let run = check(&site, &["--external"]);
    assert_eq!(run.code, Some(0), "warnings must not fail\n{}{}", run.stdout, run.stderr);
    assert_prints(
        &run,
        &format!(
            "content/links.md:7:1: warning: the link to {base}/gone is broken: the website answered 404 Not Found\n"
        ),
    );
    assert_prints(
        &run,
        &format!("content/links.md:6:5: info: links to {base}/ok (answered 200)\n"),
    );
    assert!(!run.stdout.contains("not visited"), "{}", run.stdout);
}

#[test]
fn json_output_parses_and_has_the_counts() {
    let run = check(&site("images"), &["--format", "json"]);
    assert_eq!(run.code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stdout);
    assert_eq!(json["errors"], 2);
    assert_eq!(json["warnings"], 0);
    let first = &json["diagnostics"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["path"], "content/photos.md");
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(8), Some(1)));
    assert_eq!(first["message"], "this image has no alt text, and alt text is mandatory");
    assert!(first["hint"].is_string());
    let pages: Vec<&str> =
        json["pages"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(pages, ["content/_index.md", "content/photos.md"]);
    assert!(json["pages"][1]["grade"].is_number());
    assert_eq!(json["external_links"], serde_json::json!([]));
}

#[test]
fn build_problems_are_reported_as_diagnostics() {
    let site = SiteTest::invalid("broken-link");
    let expected =
        std::fs::read_to_string(fixtures().join("invalid/broken-link/expected.txt")).unwrap();
    let run = check(&site, &[]);
    assert_eq!(run.code, Some(1));
    assert_prints(&run, expected.trim_end());
    assert!(run.stdout.contains(" error"), "{}", run.stdout);
}

#[test]
fn site_toml_problems_are_reported_as_diagnostics() {
    let run = check(&SiteTest::invalid("config-bad-colour"), &["--format", "json"]);
    assert_eq!(run.code, Some(1));
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stdout);
    assert_eq!(json["diagnostics"][0]["path"], "site.toml");
    assert_eq!(json["errors"], 1);
}

#[test]
fn exit_codes() {
    assert_eq!(check(&SiteTest::fixture("base"), &[]).code, Some(0));
    assert_eq!(check(&site("colour"), &[]).code, Some(1));
    let empty = SiteTest { dir: tempfile::tempdir().unwrap() };
    let run = check(&empty, &[]);
    assert_eq!(run.code, Some(1));
    assert!(run.stderr.contains("no site.toml"), "{}", run.stderr);
    assert_eq!(check(&SiteTest::fixture("base"), &["--format", "xml"]).code, Some(2));
}

#[test]
fn check_writes_nothing() {
    // Broken images (an error: exit 1), and photos to resize (clean: exit
    // 0), whose resized copies a build would keep in .carebook-cache/.
    for (site, code) in [(site("images"), 1), (SiteTest::fixture("bundles"), 0)] {
        let before = tree(site.root());
        let run = check(&site, &[]);
        assert_eq!(run.code, Some(code), "{}{}", run.stdout, run.stderr);
        assert!(!site.public().exists(), "check created public/");
        assert_eq!(tree(site.root()).keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
        assert!(tree(site.root()) == before, "check changed a file");
    }
}

#[test]
fn a_new_site_passes_check_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let site = SiteTest { dir };
    assert!(site.run(&["init", "guide"]).success);
    // The system clock, as a clinic would run it.
    let run = run(&site, &["--root", "guide"], None);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.ends_with("checked 5 pages: 0 errors, 0 warnings\n"), "{}", run.stdout);
}

#[test]
fn sites_in_other_languages_get_no_reading_level() {
    let site = site("readability");
    site.change_file("site.toml", |toml| {
        toml.replace("base_url", "default_language = \"es\"\nbase_url")
    });
    let run = check(&site, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stdout);
    assert_eq!(json["warnings"], 0, "{}", run.stdout);
    assert!(json["pages"][1]["grade"].is_null());
}
