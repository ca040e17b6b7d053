//! The `carebook` command: parses arguments, calls the library, and maps the
//! outcome to an exit code (0 ok, 1 content or build failure, 2 usage).

#![forbid(unsafe_code)]

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use carebook::{BuildError, BuildOptions};

/// mimalloc instead of glibc's malloc: a build allocates millions of small
/// strings from two threads, and glibc's arenas made the time per page grow
/// with the site (100,000 pages took more than twice as long per page as
/// 10,000). The library leaves the choice to whoever links it; without the
/// default `mimalloc` feature the system allocator stays (for heaptrack).
/// mimalloc's version 2 (Cargo.toml): v3 kept 16 % more memory.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Build a private, offline-ready patient guide from Markdown files.
#[derive(Debug, Parser)]
#[command(name = "carebook", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the website into a folder (public/ unless you choose another).
    ///
    /// If anything in your pages is wrong, carebook lists every problem with
    /// its file and line, and leaves the previous website untouched.
    Build {
        /// The site's folder, the one that holds site.toml.
        #[arg(long, short, value_name = "FOLDER", default_value = ".")]
        root: PathBuf,
        /// Where to write the website [default: public/ inside the site's folder].
        #[arg(long, short, value_name = "FOLDER")]
        output: Option<PathBuf>,
        /// Also publish pages marked draft = true.
        #[arg(long)]
        drafts: bool,
        /// The address the site will be published at, replacing base_url in site.toml.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// List every warning on its own, even one repeated on many pages.
        #[arg(long)]
        verbose: bool,
    },
    /// Check every page for problems, without writing the website.
    ///
    /// Runs everything `build` checks, plus reading level, image
    /// descriptions, review dates and colour contrast. Exits with 1 if
    /// anything must be fixed; warnings are worth fixing but do not fail.
    Check {
        /// The site's folder, the one that holds site.toml.
        #[arg(long, short, value_name = "FOLDER", default_value = ".")]
        root: PathBuf,
        /// Also visit every link to another website and report broken ones (needs the internet).
        #[arg(long)]
        external: bool,
        /// How to print what check found.
        #[arg(long, value_enum, value_name = "FORMAT", default_value_t = carebook::check::ReportFormat::Text)]
        format: carebook::check::ReportFormat,
        /// List every warning on its own, even one repeated on many pages.
        #[arg(long)]
        verbose: bool,
    },
    /// Preview the site in your browser while you edit it.
    ///
    /// Every time you save a page, a template or site.toml, the site is
    /// rebuilt and open pages reload. If something is wrong, the browser
    /// lists the problems and the last good version keeps working.
    Serve {
        /// The site's folder, the one that holds site.toml.
        #[arg(long, short, value_name = "FOLDER", default_value = ".")]
        root: PathBuf,
        /// The address to listen on. The default keeps the preview on this computer.
        #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// The port to listen on [default: 1111, or the next free one].
        #[arg(long, short, value_name = "PORT")]
        port: Option<u16>,
        /// Also show pages marked draft = true.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a new page in content/, with the front matter its kind needs.
    ///
    /// PATH is the page's path inside content/ (`before/pain-relief`; `.md`
    /// is added). An existing file is never overwritten, and a folder on
    /// the way that has no _index.md gets one.
    New {
        /// The page's path inside content/, e.g. before/pain-relief.
        #[arg(value_name = "PATH")]
        path: String,
        /// What the page is: a guidance page, a journal page or a checklist.
        #[arg(long, value_enum, value_name = "KIND", default_value_t = carebook::scaffold::new_page::NewKind::Page)]
        kind: carebook::scaffold::new_page::NewKind,
        /// The site's folder, the one that holds site.toml.
        #[arg(long, short, value_name = "FOLDER", default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site with example pages in a new folder.
    Init {
        /// The folder to create the site in.
        #[arg(value_name = "FOLDER")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let is_build = matches!(cli.command, Command::Build { .. });
    let result = match cli.command {
        Command::Build { root, output, drafts, base_url, verbose } => {
            run_build(&BuildOptions { root, output, include_drafts: drafts, base_url }, verbose)
        }
        Command::Init { dir } => run_init(&dir),
        Command::New { path, kind, root } => run_new(&root, &path, kind),
        Command::Check { root, external, format, verbose } => {
            return run_check(&carebook::check::CheckOptions { root, external }, format, verbose);
        }
        Command::Serve { root, bind, port, drafts } => {
            carebook::serve::serve(&carebook::serve::ServeOptions {
                root,
                bind,
                port,
                include_drafts: drafts,
            })
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{}", err.report());
            // After the problems, as the last word (issue #15): printed
            // first, it scrolled away above them.
            if is_build && matches!(err, BuildError::Content(_)) {
                eprintln!("The previous website (if any) was left as it was.");
            }
            ExitCode::from(1)
        }
    }
}

fn run_build(options: &BuildOptions, verbose: bool) -> Result<(), BuildError> {
    let started = Instant::now();
    let report = carebook::build(options)?;
    for entry in carebook::diagnostic::grouped_text(&report.warnings, verbose) {
        eprintln!("{entry}");
    }
    let with_warnings = match report.warnings.len() {
        0 => String::new(),
        n => format!(", with {}", carebook::diagnostic::count(n, "warning")),
    };
    if report.unchanged {
        eprintln!(
            "Nothing changed since the last build: {} ({} pages, {} files) is up to date{with_warnings} ({} ms)",
            report.output_dir.display(),
            report.page_count,
            report.file_count,
            started.elapsed().as_millis(),
        );
        return Ok(());
    }
    eprintln!(
        "Built {} pages ({} files) into {} in {} ms{with_warnings}",
        report.page_count,
        report.file_count,
        report.output_dir.display(),
        started.elapsed().as_millis(),
    );
    let written = report.written;
    eprintln!(
        "Wrote {}, removed {}, {} already up to date",
        carebook::diagnostic::count(written.written, "new or changed file"),
        written.removed,
        written.files - written.written,
    );
    if report.html_bytes > 0 {
        eprintln!(
            "Search index: {:.1} KiB, {:.1} % of the pages' HTML ({:.1} KiB); a search fetches its list ({:.1} KiB) and parts of at most {:.1} KiB",
            report.search_index_bytes as f64 / 1024.0,
            report.search_index_bytes as f64 * 100.0 / report.html_bytes as f64,
            report.html_bytes as f64 / 1024.0,
            report.search_list_bytes as f64 / 1024.0,
            report.search_part_bytes as f64 / 1024.0,
        );
    }
    Ok(())
}

/// Prints the report on stdout; exit 1 if it holds an error.
fn run_check(
    options: &carebook::check::CheckOptions,
    format: carebook::check::ReportFormat,
    verbose: bool,
) -> ExitCode {
    match carebook::check::check(options) {
        Ok(report) => {
            print!("{}", report.render(format, verbose));
            if report.errors() > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Err(err) => {
            eprintln!("{}", err.report());
            ExitCode::from(1)
        }
    }
}

fn run_new(
    root: &std::path::Path,
    path: &str,
    kind: carebook::scaffold::new_page::NewKind,
) -> Result<(), BuildError> {
    let written = carebook::scaffold::new_page::new_page(root, path, kind)?;
    // `carebook new x` in the site's folder names the files as the author does.
    let shown = |file: &std::path::Path| {
        if root == std::path::Path::new(".") { file.to_path_buf() } else { root.join(file) }
    };
    for (i, file) in written.iter().enumerate() {
        let why = if i == 0 {
            ""
        } else {
            " (its folder's section page: without it, the folder's address would be a 404)"
        };
        eprintln!("  created {}{why}", shown(file).display());
    }
    let serve = if root == std::path::Path::new(".") {
        "carebook serve".to_string()
    } else {
        format!("carebook serve --root {}", root.display())
    };
    eprintln!("Next: write the page, and watch it change as you save with `{serve}`.");
    Ok(())
}

fn run_init(dir: &std::path::Path) -> Result<(), BuildError> {
    let written = carebook::scaffold::init::init_site(dir)?;
    for file in &written {
        eprintln!("  created {}", dir.join(file).display());
    }
    let dir = dir.display();
    eprintln!(
        "Your new site is in {dir}. Next: `carebook serve --root {dir}`, then open the address it \
         prints (http://127.0.0.1:1111 unless that port is taken)."
    );
    // Opened from the disk (file://), module scripts and the site's
    // absolute addresses fail, so a built site must be served (issue #15).
    eprintln!(
        "To publish: `carebook check --root {dir}`, then `carebook build --root {dir}` writes the \
         site into {dir}/public/ for your web host."
    );
    Ok(())
}
