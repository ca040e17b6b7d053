// Browser tests of checklists, the habit tracker and print packs on the patient
// fixture (tests/fixtures/patient: the example guide's checklists, copied; themes/default:
// partials/checklist.html, js/checklist.js, js/storage.js).
//
// What a patient does: tick, reload, come back through another page, go
// offline, clear the list, print it on Letter or A4. Every test opens a fresh
// browser context (so a fresh, empty store) that fails on any console error,
// uncaught exception or request off 127.0.0.1 (harness.mjs).
//
// CAREBOOK_TEST_SITE=<dir> runs the same tests on another site's sources;
// CAREBOOK_TEST_OUTPUT=<dir> serves an already built site instead (theme work).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  PATIENT_SITE,
  buildSite,
  formatAxeViolations,
  launchBrowser,
  normalizeText,
  readBaseUrl,
  runAxe,
  startServer,
  withPage,
} from './harness.mjs';
import {
  browserDate,
  pdfLayoutText,
  pdfPageCount,
  pdfPageTexts,
  printToPdf,
  putRecord,
  rawIndexedDB,
  storeCall,
  storedRecord,
  waitForChecklists,
  waitForRecord,
} from './checklist-helpers.mjs';
import { waitForControl } from './offline-helpers.mjs';

const SITE_ROOT = process.env.CAREBOOK_TEST_SITE ? path.resolve(process.env.CAREBOOK_TEST_SITE) : PATIENT_SITE;

// The patient fixture's pages (relative to the base path) and checklist ids.
const GATHER = 'prepare/gather/';
const GATHER_ID = 'prepare/gather';
const SECTION = 'prepare/'; // embeds the gather checklist with the shortcode
const HABITS = 'after/habit-tracker/';
const HABITS_ID = 'after/habit-tracker';
const PACK = 'prepare/print/';
const ALL_WORKSHEETS = 'print/';
const FORMATS = ['Letter', 'A4'];

const XSS = '<img src=x onerror=alert(1)>';

let site = null;
let outDir;
let server;
let browser;
let basePath = '/';

before(async () => {
  if (process.env.CAREBOOK_TEST_OUTPUT) {
    outDir = path.resolve(process.env.CAREBOOK_TEST_OUTPUT);
  } else {
    site = await buildSite(SITE_ROOT);
    outDir = site.outDir;
    const baseUrl = await readBaseUrl(path.join(SITE_ROOT, 'site.toml'));
    if (baseUrl) basePath = new URL(baseUrl).pathname.replace(/\/?$/, '/');
  }
  server = await startServer(outDir, { basePath });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await site?.cleanup();
});

/** Opens a page of the site and waits until its checklists are restored. */
async function visit(page, sitePath) {
  const response = await page.goto(server.url(basePath + sitePath), { waitUntil: 'load' });
  assert.equal(response?.status(), 200, `${sitePath} answered ${response?.status()}`);
  await waitForChecklists(page);
}

const checklistKey = (id) => `checklist:${id}`;
const form = (page, id) => page.locator(`form[data-checklist="${id}"]`);

/** `[{ item, label, checked }]` of the plain checklist `id` (its first copy on the page). */
function items(page, id) {
  return form(page, id)
    .first()
    .evaluate((f) =>
      [...f.querySelectorAll('input[type="checkbox"][data-item]')].map((input) => ({
        item: input.dataset.item,
        label: normalize(input.labels[0].textContent),
        checked: input.checked,
      })),
    );
}

// `normalize` (white space collapsed, as normalizeText does here) for the
// page.evaluate callbacks of this file; onPage puts it in every page.
/* global normalize -- the page's, for ESLint: the callbacks above and below run there */
const NORMALIZE_IN_PAGE = 'window.normalize = (s) => s.replace(/\\s+/g, " ").trim();';

/** withPage (a fresh context, failing on console errors), with `normalize` in the page. */
function onPage(fn, options) {
  return withPage(
    browser,
    async (session) => {
      await session.context.addInitScript(NORMALIZE_IN_PAGE);
      return fn(session);
    },
    options,
  );
}

async function statusText(page, id) {
  return normalizeText(await form(page, id).first().locator('[role="status"]').innerText());
}

/** Titles in the main navigation that the printed worksheet does not itself use. */
async function navTitlesOutsideWorksheet(page) {
  return page.evaluate(() => {
    const worksheet = [...document.querySelectorAll('main h1, main .lead, main .checklist-intro, form.checklist')]
      .map((el) => el.textContent)
      .join(' ');
    return [...document.querySelectorAll('.site-nav a')]
      .map((a) => normalize(a.textContent))
      .filter((title) => title && !normalize(worksheet).includes(title));
  });
}

// ---------------------------------------------------------------------------
// Ticking and saving

test('ticks survive a reload, the progress line counts them, and the record has the contract\'s shape', () =>
  onPage(async ({ page }) => {
    await visit(page, GATHER);
    const before = await items(page, GATHER_ID);
    assert.equal(before.length, 5, `expected the 5 things to gather, got ${JSON.stringify(before)}`);
    assert.ok(before.every((i) => !i.checked), 'a fresh browser starts with nothing ticked');
    assert.equal(await statusText(page, GATHER_ID), '0 of 5 ready');

    // One tick on the box, one on the words: the label is the touch target too.
    await page.getByRole('checkbox', { name: before[0].label, exact: true }).check();
    await form(page, GATHER_ID).locator('label', { hasText: before[2].label }).click();
    assert.equal(await statusText(page, GATHER_ID), '2 of 5 ready');

    // Saved in the background, in a moment: then a reload finds both.
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), (r) => r?.items[before[2].item]?.checked === true);
    await page.reload();
    await waitForChecklists(page);
    const after = await items(page, GATHER_ID);
    assert.deepEqual(
      after.map((i) => i.checked),
      [true, false, true, false, false],
      `after a reload: ${JSON.stringify(after)}`,
    );
    assert.equal(await statusText(page, GATHER_ID), '2 of 5 ready');

    // What is on the device: one database per site, one record per checklist.
    const db = await rawIndexedDB(page, `carebook:${basePath}`);
    assert.ok(db, `no IndexedDB database named "carebook:${basePath}"`);
    const rows = Object.values(db.stores).flat();
    const row = rows.find((r) => r.key === checklistKey(GATHER_ID));
    assert.ok(row, `no record "${checklistKey(GATHER_ID)}" in ${JSON.stringify(rows.map((r) => r.key))}`);
    const record = row.value;
    assert.equal(record.kind, 'checklist');
    assert.equal(record.checklist, GATHER_ID);
    assert.equal(record.title, 'What to gather');
    assert.equal(record.schema, 1);
    assert.ok(!Number.isNaN(Date.parse(record.savedAt)), `savedAt ${record.savedAt}`);
    assert.equal(record.started, undefined, 'a plain list has no start date');
    assert.deepEqual(Object.keys(record.items).sort(), [before[0].item, before[2].item].sort());
    const first = record.items[before[0].item];
    assert.equal(first.label, before[0].label, 'the label is stored beside the tick');
    assert.equal(first.checked, true);
    assert.ok(!Number.isNaN(Date.parse(first.updated)), `updated ${first.updated}`);

    // Unticking is saved too.
    await page.getByRole('checkbox', { name: before[0].label, exact: true }).uncheck();
    assert.equal(await statusText(page, GATHER_ID), '1 of 5 ready');
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), (r) => r?.items[before[0].item]?.checked === false);
  }));

test('quick ticks in a row are all saved', () =>
  onPage(async ({ page }) => {
    await visit(page, GATHER);
    // No awaiting between clicks: each save must read the record the previous one wrote.
    await form(page, GATHER_ID).evaluate((f) => {
      for (const input of f.querySelectorAll('input[data-item]')) input.click();
    });
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), (r) => Object.values(r?.items ?? {}).filter((i) => i.checked).length === 5);
    await page.reload();
    await waitForChecklists(page);
    const after = await items(page, GATHER_ID);
    assert.ok(after.every((i) => i.checked), `not all saved: ${JSON.stringify(after)}`);
    assert.equal(await statusText(page, GATHER_ID), '5 of 5 ready');
  }));

test('storage.js: records get schema and savedAt, list() filters by prefix and sorts, remove() deletes', async (t) => {
  for (const backend of ['indexeddb', 'localstorage']) {
    await t.test(backend, () =>
      onPage(async ({ page, context }) => {
        if (backend === 'localstorage') {
          // A browser without IndexedDB (some private modes, old WebViews).
          await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
        }
        await visit(page, GATHER);
        const opened = await storeCall(page, basePath, 'list', 'test:');
        assert.equal(opened.backend, backend);

        const written = await putRecord(page, basePath, 'test:b', { kind: 'test', n: 2 });
        assert.equal(written.schema, 1);
        assert.equal(written.n, 2);
        await putRecord(page, basePath, 'test:a', { kind: 'test', n: 1 });
        await putRecord(page, basePath, 'other:c', { kind: 'test', n: 3 });
        const read = await storedRecord(page, basePath, 'test:a');
        assert.equal(read.n, 1);
        assert.equal(read.schema, 1);
        assert.ok(!Number.isNaN(Date.parse(read.savedAt)));

        const listed = await storeCall(page, basePath, 'list', 'test:');
        assert.deepEqual(listed.value.map((e) => e.key), ['test:a', 'test:b']);
        assert.deepEqual(listed.value.map((e) => e.record.n), [1, 2]);

        await storeCall(page, basePath, 'remove', 'test:a');
        assert.equal(await storedRecord(page, basePath, 'test:a'), undefined);

        const persisted = await storeCall(page, basePath, 'requestPersistence');
        assert.equal(typeof persisted.value, 'boolean');
      }),
    );
  }
});

test('without IndexedDB, ticks are kept in localStorage and survive a reload', () =>
  onPage(async ({ page, context }) => {
    await context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { value: undefined }));
    await visit(page, GATHER);
    const list = await items(page, GATHER_ID);
    await page.getByRole('checkbox', { name: list[1].label, exact: true }).check();
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), (r) => r?.items[list[1].item]?.checked === true);
    await page.reload();
    await waitForChecklists(page);
    assert.deepEqual((await items(page, GATHER_ID)).map((i) => i.checked), [false, true, false, false, false]);
    const saved = await page.evaluate((key) => localStorage.getItem(key), `carebook:${basePath}|${checklistKey(GATHER_ID)}`);
    assert.ok(saved, 'the record is not in localStorage');
    assert.equal(JSON.parse(saved).items[list[1].item].checked, true);
  }));

test('a save that fails is said on the page, with the browser\'s error name (QuotaExceededError)', () =>
  onPage(async ({ page, context }) => {
    // A full disk: IndexedDB refuses every write the way Chromium does when over quota.
    await context.addInitScript(() => {
      IDBObjectStore.prototype.put = function put() {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    await visit(page, GATHER);
    const direct = await storeCall(page, basePath, 'write', 'test:x', { n: 1 });
    assert.deepEqual(
      { name: direct.error?.name, isError: direct.error?.isError },
      { name: 'QuotaExceededError', isError: true },
      `store.write should reject with an Error named QuotaExceededError: ${JSON.stringify(direct)}`,
    );

    const list = await items(page, GATHER_ID);
    await page.getByRole('checkbox', { name: list[0].label, exact: true }).check();
    const alert = form(page, GATHER_ID).getByRole('alert');
    await alert.waitFor();
    const text = normalizeText(await alert.innerText());
    assert.match(text, /out of storage space/, text);
    assert.match(text, /QuotaExceededError/, text);
    // The tick stays on screen: the list can still be printed.
    assert.equal((await items(page, GATHER_ID))[0].checked, true);
  }));

// ---------------------------------------------------------------------------
// Copies of one checklist

test('the copy embedded on /prepare/ and the page /prepare/gather/ share their ticks', () =>
  onPage(async ({ page, context }) => {
    await visit(page, GATHER);
    const list = await items(page, GATHER_ID);
    await page.getByRole('checkbox', { name: list[1].label, exact: true }).check();
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), (r) => r?.items[list[1].item]?.checked === true);

    await visit(page, SECTION);
    assert.equal(await form(page, GATHER_ID).count(), 1, `${SECTION} does not embed ${GATHER_ID}`);
    assert.deepEqual((await items(page, GATHER_ID)).map((i) => i.checked), [false, true, false, false, false]);
    assert.equal(await statusText(page, GATHER_ID), '1 of 5 ready');
    await form(page, GATHER_ID).getByRole('checkbox', { name: list[3].label, exact: true }).check();
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), (r) => r?.items[list[3].item]?.checked === true);

    await visit(page, GATHER);
    assert.deepEqual((await items(page, GATHER_ID)).map((i) => i.checked), [false, true, false, true, false]);

    // Both open at once (two tabs): coming back to the other tab shows the new tick.
    const other = await context.newPage();
    await visit(other, SECTION);
    await page.getByRole('checkbox', { name: list[4].label, exact: true }).check();
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), (r) => r?.items[list[4].item]?.checked === true);
    await other.evaluate(() => {
      document.dispatchEvent(new Event('visibilitychange'));
      window.dispatchEvent(new Event('focus'));
    });
    await other.waitForFunction(
      (item) => document.querySelector(`form[data-checklist] input[data-item="${item}"]`).checked,
      list[4].item,
    );
    assert.equal(await statusText(other, GATHER_ID), '3 of 5 ready');
  }));

test('two copies on one page follow each other at once', () =>
  onPage(async ({ page }) => {
    await visit(page, GATHER);
    // A second copy, as the partial draws it with another id prefix.
    await page.evaluate(async (base) => {
      const original = document.querySelector('form[data-checklist]');
      const copy = original.cloneNode(true);
      delete copy.dataset.enhanced;
      for (const el of copy.querySelectorAll('[id]')) el.id = `copy-${el.id}`;
      for (const el of copy.querySelectorAll('[for]')) el.htmlFor = `copy-${el.htmlFor}`;
      for (const attr of ['aria-describedby', 'aria-controls', 'aria-labelledby']) {
        for (const el of copy.querySelectorAll(`[${attr}]`)) el.setAttribute(attr, `copy-${el.getAttribute(attr)}`);
      }
      const holder = document.createElement('div');
      holder.id = 'second-copy';
      holder.append(copy);
      original.after(holder);
      const { initChecklists } = await import(`${base}js/checklist.js`);
      await initChecklists(holder);
    }, basePath);
    await waitForChecklists(page);
    const copies = form(page, GATHER_ID);
    assert.equal(await copies.count(), 2);

    await copies.nth(0).locator('input[data-item]').nth(2).check();
    assert.equal(await copies.nth(1).locator('input[data-item]').nth(2).isChecked(), true, 'the other copy did not follow');
    assert.equal(normalizeText(await copies.nth(1).locator('[role="status"]').innerText()), '1 of 5 ready');

    await copies.nth(1).locator('input[data-item]').nth(2).uncheck();
    assert.equal(await copies.nth(0).locator('input[data-item]').nth(2).isChecked(), false);
    assert.equal(normalizeText(await copies.nth(0).locator('[role="status"]').innerText()), '0 of 5 ready');
  }));

// ---------------------------------------------------------------------------
// Clear all

test('"Clear all" asks first, and clears only when the patient says yes', () =>
  onPage(async ({ page }) => {
    const dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss();
    });
    await visit(page, GATHER);
    const list = await items(page, GATHER_ID);
    await page.getByRole('checkbox', { name: list[0].label, exact: true }).check();
    await page.getByRole('checkbox', { name: list[4].label, exact: true }).check();

    const clear = page.getByRole('button', { name: 'Clear all', exact: true });
    const question = page.getByRole('group', { name: /Clear every tick/ });
    const no = page.getByRole('button', { name: 'No, keep my ticks', exact: true });
    const yes = page.getByRole('button', { name: 'Yes, clear all', exact: true });
    assert.equal(await question.isVisible(), false);

    // Escape says no; focus goes back to the button.
    await clear.click();
    assert.equal(await question.isVisible(), true);
    assert.equal(await clear.getAttribute('aria-expanded'), 'true');
    assert.equal(await no.evaluate((el) => el === document.activeElement), true, 'focus is not on the safe answer');
    await page.keyboard.press('Escape');
    assert.equal(await question.isVisible(), false);
    assert.equal(await clear.evaluate((el) => el === document.activeElement), true);
    assert.equal(await statusText(page, GATHER_ID), '2 of 5 ready');

    await clear.click();
    await no.click();
    assert.equal(await question.isVisible(), false);
    assert.equal(await statusText(page, GATHER_ID), '2 of 5 ready');

    await clear.click();
    await yes.click();
    assert.equal(await question.isVisible(), false);
    assert.ok((await items(page, GATHER_ID)).every((i) => !i.checked));
    assert.equal(await statusText(page, GATHER_ID), '0 of 5 ready');
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), (r) => r === undefined);
    await page.reload();
    await waitForChecklists(page);
    assert.ok((await items(page, GATHER_ID)).every((i) => !i.checked), 'ticks came back after a reload');
    assert.deepEqual(dialogs, [], 'a browser dialog was used');
  }));

// ---------------------------------------------------------------------------
// The habit tracker

/** `{ habits: [label], days: number }` of the tracker on the page. */
function tracker(page) {
  return form(page, HABITS_ID).evaluate((f) => ({
    habits: [...f.querySelectorAll('tbody th[scope="row"] .habit-label')].map((th) => normalize(th.textContent)),
    ids: [...f.querySelectorAll('tbody tr[data-habit]')].map((tr) => tr.dataset.habit),
    days: f.querySelectorAll('thead th[data-day]').length,
    today: [...f.querySelectorAll('thead th[aria-current="date"]')].map((th) => Number(th.dataset.day)),
    todayCells: [...new Set([...f.querySelectorAll('td.is-today')].map((td) => Number(td.dataset.day)))],
    dates: [...f.querySelectorAll('thead th[data-day] [data-day-date]')].map((el) => el.textContent),
    // The date as the eye sees it ("2 Dec") and as a screen reader hears it ("2 December 2026").
    shown: [...f.querySelectorAll('thead th[data-day] [data-day-date]')].map((el) => el.querySelector('[aria-hidden="true"]')?.textContent ?? ''),
    spoken: [...f.querySelectorAll('thead th[data-day] [data-day-date]')].map((el) => el.querySelector('.visually-hidden')?.textContent ?? ''),
  }));
}

test('the habit tracker: a grid of habits by day, with names that say habit and day', () =>
  onPage(async ({ page }) => {
    await visit(page, HABITS);
    const grid = await tracker(page);
    assert.equal(grid.days, 14);
    assert.equal(grid.habits.length, 4, `habits: ${JSON.stringify(grid.habits)}`);
    for (const habit of grid.habits) {
      for (const day of [1, 7, 14]) {
        const box = page.getByRole('checkbox', { name: `${habit}, day ${day}`, exact: true });
        assert.equal(await box.count(), 1, `no checkbox named "${habit}, day ${day}"`);
      }
    }
    assert.equal(await page.locator('table caption').count(), 1);
    assert.equal(await page.getByRole('rowheader').count(), 4);

    // Before the first tick: no dates yet, and today is the day that tick will make day 1.
    assert.equal(await statusText(page, HABITS_ID), '14 days · your first tick makes today day 1');
    assert.deepEqual(grid.today, [1]);
    assert.ok(grid.dates.every((d) => d === ''), `dates before the start: ${grid.dates}`);

    // The first tick starts the two weeks today.
    await page.getByRole('checkbox', { name: `${grid.habits[1]}, day 1`, exact: true }).check();
    assert.equal(await statusText(page, HABITS_ID), 'Day 1 of 14 · 1 tick so far · current streak: 1 day');
    const today = await browserDate(page, 0);
    const record = await waitForRecord(page, basePath, checklistKey(HABITS_ID), (r) => Boolean(r?.started));
    assert.equal(record.started, today);
    assert.deepEqual(record.items[`${grid.ids[1]}@1`].checked, true);
    assert.equal(record.items[`${grid.ids[1]}@1`].label, grid.habits[1]);
    const dated = await tracker(page);
    // Dated as the rest of the site writes dates ("1 November 2026"): "2 Dec" to the eye, in full for screen readers.
    const expected = await page.evaluate(
      ([start]) => {
        const month = (style) => new Intl.DateTimeFormat(document.documentElement.lang, { month: style, timeZone: 'UTC' });
        const [y, m, d] = start.split('-').map(Number);
        return [0, 1, 13].map((offset) => {
          const date = new Date(Date.UTC(y, m - 1, d + offset));
          const day = date.getUTCDate();
          return [`${day} ${month('short').format(date)}`, `, ${day} ${month('long').format(date)} ${date.getUTCFullYear()}`];
        });
      },
      [today],
    );
    const columns = [0, 1, 13].map((i) => [dated.shown[i], dated.spoken[i]]);
    assert.deepEqual(columns, expected, 'the day columns are dated from the start');
  }));

test('the habit tracker counts days, ticks and the current streak from the start date', async (t) => {
  const cases = [
    // The example: started two days ago, ticks on days 2 and 3.
    { startedDaysAgo: 2, ticks: ['0@2', '1@2', '2@2', '0@3', '3@3'], status: 'Day 3 of 14 · 5 ticks so far · current streak: 2 days', today: 3 },
    // Nothing ticked yet today: yesterday's streak still counts.
    { startedDaysAgo: 3, ticks: ['0@2', '0@3'], status: 'Day 4 of 14 · 2 ticks so far · current streak: 2 days', today: 4 },
    // A missed day ends a streak.
    { startedDaysAgo: 4, ticks: ['0@1', '0@2', '1@5'], status: 'Day 5 of 14 · 3 ticks so far · current streak: 1 day', today: 5 },
    // The two weeks are over.
    { startedDaysAgo: 20, ticks: ['0@1', '0@2', '0@3', '1@9'], status: 'All 14 days are done · 4 ticks in all · longest streak: 3 days', today: null },
  ];
  for (const c of cases) {
    await t.test(c.status, () =>
      onPage(async ({ page }) => {
        await visit(page, HABITS);
        const grid = await tracker(page);
        const items = {};
        for (const tick of c.ticks) {
          const [habit, day] = tick.split('@');
          items[`${grid.ids[Number(habit)]}@${day}`] = { label: grid.habits[Number(habit)], checked: true, updated: new Date().toISOString() };
        }
        await putRecord(page, basePath, checklistKey(HABITS_ID), {
          kind: 'checklist',
          checklist: HABITS_ID,
          title: 'Two-week habit tracker',
          started: await browserDate(page, -c.startedDaysAgo),
          items,
        });
        await page.reload();
        await waitForChecklists(page);
        assert.equal(await statusText(page, HABITS_ID), c.status);
        const after = await tracker(page);
        assert.deepEqual(after.today, c.today ? [c.today] : [], 'the column marked as today');
        assert.deepEqual(after.todayCells, c.today ? [c.today] : []);
        assert.equal(await page.locator('form[data-checklist] td input:checked').count(), c.ticks.length);
      }),
    );
  }
});

// ---------------------------------------------------------------------------
// Printing

for (const format of FORMATS) {
  test(`printed on ${format}, /prepare/gather/ is one page with every item and no navigation`, () =>
    onPage(async ({ page }) => {
      await visit(page, GATHER);
      const labels = (await items(page, GATHER_ID)).map((i) => i.label);
      const navTitles = await navTitlesOutsideWorksheet(page);
      assert.ok(navTitles.length > 0, 'the page has no main navigation to leave out');
      const pdf = await printToPdf(page, format);
      assert.equal(pdfPageCount(pdf), 1, `${format}: not one page`);
      const [text] = pdfPageTexts(pdf);
      for (const label of labels) assert.ok(text.includes(normalizeText(label)), `${format}: "${label}" missing from:\n${text}`);
      const printed = navTitles.filter((title) => text.includes(title));
      assert.deepEqual(printed, [], `${format}: navigation titles on paper:\n${text}`);
      assert.match(text, /Name .*Date/, 'no Name / Date line');
      assert.ok(text.includes(`${GATHER}`), 'the page address is not printed');
      assert.ok(!/Clear all|Print this worksheet|of 5 ready/.test(text), `screen-only parts on paper:\n${text}`);
    }));

  test(`printed on ${format}, the habit tracker is one page`, () =>
    onPage(async ({ page }) => {
      await visit(page, HABITS);
      const { habits } = await tracker(page);
      const pdf = await printToPdf(page, format);
      assert.equal(pdfPageCount(pdf), 1, `${format}: not one page`);
      const [text] = pdfPageTexts(pdf);
      for (const habit of habits) assert.ok(text.includes(normalizeText(habit)), `${format}: "${habit}" missing from:\n${text}`);
      // The header row of the grid, in the page's layout: every day column made it onto the sheet.
      assert.match(pdfLayoutText(pdf), /Habit\s+1\s+2\s+3\s+4\s+5\s+6\s+7\s+8\s+9\s+10\s+11\s+12\s+13\s+14\s*$/m, `${format}: the 14 day columns are not all on the sheet`);
    }));

  test(`printed on ${format}, a print pack has one worksheet per page`, async (t) => {
    for (const packPath of [PACK, ALL_WORKSHEETS]) {
      await t.test(packPath, () =>
        onPage(async ({ page }) => {
          await visit(page, packPath);
          const sheets = await page.evaluate(() =>
            [...document.querySelectorAll('.print-pack .worksheet')].map((section) => ({
              title: normalize(section.querySelector('h2').textContent),
              url: normalize(section.querySelector('.worksheet-url').textContent),
              checklist: Boolean(section.querySelector('form[data-checklist]')),
            })),
          );
          assert.ok(sheets.length > 0, `${packPath} has no worksheet`);
          const pdf = await printToPdf(page, format);
          const pages = pdfPageTexts(pdf);
          assert.equal(pages.length, pdfPageCount(pdf));
          // A worksheet ends with its own address (the sheet's footer): on which page?
          const ends = sheets.map((sheet) => pages.findIndex((text) => text.includes(sheet.url)));
          const where = sheets.map((sheet, i) => `${sheet.title}: ends on page ${ends[i] + 1}`).join('\n');
          for (const [i, text] of pages.entries()) {
            const footers = sheets.filter((sheet) => text.includes(sheet.url));
            assert.ok(footers.length <= 1, `${format}: page ${i + 1} holds the ends of ${footers.map((f) => f.title)}`);
          }
          assert.ok(ends.every((end, i) => end >= 0 && (i === 0 || end > ends[i - 1])), `${format}:\n${where}`);
          assert.equal(ends[ends.length - 1], pages.length - 1, `${format}: pages after the last worksheet:\n${where}`);
          // Each worksheet starts on the page after the previous one ends, with its title.
          sheets.forEach((sheet, i) => {
            const start = i === 0 ? 0 : ends[i - 1] + 1;
            assert.ok(pages[start].includes(sheet.title), `${format}: page ${start + 1} does not start "${sheet.title}":\n${pages[start]}`);
            assert.match(pages[start], /Name .*Date/, `${format}: page ${start + 1} has no Name / Date line`);
            if (sheet.checklist) assert.equal(ends[i], start, `${format}: the checklist "${sheet.title}" takes more than one page`);
          });
          if (packPath === PACK) assert.equal(pages.length, sheets.length, `${format}: ${pages.length} pages for ${sheets.length} worksheets`);
        }),
      );
    }
  });
}

test('"Print this worksheet" prints; on /prepare/ only the embedded list goes to paper', () =>
  onPage(async ({ page }) => {
    await visit(page, GATHER);
    await page.evaluate(() => {
      window.printed = 0;
      window.print = () => {
        window.printed += 1;
      };
    });
    await page.getByRole('button', { name: 'Print this worksheet' }).click();
    assert.equal(await page.evaluate(() => window.printed), 1);

    await visit(page, SECTION);
    const labels = (await items(page, GATHER_ID)).map((i) => i.label);
    const otherText = await page.evaluate(() => normalize(document.querySelector('main h1').textContent));
    await page.evaluate(() => {
      window.print = () => {
        window.printState = {
          one: document.documentElement.classList.contains('cb-print-one'),
          target: document.querySelector('form[data-checklist]').classList.contains('cb-print-target'),
        };
      };
    });
    await form(page, GATHER_ID).getByRole('button', { name: 'Print this worksheet' }).click();
    assert.deepEqual(await page.evaluate(() => window.printState), { one: true, target: true });
    // While the print dialog would be open: what goes to paper.
    const pdf = await printToPdf(page, 'Letter');
    assert.equal(pdfPageCount(pdf), 1);
    const [text] = pdfPageTexts(pdf);
    for (const label of labels) assert.ok(text.includes(normalizeText(label)), `"${label}" missing from:\n${text}`);
    assert.ok(text.includes('What to gather'), `the worksheet's title is missing:\n${text}`);
    assert.ok(!text.includes(otherText), `the rest of the page was printed:\n${text}`);
    await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('cb-print-one')), false);
  }));

// ---------------------------------------------------------------------------
// Safety and robustness

test('stored text is shown as text: a label like <img onerror> stays inert', async (t) => {
  for (const [sitePath, id, key] of [
    [GATHER, GATHER_ID, 'blanket'],
    [HABITS, HABITS_ID, 'walk@1'],
  ]) {
    await t.test(sitePath, () =>
      onPage(async ({ page }) => {
        const dialogs = [];
        page.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          dialog.dismiss();
        });
        await visit(page, sitePath);
        const imagesBefore = await page.locator('img').count();
        const tick = (label) => ({ label, checked: true, updated: new Date().toISOString() });
        await putRecord(page, basePath, checklistKey(id), {
          kind: 'checklist',
          checklist: id,
          title: XSS,
          started: await browserDate(page, 0),
          // One on an item of the page, one on an item the page no longer has (shown as text).
          items: { [key]: tick(XSS), 'gone-item': tick(XSS) },
        });
        await page.reload();
        await waitForChecklists(page);
        await page.waitForTimeout(300); // an onerror would fire once "x" fails to load
        assert.deepEqual(dialogs, [], 'a dialog was opened');
        assert.equal(await page.locator('img').count(), imagesBefore, 'an <img> was created');
        assert.equal(await page.locator('[onerror]').count(), 0);
        const earlier = await form(page, id).locator('.checklist-earlier li').allTextContents();
        assert.deepEqual(earlier, [XSS], 'the stored label is not shown as plain text');
        assert.equal(await form(page, id).locator(`input[data-item="${key.split('@')[0]}"]`).first().isChecked(), true);
      }),
    );
  }
});

test('without JavaScript: real checkboxes, no script-only buttons, and still one printed page', () =>
  withPage(
    browser,
    async ({ page }) => {
      await page.goto(server.url(basePath + GATHER));
      const boxes = page.locator('form[data-checklist] input[type="checkbox"]');
      assert.equal(await boxes.count(), 5);
      for (const box of await boxes.all()) assert.equal(await box.isVisible(), true);
      for (const name of ['Print this worksheet', 'Clear all']) {
        assert.equal(await page.getByRole('button', { name }).count(), 0, `"${name}" shows without JavaScript`);
      }
      assert.equal(await page.locator('[role="status"]:visible').count(), 0);
      assert.equal(pdfPageCount(await printToPdf(page, 'Letter')), 1);
    },
    { javaScriptEnabled: false },
  ));

test('touch targets: list rows and buttons at least 44 px tall, grid boxes at least 24 px', () =>
  onPage(
    async ({ page }) => {
      await visit(page, GATHER);
      const rows = await page.locator('.checklist-item label').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
      assert.ok(rows.every((h) => h >= 44), `label rows: ${rows}`);
      const buttons = await page.locator('form[data-checklist] button:visible').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().height));
      assert.ok(buttons.length >= 2 && buttons.every((h) => h >= 44), `buttons: ${buttons}`);
      await visit(page, HABITS);
      const boxes = await page.locator('.habit-cell input').evaluateAll((els) => els.map((el) => Math.min(el.getBoundingClientRect().width, el.getBoundingClientRect().height)));
      assert.ok(boxes.every((s) => s >= 24), `grid boxes: ${Math.min(...boxes)} px`);
      const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
      assert.ok(width[0] <= width[1], `the page scrolls sideways at 320 px: ${width}`);
    },
    { viewport: { width: 320, height: 640 } },
  ));

test('axe-core finds no WCAG 2.2 A/AA violation on checklists in use, light and dark', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    for (const sitePath of [GATHER, SECTION, HABITS, PACK]) {
      await t.test(`${sitePath} (${colorScheme})`, () =>
        onPage(
          async ({ page }) => {
            await visit(page, sitePath);
            // Ticked boxes, today's column and the open confirmation are checked too.
            const first = page.locator('form[data-checklist] input[type="checkbox"]').first();
            await first.check();
            await page.locator('form[data-checklist] button[data-action="clear"]').first().click();
            const violations = await runAxe(page);
            assert.equal(violations.length, 0, `\n${formatAxeViolations(violations, sitePath)}`);
          },
          { bypassCSP: true, colorScheme },
        ),
      );
    }
  }
});

test('offline, ticks made before and while offline survive a reload', async (t) => {
  if (!fs.existsSync(path.join(outDir, 'sw.js'))) {
    t.skip('the build has no sw.js (the service worker is not in the build yet)');
    return;
  }
  await onPage(async ({ page, context }) => {
    await visit(page, GATHER);
    await waitForControl(page);
    const list = await items(page, GATHER_ID);
    const saved = (item) => (r) => r?.items[item]?.checked === true;
    await page.getByRole('checkbox', { name: list[0].label, exact: true }).check();
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), saved(list[0].item));

    await context.setOffline(true);
    await page.reload();
    await waitForChecklists(page);
    assert.equal((await items(page, GATHER_ID))[0].checked, true, 'the tick is gone offline');
    await page.getByRole('checkbox', { name: list[2].label, exact: true }).check();
    await waitForRecord(page, basePath, checklistKey(GATHER_ID), saved(list[2].item));
    await page.reload();
    await waitForChecklists(page);
    assert.deepEqual((await items(page, GATHER_ID)).map((i) => i.checked), [true, false, true, false, false]);
    await context.setOffline(false);
  });
});
