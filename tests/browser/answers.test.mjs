// Browser tests of "My answers" (templates/answers.html, js/answers.js): every
// journal entry on the device, newest first, with the trend of each scale
// question, to print or save for the care team. Also: under the lock, without
// JavaScript, offline, and with typed HTML that must stay text.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { PATIENT_SITE, closeBuiltSite, formatAxeViolations, formatVnuMessages, openBuiltSite, runAxe, runVnu, withPage } from './harness.mjs';
import { HOSTILE, JOURNALS, downloadFrom, openJournal, waitForStored, watchForInjection, writeAnswer } from './journal-helpers.mjs';
import { pdfPageCount, pdfPageTexts, printToPdf } from './checklist-helpers.mjs';
import { openLocked, setLock, typePassphrase } from './lock-helpers.mjs';

let site;
let server;
let browser;
let basePath = '/';

before(async () => ({ site, server, browser, basePath } = await openBuiltSite(PATIENT_SITE)));
after(() => closeBuiltSite({ site, server, browser }));

const { intention, reflection } = JOURNALS;
const url = (journal) => server.url(basePath + journal.path);
const answersUrl = () => server.url(`${basePath}journal/`);
const CONTEXT = { timezoneId: 'UTC', locale: 'en-GB' };
const DAY_2 = new Date('2026-12-02T09:00:00Z');
const DAY_5 = new Date('2026-12-05T10:15:00Z');

/** Two days of a patient's journal: 2 December (calm 3) and 5 December (calm 7), and a reflection. */
async function writeTwoDays(page, dayFiveWords = 'Day five words') {
  await page.clock.setFixedTime(DAY_2);
  await openJournal(page, url(intention));
  await writeAnswer(page, intention.id, 'held-back', 'Day two words');
  await page.check('#p-calm-3');
  await waitForStored(page, intention.id, 'calm', '3');
  await page.clock.setFixedTime(DAY_5);
  await openJournal(page, url(intention));
  await writeAnswer(page, intention.id, 'held-back', dayFiveWords);
  await page.check('#p-calm-7');
  await waitForStored(page, intention.id, 'calm', '7');
  await openJournal(page, url(reflection));
  const prompt = await page.locator('[data-prompt]').first().getAttribute('data-prompt');
  await writeAnswer(page, reflection.id, prompt, 'A quiet room');
}

/** Opens "My answers" and waits until answers.js has shown the list. */
async function openAnswers(page) {
  const response = await page.goto(answersUrl(), { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  await page.locator('[data-journal-answers][data-ready]').waitFor({ state: 'attached' });
}

const entryDates = (page) => page.locator('.answers-entry h3').allTextContents();

test('"My answers" is linked from the home page and every journal page', () =>
  withPage(browser, async ({ page }) => {
    for (const address of [server.url(basePath), url(intention), url(reflection), url(JOURNALS.notes)]) {
      await page.goto(address);
      const link = page.locator(`a[href="${basePath}journal/"]`);
      assert.ok((await link.count()) >= 1, `no link to "My answers" on ${address}`);
      assert.match(await link.first().textContent(), /^My answers/);
    }
    await page.goto(server.url(`${basePath}es/`));
    assert.equal(await page.locator(`a[href="${basePath}es/journal/"]`).count(), 1, 'the Spanish home links the Spanish page');
  }));

test('it lists every journal’s entries newest first, with dates, questions and answers, and the calm trend', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeTwoDays(page);
      await openAnswers(page);
      assert.deepEqual(await page.locator('.answers-collection > h2').allTextContents(), ['Set your intention', 'Reflect on your session']);
      assert.deepEqual(await entryDates(page), [
        'Saturday 5 December, 10:15',
        'Wednesday 2 December, 09:00',
        'Saturday 5 December, 10:15',
      ]);
      const first = page.locator('.answers-entry').first();
      assert.deepEqual(await first.locator('dt').allTextContents(), ['What is holding me back in my life?', 'How calm do you feel right now?']);
      assert.deepEqual(await first.locator('dd').allTextContents(), ['Day five words', '7 out of 10']);

      const trend = page.locator('.answers-collection').first().locator('.trend');
      assert.equal(await trend.count(), 1);
      assert.equal((await trend.locator('.trend-title').textContent()).trim(), 'How calm do you feel right now?');
      assert.equal((await trend.locator('.trend-ends').textContent()).trim(), '0: Not calm at all, 10: Very calm');
      assert.deepEqual(await trend.locator('svg text').allTextContents(), ['0', '5', '10', '2 December', '5 December']);
      assert.equal(await trend.locator('tbody tr').count(), 2);
      assert.equal(await page.locator('.answers-collection').nth(1).locator('.trend').count(), 0, 'no scale there: no chart');
    },
    CONTEXT,
  ));

test('typed HTML stays text in "My answers", the chart and the saved HTML document, which has no script', () =>
  withPage(
    browser,
    async ({ page }) => {
      const injection = watchForInjection(page);
      await writeTwoDays(page, HOSTILE);
      // A backup file may carry anything: a question's words and a "scale" value made of HTML.
      await page.evaluate(async (hostile) => {
        const { openStore } = await import(`${document.body.dataset.basePath || '/'}js/storage.js`);
        const store = await openStore();
        const record = await store.read('journal:intention/set-your-intention');
        record.entries[0].answers.calm = { prompt: hostile, type: 'scale', value: hostile, updated: new Date().toISOString() };
        await store.write('journal:intention/set-your-intention', record);
      }, HOSTILE);
      await openAnswers(page);
      assert.ok((await page.locator('.answers-entry dd').allTextContents()).includes(HOSTILE), 'shown as the words typed');
      assert.ok((await page.locator('.answers-entry dt').allTextContents()).includes(HOSTILE));
      // The chart draws only whole numbers 0 to 10: the one left is not enough for a trend.
      assert.equal(await page.locator('.trend').count(), 0);
      await injection.check('My answers');

      const { name, text } = await downloadFrom(page, 'export-html');
      assert.match(name, /^my-journal-\d{4}-\d{2}-\d{2}\.html$/);
      assert.ok(!/<script/i.test(text), 'the document has no script');
      assert.ok(!/<img/i.test(text), 'the typed <img> did not become an element');
      assert.ok(text.includes('&lt;img src=x onerror=alert(1)&gt;'), 'the payload is there as text');
      assert.ok(text.startsWith('<!DOCTYPE html>'), text.slice(0, 60));
      assert.match(text, /<meta charset="utf-8">/);
      assert.ok(!/<[^>]*\s(href|src)=/i.test(text), `nothing links out of the file: ${text.match(/<[^>]*\s(href|src)=[^>]*>/i)}`);
      // Opened on its own (about:blank has no CSP, like a file), it reads: the answers as text, nothing run.
      await page.goto('about:blank');
      await page.setContent(text);
      assert.ok((await page.locator('dd').allTextContents()).includes(HOSTILE));
      assert.match(await page.locator('h1').textContent(), /My answers/);
      assert.equal(await page.locator('dt').first().evaluate((n) => getComputedStyle(n).fontWeight), '700', 'its own CSS applies');
      await injection.check('the saved document');
    },
    CONTEXT,
  ));

test('the chart shows a clean trend of two days in the saved document too, and the JSON backup downloads', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeTwoDays(page);
      await openAnswers(page);
      const { text } = await downloadFrom(page, 'export-html');
      assert.match(text, /<svg[^>]*role="img"/);
      assert.ok(text.includes('<td>7 out of 10</td>'), 'the trend table is in the document');
      assert.ok(text.includes('Day five words'));
      const backup = JSON.parse((await downloadFrom(page, 'export-json')).text);
      assert.equal(backup.format, 'carebook-journal');
      assert.equal(backup.records.length, 2);
    },
    CONTEXT,
  ));

for (const format of ['Letter', 'A4']) {
  test(`"My answers" prints on ${format}: entries with dates, no buttons, no entry split across pages`, () =>
    withPage(
      browser,
      async ({ page }) => {
        await writeTwoDays(page);
        // Enough entries for a second page.
        await page.evaluate(async () => {
          const { openStore } = await import(`${document.body.dataset.basePath || '/'}js/storage.js`);
          const store = await openStore();
          const key = 'journal:intention/set-your-intention';
          const record = await store.read(key);
          const long = 'A longer answer that takes several lines on paper, as patients write. '.repeat(6);
          for (let i = 0; i < 12; i++) {
            const created = new Date(Date.UTC(2026, 10, 1 + i, 8)).toISOString();
            record.entries.push({ id: `e-${i}`, created, updated: created, answers: { 'held-back': { prompt: 'What is holding me back in my life?', type: 'long', value: `Entry ${i}. ${long.repeat(1 + (i % 3))}End ${i}.`, updated: created } } });
          }
          await store.write(key, record);
        });
        await openAnswers(page);
        await page.emulateMedia({ media: 'print' });
        const pdf = await printToPdf(page, format);
        const pages = pdfPageTexts(pdf);
        assert.ok(pdfPageCount(pdf) >= 2, 'the test needs more than one page');
        const all = pages.join(' ');
        assert.match(all, /My answers/);
        assert.match(all, /Saturday 5 December, 10:15/);
        assert.match(all, /Day five words/);
        assert.match(all, /7 out of 10/);
        assert.ok(!/Print my answers|Save as a document|Journal pages of this guide/.test(all), 'buttons and page list are not printed');
        // Each entry's date and its last words are on the same page: no entry is split.
        for (let i = 0; i < 12; i++) {
          const day = new Date(Date.UTC(2026, 10, 1 + i, 8)).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
          const page1 = pages.findIndex((p) => p.includes(`${day}, 08:00`));
          const end = pages.findIndex((p) => p.includes(`End ${i}.`));
          assert.ok(page1 >= 0, `entry ${i}: its date is not printed`);
          assert.equal(page1, end, `entry ${i} is split: its date is on page ${page1 + 1}, its last words on page ${end + 1}`);
        }
      },
      CONTEXT,
    ));
}

test('under the lock, "My answers" asks for the passphrase first', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeTwoDays(page);
      await openJournal(page, url(intention));
      await setLock(page, 'correct horse battery');
      await openLocked(page, answersUrl());
      assert.equal(await page.locator('.answers-entry').count(), 0, 'nothing shown before the passphrase');
      assert.equal(await page.locator('[data-journal-answers]').isHidden(), true);
      await typePassphrase(page, 'correct horse battery');
      await page.locator('[data-journal-answers][data-ready]').waitFor({ state: 'attached' });
      assert.deepEqual((await entryDates(page)).slice(0, 2), ['Saturday 5 December, 10:15', 'Wednesday 2 December, 09:00']);
      assert.equal(await page.locator('form[data-journal-unlock]').count(), 0, 'the passphrase field is gone');
    },
    CONTEXT,
  ));

test('without JavaScript "My answers" says what it needs and links the journal pages', () =>
  withPage(
    browser,
    async ({ page }) => {
      await page.goto(answersUrl());
      assert.match(await page.locator('[data-journal-nojs]').textContent(), /needs JavaScript to show your answers/);
      assert.equal(await page.locator('[data-journal-nojs]').isVisible(), true);
      assert.equal(await page.locator('[data-answers-tools]').isVisible(), false, 'no buttons that cannot work');
      assert.deepEqual(await page.locator('.answers-journals > ul > li > a').allTextContents(), [
        'Set your intention',
        'Reflect on your session',
        'Return to your notes',
      ]);
    },
    { javaScriptEnabled: false },
  ));

test('"My answers" works offline once the guide was opened', () =>
  withPage(
    browser,
    async ({ page, context }) => {
      await writeTwoDays(page);
      await page.goto(server.url(basePath));
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.waitForFunction(async () => (await caches.keys()).length > 0 && !!(await caches.match(new URL('journal/', location.href).href)));
      await context.setOffline(true);
      await openAnswers(page);
      assert.equal((await entryDates(page)).length, 3);
      await context.setOffline(false);
    },
    CONTEXT,
  ));

for (const colorScheme of ['light', 'dark']) {
  test(`"My answers" with a chart passes axe-core (${colorScheme}) and fits 320 px`, () =>
    withPage(
      browser,
      async ({ page }) => {
        await writeTwoDays(page);
        await page.setViewportSize({ width: 320, height: 640 });
        await openAnswers(page);
        const violations = await runAxe(page);
        assert.equal(violations.length, 0, formatAxeViolations(violations, `My answers (${colorScheme})`));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `sideways scroll of ${overflow} px at 320 px`);
        // The journal page with its trend, too.
        await openJournal(page, url(intention));
        await page.locator('[data-prompt="calm"] .trend').waitFor();
        const journal = await runAxe(page);
        assert.equal(journal.length, 0, formatAxeViolations(journal, `journal with trend (${colorScheme})`));
      },
      { ...CONTEXT, colorScheme, bypassCSP: true }, // axe-core is injected inline
    ));
}

test('the "My answers" page has no Nu checker errors', () => {
  const files = [path.join(site.outDir, 'journal', 'index.html'), path.join(site.outDir, 'es', 'journal', 'index.html')];
  const messages = runVnu(files);
  assert.equal(messages.length, 0, formatVnuMessages(messages, site.outDir));
});

test('"My answers" as drawn, with entries and a chart, has no Nu checker errors', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeTwoDays(page);
      await openAnswers(page);
      await page.locator('.trend svg').waitFor();
      const file = path.join(site.outDir, 'journal', 'drawn.html');
      await fs.writeFile(file, `<!DOCTYPE html>\n${await page.evaluate(() => document.documentElement.outerHTML)}`);
      try {
        const messages = runVnu([file]);
        assert.equal(messages.length, 0, formatVnuMessages(messages, site.outDir));
      } finally {
        await fs.rm(file, { force: true });
      }
    },
    CONTEXT,
  ));
