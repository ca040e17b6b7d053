//! Images beside their pages (page bundles) and responsive images, on the
//! `bundles` fixture: `before/getting-ready/index.md` with an SVG and a
//! 1600x800 PNG beside it, and `before/crutches.md` with a 700x500 JPEG.

use std::fs;

use crate::support::{SiteTest, tree};

/// The value of `name="…"` (or unquoted, as minified) in `tag`.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}="))? + name.len() + 2;
    let rest = &tag[at..];
    match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next(),
        None => rest.split([' ', '>']).next(),
    }
}

/// The `<img …>` tags of `html`.
fn images(html: &str) -> Vec<&str> {
    html.match_indices("<img")
        .map(|(at, _)| &html[at..at + html[at..].find('>').unwrap()])
        .collect()
}

#[test]
fn a_bundle_is_published_at_its_folder_with_its_images_fingerprinted() {
    let site = SiteTest::fixture("bundles");
    let run = site.build();
    assert!(run.success, "{}", run.stderr);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let files = tree(&site.public());
    assert!(!files.contains_key("before/getting-ready/index/index.html"));
    let main = site.main_of("before/getting-ready/index.html");
    let tags = images(&main);
    assert_eq!(tags.len(), 2, "{main}");
    let svg = attribute(tags[0], "src").unwrap();
    assert!(svg.starts_with("/before/getting-ready/walker.") && svg.ends_with(".svg"), "{svg}");
    assert!(files.contains_key(svg.trim_start_matches('/')), "{svg} not written");
    // The first image of the page loads at once; later ones when scrolled to.
    assert_eq!(attribute(tags[0], "loading"), None);
    assert_eq!(attribute(tags[1], "loading"), Some("lazy"));
}

#[test]
fn rasters_get_widths_never_upscaled_with_their_size() {
    let site = SiteTest::fixture("bundles");
    assert!(site.build().success);
    let files = tree(&site.public());
    let main = site.main_of("before/getting-ready/index.html");
    let png = images(&main)[1];
    let srcset = attribute(png, "srcset").unwrap();
    let widths: Vec<&str> = srcset.split(", ").map(|c| c.rsplit(' ').next().unwrap()).collect();
    assert_eq!(widths, ["480w", "960w", "1440w"], "{srcset}");
    assert!(attribute(png, "sizes").is_some());
    assert_eq!((attribute(png, "width"), attribute(png, "height")), (Some("1440"), Some("720")));
    assert!(attribute(png, "src").unwrap().ends_with("-960.png"));
    for candidate in srcset.split(", ") {
        let url = candidate.split(' ').next().unwrap();
        let bytes = &files[url.trim_start_matches('/')];
        let width: u32 =
            candidate.rsplit(' ').next().unwrap().trim_end_matches('w').parse().unwrap();
        let decoded = image::load_from_memory(bytes).unwrap();
        assert_eq!(decoded.width(), width, "{url}");
    }
    // 700 pixels wide: 480 and the original, not blown up to 960 or 1440.
    let main = site.main_of("before/crutches/index.html");
    let jpeg = images(&main)[0];
    let srcset = attribute(jpeg, "srcset").unwrap();
    assert!(srcset.ends_with(" 700w") && srcset.contains(" 480w,"), "{srcset}");
    assert_eq!(srcset.matches(", ").count(), 1, "{srcset}");
    assert_eq!(attribute(jpeg, "width"), Some("700"));
    assert_eq!(attribute(jpeg, "alt"), Some("Two crutches against a wall"));
}

#[test]
fn every_copy_but_no_original_too_wide_is_precached_and_resized_files_are_cached() {
    let site = SiteTest::fixture("bundles");
    assert!(site.build().success);
    let worker = site.read_output("sw.js");
    // The browser picks a copy by the screen: offline, it must be there.
    for copy in ["-480.png", "-960.png", "-1440.png", "-480.jpg"] {
        assert!(worker.contains(copy), "{copy} is not kept offline");
    }
    // path.png is 1600 wide: no page shows the original, which is for links.
    let folder = site.public().join("before/getting-ready");
    let original = fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|name| name.starts_with("path.") && !name.contains('-'))
        .expect("the original is published");
    // Not precached; kept once a patient's browser fetches it (a link to it).
    let line = |name: &str| worker.lines().find(|l| l.starts_with(name)).unwrap_or_default();
    assert!(!line("const PRECACHE = ").contains(&original), "{original} is precached");
    assert!(!line("const SECTIONS = ").contains(&original), "{original} is precached");
    assert!(line("const ON_DEMAND = ").contains(&original), "{original} is not kept when fetched");
    let cache = site.root().join(".carebook-cache/images");
    let cached = fs::read_dir(&cache).unwrap().count();
    assert_eq!(cached, 4, "480/960/1440 of the PNG and 480 of the JPEG");
    // A second build reads them back instead of resizing: the same bytes.
    let first = tree(&site.public());
    for entry in fs::read_dir(&cache).unwrap() {
        let path = entry.unwrap().path();
        let mut bytes = fs::read(&path).unwrap();
        bytes.extend_from_slice(b"cached");
        fs::write(&path, bytes).unwrap();
    }
    // Without the stamp, or the build would find nothing changed and
    // render nothing (`output::stamp`).
    fs::remove_file(site.root().join(".carebook-cache/build-stamp.json")).unwrap();
    assert!(site.build().success);
    let second = tree(&site.public());
    let changed: Vec<&String> = first.keys().filter(|k| first[*k] != second[*k]).collect();
    assert!(changed.iter().any(|k| k.ends_with("-960.png")), "the cache was not read: {changed:?}");
}

#[test]
fn check_and_build_agree_on_a_missing_image_beside_a_page() {
    let site = SiteTest::fixture("bundles");
    fs::remove_file(site.root().join("content/before/crutches.jpg")).unwrap();
    let message = "content/before/crutches.md:6:1: error: the image crutches.jpg was not found (looked for content/before/crutches.jpg and static/before/crutches/crutches.jpg)";
    let build = site.build();
    assert_eq!(build.code, Some(1));
    assert!(build.stderr.contains(message), "{}", build.stderr);
    let check = site.run(&["check"]);
    assert_eq!(check.code, Some(1));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_carebook"))
        .arg("check")
        .current_dir(site.root())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains(message));
}
