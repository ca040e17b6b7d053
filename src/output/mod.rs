//! Stage 4, the only other stage that touches the disk: each rendered file
//! is hashed for the service worker and handed on to where it is
//! kept (the spare output tree, [`write`], or memory), as soon as it is
//! rendered; then the manifest and service worker, made from the list of
//! what was published, and the spare tree swapped in.

pub(crate) mod offline;
pub mod stamp;
pub mod write;

use std::collections::BTreeSet;
use std::sync::{Mutex, PoisonError};

use tera::Tera;

use crate::error::BuildError;
use crate::output::offline::{OfflineInput, OutputEntry, add_manifest, add_offline_support};
use crate::render::{FileSink, OutputSet};
use crate::source::config::Config;

/// Stage 4a for a published site, as a [`FileSink`] for the render stage:
/// remembers each file's size and hash (all the service worker needs of
/// it), then hands the bytes to `store`. Pages are not minified: the
/// templates lost their indentation once, when loaded
/// (`render::template_text`), and author comments are left out of the
/// Markdown's HTML, which is all minifying each page did that gzip does not
/// (issue #13: it was over a third of a build's CPU).
pub struct Publisher<'a> {
    store: &'a dyn FileSink,
    published: Mutex<Vec<OutputEntry>>,
}

impl<'a> Publisher<'a> {
    pub fn new(store: &'a dyn FileSink) -> Self {
        Publisher { store, published: Mutex::new(Vec::new()) }
    }

    /// Adds the manifest and the service worker, which precaches the
    /// shell and `precached.always`, then other files within the site's
    /// budget, never `precached.never`; returns every file published, by
    /// path.
    pub fn finish(
        self,
        config: &Config,
        tera: &Tera,
        precached: Precached,
    ) -> Result<Vec<OutputEntry>, BuildError> {
        let mut published = self.published.into_inner().unwrap_or_else(PoisonError::into_inner);
        published.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let input = OfflineInput {
            config,
            tera,
            always_precached: precached.always,
            not_precached: precached.never,
        };
        for (path, bytes) in add_offline_support(&published, &input)? {
            published.push(OutputEntry::of(&path, &bytes));
            self.store.put(path, bytes)?;
        }
        published.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        Ok(published)
    }
}

/// The output paths the service worker always and never precaches.
#[derive(Debug, Clone, Copy)]
pub struct Precached<'a> {
    pub always: &'a BTreeSet<String>,
    pub never: &'a BTreeSet<String>,
}

impl FileSink for Publisher<'_> {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), BuildError> {
        let entry = OutputEntry::of(&path, &bytes);
        self.store.put(path, bytes)?;
        self.published.lock().unwrap_or_else(PoisonError::into_inner).push(entry);
        Ok(())
    }
}

/// Stage 4a for a preview: the web app manifest (pages link to it); no
/// service worker.
pub fn finish_preview(files: &mut OutputSet, config: &Config) {
    add_manifest(files, config);
}
