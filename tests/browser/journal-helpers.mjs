// Helpers for the journal tests (journal.test.mjs): what a patient does on a
// journal page, and ways to look at what was stored on the device.
//
// The store is read through the site's own js/storage.js (its public API), so
// the tests do not depend on how records are laid out in IndexedDB.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';

/** The journal pages of the patient fixture, relative to the base path, and their collections. */
export const JOURNALS = {
  intention: { path: 'intention/set-your-intention/', id: 'intention/set-your-intention', title: 'Set your intention' },
  reflection: { path: 'after/reflect-on-your-session/', id: 'after/reflect-on-your-session', title: 'Reflect on your session' },
  notes: { path: 'after/return-to-your-notes/', id: 'after/return-to-your-notes', title: 'Return to your notes' },
};

/** "Tuesday 3 March, 14:05" (a year after the month when it is not this year). */
export const DATE_PATTERN =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)( \d{4})?, \d{2}:\d{2}$/;

/** What a patient might type that must stay text: it would run script if it became HTML. */
export const HOSTILE = '<img src=x onerror=alert(1)>';

/**
 * Opens a journal page and waits until journal.js has loaded what is stored:
 * the toolbar is revealed last.
 */
export async function openJournal(page, url) {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), 200, `${url} answered ${response.status()}`);
  await page.locator('form[data-journal].is-ready').first().waitFor({ state: 'attached' });
  await page.locator('[data-journal-tools]').first().waitFor({ state: 'visible' });
}

/** The record stored for a collection (`journal:<id>`), or undefined. */
export function readJournal(page, collection) {
  return page.evaluate(async (key) => {
    const base = document.body.dataset.basePath || '/';
    const { openStore } = await import(`${base}js/storage.js`);
    return (await openStore()).read(key);
  }, `journal:${collection}`);
}

/** Every journal record on this device, as `[{ key, record }]`. */
export function listJournals(page) {
  return page.evaluate(async () => {
    const base = document.body.dataset.basePath || '/';
    const { openStore } = await import(`${base}js/storage.js`);
    return (await openStore()).list('journal:');
  });
}

/** The values stored for one prompt, in every entry of a collection. */
export async function storedValues(page, collection, promptId) {
  const record = await readJournal(page, collection);
  return (record?.entries || []).map((e) => e.answers?.[promptId]?.value).filter((v) => v !== undefined);
}

/** Waits until some entry of `collection` stores `value` for `promptId`. */
export async function waitForStored(page, collection, promptId, value, timeout = 5000) {
  const start = Date.now();
  let values = [];
  while (Date.now() - start < timeout) {
    values = await storedValues(page, collection, promptId);
    if (values.includes(value)) return;
    await page.waitForTimeout(50);
  }
  assert.fail(`"${promptId}" of ${collection} was not saved as ${JSON.stringify(value)}; stored: ${JSON.stringify(values)}`);
}

/** Fills a field (one input event, as a paste would) and waits for the save. */
export async function writeAnswer(page, collection, promptId, text) {
  await page.locator(`form[data-journal="${collection}"] [data-prompt="${promptId}"] :is(textarea, input)`).first().fill(text);
  await waitForStored(page, collection, promptId, text);
}

/**
 * Clicks "Start a new entry" and waits until the form names another open
 * entry (data-entry): the open one is saved first, so the new one opens later.
 */
export async function startNewEntry(page) {
  const form = page.locator('form[data-journal]').first();
  const before = await form.getAttribute('data-entry');
  await page.click('[data-action="new"]');
  await page.waitForFunction((old) => document.querySelector('form[data-journal]').dataset.entry !== old, before);
}

/** The quiet "Saved on this device at HH:MM." status of the first journal form. */
export function savedStatus(page) {
  return page.locator('.journal-saved').first();
}

/** The list of earlier entries (the open one is not in it): `[{ date, datetime, words, reopen }]`. */
export function listedEntries(page) {
  return page.locator('[data-journal-entries] .journal-entry').evaluateAll((items) =>
    items.map((li) => ({
      date: li.querySelector('.journal-entry-date')?.textContent.trim(),
      datetime: li.querySelector('time')?.getAttribute('datetime'),
      words: li.querySelector('.journal-entry-words')?.textContent.trim(),
      reopen: !!li.querySelector('button[data-action="reopen"]'),
    })),
  );
}

/** Clicks a toolbar button and returns the downloaded file: `{ name, text }`. */
export async function downloadFrom(page, action) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action="${action}"]`)]);
  const file = await download.path();
  assert.ok(file, `the ${action} download failed: ${await download.failure()}`);
  assert.ok(download.url().startsWith('blob:'), `the ${action} download came from ${download.url()}, not a blob: URL`);
  return { name: download.suggestedFilename(), text: await fs.readFile(file, 'utf8') };
}

/** Chooses a backup file in the toolbar's file input and returns the message shown. */
export async function importBackup(page, text, name = 'my-journal.json') {
  const message = page.locator('[data-journal-message="copy"]');
  await page.setInputFiles('[data-journal-tools] input[type="file"]', {
    name,
    mimeType: 'application/json',
    buffer: Buffer.from(text, 'utf8'),
  });
  await page.waitForFunction(
    () => document.querySelector('[data-journal-message="copy"]')?.textContent.trim() !== '',
  );
  return (await message.textContent()).trim();
}

/**
 * Watches for signs that typed text became HTML: a dialog (alert), a request
 * for the image "x", an <img src="x"> in the document. `check(label)` fails
 * if any was seen.
 */
export function watchForInjection(page) {
  const seen = [];
  page.on('dialog', async (dialog) => {
    seen.push(`a ${dialog.type()} dialog: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.endsWith('/x')) seen.push(`a request for ${req.url()}`);
  });
  return {
    async check(label) {
      const images = await page.evaluate(() => document.querySelectorAll('img[src="x"], img[onerror]').length);
      if (images) seen.push(`${images} <img> element(s) made from typed text`);
      assert.deepEqual(seen, [], `${label}: typed text was treated as HTML`);
    },
  };
}
