//! `carebook serve` renders again only the documents an edit changed: a
//! document's HTML and worksheet (`render_document`) are a pure function of
//! the parsed document and the table of routes its links resolve against,
//! so a [`document_fingerprint`] of both says when the last preview's body
//! can be reused. `render::memo` does the same for whole pages.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use crate::content::frontmatter::ParsedDoc;
use crate::content::markdown::{RenderedDoc, RouteTable};
use crate::content::model::Worksheet;

/// A document's place in the memo: its language's code and content path.
pub type DocumentKey = (String, String);

/// A document's HTML and worksheet, as `render_document` gave them.
#[derive(Debug)]
pub struct RenderedBody {
    pub fingerprint: u64,
    pub rendered: RenderedDoc,
    pub worksheet: Option<Worksheet>,
}

/// Every document's rendered body, as the last preview kept them.
pub type DocumentMemo = HashMap<DocumentKey, Arc<RenderedBody>>;

/// The last rendered body of the document at `key`, if its fingerprint was
/// `fingerprint`.
pub fn reuse(
    memo: &DocumentMemo,
    key: &DocumentKey,
    fingerprint: u64,
) -> Option<Arc<RenderedBody>> {
    memo.get(key).filter(|body| body.fingerprint == fingerprint).cloned()
}

/// A hash of a language's routes (content path -> URL), in a fixed order.
pub fn routes_fingerprint(routes: &RouteTable) -> u64 {
    let mut sorted: Vec<_> = routes.iter().collect();
    sorted.sort_unstable();
    let mut hasher = DefaultHasher::new();
    sorted.hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of rendering `doc` with routes of fingerprint `routes`.
pub fn document_fingerprint(doc: &ParsedDoc, routes: u64) -> u64 {
    let mut hasher = DefaultHasher::new();
    routes.hash(&mut hasher);
    (&doc.content_path, &doc.display_path, &doc.body, doc.body_first_line).hash(&mut hasher);
    // The front matter's types have no Hash; their Debug text shows every field.
    format!("{:?} {:?} {:?} {:?}", doc.role, doc.meta, doc.slug, doc.kind).hash(&mut hasher);
    hasher.finish()
}
