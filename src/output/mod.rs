//! Stage 4, the only other stage that touches the disk: the rendered files
//! are minified, given the manifest and service worker, and written beside
//! the output folder, then swapped in.

pub mod minify;
pub mod offline;
pub mod write;
