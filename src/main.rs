//! The `carebook` command: parses arguments, calls the library, and maps the
//! outcome to an exit code (0 ok, 1 content or build failure, 2 usage).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use carebook::{BuildError, BuildOptions};

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
    let result = match cli.command {
        Command::Build { root, output, drafts, base_url } => {
            run_build(&BuildOptions { root, output, include_drafts: drafts, base_url })
        }
        Command::Init { dir } => run_init(&dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{}", err.report());
            ExitCode::from(1)
        }
    }
}

fn run_build(options: &BuildOptions) -> Result<(), BuildError> {
    let started = Instant::now();
    let report = carebook::build(options).map_err(|err| {
        if matches!(err, BuildError::Content(_)) {
            eprintln!("The previous website (if any) was left as it was.");
        }
        err
    })?;
    for warning in &report.warnings {
        eprintln!("{warning}");
    }
    eprintln!(
        "Built {} pages ({} files) into {} in {} ms{}",
        report.page_count,
        report.file_count,
        report.output_dir.display(),
        started.elapsed().as_millis(),
        match report.warnings.len() {
            0 => String::new(),
            n => format!(", with {n} warning(s)"),
        }
    );
    Ok(())
}

fn run_init(dir: &std::path::Path) -> Result<(), BuildError> {
    let written = carebook::init::init_site(dir)?;
    for file in &written {
        eprintln!("  created {}", dir.join(file).display());
    }
    eprintln!(
        "Your new site is in {}. Next: `carebook build --root {}`, then open its public/ folder.",
        dir.display(),
        dir.display()
    );
    Ok(())
}
