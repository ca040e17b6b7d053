//! `cargo bench --bench build`: how long a full `carebook build` takes, and
//! how much memory it needs, as a site grows.
//!
//! For each size N it generates a synthetic site of N pages in ten sections
//! (about 3 KB of Markdown each: front matter, headings, prose, a bullet
//! list, a task list, a table and 3-5 internal links, some with an
//! `#anchor` to a heading of the target), with the repository's site.toml
//! and static/ and the theme built into the binary. It then runs the release
//! `carebook build` on it as a child process, so that the numbers are those
//! of the build alone (config, discover, render, write), not of the
//! generator:
//!
//! - several fresh builds (no output folder beforehand): median and minimum
//!   wall time, pages per second, CPU time over wall time (2.0 means both
//!   cores were busy), output size and the child's peak memory from `wait4`;
//! - one rebuild over the previous output, as every build after the first is;
//! - one more build in this process, stage by stage through the library API
//!   (read, render, write), to show where the time goes.
//!
//! Last it prints how time and memory per page scale with N (1.00 = linear).
//!
//! Sizes: `cargo bench --bench build -- 1000 100000` or
//! `CAREBOOK_BENCH_PAGES=1000,10000,100000`; the default is 1,000 and 10,000.
//! `CAREBOOK_BENCH_RUNS=n` replaces the default run counts (5 up to 1k
//! pages, 3 up to 10k, 1 above); `CAREBOOK_BENCH_KEEP=1` keeps the generated
//! sites and prints where they are, for profiling; `CAREBOOK_BENCH_STAGES=0`
//! skips the stage timing; `CAREBOOK_BENCH_ONE_LANGUAGE=1` leaves out the
//! example's Spanish, which renders every page a second time. The sites go
//! to the temporary folder (`TMPDIR`):
//! `TMPDIR=/dev/shm` leaves the disk out of the numbers.
//!
//! Performance goals live here, never in timed tests: a shared CI machine
//! makes timed tests flaky, while this prints numbers for a person to judge.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Sizes run when none are given.
const DEFAULT_SIZES: &[usize] = &[1_000, 10_000];
/// Sections of the generated site (fewer if the site has fewer pages).
const SECTIONS: usize = 10;
/// The repository root: the generated site copies its site.toml and static/.
const REPO: &str = env!("CARGO_MANIFEST_DIR");
/// Cargo builds the bin target with the bench's own profile before running
/// a bench, so this is never a stale binary (a hard-coded
/// target/release/carebook could be one, left over from an older build).
#[path = "measure.rs"]
pub mod measure;
use measure::RunResult;

const CAREBOOK: &str = env!("CARGO_BIN_EXE_carebook");

fn main() -> ExitCode {
    let settings = match read_settings() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("usage: cargo bench --bench build [-- PAGES[,PAGES...]]");
            return ExitCode::from(2);
        }
    };
    match run(&settings) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// What to run, from the command line and the environment.
struct Settings {
    sizes: Vec<usize>,
    /// Replaces the default number of runs per size.
    runs: Option<usize>,
    /// Keep the generated sites instead of deleting them.
    keep: bool,
    /// Also time the stages once, in this process, through the library.
    stages: bool,
}

fn read_settings() -> Result<Settings, String> {
    let all: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; `cargo test --benches` (or
    // `--all-targets`) runs this binary without it, and then a tiny site is
    // enough to check that the benchmark still works.
    let smoke_test = !all.iter().any(|a| a == "--bench");
    // Only the plain arguments are sizes; the rest are cargo's flags.
    let args: Vec<&str> = all.iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
    let sizes = if !args.is_empty() {
        parse_sizes(&args.join(","))?
    } else if let Ok(list) = std::env::var("CAREBOOK_BENCH_PAGES") {
        parse_sizes(&list)?
    } else if smoke_test {
        println!("not run by `cargo bench`: a 50-page smoke test only");
        vec![50]
    } else {
        DEFAULT_SIZES.to_vec()
    };
    let runs = match std::env::var("CAREBOOK_BENCH_RUNS") {
        Err(_) if smoke_test => Some(1),
        Ok(runs) => Some(
            parse_count(&runs)
                .filter(|&r| r > 0)
                .ok_or_else(|| format!("CAREBOOK_BENCH_RUNS={runs:?} is not a positive number"))?,
        ),
        Err(_) => None,
    };
    let flag = |name: &str| std::env::var(name).ok().map(|v| !v.is_empty() && v != "0");
    let keep = flag("CAREBOOK_BENCH_KEEP").unwrap_or(false);
    let stages = flag("CAREBOOK_BENCH_STAGES").unwrap_or(true);
    Ok(Settings { sizes, runs, keep, stages })
}

/// `1000,10_000 100000` -> [1000, 10000, 100000].
fn parse_sizes(list: &str) -> Result<Vec<usize>, String> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| {
            parse_count(s)
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("{s:?} is not a page count (a positive number)"))
        })
        .collect()
}

fn parse_count(text: &str) -> Option<usize> {
    text.trim().replace('_', "").parse().ok()
}

/// The default: enough runs for a stable median without making 100k pages
/// take a quarter of an hour.
fn default_runs(pages: usize) -> usize {
    match pages {
        0..=1_000 => 5,
        1_001..=10_000 => 3,
        _ => 1,
    }
}

fn run(settings: &Settings) -> Result<(), String> {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!("carebook build benchmark: {CAREBOOK}");
    println!("{cpus} CPU(s); each run is a fresh `carebook build` of a generated site");
    warn_if_busy(cpus);
    println!();
    let mut results = Vec::new();
    for &pages in &settings.sizes {
        let runs = settings.runs.unwrap_or_else(|| default_runs(pages));
        results.push(bench_size(pages, runs, settings)?);
    }
    println!();
    print!("{}", format_table(&results));
    print!("{}", format_scaling(&results));
    if settings.stages {
        println!();
        print!("{}", format_stages(&results));
    }
    Ok(())
}

/// Other work on the machine (a compiler, a browser test) slows every run
/// down and makes the numbers meaningless; say so rather than hide it.
pub fn warn_if_busy(cpus: usize) {
    let Ok(loadavg) = std::fs::read_to_string("/proc/loadavg") else { return };
    let Some(load) = loadavg.split_whitespace().next().and_then(|l| l.parse::<f64>().ok()) else {
        return;
    };
    // The load average lags by a minute and counts a compile that just
    // finished, so warn only when more than the whole machine was busy.
    if load > cpus as f64 {
        println!(
            "warning: load average {load:.1} on {cpus} CPU(s): other programs are running, \
             so these timings are pessimistic and noisy"
        );
    }
}

// ---------------------------------------------------------------------------
// Measuring one size
// ---------------------------------------------------------------------------

/// The numbers of every run of one size.
struct SizeResult {
    pages: usize,
    /// Sections and pages carebook said it rendered.
    rendered: usize,
    files: usize,
    source_bytes: u64,
    output_bytes: u64,
    /// Fresh builds: no output folder beforehand.
    runs: Vec<RunResult>,
    /// One build over the previous output, which it replaces.
    rebuild: RunResult,
    stages: Option<StageTimes>,
}

fn bench_size(pages: usize, runs: usize, settings: &Settings) -> Result<SizeResult, String> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("carebook-bench-{pages}-"))
        .tempdir()
        .map_err(|err| format!("cannot create a temporary folder: {err}"))?;
    // Kept from the start, so a failing build's site is there to look at too.
    let (_guard, base) = if settings.keep {
        (None, dir.keep())
    } else {
        let base = dir.path().to_path_buf();
        (Some(dir), base)
    };
    let root = base.join("site");
    let output = base.join("public");
    let started = Instant::now();
    let source_bytes = generate_site(&root, pages)
        .map_err(|err| format!("cannot write the site into {}: {err}", root.display()))?;
    println!(
        "{pages} pages: generated {:.1} MiB of Markdown into {} in {:.1} s",
        mib(source_bytes),
        base.display(),
        started.elapsed().as_secs_f64()
    );

    let mut measured = Vec::with_capacity(runs);
    let mut rendered = 0;
    for _ in 0..runs {
        // Every measured run starts without an output folder, so that each
        // does the same work; the rebuild below is measured on its own.
        remove_output(&output)?;
        let (result, count) = run_build(&root, &output)?;
        print_run("build", &result);
        measured.push(result);
        rendered = count;
    }
    let (files, output_bytes) = folder_size(&output)
        .map_err(|err| format!("cannot measure {}: {err}", output.display()))?;
    // What a user sees on every build but the first: the previous output is
    // there and gets replaced (renamed away and deleted by carebook).
    let (rebuild, _) = run_build(&root, &output)?;
    print_run("rebuild", &rebuild);
    let stages = if settings.stages {
        remove_output(&output)?;
        Some(time_stages(&root, &output)?)
    } else {
        None
    };
    let runs = measured;
    Ok(SizeResult { pages, rendered, files, source_bytes, output_bytes, runs, rebuild, stages })
}

fn remove_output(output: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(output) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {err}", output.display()))
        }
        _ => Ok(()),
    }
}

fn print_run(what: &str, run: &RunResult) {
    println!(
        "  {what:<8} {:>8.3} s  cpu {:>7.3} s  peak {:>7.1} MiB",
        run.wall.as_secs_f64(),
        run.cpu.as_secs_f64(),
        run.peak_rss_kib as f64 / 1024.0
    );
}

/// Where the time of one build goes, measured in this process.
#[derive(Debug, Clone, Copy)]
struct StageTimes {
    /// `load_config` and `discover`: reading site.toml, the theme and content/.
    read: Duration,
    /// `render_output`: parse, Markdown, model, validate, templates.
    render: Duration,
    /// `write_output`: writing the files beside the output folder and swapping.
    write: Duration,
}

/// Runs the stages of `carebook::build` one by one through the library API.
fn time_stages(root: &Path, output: &Path) -> Result<StageTimes, String> {
    let failed = |err: carebook::BuildError| format!("in-process build failed: {}", err.report());
    let started = Instant::now();
    let overrides = carebook::source::config::ConfigOverrides::default();
    let config = carebook::source::config::load_config(root, &overrides).map_err(failed)?;
    let sources = carebook::source::discover::discover(&config).map_err(failed)?;
    let read = started.elapsed();
    let started = Instant::now();
    let built = carebook::render_output(&config, sources).map_err(failed)?;
    let render = started.elapsed();
    let started = Instant::now();
    carebook::output::write::write_output(&built.files, output, &config.root).map_err(failed)?;
    let write = started.elapsed();
    // Not timed: freeing the output set is not part of what a user waits for.
    drop(built);
    Ok(StageTimes { read, render, write })
}

/// Runs `carebook build` once; returns the measurements and the number of
/// pages it reports.
fn run_build(root: &Path, output: &Path) -> Result<(RunResult, usize), String> {
    let (result, stderr) = measure::run_build(CAREBOOK, root, output)?;
    let rendered = pages_reported(&stderr)
        .ok_or_else(|| format!("carebook printed no \"Built N pages\" line:\n{stderr}"))?;
    Ok((result, rendered))
}

/// `Built 1011 pages (1014 files) into ...` -> 1011.
fn pages_reported(stderr: &str) -> Option<usize> {
    let line = stderr.lines().find(|l| l.starts_with("Built "))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The number of files under `dir` and their total size.
fn folder_size(dir: &Path) -> std::io::Result<(usize, u64)> {
    let mut files = 0;
    let mut bytes = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                stack.push(entry.path());
            } else {
                files += 1;
                bytes += meta.len();
            }
        }
    }
    Ok((files, bytes))
}

// ---------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------

fn median(runs: &[RunResult], key: impl Fn(&RunResult) -> Duration) -> Duration {
    let mut values: Vec<Duration> = runs.iter().map(key).collect();
    values.sort_unstable();
    values[values.len() / 2]
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn format_table(results: &[SizeResult]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>8} {:>8} {:>7} {:>4} {:>9} {:>9} {:>9} {:>8} {:>8} {:>7} {:>9} {:>9} {:>9}",
        "pages",
        "rendered",
        "files",
        "runs",
        "median s",
        "min s",
        "rebuild s",
        "pages/s",
        "µs/page",
        "cpu/wall",
        "src MiB",
        "out MiB",
        "peak MiB"
    );
    for r in results {
        let wall = median(&r.runs, |run| run.wall);
        let cpu = median(&r.runs, |run| run.cpu);
        let min = r.runs.iter().map(|run| run.wall).min().unwrap_or_default();
        let peak = r.runs.iter().map(|run| run.peak_rss_kib).max().unwrap_or(0);
        let secs = wall.as_secs_f64();
        // pages/s and µs/page count sections too: they are rendered pages.
        let _ = writeln!(
            out,
            "{:>8} {:>8} {:>7} {:>4} {:>9.3} {:>9.3} {:>9.3} {:>8.0} {:>8.0} {:>7.2} {:>9.1} {:>9.1} {:>9.1}",
            r.pages,
            r.rendered,
            r.files,
            r.runs.len(),
            secs,
            min.as_secs_f64(),
            r.rebuild.wall.as_secs_f64(),
            r.rendered as f64 / secs,
            secs * 1e6 / r.rendered as f64,
            cpu.as_secs_f64() / secs,
            mib(r.source_bytes),
            mib(r.output_bytes),
            peak as f64 / 1024.0
        );
    }
    out
}

/// Time and memory per page of each size against the smallest: 1.00 is
/// linear, above it is worse than linear.
fn format_scaling(results: &[SizeResult]) -> String {
    let mut out = String::new();
    let Some(base) = results.iter().min_by_key(|r| r.pages) else { return out };
    let per_page =
        |r: &SizeResult| median(&r.runs, |run| run.wall).as_secs_f64() / r.rendered as f64;
    let cpu_per_page =
        |r: &SizeResult| median(&r.runs, |run| run.cpu).as_secs_f64() / r.rendered as f64;
    let rss_per_page = |r: &SizeResult| {
        r.runs.iter().map(|run| run.peak_rss_kib).max().unwrap_or(0) as f64 / r.rendered as f64
    };
    for r in results.iter().filter(|r| r.pages != base.pages) {
        let _ = writeln!(
            out,
            "scaling {} -> {} pages, per page: wall time x{:.2}, cpu time x{:.2}, \
             peak memory x{:.2} (1.00 = linear)",
            base.pages,
            r.pages,
            per_page(r) / per_page(base),
            cpu_per_page(r) / cpu_per_page(base),
            rss_per_page(r) / rss_per_page(base)
        );
    }
    out
}

fn format_stages(results: &[SizeResult]) -> String {
    let mut out = String::from(
        "stages of one in-process build (load_config+discover / render_output / write_output):\n",
    );
    for r in results {
        let Some(t) = r.stages else { continue };
        let total = (t.read + t.render + t.write).as_secs_f64();
        let part = |d: Duration| {
            format!("{:>7.3} s {:>3.0}%", d.as_secs_f64(), 100.0 * d.as_secs_f64() / total)
        };
        let _ = writeln!(
            out,
            "{:>8} pages  read {}  render {}  write {}",
            r.pages,
            part(t.read),
            part(t.render),
            part(t.write)
        );
    }
    out
}

// ---------------------------------------------------------------------------
// The synthetic site
// ---------------------------------------------------------------------------

/// A small deterministic generator (SplitMix64): the same site every time,
/// without a `rand` dependency.
struct Rng(u64);

impl Rng {
    /// A generator for one purpose (`stream`) of one page.
    fn new(page: usize, stream: u64) -> Self {
        Rng((page as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
            ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const HEADINGS_STREAM: u64 = 1;
const BODY_STREAM: u64 = 2;

/// `site.toml` without the `[languages.*]` tables of languages other than
/// the default (`CAREBOOK_BENCH_ONE_LANGUAGE=1`): the repository's declares
/// Spanish, which renders every page twice.
fn without_translations(settings: &str) -> String {
    let default = settings
        .lines()
        .find_map(|line| line.trim().strip_prefix("language = "))
        .map_or("en", |code| code.trim_matches('"'));
    let mut skipping = false;
    let mut kept = String::new();
    for line in settings.lines() {
        if let Some(table) = line.trim().strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            let code = table.strip_prefix("languages.").map(|rest| rest.split('.').next());
            skipping = matches!(code, Some(Some(code)) if code != default);
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

/// Writes the site into `root` (which must not exist) and returns the
/// number of bytes of Markdown written; in one language when
/// `CAREBOOK_BENCH_ONE_LANGUAGE=1`.
pub fn generate_site(root: &Path, pages: usize) -> std::io::Result<u64> {
    let one_language = std::env::var("CAREBOOK_BENCH_ONE_LANGUAGE").is_ok_and(|v| v == "1");
    generate_site_in(root, pages, one_language)
}

/// [`generate_site`] with the example's second language (Spanish) kept or
/// left out.
pub fn generate_site_in(root: &Path, pages: usize, one_language: bool) -> std::io::Result<u64> {
    let sections = SECTIONS.min(pages).max(1);
    let content = root.join("content");
    std::fs::create_dir_all(&content)?;
    write_settings(root, one_language)?;
    copy_folder(&Path::new(REPO).join("static"), &root.join("static"))?;

    let mut bytes = write_file(&content.join("_index.md"), &home_markdown(sections))?;
    for section in 0..sections {
        let dir = content.join(format!("section-{section}"));
        std::fs::create_dir_all(&dir)?;
        bytes += write_file(&dir.join("_index.md"), &section_markdown(section))?;
    }
    for page in 0..pages {
        let (section, file) = page_location(page, sections);
        let path = content.join(format!("section-{section}")).join(file);
        bytes += write_file(&path, &page_markdown(page, pages, sections))?;
    }
    Ok(bytes)
}

/// Writes the site's `site.toml`: the repository's, with or without its
/// second language.
pub fn write_settings(root: &Path, one_language: bool) -> std::io::Result<()> {
    let settings = std::fs::read_to_string(Path::new(REPO).join("site.toml"))?;
    let settings = if one_language { without_translations(&settings) } else { settings };
    std::fs::write(root.join("site.toml"), settings)
}

fn write_file(path: &Path, text: &str) -> std::io::Result<u64> {
    std::fs::write(path, text)?;
    Ok(text.len() as u64)
}

/// Copies the files directly inside `from` (the repository's static/ is flat).
fn copy_folder(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name()))?;
        }
    }
    Ok(())
}

/// Page 12 of a 10-section site is `section-2/page-12.md`.
fn page_location(page: usize, sections: usize) -> (usize, String) {
    (page % sections, format!("page-{page}.md"))
}

const SECTION_TITLES: &[&str] = &[
    "Before your session",
    "Your space",
    "Your intention",
    "During the session",
    "Safety and side effects",
    "After your session",
    "Integration",
    "Everyday habits",
    "For your support person",
    "Questions and answers",
];

fn home_markdown(sections: usize) -> String {
    let mut md = String::from(
        "+++\ntitle = \"Your at-home session guide\"\n\
         description = \"Everything you need before, during and after your session.\"\n+++\n\n\
         This guide walks you through each step. Start wherever you like:\n\n",
    );
    for section in 0..sections {
        let _ = writeln!(md, "- [{}](section-{section}/_index.md)", section_title(section));
    }
    md
}

fn section_title(section: usize) -> String {
    match SECTION_TITLES.get(section) {
        Some(title) => (*title).to_string(),
        None => format!("Part {}", section + 1),
    }
}

fn section_markdown(section: usize) -> String {
    let mut rng = Rng::new(section, BODY_STREAM ^ 0xff);
    let mut md = String::new();
    let _ = write!(
        md,
        "+++\ntitle = {}\ndescription = {}\nweight = {}\nreviewed = {}\n+++\n\n",
        toml_string(&section_title(section)),
        toml_string(&sentence(&mut rng).replace("**", "")),
        (section + 1) * 10,
        date(&mut rng),
    );
    paragraph(&mut md, &mut rng, 3);
    md
}

/// The `##` and `###` headings of a page, as (level, text), in order. They
/// depend on the page alone, so a link from any other page can name one.
fn page_headings(page: usize) -> Vec<(u8, &'static str)> {
    let mut rng = Rng::new(page, HEADINGS_STREAM);
    let mut h2: Vec<&str> = H2.to_vec();
    let mut h3: Vec<&str> = H3.to_vec();
    let mut take = |pool: &mut Vec<&'static str>| pool.swap_remove(rng.below(pool.len()));
    vec![
        (2, take(&mut h2)),
        (3, take(&mut h3)),
        (2, take(&mut h2)),
        (2, take(&mut h2)),
        (3, take(&mut h3)),
    ]
}

/// The id carebook gives a heading of plain words: `What to bring` -> `what-to-bring`.
fn heading_id(text: &str) -> String {
    text.to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

fn page_markdown(page: usize, pages: usize, sections: usize) -> String {
    let mut rng = Rng::new(page, BODY_STREAM);
    let mut md = String::with_capacity(3_500);
    let headings = page_headings(page);
    let _ = write!(
        md,
        "+++\ntitle = {}\ndescription = {}\nweight = {}\nreviewed = {}\n+++\n\n",
        toml_string(&format!("{} {}", rng.pick(TITLE_STARTS), rng.pick(OBJECTS))),
        toml_string(&sentence(&mut rng).replace("**", "")),
        rng.below(100),
        date(&mut rng),
    );
    paragraph(&mut md, &mut rng, 4);
    let links = 3 + rng.below(3);
    let mut links_left = links;
    for (i, (level, text)) in headings.iter().enumerate() {
        let _ = writeln!(md, "{} {text}\n", "#".repeat(usize::from(*level)));
        paragraph(&mut md, &mut rng, 3);
        if links_left > 0 && (i + links_left >= headings.len() || rng.below(2) == 0) {
            link_sentence(&mut md, &mut rng, page, pages, sections);
            links_left -= 1;
        }
        match i {
            1 => bullet_list(&mut md, &mut rng),
            2 => task_list(&mut md, &mut rng),
            3 => table(&mut md, &mut rng),
            _ => paragraph(&mut md, &mut rng, 3),
        }
    }
    md
}

/// A paragraph of `sentences` sentences, then a blank line.
fn paragraph(md: &mut String, rng: &mut Rng, sentences: usize) {
    for i in 0..sentences {
        if i > 0 {
            md.push(' ');
        }
        md.push_str(&sentence(rng));
    }
    md.push_str("\n\n");
}

fn sentence(rng: &mut Rng) -> String {
    let mut text = format!("{} {} {}", rng.pick(SUBJECTS), rng.pick(VERBS), rng.pick(OBJECTS));
    match rng.below(4) {
        0 => {}
        1 => {
            text.push(' ');
            text.push_str(rng.pick(WHEN));
        }
        2 => {
            let _ = write!(text, " {}, so {}", rng.pick(WHEN), rng.pick(BECAUSE));
        }
        _ => {
            let _ = write!(text, " **{}**", rng.pick(WHEN));
        }
    }
    text.push('.');
    text
}

/// A sentence with one link to another page, half of them to a heading.
fn link_sentence(md: &mut String, rng: &mut Rng, page: usize, pages: usize, sections: usize) {
    let target = if pages > 1 { (page + 1 + rng.below(pages - 1)) % pages } else { page };
    let (section, file) = page_location(target, sections);
    let (own_section, _) = page_location(page, sections);
    let mut href =
        if section == own_section { file } else { format!("../section-{section}/{file}") };
    if rng.below(2) == 0 {
        let headings = page_headings(target);
        let (_, heading) = headings[rng.below(headings.len())];
        let _ = write!(href, "#{}", heading_id(heading));
    }
    let _ = writeln!(md, "To learn more, see [{}]({href}). {}\n", rng.pick(OBJECTS), sentence(rng));
}

fn bullet_list(md: &mut String, rng: &mut Rng) {
    for _ in 0..4 + rng.below(3) {
        let _ = writeln!(md, "- {} {}", capitalised(rng.pick(OBJECTS)), rng.pick(WHEN));
    }
    md.push('\n');
}

fn task_list(md: &mut String, rng: &mut Rng) {
    for i in 0..3 + rng.below(3) {
        let mark = if i == 0 { 'x' } else { ' ' };
        let _ = writeln!(md, "- [{mark}] {} {}", capitalised(rng.pick(TASKS)), rng.pick(OBJECTS));
    }
    md.push('\n');
}

fn table(md: &mut String, rng: &mut Rng) {
    md.push_str("| When | What to do | Who can help |\n| --- | --- | --- |\n");
    for _ in 0..3 {
        let _ = writeln!(
            md,
            "| {} | {} {} | {} |",
            capitalised(rng.pick(WHEN)),
            capitalised(rng.pick(TASKS)),
            rng.pick(OBJECTS),
            rng.pick(SUBJECTS)
        );
    }
    md.push('\n');
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// A TOML basic string: the prose has double quotes in it.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn date(rng: &mut Rng) -> String {
    format!("2026-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

const TITLE_STARTS: &[&str] = &[
    "Planning",
    "Thinking about",
    "Getting ready for",
    "Understanding",
    "Making room for",
    "Notes on",
];

const SUBJECTS: &[&str] = &[
    "Your care team",
    "Many patients",
    "A support person",
    "Your nurse",
    "You",
    "Most people",
    "Your prescriber",
    "Someone you trust",
    "The clinic",
    "People who have done this before",
];

const VERBS: &[&str] = &[
    "may want to plan",
    "can talk about",
    "often find it helps to have",
    "should write down",
    "will check",
    "might notice changes in",
    "can set aside",
    "like to prepare",
    "don't need to worry about",
    "can ask about",
    "may feel unsure about",
    "will help you with",
];

const OBJECTS: &[&str] = &[
    "a quiet room",
    "a glass of water",
    "your intention",
    "gentle music",
    "a soft blanket",
    "your medication list",
    "the \"set and setting\"",
    "a short walk",
    "your breathing",
    "a journal and a pen",
    "the ride home",
    "a light meal",
    "your blood pressure",
    "what you'll say to yourself",
    "an eye mask",
    "time to rest",
];

const WHEN: &[&str] = &[
    "before the session",
    "in the first hour",
    "the next morning",
    "if you feel unsure",
    "during the week after",
    "when the effects fade",
    "on the day itself",
    "while you wait",
];

const BECAUSE: &[&str] = &[
    "it's easier to settle",
    "you won't need to get up",
    "your mind can turn inward",
    "nothing takes you by surprise",
    "you can rest afterwards",
    "your care team knows what to expect",
];

const TASKS: &[&str] =
    &["set out", "check", "write about", "talk through", "put away", "plan", "ask about"];

const H2: &[&str] = &[
    "Why it matters",
    "What to bring",
    "Before you begin",
    "On the day",
    "Afterwards",
    "Common questions",
    "What you might feel",
    "When to call us",
    "Making a plan",
    "Your checklist",
    "Talking with your support person",
    "Looking after your body",
];

const H3: &[&str] = &[
    "Music",
    "Water and food",
    "Light and sound",
    "Breathing",
    "Rest",
    "Writing it down",
    "Getting home",
    "Side effects",
];
