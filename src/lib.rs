//! carebook turns a clinic's patient guidance, written as Markdown files,
//! into a small, fast, private static website.
//!
//! The library holds the whole pipeline (see [`build`] for its stages); the
//! `carebook` binary only parses the command line and maps results to exit
//! codes.

pub mod assets;
pub mod build;
pub mod check;
pub mod checklist;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod error;
pub mod frontmatter;
pub mod fuzzing;
pub mod i18n;
pub mod images;
pub mod init;
pub mod markdown;
pub mod model;
pub mod new_page;
pub mod offline;
pub mod output;
pub mod postprocess;
pub mod prompts;
pub mod rawhtml;
pub mod readability;
pub mod render;
pub mod render_memo;
pub mod search;
pub mod security;
pub mod serve;
pub mod shortcodes;
pub mod sitemap;
pub mod theme;
pub mod toml_errors;
pub mod validate;
pub mod worksheets;

pub use build::{BuildOptions, BuildReport, SiteBuild, build, render_output};
pub use diagnostic::{Diagnostic, Position, Severity};
pub use error::BuildError;
