//! Bad input, end to end (issue #7, part 2): each case fails with exit code
//! 1 and a message naming the file and what to do, leaves the previous
//! `public/` byte for byte as it was, and leaves no staging folder behind.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::support::{Run, SiteTest, tree};

/// The base fixture, built once, with a snapshot of its `public/`.
fn built_site() -> (SiteTest, BTreeMap<String, Vec<u8>>) {
    let site = SiteTest::fixture("base");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    let before = tree(&site.public());
    assert!(before.contains_key("index.html"));
    (site, before)
}

/// The checks every case shares.
fn assert_failed_cleanly(site: &SiteTest, before: &BTreeMap<String, Vec<u8>>, run: &Run) {
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(tree(&site.public()) == *before, "public/ changed; stderr: {}", run.stderr);
    let leftovers: Vec<String> = fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".staging-") || name.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

fn assert_says(run: &Run, parts: &[&str]) {
    for part in parts {
        assert!(run.stderr.contains(part), "stderr lacks {part:?}:\n{}", run.stderr);
    }
}

#[test]
fn a_file_that_is_not_utf8_is_named_with_its_line() {
    let (site, before) = built_site();
    let mut bytes = b"+++\ntitle = \"Latin-1\"\n+++\n\nFirst line.\nCaf".to_vec();
    bytes.push(0xe9); // é in Latin-1
    bytes.extend_from_slice(b" au lait\n");
    fs::write(site.root().join("content/latin1.md"), bytes).unwrap();
    let run = site.build();
    assert_failed_cleanly(&site, &before, &run);
    assert_says(&run, &["content/latin1.md:6:4", "not UTF-8", "save the file as UTF-8"]);
}

#[test]
fn a_50_mb_markdown_file_gets_a_size_diagnostic() {
    let (site, before) = built_site();
    let paragraph = "Drink water with every meal and keep a list of your questions.\n\n";
    let mut text = String::from("+++\ntitle = \"Huge\"\n+++\n\n");
    while text.len() < 50 * 1000 * 1000 {
        text.push_str(paragraph);
    }
    fs::write(site.root().join("content/huge.md"), text).unwrap();
    let run = site.build();
    assert_failed_cleanly(&site, &before, &run);
    assert_says(&run, &["content/huge.md", "50.0 MB", "up to 10 MB", "split it"]);
}

#[test]
fn deeply_nested_quotes_and_lists_are_an_error_not_a_crash() {
    let (site, before) = built_site();
    let body = format!(
        "+++\ntitle = \"Deep\"\n+++\n\nFine.\n\n{}deep\n\n{}x\n",
        "> ".repeat(100_000),
        "- ".repeat(100_000)
    );
    site.write("content/deep.md", &body);
    let run = site.build();
    assert_failed_cleanly(&site, &before, &run);
    assert_says(&run, &["content/deep.md:7:", "nested 101 levels deep here", "flatten"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_not_followed_forever() {
    let (site, before) = built_site();
    fs::create_dir_all(site.root().join("content/loop")).unwrap();
    std::os::unix::fs::symlink("..", site.root().join("content/loop/back")).unwrap();
    let run = site.build();
    assert_failed_cleanly(&site, &before, &run);
    assert_says(&run, &["content/loop/back", "symlink loop", "remove the link"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_folder_is_refused() {
    let (site, before) = built_site();
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.md"), "+++\ntitle = \"Secret\"\n+++\nPrivate.\n")
        .unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.root().join("content/a.md"))
        .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root().join("content/shared")).unwrap();
    let run = site.build();
    assert_failed_cleanly(&site, &before, &run);
    assert_says(&run, &["content/a.md", "content/shared", "outside the site's folder", "copy"]);
    assert!(!run.stderr.contains("Private"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_link_inside_the_site_folder_is_followed() {
    let site = SiteTest::fixture("base");
    site.write("shared/tips.md", "+++\ntitle = \"Tips\"\n+++\nShared tips.\n");
    std::os::unix::fs::symlink("../shared/tips.md", site.root().join("content/tips.md")).unwrap();
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    assert!(site.read_output("tips/index.html").contains("Shared tips."));
}

/// A file that vanished between the walk and the read looks, from the
/// build's side, like a link to nothing (the race itself is tested in
/// discover.rs, where the two steps can be called apart).
#[cfg(unix)]
#[test]
fn a_vanished_file_is_named() {
    let (site, before) = built_site();
    std::os::unix::fs::symlink("moved-away.md", site.root().join("content/gone.md")).unwrap();
    let run = site.build();
    assert_failed_cleanly(&site, &before, &run);
    assert_says(&run, &["content/gone.md", "disappeared", "build again"]);
}

#[allow(unsafe_code, reason = "geteuid: whether permission tests can run")]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(unix)]
#[test]
fn an_unwritable_site_folder_keeps_the_old_output() {
    use std::os::unix::fs::PermissionsExt as _;
    if is_root() {
        // root writes through any mode bits; the test below covers root.
        eprintln!("skipped: running as root, where chmod 0555 does not stop writes");
        return;
    }
    let (site, before) = built_site();
    let mode = |m| fs::Permissions::from_mode(m);
    fs::set_permissions(site.root(), mode(0o555)).unwrap();
    let run = site.build();
    fs::set_permissions(site.root(), mode(0o755)).unwrap();
    assert_failed_cleanly(&site, &before, &run);
    assert_says(&run, &["could not write", "Permission denied", "make that folder writable"]);
}

#[test]
fn an_output_folder_that_cannot_be_created_is_named() {
    let (site, before) = built_site();
    // A file where a folder is needed stops root as much as anyone.
    site.write("blocker", "not a folder");
    let run = site.run(&["build", "--output", "blocker/public"]);
    assert_failed_cleanly(&site, &before, &run);
    assert_says(&run, &["could not write", "blocker", "a file stands where a folder is needed"]);
    assert_eq!(fs::read_to_string(site.root().join("blocker")).unwrap(), "not a folder");
}

#[test]
fn a_full_disk_keeps_the_old_output() {
    let (site, before) = built_site();
    let files: carebook::render::OutputSet = [
        ("index.html".to_string(), b"new".to_vec()),
        ("prepare/index.html".to_string(), b"new".to_vec()),
    ]
    .into();
    // A real ENOSPC from the kernel, for one file of the new build.
    let full = |path: &Path, bytes: &[u8]| {
        if path.ends_with("prepare/index.html") {
            use std::io::Write as _;
            fs::OpenOptions::new().write(true).open("/dev/full")?.write_all(bytes)
        } else {
            fs::write(path, bytes)
        }
    };
    let err =
        carebook::output::write::write_output_with(&files, &site.public(), site.root(), &full)
            .unwrap_err();
    let report = err.report();
    assert!(report.contains("prepare/index.html"), "{report}");
    assert!(report.contains("No space left on device"), "{report}");
    assert!(report.contains("hint: the disk is full"), "{report}");
    assert!(report.contains("previous website was left as it was"), "{report}");
    let run = Run { success: false, code: Some(1), stderr: report };
    assert_failed_cleanly(&site, &before, &run);
}
