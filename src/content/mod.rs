//! Stage 2: [`Sources`](crate::source::discover::Sources) become the site
//! model, one [`Site`](model::Site) per language. Each file's front matter
//! and body are parsed, translations paired with their originals, Markdown,
//! prompts and checklists rendered to HTML fragments, and the whole checked:
//! links, anchors, images, reserved addresses.

pub mod checklist;
pub mod frontmatter;
pub mod html;
pub mod images;
pub mod markdown;
pub mod model;
pub mod prompts;
pub mod rawhtml;
pub mod translations;
pub mod validate;
pub mod worksheets;
