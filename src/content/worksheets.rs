//! Where a site's worksheets gather, decided with the model so validation
//! can check the addresses before anything is rendered: each section's
//! print pack, and the "My answers" page of a site with a journal.

use crate::content::model::{Page, SectionId, Site, Worksheet};

/// The theme's "My answers" page (optional), built at `<language home>journal/`.
pub const ANSWERS_TEMPLATE: &str = "answers.html";

/// A section's print pack: every worksheet in it and below it.
#[derive(Debug, Clone)]
pub struct PrintPack<'a> {
    pub section: SectionId,
    pub url: String,
    pub pages: Vec<&'a Page>,
}

/// The print pack of every section that holds at least one worksheet, at
/// `<section URL>print/`.
pub fn print_packs(site: &Site) -> Vec<PrintPack<'_>> {
    (0..site.sections.len())
        .filter_map(|id| {
            let mut pages = Vec::new();
            collect_worksheets(site, id, &mut pages);
            (!pages.is_empty()).then(|| PrintPack {
                section: id,
                url: print_pack_url(&site.sections[id].entry.url),
                pages,
            })
        })
        .collect()
}

/// Where the theme's "My answers" page (`answers.html`) goes: `journal/`
/// under the language's home (`/journal/`, `/es/journal/`).
pub fn answers_url(home: &str) -> String {
    format!("{home}journal/")
}

/// Whether the site has a prompt collection, so a "My answers" page.
pub fn has_journal(site: &Site) -> bool {
    let mut pages = Vec::new();
    collect_worksheets(site, site.root, &mut pages);
    pages.iter().any(|page| matches!(page.worksheet, Some(Worksheet::Prompts(_))))
}

/// The URL of a section's print pack.
pub fn print_pack_url(section_url: &str) -> String {
    format!("{section_url}print/")
}

/// Worksheets in reading order: the section's own pages, then each
/// subsection's.
pub(crate) fn collect_worksheets<'a>(site: &'a Site, id: SectionId, pages: &mut Vec<&'a Page>) {
    let section = &site.sections[id];
    pages.extend(section.pages.iter().map(|&p| &site.pages[p]).filter(|p| p.worksheet.is_some()));
    for &sub in &section.subsections {
        collect_worksheets(site, sub, pages);
    }
}
