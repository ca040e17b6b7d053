//! Part of `render_site`: `sitemap.xml` and `robots.txt`, so search engines
//! find every page and hosts serve the usual files.

use std::fmt::Write as _;

use crate::config::Config;
use crate::model::Site;

/// `sitemap.xml` listing every section, page and print pack, sorted by URL.
/// The offline page is left out: it is only for the service worker.
pub fn render_sitemap(site: &Site, config: &Config) -> String {
    let mut entries: Vec<(&str, Option<&str>)> = site
        .entries()
        .map(|e| (e.url.as_str(), e.meta.updated.as_deref().or(e.meta.reviewed.as_deref())))
        .collect();
    // Print packs are real pages clinics link to and print from.
    let packs = crate::worksheets::print_packs(site);
    entries.extend(packs.iter().map(|pack| (pack.url.as_str(), None)));
    entries.sort_unstable();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, lastmod) in entries {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", escape_xml(&config.permalink(url)));
        if let Some(date) = lastmod {
            let _ = writeln!(xml, "    <lastmod>{date}</lastmod>");
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
