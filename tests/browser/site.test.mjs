// Browser tests of the example site at the repository root (site.toml, content/, themes/default/).
//
// One build and one Chromium serve every test: the site is built with the release
// binary into a temp dir, served from 127.0.0.1, and each page is opened in a fresh
// context that fails on any console error, uncaught exception or request off 127.0.0.1.
// CAREBOOK_TEST_SITE=<dir> runs the same tests on another site.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  REPO_ROOT,
  closeBuiltSite,
  formatAxeViolations,
  formatVnuMessages,
  htmlFiles,
  normalizeText,
  openBuiltSite,
  pdfToText,
  runAxe,
  runVnu,
  sitemapPaths,
  withPage,
} from './harness.mjs';
import { sidewaysOverflow } from './a11y-helpers.mjs';

const SITE_ROOT = process.env.CAREBOOK_TEST_SITE ? path.resolve(process.env.CAREBOOK_TEST_SITE) : REPO_ROOT;

let site;
let server;
let browser;
let basePath = '/';
let pages = [];

before(async () => {
  ({ site, server, browser, basePath } = await openBuiltSite(SITE_ROOT));
  // The offline pages (one per language: /offline/, /es/offline/) are not
  // in the sitemap (they are only for the service worker), but patients
  // see them, so they are checked like every other page.
  const offlinePages = (await htmlFiles(site.outDir))
    .map((file) => path.relative(site.outDir, file).split(path.sep).join('/'))
    .filter((rel) => /(^|\/)offline\/index\.html$/.test(rel))
    .map((rel) => basePath + rel.replace(/index\.html$/, ''));
  pages = [...(await sitemapPaths(site.outDir)), ...offlinePages];
});

after(() => closeBuiltSite({ site, server, browser }));

/** Opens `urlPath` and returns the navigation response, failing on a missing response. */
async function visit(page, urlPath) {
  const response = await page.goto(server.url(urlPath), { waitUntil: 'load' });
  assert.ok(response, `no response for ${urlPath}`);
  return response;
}

/** Titles of the top-level sections (content/<dir>/_index.md), i.e. the main navigation. */
async function topLevelSectionTitles() {
  const contentDir = path.join(SITE_ROOT, 'content');
  const titles = [];
  for (const entry of await fs.readdir(contentDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    let text;
    try {
      text = await fs.readFile(path.join(contentDir, entry.name, '_index.md'), 'utf8');
    } catch {
      continue;
    }
    const front = text.match(/^\+\+\+\r?\n([\s\S]*?)\r?\n\+\+\+/);
    if (!front || /^\s*draft\s*=\s*true/m.test(front[1])) continue;
    const basic = front[1].match(/^\s*title\s*=\s*("(?:[^"\\]|\\.)*")/m);
    const literal = front[1].match(/^\s*title\s*=\s*'([^']*)'/m);
    if (basic) titles.push(JSON.parse(basic[1]));
    else if (literal) titles.push(literal[1]);
  }
  return titles;
}

test('the sitemap lists every built page', async () => {
  const built = (await htmlFiles(site.outDir))
    .map((file) => path.relative(site.outDir, file).split(path.sep).join('/'))
    // Left out of the sitemap like the offline page: "My answers" (journal/)
    // has no guidance to index, only what the patient's browser draws there;
    // answers.test.mjs runs axe and the Nu checker on it.
    .filter((rel) => rel !== '404.html' && !/(^|\/)(offline|journal)\/index\.html$/.test(rel))
    .map((rel) => basePath + rel.replace(/(^|\/)index\.html$/, '$1'));
  const listed = new Set(pages);
  const missing = built.filter((p) => !listed.has(p));
  assert.deepEqual(missing, [], `built pages missing from sitemap.xml:\n${missing.join('\n')}`);
  assert.ok(pages.includes(basePath), `the home page ${basePath} is not in sitemap.xml`);
});

// One visit per page runs every per-page check: a fresh context, a page
// load and the scripts' start-up cost more than the checks themselves.
test('every page: status 200, one <h1>, a title and description, the skip link first, no axe violation, no sideways scroll at 320 px', async (t) => {
  for (const urlPath of pages) {
    await t.test(urlPath, () =>
      withPage(
        browser,
        async ({ page }) => {
          const response = await visit(page, urlPath);
          assert.equal(response.status(), 200, `${urlPath} answered ${response.status()}`);
          await assertTitleAndDescription(page, urlPath);
          await assertSkipLinkFirst(page, urlPath);
          const violations = await runAxe(page);
          assert.equal(violations.length, 0, `\n${formatAxeViolations(violations, urlPath)}`);
          await page.setViewportSize({ width: 320, height: 640 });
          await assertNoSidewaysScroll(page, urlPath);
        },
        // axe is injected as an inline script, which the strict CSP would
        // block; csp.test.mjs checks every page under the CSP.
        { bypassCSP: true },
      ),
    );
  }
});

async function assertTitleAndDescription(page, urlPath) {
  const facts = await page.evaluate(() => ({
    h1: document.querySelectorAll('h1').length,
    title: document.title.trim(),
    descriptions: [...document.querySelectorAll('meta[name="description"]')].map((m) =>
      (m.getAttribute('content') || '').trim(),
    ),
  }));
  assert.equal(facts.h1, 1, `${urlPath} has ${facts.h1} <h1> elements, expected exactly 1`);
  assert.notEqual(facts.title, '', `${urlPath} has an empty <title>`);
  assert.equal(facts.descriptions.length, 1, `${urlPath} has ${facts.descriptions.length} meta descriptions`);
  assert.notEqual(facts.descriptions[0], '', `${urlPath} has an empty meta description`);
}

/** The first Tab stop is a visible link to <main>, and following it focuses <main>. */
async function assertSkipLinkFirst(page, urlPath) {
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    const href = el?.getAttribute('href') || '';
    const id = href.startsWith('#') ? decodeURIComponent(href.slice(1)) : null;
    const target = id ? document.getElementById(id) : null;
    const box = el?.getBoundingClientRect();
    return {
      tag: el?.tagName.toLowerCase(),
      html: el?.outerHTML.slice(0, 200),
      href,
      targetIsMain: !!target && target === document.querySelector('main'),
      visible:
        !!box && box.width >= 1 && box.height >= 1 && box.bottom > 0 && box.right > 0 &&
        box.top < window.innerHeight && box.left < window.innerWidth,
    };
  });
  assert.equal(first.tag, 'a', `the first Tab stop on ${urlPath} is not a link: ${first.html}`);
  assert.ok(first.targetIsMain, `the first link on ${urlPath} does not point at <main>: ${first.html}`);
  assert.ok(first.visible, `the skip link on ${urlPath} is not visible when focused: ${first.html}`);

  await page.keyboard.press('Enter');
  const focused = await page.evaluate(() => ({
    isMain: document.activeElement === document.querySelector('main'),
    html: document.activeElement?.outerHTML.slice(0, 120),
  }));
  assert.ok(focused.isMain, `activating the skip link on ${urlPath} focuses ${focused.html}, not <main>`);
}

async function assertNoSidewaysScroll(page, urlPath) {
  const m = await sidewaysOverflow(page);
  assert.ok(
    m.scrollWidth <= m.clientWidth,
    `${urlPath} is ${m.scrollWidth}px wide in a ${m.clientWidth}px viewport; too wide:\n  ${m.wide.join('\n  ')}`,
  );
}

test('the Nu Html Checker finds no error in the built HTML', async () => {
  const files = await htmlFiles(site.outDir);
  assert.ok(files.length > 0, 'no .html file was built');
  const messages = runVnu(files);
  assert.equal(messages.length, 0, `${messages.length} error(s):\n${formatVnuMessages(messages, site.outDir)}`);
});

test('the printed "what to gather" page has its title and no main navigation', async () => {
  const urlPath = pages.find((p) => p.endsWith('/prepare/gather/'));
  assert.ok(urlPath, 'sitemap.xml has no /prepare/gather/ page');
  const sectionTitles = await topLevelSectionTitles();
  assert.ok(sectionTitles.length > 0, 'the site has no top-level section');

  await withPage(browser, async ({ page }) => {
    await visit(page, urlPath);
    const { title, mainText } = await page.evaluate(() => ({
      title: document.querySelector('h1')?.innerText ?? '',
      mainText: document.querySelector('main')?.innerText ?? '',
    }));
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const text = pdfToText(pdf);

    assert.notEqual(normalizeText(title), '', `${urlPath} has no <h1> text`);
    assert.ok(text.includes(normalizeText(title)), `the PDF lacks the title "${title}"; its text:\n${text}`);
    // A section title that the page's own content uses is content, not navigation.
    const main = normalizeText(mainText);
    const navTitles = sectionTitles.map(normalizeText).filter((s) => s && !main.includes(s));
    const printed = navTitles.filter((s) => text.includes(s));
    assert.deepEqual(printed, [], `the PDF shows navigation titles ${JSON.stringify(printed)}; its text:\n${text}`);
  });
});

test('a missing path answers 404 with the site\'s 404 page', async (t) => {
  const expected = await fs.readFile(path.join(site.outDir, '404.html'));
  for (const urlPath of [`${basePath}no-such-page/`, `${basePath}prepare/no/such/page.html`]) {
    await t.test(urlPath, () =>
      withPage(
        browser,
        async ({ page }) => {
          const response = await visit(page, urlPath);
          assert.equal(response.status(), 404, `${urlPath} answered ${response.status()}`);
          assert.ok(Buffer.compare(await response.body(), expected) === 0, `${urlPath} did not serve 404.html`);
          const h1 = await page.locator('h1').count();
          assert.equal(h1, 1, `the 404 page has ${h1} <h1> elements`);
          const violations = await runAxe(page);
          assert.equal(violations.length, 0, `\n${formatAxeViolations(violations, urlPath)}`);
        },
        // The document's own 404 is the point here; any other error still fails.
        { bypassCSP: true, allowDocument404: true },
      ),
    );
  }
});
