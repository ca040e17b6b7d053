//! What `carebook serve` does with a file-system event: which changes need a
//! rebuild, and which are noise (editor swap files, the output folder).
//!
//! Every relevant change triggers a full rebuild: fast full rebuilds do not
//! go stale the way partial ones do (Zola reached the same conclusion,
//! getzola/zola#1114). The kind is only used to tell the user what changed.

use std::path::{Component, Path};

use crate::source::files::is_ignored_name;

/// What a changed path is, as far as a rebuild is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Content,
    Template,
    Static,
    Theme,
    Config,
    /// Not part of the site's sources (or an editor's temporary file).
    Ignored,
}

/// Classifies `path` (absolute, or relative to the site root).
pub fn classify_change(root: &Path, path: &Path) -> Change {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let Some(file_name) = parts.last() else { return Change::Ignored };
    if parts.iter().any(|part| is_ignored_name(part)) || is_editor_leftover(file_name) {
        return Change::Ignored;
    }
    match parts.first().map(String::as_str) {
        Some("site.toml") if parts.len() == 1 => Change::Config,
        Some("content") => Change::Content,
        // A site's own words (i18n/es.toml) are read like its templates.
        Some("templates" | "i18n") => Change::Template,
        Some("static") => Change::Static,
        Some("themes") => Change::Theme,
        _ => Change::Ignored,
    }
}

/// Files that editors write next to the real one while saving.
fn is_editor_leftover(name: &str) -> bool {
    // Vim: 4913 probe files and .swp/.swo; Emacs: #file# and .#file locks;
    // JetBrains: ___jb_tmp___ / ___jb_old___; Kate/others: file.kate-swp, ~ backups.
    name == "4913"
        || name.ends_with(".swo")
        || name.ends_with(".kate-swp")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || name.ends_with(".crswap")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_changes() {
        let root = Path::new("/site");
        let table = [
            ("/site/content/prepare/gather.md", Change::Content),
            ("/site/content/_index.md", Change::Content),
            ("/site/templates/page.html", Change::Template),
            ("/site/i18n/es.toml", Change::Template),
            ("/site/static/logo.svg", Change::Static),
            ("/site/themes/default/static/style.css", Change::Theme),
            ("/site/site.toml", Change::Config),
            ("site.toml", Change::Config),
            ("/site/content/prepare/.gather.md.swp", Change::Ignored),
            ("/site/content/prepare/gather.md~", Change::Ignored),
            ("/site/content/prepare/#gather.md#", Change::Ignored),
            ("/site/content/prepare/4913", Change::Ignored),
            ("/site/content/gather.md___jb_tmp___", Change::Ignored),
            ("/site/public/index.html", Change::Ignored),
            ("/site/target/debug/carebook", Change::Ignored),
            ("/site/.git/index", Change::Ignored),
            ("/site/content/.hidden/a.md", Change::Ignored),
            ("/site/notes/site.toml", Change::Ignored),
            ("/site", Change::Ignored),
        ];
        for (path, expected) in table {
            assert_eq!(classify_change(root, Path::new(path)), expected, "{path}");
        }
    }
}
