//! Stage 3: the site model and the templates become an
//! [`OutputSet`](crate::output::write::OutputSet), every file of the site in
//! memory: pages, worksheets, search indexes, sitemap, robots.txt, the
//! security headers, assets and images.

pub mod assets;
pub mod contrast;
pub mod headers;
pub mod memo;
pub mod pages;
pub mod search;
pub mod shortcodes;
pub mod sitemap;
pub mod worksheets;
