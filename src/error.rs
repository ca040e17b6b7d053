//! Build errors: what stops a run outright (I/O, templates, configuration).
//!
//! Problems in the user's content are [`Diagnostic`]s instead, collected and
//! reported together; see `diagnostic.rs`.

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

/// Why a build (or `init`) could not finish.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("could not read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no site.toml in {root}")]
    MissingConfig { root: PathBuf },
    #[error("the theme \"{name}\" was not found (looked in {looked_in})")]
    MissingTheme { name: String, looked_in: PathBuf },
    #[error("template {name} could not be loaded")]
    TemplateLoad {
        name: String,
        #[source]
        source: tera::Error,
    },
    #[error("template {name} failed while rendering {page}")]
    TemplateRender {
        name: String,
        page: String,
        #[source]
        source: tera::Error,
    },
    #[error("refusing to write the site into {path}: {reason}")]
    UnsafeOutput { path: PathBuf, reason: String },
    #[error("{dir} already contains a site")]
    InitTargetNotEmpty { dir: PathBuf },
    #[error("cannot create {path}: {reason}")]
    NewPage { path: PathBuf, reason: String, hint: String },
    #[error("{variable}={value:?} is not a date")]
    InvalidDate { variable: &'static str, value: String },
    #[error("could not listen on {address}")]
    Bind {
        address: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("could not watch {path} for changes")]
    Watch {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
    #[error("the site has {}", crate::diagnostic::count(count_errors(.0), "error"))]
    Content(Vec<Diagnostic>),
}

/// What to do when the output cannot be written; the previous output is
/// always left as it was (see output/write.rs).
fn write_hint(path: &std::path::Path, source: &std::io::Error) -> Option<String> {
    use std::io::ErrorKind;
    let kept = "the previous website was left as it was";
    let what = match source.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            "the disk is full: free some space (or choose another disk with --output) and build again".to_string()
        }
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => format!(
            "carebook writes the new site beside the output folder and then swaps it in, so it must be allowed to create folders in {}; make that folder writable or choose another with --output",
            path.parent().unwrap_or(path).display()
        ),
        ErrorKind::NotADirectory | ErrorKind::AlreadyExists => format!(
            "a file stands where a folder is needed in {}; remove it or choose another folder with --output",
            path.display()
        ),
        _ => return Some(format!("check that the output folder can be written; {kept}")),
    };
    Some(format!("{what}; {kept}"))
}

fn count_errors(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.is_error()).count()
}

impl BuildError {
    /// A hint for the person running the command, where one helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            BuildError::MissingConfig { .. } => Some(
                "run carebook in your site's folder, pass --root <folder>, or create a new site with `carebook init <folder>`"
                    .into(),
            ),
            BuildError::MissingTheme { .. } => {
                Some("set `theme = \"default\"` in site.toml, or add the theme's folder under themes/".into())
            }
            BuildError::Bind { source, .. } if source.kind() == std::io::ErrorKind::AddrInUse => Some(
                "another program uses this port: choose another with --port, or leave --port out to pick a free one"
                    .into(),
            ),
            BuildError::InitTargetNotEmpty { .. } => {
                Some("choose an empty or new folder for the new site".into())
            }
            BuildError::InvalidDate { variable, .. } => Some(format!(
                "write the date as YYYY-MM-DD, e.g. 2026-11-25, or unset {variable} to use today's date"
            )),
            BuildError::Write { path, source } => write_hint(path, source),
            BuildError::NewPage { hint, .. } => Some(hint.clone()),
            _ => None,
        }
    }

    /// The whole message with every cause, one per line: Tera keeps the
    /// useful part (which variable, which line) in the causes.
    pub fn report(&self) -> String {
        let mut text = String::new();
        if let BuildError::Content(diagnostics) = self {
            for diagnostic in diagnostics {
                let _ = writeln!(text, "{diagnostic}");
            }
        }
        let _ = write!(text, "error: {self}");
        let mut cause = self.source();
        while let Some(err) = cause {
            let _ = write!(text, "\n  caused by: {err}");
            cause = err.source();
        }
        if let Some(hint) = self.hint() {
            let _ = write!(text, "\n  hint: {hint}");
        }
        text
    }
}
