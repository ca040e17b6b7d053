//! Part of `render::render`: `sitemap.xml` and `robots.txt`, so search engines
//! find every page and hosts serve the usual files.

use std::fmt::Write as _;

use crate::content::model::Site;
use crate::render::pages::{Alternates, LanguageLink};
use crate::source::config::Config;

/// `sitemap.xml` listing every section, page and print pack of every
/// language, sorted by URL. A page written in several languages lists them
/// all as `xhtml:link` alternates. The offline page is left out: it is
/// only for the service worker.
pub fn render_sitemap(sites: &[Site], alternates: &Alternates, config: &Config) -> String {
    let mut entries: Vec<(&str, Option<&str>, &[LanguageLink])> = Vec::new();
    let mut packs = Vec::new();
    for site in sites {
        entries.extend(site.entries().map(|e| {
            let versions = alternates.of_path(&e.content_path);
            let versions =
                if versions.iter().filter(|v| v.translated()).count() > 1 { versions } else { &[] };
            (e.url.as_str(), e.meta.updated.as_deref().or(e.meta.reviewed.as_deref()), versions)
        }));
        // Print packs are real pages clinics link to and print from.
        packs
            .extend(crate::content::worksheets::print_packs(site).into_iter().map(|pack| pack.url));
    }
    entries.extend(packs.iter().map(|url| (url.as_str(), None, &[][..])));
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    for (url, lastmod, versions) in entries {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", escape_xml(&config.permalink(url)));
        if let Some(date) = lastmod {
            let _ = writeln!(xml, "    <lastmod>{date}</lastmod>");
        }
        for version in versions.iter().filter(|v| v.translated()) {
            let _ = writeln!(
                xml,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                version.code(),
                escape_xml(version.permalink())
            );
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// `robots.txt` that allows everything and names the sitemap.
pub fn render_robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        config.permalink(&format!("{}sitemap.xml", config.base_path))
    )
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
