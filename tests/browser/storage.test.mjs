// Browser tests of durable storage (js/storage.js, js/remind.js): records of
// every earlier stored version migrate (fixtures in fixtures/storage-v*.json),
// write failures are told to the patient, the backup reminder and the install
// invitation come when due and go when dismissed, and text typed a second
// before the browser is killed is there after a restart.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  PATIENT_SITE,
  REPO_ROOT,
  closeBuiltSite,
  openBuiltSite,
  withPage,
} from './harness.mjs';
import { JOURNALS, downloadFrom, openJournal, readJournal, writeAnswer } from './journal-helpers.mjs';
import { rawRecords, seedRecords } from './lock-helpers.mjs';

const SITE_ROOT = process.env.CAREBOOK_TEST_SITE ? path.resolve(process.env.CAREBOOK_TEST_SITE) : PATIENT_SITE;
const FIXTURES = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures');
const STORAGE_JS = readFileSync(path.join(REPO_ROOT, 'themes', 'default', 'static', 'js', 'storage.js'), 'utf8');
const SCHEMA_VERSION = Number(STORAGE_JS.match(/export const SCHEMA_VERSION = (\d+);/)?.[1]);
const DAY = 86400000;

let site;
let server;
let browser;
let basePath = '/';

before(async () => ({ site, server, browser, basePath } = await openBuiltSite(SITE_ROOT)));

after(() => closeBuiltSite({ site, server, browser }));

const url = (journal) => server.url(basePath + journal.path);
const { intention } = JOURNALS;
const daysAgo = (n) => new Date(Date.now() - n * DAY).toISOString();

/** The meta record of remind.js, written through the site's own store. */
function writeMeta(page, meta) {
  return page.evaluate(async (meta) => {
    const { openStore } = await import(`${document.body.dataset.basePath}js/storage.js`);
    await (await openStore()).write('meta:backup', { kind: 'meta', ...meta });
  }, meta);
}

test('there is a fixture of every stored schema version up to the current one', async () => {
  assert.ok(Number.isInteger(SCHEMA_VERSION), 'SCHEMA_VERSION not found in storage.js');
  const names = await fs.readdir(FIXTURES);
  for (let v = 0; v <= SCHEMA_VERSION; v += 1) assert.ok(names.includes(`storage-v${v}.json`), `no fixture for schema ${v}`);
});

for (let version = 0; version <= SCHEMA_VERSION; version += 1) {
  test(`records stored by schema ${version} are migrated and shown`, () =>
    withPage(browser, async ({ page }) => {
      const fixture = JSON.parse(await fs.readFile(path.join(FIXTURES, `storage-v${version}.json`), 'utf8'));
      // A page without a journal or checklist: nothing holds the database open while it is seeded.
      await page.goto(server.url(basePath), { waitUntil: 'load' });
      await seedRecords(page, fixture.records, fixture.dbVersion);

      await openJournal(page, url(intention));
      const entry = fixture.records[`journal:${intention.id}`].entries[0];
      // Written on an earlier day: the page opens on a new entry and shows the old answer above the question.
      assert.equal(await page.locator('[data-prompt="held-back"] .journal-answer').first().textContent(), entry.answers['held-back'].value);
      await page.click('.journal-current [data-action="reopen"]');
      await page.locator(`form[data-journal][data-entry="${entry.id}"]`).waitFor({ state: 'attached' });
      assert.equal(await page.inputValue('#p-held-back'), entry.answers['held-back'].value);
      assert.equal(await page.isChecked('#p-calm-7'), true);
      const record = await readJournal(page, intention.id);
      assert.equal(record.schema, SCHEMA_VERSION);
      assert.deepEqual(record.entries, fixture.records[`journal:${intention.id}`].entries);

      await page.goto(server.url(`${basePath}prepare/gather/`), { waitUntil: 'load' });
      await page.locator('form[data-checklist][data-enhanced]').first().waitFor({ state: 'attached' });
      assert.equal(await page.locator('input[data-item="water"]').first().isChecked(), true);
      assert.equal(await page.locator('input[data-item="blanket"]').first().isChecked(), false);

      // Writing again keeps the old answers and stamps the current schema.
      await openJournal(page, url(intention));
      await writeAnswer(page, intention.id, 'afraid', 'Written after the update');
      const raw = (await rawRecords(page))[`journal:${intention.id}`];
      assert.equal(raw.schema, SCHEMA_VERSION);
      assert.equal(raw.entries[0].answers['held-back'].value, entry.answers['held-back'].value);
    }));
}

test('a checklist tick that cannot be stored (quota) says so in an alert', () =>
  withPage(browser, async ({ page }) => {
    await page.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (window.failWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    await page.goto(server.url(`${basePath}prepare/gather/`), { waitUntil: 'load' });
    await page.locator('form[data-checklist][data-enhanced]').first().waitFor({ state: 'attached' });
    await page.evaluate(() => (window.failWrites = true));
    await page.locator('input[data-item="water"]').first().check();
    const alert = page.locator('[data-checklist-problem][role="alert"]').first();
    await alert.filter({ hasText: /out of storage space.*QuotaExceededError/ }).waitFor();
  }));

test('a journal save that fails (quota) stays on screen and suggests a backup', () =>
  withPage(browser, async ({ page }) => {
    await page.addInitScript(() => {
      IDBObjectStore.prototype.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    await openJournal(page, url(intention));
    await page.fill('#p-afraid', 'Cannot be saved');
    const alert = page.locator('.journal-error[role="alert"]');
    await alert.filter({ hasText: /^Not saved: this device is out of storage space\. .*download a backup/ }).waitFor();
    await page.waitForTimeout(600);
    assert.match(await alert.textContent(), /Not saved/, 'the alert went away by itself');
  }));

test('the backup reminder comes when entries changed and the last backup is old, and "Remind me later" hides it', () =>
  withPage(browser, async ({ page }) => {
    const reminder = page.locator('[data-journal-reminder]');
    await openJournal(page, url(intention));
    await writeAnswer(page, intention.id, 'held-back', 'Not backed up');
    // First days of use: no reminder.
    await page.reload();
    await openJournal(page, url(intention));
    await page.waitForFunction(() => document.querySelector('[data-journal-tools]'));
    await page.waitForTimeout(300);
    assert.equal(await reminder.isVisible(), false, 'a reminder on the first day');

    await writeMeta(page, { since: daysAgo(30) });
    await page.reload();
    await reminder.waitFor();
    assert.match(await reminder.textContent(), /since your last backup/);
    await page.click('[data-action="remind-later"]');
    assert.equal(await reminder.isVisible(), false);
    assert.ok(Date.parse((await rawRecords(page))['meta:backup'].snoozed) > Date.now() - 60000);
    await page.reload();
    await openJournal(page, url(intention));
    await page.waitForTimeout(300);
    assert.equal(await reminder.isVisible(), false, 'back the same day after "Remind me later"');

    // Snoozed long ago, a backup 20 days ago and changes since: back again.
    await writeMeta(page, { since: daysAgo(60), exported: daysAgo(20), snoozed: daysAgo(8) });
    await page.reload();
    await reminder.waitFor();
    // Making a backup answers it.
    await downloadFrom(page, 'export-json');
    assert.equal(await reminder.isVisible(), false);
    await page.waitForTimeout(200);
    assert.ok(Date.parse((await rawRecords(page))['meta:backup'].exported) > Date.now() - 60000);
  }));

test('no backup reminder when nothing changed since an old backup', () =>
  withPage(browser, async ({ page }) => {
    await page.goto(server.url(basePath), { waitUntil: 'load' });
    const fixture = JSON.parse(await fs.readFile(path.join(FIXTURES, `storage-v${SCHEMA_VERSION}.json`), 'utf8'));
    const record = { ...fixture.records[`journal:${intention.id}`], savedAt: daysAgo(25) };
    await seedRecords(page, { [`journal:${intention.id}`]: record, 'meta:backup': { kind: 'meta', since: daysAgo(40), exported: daysAgo(20) } });
    await openJournal(page, url(intention));
    await page.waitForTimeout(500);
    assert.equal(await page.locator('[data-journal-reminder]').isVisible(), false);
  }));

/** The browser's install prompt, as Chromium fires it when the guide can be installed. */
const fireInstallPrompt = (page) =>
  page.evaluate(() => {
    const event = new Event('beforeinstallprompt', { cancelable: true });
    event.prompt = async () => {
      window.installPrompted = true;
      return { outcome: 'accepted' };
    };
    dispatchEvent(event);
  });

test('the install invitation: never on the first day, offered later with the browser prompt, not again soon after "Not now"', () =>
  withPage(browser, async ({ page }) => {
    const invite = page.locator('[data-journal-install]');
    await openJournal(page, url(intention));
    await writeAnswer(page, intention.id, 'held-back', 'Day one');
    await page.reload();
    await openJournal(page, url(intention));
    await page.waitForFunction(async () => {
      const { openStore } = await import(`${document.body.dataset.basePath}js/storage.js`);
      return !!(await (await openStore()).read('meta:backup'))?.since;
    });
    await fireInstallPrompt(page);
    await page.waitForTimeout(300);
    assert.equal(await invite.isVisible(), false, 'an invitation on the first day');

    await writeMeta(page, { since: daysAgo(3), exported: daysAgo(1) });
    await page.reload();
    await openJournal(page, url(intention));
    await fireInstallPrompt(page);
    await invite.waitFor();
    assert.equal(await page.locator('[data-journal-reminder]').isVisible(), false);
    await page.click('[data-action="install"]');
    assert.equal(await invite.isVisible(), false);
    assert.equal(await page.evaluate(() => window.installPrompted), true);

    await page.reload();
    await openJournal(page, url(intention));
    await fireInstallPrompt(page);
    await page.waitForTimeout(300);
    assert.equal(await invite.isVisible(), false, 'invited again right away');
  }));

test('an iPhone gets the "Add to Home Screen" words instead of a button', () =>
  withPage(
    browser,
    async ({ page }) => {
      await openJournal(page, url(intention));
      await writeAnswer(page, intention.id, 'held-back', 'On a phone');
      await writeMeta(page, { since: daysAgo(3), exported: daysAgo(1) });
      await page.reload();
      const invite = page.locator('[data-journal-install]');
      await invite.waitFor();
      assert.equal(await page.locator('[data-install-ios]').isVisible(), true);
      assert.equal(await page.locator('[data-action="install"]').isVisible(), false);
      await page.click('[data-action="install-later"]');
      assert.equal(await invite.isVisible(), false);
    },
    { userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1' },
  ));

/** The pid of the Chromium browser process (not its helpers) using `userDataDir`. */
async function browserPid(userDataDir) {
  for (const pid of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    if (args.includes(`--user-data-dir=${userDataDir}`) && !args.some((a) => a.startsWith('--type='))) return Number(pid);
  }
  return null;
}

test('text typed one second before the browser is killed is there after a restart', async () => {
  const userDataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'carebook-profile-'));
  const launch = () => chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const first = await launch();
    const page = first.pages()[0] || (await first.newPage());
    await openJournal(page, url(intention));
    await page.locator('#p-held-back').pressSequentially('Typed just before the crash', { delay: 20 });
    await page.waitForTimeout(1000);
    const pid = await browserPid(userDataDir);
    assert.ok(pid, 'the browser process was not found');
    const closed = new Promise((resolve) => first.on('close', resolve));
    process.kill(pid, 'SIGKILL');
    await closed;

    const second = await launch();
    try {
      const again = second.pages()[0] || (await second.newPage());
      await openJournal(again, url(intention));
      assert.equal(await again.inputValue('#p-held-back'), 'Typed just before the crash');
    } finally {
      await second.close();
    }
  } finally {
    await fs.rm(userDataDir, { recursive: true, force: true });
  }
});
