/**
 * search.js: "Search this guide" (partials/search.html), loaded with `defer`
 * on every page. Without JavaScript the form stays hidden; nothing else on
 * the page depends on it.
 *
 * - On first focus or typing it fetches the search index (the form's
 *   data-index, e.g. /search-index.json: one per language, written by the
 *   build from src/search.rs, which documents its format). The service
 *   worker saves the index with every page, so search works offline.
 * - As the reader types it lists the pages that contain every word typed
 *   (a word may be the start of a longer one: "naus" finds "nausea"),
 *   pages whose title matches first, then those with a matching heading,
 *   then the rest. Each result links to the page, or to the heading of
 *   the part that matched, with the start of that part's text.
 * - The status line (a live region) says how many results there are.
 *   Enter opens the first result; the down and up arrows move through the
 *   results; Escape clears the search.
 *
 * Words are folded and cut exactly as src/search.rs does (fold, tokenize);
 * tests/fixtures/search-folding.json holds the cases both are tested on.
 * Index text and the query only ever reach the page through textContent.
 */

(() => {
  'use strict';

  /** The index format this script reads ("v" in the file). */
  const FORMAT_VERSION = 1;
  /** Results listed at most; the status line gives the full count. */
  const MAX_RESULTS = 20;
  /** Longest word kept, as MAX_TOKEN_CHARS in src/search.rs. */
  const MAX_TOKEN_CHARS = 40;

  // -------------------------------------------------------------------------
  // Folding and tokens: the same steps as fold() and tokenize() in src/search.rs

  /** Combining diacritics (Latin, Greek, Cyrillic accents), as is_diacritic. */
  const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
  /** Scripts written without spaces, as is_unspaced: indexed as pairs of characters. */
  const UNSPACED =
    /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]/u;
  /** Letters, digits and marks, as is_word_char (Rust's is_alphanumeric is Alphabetic or N). */
  const WORD_CHAR = /[\p{Alphabetic}\p{N}\p{M}]/u;

  /** Lowercase, accents removed, compatibility forms unified: "Náuseas" -> "nauseas". */
  function fold(text) {
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
  function tokenize(text) {
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
  // Searching the index

  /** Wraps the parsed index file with what searching needs; throws if it is not one. */
  function openIndex(data) {
    if (!data || data.v !== FORMAT_VERSION || !Array.isArray(data.terms)) {
      throw new Error('carebook: the search index has an unknown format');
    }
    // Tokens of titles and headings, cut once, when first needed.
    const titleTokens = new Map();
    const headingTokens = new Map();
    /** The top place of each page (places are in page order). */
    const firstPlace = [];
    data.places.forEach((place, i) => {
      if (firstPlace[place[0]] === undefined) firstPlace[place[0]] = i;
    });
    return {
      firstPlace,
      docs: data.docs,
      places: data.places,
      terms: data.terms,
      postings: data.postings,
      /** The places (ascending ids) of term number `i`. */
      placesOf(i) {
        let place = 0;
        return this.postings[i].map((delta) => (place += delta));
      },
      titleTokens(doc) {
        if (!titleTokens.has(doc)) titleTokens.set(doc, tokenize(this.docs[doc][1]));
        return titleTokens.get(doc);
      },
      headingTokens(place) {
        if (!headingTokens.has(place)) headingTokens.set(place, tokenize(this.places[place][2]));
        return headingTokens.get(place);
      },
    };
  }

  /** Whether every query token starts one of `tokens`. */
  function coversAll(query, tokens) {
    return query.every((q) => tokens.some((t) => t.startsWith(q)));
  }

  /**
   * The pages that contain every token of `query`, best first:
   * `{ total, results: [{ url, title, heading, snippet }] }`.
   */
  function search(index, queryText) {
    const query = [...new Set(tokenize(queryText))];
    if (query.length === 0) return { total: 0, results: [] };
    // doc -> Map(place -> number of query tokens found there)
    let found = null;
    for (const token of query) {
      const places = new Set();
      index.terms.forEach((term, i) => {
        if (term.startsWith(token)) for (const p of index.placesOf(i)) places.add(p);
      });
      const byDoc = new Map();
      for (const p of places) {
        const doc = index.places[p][0];
        if (found && !found.has(doc)) continue;
        if (!byDoc.has(doc)) byDoc.set(doc, new Map(found ? found.get(doc) : []));
        const counts = byDoc.get(doc);
        counts.set(p, (counts.get(p) || 0) + 1);
      }
      found = byDoc;
      if (found.size === 0) break;
    }
    const ranked = [...found].map(([doc, counts]) => rankDoc(index, doc, counts, query));
    ranked.sort((a, b) => b.tier - a.tier || b.places - a.places || a.doc - b.doc);
    return { total: ranked.length, results: ranked.slice(0, MAX_RESULTS) };
  }

  /** A page's rank (3 title, 2 heading, 1 text) and the place to link to. */
  function rankDoc(index, doc, counts, query) {
    let best = null;
    let bestScore = -1;
    for (const [place, count] of counts) {
      // A heading that holds every word beats any text; then more words beat fewer.
      const headingMatch = index.places[place][1] !== '' && coversAll(query, index.headingTokens(place));
      const score = (headingMatch ? 1000 : 0) + count;
      if (score > bestScore || (score === bestScore && place < best)) {
        best = place;
        bestScore = score;
      }
    }
    const titleMatch = coversAll(query, index.titleTokens(doc));
    const headingMatch = bestScore >= 1000;
    // A page whose title matches is found as a whole: link to its top.
    if (titleMatch) best = index.firstPlace[doc];
    const [url, title] = index.docs[doc];
    const [, anchor, heading, snippet] = index.places[best];
    return {
      doc,
      tier: titleMatch ? 3 : headingMatch ? 2 : 1,
      places: counts.size,
      url: anchor ? `${url}#${encodeURIComponent(anchor)}` : url,
      title,
      heading: anchor ? heading : '',
      snippet,
    };
  }

  // For tests (tests/browser/search.test.mjs) and the curious, in a console.
  globalThis.carebookSearch = { fold, tokenize, openIndex, search };
  if (typeof document === 'undefined') return;

  // This script's words, from the theme's i18n files ([js.search]), which
  // base.html writes into #cb-text (as js/text.js reads them; a classic
  // script cannot import that module). The rest of the wording is in the partial.
  let words = {};
  try {
    words = JSON.parse(document.getElementById('cb-text')?.textContent || '{}');
  } catch {}
  let plurals;
  try {
    plurals = new Intl.PluralRules(document.documentElement.lang || undefined);
  } catch {
    plurals = new Intl.PluralRules();
  }
  const say = (key, values = {}) =>
    (words[key] ?? key).replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
  const sayCount = (key, n, values = {}) => {
    const form = `${key}.${plurals.select(n)}`;
    return say(form in words ? form : `${key}.other`, { n, ...values });
  };
  const TEXT = {
    loading: say('search.loading'),
    unavailable: say('search.unavailable'),
    count: (n) => sayCount('search.count', n),
    shown: (shown, n) => sayCount('search.shown', n, { shown }),
    none: (query) => say('search.none', { query }),
    more: say('search.more'),
  };

  // -------------------------------------------------------------------------
  // The form

  const form = document.querySelector('form.search[data-index]');
  if (!form) return;
  const input = form.querySelector('input[type="search"]');
  const status = form.querySelector('.search-status');
  const list = form.querySelector('.search-results');
  if (!input || !status || !list) return;

  let indexPromise = null;
  let index = null;

  function loadIndex() {
    if (!indexPromise) {
      const url = new URL(form.dataset.index, document.baseURI);
      indexPromise = fetch(url, { credentials: 'same-origin' })
        .then((response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.json();
        })
        .then((data) => {
          index = openIndex(data);
          return index;
        })
        .catch((error) => {
          // Offline before the guide was saved, or an old cached page: an
          // ordinary state, said in the status line. Try again next time.
          indexPromise = null;
          throw error;
        });
    }
    return indexPromise;
  }

  function clearResults() {
    list.replaceChildren();
    list.hidden = true;
  }

  function showResults(query) {
    const { total, results } = search(index, query);
    list.replaceChildren(...results.map(resultItem));
    list.hidden = results.length === 0;
    if (total === 0) status.textContent = TEXT.none(query.trim());
    else if (total > results.length) status.textContent = TEXT.shown(results.length, total);
    else status.textContent = TEXT.count(total);
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

  async function update() {
    const query = input.value;
    if (query.trim() === '') {
      status.textContent = '';
      clearResults();
      return;
    }
    if (tokenize(query).length === 0) {
      status.textContent = TEXT.more;
      clearResults();
      return;
    }
    if (!index) {
      status.textContent = TEXT.loading;
      try {
        await loadIndex();
      } catch {
        status.textContent = TEXT.unavailable;
        return;
      }
    }
    // The reader may have typed on while the index loaded: show the latest.
    if (input.value === query) showResults(query);
  }

  function resultLinks() {
    return [...list.querySelectorAll('a')];
  }

  function onKeydown(event) {
    if (event.key === 'Escape' && input.value !== '') {
      event.preventDefault();
      input.value = '';
      input.focus();
      update();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const links = resultLinks();
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

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const first = resultLinks()[0];
    if (first) first.click();
  });
  input.addEventListener('input', update);
  input.addEventListener('focus', () => loadIndex().catch(() => {}), { once: true });
  form.addEventListener('keydown', onKeydown);
  form.hidden = false;
  // A query the browser restored (back button) is searched again.
  if (input.value) update();
})();
