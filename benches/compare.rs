//! `cargo bench --bench compare` (`bash scripts/bench.sh compare`): carebook
//! against Hugo and against the floor program, issue #13's goal 6.
//!
//! For each size (1,000 and 10,000 pages by default) and each language count
//! (the example's `site.toml` without its Spanish, then with it: two
//! languages render every page twice) it generates the synthetic site of
//! `benches/build.rs` once and then, run by run, alternating:
//!
//! - (a) `carebook build` into an empty folder;
//! - (b) `carebook build` again, nothing changed, over the previous output
//!   (it reads every source, finds the build stamp's fingerprint the same
//!   and `public/` untouched, and stops: `output::stamp`);
//! - (c) `carebook build` after one sentence of one page's Markdown was
//!   edited (restored right after);
//! - (d) Hugo (`/usr/bin/hugo`, or `CAREBOOK_BENCH_HUGO`) on the same
//!   `content/` with minimal templates (`benches/hugo_site.rs` says what they
//!   do and do not do), into an empty folder and again over its output;
//! - (e) the floor program (`benches/floor.rs`: read, pulldown-cmark, write;
//!   this binary run again as a child) into an empty folder and into its
//!   existing tree.
//!
//! Every run is a child process measured from outside (wall, user and
//! system time, peak memory from `wait4`); `sync` runs before each so that
//! none pays for the previous one's writeback. It prints the medians, the
//! ratios carebook/Hugo and carebook/floor, and PASS or FAIL beside each of
//! the goals. It is a report: it fails only when a program fails.
//!
//! Settings: sizes as arguments (`cargo bench --bench compare -- 100000`)
//! or `CAREBOOK_BENCH_PAGES=1000,10000,100000`; `CAREBOOK_BENCH_LANGUAGES=1`
//! (or `2`, default `1,2`); `CAREBOOK_BENCH_RUNS=n` (default 5 up to 1k
//! pages, 3 up to 10k, 1 above); `CAREBOOK_BENCH_HUGO=path` (`0` leaves Hugo
//! out); `CAREBOOK_BENCH_KEEP=1` keeps the sites; `TMPDIR` is where they go
//! (100,000 pages in two languages need about 4 GB there).

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

/// The generator of the build benchmark: the same synthetic site.
#[allow(dead_code)]
#[path = "build.rs"]
mod build_bench;
#[path = "floor.rs"]
mod floor;
#[path = "hugo_site.rs"]
mod hugo_site;
use build_bench::measure;
use measure::RunResult;

const CAREBOOK: &str = env!("CARGO_BIN_EXE_carebook");
const DEFAULT_HUGO: &str = "/usr/bin/hugo";
const DEFAULT_SIZES: &[usize] = &[1_000, 10_000];
const MIB: f64 = 1024.0;

/// The goals of issue #13 for carebook.
const PEAK_GOAL_10K_MIB: f64 = 150.0;
const PEAK_GOAL_100K_MIB: f64 = 400.0;
const REBUILD_GOAL_X_FLOOR: f64 = 1.5;
const FIRST_BUILD_GOAL_X_FLOOR: f64 = 1.5;
const EDIT_GOAL_10K: Duration = Duration::from_millis(500);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "floor") {
        return floor_child(&args[1..]);
    }
    let settings = match read_settings(&args) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("error: {message}");
            eprintln!("usage: cargo bench --bench compare [-- PAGES[,PAGES...]]");
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

/// `compare floor CONTENT OUTPUT LANGUAGES`: the floor program, as the
/// child process that the benchmark measures.
fn floor_child(args: &[String]) -> ExitCode {
    let [content, output, languages] = args else {
        eprintln!("usage: compare floor CONTENT OUTPUT LANGUAGES");
        return ExitCode::from(2);
    };
    let languages = languages.parse().unwrap_or(1);
    match floor::build(Path::new(content), Path::new(output), languages) {
        Ok(stats) => {
            eprintln!("floor: {} pages, {} bytes of HTML", stats.pages, stats.bytes);
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("floor: {err}");
            ExitCode::FAILURE
        }
    }
}

struct Settings {
    sizes: Vec<usize>,
    languages: Vec<usize>,
    runs: Option<usize>,
    hugo: Option<String>,
    keep: bool,
}

fn read_settings(all: &[String]) -> Result<Settings, String> {
    // Without `--bench` this is `cargo test --benches`: a tiny smoke test.
    let smoke_test = !all.iter().any(|a| a == "--bench");
    let args: Vec<&str> = all.iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
    let sizes = if !args.is_empty() {
        parse_list(&args.join(","))?
    } else if let Ok(list) = std::env::var("CAREBOOK_BENCH_PAGES") {
        parse_list(&list)?
    } else if smoke_test {
        println!("not run by `cargo bench`: a 50-page smoke test only");
        vec![50]
    } else {
        DEFAULT_SIZES.to_vec()
    };
    let languages = parse_list(&std::env::var("CAREBOOK_BENCH_LANGUAGES").unwrap_or("1,2".into()))?;
    if languages.iter().any(|&l| l > 2) {
        return Err("CAREBOOK_BENCH_LANGUAGES: the example site has two languages".into());
    }
    let runs = match std::env::var("CAREBOOK_BENCH_RUNS") {
        Ok(runs) => Some(parse_list(&runs)?[0]),
        Err(_) if smoke_test => Some(1),
        Err(_) => None,
    };
    let hugo = match std::env::var("CAREBOOK_BENCH_HUGO") {
        Ok(path) if path.is_empty() || path == "0" => None,
        Ok(path) => Some(path),
        Err(_) => Some(DEFAULT_HUGO.to_string()),
    };
    let hugo = hugo.filter(|path| {
        let found = Path::new(path).is_file();
        if !found {
            println!("{path} not found: Hugo left out (`apt-get install hugo`)");
        }
        found
    });
    let keep = std::env::var("CAREBOOK_BENCH_KEEP").is_ok_and(|v| !v.is_empty() && v != "0");
    Ok(Settings { sizes, languages, runs, hugo, keep })
}

/// `1000,10_000 100000` -> [1000, 10000, 100000]; positive numbers only.
fn parse_list(list: &str) -> Result<Vec<usize>, String> {
    let numbers: Vec<usize> = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.replace('_', "").parse().ok().filter(|&n| n > 0).ok_or(s))
        .collect::<Result<_, _>>()
        .map_err(|s| format!("{s:?} is not a positive number"))?;
    if numbers.is_empty() {
        return Err(format!("{list:?} holds no number"));
    }
    Ok(numbers)
}

fn default_runs(pages: usize) -> usize {
    match pages {
        0..=1_000 => 5,
        1_001..=10_000 => 3,
        _ => 1,
    }
}

fn run(settings: &Settings) -> Result<(), String> {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!("carebook against Hugo and the floor program: {CAREBOOK}");
    match &settings.hugo {
        Some(hugo) => println!("Hugo: {hugo} ({})", hugo_version(hugo)),
        None => println!("Hugo: left out"),
    }
    println!("{cpus} CPU(s); every run is a child process, `sync` before each");
    build_bench::warn_if_busy(cpus);
    let mut cases = Vec::new();
    for &pages in &settings.sizes {
        let runs = settings.runs.unwrap_or_else(|| default_runs(pages));
        let dir = tempfile::Builder::new()
            .prefix(&format!("carebook-compare-{pages}-"))
            .tempdir()
            .map_err(|err| format!("cannot create a temporary folder: {err}"))?;
        let base = if settings.keep { dir.keep() } else { dir.path().to_path_buf() };
        let site = base.join("site");
        build_bench::generate_site_in(&site, pages, false)
            .map_err(|err| format!("cannot write the site into {}: {err}", site.display()))?;
        for &languages in &settings.languages {
            println!();
            println!(
                "{pages} pages, {languages} language(s), {runs} run(s), in {}",
                base.display()
            );
            let case = bench_case(&base, pages, languages, runs, settings.hugo.as_deref())?;
            print!("{}", format_case(&case));
            cases.push(case);
        }
        // The temporary folder goes here unless kept (`dir` dropped).
        if settings.keep {
            println!("kept: {}", base.display());
        }
    }
    println!();
    print!("{}", format_summary(&cases));
    Ok(())
}

fn hugo_version(hugo: &str) -> String {
    Command::new(hugo).arg("version").output().map_or_else(
        |err| err.to_string(),
        |out| {
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

// ---------------------------------------------------------------------------
// One size in one language count
// ---------------------------------------------------------------------------

/// What is measured, in the order of each round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    CarebookEmpty,
    CarebookNoChange,
    CarebookEdit,
    HugoEmpty,
    HugoExisting,
    FloorEmpty,
    FloorExisting,
}

const KINDS: [Kind; 7] = [
    Kind::CarebookEmpty,
    Kind::CarebookNoChange,
    Kind::CarebookEdit,
    Kind::HugoEmpty,
    Kind::HugoExisting,
    Kind::FloorEmpty,
    Kind::FloorExisting,
];

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::CarebookEmpty => "(a) carebook, empty folder",
            Kind::CarebookNoChange => "(b) carebook, nothing changed",
            Kind::CarebookEdit => "(c) carebook, one page edited",
            Kind::HugoEmpty => "(d) Hugo, empty folder",
            Kind::HugoExisting => "    Hugo, over its output",
            Kind::FloorEmpty => "(e) floor, empty folder",
            Kind::FloorExisting => "    floor, existing tree",
        }
    }
}

struct Case {
    pages: usize,
    languages: usize,
    /// The pages carebook says it built ("Built N pages").
    rendered: usize,
    /// Every run of each kind, in the order of `KINDS`.
    runs: [Vec<RunResult>; 7],
}

impl Case {
    fn of(&self, kind: Kind) -> &[RunResult] {
        &self.runs[KINDS.iter().position(|&k| k == kind).unwrap_or(0)]
    }
}

/// The folders of one case.
struct Paths {
    site: PathBuf,
    public: PathBuf,
    hugo_project: PathBuf,
    hugo_public: PathBuf,
    floor_public: PathBuf,
    /// The page whose Markdown (c) edits.
    edited: PathBuf,
}

fn bench_case(
    base: &Path,
    pages: usize,
    languages: usize,
    runs: usize,
    hugo: Option<&str>,
) -> Result<Case, String> {
    let io = |what: &'static str| move |err: std::io::Error| format!("{what}: {err}");
    let site = base.join("site");
    build_bench::write_settings(&site, languages == 1).map_err(io("site.toml"))?;
    let hugo_project = base.join(format!("hugo-{languages}"));
    hugo_site::write_project(&hugo_project, &site, languages).map_err(io("the Hugo project"))?;
    let paths = Paths {
        edited: edited_page(&site, pages),
        public: base.join("public"),
        hugo_public: base.join("hugo-public"),
        floor_public: base.join("floor-public"),
        hugo_project,
        site,
    };
    let mut case = Case { pages, languages, rendered: 0, runs: Default::default() };
    for round in 0..runs {
        let results = run_round(&paths, languages, hugo, &mut case.rendered)?;
        let line: Vec<String> = results
            .iter()
            .map(|(kind, r)| format!("{}{:.2}s", short(*kind), r.wall.as_secs_f64()))
            .collect();
        println!("  run {}: {}", round + 1, line.join(" "));
        for (kind, result) in results {
            let index = KINDS.iter().position(|&k| k == kind).unwrap_or(0);
            case.runs[index].push(result);
        }
        if round == 0 {
            check_floor_paths(&paths.floor_public, &paths.public)?;
        }
    }
    for dir in [&paths.public, &paths.hugo_public, &paths.floor_public] {
        remove(dir)?;
    }
    Ok(case)
}

fn short(kind: Kind) -> &'static str {
    match kind {
        Kind::CarebookEmpty => "a=",
        Kind::CarebookNoChange => "b=",
        Kind::CarebookEdit => "c=",
        Kind::HugoEmpty => "hugo=",
        Kind::HugoExisting => "hugo-again=",
        Kind::FloorEmpty => "floor=",
        Kind::FloorExisting => "floor-again=",
    }
}

/// One round: every kind once, in the order of `KINDS`.
fn run_round(
    paths: &Paths,
    languages: usize,
    hugo: Option<&str>,
    rendered: &mut usize,
) -> Result<Vec<(Kind, RunResult)>, String> {
    let mut results = Vec::with_capacity(KINDS.len());
    remove(&paths.public)?;
    let (first, stderr) = measured(|| measure::run_build(CAREBOOK, &paths.site, &paths.public))?;
    *rendered = pages_reported(&stderr).unwrap_or(0);
    results.push((Kind::CarebookEmpty, first));
    let (again, _) = measured(|| measure::run_build(CAREBOOK, &paths.site, &paths.public))?;
    results.push((Kind::CarebookNoChange, again));
    let original = edit_page(&paths.edited)?;
    let edited = measured(|| measure::run_build(CAREBOOK, &paths.site, &paths.public));
    std::fs::write(&paths.edited, original)
        .map_err(|err| format!("cannot restore {}: {err}", paths.edited.display()))?;
    results.push((Kind::CarebookEdit, edited?.0));

    if let Some(hugo) = hugo {
        // Its cache in the case's folder, not a hugo_cache/ left in TMPDIR.
        let cache = paths.hugo_project.join("cache");
        let args: [&OsStr; 8] = [
            "--source".as_ref(),
            paths.hugo_project.as_os_str(),
            "--destination".as_ref(),
            paths.hugo_public.as_os_str(),
            "--cacheDir".as_ref(),
            cache.as_os_str(),
            "--minify".as_ref(),
            "--quiet".as_ref(),
        ];
        remove(&paths.hugo_public)?;
        results.push((Kind::HugoEmpty, measured(|| measure::run_program("hugo", hugo, &args))?.0));
        results
            .push((Kind::HugoExisting, measured(|| measure::run_program("hugo", hugo, &args))?.0));
    }

    let me = std::env::current_exe().map_err(|err| format!("where is this benchmark? {err}"))?;
    let me = me.to_string_lossy();
    let languages = languages.to_string();
    let content = paths.site.join("content");
    let args: [&OsStr; 4] =
        ["floor".as_ref(), content.as_os_str(), paths.floor_public.as_os_str(), languages.as_ref()];
    remove(&paths.floor_public)?;
    results.push((Kind::FloorEmpty, measured(|| measure::run_program("floor", &me, &args))?.0));
    results.push((Kind::FloorExisting, measured(|| measure::run_program("floor", &me, &args))?.0));
    Ok(results)
}

/// Runs `f` after a `sync`, so that it does not wait for the writeback of
/// what the run before it wrote.
fn measured<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    let _ = Command::new("sync").status();
    f()
}

/// `Built 1011 pages (1014 files) into ...` -> 1011.
fn pages_reported(stderr: &str) -> Option<usize> {
    let line = stderr.lines().find(|l| l.starts_with("Built "))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The page in the middle of the site, as `benches/build.rs` places it.
fn edited_page(site: &Path, pages: usize) -> PathBuf {
    let page = pages / 2;
    let sections = pages.clamp(1, 10);
    site.join(format!("content/section-{}/page-{page}.md", page % sections))
}

/// Changes the first sentence of the page's body (a word added); returns
/// the original text to restore.
fn edit_page(path: &Path) -> Result<String, String> {
    let original = std::fs::read_to_string(path)
        .map_err(|err| format!("cannot read the page to edit, {}: {err}", path.display()))?;
    let body = original.find("\n+++\n").map_or(0, |end| end + 5);
    let Some(dot) = original[body..].find(". ").map(|at| body + at) else {
        return Err(format!("{} has no sentence to edit", path.display()));
    };
    let edited = format!("{}, as planned{}", &original[..dot], &original[dot..]);
    std::fs::write(path, edited).map_err(|err| format!("cannot edit {}: {err}", path.display()))?;
    Ok(original)
}

/// The floor must write the pages carebook writes, where carebook writes
/// them, or it is not the floor of the same work.
fn check_floor_paths(floor: &Path, carebook: &Path) -> Result<(), String> {
    let mut written = 0;
    let mut missing = Vec::new();
    for entry in walkdir::WalkDir::new(floor) {
        let entry = entry.map_err(|err| err.to_string())?;
        if entry.file_type().is_file() {
            written += 1;
            let relative = entry.path().strip_prefix(floor).map_err(|err| err.to_string())?;
            if !carebook.join(relative).is_file() {
                missing.push(relative.display().to_string());
            }
        }
    }
    if missing.is_empty() {
        println!("  the floor wrote {written} pages, each where carebook wrote it");
        Ok(())
    } else {
        Err(format!(
            "the floor wrote {} of its {written} pages where carebook wrote none, e.g. {}",
            missing.len(),
            missing[0]
        ))
    }
}

fn remove(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("cannot remove {}: {err}", dir.display()))
        }
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------

fn median(runs: &[RunResult], key: impl Fn(&RunResult) -> Duration) -> Option<Duration> {
    let mut values: Vec<Duration> = runs.iter().map(key).collect();
    values.sort_unstable();
    values.get(values.len() / 2).copied()
}

fn wall(runs: &[RunResult]) -> Option<f64> {
    median(runs, |r| r.wall).map(|d| d.as_secs_f64())
}

/// The largest peak of the runs: the goals are bounds.
fn peak_mib(runs: &[RunResult]) -> Option<f64> {
    runs.iter().map(|r| r.peak_rss_kib).max().map(|kib| kib as f64 / MIB)
}

/// `a / b` as `1.23x`, or `-` when either is missing.
fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
        _ => "-".into(),
    }
}

fn format_case(case: &Case) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} pages, {} language(s): carebook built {} pages; medians of {} run(s)",
        case.pages,
        case.languages,
        case.rendered,
        case.of(Kind::CarebookEmpty).len()
    );
    let _ = writeln!(
        out,
        "  {:<31} {:>8} {:>8} {:>8} {:>9} {:>14} {:>15}",
        "", "wall s", "user s", "sys s", "peak MiB", "carebook/Hugo", "carebook/floor"
    );
    // Each carebook run against the Hugo and floor runs that do the same job.
    let against = |kind| match kind {
        Kind::CarebookEmpty => Some((Kind::HugoEmpty, Kind::FloorEmpty)),
        Kind::CarebookNoChange | Kind::CarebookEdit => {
            Some((Kind::HugoExisting, Kind::FloorExisting))
        }
        _ => None,
    };
    for kind in KINDS {
        let runs = case.of(kind);
        if runs.is_empty() {
            continue;
        }
        let seconds = |key: fn(&RunResult) -> Duration| {
            median(runs, key).map_or("-".into(), |d| format!("{:.3}", d.as_secs_f64()))
        };
        let (vs_hugo, vs_floor) = against(kind).map_or((String::new(), String::new()), |(h, f)| {
            (ratio(wall(runs), wall(case.of(h))), ratio(wall(runs), wall(case.of(f))))
        });
        let _ = writeln!(
            out,
            "  {:<31} {:>8} {:>8} {:>8} {:>9.1} {:>14} {:>15}",
            kind.label(),
            seconds(|r| r.wall),
            seconds(|r| r.user),
            seconds(|r| r.sys),
            peak_mib(runs).unwrap_or(0.0),
            vs_hugo,
            vs_floor
        );
    }
    let _ = writeln!(out, "  (c) is against Hugo over its output: Hugo's CLI rebuilds everything");
    out.push_str(&format_goals(case));
    out
}

/// The goals of issue #13, PASS or FAIL.
fn format_goals(case: &Case) -> String {
    let mut out = String::from("  goals (issue #13):\n");
    let carebook: Vec<RunResult> =
        [Kind::CarebookEmpty, Kind::CarebookNoChange, Kind::CarebookEdit]
            .iter()
            .flat_map(|&k| case.of(k).iter().copied())
            .collect();
    let peak = peak_mib(&carebook).unwrap_or(0.0);
    let peak_goal = match case.pages {
        10_000 => Some(PEAK_GOAL_10K_MIB),
        100_000 => Some(PEAK_GOAL_100K_MIB),
        _ => None,
    };
    if let Some(limit) = peak_goal {
        let text = format!("peak <= {limit:.0} MiB at {} pages: {peak:.1} MiB", case.pages);
        goal_line(&mut out, &text, Some(peak <= limit));
    }
    let (text, pass) = floor_goal(
        case,
        "no-change rebuild",
        (Kind::CarebookNoChange, Kind::FloorExisting),
        REBUILD_GOAL_X_FLOOR,
    );
    goal_line(&mut out, &text, pass);
    let (text, pass) = floor_goal(
        case,
        "first build",
        (Kind::CarebookEmpty, Kind::FloorEmpty),
        FIRST_BUILD_GOAL_X_FLOOR,
    );
    goal_line(&mut out, &text, pass);
    if case.pages == 10_000 {
        let edit = median(case.of(Kind::CarebookEdit), |r| r.wall).unwrap_or_default();
        let text = format!(
            "one-page edit <= {:.1} s at 10000 pages: {:.3} s",
            EDIT_GOAL_10K.as_secs_f64(),
            edit.as_secs_f64()
        );
        goal_line(&mut out, &text, Some(edit <= EDIT_GOAL_10K));
    }
    out
}

/// A goal of carebook's wall time against the floor's: the text and whether
/// it is met.
fn floor_goal(
    case: &Case,
    what: &str,
    (mine, floor): (Kind, Kind),
    limit: f64,
) -> (String, Option<bool>) {
    let (mine_s, floor_s) = (wall(case.of(mine)), wall(case.of(floor)));
    let text = format!(
        "{what} <= {limit}x {}: {:.3} s = {} {:.3} s",
        kind_name(floor),
        mine_s.unwrap_or(0.0),
        ratio(mine_s, floor_s),
        floor_s.unwrap_or(0.0)
    );
    (text, mine_s.zip(floor_s).map(|(m, f)| m <= limit * f))
}

fn kind_name(kind: Kind) -> &'static str {
    kind.label().trim_start_matches(|c: char| "(abcde) ".contains(c))
}

fn goal_line(out: &mut String, text: &str, pass: Option<bool>) {
    let verdict = match pass {
        Some(true) => "PASS",
        Some(false) => "FAIL",
        None => "-",
    };
    let _ = writeln!(out, "    {text:<76} {verdict}");
}

/// All cases in one Markdown table, for an issue's closing note.
fn format_summary(cases: &[Case]) -> String {
    let mut out = String::from(
        "| pages | lang | runs | (a) empty | (b) no change | (c) one edit | Hugo empty | Hugo again | floor empty | floor again | peak carebook / Hugo / floor | (a)/Hugo | (a)/floor | (b)/floor |\n\
         | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
    );
    for case in cases {
        let cell = |kind| wall(case.of(kind)).map_or("-".into(), |s| format!("{s:.2} s"));
        let carebook_peak = [Kind::CarebookEmpty, Kind::CarebookNoChange, Kind::CarebookEdit]
            .iter()
            .filter_map(|&k| peak_mib(case.of(k)))
            .fold(0.0, f64::max);
        let peak_of = |k| peak_mib(case.of(k)).map_or("-".into(), |p| format!("{p:.0}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {carebook_peak:.0} / {} / {} MiB | {} | {} | {} |",
            case.pages,
            case.languages,
            case.of(Kind::CarebookEmpty).len(),
            cell(Kind::CarebookEmpty),
            cell(Kind::CarebookNoChange),
            cell(Kind::CarebookEdit),
            cell(Kind::HugoEmpty),
            cell(Kind::HugoExisting),
            cell(Kind::FloorEmpty),
            cell(Kind::FloorExisting),
            peak_of(Kind::HugoEmpty),
            peak_of(Kind::FloorEmpty),
            ratio(wall(case.of(Kind::CarebookEmpty)), wall(case.of(Kind::HugoEmpty))),
            ratio(wall(case.of(Kind::CarebookEmpty)), wall(case.of(Kind::FloorEmpty))),
            ratio(wall(case.of(Kind::CarebookNoChange)), wall(case.of(Kind::FloorExisting))),
        );
    }
    out
}
