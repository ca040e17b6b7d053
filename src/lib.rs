//! carebook turns a clinic's patient guidance, written as Markdown files,
//! into a small, fast, private static website.
//!
//! The library holds the whole pipeline, one folder per stage (see
//! [`build`]): [`source`] reads the site's files, [`content`] parses and
//! checks them into the site model, [`render`] turns the model into the
//! site's files in memory, and [`output`] hashes and writes them. `check`
//! and `serve` reuse the stages; the `carebook` binary only parses the
//! command line and maps results to exit codes.

#![forbid(unsafe_code)]

pub mod build;
pub mod check;
pub(crate) mod content;
pub mod diagnostic;
pub mod error;
pub mod fuzzing;
pub mod output;
pub(crate) mod readability;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod source;

pub use build::{BuildOptions, BuildReport, SiteBuild, build, render_output};
pub use diagnostic::{Diagnostic, Position, Severity};
pub use error::BuildError;
