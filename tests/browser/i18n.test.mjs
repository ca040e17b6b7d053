// Browser tests of the Spanish version of the patient fixture (tests/fixtures/patient,
// the example guide's journal and checklist with their Spanish copies): a Spanish-speaking
// patient switches the guide to Spanish, and the journal and checklist (their
// scripts' words included) are in Spanish, with the same saved answers and
// ticks as the English pages; the Spanish pages work offline after a visit.
// (axe and the Nu checker run on every /es/ page in site.test.mjs, through
// the sitemap.)

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { PATIENT_SITE, closeBuiltSite, openBuiltSite, withPage } from './harness.mjs';
import { openJournal, waitForStored, writeAnswer } from './journal-helpers.mjs';
import { waitForChecklists, waitForRecord } from './checklist-helpers.mjs';
import { waitForControl } from './offline-helpers.mjs';

let site;
let server;
let browser;

before(async () => ({ site, server, browser } = await openBuiltSite(PATIENT_SITE)));

after(() => closeBuiltSite({ site, server, browser }));

const INTENTION = 'intention/set-your-intention';

test('the switcher takes the patient to the Spanish journal, with what they wrote in English', async () => {
  await withPage(browser, async ({ page }) => {
    await openJournal(page, server.url(`/${INTENTION}/`));
    await writeAnswer(page, INTENTION, 'held-back', 'Old worries about work');
    assert.match(await page.locator('.journal-saved').innerText(), /^Saved on this device at/);

    const switcher = page.getByRole('navigation', { name: 'Language' });
    assert.equal(await switcher.locator('[aria-current]').innerText(), 'English');
    await Promise.all([page.waitForURL(`**/es/${INTENTION}/`), switcher.getByRole('link', { name: 'Español' }).click()]);
    await openJournal(page, page.url());

    assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');
    assert.equal(await page.getByRole('navigation', { name: 'Idioma' }).locator('[aria-current]').innerText(), 'Español');
    assert.equal(await page.locator('h1').innerText(), 'Escriba su intención');
    const field = page.locator('[data-prompt="held-back"] textarea');
    assert.equal(await field.inputValue(), 'Old worries about work');
    assert.equal(await page.locator('label[for="p-held-back"]').innerText(), '¿Qué me está frenando en la vida?');
    // Written by journal.js, from the Spanish words.
    assert.match(await page.locator('.journal-current').innerText(), /^Su entrada del /);
    await page.getByRole('button', { name: 'Empezar una entrada nueva' }).click();
    // Starting an entry saves the open one first: the heading changes after that.
    await page.waitForFunction(() => document.querySelector('.journal-current').textContent === 'Una entrada nueva.');
    await field.fill('Viejas preocupaciones');
    await waitForStored(page, INTENTION, 'held-back', 'Viejas preocupaciones');
    assert.match(await page.locator('.journal-saved').innerText(), /^Guardado en este dispositivo a las \d{2}:\d{2}\.$/);
    assert.equal(await page.locator('.journal-earlier summary').first().innerText(), 'Lo que escribió antes');
    assert.equal(await page.locator('.journal-entry button').first().innerText(), 'Abrir');
  });
});

test('the Spanish checklist speaks Spanish and shares its ticks with the English one', async () => {
  await withPage(browser, async ({ page }) => {
    await page.goto(server.url('/es/prepare/gather/'));
    await waitForChecklists(page);
    const status = page.locator('[data-checklist-status]').first();
    assert.equal(await status.innerText(), '0 de 5 listos');
    await page.getByLabel('Un vaso de agua').check();
    await page.waitForFunction(() => document.querySelector('[data-checklist-status]').textContent === '1 de 5 listos');
    // The status is painted before the tick is stored: wait for the store before leaving the page.
    await waitForRecord(page, '/', 'checklist:prepare/gather', (r) => r?.items?.water?.checked === true);
    assert.equal(await page.getByRole('button', { name: 'Imprimir esta hoja' }).count(), 1);

    await page.goto(server.url('/prepare/gather/'));
    await waitForChecklists(page);
    assert.ok(await page.getByLabel('A glass of water').isChecked());
    assert.equal(await page.locator('[data-checklist-status]').first().innerText(), '1 of 5 ready');
  });
});

test('an untranslated page in Spanish says so, in Spanish', async () => {
  await withPage(browser, async ({ page }) => {
    await page.goto(server.url('/es/prepare/breathwork/'));
    const notice = page.locator('.translation-notice');
    assert.match(await notice.innerText(), /^Esta página todavía no está traducida/);
    assert.equal(await notice.getAttribute('lang'), 'es');
    assert.equal(await page.locator('main').getAttribute('lang'), 'en');
    // Navigation stays in Spanish.
    assert.equal(await page.locator('.skip-link').innerText(), 'Ir al contenido principal');
  });
});

test('Spanish pages work offline after a visit, and an address the guide does not have gets the 404 page', async () => {
  await withPage(browser, async ({ page, context }) => {
    await page.goto(server.url('/es/'));
    await waitForControl(page);
    await context.setOffline(true);
    try {
      const response = await page.goto(server.url('/es/prepare/gather/'));
      assert.ok(response?.fromServiceWorker(), '/es/prepare/gather/ did not come from the service worker');
      assert.equal(await page.locator('h1').innerText(), 'Qué tener a mano');
      await waitForChecklists(page);
      assert.equal(await page.locator('[data-checklist-status]').first().innerText(), '0 de 5 listos');

      // Every page is precached, so the worker knows this address is no page
      // of the guide and answers with the 404 page (issue #11), not "not saved".
      const missing = await page.goto(server.url('/es/no-guardada/'));
      assert.equal(missing?.status(), 404);
      assert.ok(missing?.fromServiceWorker(), '/es/no-guardada/ did not come from the service worker');
      assert.equal(await page.locator('h1').innerText(), 'Page not found');
    } finally {
      await context.setOffline(false);
    }
  }, { allowDocument404: true });
});
