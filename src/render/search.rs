//! Part of `render_site`: the offline search index of one language.
//!
//! Input: the published pages of one language ([`search_documents`] reads
//! them from the [`Site`]), each as a [`SearchDoc`]: URL, title, and its
//! *places*, the top of the page and then one per heading (anchor, heading
//! text, prose). Output: the bytes of `search-index.json`
//! ([`build_search_index`]), which the theme's `js/search.js` fetches on
//! first use and the service worker precaches with every other file.
//!
//! File names: the index of a language lives beside its home page,
//! [`search_index_path`]`("")` = `search-index.json` at the site root,
//! `search_index_path("es/")` = `es/search-index.json` for pages under `/es/`.
//!
//! Only content is indexed: titles, descriptions, the prose of each page,
//! journal prompts and their hints, checklist items and their notes. Not
//! the navigation, header or footer; not print packs, the offline page or
//! the 404 page (they are not entries of the site); not drafts, even when
//! `--drafts` publishes them.
//!
//! Words are folded so that a query typed with or without accents finds
//! the same pages ([`fold`]), and cut into tokens by [`tokenize`]. The same
//! two steps are written in JavaScript in `js/search.js`;
//! `tests/fixtures/search-folding.json` holds strings whose tokens both must
//! agree on (checked here and in `tests/browser/search.test.mjs`).
//!
//! The format (version 2) is cut into files, so that a patient's first
//! search on a site of thousands of pages fetches tens of kilobytes, not the
//! whole index. `search-index.json` is the list of parts:
//!
//! ```json
//! { "v": 2, "lang": "en", "docs": 1234,
//!   "terms": [["aber", "grow", "search-index/t0.1a2b3c4d5e.json"], ["head", "zone", "search-index/t1.….json"]],
//!   "pages": [[0, "search-index/p0.….json"], [310, "search-index/p1.….json"]] }
//! ```
//!
//! - A *term part* holds the tokens from its first to its last one (both
//!   in the list, so a search skips a part that cannot hold its word),
//!   sorted in UTF-16 order (as JavaScript compares strings), and for each
//!   token its postings:
//!   `{ "terms": [token, ...], "postings": [[doc delta, code, doc delta, code, ...], ...] }`.
//!   Each pair is one place of a page that holds the token: the page's
//!   number as the difference from the pair before (0: the same page), and
//!   `place << 2 | 2 if the token is in the page's title | 1 if in the
//!   place's heading`, `place` counting the page's places from 0 (its top).
//!   Ranking needs nothing more, so a search fetches the page records of
//!   the results it shows only. A token on more than an eighth of the pages
//!   (and at least 256) keeps one place per page, the best (title, then a
//!   heading, then the first): its search lists pages, and "the" would
//!   otherwise be most of the index.
//! - A *page part* holds the records of the pages from its first number
//!   up to the next part's: `{ "docs": [[url, title, [[anchor, heading, snippet], ...]], ...] }`,
//!   one `[anchor, heading, snippet]` per place (the top's anchor and heading
//!   are empty; its snippet is the page's description).
//!
//! Part names carry a hash of their bytes, so a new version never reuses a
//! cached old part, and paths are relative to `search-index.json`. Parts
//! are cut at about [`TERM_PART_BYTES`] and [`PAGE_PART_BYTES`]; a token
//! whose postings are longer gets a part of its own.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::content::model::{Entry, Site, Worksheet};
use crate::error::BuildError;

/// The index's file name, in the folder of its language's home page.
pub const INDEX_FILE: &str = "search-index.json";

/// The format version written as `"v"`; `js/search.js` checks it.
pub const FORMAT_VERSION: u32 = 2;

/// The folder of a language's index parts, beside its `search-index.json`.
pub const PARTS_DIR: &str = "search-index";

/// About how many bytes of JSON a term part holds. A one-word search
/// fetches one part (two or three for the start of a word), so this is most
/// of what a first search costs; smaller parts make a longer list.
const TERM_PART_BYTES: usize = 48 * 1024;

/// About how many bytes of JSON a page part holds. The twenty results
/// shown may sit in as many parts: small parts keep that bounded.
const PAGE_PART_BYTES: usize = 8 * 1024;

/// Longest token kept: longer runs of letters are codes or URLs, not words.
const MAX_TOKEN_CHARS: usize = 40;

/// About how many characters of a place's text are kept as its snippet.
const SNIPPET_CHARS: usize = 110;

/// Where the index of the pages under `prefix` is written, relative to the
/// output root: `""` (the default language) -> `search-index.json`,
/// `"es/"` -> `es/search-index.json`.
pub fn search_index_path(prefix: &str) -> String {
    format!("{prefix}{INDEX_FILE}")
}

/// Whether `path` (relative to the output root) is a search index list or part.
pub fn is_search_file(path: &str) -> bool {
    path.ends_with(INDEX_FILE) || path.split('/').rev().nth(1) == Some(PARTS_DIR)
}

/// A language's index that is built the first time it is asked for.
///
/// `carebook serve` sends the reload as soon as the pages are rendered;
/// indexing every page again after each saved edit would take longer than
/// the rest of the rebuild, and the index is fetched only when someone
/// searches. The files are those [`build_search_index`] gives in a build.
pub struct DeferredIndex {
    /// The language's prefix (`""`, `"es/"`), as [`search_index_path`] takes it.
    prefix: String,
    site: Site,
    built: OnceLock<BTreeMap<String, Vec<u8>>>,
}

impl DeferredIndex {
    pub fn new(prefix: String, site: Site) -> Self {
        Self { prefix, site, built: OnceLock::new() }
    }

    /// Whether `path` (relative to the output root) is this index's list or
    /// one of its parts, without building it.
    pub fn may_serve(&self, path: &str) -> bool {
        path.strip_prefix(self.prefix.as_str()).is_some_and(|rest| {
            rest == INDEX_FILE || rest.strip_prefix(PARTS_DIR).is_some_and(|r| r.starts_with('/'))
        })
    }

    /// The file at `path`, the whole index being built on the first call
    /// (calls from other threads wait for that one).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        if !self.may_serve(path) {
            return None;
        }
        let files = self.built.get_or_init(|| {
            let docs = search_documents(&self.site);
            build_search_index(&docs, &self.site.language, &self.prefix).into_iter().collect()
        });
        files.get(path).map(Vec::as_slice)
    }
}

impl std::fmt::Debug for DeferredIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeferredIndex")
            .field("prefix", &self.prefix)
            .field("built", &self.built.get().is_some())
            .finish()
    }
}

/// One page, as the search index sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    pub url: String,
    pub title: String,
    /// The top of the page first, then one place per heading.
    pub places: Vec<Place>,
}

/// A part of a page a result can link to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The heading's id (empty for the top of the page).
    pub anchor: String,
    /// The heading's text (empty for the top of the page).
    pub heading: String,
    /// The prose under the heading, as plain text.
    pub text: String,
    /// Shown under the result; the start of `text` unless set.
    pub snippet: String,
}

/// Every published section and page of `site`, drafts left out, in the
/// site's order (home and sections first, then pages).
pub fn search_documents(site: &Site) -> Vec<SearchDoc> {
    search_documents_where(site, |_| true)
}

/// [`search_documents`] for the entries `keep` accepts: one language's
/// pages, for that language's index.
pub fn search_documents_where(site: &Site, keep: impl Fn(&Entry) -> bool) -> Vec<SearchDoc> {
    let sections = site
        .sections
        .iter()
        .filter(|s| keep(&s.entry))
        .filter_map(|s| search_document(&s.entry, None));
    let pages = site
        .pages
        .iter()
        .filter(|p| keep(&p.entry))
        .filter_map(|p| search_document(&p.entry, p.worksheet.as_ref()));
    sections.chain(pages).collect()
}

/// One section or page; `None` for a draft.
pub fn search_document(entry: &Entry, worksheet: Option<&Worksheet>) -> Option<SearchDoc> {
    if entry.meta.draft {
        return None;
    }
    let mut places = vec![Place::default()];
    collect_html_places(&entry.rendered.html, &mut places);
    match worksheet {
        // The questions have no element of their own to link to (a scale
        // is a fieldset of eleven radio buttons), so they count as text at
        // the top of the page, after the introduction.
        Some(Worksheet::Prompts(collection)) => {
            for prompt in &collection.prompts {
                push_text(&mut places[0].text, &prompt.text);
                push_text(&mut places[0].text, &html_text(&prompt.hint));
            }
        }
        Some(Worksheet::Checklist(checklist)) => {
            for group in &checklist.groups {
                let mut text = html_text(&group.intro);
                for item in &group.items {
                    push_text(&mut text, &html_text(&item.text));
                    push_text(&mut text, &html_text(&item.note));
                }
                if group.title.is_empty() {
                    push_text(&mut places[0].text, &text);
                } else {
                    let heading = group.title.clone();
                    let anchor = group.id.clone();
                    places.push(Place { anchor, heading, text, snippet: String::new() });
                }
            }
        }
        None => {}
    }
    let top = &mut places[0];
    top.snippet = entry.meta.description.trim().to_string();
    top.text = format!("{} {} {}", entry.meta.title, entry.meta.description, top.text);
    Some(SearchDoc { url: entry.url.clone(), title: entry.meta.title.clone(), places })
}

/// The index of `docs` (the pages of one language, `lang` being its code,
/// e.g. `"en"`): `search-index.json` and its parts, as (path relative to
/// the output root, bytes); `prefix` is the language's folder (`""`, `"es/"`).
pub fn build_search_index(docs: &[SearchDoc], lang: &str, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut keep = |path, bytes| {
        files.push((path, bytes));
        Ok(())
    };
    let batches = docs.chunks(TOKEN_BATCH).map(Cow::Borrowed);
    // Keeping a file cannot fail.
    let _ = index_from_batches(batches, docs.len(), lang, prefix, &mut keep);
    // The list first: it is made last.
    files.rotate_right(1);
    files
}

/// Where the index's files go, one at a time.
pub type PutFile<'a> = dyn FnMut(String, Vec<u8>) -> Result<(), BuildError> + 'a;

/// [`build_search_index`] of [`search_documents`]`(site)`, made a batch of
/// pages at a time: the text of every page of a large site at once was
/// most of a published build's peak memory (issue #13). Only each page's
/// record (title, headings, snippets) and the postings stay.
/// Each file is handed to `put` as soon as it is made, so the index's
/// files are never all in memory with the postings.
pub fn build_site_search_index(
    site: &Site,
    prefix: &str,
    put: &mut PutFile,
) -> Result<(), BuildError> {
    let entries: Vec<(&Entry, Option<&Worksheet>)> = site
        .sections
        .iter()
        .map(|s| (&s.entry, None))
        .chain(site.pages.iter().map(|p| (&p.entry, p.worksheet.as_ref())))
        .collect();
    let batches = entries.chunks(TOKEN_BATCH).map(|batch| {
        let docs: Vec<SearchDoc> =
            batch.par_iter().filter_map(|(entry, sheet)| search_document(entry, *sheet)).collect();
        Cow::Owned(docs)
    });
    // As many documents as `search_document` makes: drafts have none.
    let total = entries.iter().filter(|(entry, _)| !entry.meta.draft).count();
    index_from_batches(batches, total, &site.language, prefix, put)
}

/// The index files of the documents in `batches`, in order.
fn index_from_batches<'a>(
    batches: impl Iterator<Item = Cow<'a, [SearchDoc]>>,
    total_docs: usize,
    lang: &str,
    prefix: &str,
    put: &mut PutFile,
) -> Result<(), BuildError> {
    let mut postings = Postings::new(total_docs);
    let mut records: Vec<PageRecord> = Vec::new();
    for batch in batches {
        postings.add(&batch);
        records.extend(batch.iter().map(page_record));
    }
    let postings = postings.finish();
    let mut part = |kind: char, number: usize, bytes: Vec<u8>| -> Result<String, BuildError> {
        let name = crate::render::assets::fingerprinted_name(
            &format!("{PARTS_DIR}/{kind}{number}.json"),
            &bytes,
        );
        put(format!("{prefix}{name}"), bytes)?;
        Ok(name)
    };
    let mut term_parts = Vec::new();
    for (number, chunk) in cut(&postings, TERM_PART_BYTES, term_weight).iter().enumerate() {
        let (first, last) = (chunk[0].0.clone(), chunk[chunk.len() - 1].0.clone());
        let body = TermPart {
            terms: chunk.iter().map(|(term, _)| term.as_str()).collect(),
            postings: chunk.iter().map(|(_, list)| list.as_slice()).collect(),
        };
        term_parts.push((first, last, part('t', number, to_json(&body))?));
    }
    drop(postings);
    let mut page_parts = Vec::new();
    let mut first_doc = 0;
    for (number, chunk) in cut(&records, PAGE_PART_BYTES, PageRecord::weight).iter().enumerate() {
        page_parts.push((first_doc, part('p', number, to_json(&PagePart { docs: chunk }))?));
        first_doc += chunk.len();
    }
    let manifest = Manifest {
        v: FORMAT_VERSION,
        lang,
        docs: records.len(),
        terms: term_parts,
        pages: page_parts,
    };
    put(search_index_path(prefix), to_json(&manifest))
}

/// Every token with its postings (module docs: doc delta, code), built a
/// batch of documents at a time.
struct Postings {
    lists: HashMap<String, TokenList>,
    docs: u32,
    /// A token on more pages than this keeps one place per page
    /// ([`one_place_per_page`]).
    common: usize,
}

/// One token's postings so far.
#[derive(Default)]
struct TokenList {
    /// (doc delta, code) pairs.
    list: Vec<u32>,
    last_doc: u32,
    pages: usize,
    /// Past `common` pages: one place per page from then on.
    thinned: bool,
}

impl TokenList {
    fn push(&mut self, doc: u32, code: u32, common: usize) {
        let same_page = !self.list.is_empty() && doc == self.last_doc;
        if !same_page {
            self.pages += 1;
        }
        match self.list.last_mut() {
            // The page's best place only (as `one_place_per_page` keeps).
            Some(kept) if self.thinned && same_page => {
                if place_rank(code) > place_rank(*kept) {
                    *kept = code;
                }
            }
            _ => {
                self.list.push(doc - self.last_doc);
                self.list.push(code);
            }
        }
        self.last_doc = doc;
        // Thinned as soon as the token is common, not at the end: the
        // places of "the" on every page were most of the index's memory
        // while it was made (issue #13). The result is the same.
        if !self.thinned && self.pages > common {
            self.list = one_place_per_page(std::mem::take(&mut self.list), common);
            self.thinned = true;
        }
    }
}

impl Postings {
    /// Postings for an index of `total_docs` documents.
    fn new(total_docs: usize) -> Self {
        let common = COMMON_MIN_DOCS.max(total_docs / COMMON_SHARE);
        Postings { lists: HashMap::new(), docs: 0, common }
    }

    /// Adds `docs`, numbered after those added before. Cutting text into
    /// tokens is the slow part: done for the batch in parallel, then merged
    /// in page order (so page numbers stay ascending). Batches, not the
    /// whole site at once: every token of every page as its own string was
    /// most of a 10,000-page build's peak memory (issue #13).
    fn add(&mut self, docs: &[SearchDoc]) {
        let tokens: Vec<Vec<PlaceTokens>> = docs.par_iter().map(doc_tokens).collect();
        for places in tokens {
            let doc = self.docs;
            for (place, tokens) in places.iter().enumerate() {
                for (token, flags) in tokens.iter() {
                    // A token already seen costs no string: most are.
                    let list = match self.lists.get_mut(token) {
                        Some(list) => list,
                        None => self.lists.entry(token.to_string()).or_default(),
                    };
                    list.push(doc, (place as u32) << 2 | flags, self.common);
                }
            }
            self.docs += 1;
        }
    }

    /// The tokens in UTF-16 order with their postings, common ones thinned.
    fn finish(self) -> Vec<(String, Vec<u32>)> {
        debug_assert_eq!(
            self.common,
            COMMON_MIN_DOCS.max(self.docs as usize / COMMON_SHARE),
            "an index of another number of documents than it was made for"
        );
        let mut sorted: Vec<(String, Vec<u32>)> =
            self.lists.into_iter().map(|(token, list)| (token, list.list)).collect();
        sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        sorted
    }
}

/// Pages cut into tokens at a time: enough to keep every core busy.
const TOKEN_BATCH: usize = 256;

/// A token on more than this many pages (and [`COMMON_MIN_DOCS`]) keeps one
/// place per page: on a guide of 10,000 pages "the" had 270 KB of postings,
/// while a search for it lists pages, not the places within them.
const COMMON_SHARE: usize = 8;
const COMMON_MIN_DOCS: usize = 256;

/// How good a place of a posting's code is for a page's one place: the
/// title (2) beats a heading (1) beats text (0).
fn place_rank(code: u32) -> u32 {
    code & 3
}

/// `list` (doc delta, code pairs) with one pair per page, the best place of
/// each (the title, then a heading, then the first), if the token is on
/// more than `common` pages; as it is otherwise.
fn one_place_per_page(list: Vec<u32>, common: usize) -> Vec<u32> {
    let pages = list.chunks(2).enumerate().filter(|(i, pair)| *i == 0 || pair[0] != 0).count();
    if pages <= common {
        return list;
    }
    let mut thinned: Vec<u32> = Vec::with_capacity(pages * 2);
    for pair in list.chunks(2) {
        match thinned.last_mut() {
            // The same page as the pair kept last: keep the better place.
            Some(kept) if pair[0] == 0 => {
                if place_rank(pair[1]) > place_rank(*kept) {
                    *kept = pair[1];
                }
            }
            _ => thinned.extend_from_slice(pair),
        }
    }
    thinned
}

/// One place's distinct tokens, in order, each with its title (2) and
/// heading (1) flags: in one string, each token ended by a NUL (which no
/// token holds), rather than a string per token (issue #13: the strings
/// of a 10,000-page build's tokens were most of its allocations).
#[derive(Default)]
struct PlaceTokens {
    text: String,
    flags: Vec<u32>,
}

impl PlaceTokens {
    fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.text.split_terminator('\0').zip(self.flags.iter().copied())
    }
}

/// Each place's distinct tokens, with their flags.
fn doc_tokens(doc: &SearchDoc) -> Vec<PlaceTokens> {
    let title: HashSet<String> = tokenize(&doc.title).into_iter().collect();
    let mut all = PlaceTokens::default();
    doc.places
        .iter()
        .enumerate()
        .map(|(i, place)| {
            let heading: HashSet<String> = tokenize(&place.heading).into_iter().collect();
            // Every token of the place, then the first of each kept.
            all.text.clear();
            let mut add = |token: &str| {
                all.text.push_str(token);
                all.text.push('\0');
            };
            // The heading, then the text: as if joined by a space.
            for_each_token(&place.heading, &mut add);
            for_each_token(&place.text, &mut add);
            let mut seen: HashSet<&str> = HashSet::new();
            let mut distinct = PlaceTokens::default();
            for token in all.text.split_terminator('\0') {
                if seen.insert(token) {
                    let in_title = i == 0 && title.contains(token);
                    distinct.text.push_str(token);
                    distinct.text.push('\0');
                    distinct
                        .flags
                        .push(u32::from(in_title) << 1 | u32::from(heading.contains(token)));
                }
            }
            distinct
        })
        .collect()
}

/// A token's length in a term part's JSON: `"token",` and `[n,n,…],`.
fn term_weight((term, list): &(String, Vec<u32>)) -> usize {
    let digits = |n: u32| n.checked_ilog10().unwrap_or(0) as usize + 1;
    term.len() + 6 + list.iter().map(|&n| digits(n) + 1).sum::<usize>()
}

/// `items` cut into runs of about `budget` by `weight`; never an empty run.
fn cut<T>(items: &[T], budget: usize, weight: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let mut runs = Vec::new();
    let (mut start, mut size) = (0, 0);
    for (i, item) in items.iter().enumerate() {
        let w = weight(item);
        if i > start && size + w > budget {
            runs.push(&items[start..i]);
            (start, size) = (i, 0);
        }
        size += w;
    }
    if start < items.len() {
        runs.push(&items[start..]);
    }
    runs
}

fn to_json(value: &impl Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// One page's record: url, title, and (anchor, heading, snippet) per place.
#[derive(Serialize)]
struct PageRecord(String, String, Vec<(String, String, String)>);

impl PageRecord {
    /// About its length in JSON.
    fn weight(&self) -> usize {
        let places: usize = self.2.iter().map(|(a, h, s)| a.len() + h.len() + s.len() + 10).sum();
        self.0.len() + self.1.len() + places + 10
    }
}

fn page_record(doc: &SearchDoc) -> PageRecord {
    let places = doc
        .places
        .iter()
        .map(|place| {
            let source = if place.snippet.is_empty() { &place.text } else { &place.snippet };
            (place.anchor.clone(), place.heading.clone(), snippet_of(source))
        })
        .collect();
    PageRecord(doc.url.clone(), doc.title.clone(), places)
}

#[derive(Serialize)]
struct Manifest<'a> {
    v: u32,
    lang: &'a str,
    docs: usize,
    terms: Vec<(String, String, String)>,
    pages: Vec<(usize, String)>,
}

#[derive(Serialize)]
struct TermPart<'a> {
    terms: Vec<&'a str>,
    postings: Vec<&'a [u32]>,
}

#[derive(Serialize)]
struct PagePart<'a> {
    docs: &'a [PageRecord],
}

/// The first words of `text`, cut at a word boundary, with "…" if cut.
fn snippet_of(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= SNIPPET_CHARS {
        return text.to_string();
    }
    let cut = text.char_indices().nth(SNIPPET_CHARS).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    // Cut at the last space if there is one in the second half; text in a
    // script without spaces is cut where it is.
    let head = match head.rfind(' ') {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    format!("{}…", head.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation()))
}

// ---------------------------------------------------------------------------
// Folding and tokens (mirrored in themes/default/static/js/search.js)

/// Folds text for matching: compatibility-decomposed (NFKD, so `ﬁ` is `fi`
/// and full-width `Ａ` is `a`), lowercased, Latin, Greek and Cyrillic
/// diacritics removed (`náuseas` -> `nauseas`), `ß` -> `ss`, final `ς` ->
/// `σ`, then recomposed (NFC, so Korean syllables and Japanese kana with
/// voicing marks stay one character each).
///
/// Only the combining *diacritics* blocks are removed, not every mark:
/// the vowel signs of Thai, Devanagari and other scripts are marks too,
/// and removing them would merge different words.
pub fn fold(text: &str) -> String {
    // Most guidance is plain ASCII, where folding is lowercasing: the
    // Unicode normalisation below was most of the time of a build.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let lowered: String = text.nfkd().collect::<String>().to_lowercase();
    let mut stripped = String::with_capacity(lowered.len());
    for c in lowered.nfkd().filter(|&c| !is_diacritic(c)) {
        match c {
            'ß' => stripped.push_str("ss"),
            'ς' => stripped.push('σ'),
            _ => stripped.push(c),
        }
    }
    stripped.nfc().collect()
}

/// The combining diacritical marks removed by [`fold`]: U+0300-036F,
/// U+1AB0-1AFF, U+1DC0-1DFF, U+20D0-20FF and U+FE20-FE2F.
fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036f}'
        | '\u{1ab0}'..='\u{1aff}'
        | '\u{1dc0}'..='\u{1dff}'
        | '\u{20d0}'..='\u{20ff}'
        | '\u{fe20}'..='\u{fe2f}')
}

/// Scripts written without spaces between words: Han, Hiragana, Katakana,
/// Thai, Lao, Khmer and Myanmar. Their text is indexed as overlapping
/// pairs of characters (bigrams), which finds words without a dictionary.
fn is_unspaced(c: char) -> bool {
    matches!(c, '\u{0e00}'..='\u{0eff}'    // Thai, Lao
        | '\u{1000}'..='\u{109f}'          // Myanmar
        | '\u{1780}'..='\u{17ff}'          // Khmer
        | '\u{3040}'..='\u{30ff}'          // Hiragana, Katakana
        | '\u{31f0}'..='\u{31ff}'          // Katakana extensions
        | '\u{3400}'..='\u{4dbf}'          // Han extension A
        | '\u{4e00}'..='\u{9fff}'          // Han
        | '\u{f900}'..='\u{faff}'          // Han compatibility
        | '\u{20000}'..='\u{3134f}') // Han extensions B-G
}

/// Letters, digits and marks: what words are made of.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The search tokens of `text`, folded, in order, repeats kept:
///
/// - a run of letters, digits and marks is one token if it is 2 to 40
///   characters long (single letters and numbers are too common to help);
/// - a run in a script without spaces ([`is_unspaced`]) gives each pair of
///   neighbouring characters, then its last character alone (so that a
///   query of one character finds it at the end of a run too); a run of
///   one character is that character.
///
/// Everything else (spaces, punctuation, symbols) separates tokens.
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    for_each_token(text, |token| tokens.push(token.to_string()));
    tokens
}

/// [`tokenize`] without a string per token: `f` sees each token in turn,
/// in a buffer reused for the next. One page of 1.5 MB held 240,000 token
/// strings at once, most of its peak memory (issue #16).
pub fn for_each_token(text: &str, mut f: impl FnMut(&str)) {
    // Folded a word at a time, so that plain-ASCII words (most of them) skip
    // Unicode normalisation; nothing combines across a space, so the result
    // is that of folding the whole text.
    let mut word = String::new();
    let mut unspaced: Vec<char> = Vec::new();
    let mut pair = String::new();
    for chunk in text.split(' ') {
        let folded = fold(chunk);
        for c in folded.chars() {
            if is_unspaced(c) {
                end_word(&mut word, &mut f);
                unspaced.push(c);
            } else if is_word_char(c) {
                end_unspaced(&mut unspaced, &mut pair, &mut f);
                word.push(c);
            } else {
                end_word(&mut word, &mut f);
                end_unspaced(&mut unspaced, &mut pair, &mut f);
            }
        }
        // The space between chunks separates tokens too.
        end_word(&mut word, &mut f);
        end_unspaced(&mut unspaced, &mut pair, &mut f);
    }
}

fn end_word(word: &mut String, f: &mut impl FnMut(&str)) {
    let length = word.chars().count();
    if (2..=MAX_TOKEN_CHARS).contains(&length) {
        f(word);
    }
    word.clear();
}

fn end_unspaced(run: &mut Vec<char>, pair: &mut String, f: &mut impl FnMut(&str)) {
    for two in run.windows(2) {
        pair.clear();
        pair.extend(two);
        f(pair);
    }
    if let Some(&last) = run.last() {
        pair.clear();
        pair.push(last);
        f(pair);
    }
    run.clear();
}

// ---------------------------------------------------------------------------
// Text out of rendered HTML

/// Tags that sit inside a word's line of text: removing them must not
/// split or join words (`<strong>Rest</strong> well`).
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
];

/// Elements whose content is not prose.
const SKIPPED_ELEMENTS: &[&str] = &["script", "style", "template", "svg", "math"];

/// Reads rendered body HTML into places: text before the first heading
/// with an id goes to the last place already in `places` (the top of the
/// page); each `<h2 id="...">` to `<h6>` starts a new place.
fn collect_html_places(html: &str, places: &mut Vec<Place>) {
    let mut rest = html;
    let mut in_heading: Option<String> = None;
    let mut skipping: Option<String> = None;
    let mut text = String::new();
    while let Some(open) = rest.find('<') {
        if skipping.is_none() {
            text.push_str(&decode_entities(&rest[..open]));
        }
        rest = &rest[open..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |i| i + 1);
        let tag = Tag::read(&rest[..end]);
        rest = &rest[end..];
        if let Some(name) = &skipping {
            if tag.closing && &tag.name == name {
                skipping = None;
            }
            continue;
        }
        if !tag.closing && SKIPPED_ELEMENTS.contains(&tag.name.as_str()) && !tag.self_closing {
            skipping = Some(tag.name);
            continue;
        }
        let heading_id = if tag.is_heading() && !tag.closing { tag.id.clone() } else { None };
        if let Some(anchor) = heading_id {
            flush_text(places, &mut text, in_heading.take());
            in_heading = Some(anchor);
        } else if tag.is_heading() && tag.closing && in_heading.is_some() {
            let anchor = in_heading.take().unwrap_or_default();
            let heading = collapse_spaces(&std::mem::take(&mut text));
            places.push(Place { anchor, heading, ..Place::default() });
        } else if !INLINE_TAGS.contains(&tag.name.as_str()) {
            text.push(' ');
        }
    }
    if skipping.is_none() {
        text.push_str(&decode_entities(rest));
    }
    flush_text(places, &mut text, in_heading);
}

/// Adds the text read so far to the last place. A heading left open (no
/// closing tag) still becomes a place, with the text as its heading.
fn flush_text(places: &mut Vec<Place>, text: &mut String, open_heading: Option<String>) {
    let collected = collapse_spaces(&std::mem::take(text));
    match open_heading {
        Some(anchor) => places.push(Place { anchor, heading: collected, ..Place::default() }),
        None => {
            if let Some(last) = places.last_mut() {
                push_text(&mut last.text, &collected);
            }
        }
    }
}

/// The plain text of an HTML fragment (a hint, a checklist item).
fn html_text(html: &str) -> String {
    let mut places = vec![Place::default()];
    collect_html_places(html, &mut places);
    places
        .into_iter()
        .flat_map(|p| [p.heading, p.text])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn push_text(into: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    if !into.is_empty() {
        into.push(' ');
    }
    into.push_str(text);
}

/// `text` with each run of white space made one space, trimmed; without a
/// list of its words (a page's text can be megabytes).
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// What the scanner needs of a tag.
struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    id: Option<String>,
}

impl Tag {
    /// Reads `<h2 id="x" class="y">`, `</p>` or `<br/>`.
    fn read(raw: &str) -> Tag {
        let inner = raw.trim_start_matches('<').trim_end_matches('>');
        let closing = inner.starts_with('/');
        let inner = inner.trim_start_matches('/');
        let name_end = inner.find(|c: char| c.is_whitespace() || c == '/').unwrap_or(inner.len());
        Tag {
            name: inner[..name_end].to_ascii_lowercase(),
            closing,
            self_closing: inner.ends_with('/'),
            id: attribute(&inner[name_end..], "id"),
        }
    }

    fn is_heading(&self) -> bool {
        matches!(self.name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
    }
}

/// The value of attribute `name` in ` id="x" class=y`, quoted or not.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let mut rest = attributes;
    while let Some(at) = rest.find(name) {
        let before_ok = rest[..at].ends_with(|c: char| c.is_whitespace()) || at == 0;
        let after = rest[at + name.len()..].trim_start();
        if before_ok && let Some(value) = after.strip_prefix('=') {
            let value = value.trim_start();
            let raw = match value.chars().next() {
                Some(quote @ ('"' | '\'')) => value[1..].split(quote).next().unwrap_or(""),
                _ => value.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or(""),
            };
            return Some(decode_entities(raw));
        }
        rest = &rest[at + name.len()..];
    }
    None
}

/// Decodes the character references pulldown-cmark and Tera write:
/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&nbsp;` and numeric ones.
/// Others are left as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let c = match &rest[1..semi] {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                numeric => numeric.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, length)) => {
                out.push(c);
                rest = &rest[length..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::checklist::{Checklist, ChecklistGroup, ChecklistItem};
    use crate::content::frontmatter::CommonMeta;
    use crate::content::markdown::RenderedDoc;
    use crate::content::prompts::{Prompt, PromptCollection, PromptType};

    fn entry(url: &str, title: &str, html: &str) -> Entry {
        Entry {
            content_path: "x.md".into(),
            display_path: "content/x.md".into(),
            url: url.into(),
            meta: CommonMeta {
                title: title.into(),
                description: "A short description.".into(),
                ..CommonMeta::default()
            },
            rendered: RenderedDoc { html: html.into(), ..RenderedDoc::default() },
            lang: "en".into(),
        }
    }

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold("Náuseas"), "nauseas");
        assert_eq!(fold("ÉLAN Ñandú"), "elan nandu");
        assert_eq!(fold("Straße"), "strasse");
        // Korean syllables and Japanese voiced kana come back whole.
        assert_eq!(fold("메스꺼움 が"), "메스꺼움 が");
        // Thai and Devanagari vowel signs are kept: they are not accents.
        assert_eq!(fold("मतली ไม่"), "मतली ไม่");
    }

    /// The same cases are checked against js/search.js in the browser tests.
    #[test]
    fn tokens_match_the_shared_fixture() {
        let fixture: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/fixtures/search-folding.json")).unwrap();
        let cases = fixture["cases"].as_array().unwrap();
        assert!(cases.len() >= 10);
        for case in cases {
            let text = case["text"].as_str().unwrap();
            let expected: Vec<&str> =
                case["tokens"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
            assert_eq!(tokenize(text), expected, "tokens of {text:?}");
        }
    }

    #[test]
    fn unspaced_scripts_are_cut_into_pairs() {
        assert_eq!(tokenize("吐き気"), ["吐き", "き気", "気"]);
        assert_eq!(tokenize("nausea 吐"), ["nausea", "吐"]);
    }

    #[test]
    fn html_is_read_into_places_by_heading() {
        let html = "<p>Drink <strong>water</strong>&nbsp;&amp; rest.</p>\n\
            <h2 id=\"when-to-call\">When to <em>call</em></h2>\n<ul><li>Fever</li><li>Pain</li></ul>\
            <!--carebook-embed:0--><script>ignored()</script><h3>No id</h3><p>Still here</p>";
        let doc = search_document(&entry("/a/", "Aftercare", html), None).unwrap();
        assert_eq!(doc.places.len(), 2);
        assert_eq!(doc.places[0].anchor, "");
        assert_eq!(doc.places[0].text, "Aftercare A short description. Drink water & rest.");
        assert_eq!(doc.places[0].snippet, "A short description.");
        assert_eq!(doc.places[1].anchor, "when-to-call");
        assert_eq!(doc.places[1].heading, "When to call");
        assert_eq!(doc.places[1].text, "Fever Pain No id Still here");
    }

    #[test]
    fn prompts_and_checklist_items_are_content() {
        let prompt = Prompt {
            id: "feel".into(),
            text: "How do you feel?".into(),
            hint: "<p>Any <em>nausea</em>?</p>".into(),
            prompt_type: PromptType::Long,
            low_label: String::new(),
            high_label: String::new(),
        };
        let journal = Worksheet::Prompts(PromptCollection { prompts: vec![prompt] });
        let doc =
            search_document(&entry("/j/", "Journal", "<p>Intro.</p>"), Some(&journal)).unwrap();
        assert_eq!(doc.places.len(), 1);
        assert!(doc.places[0].text.ends_with("Intro. How do you feel? Any nausea?"));

        let item = |text: &str, note: &str| ChecklistItem {
            id: "i".into(),
            text: text.into(),
            note: note.into(),
        };
        let group = |title: &str, items| ChecklistGroup {
            title: title.into(),
            id: if title.is_empty() { "items".into() } else { "bag".into() },
            intro: String::new(),
            items,
        };
        let list = Worksheet::Checklist(Checklist {
            groups: vec![
                group("", vec![item("A <em>blanket</em>", "")]),
                group("Your bag", vec![item("Water", "<p>A full bottle.</p>")]),
            ],
        });
        let doc = search_document(&entry("/c/", "Gather", "<p>Intro.</p>"), Some(&list)).unwrap();
        assert!(doc.places[0].text.ends_with("Intro. A blanket"), "{:?}", doc.places[0]);
        assert_eq!(doc.places[1].anchor, "bag");
        assert_eq!(doc.places[1].text, "Water A full bottle.");
    }

    #[test]
    fn drafts_are_left_out() {
        let mut draft = entry("/d/", "Draft", "<p>Secret</p>");
        draft.meta.draft = true;
        assert_eq!(search_document(&draft, None), None);
    }

    fn json(bytes: &[u8]) -> serde_json::Value {
        serde_json::from_slice(bytes).unwrap()
    }

    #[test]
    fn the_index_is_a_list_of_term_and_page_parts() {
        let docs = [
            search_document(&entry("/a/", "Nausea", "<h2 id=\"h\">Náuseas</h2><p>x</p>"), None)
                .unwrap(),
            search_document(&entry("/b/", "Sleep", "<p>Less nausea.</p>"), None).unwrap(),
        ];
        let files = build_search_index(&docs, "es", "es/");
        assert_eq!(files[0].0, "es/search-index.json");
        let manifest = json(&files[0].1);
        assert_eq!(manifest["v"], 2);
        assert_eq!(manifest["lang"], "es");
        assert_eq!(manifest["docs"], 2);
        let file = |name: &serde_json::Value| {
            let path = format!("es/{}", name.as_str().unwrap());
            assert!(path.starts_with("es/search-index/"), "{path}");
            json(&files.iter().find(|(p, _)| *p == path).expect("listed part is written").1)
        };
        assert_eq!(files.len(), 3, "one term part and one page part");
        let terms = file(&manifest["terms"][0][2]);
        let pages = file(&manifest["pages"][0][1]);
        assert_eq!(manifest["terms"][0][0], terms["terms"][0]);
        assert_eq!(manifest["terms"][0][1], *terms["terms"].as_array().unwrap().last().unwrap());
        assert_eq!(manifest["pages"][0][0], 0);
        assert_eq!(
            pages["docs"],
            serde_json::json!([
                ["/a/", "Nausea", [["", "", "A short description."], ["h", "Náuseas", "x"]]],
                ["/b/", "Sleep", [["", "", "A short description."]]]
            ])
        );
        let list: Vec<&str> =
            terms["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        let postings = |term: &str| {
            let at = list.iter().position(|t| *t == term).unwrap();
            terms["postings"][at].clone()
        };
        // Page 0's top, in its title (2); then page 1 (delta 1), its top.
        assert_eq!(postings("nausea"), serde_json::json!([0, 2, 1, 0]));
        // Page 0's second place (1 << 2), in its heading (1).
        assert_eq!(postings("nauseas"), serde_json::json!([0, 5]));
        assert!(!list.contains(&"x"), "single letters are not indexed");
        let mut sorted = list.clone();
        sorted.sort_unstable();
        assert_eq!(list, sorted);
    }

    #[test]
    fn a_large_index_is_cut_into_parts_of_bounded_size_that_cover_every_term() {
        let docs: Vec<SearchDoc> = (0..3000)
            .map(|i| {
                let html = format!("<p>word{i} common text{} more{}</p>", i % 97, i % 13);
                search_document(&entry(&format!("/p{i}/"), &format!("Page {i}"), &html), None)
                    .unwrap()
            })
            .collect();
        let files = build_search_index(&docs, "en", "");
        let manifest = json(&files[0].1);
        let term_parts = manifest["terms"].as_array().unwrap();
        let page_parts = manifest["pages"].as_array().unwrap();
        assert!(term_parts.len() > 3 && page_parts.len() > 10, "{manifest}");
        // "common" and "description" are in every page: their postings alone
        // pass the budget; every other part stays near it.
        let mut oversized = 0;
        for (path, bytes) in &files[1..] {
            if bytes.len() > TERM_PART_BYTES + 4096 {
                oversized += 1;
                let terms = json(bytes)["terms"].clone();
                assert!(
                    terms.as_array().unwrap().len() == 1,
                    "{path}: {} bytes, {terms}",
                    bytes.len()
                );
            }
        }
        assert!(oversized <= 3, "{oversized} oversized parts");
        // Each part's first term is the one the list gives, in order, and
        // together the parts hold every term once.
        let mut all = Vec::new();
        for entry in term_parts {
            let part =
                json(&files.iter().find(|(p, _)| p == entry[2].as_str().unwrap()).unwrap().1);
            assert_eq!(part["terms"][0], entry[0]);
            assert_eq!(*part["terms"].as_array().unwrap().last().unwrap(), entry[1]);
            all.extend(
                part["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()),
            );
        }
        assert!(all.windows(2).all(|w| w[0] < w[1]), "terms out of order across parts");
        assert!(all.contains(&"word2999".to_string()));
        let firsts: Vec<u64> = page_parts.iter().map(|p| p[0].as_u64().unwrap()).collect();
        assert_eq!(firsts[0], 0);
        assert!(firsts.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_token_on_many_pages_keeps_its_best_place_on_each() {
        // Page 0: places 0 (text), 1 (heading); page 2: place 0 (title), place 3.
        let list = vec![0, 0, 0, 1 << 2 | 1, 2, 2, 0, 3 << 2];
        assert_eq!(one_place_per_page(list.clone(), 2), list, "two pages: not common");
        assert_eq!(one_place_per_page(list, 1), [0, 1 << 2 | 1, 2, 2]);
        assert_eq!(one_place_per_page(vec![5, 0, 0, 4], 0), [5, 0], "first page not page 0");
    }

    #[test]
    fn a_common_token_thinned_while_it_is_indexed_gives_the_list_thinned_at_the_end() {
        // 600 pages: "often" is on every page, in the text and (on every
        // third page) a heading, so it becomes common at page 257; "rare"
        // is on 100 pages, in two places each, and is never thinned.
        let place = |heading: &str, text: &str| Place {
            anchor: heading.to_lowercase(),
            heading: heading.into(),
            text: text.into(),
            snippet: String::new(),
        };
        let docs: Vec<SearchDoc> = (0..600)
            .map(|i| SearchDoc {
                url: format!("/p{i}/"),
                title: format!("Page {i}"),
                places: vec![
                    place("", if i % 6 == 0 { "often rare" } else { "often" }),
                    place(
                        if i % 3 == 0 { "Often" } else { "Later" },
                        if i % 6 == 0 { "often rare" } else { "often" },
                    ),
                ],
            })
            .collect();
        let mut postings = Postings::new(docs.len());
        for batch in docs.chunks(TOKEN_BATCH) {
            postings.add(batch);
        }
        let lists: HashMap<String, Vec<u32>> = postings.finish().into_iter().collect();
        // The same postings unthinned: every place, then thinned once.
        let every_place = |token: &str| {
            let mut list = Vec::new();
            let mut last = 0;
            for (doc, d) in docs.iter().enumerate() {
                for (i, p) in d.places.iter().enumerate() {
                    let heading = tokenize(&p.heading).contains(&token.to_string());
                    if heading || tokenize(&p.text).contains(&token.to_string()) {
                        list.extend([doc as u32 - last, (i as u32) << 2 | u32::from(heading)]);
                        last = doc as u32;
                    }
                }
            }
            list
        };
        let often = one_place_per_page(every_place("often"), COMMON_MIN_DOCS);
        assert_eq!(often.len(), 2 * 600, "one place per page");
        assert_eq!(lists["often"], often);
        assert_eq!(
            lists["often"][0..4],
            [0, 1 << 2 | 1, 1, 0],
            "page 0: its heading; page 1: its text"
        );
        let rare = every_place("rare");
        assert_eq!(rare.len(), 2 * 2 * 100, "two places per page, kept");
        assert_eq!(lists["rare"], rare);
    }

    #[test]
    fn a_site_indexed_in_batches_gives_the_index_of_all_its_pages_at_once() {
        use crate::content::frontmatter::PageKind;
        use crate::content::model::{Page, Section};
        // More pages than a batch, with drafts (left out) across batches.
        let pages: Vec<Page> = (0..TOKEN_BATCH * 2 + 37)
            .map(|i| {
                let html =
                    format!("<h2 id=\"h{i}\">Part {i}</h2><p>word{} common text {i}</p>", i % 97);
                let mut entry = entry(&format!("/p{i}/"), &format!("Page {i}"), &html);
                entry.meta.draft = i % 50 == 3;
                Page { entry, kind: PageKind::Guidance, section: 0, worksheet: None }
            })
            .collect();
        let home = Section {
            entry: entry("/", "Home", "<p>Welcome home.</p>"),
            parent: None,
            pages: (0..pages.len()).collect(),
            subsections: Vec::new(),
        };
        let site = Site { sections: vec![home], pages, root: 0, language: "en".into() };
        let mut at_once = build_search_index(&search_documents(&site), "en", "");
        let mut batched = Vec::new();
        build_site_search_index(&site, "", &mut |path, bytes| {
            batched.push((path, bytes));
            Ok(())
        })
        .unwrap();
        at_once.sort();
        batched.sort();
        assert_eq!(batched, at_once);
        assert!(at_once.len() > 3, "several parts: {}", at_once.len());
    }

    #[test]
    fn terms_are_in_utf16_order_as_javascript_compares_them() {
        // U+FA0E sorts before U+20000 in Rust (code points) but after it in
        // JavaScript (U+20000 is a surrogate pair, 0xD840 0xDC00).
        let html = "<p>\u{fa0e}\u{fa0f} \u{20000}\u{20001}</p>";
        let docs = [search_document(&entry("/a/", "A", html), None).unwrap()];
        let mut postings = Postings::new(docs.len());
        postings.add(&docs);
        let postings = postings.finish();
        let terms: Vec<&str> = postings.iter().map(|(t, _)| t.as_str()).collect();
        let at = |t: &str| terms.iter().position(|x| *x == t).unwrap();
        assert!(at("\u{20000}\u{20001}") < at("\u{fa0e}\u{fa0f}"), "{terms:?}");
        let mut by_utf16 = terms.clone();
        by_utf16.sort_by_key(|t| t.encode_utf16().collect::<Vec<u16>>());
        assert_eq!(terms, by_utf16);
    }

    #[test]
    fn a_deferred_index_serves_its_list_and_parts_only() {
        let site = Site { language: "en".into(), ..Site::default() };
        let index = DeferredIndex::new("es/".into(), site);
        assert!(index.may_serve("es/search-index.json"));
        assert!(index.may_serve("es/search-index/t0.abc.json"));
        assert!(!index.may_serve("search-index.json"));
        assert!(!index.may_serve("es/search-index.json.map"));
        assert!(!index.may_serve("es/search-indexes/x"));
        assert!(index.get("es/search-index.json").is_some());
        assert!(index.get("es/search-index/nope.json").is_none());
    }

    #[test]
    fn index_file_names_follow_the_language_prefix() {
        assert_eq!(search_index_path(""), "search-index.json");
        assert_eq!(search_index_path("es/"), "es/search-index.json");
    }

    #[test]
    fn snippets_are_cut_at_a_word() {
        let long = "word ".repeat(60);
        let snippet = snippet_of(&long);
        assert!(snippet.ends_with("word…"), "{snippet}");
        assert!(snippet.chars().count() <= SNIPPET_CHARS + 1);
        assert_eq!(snippet_of("  short  "), "short");
    }

    #[test]
    fn odd_html_does_not_panic() {
        for html in ["<", "<h2 id=", "<h2 id=\"x\">open", "&#xffffffff; &#; &", "<script>", "é<é>"]
        {
            let _ = search_document(&entry("/o/", "O", html), None);
        }
    }
}
