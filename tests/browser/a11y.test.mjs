// Accessibility beyond what axe-core sees (issue #6, part 1), on every page of
// the example site and of the fixture sites tests/fixtures/basic and
// tests/fixtures/worksheets:
// - axe-core (WCAG 2.2 A/AA) in light and dark mode, and the Nu Html Checker,
//   on the fixture sites (site.test.mjs does light mode and vnu for the example);
// - headings, landmarks, form labels and descriptions, target size;
// - the keyboard: the skip link first, a visible focus indicator on every Tab
//   stop, no trap, nothing focused hidden under a sticky bar;
// - reflow at 320 px and at 200 % zoom, reduced motion, dark mode;
// - status messages in live regions;
// - the clinic's colours: a build refuses one that makes text unreadable,
//   and the lightest shade it suggests passes axe's contrast rules;
// - a journal page and a checklist used with the keyboard alone.
//
// The helpers that look at a page are in a11y-helpers.mjs.

import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
  fieldProblems,
  headingProblems,
  landmarkProblems,
  liveRegionProblem,
  markLiveRegions,
  motionProblems,
  openAndSettle,
  overflowProblems,
  targetSizeProblems,
  walkFocus,
} from './a11y-helpers.mjs';
import {
  REPO_ROOT,
  buildSite,
  formatAxeViolations,
  formatVnuMessages,
  htmlFiles,
  launchBrowser,
  readBaseUrl,
  runAxe,
  runBuild,
  runVnu,
  sitemapPaths,
  startServer,
  withPage,
} from './harness.mjs';
import { waitForRecord } from './checklist-helpers.mjs';
import { JOURNALS, waitForStored } from './journal-helpers.mjs';

const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures');
const SITES = [
  { name: 'example', root: REPO_ROOT },
  { name: 'basic', root: path.join(FIXTURES, 'basic') },
  { name: 'worksheets', root: path.join(FIXTURES, 'worksheets') },
];

let browser;

before(async () => {
  browser = await launchBrowser();
  for (const site of SITES) {
    site.build = await buildSite(site.root);
    const baseUrl = await readBaseUrl(path.join(site.root, 'site.toml'));
    site.basePath = baseUrl ? new URL(baseUrl).pathname.replace(/\/?$/, '/') : '/';
    site.server = await startServer(site.build.outDir, { basePath: site.basePath });
    site.pages = [...(await sitemapPaths(site.build.outDir)), `${site.basePath}offline/`];
  }
});

after(async () => {
  await browser?.close();
  for (const site of SITES) {
    await site.server?.close();
    await site.build?.cleanup();
  }
});

const example = () => SITES[0];
const fixtures = () => SITES.slice(1);
const fail = (problems, label) => assert.deepEqual(problems, [], `${label}:\n  ${problems.join('\n  ')}`);

/**
 * The example site's pages that the slow per-page checks (the Tab walk,
 * dark mode, reflow, zoom, structure) visit: one of every template and kind
 * of page, in both languages, with an untranslated fallback page. The
 * templates are shared, so the other pages add minutes to CI and no
 * coverage; axe, vnu and the 320 px check in site.test.mjs still visit
 * every page. The fixture sites are small and are walked in full.
 */
const EXAMPLE_SAMPLE = [
  '/', '/prepare/', '/prepare/gather/', '/prepare/breathwork/', '/intention/set-your-intention/',
  '/after/reflect/', '/after/habit-tracker/', '/prepare/print/', '/print/', '/safety/', '/offline/',
  '/es/', '/es/prepare/gather/', '/es/intention/set-your-intention/', '/es/after/neuroplasticity/',
];

/** Runs `check(page, url)` on every page of `sites` (the example site's
 * sample with `{ sample: true }`), one subtest per page. */
async function everyPage(t, sites, check, options = {}, { sample = false } = {}) {
  for (const site of sites) {
    let pages = site.pages;
    if (sample && site === example()) {
      const missing = EXAMPLE_SAMPLE.filter((p) => !site.pages.includes(p));
      assert.deepEqual(missing, [], 'pages of EXAMPLE_SAMPLE that the example site no longer has');
      pages = EXAMPLE_SAMPLE;
    }
    for (const urlPath of pages) {
      await t.test(`${site.name} ${urlPath}`, () =>
        withPage(browser, ({ page }) => check(page, site.server.url(urlPath), urlPath, site), options),
      );
    }
  }
}

// ---------------------------------------------------------------------------
// Every page, one visit each: a fresh context and a page load cost more than
// most checks, so each page is opened once (in dark mode) and looked at in
// turn. Every problem found is reported, not only the first.

test('every page: dark mode, axe-core, headings, landmarks, fields, the keyboard, target size and 320 px', (t) =>
  everyPage(
    t,
    SITES,
    async (page, url, urlPath, site) => {
      await openAndSettle(page, url);
      const problems = [
        ...(await darkModeProblems(page)),
        // Light mode: axe on the fixture sites (site.test.mjs runs it on every example page).
        ...(site === example() ? [] : (await runAxe(page)).map((v) => `axe: ${formatAxeViolations([v], urlPath)}`)),
        ...(await headingProblems(page)).map((p) => `headings: ${p}`),
        ...(await landmarkProblems(page)).map((p) => `landmarks: ${p}`),
        ...(await fieldProblems(page)).map((p) => `fields: ${p}`),
        ...(await keyboardProblems(page)).map((p) => `keyboard: ${p}`),
      ];
      if (site !== example()) problems.push(...(await skipLinkProblems(page, url)));
      // Target size where fingers are used: a phone-sized viewport.
      await page.setViewportSize({ width: 375, height: 740 });
      problems.push(...(await targetSizeProblems(page)).map((p) => `target size: ${p}`));
      await page.setViewportSize({ width: 320, height: 640 });
      problems.push(...(await overflowProblems(page)).map((p) => `at 320 px: ${p}`));
      fail(problems, url);
    },
    { bypassCSP: true, colorScheme: 'dark' },
    { sample: true },
  ));

/** In dark mode the page changes colour and axe finds nothing; leaves the page in light mode. */
async function darkModeProblems(page) {
  const colours = () =>
    page.evaluate(() => {
      const s = getComputedStyle(document.body);
      return { background: s.backgroundColor, text: s.color };
    });
  const dark = await colours();
  const violations = await runAxe(page);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await colours();
  return [
    ...(dark.background === light.background ? ['dark mode: the background is the same as in light mode'] : []),
    ...(dark.text === light.text ? ['dark mode: the text colour is the same as in light mode'] : []),
    ...violations.map((v) => `axe in dark mode: ${formatAxeViolations([v], page.url())}`),
  ];
}

/** Every Tab stop shows focus, nothing traps it, it starts at the skip link and reaches the footer. */
async function keyboardProblems(page) {
  const { stops, problems } = await walkFocus(page);
  if (!(stops.length > 0 && stops[0].html.includes('skip-link'))) problems.push(`the first Tab stop is ${stops[0]?.html}`);
  if (!stops.some((s) => s.inFooter)) problems.push('Tab never reached a link in the footer');
  return problems;
}

/** From a fresh load, the skip link is the first Tab stop and moves focus to <main>. */
async function skipLinkProblems(page, url) {
  await openAndSettle(page, url);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => ({
    skip: document.activeElement?.matches('a.skip-link[href="#main"]'),
    html: document.activeElement?.outerHTML.slice(0, 120),
  }));
  if (!first.skip) return [`the first Tab stop is not the skip link: ${first.html}`];
  await page.keyboard.press('Enter');
  const onMain = await page.evaluate(() => document.activeElement === document.querySelector('main'));
  return onMain ? [] : ['the skip link did not move focus to <main>'];
}

test('the Nu Html Checker finds no error in the fixture sites', async () => {
  const files = (await Promise.all(fixtures().map((s) => htmlFiles(s.build.outDir)))).flat();
  assert.ok(files.length > 0, 'no .html file was built');
  const messages = runVnu(files);
  assert.equal(messages.length, 0, `${messages.length} error(s):\n${formatVnuMessages(messages)}`);
});

// ---------------------------------------------------------------------------
// Zoom, motion

// A 1280 x 800 window zoomed to 200 % lays out like a 640 x 400 CSS px
// viewport with two device pixels per CSS pixel: that is what is emulated.
test('at 200 % zoom nothing scrolls sideways or is cut off, and every control is reachable', (t) =>
  everyPage(
    t,
    SITES,
    async (page, url, urlPath, site) => {
      await openAndSettle(page, url);
      const problems = await overflowProblems(page);
      // The keyboard walk (reachable, shown, not under a sticky bar) on the
      // pages with the most controls, and the home page.
      const walk = site === example() && /^\/(|intention\/set-your-intention\/|prepare\/gather\/|after\/habit-tracker\/)$/.test(urlPath);
      if (walk) problems.push(...(await walkFocus(page)).problems);
      fail(problems, `${url} at 200 %`);
    },
    { viewport: { width: 640, height: 400 }, deviceScaleFactor: 2 },
    { sample: true },
  ));

test('prefers-reduced-motion: reduce turns off transitions, animations and smooth scrolling', async (t) => {
  const site = example();
  for (const urlPath of ['/', '/intention/set-your-intention/', '/prepare/gather/']) {
    await t.test(urlPath, () =>
      withPage(
        browser,
        async ({ page }) => {
          await openAndSettle(page, site.server.url(urlPath));
          // The test can see motion: without the preference the page scrolls smoothly.
          await page.emulateMedia({ reducedMotion: 'no-preference' });
          const smooth = await page.evaluate(() => getComputedStyle(document.documentElement).scrollBehavior);
          assert.equal(smooth, 'smooth', 'expected smooth scrolling without the preference');
          await page.emulateMedia({ reducedMotion: 'reduce' });
          // An offline notice is the one animated part: show it, then look.
          await page.context().setOffline(true);
          await page.evaluate(() => window.dispatchEvent(new Event('offline')));
          fail(await motionProblems(page), `${urlPath} with reduced motion`);
          await page.context().setOffline(false);
        },
        { reducedMotion: 'reduce' },
      ),
    );
  }
});

// ---------------------------------------------------------------------------
// Status messages

test('status messages are announced from live regions that were there from the start', async (t) => {
  const site = example();
  await t.test('journal: saved, downloaded', () =>
    withPage(browser, async ({ page }) => {
      await openAndSettle(page, site.server.url('/intention/set-your-intention/'));
      await markLiveRegions(page);
      await page.locator('form[data-journal] textarea').first().fill('A first answer');
      const problems = [await liveRegionProblem(page, /^Saved on this device/)];
      await Promise.all([page.waitForEvent('download'), page.click('[data-action="export-md"]')]);
      problems.push(await liveRegionProblem(page, /^Downloaded/));
      fail(problems.filter(Boolean), 'journal');
    }),
  );
  await t.test('checklist: progress', () =>
    withPage(browser, async ({ page }) => {
      await openAndSettle(page, site.server.url('/prepare/gather/'));
      await markLiveRegions(page);
      await page.locator('form[data-checklist] input[type="checkbox"]').first().check();
      fail([await liveRegionProblem(page, /^1 of \d+ ready/)].filter(Boolean), 'checklist');
    }),
  );
  await t.test('every page: "you are offline"', () =>
    withPage(browser, async ({ page, context }) => {
      await openAndSettle(page, site.server.url('/'));
      await markLiveRegions(page);
      await context.setOffline(true);
      await page.evaluate(() => window.dispatchEvent(new Event('offline')));
      fail([await liveRegionProblem(page, /offline/i)].filter(Boolean), 'offline notice');
      await context.setOffline(false);
    }),
  );
});

// ---------------------------------------------------------------------------
// The clinic's colours

test('a brand colour that makes text unreadable stops the build; the shade it suggests passes axe', async () => {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'carebook-colours-'));
  try {
    const root = path.join(tmp, 'site');
    await fs.cp(path.join(FIXTURES, 'worksheets'), root, { recursive: true });
    const toml = path.join(root, 'site.toml');
    const original = await fs.readFile(toml, 'utf8');
    // A sunny yellow: white text on it is 1.6:1.
    await fs.writeFile(toml, original.replace(/primary = "#[0-9a-f]+"/i, 'primary = "#ffcc00"\naccent = "#ff9966"'));
    const refused = runBuild(root, path.join(tmp, 'refused'));
    assert.equal(refused.status, 1, `the build accepted #ffcc00:\n${refused.stderr}`);
    assert.match(refused.stderr, /white text on the primary colour #ffcc00 has a contrast of 1\.\d\d:1/);
    assert.match(refused.stderr, /white text on the accent colour #ff9966/);
    const shades = [...refused.stderr.matchAll(/such as "(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    assert.equal(shades.length, 2, `expected a suggested shade per colour:\n${refused.stderr}`);

    // The suggested shades are the lightest that pass: the edge case for the theme.
    await fs.writeFile(toml, original.replace(/primary = "#[0-9a-f]+"/i, `primary = "${shades[0]}"\naccent = "${shades[1]}"`));
    const out = path.join(tmp, 'public');
    const built = runBuild(root, out);
    assert.equal(built.status, 0, `the suggested shades ${shades} were refused:\n${built.stderr}`);
    const server = await startServer(out);
    try {
      const urlPaths = await sitemapPaths(out);
      for (const colorScheme of ['light', 'dark']) {
        await withPage(
          browser,
          async ({ page }) => {
            for (const urlPath of urlPaths) {
              await openAndSettle(page, server.url(urlPath));
              // Draw every state that uses the brand colour: ticked boxes, a chosen scale value.
              for (const box of (await page.locator('form[data-checklist] input[type="checkbox"]').all()).slice(0, 3)) {
                await box.check();
              }
              const radio = page.locator('.journal-scale-option input').first();
              if (await radio.count()) await radio.check();
              const violations = await runAxe(page);
              assert.equal(violations.length, 0, `\n${formatAxeViolations(violations, `${urlPath} (${colorScheme}, ${shades})`)}`);
            }
          },
          { bypassCSP: true, colorScheme },
        );
      }
    } finally {
      await server.close();
    }
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------
// The keyboard alone

/**
 * Presses Tab until `predicate(arg)` holds in the page (checked first without
 * a press: an action may have moved focus there already), at most `limit` times.
 */
async function tabUntil(page, predicate, what, { arg, limit = 150 } = {}) {
  for (let i = 0; i <= limit; i += 1) {
    if (await page.evaluate(predicate, arg)) return i;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${what} in ${limit} presses`);
}

test('a journal page, written with the keyboard alone, keeps its answers after a reload', () =>
  withPage(browser, async ({ page }) => {
    const url = example().server.url(`/${JOURNALS.intention.path}`);
    await openAndSettle(page, url);
    const fields = await page.evaluate(() =>
      [...document.querySelectorAll('form[data-journal] .journal-prompt')].map((p) => ({ id: p.dataset.prompt, type: p.dataset.type })),
    );
    assert.ok(fields.length >= 3, 'the journal page has fewer than 3 questions');

    const typed = {};
    for (const field of fields) {
      await tabUntil(page, (id) => document.activeElement?.closest('.journal-prompt')?.dataset.prompt === id, `the question "${field.id}"`, {
        arg: field.id,
      });
      if (field.type === 'scale') {
        // Space chooses the focused value (0); arrows move along the scale.
        await page.keyboard.press('Space');
        for (let i = 0; i < 7; i += 1) await page.keyboard.press('ArrowRight');
        typed[field.id] = '7';
      } else {
        typed[field.id] = `My answer to ${field.id}, typed.`;
        await page.keyboard.type(typed[field.id]);
      }
    }
    // Saved (400 ms after the last key) before the download reads the store.
    const last = fields.filter((f) => f.type !== 'scale').at(-1);
    await waitForStored(page, JOURNALS.intention.id, last.id, typed[last.id]);

    // The toolbar: download a copy with Enter, then on to the footer.
    await tabUntil(page, () => document.activeElement?.dataset.action === 'export-md', 'the Markdown download button');
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const text = await fs.readFile(await download.path(), 'utf8');
    for (const field of fields.filter((f) => f.type !== 'scale')) assert.ok(text.includes(typed[field.id]), `the download lacks "${typed[field.id]}"`);
    await tabUntil(page, () => document.activeElement?.dataset.action === 'export-json', 'the backup download button');
    await tabUntil(page, () => !!document.activeElement?.closest('footer'), 'the footer');

    // Shift+Tab goes back up the page as well (no one-way trap).
    await page.keyboard.press('Shift+Tab');
    assert.ok(await page.evaluate(() => !document.activeElement?.closest('footer')), 'Shift+Tab did not leave the footer');

    await page.reload({ waitUntil: 'load' });
    await openAndSettle(page, url);
    const values = await page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('form[data-journal] .journal-prompt')].map((p) => [
          p.dataset.prompt,
          p.dataset.type === 'scale' ? p.querySelector('input:checked')?.value ?? '' : p.querySelector('textarea, input')?.value ?? '',
        ]),
      ),
    );
    assert.deepEqual(values, typed, 'the answers did not come back after a reload');
  }));

test('a checklist, ticked with the keyboard alone, keeps its ticks after a reload', () =>
  withPage(browser, async ({ page }) => {
    const url = example().server.url('/prepare/gather/');
    await openAndSettle(page, url);
    const count = await page.locator('form[data-checklist] input[type="checkbox"]').count();
    assert.ok(count >= 3, 'the checklist has fewer than 3 items');
    for (let i = 0; i < count; i += 1) {
      await tabUntil(page, () => document.activeElement?.matches('form[data-checklist] input[type="checkbox"]:not(:checked)'), `item ${i + 1}`);
      await page.keyboard.press('Space');
    }
    await page.waitForFunction((n) => document.querySelector('[data-checklist-status]')?.textContent.startsWith(`${n} of ${n}`), count);
    // The status is painted at the key press; the saves land after it, one by one.
    const id = await page.locator('form[data-checklist]').first().getAttribute('data-checklist');
    await waitForRecord(page, '/', `checklist:${id}`, (r) => Object.values(r?.items || {}).filter((i) => i.checked).length === count, {
      timeout: 30_000,
    });
    // Clear all, then change one's mind: the confirmation is reached and left with the keyboard.
    await tabUntil(page, () => document.activeElement?.dataset.action === 'clear', 'the "Clear all" button');
    await page.keyboard.press('Enter');
    await tabUntil(page, () => document.activeElement?.dataset.action === 'cancel-clear', 'the "keep my ticks" button');
    await page.keyboard.press('Enter');
    await tabUntil(page, () => !!document.activeElement?.closest('footer'), 'the footer');

    await page.reload({ waitUntil: 'load' });
    await openAndSettle(page, url);
    const ticked = await page.locator('form[data-checklist] input[type="checkbox"]:checked').count();
    assert.equal(ticked, count, `${ticked} of ${count} ticks came back after a reload`);
  }));
