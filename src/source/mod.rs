//! Stage 1, the only stage that reads the disk: `site.toml` and the command
//! line become a [`Config`](config::Config), and the site's folders become
//! [`Sources`](discover::Sources) (content, templates, static files, theme).

pub mod config;
pub mod discover;
pub mod files;
pub(crate) mod theme;
