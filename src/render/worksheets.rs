//! Part of `render_site`: template contexts for prompt collections and
//! checklists, the worksheets embedded in pages by shortcodes, and the print
//! packs that gather a section's worksheets into one document.
//!
//! A worksheet's id is its content path without `.md` (`prepare/gather`):
//! the storage key in the browser, shared by every copy of it on the site.

use serde::Serialize;

use crate::content::checklist::Checklist;
use crate::content::frontmatter::{ChecklistSettings, PageKind, PromptsSettings};
use crate::content::model::{Page, Site, Worksheet};
use crate::content::prompts::{Prompt, PromptCollection};
use crate::content::worksheets::collect_worksheets;

/// The storage id of a worksheet page.
pub fn worksheet_id(content_path: &str) -> String {
    content_path.trim_end_matches(".md").to_string()
}

#[derive(Debug, Clone, Serialize)]
pub struct PromptContext<'a> {
    #[serde(flatten)]
    prompt: &'a Prompt,
    field_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlongsideContext {
    id: String,
    title: String,
    url: String,
}

/// `collection` in prompts.html and partials/prompts.html.
#[derive(Debug, Clone, Serialize)]
pub struct CollectionContext<'a> {
    id: String,
    title: &'a str,
    url: &'a str,
    intro: &'a str,
    prompts: Vec<PromptContext<'a>>,
    alongside: Option<AlongsideContext>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemContext<'a> {
    id: &'a str,
    text: &'a str,
    note: &'a str,
    field_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupContext<'a> {
    title: &'a str,
    id: String,
    intro: &'a str,
    items: Vec<ItemContext<'a>>,
}

/// `checklist` in checklist.html and partials/checklist.html.
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistContext<'a> {
    id: String,
    title: &'a str,
    url: &'a str,
    intro: &'a str,
    repeat_days: u32,
    days: Vec<u32>,
    groups: Vec<GroupContext<'a>>,
    item_count: usize,
}

/// Either context, tagged for print-pack.html.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum WorksheetContext<'a> {
    Prompts { collection: CollectionContext<'a> },
    Checklist { checklist: ChecklistContext<'a> },
}

/// The context of a worksheet page. Its `field_id`s are unique within the
/// worksheet; the partials put the `id_prefix` they are given in front of
/// every id, so that several worksheets can share one HTML page.
pub fn worksheet_context<'a>(site: &'a Site, page: &'a Page) -> Option<WorksheetContext<'a>> {
    match (&page.worksheet, &page.kind) {
        (Some(Worksheet::Prompts(collection)), PageKind::Prompts(settings)) => {
            Some(WorksheetContext::Prompts {
                collection: collection_context(site, page, collection, settings),
            })
        }
        (Some(Worksheet::Checklist(checklist)), PageKind::Checklist(settings)) => {
            Some(WorksheetContext::Checklist {
                checklist: checklist_context(page, checklist, settings),
            })
        }
        _ => None,
    }
}

fn collection_context<'a>(
    site: &'a Site,
    page: &'a Page,
    collection: &'a PromptCollection,
    settings: &PromptsSettings,
) -> CollectionContext<'a> {
    let entry = &page.entry;
    let alongside =
        settings.alongside.as_ref().and_then(|(path, _)| site.page_by_path(path)).map(|other| {
            AlongsideContext {
                id: worksheet_id(&other.entry.content_path),
                title: other.entry.meta.title.clone(),
                url: other.entry.url.clone(),
            }
        });
    let prompts = collection
        .prompts
        .iter()
        .map(|prompt| PromptContext { prompt, field_id: format!("p-{}", prompt.id) })
        .collect();
    CollectionContext {
        id: worksheet_id(&entry.content_path),
        title: &entry.meta.title,
        url: &entry.url,
        intro: &entry.rendered.html,
        prompts,
        alongside,
    }
}

fn checklist_context<'a>(
    page: &'a Page,
    checklist: &'a Checklist,
    settings: &ChecklistSettings,
) -> ChecklistContext<'a> {
    let entry = &page.entry;
    let groups = checklist
        .groups
        .iter()
        .map(|group| GroupContext {
            title: &group.title,
            id: format!("g-{}", group.id),
            intro: &group.intro,
            items: group
                .items
                .iter()
                .map(|item| ItemContext {
                    id: &item.id,
                    text: &item.text,
                    note: &item.note,
                    field_id: format!("c-{}", item.id),
                })
                .collect(),
        })
        .collect();
    ChecklistContext {
        id: worksheet_id(&entry.content_path),
        title: &entry.meta.title,
        url: &entry.url,
        intro: &entry.rendered.html,
        repeat_days: settings.repeat_days,
        days: (1..=settings.repeat_days).collect(),
        groups,
        item_count: checklist.item_count(),
    }
}

impl WorksheetContext<'_> {
    /// The partial template that draws this worksheet.
    pub fn partial(&self) -> &'static str {
        match self {
            WorksheetContext::Prompts { .. } => "partials/prompts.html",
            WorksheetContext::Checklist { .. } => "partials/checklist.html",
        }
    }

    /// Adds `collection` or `checklist` to a template context.
    pub fn insert_into(&self, context: &mut tera::Context) {
        match self {
            WorksheetContext::Prompts { collection } => context.insert("collection", collection),
            WorksheetContext::Checklist { checklist } => context.insert("checklist", checklist),
        }
    }
}

/// Every prompt collection of the site, in reading order, for the "My
/// answers" page: it lists what is stored under each one.
pub fn journal_collections(site: &Site) -> Vec<CollectionContext<'_>> {
    let mut pages = Vec::new();
    collect_worksheets(site, site.root, &mut pages);
    pages
        .into_iter()
        .filter_map(|page| match worksheet_context(site, page) {
            Some(WorksheetContext::Prompts { collection }) => Some(collection),
            _ => None,
        })
        .collect()
}
