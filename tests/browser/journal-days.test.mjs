// Browser tests of the journal across days (issue 12): the page a patient
// finds when coming back on a later day, deleting one entry, the trend of a
// scale question under it, and the open entry's date in print.
//
// The browser's clock is Playwright's fake clock (page.clock.setFixedTime:
// Date is fixed, timers still run, so autosave works). One context is one
// browser profile: its IndexedDB outlives reloads, as a patient's does.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { PATIENT_SITE, closeBuiltSite, openBuiltSite, withPage } from './harness.mjs';
import { JOURNALS, listedEntries, openJournal, readJournal, waitForStored, writeAnswer } from './journal-helpers.mjs';
import { pdfPageTexts, printToPdf } from './checklist-helpers.mjs';

let site;
let server;
let browser;
let basePath = '/';

before(async () => ({ site, server, browser, basePath } = await openBuiltSite(PATIENT_SITE)));
after(() => closeBuiltSite({ site, server, browser }));

const { intention } = JOURNALS;
const url = (journal) => server.url(basePath + journal.path);
const CONTEXT = { timezoneId: 'UTC', locale: 'en-GB' };
const DAY_2 = new Date('2026-12-02T09:00:00Z');
const DAY_2_EVENING = new Date('2026-12-02T20:30:00Z');
const DAY_5 = new Date('2026-12-05T10:15:00Z');

/** The patient's first day: an answer and a calm rating, on 2 December. */
async function writeDayTwo(page) {
  await page.clock.setFixedTime(DAY_2);
  await openJournal(page, url(intention));
  await writeAnswer(page, intention.id, 'held-back', 'Day two words');
  await page.check('#p-calm-3');
  await waitForStored(page, intention.id, 'calm', '3');
}

test('back on a later day, the page opens on a new empty entry and says where the last one is', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeDayTwo(page);
      const [dayTwo] = (await readJournal(page, intention.id)).entries;

      // The same evening: the page carries on with today's entry.
      await page.clock.setFixedTime(DAY_2_EVENING);
      await openJournal(page, url(intention));
      assert.equal(await page.locator('form[data-journal]').getAttribute('data-entry'), dayTwo.id);
      assert.equal(await page.inputValue('#p-held-back'), 'Day two words', 'a same-day return keeps adding to today’s entry');
      assert.match(await page.locator('.journal-current').textContent(), /^Your entry of Wednesday 2 December, 09:00\.$/);

      // Three days later.
      await page.clock.setFixedTime(DAY_5);
      await openJournal(page, url(intention));
      const line = page.locator('.journal-current');
      await line.filter({ hasText: 'New entry for today' }).waitFor();
      assert.notEqual(await page.locator('form[data-journal]').getAttribute('data-entry'), dayTwo.id);
      assert.equal(
        (await line.evaluate((n) => n.firstChild.textContent + n.querySelector('time').textContent + n.childNodes[2].textContent)),
        'New entry for today. Your entry of 2 December is below and can be reopened.',
      );
      assert.equal(await page.inputValue('#p-held-back'), '', 'the fields are empty: day five is not written into day two');
      assert.equal(await page.isChecked('#p-calm-3'), false);
      // The earlier answers beside each question, as on the day.
      const earlier = page.locator('[data-prompt="held-back"] .journal-earlier');
      assert.match(await earlier.textContent(), /Day two words/);
      assert.match(await earlier.locator('time').textContent(), /^Wednesday 2 December, 09:00$/);
      assert.equal((await listedEntries(page)).length, 1, 'the day-two entry is in the list');
      // Nothing is stored until the patient types: no empty entries pile up.
      assert.equal((await readJournal(page, intention.id)).entries.length, 1);
      await page.reload();
      await openJournal(page, url(intention));
      assert.equal((await readJournal(page, intention.id)).entries.length, 1, 'opening the page twice stored nothing');

      // Writing makes the day-five entry, dated.
      await writeAnswer(page, intention.id, 'held-back', 'Day five words');
      await line.filter({ hasText: 'Your entry of Saturday 5 December, 10:15' }).waitFor();
      const record = await readJournal(page, intention.id);
      assert.deepEqual(record.entries.map((e) => e.answers['held-back'].value), ['Day two words', 'Day five words']);
      assert.equal(record.entries[1].created, DAY_5.toISOString());
    },
    CONTEXT,
  ));

test('reopening the day-two entry is one tap, from the line at the top', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeDayTwo(page);
      const [dayTwo] = (await readJournal(page, intention.id)).entries;
      await page.clock.setFixedTime(DAY_5);
      await openJournal(page, url(intention));
      const button = page.locator('.journal-current button[data-action="reopen"]');
      assert.equal((await button.textContent()).trim(), 'Reopen the entry of 2 December');
      await button.click();
      await page.locator(`form[data-journal][data-entry="${dayTwo.id}"]`).waitFor();
      assert.equal(await page.inputValue('#p-held-back'), 'Day two words');
      assert.equal(await page.isChecked('#p-calm-3'), true);
      assert.match(await page.locator('.journal-current').textContent(), /^Your entry of Wednesday 2 December, 09:00\.$/);
      assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('journal-current')), true);
    },
    CONTEXT,
  ));

test('one entry is deleted after a confirmation that names its date; Escape keeps it', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeDayTwo(page);
      await page.clock.setFixedTime(DAY_5);
      await openJournal(page, url(intention));
      await writeAnswer(page, intention.id, 'held-back', 'Day five words');

      const remove = page.locator('[data-journal-entries] button[data-action="delete-entry"]');
      assert.equal(await remove.getAttribute('aria-label'), 'Delete the entry of Wednesday 2 December, 09:00');
      await remove.click();
      const question = page.locator('#cb-delete-entry');
      await question.waitFor();
      assert.match(await question.textContent(), /^Delete your entry of Wednesday 2 December, 09:00\? This cannot be undone\./);
      assert.equal(await remove.getAttribute('aria-expanded'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'delete-entry-no', 'focus moves to the question');
      await page.keyboard.press('Escape');
      await question.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.dataset.action), 'delete-entry', 'Escape returns to Delete');
      assert.equal((await readJournal(page, intention.id)).entries.length, 2, 'Escape deleted nothing');

      await remove.click();
      await page.click('#cb-delete-entry [data-action="delete-entry-yes"]');
      await page.locator('[data-journal-message="entries"]').filter({ hasText: 'Your entry of Wednesday 2 December, 09:00 is deleted.' }).waitFor();
      const record = await readJournal(page, intention.id);
      assert.deepEqual(record.entries.map((e) => e.answers['held-back'].value), ['Day five words'], 'only that entry is gone');
      assert.equal(await page.inputValue('#p-held-back'), 'Day five words', 'the open entry is untouched');
      assert.deepEqual(await listedEntries(page), []);
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'cb-journal-earlier', 'focus goes back to the list');
      // "Delete all" is still there, in its own part of the toolbar.
      assert.equal(await page.locator('#cb-journal-delete ~ p [data-action="delete"]').count(), 1);
    },
    CONTEXT,
  ));

test('a scale question with two answers or more shows their trend under it, in words too', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeDayTwo(page);
      assert.equal(await page.locator('[data-prompt="calm"] .trend').count(), 0, 'one answer: no trend yet');
      await page.clock.setFixedTime(DAY_5);
      await openJournal(page, url(intention));
      await page.check('#p-calm-7');
      const trend = page.locator('[data-prompt="calm"] .trend');
      await trend.waitFor();
      assert.equal(
        await trend.locator('svg').getAttribute('aria-label'),
        'Chart of your answers to “How calm do you feel right now?”, 2 December to 5 December, 2 answers. The table below lists them.',
      );
      assert.equal((await trend.locator('.trend-ends').textContent()).trim(), '0: Not calm at all, 10: Very calm');
      assert.deepEqual(await trend.locator('svg text').allTextContents(), ['0', '5', '10', '2 December', '5 December']);
      assert.equal(await trend.locator('svg circle').count(), 2);
      assert.deepEqual(await trend.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.textContent)), [
        'Saturday 5 December, 10:157 out of 10',
        'Wednesday 2 December, 09:003 out of 10',
      ]);
      // A higher answer is drawn higher.
      const ys = await trend.locator('svg circle').evaluateAll((c) => c.map((n) => Number(n.getAttribute('cy'))));
      assert.ok(ys[1] < ys[0], `7 is above 3: ${ys}`);
    },
    CONTEXT,
  ));

test('a printed journal page shows the open entry’s date', () =>
  withPage(
    browser,
    async ({ page }) => {
      await writeDayTwo(page);
      await page.emulateMedia({ media: 'print' });
      for (const format of ['Letter', 'A4']) {
        const text = pdfPageTexts(await printToPdf(page, format)).join(' ');
        assert.match(text, /Your entry of Wednesday 2 December, 09:00\./, `${format}: ${text.slice(0, 400)}`);
        assert.match(text, /Day two words/);
      }
    },
    CONTEXT,
  ));

test('a date of another year carries its year', () =>
  withPage(
    browser,
    async ({ page }) => {
      await page.clock.setFixedTime(new Date('2025-12-30T09:00:00Z'));
      await openJournal(page, url(intention));
      await writeAnswer(page, intention.id, 'held-back', 'Last year');
      await page.clock.setFixedTime(DAY_5);
      await openJournal(page, url(intention));
      await page.locator('.journal-current').filter({ hasText: 'New entry for today' }).waitFor();
      assert.match(await page.locator('.journal-current time').textContent(), /^30 December 2025$/);
      assert.deepEqual((await listedEntries(page)).map((e) => e.date), ['Tuesday 30 December 2025, 09:00']);
    },
    CONTEXT,
  ));
