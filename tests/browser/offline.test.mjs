// Browser tests of the offline guide: the service worker (sw.js, rendered from
// themes/default/templates/sw.js) and js/main.js, on the patient fixture (tests/fixtures/patient).
//
// What a patient relies on: once the guide has been opened, every page works
// without a connection; an address that is not part of the guide shows the
// 404 page, and a page the browser dropped from its cache the offline page;
// journal text survives reloads and updates; a new version is announced
// without taking focus and only takes over when asked.
//
// Each test opens a fresh browser context, so it starts without a service
// worker. Tests that change the built files (an update, a missing asset) build
// their own copy and serve it on their own port. Every page must be free of
// console errors (playwright passes the service worker's on to the page),
// uncaught exceptions and requests off 127.0.0.1. CAREBOOK_TEST_SITE=<dir> runs the tests on another site.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  PATIENT_SITE,
  REPO_ROOT,
  buildSite,
  closeBuiltSite,
  htmlFiles,
  openBuiltSite,
  runBuild,
  sitemapPaths,
  startServer,
  withPage,
} from './harness.mjs';
import { launchEngine } from './engines.mjs';
import {
  cachedPaths,
  carebookCaches,
  copySite,
  eventually,
  journalRecord,
  waitForControl,
} from './offline-helpers.mjs';

const SITE_ROOT = process.env.CAREBOOK_TEST_SITE ? path.resolve(process.env.CAREBOOK_TEST_SITE) : PATIENT_SITE;

/** The journal page of the patient fixture, its collection and one of its prompts. */
const JOURNAL_PATH = 'intention/set-your-intention/';
const JOURNAL_KEY = 'journal:intention/set-your-intention';
const JOURNAL_FIELD = 'textarea[name="held-back"]';

const OFFLINE_H1 = 'This page is not saved on your device yet';
const NOT_FOUND_H1 = 'Page not found';
const UPDATE_TEXT = 'A new version of this guide is ready.';
const OFFLINE_TEXT = 'You are offline. Pages you have visited still work.';

let site;
let server;
let browser;
let basePath = '/';
/** Every page: those of sitemap.xml, then built pages it leaves out (print packs, the offline page). */
let pages = [];
/** Why the journal tests cannot run on this site, or null. */
let journalMissing = null;

before(async () => {
  ({ site, server, browser, basePath } = await openBuiltSite(SITE_ROOT));
  for (const file of ['sw.js', 'offline/index.html', 'manifest.webmanifest']) {
    await fs.access(path.join(site.outDir, file)).catch(() => {
      throw new Error(`the build wrote no ${file}: the offline tests need it`);
    });
  }
  pages = await sitemapPaths(site.outDir);
  for (const file of await htmlFiles(site.outDir)) {
    const rel = path.relative(site.outDir, file).split(path.sep).join('/');
    const urlPath = basePath + rel.replace(/(^|\/)index\.html$/, '$1');
    if (rel !== '404.html' && !pages.includes(urlPath)) pages.push(urlPath);
  }
  journalMissing = await whyNoJournal(site.outDir);
});

after(() => closeBuiltSite({ site, server, browser }));

/** null if the built site has the journal page and journal.js; otherwise the reason. */
async function whyNoJournal(outDir) {
  const exists = (p) => fs.access(path.join(outDir, p)).then(() => true, () => false);
  if (!(await exists('js/journal.js'))) return 'the theme has no js/journal.js yet';
  if (!(await exists(`${JOURNAL_PATH}index.html`))) return `the site has no /${JOURNAL_PATH} journal page`;
  const html = await fs.readFile(path.join(outDir, JOURNAL_PATH, 'index.html'), 'utf8');
  // A theme may write the attribute with or without quotes.
  if (!/name=["']?held-back["'\s>]/.test(html)) return `/${JOURNAL_PATH} has no "held-back" prompt`;
  return null;
}

/** Opens `urlPath` on `srv`, then waits until the service worker controls the page. */
async function visitAndInstall(page, srv, urlPath = basePath) {
  const response = await page.goto(srv.url(urlPath), { waitUntil: 'load' });
  assert.equal(response?.status(), 200, `${urlPath} answered ${response?.status()}`);
  await waitForControl(page);
}

/** The <h1> texts of the page. */
function headings(page) {
  return page.locator('h1').allInnerTexts();
}

/** Builds the site at `root` into `outDir` (replacing it); fails with carebook's stderr. */
function rebuild(root, outDir) {
  const { status, stderr } = runBuild(root, outDir);
  assert.equal(status, 0, `carebook build --root ${root} --output ${outDir} failed:\n${stderr}`);
}

/**
 * A copy of the site's sources built into its own folder and served on its own
 * port, for tests that change the built site: `{ copy, outDir, server, close() }`.
 */
async function separateSite() {
  const copy = await copySite(SITE_ROOT);
  const outDir = path.join(copy.tmp, 'public');
  let srv;
  try {
    rebuild(copy.root, outDir);
    srv = await startServer(outDir, { basePath });
  } catch (err) {
    await copy.cleanup();
    throw err;
  }
  return {
    copy,
    outDir,
    server: srv,
    close: async () => {
      await srv.close();
      await copy.cleanup();
    },
  };
}

/** Adds a paragraph right after the front matter of a content file. */
async function addParagraph(file, text) {
  const source = await fs.readFile(file, 'utf8');
  const end = source.indexOf('+++', 3);
  assert.ok(source.startsWith('+++') && end > 0, `${file} has no front matter`);
  const cut = source.indexOf('\n', end) + 1;
  await fs.writeFile(file, `${source.slice(0, cut)}\n${text}\n\n${source.slice(cut)}`);
}

/** Types into the journal prompt and waits until the store holds the text. */
async function writeInJournal(page, text) {
  const field = page.locator(JOURNAL_FIELD);
  await field.click();
  await field.pressSequentially(text);
  await eventually(
    async () => {
      const record = await journalRecord(page, basePath, JOURNAL_KEY);
      return JSON.stringify(record ?? {}).includes(text);
    },
    { message: `"${text}" in the ${JOURNAL_KEY} record` },
  );
}

// ---------------------------------------------------------------------------

test('the service worker saves every page and asset of the build in one cache', async () => {
  await withPage(browser, async ({ page }) => {
    await visitAndInstall(page, server);
    const names = await carebookCaches(page);
    assert.equal(names.length, 1, `expected one carebook- cache, found ${JSON.stringify(names)}`);
    const cached = new Set(await cachedPaths(page, names[0]));

    // Every page (sitemap.xml's and the other built ones, the offline page
    // among them) and every file the pages load (stylesheet, scripts, logo,
    // icons, manifest): all but the files meant for crawlers and the worker itself.
    const assets = [];
    for (const entry of await fs.readdir(site.outDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.endsWith('.html')) continue;
      const rel = path.relative(site.outDir, path.join(entry.parentPath ?? entry.path, entry.name));
      const url = basePath + rel.split(path.sep).join('/');
      if (!['sw.js', 'sitemap.xml', 'robots.txt', '_headers'].includes(rel)) assets.push(url);
    }
    // The 404 page too: offline, it answers an address the guide does not have.
    const expected = [...pages, `${basePath}offline/`, `${basePath}404.html`, `${basePath}manifest.webmanifest`, ...assets];
    const missing = [...new Set(expected)].filter((p) => !cached.has(p));
    assert.deepEqual(missing, [], `not saved for offline use:\n${missing.join('\n')}`);
  });
});

test('offline, every page loads from the device with its <h1> and styles', async () => {
  await withPage(browser, async ({ page, context }) => {
    await visitAndInstall(page, server);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const requestsBefore = server.requests.length;
    await context.setOffline(true);
    try {
      for (const urlPath of pages) {
        const response = await page.goto(server.url(urlPath), { waitUntil: 'load' });
        assert.equal(response?.status(), 200, `${urlPath} answered ${response?.status()} offline`);
        assert.ok(response.fromServiceWorker(), `${urlPath} did not come from the service worker`);
        const h1 = await headings(page);
        assert.equal(h1.length, 1, `${urlPath} has ${h1.length} <h1> offline`);
        assert.notEqual(h1[0].trim(), '', `${urlPath} has an empty <h1> offline`);
        if (urlPath !== `${basePath}offline/`) {
          assert.notEqual(h1[0], OFFLINE_H1, `${urlPath} showed the offline page`);
        }
        // The stylesheet came from the device too.
        const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        assert.equal(bg, background, `${urlPath} is unstyled offline`);
      }
    } finally {
      await context.setOffline(false);
    }
    const leaked = server.requests.slice(requestsBefore);
    assert.deepEqual(leaked, [], 'requests reached the server while offline');
  });
});

test('offline, /page and /page/index.html open the saved /page/', async () => {
  const target = pages.find((p) => p !== basePath && p.endsWith('/'));
  assert.ok(target, 'the site has no page besides the home page');
  await withPage(browser, async ({ page, context }) => {
    await visitAndInstall(page, server);
    const expected = await (async () => {
      await page.goto(server.url(target));
      return headings(page);
    })();
    await context.setOffline(true);
    try {
      for (const variant of [target.slice(0, -1), `${target}index.html`, `${target}?from=a-shared-link`]) {
        await page.goto(server.url(variant), { waitUntil: 'load' });
        assert.deepEqual(await headings(page), expected, `${variant} offline`);
      }
      // Without the slash the address becomes the folder, so relative links work.
      await page.goto(server.url(target.slice(0, -1)), { waitUntil: 'load' });
      assert.equal(new URL(page.url()).pathname, target);
    } finally {
      await context.setOffline(false);
    }
  });
});

test('offline, an address the site does not have shows the 404 page, with status 404', async () => {
  await withPage(browser, async ({ page, context }) => {
    await visitAndInstall(page, server);
    await context.setOffline(true);
    try {
      // Every page is saved on the device, so the worker knows these are none of them.
      for (const urlPath of [`${basePath}no-such-page/`, `${basePath}prepare/no/such/page.html`, `${basePath}404.html`]) {
        const response = await page.goto(server.url(urlPath), { waitUntil: 'load' });
        assert.deepEqual(await headings(page), [NOT_FOUND_H1], `${urlPath} offline`);
        assert.ok(response.fromServiceWorker(), `${urlPath} did not come from the service worker`);
        if (!urlPath.endsWith('404.html')) assert.equal(response.status(), 404, `${urlPath} offline`);
        const home = page.locator('main a', { hasText: 'Go to the start of the guide' });
        assert.equal(await home.getAttribute('href'), basePath);
      }
      // Its link home works offline.
      await page.goto(server.url(`${basePath}no-such-page/`), { waitUntil: 'load' });
      await page.locator('main a', { hasText: 'Go to the start of the guide' }).click();
      await page.waitForURL(server.url(basePath));
      assert.notDeepEqual(await headings(page), [NOT_FOUND_H1]);
    } finally {
      await context.setOffline(false);
    }
    // Online again, a missing address is the site's 404 page, as without a service worker.
    const response = await page.goto(server.url(`${basePath}no-such-page/`));
    assert.equal(response?.status(), 404);
  }, { allowDocument404: true });
});

test('offline, a page of the guide that the browser dropped from its cache shows "not saved on this device"', async () => {
  const target = pages.find((p) => p !== basePath && p.endsWith('/') && !p.endsWith('/offline/'));
  await withPage(browser, async ({ page, context }) => {
    await visitAndInstall(page, server);
    const [name] = await carebookCaches(page);
    // What a browser short of space may do: evict one saved page.
    assert.ok(await page.evaluate(async ([cacheName, url]) => (await caches.open(cacheName)).delete(url), [name, server.url(target)]), `${target} was not cached`);
    await context.setOffline(true);
    try {
      await page.goto(server.url(target), { waitUntil: 'load' });
      assert.deepEqual(await headings(page), [OFFLINE_H1], `${target} offline, not in the cache`);
    } finally {
      await context.setOffline(false);
    }
  });
});

test('"You are offline" shows while the connection is lost, without taking focus', async () => {
  await withPage(browser, async ({ page, context }) => {
    await visitAndInstall(page, server);
    const notice = page.locator('[role="status"] .cb-notice-offline');
    assert.equal(await notice.isVisible(), false, 'the offline notice shows while online');
    await page.locator('.skip-link').focus();
    await context.setOffline(true);
    try {
      await notice.waitFor({ state: 'visible' });
      assert.equal((await notice.innerText()).trim(), OFFLINE_TEXT);
      assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link', 'the notice took focus');
    } finally {
      await context.setOffline(false);
    }
    await notice.waitFor({ state: 'hidden' });
  });
});

test('offline, journal text typed on the page is still there after a reload', async (t) => {
  if (journalMissing) {
    t.skip(journalMissing);
    return;
  }
  await withPage(browser, async ({ page, context }) => {
    await visitAndInstall(page, server, basePath + JOURNAL_PATH);
    await context.setOffline(true);
    try {
      const text = 'Typed on the train, with no signal.';
      await writeInJournal(page, text);
      const response = await page.reload({ waitUntil: 'load' });
      assert.ok(response?.fromServiceWorker(), 'the reload did not come from the service worker');
      await eventually(async () => (await page.locator(JOURNAL_FIELD).inputValue()) === text, {
        message: 'the journal text back in its field after the reload',
      });
    } finally {
      await context.setOffline(false);
    }
  });
});

test('an update is announced, applied on "Update now", and keeps journal text and IndexedDB', async () => {
  const other = await separateSite();
  try {
    await withPage(browser, async ({ page }) => {
      const srv = other.server;
      // The journal page when there is one (its text must survive), else the home page.
      const urlPath = basePath + (journalMissing ? '' : JOURNAL_PATH);
      const contentFile = journalMissing
        ? path.join(other.copy.root, 'content', '_index.md')
        : path.join(other.copy.root, 'content', `${JOURNAL_PATH.slice(0, -1)}.md`);
      await visitAndInstall(page, srv, urlPath);
      const [oldCache] = await carebookCaches(page);

      // Data of the patient: journal text, and a database of another part of the site.
      const text = 'My intention, written before the update.';
      if (!journalMissing) await writeInJournal(page, text);
      await page.evaluate(putCanary);

      // A new version of the guide, built into the folder being served.
      const marker = `Updated guidance ${Date.now()}.`;
      await addParagraph(contentFile, marker);
      rebuild(other.copy.root, other.outDir);

      // The patient comes back to the page (still the old version) and types.
      await page.reload({ waitUntil: 'load' });
      assert.ok(!(await page.locator('main').innerText()).includes(marker), 'the new version showed without asking');
      await page.evaluate(() => (window.cbSamePage = true));
      const notice = page.locator('[role="status"] .cb-notice-update');
      if (!journalMissing) {
        await page.locator(JOURNAL_FIELD).focus();
        await page.keyboard.type(' More.');
      }
      await notice.waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal((await notice.locator('.cb-notice-text').innerText()).trim(), UPDATE_TEXT);

      // The notice neither took focus nor reloaded the page.
      if (!journalMissing) {
        assert.equal(await page.evaluate(() => document.activeElement?.name), 'held-back', 'the notice took focus');
        await page.keyboard.type(' Still typing.');
      }
      await page.waitForTimeout(1500);
      assert.equal(await page.evaluate(() => window.cbSamePage), true, 'the page reloaded by itself');

      // "Update now": the page reloads once, into the new version.
      await Promise.all([
        page.waitForEvent('load', { timeout: 30_000 }),
        notice.getByRole('button', { name: 'Update now' }).click(),
      ]);
      assert.equal(await page.evaluate(() => window.cbSamePage), undefined, 'no reload after "Update now"');
      await eventually(async () => (await page.locator('main').innerText()).includes(marker), {
        message: 'the new content after "Update now"',
      });
      assert.equal(await page.locator('[role="status"] .cb-notice-update:visible').count(), 0);

      if (!journalMissing) {
        const expected = `${text} More. Still typing.`;
        await eventually(async () => (await page.locator(JOURNAL_FIELD).inputValue()) === expected, {
          message: `the journal text "${expected}" after the update`,
        });
      }
      assert.equal(await page.evaluate(readCanary), 'kept', 'IndexedDB lost data in the update');

      const names = await carebookCaches(page);
      assert.equal(names.length, 1, `expected one carebook- cache after the update, found ${JSON.stringify(names)}`);
      assert.notEqual(names[0], oldCache, 'the update kept the old cache name');
    });
  } finally {
    await other.close();
  }
});

test('a link followed while an update waits opens the new version', async () => {
  const other = await separateSite();
  try {
    await withPage(browser, async ({ page }) => {
      const srv = other.server;
      await visitAndInstall(page, srv, basePath);
      const link = page.locator('.site-nav a').first();
      const target = new URL(await link.evaluate((a) => a.href)).pathname;
      const section = target.slice(basePath.length).replace(/\/$/, '');
      const marker = `New section text ${Date.now()}.`;
      await addParagraph(path.join(other.copy.root, 'content', section, '_index.md'), marker);
      rebuild(other.copy.root, other.outDir);

      await page.reload({ waitUntil: 'load' });
      await page.locator('[role="status"] .cb-notice-update').waitFor({ state: 'visible', timeout: 30_000 });
      await Promise.all([page.waitForURL(srv.url(target)), link.click()]);
      await eventually(async () => (await page.locator('main').innerText()).includes(marker), {
        message: 'the new version of the linked page',
      });
      const names = await carebookCaches(page);
      assert.equal(names.length, 1, `expected one carebook- cache, found ${JSON.stringify(names)}`);
    });
  } finally {
    await other.close();
  }
});

test('a file that fails to download fails the install: no half-filled cache', async () => {
  const other = await separateSite();
  try {
    // Precached but gone from the host, as after an interrupted upload: an
    // icon the home page does not link itself (a site without a logo links
    // icon-192.png as its favicon, whose 404 would be a console error).
    const home = await fs.readFile(path.join(other.outDir, 'index.html'), 'utf8');
    const gone = (await fs.readdir(path.join(other.outDir, 'icons'))).find((name) => !home.includes(`icons/${name}`));
    assert.ok(gone, 'the build has no icon outside the home page to remove');
    await fs.rm(path.join(other.outDir, 'icons', gone));
    await withPage(browser, async ({ page }) => {
      await page.goto(other.server.url(basePath), { waitUntil: 'load' });
      const state = await page.evaluate(async (base) => {
        const registration = await navigator.serviceWorker.register(`${base}sw.js`, { scope: base });
        const worker = registration.installing || registration.waiting || registration.active;
        if (worker.state === 'activated' || worker.state === 'redundant') return worker.state;
        return new Promise((resolve) => {
          worker.addEventListener('statechange', () => {
            if (worker.state === 'activated' || worker.state === 'redundant') resolve(worker.state);
          });
        });
      }, basePath);
      assert.equal(state, 'redundant', 'the install succeeded without one of its files');
      assert.deepEqual(await carebookCaches(page), [], 'a failed install left a cache behind');
      assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null);
    });
    assert.ok(
      other.server.requests.some((r) => r.path.endsWith(`/icons/${gone}`) && r.status === 404),
      'the service worker never asked for the missing file',
    );
  } finally {
    await other.close();
  }
});

test('in carebook serve (data-serve="true") a saved copy is removed, not used', async () => {
  const other = await separateSite();
  try {
    // A page as `carebook serve` marks it, next to the built site.
    const home = await fs.readFile(path.join(other.outDir, 'index.html'), 'utf8');
    const served = home.replace(/<body([^>]*)>/, '<body$1 data-serve="true">');
    assert.notEqual(served, home, 'index.html has no <body> tag');
    await fs.mkdir(path.join(other.outDir, 'serve-mode'));
    await fs.writeFile(path.join(other.outDir, 'serve-mode', 'index.html'), served);

    await withPage(browser, async ({ page }) => {
      await visitAndInstall(page, other.server, basePath);
      // The saved copy answered the first load: main.js removes it and reloads once.
      let loads = 0;
      page.on('load', () => loads++);
      await page.goto(other.server.url(`${basePath}serve-mode/`), { waitUntil: 'load' });
      await eventually(() => loads >= 2, { message: 'the reload after removing the service worker' });
      await page.waitForLoadState('load');
      await page.waitForTimeout(1000);
      assert.equal(loads, 2, 'serve mode reloaded more than once');
      await eventually(
        () =>
          page.evaluate(
            async () =>
              !navigator.serviceWorker.controller &&
              (await navigator.serviceWorker.getRegistrations()).length === 0 &&
              (await caches.keys()).length === 0,
          ),
        { message: 'no service worker, no controller and no cache in serve mode' },
      );
    });
  } finally {
    await other.close();
  }
});

// ---------------------------------------------------------------------------
// A guide larger than its precache budget (tests/fixtures/offline-budget,
// precache_budget = "33 kB", three of its pages): the first visit
// saves the shell, the journal and the checklist, then the section the
// patient is in; every page opened is kept; the offline page lists them.

const BUDGET_SITE = path.join(REPO_ROOT, 'tests', 'fixtures', 'offline-budget');
const KEPT_STATUS = /^\d+ pages are saved on this device\. They open without a connection:$/;

/** The budget fixture, built and served: `{ outDir, server, close() }`. */
async function budgetSite() {
  const built = await buildSite(BUDGET_SITE);
  const srv = await startServer(built.outDir);
  return {
    outDir: built.outDir,
    server: srv,
    close: async () => {
      await srv.close().catch(() => {}); // already closed by a test that went offline
      await built.cleanup();
    },
  };
}

/** The kept pages the offline page lists: [{ href, text }], once its script has filled the list. */
async function listedPages(page) {
  const status = page.locator('[data-offline-kept-status]');
  await eventually(async () => KEPT_STATUS.test((await status.innerText()).trim()), {
    message: 'the count of saved pages on the offline page',
  });
  const items = page.locator('[data-offline-kept-list] li a');
  const listed = await items.evaluateAll((links) => links.map((a) => ({ href: new URL(a.href).pathname, text: a.textContent })));
  const count = Number((await status.innerText()).match(/\d+/)[0]);
  assert.equal(count, listed.length, 'the count and the list disagree');
  return listed;
}

test('a guide over its budget: the first visit saves the shell, journal, checklist and the current section only', async () => {
  const budget = await budgetSite();
  try {
    await withPage(browser, async ({ page }) => {
      // prepare/ comes after after/ in the build's order: first only because the patient is in it.
      await visitAndInstall(page, budget.server, '/prepare/room/');
      const [name] = await carebookCaches(page);
      const cached = new Set(await cachedPaths(page, name));
      const expected = [
        // The shell.
        '/', '/offline/', '/404.html', '/manifest.webmanifest', '/js/main.js', '/js/offline.js',
        // Journal, checklist, their print packs, "My answers": whatever the budget.
        '/intention/set/', '/prepare/pack/', '/prepare/print/', '/intention/print/', '/print/', '/journal/',
        // The section the patient opened the guide in, as much as fits (three pages).
        '/prepare/', '/prepare/gather/', '/prepare/room/',
      ];
      const missing = expected.filter((p) => !cached.has(p));
      assert.deepEqual(missing, [], `not saved on the first visit:\n${missing.join('\n')}`);
      const beyond = ['/prepare/travel/', '/after/', '/after/call/', '/after/rest/', '/intention/'].filter((p) => cached.has(p));
      assert.deepEqual(beyond, [], 'saved although beyond the budget');
    });
  } finally {
    await budget.close();
  }
});

test('a guide over its budget, offline: the journal and a visited page load, an unvisited one says "not saved", the offline page lists what is', async () => {
  const budget = await budgetSite();
  const srv = budget.server;
  try {
    await withPage(browser, async ({ page }) => {
      await visitAndInstall(page, srv, '/');
      // Opened with a connection once: kept.
      await page.goto(srv.url('/prepare/gather/'), { waitUntil: 'load' });
      const [name] = await carebookCaches(page);
      await eventually(async () => (await cachedPaths(page, name)).includes('/prepare/gather/'), {
        message: '/prepare/gather/ kept after the visit',
      });
      // Offline for the service worker too: playwright's setOffline() has
      // been seen to let the worker's own fetch() through (Chromium 148, with the worker started before the call),
      // which would hide a page missing from the cache. As in
      // engine-scenarios.mjs, the server really stops.
      await srv.close();
      {
        for (const [urlPath, h1] of [
          ['/intention/set/', 'Set your intention'],
          ['/prepare/pack/', 'Things to have'],
          ['/prepare/gather/', 'Gather your things'],
          ['/prepare/room/', OFFLINE_H1],
        ]) {
          const response = await page.goto(srv.url(urlPath), { waitUntil: 'load' });
          assert.ok(response?.fromServiceWorker(), `${urlPath} did not come from the service worker`);
          assert.deepEqual(await headings(page), [h1], `${urlPath} offline`);
        }
        // Still an address of the guide: "not saved", not "Page not found".
        const listed = await listedPages(page);
        const hrefs = listed.map((l) => l.href);
        for (const kept of ['/', '/intention/set/', '/prepare/pack/', '/prepare/gather/']) {
          assert.ok(hrefs.includes(kept), `the offline page does not list ${kept}: ${JSON.stringify(hrefs)}`);
        }
        for (const notKept of ['/prepare/room/', '/prepare/travel/', '/offline/', '/404.html']) {
          assert.ok(!hrefs.includes(notKept), `the offline page lists ${notKept}`);
        }
        assert.deepEqual(listed.find((l) => l.href === '/prepare/gather/').text, 'Gather your things');
        // A listed page opens offline.
        await page.locator('[data-offline-kept-list] a', { hasText: 'Gather your things' }).click();
        await page.waitForURL(srv.url('/prepare/gather/'));
        assert.deepEqual(await headings(page), ['Gather your things']);
        // An address that is no page of the guide is still "Page not found".
        const response = await page.goto(srv.url('/prepare/no-such-page/'), { waitUntil: 'load' });
        assert.equal(response?.status(), 404);
      }
    }, { allowDocument404: true });
  } finally {
    await budget.close();
  }
});

test('an update keeps the pages the patient had saved (downloaded anew), and drops a page the new version no longer has', async () => {
  const copy = await copySite(BUDGET_SITE);
  const outDir = path.join(copy.tmp, 'public');
  let srv;
  try {
    rebuild(copy.root, outDir);
    srv = await startServer(outDir);
    await withPage(browser, async ({ page }) => {
      await visitAndInstall(page, srv, '/after/');
      await page.goto(srv.url('/prepare/gather/'), { waitUntil: 'load' });
      await page.goto(srv.url('/prepare/travel/'), { waitUntil: 'load' });
      const [oldCache] = await carebookCaches(page);
      await eventually(async () => (await cachedPaths(page, oldCache)).includes('/prepare/travel/'), {
        message: 'the visited pages kept',
      });
      // A new version: gather changed, travel removed.
      await addParagraph(path.join(copy.root, 'content', 'prepare', 'gather.md'), 'New in version two.');
      await fs.rm(path.join(copy.root, 'content', 'prepare', 'travel.md'));
      rebuild(copy.root, outDir);
      await page.goto(srv.url('/'), { waitUntil: 'load' });
      const notice = page.locator('[role="status"] .cb-notice-update');
      await notice.waitFor({ state: 'visible', timeout: 30_000 });
      await Promise.all([page.waitForEvent('load', { timeout: 30_000 }), notice.getByRole('button', { name: 'Update now' }).click()]);
      const names = await carebookCaches(page);
      assert.equal(names.length, 1, `expected one carebook- cache after the update, found ${JSON.stringify(names)}`);
      assert.notEqual(names[0], oldCache);
      const cached = await cachedPaths(page, names[0]);
      for (const kept of ['/after/rest/', '/prepare/gather/']) assert.ok(cached.includes(kept), `${kept} lost in the update`);
      assert.ok(!cached.includes('/prepare/travel/'), 'a page the new version does not have is still saved');
      const gather = await page.evaluate(async ([name, url]) => (await (await caches.open(name)).match(url)).text(), [names[0], srv.url('/prepare/gather/')]);
      assert.match(gather, /New in version two\./, 'the saved page is the old version');
    });
  } finally {
    await srv?.close();
    await copy.cleanup();
  }
});

test('the offline page without JavaScript says what to do instead of listing', async () => {
  await withPage(
    browser,
    async ({ page }) => {
      await page.goto(server.url(`${basePath}offline/`), { waitUntil: 'load' });
      const status = (await page.locator('[data-offline-kept-status]').innerText()).trim();
      assert.match(status, /^The list of saved pages needs JavaScript, .* please open the guide again when you have a connection\.$/);
      assert.equal(await page.locator('[data-offline-kept-list]').isVisible(), false);
      // Spanish too.
      await page.goto(server.url(`${basePath}es/offline/`), { waitUntil: 'load' });
      assert.match((await page.locator('[data-offline-kept-status]').innerText()).trim(), /^La lista de páginas guardadas necesita JavaScript/);
    },
    { javaScriptEnabled: false },
  );
});

test('the Spanish offline page lists the saved Spanish pages in Spanish', async () => {
  await withPage(browser, async ({ page, context }) => {
    await visitAndInstall(page, server, `${basePath}es/`);
    await context.setOffline(true);
    try {
      await page.goto(server.url(`${basePath}es/offline/`), { waitUntil: 'load' });
      const status = page.locator('[data-offline-kept-status]');
      await eventually(async () => /^\d+ páginas están guardadas en este dispositivo\./.test((await status.innerText()).trim()), {
        message: 'the Spanish count of saved pages',
      });
      const hrefs = await page.locator('[data-offline-kept-list] a').evaluateAll((links) => links.map((a) => new URL(a.href).pathname));
      assert.ok(hrefs.length > 0 && hrefs.every((h) => h.startsWith(`${basePath}es/`)), `not only Spanish pages: ${hrefs}`);
      assert.ok(hrefs.includes(`${basePath}es/`), 'the Spanish home is not listed');
    } finally {
      await context.setOffline(false);
    }
  });
});

// The same patient in each engine (engines.mjs: Chromium through playwright,
// Firefox through WebDriver BiDi, WebKitGTK through WebKitWebDriver), in
// five navigations (WebKitGTK 2.50's web process tends to crash after
// about ten). Offline means the server has stopped. The fixture's pages load
// cb-test-recorder.js, which keeps console errors in sessionStorage.
for (const engineName of ['chromium', 'firefox', 'webkit']) {
  test(`${engineName}: over the budget, offline: the journal and a visited page load, an unvisited one says "not saved" and the offline page lists what is kept`, async () => {
    const built = await buildSite(BUDGET_SITE);
    const srv = await startServer(built.outDir);
    const url = (p) => `http://127.0.0.1:${srv.port}${p}`;
    let engine;
    let tab;
    let stopped = false;
    const until = async (fn, arg, what) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const value = await tab.evaluate(fn, arg).catch(() => null);
        if (value) return value;
        if (Date.now() > deadline) assert.fail(`${engineName}: waited 30 s for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    const h1 = () => document.querySelector('h1')?.textContent.trim();
    try {
      engine = await launchEngine(engineName);
      tab = await engine.newProfile();
      await tab.goto(url('/after/call/'));
      await until(async () => navigator.serviceWorker.controller !== null && (await navigator.serviceWorker.ready).active.state === 'activated', undefined, 'an active service worker');
      await tab.goto(url('/prepare/gather/'));
      const isKept = async (urlPath) => {
        for (const name of await caches.keys()) {
          for (const request of await (await caches.open(name)).keys()) {
            if (new URL(request.url).pathname === urlPath) return true;
          }
        }
        return false;
      };
      await until(isKept, '/prepare/gather/', 'the visited page to be kept');
      await srv.close();
      stopped = true;
      for (const [urlPath, expected] of [['/intention/set/', 'Set your intention'], ['/prepare/gather/', 'Gather your things'], ['/prepare/room/', OFFLINE_H1]]) {
        await tab.goto(url(urlPath));
        assert.equal(await until(h1, undefined, `the <h1> of ${urlPath}`), expected, `${engineName}: ${urlPath} offline`);
        if (urlPath === '/intention/set/') {
          // Its scripts came from the device too; leaving while lock.js loads would reject its import.
          await until(() => !!document.querySelector('form[data-journal].is-ready') && !!document.querySelector('[data-journal-tools]')?.dataset.lock, undefined, 'the journal to load offline');
        }
      }
      const listed = await until(
        () => {
          const list = document.querySelector('[data-offline-kept-list]');
          return list && !list.hidden && [...list.querySelectorAll('a')].map((a) => new URL(a.href).pathname);
        },
        undefined,
        'the list of saved pages',
      );
      for (const kept of ['/', '/after/rest/', '/intention/set/', '/prepare/gather/']) assert.ok(listed.includes(kept), `${engineName}: ${kept} not listed in ${listed}`);
      for (const notKept of ['/prepare/room/', '/prepare/travel/']) assert.ok(!listed.includes(notKept), `${engineName}: ${notKept} listed`);
      const recorded = await tab.evaluate(() => JSON.parse(sessionStorage.getItem('cb-test-problems') || '[]'));
      assert.deepEqual([...recorded, ...tab.driverProblems()], [], `${engineName}: console errors or uncaught exceptions`);
    } finally {
      await tab?.close().catch(() => {});
      await engine?.close();
      if (!stopped) await srv.close();
      await built.cleanup();
    }
  });
}

// ---------------------------------------------------------------------------
// Run in the page (page.evaluate sends their source): a database of another
// part of the site, which an update must leave alone.

async function putCanary() {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('carebook-test-canary', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('things');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  await new Promise((resolve, reject) => {
    const tx = db.transaction('things', 'readwrite');
    tx.objectStore('things').put('kept', 'canary');
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

async function readCanary() {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('carebook-test-canary');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  if (!db.objectStoreNames.contains('things')) return 'missing';
  const value = await new Promise((resolve, reject) => {
    const request = db.transaction('things').objectStore('things').get('canary');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  db.close();
  return value;
}
