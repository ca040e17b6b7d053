//! `cargo bench --bench scaling` (or `bash scripts/bench.sh scaling`): does
//! the cost of one page grow in proportion to its size, for every kind of
//! Markdown a page can hold? (Issue #16: 20,000 identical headings once took
//! 24 s and an 8.8 MB table 3.9 GB.)
//!
//! For each construct (distinct headings, identical headings, links to an
//! anchor of the same page, links to another page, table rows, list items,
//! paragraphs) it writes one page holding the construct repeated 1x, 4x and
//! 16x a base count, beside a small second page, on the fixture site
//! `tests/fixtures/base`, and runs the release `carebook build` on it as a
//! child process (median of three runs). The cost of the construct is the
//! build's wall time and peak memory above the same site with an empty page.
//! It prints, per construct:
//!
//! - the time growth exponent from 4x to 16x, `ln(t16 / t4) / ln 4`
//!   (1.00 = linear, 2.00 = quadratic): at 1x a construct costs a few
//!   milliseconds above a ~60 ms build, which is noise, so 1x is shown but
//!   not used;
//! - peak memory above the empty site, as a multiple of the page's size;
//! - the same time exponent for `carebook check` on the page (its page
//!   rules read every passage: 24,000 headings once took `check` 160 s).
//!
//! The check fails (exit 1) when a construct's exponent is above
//! [`MAX_EXPONENT`] or its memory above [`MAX_MEMORY_FACTOR`] times its
//! source at 16x. A benchmark for people and for this check, never a timed
//! test: a busy machine moves the numbers, so a failure is worth a second run.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

#[path = "measure.rs"]
mod measure;
use measure::RunResult;

const CAREBOOK: &str = env!("CARGO_BIN_EXE_carebook");

/// Above this, a construct's time grows faster than linearly. Fixed costs
/// per build (discover, the theme, the service worker) are taken out first,
/// and cache effects at 16x make a linear cost look like about 1.1.
const MAX_EXPONENT: f64 = 1.3;

/// Peak memory for one page, above an empty site, at most this many times
/// its source size (issue #16).
const MAX_MEMORY_FACTOR: f64 = 20.0;

const RUNS: usize = 3;
const FACTORS: [usize; 3] = [1, 4, 16];

/// A construct: its name, its base count, and the Markdown of `n` of it.
struct Construct {
    name: &'static str,
    base: usize,
    body: fn(usize) -> String,
}

const CONSTRUCTS: &[Construct] = &[
    Construct {
        name: "headings",
        base: 1500,
        body: |n| repeat(n, |i| format!("## Topic {i}\n\nText.\n\n")),
    },
    Construct {
        name: "identical headings",
        base: 1500,
        body: |n| repeat(n, |_| "## Same\n\nText.\n\n".into()),
    },
    Construct {
        name: "same-page anchors",
        base: 3000,
        body: |n| format!("## Top {{#top}}\n\n{}", repeat(n, |_| "[up](#top) ".into())),
    },
    Construct {
        name: "page links",
        base: 3000,
        body: |n| repeat(n, |_| "[the other page](other.md) ".into()),
    },
    Construct {
        name: "table rows",
        base: 2000,
        body: |n| {
            format!(
                "| a | b | c |\n| --- | --- | --- |\n{}",
                repeat(n, |i| format!("| {i} | two | three |\n"))
            )
        },
    },
    Construct { name: "list items", base: 3000, body: |n| repeat(n, |i| format!("- item {i}\n")) },
    Construct {
        name: "paragraphs",
        base: 3000,
        body: |n| repeat(n, |i| format!("Paragraph {i} of plain words.\n\n")),
    },
];

fn repeat(n: usize, item: impl Fn(usize) -> String) -> String {
    (0..n).map(item).collect()
}

fn main() -> ExitCode {
    if std::env::args().any(|a| a == "--test") {
        // `cargo test --benches` builds this; running it there would be a timed test.
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let dir =
        tempfile::tempdir().map_err(|err| format!("cannot create a temporary folder: {err}"))?;
    println!("carebook scaling benchmark: {CAREBOOK}");
    println!(
        "one page of each construct at 1x, 4x and 16x; median of {RUNS} builds; cost above an empty page\n"
    );
    let empty = measure_page(dir.path(), "")?;
    let empty_check = measure_check(dir.path())?;
    println!(
        "empty page: {:.3} s (cpu {:.3} s), peak {:.1} MiB\n",
        empty.wall.as_secs_f64(),
        empty.cpu.as_secs_f64(),
        empty.peak_rss_kib as f64 / 1024.0
    );
    print_header();
    let mut all_good = true;
    for construct in CONSTRUCTS {
        let mut times = Vec::new();
        let mut check_times = Vec::new();
        let mut last = (0, 0);
        for factor in FACTORS {
            let body = (construct.body)(construct.base * factor);
            let run = measure_page(dir.path(), &body)?;
            times.push(above(run.wall, empty.wall));
            check_times.push(above(measure_check(dir.path())?, empty_check));
            last = (body.len(), run.peak_rss_kib.saturating_sub(empty.peak_rss_kib) * 1024);
        }
        let exponent = growth(&times);
        let check_exponent = growth(&check_times);
        let memory = last.1 as f64 / last.0 as f64;
        let slow = exponent > MAX_EXPONENT || check_exponent > MAX_EXPONENT;
        let verdict = match (!slow, memory <= MAX_MEMORY_FACTOR) {
            (true, true) => "",
            (false, true) => "  <- time grows faster than the page",
            (true, false) => "  <- memory above the limit",
            (false, false) => "  <- time grows faster than the page; memory above the limit",
        };
        all_good &= verdict.is_empty();
        println!(
            "{:<20} {:>8.1}KB {:>10.3} {:>10.3} {:>10.3} {:>9.2} {:>11.1}x {:>10.3} {:>10.2}{}",
            construct.name,
            last.0 as f64 / 1024.0,
            times[0],
            times[1],
            times[2],
            exponent,
            memory,
            check_times[2],
            check_exponent,
            verdict
        );
    }
    println!(
        "\n{} (limits: exponent {MAX_EXPONENT}, memory {MAX_MEMORY_FACTOR}x the page)",
        if all_good { "every construct within the limits" } else { "CHECK FAILED" }
    );
    Ok(all_good)
}

/// The table's column names.
fn print_header() {
    println!(
        "{:<20} {:>10} {:>10} {:>10} {:>10} {:>9} {:>12} {:>10} {:>10}",
        "construct",
        "16x size",
        "1x s",
        "4x s",
        "16x s",
        "exponent",
        "memory/size",
        "check 16x",
        "check exp"
    );
}

/// The growth exponent from 4x to 16x of seconds measured at [`FACTORS`].
fn growth(times: &[f64]) -> f64 {
    (times[2] / times[1].max(1e-4)).ln() / ((FACTORS[2] / FACTORS[1]) as f64).ln()
}

/// `carebook check` on the site [`measure_page`] last wrote: the median
/// wall time of [`RUNS`].
fn measure_check(dir: &Path) -> Result<Duration, String> {
    let root = dir.join("site");
    let mut walls = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let args = ["check".as_ref(), "--root".as_ref(), root.as_os_str()];
        walls.push(measure::run_carebook(CAREBOOK, &args)?.0.wall);
    }
    walls.sort();
    Ok(walls[RUNS / 2])
}

/// Seconds of `run` above `base` (never below a tenth of a millisecond).
fn above(run: Duration, base: Duration) -> f64 {
    (run.as_secs_f64() - base.as_secs_f64()).max(1e-4)
}

/// Builds the base fixture with `body` as one page; the median of [`RUNS`].
fn measure_page(dir: &Path, body: &str) -> Result<RunResult, String> {
    let root = dir.join("site");
    let _ = std::fs::remove_dir_all(&root);
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
    copy_dir(&fixture, &root).map_err(|err| format!("cannot copy {}: {err}", fixture.display()))?;
    let page = format!("+++\ntitle = \"Big\"\ndescription = \"One large page.\"\n+++\n\n{body}");
    let other = "+++\ntitle = \"Other\"\ndescription = \"The other page.\"\n+++\n\nHello.\n";
    let write = |name: &str, text: &str| {
        std::fs::write(root.join("content").join(name), text)
            .map_err(|err| format!("cannot write {name}: {err}"))
    };
    write("big.md", &page)?;
    write("other.md", other)?;
    let output = dir.join("public");
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let _ = std::fs::remove_dir_all(&output);
        runs.push(measure::run_build(CAREBOOK, &root, &output)?.0);
    }
    runs.sort_by_key(|r| r.wall);
    let mut median = runs[RUNS / 2];
    median.peak_rss_kib = runs.iter().map(|r| r.peak_rss_kib).max().unwrap_or(0);
    Ok(median)
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
