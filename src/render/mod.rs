//! Stage 3: the site model and the templates become an
//! [`OutputSet`], every file of the site in
//! memory: pages, worksheets, search indexes, sitemap, robots.txt, the
//! security headers, assets and images.

pub mod assets;
pub mod contrast;
pub mod headers;
pub mod images;
pub mod memo;
pub mod pages;
pub mod search;
pub mod shortcodes;
pub mod sitemap;
pub mod worksheets;

use std::collections::BTreeMap;

/// Every file of the rendered site, in memory: output path
/// (`prepare/gather/index.html`) to contents.
pub type OutputSet = BTreeMap<String, Vec<u8>>;
