//! Stage 4, the only other stage that touches the disk: the rendered files
//! are minified, given the manifest and service worker, and written beside
//! the output folder, then swapped in.

pub(crate) mod minify;
pub(crate) mod offline;
pub mod write;

use std::collections::BTreeSet;

use tera::Tera;

use crate::error::BuildError;
use crate::output::minify::minify_output;
use crate::output::offline::{add_manifest, add_offline_support};
use crate::render::OutputSet;
use crate::source::config::{Config, Purpose};

/// Stage 4a: a published site is minified and gets its service worker,
/// which precaches every file but `not_precached`; a preview gets only the
/// web app manifest.
pub fn finish(
    files: &mut OutputSet,
    config: &Config,
    tera: &Tera,
    not_precached: &BTreeSet<String>,
    purpose: Purpose,
) -> Result<(), BuildError> {
    match purpose {
        Purpose::Publish => {
            minify_output(files);
            add_offline_support(files, config, tera, not_precached)
        }
        Purpose::Preview | Purpose::Check => {
            add_manifest(files, config);
            Ok(())
        }
    }
}
