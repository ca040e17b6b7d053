// The Content-Security-Policy in real Chromium (src/security.rs).
//
// 1. Every page of the example site (the sitemap, the offline page, the
//    print packs and the 404 page), with JavaScript on and the policy
//    enforced, records zero `securitypolicyviolation` events and zero
//    console errors.
// 2. The policy is really enforced: a fixture page whose Markdown holds an
//    inline <script>, an inline handler and a style="…" attribute (raw HTML
//    an author may write) gets all three blocked, and the browser says so.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  REPO_ROOT,
  buildSite,
  closeBuiltSite,
  openBuiltSite,
  openPage,
  sitemapPaths,
  startServer,
  withPage,
} from './harness.mjs';

/** The policy of the <meta> tag, as src/security.rs writes it. */
const META_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
  "connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

/** Registered before any page script: every violation lands in window.__cspViolations. */
function recordViolations() {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push({
      directive: event.effectiveDirective,
      blocked: event.blockedURI,
      sample: event.sample,
      source: `${event.sourceFile}:${event.lineNumber}`,
    });
  });
}

let browser;
let site;
let server;
let basePath = '/';

before(async () => ({ site, server, browser, basePath } = await openBuiltSite(REPO_ROOT)));

after(() => closeBuiltSite({ site, server, browser }));

/** Print packs are not in the sitemap: find them in the output. */
async function printPackPaths(outDir) {
  const entries = await fs.readdir(outDir, { recursive: true });
  return entries
    .filter((entry) => entry.split(path.sep).join('/').match(/(^|\/)print\/index\.html$/))
    .map((entry) => `${basePath}${entry.split(path.sep).join('/').replace(/index\.html$/, '')}`)
    .sort();
}

/** Opens `urlPath`, lets the page's scripts settle, returns the violations seen. */
async function violationsOn(page, urlPath) {
  await page.goto(server.url(urlPath), { waitUntil: 'load' });
  // The module scripts load journal.js / checklist.js and register the
  // service worker after load: give them a moment to do so.
  await page.waitForLoadState('networkidle');
  return page.evaluate(() => window.__cspViolations);
}

test('every page of the example site runs under the policy with no violation and no console error', async () => {
  const pages = [
    ...(await sitemapPaths(site.outDir)),
    `${basePath}offline/`,
    ...(await printPackPaths(site.outDir)),
  ];
  assert.ok(pages.length > 10, `only ${pages.length} pages found`);
  assert.ok(pages.some((p) => p.endsWith('/print/')), 'no print pack found');
  await withPage(browser, async ({ page, assertClean }) => {
    await page.addInitScript(recordViolations);
    for (const urlPath of pages) {
      const violations = await violationsOn(page, urlPath);
      assert.deepEqual(violations, [], `${urlPath}: CSP violations`);
      const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
      assert.equal(policy, META_POLICY, `${urlPath}: the <meta> policy`);
      assertClean(urlPath);
    }
  });
});

test('the 404 page runs under the policy with no violation', () =>
  withPage(
    browser,
    async ({ page }) => {
      await page.addInitScript(recordViolations);
      assert.deepEqual(await violationsOn(page, `${basePath}no/such/page/`), []);
      assert.equal(await page.locator('h1').textContent(), 'Page not found');
    },
    { allowDocument404: true },
  ));

test('the _headers file carries the same policy, plus frame-ancestors', async () => {
  const text = await fs.readFile(path.join(site.outDir, '_headers'), 'utf8');
  assert.ok(text.includes(`  Content-Security-Policy: ${META_POLICY}; frame-ancestors 'none'\n`), text);
  assert.ok(text.includes('  Referrer-Policy: no-referrer\n'), text);
  assert.match(text, /^ {2}Permissions-Policy: .*camera=\(\).*microphone=\(\)/m);
});

const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

test('inline script, inline handlers and style attributes from raw HTML are blocked', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'carebook-csp-fixture-'));
  let fixture;
  let fixtureServer;
  try {
    await fs.cp(path.join(REPO_ROOT, 'tests', 'fixtures', 'base'), root, { recursive: true });
    await fs.writeFile(
      path.join(root, 'content', 'raw.md'),
      [
        '+++',
        'title = "Raw HTML"',
        'description = "An author pasted HTML with inline code."',
        '+++',
        '',
        '<script>window.__inlineRan = true;</script>',
        '',
        '<p id="styled" style="color: rgb(255, 0, 0)">Styled inline.</p>',
        '',
        '<p><img id="handler" src="/dot.png" alt="A picture" onload="window.__handlerRan = true"></p>',
        '',
      ].join('\n'),
    );
    // A real image (a 1x1 PNG): its load event is what the handler would run on.
    // (A missing image would stop the build.)
    await fs.mkdir(path.join(root, 'static'), { recursive: true });
    await fs.writeFile(path.join(root, 'static', 'dot.png'), Buffer.from(ONE_PIXEL_PNG, 'base64'));
    fixture = await buildSite(root);
    fixtureServer = await startServer(fixture.outDir);
    const session = await openPage(browser);
    try {
      const { page } = session;
      await page.addInitScript(recordViolations);
      await page.goto(fixtureServer.url('/raw/'), { waitUntil: 'load' });
      await page.waitForLoadState('networkidle');
      // The picture loaded, so its onload handler had its chance to run.
      assert.equal(await page.locator('#handler').evaluate((img) => img.complete && img.naturalWidth), 1, 'the picture did not load');
      const ran = await page.evaluate(() => ({ inline: window.__inlineRan, handler: window.__handlerRan }));
      assert.deepEqual(ran, { inline: undefined, handler: undefined }, 'inline code ran despite the policy');
      const colour = await page.locator('#styled').evaluate((el) => getComputedStyle(el).color);
      assert.notEqual(colour, 'rgb(255, 0, 0)', 'the style attribute was applied');
      const directives = (await page.evaluate(() => window.__cspViolations)).map((v) => v.directive).sort();
      assert.ok(directives.includes('script-src-elem'), `no script-src-elem violation: ${directives}`);
      assert.ok(directives.includes('script-src-attr'), `no script-src-attr violation: ${directives}`);
      assert.ok(directives.includes('style-src-attr'), `no style-src-attr violation: ${directives}`);
      // Chromium also reports each block as a console error.
      assert.ok(
        session.problems.some((p) => /Content Security Policy/.test(p)),
        `no console error about the policy: ${session.problems.join('\n')}`,
      );
    } finally {
      await session.close({ check: false });
    }
  } finally {
    await fixtureServer?.close();
    await fixture?.cleanup();
    await fs.rm(root, { recursive: true, force: true });
  }
});
