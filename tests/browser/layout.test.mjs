// Browser tests of the page layout a patient sees first (issue #11): the
// phone header and its menu button, the breadcrumb, the habit grid on a
// phone and a wide screen, and the print pack's "Name / Date" line, on
// tests/fixtures/layout (a long clinic name and site title, two languages,
// a 21-day habit tracker). themes/default: base.html, style.css,
// partials/checklist.html, js/checklist.js, print-pack.html.
//
// Every page is opened in a fresh context that fails on any console error,
// uncaught exception or request off 127.0.0.1 (harness.mjs).

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { REPO_ROOT, closeBuiltSite, openBuiltSite, pdfToText, withPage } from './harness.mjs';
import { openAndSettle, sidewaysOverflow } from './a11y-helpers.mjs';
import { printToPdf, putRecord, waitForChecklists } from './checklist-helpers.mjs';

const FIXTURE = path.join(REPO_ROOT, 'tests', 'fixtures', 'layout');

const PHONE = { width: 390, height: 844 };
const SMALL_PHONE = { width: 320, height: 640 };
const DESKTOP = { width: 1366, height: 900 };
/** "At most about a quarter of the first screen" (issue #11). */
const MAX_HEADER = Math.round(PHONE.height * 0.25);

/** A home page, a guidance page, a journal, the habit tracker, a print pack, a Spanish page. */
const PAGES = ['', 'recovery/', 'recovery/exercises/', 'recovery/diary/', 'recovery/habits/', 'recovery/print/', 'es/'];
const HABITS = 'recovery/habits/';
const HABITS_KEY = 'checklist:recovery/habits';

let site;
let server;
let browser;
let basePath = '/';

before(async () => ({ site, server, browser, basePath } = await openBuiltSite(FIXTURE)));
after(() => closeBuiltSite({ site, server, browser }));

const url = (p) => server.url(basePath + p);

/** Where the page's parts are on screen, in CSS px from the top of the first screen. */
function firstScreen(page) {
  return page.evaluate(() => {
    const box = (el) => (el ? el.getBoundingClientRect() : null);
    const h1 = document.querySelector('main h1');
    // The start of the page's text: the first thing after the <h1> that has words.
    const next = [...document.querySelectorAll('main h1 ~ *')].find((el) => el.textContent.trim() && el.checkVisibility());
    const visible = (selector) => [...document.querySelectorAll(selector)].some((el) => el.checkVisibility());
    return {
      header: box(document.querySelector('.site-header')).height,
      h1Top: box(h1).top,
      h1Bottom: box(h1).bottom,
      textTop: next ? box(next).top : null,
      menu: visible('.site-nav a'),
      languages: visible('.language-switcher a'),
      search: visible('form.search input'),
      button: visible('.menu-toggle summary'),
    };
  });
}

/**
 * What Chromium tells a screen reader about the control named "Menu": a
 * <summary> is a disclosure triangle (a button that is expanded or not).
 */
async function menuButtonAx(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    return nodes
      .filter((n) => !n.ignored && n.name?.value === 'Menu' && !['StaticText', 'InlineTextBox'].includes(n.role?.value))
      .map((n) => ({ role: n.role.value, expanded: n.properties?.find((p) => p.name === 'expanded')?.value.value ?? null }));
  } finally {
    await cdp.detach();
  }
}

// ---------------------------------------------------------------------------
// The first screen on a phone

test('on a 390x844 phone, every page shows its <h1> and the start of its text in the first screen, under a header of at most a quarter of it', async () => {
  await withPage(
    browser,
    async ({ page }) => {
      const seen = [];
      for (const p of PAGES) {
        await openAndSettle(page, url(p));
        const m = await firstScreen(page);
        seen.push(`/${p}: header ${Math.round(m.header)} px, <h1> at ${Math.round(m.h1Top)} px`);
        assert.ok(m.header <= MAX_HEADER, `/${p}: the header is ${m.header} px high (at most ${MAX_HEADER})`);
        assert.ok(m.h1Bottom <= PHONE.height, `/${p}: the <h1> ends at ${m.h1Bottom} px, below the first screen`);
        assert.ok(m.textTop !== null && m.textTop + 24 <= PHONE.height, `/${p}: the page's text starts at ${m.textTop} px`);
        // The menu waits behind its button: nothing of it before the page.
        assert.deepEqual([m.menu, m.languages, m.search, m.button], [false, false, false, true], `/${p}: menu, languages, search, button shown`);
      }
      console.log(seen.join('\n'));
    },
    { viewport: PHONE },
  );
});

test('the menu button opens and closes with the keyboard (Enter and Space), is a named button, and shows the sections, the languages and search', async () => {
  await withPage(
    browser,
    async ({ page }) => {
      await openAndSettle(page, url('recovery/exercises/'));
      assert.deepEqual(await menuButtonAx(page), [{ role: 'DisclosureTriangle', expanded: false }], 'the accessibility tree has no collapsed "Menu" button');
      // Reached with Tab: the skip link, the clinic's home link, the help link, then the menu button.
      let tabs = 0;
      while (!(await page.evaluate(() => document.activeElement?.matches('.menu-toggle summary')))) {
        assert.ok(++tabs <= 4, 'the menu button is not among the first four Tab stops');
        await page.keyboard.press('Tab');
      }
      const look = await page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        return { outline: s.outlineStyle, width: parseFloat(s.outlineWidth), w: r.width, h: r.height, label: el.textContent.trim(), expanded: el.parentElement.open };
      });
      assert.notEqual(look.outline, 'none', 'no focus ring on the menu button');
      assert.ok(look.width >= 2, `focus ring of ${look.width} px`);
      assert.ok(look.w >= 44 && look.h >= 44, `the button is ${look.w}x${look.h} px`);
      assert.equal(look.label, 'Menu');
      assert.equal(look.expanded, false);
      assert.equal(await page.locator('.menu-toggle summary').getAttribute('aria-expanded'), null, 'aria- where the browser already says it');

      await page.keyboard.press('Enter');
      await page.locator('.site-nav').waitFor({ state: 'visible' });
      let m = await firstScreen(page);
      assert.deepEqual([m.menu, m.languages, m.search], [true, true, true], 'Enter: menu, languages, search');
      assert.deepEqual(await menuButtonAx(page), [{ role: 'DisclosureTriangle', expanded: true }], 'not said to be expanded');
      // Next in Tab order: the menu's first link.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.closest('.menu') !== null), true, 'Tab after the button leaves the menu out');
      await page.keyboard.press('Shift+Tab');

      await page.keyboard.press('Space');
      await page.locator('.site-nav').waitFor({ state: 'hidden' });
      m = await firstScreen(page);
      assert.deepEqual([m.menu, m.languages, m.search], [false, false, false], 'Space closes it');
      await page.keyboard.press('Space');
      await page.locator('.site-nav').waitFor({ state: 'visible' });

      // Search works from inside the menu.
      await page.getByRole('searchbox', { name: 'Search this guide' }).fill('ankle');
      await page.waitForFunction(() => /result/.test(document.querySelector('.search-status')?.textContent || ''));
      assert.ok((await page.locator('.search-result-title').allTextContents()).includes('Gentle exercises'));
      assert.deepEqual(await sidewaysOverflow(page).then((o) => o.scrollWidth <= o.clientWidth), true, 'the open menu is wider than the phone');
    },
    { viewport: PHONE },
  );
});

test('without JavaScript the menu button still opens the menu (sections and languages)', async () => {
  await withPage(
    browser,
    async ({ page }) => {
      await page.goto(url('recovery/exercises/'));
      let m = await firstScreen(page);
      assert.deepEqual([m.menu, m.languages, m.button], [false, false, true]);
      await page.locator('.menu-toggle summary').click();
      m = await firstScreen(page);
      assert.deepEqual([m.menu, m.languages], [true, true], 'the menu did not open without JavaScript');
      assert.equal(m.search, false, 'a search box that cannot work without JavaScript');
    },
    { viewport: PHONE, javaScriptEnabled: false },
  );
});

test('on a phone the breadcrumb is one line (the parent only), and nothing scrolls sideways at 320 px', async () => {
  for (const viewport of [PHONE, SMALL_PHONE]) {
    await withPage(
      browser,
      async ({ page }) => {
        for (const p of PAGES) {
          await openAndSettle(page, url(p));
          const crumb = await page.evaluate(() => {
            const list = document.querySelector('.breadcrumbs ol');
            if (!list) return null;
            const links = [...list.querySelectorAll('a')].filter((a) => a.checkVisibility());
            const lines = new Set(links.flatMap((a) => [...a.getClientRects()].map((r) => Math.round(r.top))));
            return { links: links.map((a) => a.innerText), lines: lines.size, height: list.getBoundingClientRect().height, parent: list.querySelector('li:last-child a').innerText };
          });
          // A page goes back to its section; the section itself back "Home".
          if (p.startsWith('recovery/')) assert.equal(crumb?.parent, p === 'recovery/' ? 'Home' : 'Your first weeks at home', `/${p}`);
          if (crumb) {
            assert.equal(crumb.lines, 1, `${viewport.width} px, /${p}: the breadcrumb is on ${crumb.lines} lines`);
            assert.ok(crumb.height <= 48, `${viewport.width} px, /${p}: the breadcrumb is ${crumb.height} px high`);
            assert.deepEqual(crumb.links, [crumb.parent], `${viewport.width} px, /${p}: more than the parent shown`);
          }
          for (const open of [false, true]) {
            if (open) await page.locator('.menu-toggle summary').click();
            const o = await sidewaysOverflow(page);
            assert.ok(o.scrollWidth <= o.clientWidth, `${viewport.width} px, /${p}${open ? ', menu open' : ''}: ${o.scrollWidth} px wide:\n${o.wide.join('\n')}`);
          }
        }
      },
      { viewport },
    );
  }
});

test('on a wide screen the menu is open, with no menu button, and the breadcrumb is whole', async () => {
  await withPage(
    browser,
    async ({ page }) => {
      await openAndSettle(page, url('recovery/exercises/'));
      const m = await firstScreen(page);
      assert.deepEqual([m.menu, m.languages, m.search, m.button], [true, true, true, false]);
      const crumbs = await page.locator('.breadcrumbs a').evaluateAll((links) => links.filter((a) => a.checkVisibility()).map((a) => a.innerText));
      assert.deepEqual(crumbs, ['Your recovery after knee surgery', 'Your first weeks at home']);
    },
    { viewport: DESKTOP },
  );
});

test('the footer says what stays on the device, in English and Spanish', async () => {
  await withPage(browser, async ({ page }) => {
    await page.goto(url(''));
    const en = await page.locator('.site-footer .privacy').textContent();
    assert.match(en, /nothing you write or tick here leaves your device/i);
    assert.match(en, /journals and ticks are kept only on it/);
    assert.doesNotMatch(en, /stores nothing/);
    await page.goto(url('es/'));
    const es = await page.locator('.site-footer .privacy').textContent();
    assert.match(es, /nada de lo que escribe o marca aquí sale de su dispositivo/);
    assert.match(es, /diarios y marcas se guardan solo en él/);
  });
});

// ---------------------------------------------------------------------------
// The habit grid

/** Day columns of the grid against its scroll box: widths, today, what is in view. */
function grid(page) {
  return page.evaluate(() => {
    const scroller = document.querySelector('.habit-grid-scroll');
    const box = scroller.getBoundingClientRect();
    const names = document.querySelector('.habit-corner').getBoundingClientRect();
    const days = [...document.querySelectorAll('thead th[data-day]')].map((th) => {
      const r = th.getBoundingClientRect();
      return {
        day: Number(th.dataset.day),
        width: r.width,
        inView: r.left >= names.right - 0.5 && r.right <= box.right + 0.5,
        today: th.classList.contains('is-today'),
        shown: th.querySelector('[data-day-date] [aria-hidden="true"]')?.textContent ?? '',
        spoken: th.querySelector('[data-day-date] .visually-hidden')?.textContent ?? '',
      };
    });
    return {
      days,
      scrolls: scroller.scrollWidth > scroller.clientWidth + 1,
      scrollLeft: scroller.scrollLeft,
      pageScrollX: window.scrollX,
      pageScrollY: window.scrollY,
      pageWide: document.documentElement.scrollWidth > document.documentElement.clientWidth,
    };
  });
}

/** Opens the tracker at `now` (a fake clock), started `startedDaysAgo` days before. */
async function openTracker(page, p, { now, started }) {
  await page.clock.install({ time: now });
  await openAndSettle(page, url(p));
  await putRecord(page, basePath, HABITS_KEY, {
    kind: 'checklist',
    checklist: 'recovery/habits',
    title: 'Three-week exercise tracker',
    started,
    items: { 'ankle@1': { label: 'Ankle pumps', checked: true, updated: now.toISOString() } },
  });
  await page.reload();
  await waitForChecklists(page);
  await page.waitForFunction(() => document.querySelector('thead th.is-today [data-day-date]')?.textContent !== '');
}

test('at 1366 px the 21-day grid shows all 21 days without scrolling sideways', async () => {
  await withPage(
    browser,
    async ({ page }) => {
      await openTracker(page, HABITS, { now: new Date('2026-12-02T10:00:00'), started: '2026-11-16' });
      const g = await grid(page);
      assert.equal(g.days.length, 21);
      const hidden = g.days.filter((d) => !d.inView).map((d) => d.day);
      assert.deepEqual(hidden, [], `days out of view at 1366 px: ${hidden}`);
      assert.equal(g.scrolls, false, 'the grid scrolls sideways');
      assert.equal(g.pageWide, false, 'the page scrolls sideways');
    },
    { viewport: DESKTOP },
  );
});

test('on a phone on day 17 the grid opens with today in view, by scrolling the grid, not the page; the columns are even and dated in the page language', async (t) => {
  // 2 December 2026, day 17 of a tracker started on 16 November.
  const now = new Date('2026-12-02T10:00:00');
  const cases = [
    { p: HABITS, today: ['2 Dec', ', 2 December 2026'], first: ['16 Nov', ', 16 November 2026'] },
    { p: `es/${HABITS}`, today: ['2 dic', ', 2 de diciembre de 2026'], first: ['16 nov', ', 16 de noviembre de 2026'] },
  ];
  for (const c of cases) {
    await t.test(`/${c.p}`, () =>
      withPage(
        browser,
        async ({ page }) => {
          await openTracker(page, c.p, { now, started: '2026-11-16' });
          const g = await grid(page);
          const today = g.days.find((d) => d.today);
          assert.equal(today?.day, 17, 'today is not day 17');
          assert.ok(today.inView, `day 17 is out of the grid's view (scrolled ${g.scrollLeft} px)`);
          assert.ok(g.scrollLeft > 0, 'the grid was not scrolled');
          assert.deepEqual([g.pageScrollX, g.pageScrollY], [0, 0], 'the page itself was scrolled');
          const widths = g.days.map((d) => d.width);
          assert.ok(Math.max(...widths) - Math.min(...widths) <= 1, `uneven columns: ${widths.map(Math.round)}`);
          assert.deepEqual([today.shown, today.spoken], c.today, 'today is not dated in the page language');
          assert.deepEqual([g.days[0].shown, g.days[0].spoken], c.first, 'day 1 is not dated in the page language');
        },
        { viewport: PHONE },
      ),
    );
  }
});

// ---------------------------------------------------------------------------
// Print packs: "Name" and "Date" stay whole

/** Clinic names of many lengths: each sets the room left for the Name / Date line differently. */
const CLINIC_NAMES = [
  'Lakeside Orthopaedics', // the fixture's own, from the issue
  ...Array.from({ length: 12 }, (_, i) => 'Lakeside Orthopaedics and Sports Medicine Centre of Springfield'.slice(0, 14 + i * 2)),
  'Lakeside Orthopaedics and Sports Medicine Centre of Springfield',
];

test('printed, a print pack never breaks "Name" or "Date" mid-word, whatever the clinic name', async (t) => {
  for (const pack of ['print/', 'recovery/print/']) {
    for (const format of ['Letter', 'A4']) {
      await t.test(`/${pack} on ${format}`, () =>
        withPage(browser, async ({ page }) => {
          await openAndSettle(page, url(pack));
          const sheets = await page.locator('.worksheet').count();
          assert.ok(sheets >= 2, `/${pack} has ${sheets} worksheets`);
          // The fixture's own name first; then the same page with longer and shorter
          // names put in its place, as another clinic's site.toml would.
          const names = pack === 'print/' ? CLINIC_NAMES : CLINIC_NAMES.slice(0, 1);
          for (const name of names) {
            await page.locator('.worksheet-clinic span').evaluateAll((spans, n) => spans.forEach((s) => (s.textContent = n)), name);
            const text = pdfToText(await printToPdf(page, format));
            const words = (stem) => text.match(new RegExp(`\\S*${stem}\\S*`, 'g')) || [];
            assert.deepEqual(words('Nam'), Array(sheets).fill('Name'), `"${name}", ${format}: ${text.slice(0, 300)}`);
            assert.deepEqual(words('Dat'), Array(sheets).fill('Date'), `"${name}", ${format}: ${text.slice(0, 300)}`);
          }
        }),
      );
    }
  }
});
