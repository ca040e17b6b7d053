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
use crate::output::offline::{OfflineInput, add_manifest, add_offline_support, output_entries};
use crate::render::OutputSet;
use crate::source::config::{Config, Purpose};

/// The output paths the service worker always and never precaches.
#[derive(Debug, Clone, Copy)]
pub struct Precached<'a> {
    pub always: &'a BTreeSet<String>,
    pub never: &'a BTreeSet<String>,
}

/// Stage 4a: a published site is minified and gets its service worker,
/// which precaches the shell and `always_precached`, then other files
/// within the site's budget, never `not_precached`; a preview gets only
/// the web app manifest.
pub fn finish(
    files: &mut OutputSet,
    config: &Config,
    tera: &Tera,
    precached: Precached,
    purpose: Purpose,
) -> Result<(), BuildError> {
    match purpose {
        Purpose::Publish => {
            minify_output(files);
            let input = OfflineInput {
                config,
                tera,
                always_precached: precached.always,
                not_precached: precached.never,
            };
            files.extend(add_offline_support(&output_entries(files), &input)?);
            Ok(())
        }
        Purpose::Preview | Purpose::Check => {
            add_manifest(files, config);
            Ok(())
        }
    }
}
