/**
 * search.js: "Search this guide" (partials/search.html), a module loaded on
 * every page. Without JavaScript the form stays hidden; nothing else on
 * the page depends on it. Its words come from js/text.js ([js.search] in the
 * theme's i18n files); the rest of the wording is in the partial.
 *
 * - On first focus it fetches the list of the search index's parts (the
 *   form's data-index, e.g. /search-index.json: one per language, written
 *   by the build from src/render/search.rs, which documents the format); each
 *   search then fetches the parts it needs (the words typed, then the
 *   records of the pages it shows), each part once. The service worker
 *   saves them with every page, so search works offline.
 * - As the reader types it lists the pages that contain every word typed
 *   (a word may be the start of a longer one: "naus" finds "nausea"),
 *   pages whose title matches first, then those with a matching heading,
 *   then the rest. Each result links to the page, or to the heading of
 *   the part that matched, with the start of that part's text.
 * - The status line (a live region) says how many results there are.
 *   Enter opens the first result; the down and up arrows move through the
 *   results; Escape clears the search.
 *
 * Words are folded and cut exactly as src/render/search.rs does (fold, tokenize);
 * tests/fixtures/search-folding.json holds the cases both are tested on.
 * Index text and the query only ever reach the page through textContent.
 */

import { t, tn } from './text.js';

/** The index format this script reads ("v" in the file). */
const FORMAT_VERSION = 2;
/** Results listed at most; the status line gives the full count. */
const MAX_RESULTS = 20;
/** Longest word kept, as MAX_TOKEN_CHARS in src/render/search.rs. */
const MAX_TOKEN_CHARS = 40;

// -------------------------------------------------------------------------
// Folding and tokens: the same steps as fold() and tokenize() in src/render/search.rs

/** Combining diacritics (Latin, Greek, Cyrillic accents), as is_diacritic. */
// One class per range: in a single class, ESLint's no-misleading-character-class
// reads a range's last mark and the next range's first as one combined character.
const DIACRITICS = /[\u0300-\u036f]|[\u1ab0-\u1aff]|[\u1dc0-\u1dff]|[\u20d0-\u20ff]|[\ufe20-\ufe2f]/g;
/** Scripts written without spaces, as is_unspaced: indexed as pairs of characters. */
const UNSPACED =
  /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;
/** Letters, digits and marks, as is_word_char (Rust's is_alphanumeric is Alphabetic or N). */
const WORD_CHAR = /[\p{Alphabetic}\p{N}\p{M}]/u;

/** Lowercase, accents removed, compatibility forms unified: "Náuseas" -> "nauseas". */
export function fold(text) {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .normalize('NFKD')
    .replace(DIACRITICS, '')
    .replace(/ß/g, 'ss')
    .replace(/ς/g, 'σ')
    .normalize('NFC');
}

/** The search tokens of `text`: words of 2 to 40 characters; pairs in unspaced scripts. */
export function tokenize(text) {
  const tokens = [];
  let word = [];
  let unspaced = [];
  const pushWord = () => {
    if (word.length >= 2 && word.length <= MAX_TOKEN_CHARS) tokens.push(word.join(''));
    word = [];
  };
  const pushUnspaced = () => {
    for (let i = 0; i + 1 < unspaced.length; i += 1) tokens.push(unspaced[i] + unspaced[i + 1]);
    if (unspaced.length > 0) tokens.push(unspaced[unspaced.length - 1]);
    unspaced = [];
  };
  // for...of walks code points, as Rust's chars() does.
  for (const c of fold(text)) {
    if (UNSPACED.test(c)) {
      pushWord();
      unspaced.push(c);
    } else if (WORD_CHAR.test(c)) {
      pushUnspaced();
      word.push(c);
    } else {
      pushWord();
      pushUnspaced();
    }
  }
  pushWord();
  pushUnspaced();
  return tokens;
}

// -------------------------------------------------------------------------
// Searching the index: a list of parts (src/render/search.rs documents the format)

/** At most this many term parts are fetched for the start of one word. */
const MAX_PARTS_PER_WORD = 3;

/**
 * Wraps the parsed list `manifest`; parts are fetched with
 * `fetchPart(url)` (-> parsed JSON) when a search needs them, each once,
 * `url` resolved against `baseUrl` (the list's own URL). Throws if the list
 * is not one this script reads.
 */
export function openIndex(manifest, baseUrl, fetchPart) {
  if (!manifest || manifest.v !== FORMAT_VERSION || !Array.isArray(manifest.terms) || !Array.isArray(manifest.pages)) {
    throw new Error('carebook: the search index has an unknown format');
  }
  const parts = new Map();
  const part = (name) => {
    if (!parts.has(name)) {
      const promise = Promise.resolve(fetchPart(new URL(name, baseUrl).href));
      // A failed part (offline, not saved) is fetched again next time.
      promise.catch(() => parts.delete(name));
      parts.set(name, promise);
    }
    return parts.get(name);
  };
  /** The term parts that may hold tokens starting with `token` (each lists its first and last). */
  const termParts = (token) =>
    manifest.terms
      .filter(([first, last]) => (first <= token || first.startsWith(token)) && (last >= token || last.startsWith(token)))
      .slice(0, MAX_PARTS_PER_WORD)
      .map(([, , name]) => name);
  return {
    /** `[doc, place, flags]` of every term that starts with `token`. */
    async postingsOf(token) {
      const found = [];
      for (const data of await Promise.all(termParts(token).map(part))) {
        data.terms.forEach((term, i) => {
          if (!term.startsWith(token)) return;
          const list = data.postings[i];
          let doc = 0;
          for (let j = 0; j + 1 < list.length; j += 2) {
            doc += list[j];
            found.push([doc, list[j + 1] >> 2, list[j + 1] & 3]);
          }
        });
      }
      return found;
    },
    /** A page's record: `[url, title, [[anchor, heading, snippet], ...]]`. */
    async page(doc) {
      let at = 0;
      while (at + 1 < manifest.pages.length && manifest.pages[at + 1][0] <= doc) at += 1;
      const [first, name] = manifest.pages[at];
      return (await part(name)).docs[doc - first];
    },
  };
}

/**
 * The pages that contain every token of `query`, best first:
 * `{ total, results: [{ url, title, heading, snippet }] }`.
 */
export async function search(index, queryText) {
  const query = [...new Set(tokenize(queryText))];
  if (query.length === 0) return { total: 0, results: [] };
  // Per word: doc -> { title: in the title?, places: Map(place -> in its heading?) }.
  const perWord = (await Promise.all(query.map((token) => index.postingsOf(token)))).map((list) => {
    const docs = new Map();
    for (const [doc, place, flags] of list) {
      if (!docs.has(doc)) docs.set(doc, { title: false, places: new Map() });
      const hit = docs.get(doc);
      if (flags & 2) hit.title = true;
      hit.places.set(place, hit.places.get(place) === true || (flags & 1) === 1);
    }
    return docs;
  });
  const ranked = [];
  for (const doc of perWord[0].keys()) {
    // Every word must be in the page.
    if (perWord.every((docs) => docs.has(doc))) ranked.push(rankDoc(doc, perWord.map((docs) => docs.get(doc))));
  }
  ranked.sort((a, b) => b.tier - a.tier || b.places - a.places || a.doc - b.doc);
  const results = await Promise.all(ranked.slice(0, MAX_RESULTS).map((r) => result(index, r)));
  return { total: ranked.length, results };
}

/** A page's rank (3 title, 2 heading, 1 text) and the place to link to; `hits` has one entry per word. */
function rankDoc(doc, hits) {
  const places = new Set(hits.flatMap((hit) => [...hit.places.keys()]));
  let best = null;
  let bestScore = -1;
  for (const place of [...places].sort((a, b) => a - b)) {
    // A heading that holds every word beats any text; then more words beat fewer.
    const inHeading = place > 0 && hits.every((hit) => hit.places.get(place) === true);
    const score = (inHeading ? 1000 : 0) + hits.filter((hit) => hit.places.has(place)).length;
    if (score > bestScore) {
      best = place;
      bestScore = score;
    }
  }
  const titleMatch = hits.every((hit) => hit.title);
  // A page whose title matches is found as a whole: link to its top.
  return { doc, tier: titleMatch ? 3 : bestScore >= 1000 ? 2 : 1, places: places.size, place: titleMatch ? 0 : best };
}

async function result(index, { doc, place }) {
  const [url, title, places] = await index.page(doc);
  const [anchor, heading, snippet] = places[place] || ['', '', ''];
  return {
    url: anchor ? `${url}#${encodeURIComponent(anchor)}` : url,
    title,
    heading: anchor ? heading : '',
    snippet,
  };
}

// For tests (tests/browser/search.test.mjs) and the curious, in a console.
globalThis.carebookSearch = { fold, tokenize, openIndex, search };

// -------------------------------------------------------------------------
// The form
//
// Its parts and the index, once loaded, are one object (`ui`) that the
// functions below share; setUpSearch makes it.

/** Fetches and parses one JSON file of the index; rejects on any failure. */
async function fetchJson(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

function loadIndex(ui) {
  if (!ui.indexPromise) {
    const url = new URL(ui.form.dataset.index, document.baseURI).href;
    ui.indexPromise = fetchJson(url)
      .then((manifest) => {
        ui.index = openIndex(manifest, url, fetchJson);
        return ui.index;
      })
      .catch((error) => {
        // Offline before the guide was saved, or an old cached page: an
        // ordinary state, said in the status line. Try again next time.
        ui.indexPromise = null;
        throw error;
      });
  }
  return ui.indexPromise;
}

function clearResults(ui) {
  ui.list.replaceChildren();
  ui.list.hidden = true;
}

async function showResults(ui, query) {
  const { input, status, list } = ui;
  let found;
  try {
    found = await search(ui.index, query);
  } catch {
    // A part could not be fetched (offline before it was saved).
    if (input.value === query) status.textContent = t('search.unavailable');
    return;
  }
  // The reader may have typed on while the parts loaded: show the latest only.
  if (input.value !== query) return;
  const { total, results } = found;
  list.replaceChildren(...results.map(resultItem));
  list.hidden = results.length === 0;
  if (total === 0) status.textContent = t('search.none', { query: query.trim() });
  else if (total > results.length) status.textContent = tn('search.shown', total, { shown: results.length });
  else status.textContent = tn('search.count', total);
}

function resultItem(result) {
  const item = document.createElement('li');
  item.className = 'search-result';
  const link = document.createElement('a');
  link.href = result.url;
  const title = document.createElement('span');
  title.className = 'search-result-title';
  title.textContent = result.title;
  link.append(title);
  if (result.heading) {
    const heading = document.createElement('span');
    heading.className = 'search-result-heading';
    heading.textContent = result.heading;
    link.append(' ', heading);
  }
  item.append(link);
  if (result.snippet) {
    const snippet = document.createElement('p');
    snippet.className = 'search-result-snippet';
    snippet.textContent = result.snippet;
    item.append(snippet);
  }
  return item;
}

async function update(ui) {
  const { input, status } = ui;
  const query = input.value;
  if (query.trim() === '') {
    status.textContent = '';
    clearResults(ui);
    return;
  }
  if (tokenize(query).length === 0) {
    status.textContent = t('search.more');
    clearResults(ui);
    return;
  }
  if (!ui.index) {
    status.textContent = t('search.loading');
    try {
      await loadIndex(ui);
    } catch {
      status.textContent = t('search.unavailable');
      return;
    }
  }
  // The reader may have typed on while the index loaded: show the latest.
  if (input.value === query) await showResults(ui, query);
}

function resultLinks(ui) {
  return [...ui.list.querySelectorAll('a')];
}

function onKeydown(ui, event) {
  const { input } = ui;
  if (event.key === 'Escape' && input.value !== '') {
    event.preventDefault();
    input.value = '';
    input.focus();
    update(ui);
    return;
  }
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const links = resultLinks(ui);
  if (links.length === 0) return;
  const at = links.indexOf(document.activeElement);
  let next;
  if (event.key === 'ArrowDown') next = at < 0 ? links[0] : links[at + 1];
  else next = at <= 0 ? input : links[at - 1];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

/** Wires the form up and shows it; does nothing if a part is missing. */
function setUpSearch(form) {
  const input = form.querySelector('input[type="search"]');
  const status = form.querySelector('.search-status');
  const list = form.querySelector('.search-results');
  if (!input || !status || !list) return;
  const ui = { form, input, status, list, indexPromise: null, index: null };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const first = resultLinks(ui)[0];
    if (first) first.click();
  });
  input.addEventListener('input', () => update(ui));
  input.addEventListener('focus', () => loadIndex(ui).catch(() => {}), { once: true });
  form.addEventListener('keydown', (event) => onKeydown(ui, event));
  form.hidden = false;
  // A query the browser restored (back button) is searched again.
  if (input.value) update(ui);
}

// Node (the folding test) imports this module too: it has no document.
const searchForm = globalThis.document?.querySelector('form.search[data-index]');
if (searchForm) setUpSearch(searchForm);
