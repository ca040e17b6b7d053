// Browser tests of "Search this guide" (js/search.js, partials/search.html)
// on tests/fixtures/search, built under a sub-path (/help/) so that the
// index is found relative to the site's base path, and on the example site.
//
// What a patient relies on: typing a word, with or without its accents,
// lists the pages that have it, titles first; a result opens its page; it
// all works offline once the guide has been opened; whatever is typed stays
// text. Folding in JavaScript must equal folding in Rust: both are checked
// on tests/fixtures/search-folding.json (src/search.rs has the Rust half).

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import {
  REPO_ROOT,
  buildSite,
  formatAxeViolations,
  launchBrowser,
  runAxe,
  startServer,
  withPage,
} from './harness.mjs';
import { waitForControl } from './offline-helpers.mjs';

const FIXTURE = path.join(REPO_ROOT, 'tests', 'fixtures', 'search');
const FOLDING = path.join(REPO_ROOT, 'tests', 'fixtures', 'search-folding.json');
const SCRIPT = path.join(REPO_ROOT, 'themes', 'default', 'static', 'js', 'search.js');
const BASE = '/help/';

let fixture;
let fixtureServer;
let example;
let exampleServer;
let browser;

before(async () => {
  fixture = await buildSite(FIXTURE, ['--base-url', `https://fixture.example${BASE}`]);
  fixtureServer = await startServer(fixture.outDir, { basePath: BASE });
  example = await buildSite(REPO_ROOT, ['--base-url', 'https://example.test/']);
  exampleServer = await startServer(example.outDir);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await fixtureServer?.close();
  await exampleServer?.close();
  await fixture?.cleanup();
  await example?.cleanup();
});

/** Types `query` into the search box and waits for the status line to settle on a count. */
async function searchFor(page, query) {
  const input = page.getByRole('searchbox', { name: 'Search this guide' });
  // Cleared first, so the count waited for below is this query's, not the last one's.
  await input.fill('');
  await page.waitForFunction(() => document.querySelector('.search-status')?.textContent === '');
  await input.fill(query);
  await page.waitForFunction(
    () => /results?|No results/.test(document.querySelector('.search-status')?.textContent || ''),
  );
  return {
    status: await page.locator('.search-status').textContent(),
    titles: await page.locator('.search-result-title').allTextContents(),
  };
}

test('Rust and JavaScript fold and cut the shared cases identically (Node and Chromium)', async () => {
  const { cases } = JSON.parse(await fs.readFile(FOLDING, 'utf8'));
  // The page's module itself (it sets up no form where there is no document).
  const { tokenize } = await import(pathToFileURL(SCRIPT).href);
  for (const { text, tokens } of cases) {
    assert.deepEqual(tokenize(text), tokens, `Node: tokens of ${JSON.stringify(text)}`);
  }
  await withPage(browser, async ({ page }) => {
    await page.goto(fixtureServer.url(BASE));
    const inBrowser = await page.evaluate(
      (texts) => texts.map((t) => window.carebookSearch.tokenize(t)),
      cases.map((c) => c.text),
    );
    cases.forEach(({ text, tokens }, i) => {
      assert.deepEqual(inBrowser[i], tokens, `Chromium: tokens of ${JSON.stringify(text)}`);
    });
  });
});

test('the form is hidden without JavaScript, and with it shown from the first paint, moving nothing', async () => {
  const html = await fs.readFile(path.join(fixture.outDir, 'index.html'), 'utf8');
  assert.match(html, /<form[^>]*class="search"[^>]*hidden/, 'the built form carries `hidden`');
  await withPage(
    browser,
    async ({ page }) => {
      await page.goto(fixtureServer.url(BASE));
      assert.equal(await page.locator('form.search').isVisible(), false);
    },
    { javaScriptEnabled: false },
  );
  await withPage(browser, async ({ page }) => {
    await page.goto(fixtureServer.url(BASE));
    await page.locator('form.search').waitFor({ state: 'visible' });
    // With scripts on, the row is there from the first paint: revealing it
    // later pushed the whole page down (Lighthouse measured a shift of 0.046).
    const shift = await page.evaluate(
      () =>
        new Promise((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(total), 500);
        }),
    );
    assert.ok(shift < 0.001, `the page shifted by ${shift} while loading`);
  });
});

test('"nausea" finds title matches first, then headings, then text; "náuseas" finds the Spanish page', async () => {
  await withPage(browser, async ({ page }) => {
    await page.goto(fixtureServer.url(`${BASE}care/`));
    const nausea = await searchFor(page, 'nausea');
    assert.equal(nausea.status, '4 results');
    // The title, then the headings ("Nausea that does not stop"; "Si tiene
    // náuseas", since a word's start is enough), then the page that only mentions it.
    assert.deepEqual(nausea.titles, ['Nausea after treatment', 'When to call us', 'Cuidados en casa', 'Rest and sleep']);
    assert.ok(!nausea.titles.includes('Unfinished draft'));
    const heading = page.locator('.search-result', { hasText: 'When to call us' });
    assert.equal(await heading.locator('.search-result-heading').textContent(), 'Nausea that does not stop');
    assert.equal(await heading.locator('a').getAttribute('href'), `${BASE}care/when-to-call/#nausea-lasting`);

    for (const query of ['náuseas', 'NAUSEAS', 'nauseas']) {
      const spanish = await searchFor(page, query);
      assert.deepEqual(spanish.titles, ['Cuidados en casa'], query);
      assert.equal(spanish.status, '1 result');
    }
    // As the patient types: a word's start is enough; every word must match.
    assert.ok((await searchFor(page, 'naus')).titles.includes('Nausea after treatment'));
    assert.deepEqual((await searchFor(page, 'nausea ginger')).titles, ['Nausea after treatment']);
    assert.equal((await searchFor(page, 'nausea zebra')).status, 'No results for “nausea zebra”');
    // Checklist items and journal prompts are searchable too.
    assert.deepEqual((await searchFor(page, 'peppermint')).titles, ['Recovery kit']);
    assert.deepEqual((await searchFor(page, 'queasiness')).titles, ['Symptom journal']);
    // Escape clears the box and the results.
    await page.getByRole('searchbox').press('Escape');
    assert.equal(await page.getByRole('searchbox').inputValue(), '');
    assert.equal(await page.locator('.search-result').count(), 0);
  });
});

test('a result opens its page, by click or by keyboard', async () => {
  await withPage(browser, async ({ page }) => {
    await page.goto(fixtureServer.url(BASE));
    await searchFor(page, 'sips');
    await page.locator('.search-result a').first().click();
    await page.waitForURL(`**${BASE}care/nausea/#sips`);
    assert.equal(await page.locator('h1').textContent(), 'Nausea after treatment');

    await searchFor(page, 'sleep');
    await page.getByRole('searchbox').press('ArrowDown');
    const focused = await page.evaluate(() => document.activeElement.textContent);
    assert.match(focused, /Rest and sleep/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**${BASE}care/rest/`);
  });
});

test('typed markup stays text, and so does markup quoted in a page', async () => {
  await withPage(browser, async ({ page }) => {
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs += 1;
      dialog.dismiss();
    });
    await page.goto(fixtureServer.url(BASE));
    const payload = '<img src=x onerror=alert(1)>';
    const { status, titles } = await searchFor(page, payload);
    // Every word of the payload is in the page that quotes it.
    assert.deepEqual(titles, ['Rest and sleep']);
    assert.equal(status, '1 result');
    const snippet = await page.locator('.search-result-snippet').textContent();
    assert.ok(snippet.includes(payload), snippet);
    assert.equal(await page.locator('form.search img').count(), 0, 'no element was made from text');
    await searchFor(page, `${payload} zebra`);
    assert.equal(await page.locator('.search-status').textContent(), `No results for “${payload} zebra”`);
    assert.equal(await page.locator('form.search img').count(), 0);
    assert.equal(dialogs, 0);
  });
});

test('search works offline after one visit', async () => {
  await withPage(browser, async ({ context, page }) => {
    await page.goto(fixtureServer.url(BASE));
    await waitForControl(page);
    await context.setOffline(true);
    await page.reload();
    const { titles } = await searchFor(page, 'náuseas');
    assert.deepEqual(titles, ['Cuidados en casa']);
    await page.locator('.search-result a').first().click();
    await page.waitForURL(`**${BASE}es/cuidados/#nauseas`);
    assert.equal(await page.locator('h1').textContent(), 'Cuidados en casa');
    await context.setOffline(false);
  });
});

// A guide of thousands of pages: the first search must not download the
// whole index (issue #13: at most 300 KB at 10,000 pages). 1,200 generated
// pages in 20 sections give an index of several parts; a search fetches a few.
test('on a large guide a search fetches the list and a few parts, not the whole index', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'carebook-search-large-'));
  let site;
  let server;
  try {
    await fs.cp(path.join(REPO_ROOT, 'tests', 'fixtures', 'base'), root, { recursive: true });
    const topics = ['sleep', 'pain', 'diet', 'walking', 'wounds', 'medicine', 'stairs', 'bathing'];
    const pageText = (i) =>
      `+++\ntitle = "Guide page ${i}"\ndescription = "Advice on ${topics[i % 8]} after surgery."\n+++\n\n` +
      `Marker word${i} and some ${topics[i % 8]} advice: rest often, drink water, and call us when unsure.\n\n` +
      `## More about ${topics[(i + 3) % 8]} {#more}\n\nCode zq${(i * 7919) % 100000} for this page.\n`;
    for (let s = 0; s < 20; s += 1) {
      const folder = path.join(root, 'content', `part-${s}`);
      await fs.mkdir(folder);
      await fs.writeFile(path.join(folder, '_index.md'), `+++\ntitle = "Part ${s}"\ndescription = "Part ${s} of the guide."\n+++\n`);
      for (let j = 0; j < 60; j += 1) await fs.writeFile(path.join(folder, `page-${s * 60 + j}.md`), pageText(s * 60 + j));
    }
    site = await buildSite(root);
    server = await startServer(site.outDir);
    let total = 0;
    for (const entry of await fs.readdir(path.join(site.outDir, 'search-index'))) {
      total += (await fs.stat(path.join(site.outDir, 'search-index', entry))).size;
    }
    await withPage(browser, async ({ page }) => {
      const fetched = [];
      page.on('response', async (response) => {
        const url = new URL(response.url());
        if (url.pathname.startsWith('/search-index')) fetched.push({ path: url.pathname, bytes: (await response.body()).length });
      });
      await page.goto(server.url('/'));
      const found = await searchFor(page, 'word1111');
      assert.deepEqual(found.titles, ['Guide page 1111']);
      const heading = await searchFor(page, 'stairs');
      assert.equal(heading.status, '300 results, the first 20 shown');
      // Headings first ("More about stairs"), then pages that mention it.
      assert.equal(await page.locator('.search-result-heading').first().textContent(), 'More about stairs');
      const bytes = fetched.reduce((sum, f) => sum + f.bytes, 0);
      const parts = fetched.filter((f) => f.path.startsWith('/search-index/'));
      assert.ok(parts.length >= 2, `fetched ${JSON.stringify(fetched)}`);
      assert.ok(bytes < total / 3, `two searches fetched ${bytes} of ${total} bytes: ${JSON.stringify(fetched)}`);
      assert.equal(new Set(parts.map((f) => f.path)).size, parts.length, 'a part was fetched twice');
    });
  } finally {
    await server?.close();
    await site?.cleanup();
    await fs.rm(root, { recursive: true, force: true });
  }
});

test('the example site finds real words', async () => {
  await withPage(browser, async ({ page }) => {
    await page.goto(exampleServer.url('/'));
    const water = await searchFor(page, 'water');
    assert.ok(water.titles.includes('What to gather'), water.titles.join(', '));
    const blanket = await searchFor(page, 'Blanket');
    assert.deepEqual(blanket.titles, ['What to gather']);
    const breath = await searchFor(page, 'breathwork');
    assert.equal(breath.titles[0], 'Breathwork and quiet time');
  });
});

test('axe finds nothing with results open, at 320 px, in light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    await withPage(
      browser,
      async ({ page }) => {
        await page.goto(fixtureServer.url(BASE));
        // On a phone, search is behind the Menu button (base.html), as a patient finds it.
        await page.locator('.menu-toggle summary').click();
        await searchFor(page, 'nausea');
        const violations = await runAxe(page);
        assert.equal(violations.length, 0, formatAxeViolations(violations, colorScheme));
        // Nothing sticks out sideways on a small phone.
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
        await page.getByRole('searchbox').focus();
        const outline = await page.getByRole('searchbox').evaluate((el) => getComputedStyle(el).outlineStyle);
        assert.notEqual(outline, 'none', 'the search box shows focus');
      },
      // bypassCSP: axe is injected as an inline script, which the site's policy blocks.
      { viewport: { width: 320, height: 640 }, colorScheme, bypassCSP: true },
    );
  }
});

test('the search form is not printed', async () => {
  await withPage(browser, async ({ page }) => {
    await page.goto(fixtureServer.url(BASE));
    await searchFor(page, 'nausea');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('form.search').isVisible(), false);
  });
});
