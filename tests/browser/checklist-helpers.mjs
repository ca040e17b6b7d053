// Helpers for the checklist tests (checklist.test.mjs), on top of harness.mjs.
//
// - waitForChecklists(page): every checklist on the page has been enhanced;
// - storeCall / storedRecord / putRecord(page, basePath, ...): the page's own
//   store (js/storage.js), as journal.js and checklist.js see it;
// - rawIndexedDB(page, name): every record of a database, read with plain
//   IndexedDB (checks the contract: name, string keys, record shape);
// - printToPdf(page, format): a PDF laid out on that paper, as for a site
//   whose site.toml asks for it;
// - pdfPageCount(pdf), pdfPageTexts(pdf), pdfLayoutText(pdf): poppler's view of a PDF;
// - browserDate(page, offsetDays): the browser's local date, YYYY-MM-DD.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { normalizeText } from './harness.mjs';

/** Waits until checklist.js has restored every checklist on the page (data-enhanced). */
export async function waitForChecklists(page, { timeout = 10_000 } = {}) {
  await page.waitForFunction(
    () => {
      const forms = [...document.querySelectorAll('form[data-checklist]')];
      return forms.length > 0 && forms.every((form) => form.dataset.enhanced === 'true');
    },
    null,
    { timeout },
  );
}

/**
 * Calls `store[method](...args)` in the page, on the page's own store (the
 * same module instance as journal.js and checklist.js use), and returns the
 * result. A rejection comes back as `{ error: { name, message, isError } }`.
 */
export function storeCall(page, basePath, method, ...args) {
  return page.evaluate(
    async ({ base, name, values }) => {
      const { openStore } = await import(`${base}js/storage.js`);
      try {
        const store = await openStore();
        return { value: await store[name](...values), backend: store.backend };
      } catch (err) {
        return { error: { name: err.name, message: err.message, isError: err instanceof Error } };
      }
    },
    { base: basePath, name: method, values: args },
  );
}

/** The record under `key`, as store.read gives it (undefined when there is none). */
export async function storedRecord(page, basePath, key) {
  const result = await storeCall(page, basePath, 'read', key);
  if (result.error) throw new Error(`store.read(${key}) failed: ${result.error.name}: ${result.error.message}`);
  return result.value;
}

/** Writes `record` under `key` through store.write (which adds schema and savedAt). */
export async function putRecord(page, basePath, key, record) {
  const result = await storeCall(page, basePath, 'write', key, record);
  if (result.error) throw new Error(`store.write(${key}) failed: ${result.error.name}: ${result.error.message}`);
  return result.value;
}

/**
 * Waits until `check(record)` holds for the record under `key` (saves are
 * written in the background, after the tick is painted); returns the record.
 */
export async function waitForRecord(page, basePath, key, check, { timeout = 5000 } = {}) {
  const deadline = Date.now() + timeout;
  let record;
  for (;;) {
    record = await storedRecord(page, basePath, key);
    if (check(record)) return record;
    if (Date.now() > deadline) throw new Error(`the record "${key}" did not change as expected: ${JSON.stringify(record)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Every `{ key, value }` of the database `name`, read with plain IndexedDB,
 * object store by object store: `{ version, stores: { name: [{ key, value }] } }`,
 * or null when there is no such database.
 */
export function rawIndexedDB(page, name) {
  return page.evaluate(async (dbName) => {
    const known = (await indexedDB.databases()).some((db) => db.name === dbName);
    if (!known) return null;
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open(dbName);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const stores = {};
    for (const storeName of db.objectStoreNames) {
      stores[storeName] = await new Promise((resolve, reject) => {
        const rows = [];
        const cursor = db.transaction(storeName).objectStore(storeName).openCursor();
        cursor.onsuccess = () => {
          const at = cursor.result;
          if (!at) return resolve(rows);
          rows.push({ key: at.key, value: at.value });
          at.continue();
        };
        cursor.onerror = () => reject(cursor.error);
      });
    }
    const version = db.version;
    db.close();
    return { version, stores };
  }, name);
}

/**
 * A PDF of the page on `format` paper ("Letter" or "A4"). The build appends
 * `@page { size: <site.toml's paper>; margin: ... }` to the stylesheet, and
 * Chromium lays a page out on that size and then scales it onto the paper
 * asked for; this adds the rule a site set to `format` would get, so the
 * layout really is on that paper, with the theme's 15 mm margins.
 */
export async function printToPdf(page, format) {
  const size = { letter: 'letter', a4: 'A4' }[format.toLowerCase()];
  assert.ok(size, `unknown paper format ${format}`);
  // A constructed stylesheet, not a <style> element: the site's
  // Content-Security-Policy (style-src 'self') blocks inline styles.
  await page.evaluate((css) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets.filter((s) => !s.testPageSize), sheet];
    sheet.testPageSize = true;
  }, `@page { size: ${size}; margin: 15mm; }`);
  return page.pdf({ format, preferCSSPageSize: true });
}

/** The number of pages of a PDF, from poppler's pdfinfo. */
export function pdfPageCount(pdf) {
  const result = spawnSync('pdfinfo', ['-'], { input: pdf });
  if (result.error) throw new Error(`could not run pdfinfo: ${result.error.message}`);
  const match = result.stdout.toString('utf8').match(/^Pages:\s+(\d+)/m);
  if (result.status !== 0 || !match) throw new Error(`pdfinfo failed: ${result.stderr}`);
  return Number(match[1]);
}

/** The text of each page of a PDF (pdftotext ends every page with a form feed), normalised. */
export function pdfPageTexts(pdf) {
  const result = spawnSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`could not run pdftotext: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`pdftotext failed (exit ${result.status}): ${result.stderr}`);
  const pages = result.stdout.toString('utf8').split('\f').map(normalizeText);
  // The text after the last form feed is empty.
  if (pages.length > 1 && pages[pages.length - 1] === '') pages.pop();
  return pages;
}

/** The text of a PDF laid out as on the page (pdftotext -layout): rows stay rows. */
export function pdfLayoutText(pdf) {
  const result = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], { input: pdf, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`could not run pdftotext: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`pdftotext failed (exit ${result.status}): ${result.stderr}`);
  return result.stdout.toString('utf8');
}

/** The browser's local date `offsetDays` from today, as YYYY-MM-DD ("today" is the patient's). */
export function browserDate(page, offsetDays = 0) {
  return page.evaluate((offset) => {
    const date = new Date();
    date.setDate(date.getDate() + offset);
    const pad = (n) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }, offsetDays);
}
