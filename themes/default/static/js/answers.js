/**
 * "My answers" (templates/answers.html): every journal entry on this device,
 * by journal page, newest first, with each scale question's trend; print it,
 * save it as a self-contained HTML document (text only, no script), or
 * download the JSON backup. Loaded by main.js where [data-journal-answers]
 * is. Like journal.js: nothing leaves the browser (blob: downloads), and
 * user text enters the page and the document only as Text nodes.
 */

import { openStore } from './storage.js';
import { t } from './text.js';
import { LOCK, PREFIX, answerText, backupOf, byNewest, download, el, formatDate, now, say, timeEl } from './entries.js';
import { scalePoints, trendFigure } from './trends.js';

/** The journals of the site as answers.html lists them: id -> { title, url, prompts: id -> { text, type, low, high } }. */
function readCollections(root) {
  const collections = new Map();
  for (const item of root.querySelectorAll('[data-collection]')) {
    const prompts = new Map();
    for (const p of item.querySelectorAll('[data-prompt]')) {
      prompts.set(p.dataset.prompt, { text: p.textContent.trim(), type: p.dataset.type, low: p.dataset.low, high: p.dataset.high });
    }
    collections.set(item.dataset.collection, { title: item.dataset.title, url: item.querySelector('a')?.href, prompts });
  }
  return collections;
}

/** An entry's answered questions: the page's order first, then any the page no longer asks. */
function entryAnswers(entry, prompts) {
  const ids = Object.keys(entry.answers || {}).filter((id) => entry.answers[id]?.value && typeof entry.answers[id].value === 'string');
  const order = [...prompts.keys()];
  const rank = (id) => (order.includes(id) ? order.indexOf(id) : order.length);
  return ids.sort((a, b) => rank(a) - rank(b)).map((id) => ({ ...entry.answers[id], prompt: String(entry.answers[id].prompt || prompts.get(id)?.text || id) }));
}

function entryArticle(entry, prompts) {
  const answers = entryAnswers(entry, prompts);
  if (!answers.length) return null;
  const list = el('dl', { className: 'answers-entry-list' }, ...answers.flatMap((a) => [el('dt', {}, a.prompt), el('dd', {}, answerText(a))]));
  return el('article', { className: 'answers-entry' }, el('h3', {}, timeEl(entry.created)), list);
}

/** One journal: its title, the trend of each scale question, then its entries, newest first. */
function collectionSection(record, collection) {
  const prompts = collection?.prompts || new Map();
  const entries = record.entries.filter((e) => e && typeof e.id === 'string').sort(byNewest);
  const articles = entries.map((e) => entryArticle(e, prompts)).filter(Boolean);
  if (!articles.length) return null;
  const scales = [...prompts].filter(([, p]) => p.type === 'scale');
  const trends = scales.map(([id, p]) => trendFigure({ prompt: p.text, low: p.low, high: p.high, points: scalePoints(entries, id), level: 'h3', title: p.text })).filter(Boolean);
  const title = String(collection?.title || record.title || record.collection);
  return el(
    'section',
    { className: 'answers-collection' },
    el('h2', {}, title),
    ...(trends.length ? [el('div', { className: 'answers-trends' }, ...trends)] : []),
    ...articles,
  );
}

/** The list, journals in the site's reading order (others after), or a line saying there is nothing yet. */
function renderList(records, collections) {
  const order = [...collections.keys()];
  const rank = (r) => (order.includes(r.collection) ? order.indexOf(r.collection) : order.length);
  const sections = [...records].sort((a, b) => rank(a) - rank(b)).map((r) => collectionSection(r, collections.get(r.collection))).filter(Boolean);
  return sections.length ? sections : [el('p', { className: 'answers-none' }, t('answers.none'))];
}

// The saved document's own style: it is opened from a file, without the site's stylesheet.
const DOCUMENT_CSS = `body{font:16px/1.5 system-ui,sans-serif;color:#1f2429;background:#fff;max-width:42rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #767676}h3{font-size:1.05rem;margin:1.25rem 0 .25rem}
dt{font-weight:700;margin-top:.5rem}dd{margin:0 0 .5rem;white-space:pre-wrap}article,figure{break-inside:avoid}figure{margin:1rem 0}
.trend-chart{width:100%;max-width:30rem;height:auto}.trend-line{fill:none;stroke:#1d5c7a;stroke-width:2.5}.trend-point{fill:#1d5c7a}
.trend-grid{stroke:#767676;stroke-width:1}.trend-text{fill:#1f2429;font-size:11px}table{border-collapse:collapse;margin-top:.5rem}
caption{text-align:start;font-weight:700}th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:start}`;

/**
 * The list as a self-contained HTML document: built with DOM APIs, the
 * list's nodes (text only) copied in, serialised, then the constant CSS
 * added. No script, no links out.
 */
export function documentHtml(list, title, site) {
  const doc = document.implementation.createHTMLDocument(title);
  doc.documentElement.lang = document.documentElement.lang;
  const meta = (attrs) => doc.head.prepend(Object.assign(doc.createElement('meta'), attrs));
  meta({ name: 'viewport', content: 'width=device-width, initial-scale=1' });
  const charset = doc.createElement('meta');
  charset.setAttribute('charset', 'utf-8');
  doc.head.prepend(charset);
  const made = Object.assign(doc.createElement('p'), { textContent: t('answers.made', { date: formatDate(now()), site }) });
  doc.body.append(Object.assign(doc.createElement('h1'), { textContent: title }), made);
  for (const node of list.childNodes) doc.body.append(doc.importNode(node, true));
  // The style goes in as text of this file, not as a <style> element in
  // this page: the page's CSP (style-src 'self') would block that element.
  // DOCUMENT_CSS is this file's constant; no user text is in it.
  const html = doc.documentElement.outerHTML.replace('</head>', `<style>${DOCUMENT_CSS}</style></head>`);
  return `<!DOCTYPE html>\n${html}\n`;
}

/** Sets up the "My answers" page; resolves once the list is shown. */
export async function initAnswers(root = document) {
  const region = root.querySelector('[data-journal-answers]');
  if (!region || region.dataset.journalInit !== undefined) return;
  region.dataset.journalInit = '';
  const list = region.querySelector('[data-answers-list]');
  const tools = region.querySelector('[data-answers-tools]');
  const message = region.querySelector('[data-journal-message="copy"]');
  const store = await openStore().catch((err) => err);
  root.querySelectorAll('[data-journal-nojs]').forEach((n) => (n.hidden = true));
  if (store instanceof Error) return say(message, t('answers.unavailable'));
  const lock = await store.read(LOCK).catch(() => null);
  if (lock) await (await import('./lock.js')).unlock(store, lock, [region]); // resolves once unlocked
  const records = (await store.list(PREFIX)).map((i) => i.record).filter((r) => r?.kind === 'journal' && Array.isArray(r.entries));
  list.replaceChildren(...renderList(records, readCollections(root)));
  const title = root.querySelector('h1')?.textContent.trim() || document.title;
  const actions = {
    print: () => print(),
    'export-html': () => say(message, download(documentHtml(list, title, region.dataset.site || document.title), 'text/html', 'html')),
    'export-json': () => say(message, download(JSON.stringify(backupOf(records), null, 2), 'application/json', 'json')),
  };
  tools.addEventListener('click', (event) => actions[event.target.closest('button[data-action]')?.dataset.action]?.());
  tools.hidden = false;
  region.setAttribute('data-ready', '');
}
