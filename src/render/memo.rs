//! `carebook serve` re-renders only what the last saved edit changed.
//!
//! A saved edit usually changes one page, yet every page of the site goes
//! through the pipeline again (a title can appear in the navigation of
//! every page, a new page moves its neighbours' links). Two steps are most
//! of that work, and both are pure functions of inputs that can be hashed:
//!
//! - Markdown to HTML (`render_document`) depends on the parsed document
//!   and the table of routes its links resolve against: the content stage
//!   keeps those (`content::memo`).
//! - A page's template depends on its Tera context, its template's name,
//!   and what the context does not show (the template sources, the theme's
//!   words, the settings): a [`render_fingerprint`].
//!
//! The next rebuild computes every fingerprint as before, and where one is
//! unchanged, reuses the last result instead of running the step. The
//! output is the same as rendering in full; `carebook build` never uses
//! this and renders everything, every time.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use crate::content::memo::DocumentMemo;
use crate::render::OutputSet;
use crate::source::config::Config;
use crate::source::discover::Sources;

/// What the last preview rendered, with the fingerprints of its inputs.
#[derive(Debug, Default)]
pub struct RenderMemo {
    /// Output path (`prepare/gather/index.html`) -> fingerprint.
    pub fingerprints: HashMap<String, u64>,
    /// The last preview's files, shared with the server that serves them.
    pub files: Arc<OutputSet>,
    /// Every document's rendered body (`content::memo`).
    pub documents: DocumentMemo,
}

impl RenderMemo {
    /// The last render of `path`, if its fingerprint was `fingerprint`.
    pub fn reuse(&self, path: &str, fingerprint: u64) -> Option<Vec<u8>> {
        if self.fingerprints.get(path) != Some(&fingerprint) {
            return None;
        }
        self.files.get(path).cloned()
    }
}

/// A hash of what every page's output depends on beyond its context:
/// template sources, the theme's and site's words, and the settings.
pub fn inputs_fingerprint(config: &Config, sources: &Sources) -> u64 {
    let mut hasher = DefaultHasher::new();
    for (name, template) in &sources.templates {
        (name, &template.text).hash(&mut hasher);
    }
    for text in &sources.texts {
        (&text.language, &text.text).hash(&mut hasher);
    }
    // Pages show images by their content's hash (`images`): a changed
    // image changes the pages.
    sources.statics.hash(&mut hasher);
    sources.beside.hash(&mut hasher);
    // Config has no Hash; its Debug text lists every setting.
    format!("{config:?}").hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of one render: `base` (the inputs, the site context),
/// the template's name and the rest of its context, which is handed back.
pub fn render_fingerprint(
    base: u64,
    template: &str,
    context: tera::Context,
) -> (u64, tera::Context) {
    let mut hasher = DefaultHasher::new();
    base.hash(&mut hasher);
    template.hash(&mut hasher);
    // Context can be read only as JSON: moved out and back, not copied.
    let json = context.into_json();
    hash_json(&json, &mut hasher);
    let context = tera::Context::from_value(json).unwrap_or_default();
    (hasher.finish(), context)
}

/// `base` (the inputs) combined with one language's site context, which
/// every page of that language sees.
pub fn site_fingerprint(base: u64, site: &tera::Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    base.hash(&mut hasher);
    hash_json(site, &mut hasher);
    hasher.finish()
}

/// Feeds the JSON text of `value` to `hasher`, without building the string.
fn hash_json(value: &tera::Value, hasher: &mut impl Hasher) {
    let _ = serde_json::to_writer(HashWriter(hasher), value);
}

/// Text written here is hashed, not kept. Writing never fails.
struct HashWriter<'h, H>(&'h mut H);

impl<H: Hasher> std::io::Write for HashWriter<'_, H> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(title: &str) -> tera::Context {
        let mut context = tera::Context::new();
        context.insert("page", &serde_json::json!({ "title": title, "content": "<p>Hi</p>" }));
        context.insert("current_url", "/a/");
        context
    }

    #[test]
    fn the_same_context_and_template_give_the_same_fingerprint() {
        let (one, back) = render_fingerprint(7, "page.html", context("Water"));
        assert_eq!(back, context("Water"), "the context comes back as it was");
        assert_eq!(one, render_fingerprint(7, "page.html", context("Water")).0);
    }

    #[test]
    fn any_change_gives_another_fingerprint() {
        let fingerprint =
            |base, template, title| render_fingerprint(base, template, context(title)).0;
        let one = fingerprint(7, "page.html", "Water");
        assert_ne!(one, fingerprint(7, "page.html", "Blanket"));
        assert_ne!(one, fingerprint(8, "page.html", "Water"));
        assert_ne!(one, fingerprint(7, "checklist.html", "Water"));
    }

    #[test]
    fn reuse_needs_the_same_fingerprint_and_a_file() {
        let files: OutputSet = [("a/index.html".to_string(), b"<p>A</p>".to_vec())].into();
        let memo = RenderMemo {
            fingerprints: [("a/index.html".to_string(), 1), ("b/index.html".to_string(), 2)].into(),
            files: Arc::new(files),
            documents: DocumentMemo::new(),
        };
        assert_eq!(memo.reuse("a/index.html", 1), Some(b"<p>A</p>".to_vec()));
        assert_eq!(memo.reuse("a/index.html", 3), None);
        assert_eq!(memo.reuse("b/index.html", 2), None);
        assert_eq!(memo.reuse("c/index.html", 1), None);
    }
}
