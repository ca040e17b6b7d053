//! The Hugo side of `benches/compare.rs` (`#[path = "hugo_site.rs"] mod
//! hugo_site;`): a Hugo project that reads the generated carebook site's own
//! `content/` and `static/` (no copy), with minimal templates.
//!
//! What the templates do, per page: a `<head>` with the title and
//! description, a list of the top-level sections, the page's title, table of
//! contents (`##` and `###`) and body, and its neighbours in its section; a
//! section page lists its pages. Hugo minifies its output (`--minify`), as
//! carebook does. It also writes a sitemap and a 404 page, as carebook does.
//!
//! What they do not do, and carebook does: resolve and check links
//! (`[x](page-3.md#heading)` stays a dead `page-3.md#heading` href in Hugo's
//! output), breadcrumbs, the safety banner and the theme's words, the search
//! index, the service worker and its precache list, the offline page,
//! fingerprinted assets, headers, and the check for missing descriptions. No
//! taxonomies or feeds are written (carebook has neither).
//!
//! Two languages: both Hugo languages mount the same `content/`, so every
//! page is rendered twice, English at the root and Spanish under `/es/`, as
//! carebook shows an untranslated page in both languages (Hugo's pages under
//! `/es/` are plain copies in English; carebook's add a note and the Spanish
//! theme words).

use std::fmt::Write as _;
use std::path::Path;

const BASEOF: &str = r#"<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ .Site.Title }}</title>
<meta name="description" content="{{ .Description }}">
</head>
<body>
<nav aria-label="Sections"><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"#;

const SINGLE: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .TableOfContents }}
{{ .Content }}
<nav aria-label="Next and previous">
{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
"#;

const NOT_FOUND: &str = r#"{{ define "main" }}<h1>Page not found</h1>{{ end }}
"#;

/// Writes the Hugo project into `dir` (created): `hugo.toml` and
/// `layouts/`, reading `site_root`'s content/ and static/.
pub fn write_project(dir: &Path, site_root: &Path, languages: usize) -> std::io::Result<()> {
    let layouts = dir.join("layouts/_default");
    std::fs::create_dir_all(&layouts)?;
    std::fs::write(layouts.join("baseof.html"), BASEOF)?;
    std::fs::write(layouts.join("single.html"), SINGLE)?;
    std::fs::write(layouts.join("list.html"), LIST)?;
    std::fs::write(dir.join("layouts/404.html"), NOT_FOUND)?;
    std::fs::write(dir.join("hugo.toml"), config(site_root, languages))
}

fn config(site_root: &Path, languages: usize) -> String {
    let content = toml_path(&site_root.join("content"));
    let static_dir = toml_path(&site_root.join("static"));
    let mut toml = String::from(
        r#"baseURL = "https://guide.riverbend.example/"
title = "Your at-home ketamine session"
disableKinds = ["taxonomy", "term", "RSS"]
enableRobotsTXT = false
defaultContentLanguage = "en"

[markup.goldmark.extensions]
typographer = true
[markup.tableOfContents]
startLevel = 2
endLevel = 3
"#,
    );
    // Two languages mount content/ once for each: the same folder as the
    // contentDir of both languages renders it in the first one only.
    let langs: &[&str] = if languages >= 2 { &["en", "es"] } else { &[""] };
    if languages >= 2 {
        toml.push_str(
            "\n[languages.en]\nweight = 1\n\n[languages.es]\nweight = 2\n\
             title = \"Su sesión de ketamina en casa\"\n",
        );
    }
    for lang in langs {
        let lang = if lang.is_empty() { String::new() } else { format!("lang = \"{lang}\"\n") };
        let _ =
            write!(toml, "\n[[module.mounts]]\nsource = {content}\ntarget = \"content\"\n{lang}");
    }
    let _ = write!(toml, "\n[[module.mounts]]\nsource = {static_dir}\ntarget = \"static\"\n");
    toml
}

/// A TOML string of a path.
fn toml_path(path: &Path) -> String {
    format!("\"{}\"", path.display().to_string().replace('\\', "\\\\").replace('"', "\\\""))
}
