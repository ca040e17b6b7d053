// Helpers for the accessibility tests (a11y.test.mjs): checks of what axe-core
// cannot see, each run inside the page and returning a list of problems as
// readable strings (empty when the page passes), so one failing page says
// exactly which element to fix.
//
// WCAG 2.2 success criteria behind each check:
// - headingProblems: 1.3.1 Info and Relationships, 2.4.6 Headings and Labels;
// - landmarkProblems: 1.3.1, 2.4.1 Bypass Blocks;
// - fieldProblems: 1.3.1, 3.3.2 Labels or Instructions;
// - targetSizeProblems: 2.5.8 Target Size (Minimum), with its spacing and inline exceptions;
// - overflowProblems: 1.4.10 Reflow, 1.4.4 Resize Text;
// - walkFocus: 2.1.2 No Keyboard Trap, 2.4.7 Focus Visible, 2.4.11 Focus Not Obscured.

import assert from 'node:assert/strict';

/** Selector of the elements a pointer or keyboard user acts on. */
export const INTERACTIVE =
  'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';

/**
 * Opens `url`, waits for the page's scripts (journal and checklist forms
 * marked ready, when there are any) and returns the response.
 */
export async function openAndSettle(page, url) {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), 200, `${url} answered ${response.status()}`);
  // journal.js marks each form ready once it has read what is stored; the
  // toolbar of a journal page is revealed last.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('form[data-journal]')].every((f) => f.classList.contains('is-ready')) &&
    [...document.querySelectorAll('[data-journal-tools]')].every((t) => !t.hidden) &&
    [...document.querySelectorAll('form[data-checklist]')].every((f) => f.dataset.enhanced === 'true'),
  );
  return response;
}

/** Exactly one h1, first, and no level skipped on the way down (h2 -> h4). */
export function headingProblems(page) {
  return page.evaluate(() => {
    const shown = (el) => el.checkVisibility() && !el.closest('[aria-hidden="true"]');
    const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')].filter(shown);
    const level = (h) =>
      h.getAttribute('role') === 'heading' ? Number(h.getAttribute('aria-level') || 2) : Number(h.tagName[1]);
    const label = (h) => `<h${level(h)}> "${h.textContent.trim().replace(/\s+/g, ' ').slice(0, 60)}"`;
    const problems = [];
    const ones = headings.filter((h) => level(h) === 1);
    if (ones.length !== 1) problems.push(`${ones.length} <h1> elements (expected exactly one)`);
    if (headings.length > 0 && level(headings[0]) !== 1) problems.push(`the first heading is ${label(headings[0])}, not the <h1>`);
    for (let i = 1; i < headings.length; i += 1) {
      if (level(headings[i]) > level(headings[i - 1]) + 1) {
        problems.push(`${label(headings[i - 1])} is followed by ${label(headings[i])}: a level is skipped`);
      }
    }
    return problems;
  });
}

/**
 * One main, one banner, one contentinfo; every nav (and every complementary
 * region, when there are several) named, with names that differ; all visible
 * text inside some landmark, apart from the skip link.
 */
export function landmarkProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const byIds = (ids) =>
      ids
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent || '')
        .join(' ');
    const name = (el) =>
      (el.getAttribute('aria-labelledby') ? byIds(el.getAttribute('aria-labelledby')) : el.getAttribute('aria-label') || '')
        .trim()
        .replace(/\s+/g, ' ');
    const count = (sel) => document.querySelectorAll(sel).length;
    if (count('main, [role="main"]') !== 1) problems.push(`${count('main, [role="main"]')} main landmarks (expected 1)`);
    // header and footer are banner and contentinfo only outside sectioning elements.
    const top = (sel) => [...document.querySelectorAll(sel)].filter((el) => !el.parentElement.closest('article, aside, main, nav, section'));
    if (top('header').length !== 1) problems.push(`${top('header').length} page headers (banner landmarks; expected 1)`);
    if (top('footer').length !== 1) problems.push(`${top('footer').length} page footers (contentinfo landmarks; expected 1)`);

    for (const [sel, what, always] of [
      ['nav, [role="navigation"]', 'navigation', true],
      ['aside, [role="complementary"]', 'complementary', false],
    ]) {
      const regions = [...document.querySelectorAll(sel)];
      if (!always && regions.length < 2) continue;
      const names = regions.map(name);
      regions.forEach((el, i) => {
        if (!names[i]) problems.push(`a ${what} landmark has no name (aria-label or aria-labelledby): ${el.outerHTML.slice(0, 80)}`);
      });
      const seen = new Set();
      for (const n of names.filter(Boolean).map((n) => n.toLowerCase())) {
        if (seen.has(n)) problems.push(`two ${what} landmarks are both named "${n}"`);
        seen.add(n);
      }
    }

    const LANDMARK =
      'header, nav, main, aside, footer, [role="banner"], [role="navigation"], [role="main"], [role="complementary"], [role="contentinfo"], [role="region"], section[aria-label], section[aria-labelledby], form[aria-label], form[aria-labelledby]';
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const outside = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!node.textContent.trim() || !parent || !parent.checkVisibility()) continue;
      if (parent.closest('.skip-link, script, template') || parent.closest(LANDMARK)) continue;
      outside.add(parent);
    }
    for (const el of outside) problems.push(`text outside every landmark: ${el.outerHTML.slice(0, 100)}`);
    return problems;
  });
}

/**
 * Every form field has an accessible name; radio buttons are grouped under a
 * named fieldset or radiogroup; help text next to a field (hints, notes, the
 * ends of a scale) is tied to it with aria-describedby; every id that
 * aria-describedby names exists.
 */
export function fieldProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const text = (el) => (el?.textContent || '').trim().replace(/\s+/g, ' ');
    const byIds = (ids) =>
      (ids || '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id));
    const nameOf = (el) => {
      if (el.getAttribute('aria-labelledby')) return byIds(el.getAttribute('aria-labelledby')).map(text).join(' ').trim();
      if (el.getAttribute('aria-label')) return el.getAttribute('aria-label').trim();
      return [...(el.labels || [])].map(text).join(' ').trim() || (el.getAttribute('title') || '').trim();
    };
    const describe = (el) => el.outerHTML.slice(0, 100);
    const fields = [...document.querySelectorAll('input, select, textarea')].filter(
      (el) => !['hidden', 'submit', 'button', 'reset', 'image'].includes(el.type),
    );
    for (const field of fields) {
      if (!nameOf(field)) problems.push(`a field has no label: ${describe(field)}`);
      if (field.type === 'radio') {
        const group = field.closest('fieldset, [role="radiogroup"]');
        const groupName = group && (group.tagName === 'FIELDSET' ? text(group.querySelector(':scope > legend')) : nameOf(group));
        if (!groupName) problems.push(`a radio button is not in a named fieldset or radiogroup: ${describe(field)}`);
      }
    }
    for (const el of document.querySelectorAll('[aria-describedby]')) {
      for (const [i, target] of byIds(el.getAttribute('aria-describedby')).entries()) {
        if (!target) problems.push(`aria-describedby names a missing id "${el.getAttribute('aria-describedby').split(/\s+/)[i]}": ${describe(el)}`);
      }
    }
    // Help text: anything in a form whose class says it helps with a field.
    const described = new Set(
      [...document.querySelectorAll('[aria-describedby]')].flatMap((el) => byIds(el.getAttribute('aria-describedby'))),
    );
    for (const help of document.querySelectorAll('form :is(.prompt-hint, .checklist-note, .journal-scale-ends, [class*="help"])')) {
      if (!text(help)) continue;
      if (!described.has(help)) problems.push(`help text is not tied to its field with aria-describedby: ${describe(help)}`);
    }
    return problems;
  });
}

/** Marks every live region in the page now, so a later message can be traced to a region that was there before it. */
export function markLiveRegions(page) {
  return page.evaluate(() => {
    for (const el of document.querySelectorAll('[role="status"], [role="alert"], [role="log"], [aria-live]')) {
      el.dataset.a11yLive = 'from-start';
    }
  });
}

/**
 * Waits until some element's own text matches `pattern`, then says whether it
 * sits in a live region (role status/alert/log or aria-live other than off)
 * that was in the page when markLiveRegions ran. Returns a problem or null.
 */
export async function liveRegionProblem(page, pattern) {
  const handle = await page.waitForFunction(
    (source) => {
      const re = new RegExp(source);
      return [...document.body.querySelectorAll('*')].find(
        (el) => el.children.length === 0 && el.checkVisibility() && re.test(el.textContent),
      );
    },
    pattern.source,
  );
  return handle.evaluate((el, source) => {
    const region = el.closest('[role="status"], [role="alert"], [role="log"], [aria-live]:not([aria-live="off"])');
    if (!region) return `the message /${source}/ is not in a live region: ${el.outerHTML.slice(0, 120)}`;
    if (region.dataset.a11yLive !== 'from-start') {
      return `the message /${source}/ is in a live region added with it (screen readers may miss it): ${region.outerHTML.slice(0, 120)}`;
    }
    return null;
  }, pattern.source);
}

/**
 * WCAG 2.2 SC 2.5.8: every target is at least 24 x 24 CSS px, or a 24 px
 * circle centred on it touches no other target (nor the circle of another
 * small target). Exempt: links in running text (an inline link whose block
 * holds other text), and targets that are not shown (visually hidden inputs
 * whose visible label is the target; the label is then checked instead).
 */
export function targetSizeProblems(page) {
  return page.evaluate((selector) => {
    const MIN = 24;
    const problems = [];
    const visuallyHidden = (el, r) => r.width <= 1 || r.height <= 1 || getComputedStyle(el).opacity === '0';
    const blockOf = (el) => {
      let node = el.parentElement;
      while (node && getComputedStyle(node).display.startsWith('inline')) node = node.parentElement;
      return node;
    };
    const inRunningText = (el) => {
      if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
      // Running text: words in the block besides those of its links and
      // buttons (a row of links separated by " | " is not running text).
      const block = blockOf(el)?.cloneNode(true);
      if (!block) return false;
      for (const control of block.querySelectorAll('a, button')) control.remove();
      return /\p{L}{2,}/u.test(block.textContent);
    };
    const targets = [];
    const candidates = new Set(document.querySelectorAll(selector));
    // The visible stand-ins of hidden controls: labels of opacity-0 radios and visually hidden file inputs.
    for (const el of [...candidates]) {
      const r = el.getBoundingClientRect();
      if (el.checkVisibility() && visuallyHidden(el, r) && el.labels) {
        candidates.delete(el);
        for (const label of el.labels) if (label.checkVisibility() && !label.classList.contains('visually-hidden')) candidates.add(label);
      }
    }
    for (const el of candidates) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (visuallyHidden(el, r) || el.closest('.visually-hidden')) continue;
      // An inline element broken over lines: each of its boxes is a target.
      const boxes = getComputedStyle(el).display === 'inline' ? [...el.getClientRects()] : [r];
      targets.push({ el, boxes, exempt: inRunningText(el) });
    }
    const small = (b) => b.width < MIN - 0.01 || b.height < MIN - 0.01;
    const centre = (b) => ({ x: b.left + b.width / 2, y: b.top + b.height / 2 });
    const distToRect = (p, b) => Math.hypot(Math.max(b.left - p.x, 0, p.x - b.right), Math.max(b.top - p.y, 0, p.y - b.bottom));
    const describe = (el, b) => `${el.outerHTML.replace(/\s+/g, ' ').slice(0, 100)} (${b.width.toFixed(1)} x ${b.height.toFixed(1)} px)`;
    for (const t of targets) {
      if (t.exempt) continue;
      for (const b of t.boxes.filter(small)) {
        const c = centre(b);
        const clash = targets.find(
          (o) =>
            o !== t &&
            !o.el.contains(t.el) &&
            !t.el.contains(o.el) &&
            o.boxes.some((ob) => (small(ob) ? Math.hypot(centre(ob).x - c.x, centre(ob).y - c.y) < MIN : distToRect(c, ob) < MIN / 2)),
        );
        if (clash) problems.push(`${describe(t.el, b)} is smaller than 24 x 24 px and too close to ${describe(clash.el, clash.boxes[0])}`);
      }
    }
    return problems;
  }, INTERACTIVE);
}

/**
 * No sideways scrolling, and no text cut off by a box that hides overflow.
 * Scroll boxes (overflow auto/scroll) are allowed: their content is reachable.
 */
/**
 * How wide the page is against its viewport, and the deepest elements that
 * stick out past the right edge (at most 5), to say what to fix.
 */
export function sidewaysOverflow(page) {
  return page.evaluate(() => {
    const root = document.documentElement;
    const limit = root.clientWidth;
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > limit + 0.5)
      .filter((el) => ![...el.children].some((c) => c.getBoundingClientRect().right > limit + 0.5))
      .slice(0, 5)
      .map((el) => `${el.outerHTML.slice(0, 100)} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`);
    return { scrollWidth: root.scrollWidth, clientWidth: limit, wide };
  });
}

export async function overflowProblems(page) {
  const problems = [];
  const m = await sidewaysOverflow(page);
  if (m.scrollWidth > m.clientWidth) {
    problems.push(`the page is ${m.scrollWidth}px wide in a ${m.clientWidth}px viewport; too wide:\n  ${m.wide.join('\n  ')}`);
  }
  const cut = await page.evaluate(() => {
    const problems = [];
    for (const el of document.body.querySelectorAll('*')) {
      const style = getComputedStyle(el);
      const clips = (o) => o === 'hidden' || o === 'clip';
      if (!clips(style.overflowX) && !clips(style.overflowY)) continue;
      const r = el.getBoundingClientRect();
      if (r.width <= 1 || r.height <= 1 || !el.checkVisibility() || !el.textContent.trim()) continue;
      const cutX = clips(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
      const cutY = clips(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
      if (cutX || cutY) problems.push(`text is cut off (overflow: ${style.overflow}): ${el.outerHTML.slice(0, 100)}`);
    }
    return problems;
  });
  return [...problems, ...cut];
}

/**
 * What shows that an element has focus: outline and box-shadow of the element,
 * of its ::before/::after, of its labels and of the label right after it (a
 * hidden radio or file input shows focus on its label), and its border.
 */
function focusLookScript() {
  window.__a11yFocusLook = (el) => {
    const parts = [
      [el, null],
      [el, '::after'],
      [el, '::before'],
      ...[...(el.labels || [])].map((l) => [l, null]),
    ];
    if (el.nextElementSibling?.tagName === 'LABEL') parts.push([el.nextElementSibling, null]);
    return parts.map(([node, pseudo]) => {
      const s = getComputedStyle(node, pseudo);
      return {
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'none',
        shadow: s.boxShadow,
        border: `${s.borderTopWidth} ${s.borderTopColor} ${s.borderBottomWidth} ${s.borderBottomColor}`,
        background: s.backgroundColor,
      };
    });
  };
}

/**
 * Presses Tab until focus comes back round to where it started (or the body),
 * at most `limit` times. For each stop: whether it shows focus (its look
 * differs from when it is not focused, by an outline of at least 2 px or a
 * box shadow) and whether the focused element is in view and not hidden by
 * something on top (a sticky bar). Returns
 * `{ stops: [{ html, tag, inFooter }], problems, wrapped }`.
 */
export async function walkFocus(page, { limit = 400 } = {}) {
  await page.evaluate(focusLookScript);
  const stops = [];
  const problems = [];
  let wrapped = false;
  let previous = null;
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(async () => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      if (el.dataset.a11yVisited) return { again: true };
      el.dataset.a11yVisited = String(Object.keys(window.__a11yStops || {}).length);
      window.__a11yStops = { ...(window.__a11yStops || {}), [el.dataset.a11yVisited]: el };
      const focused = window.__a11yFocusLook(el);
      // Is it on screen and on top? Sample its centre and inner corners.
      const place = () => {
        const r = el.getBoundingClientRect();
        const target = r.width > 2 && r.height > 2 ? el : el.labels?.[0] || el;
        const tr = target.getBoundingClientRect();
        const points = [
          [tr.left + tr.width / 2, tr.top + tr.height / 2],
          [tr.left + 2, tr.top + 2],
          [tr.right - 2, tr.bottom - 2],
        ];
        const onTop = points.some(([x, y]) => {
          const hit = document.elementFromPoint(x, y);
          return hit && (target.contains(hit) || hit.contains(target) || hit === el || (el.labels && [...el.labels].includes(hit)));
        });
        const inView = tr.bottom > 0 && tr.top < innerHeight && tr.right > 0 && tr.left < document.documentElement.clientWidth;
        return { inView, onTop };
      };
      let where = place();
      if (!where.inView || !where.onTop) {
        // html { scroll-behavior: smooth } scrolls to the focused element over a
        // few frames: judge where it ends up, once the page stops moving.
        await new Promise((resolve) => {
          let last = NaN;
          let still = 0;
          let frames = 0;
          const tick = () => {
            still = scrollY === last ? still + 1 : 0;
            last = scrollY;
            frames += 1;
            if (still >= 3 || frames > 120) resolve();
            else requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        where = place();
      }
      return {
        id: el.dataset.a11yVisited,
        html: el.outerHTML.replace(/\s+/g, ' ').slice(0, 120),
        tag: el.tagName.toLowerCase(),
        inFooter: !!el.closest('footer'),
        ...where,
        focused,
      };
    });
    if (previous) {
      // The previous stop, now without focus.
      const unfocused = await page.evaluate((id) => window.__a11yFocusLook(window.__a11yStops[id]), previous.id);
      const changed = previous.focused.some(
        (part, j) =>
          (part.outline !== unfocused[j].outline && part.outline !== 'none' && parseFloat(part.outline.split(' ')[1]) >= 2) ||
          (part.shadow !== unfocused[j].shadow && part.shadow !== 'none'),
      );
      if (!changed) problems.push(`no visible focus indicator (outline >= 2px or box-shadow): ${previous.html}`);
    }
    if (!stop || stop.again) {
      wrapped = true;
      break;
    }
    if (!stop.inView) problems.push(`focused but not scrolled into view: ${stop.html}`);
    else if (!stop.onTop) problems.push(`focused but covered by something on top: ${stop.html}`);
    stops.push({ html: stop.html, tag: stop.tag, inFooter: stop.inFooter });
    previous = stop;
  }
  if (!wrapped) problems.push(`Tab did not come back round after ${limit} presses (a keyboard trap?)`);
  return { stops, problems, wrapped };
}

/** Every element whose transition, animation or smooth scrolling would move something. */
export function motionProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const seconds = (list) => list.split(',').map((v) => parseFloat(v) * (v.trim().endsWith('ms') ? 0.001 : 1));
    for (const el of [document.documentElement, ...document.body.querySelectorAll('*')]) {
      for (const pseudo of [null, '::before', '::after']) {
        const s = getComputedStyle(el, pseudo);
        const what = `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}${pseudo || ''}`;
        if (seconds(s.transitionDuration).some((d) => d > 0)) problems.push(`${what} has transition ${s.transitionProperty} ${s.transitionDuration}`);
        if (s.animationName !== 'none' && seconds(s.animationDuration).some((d) => d > 0)) problems.push(`${what} has animation ${s.animationName}`);
        if (s.scrollBehavior === 'smooth') problems.push(`${what} scrolls smoothly`);
      }
    }
    return problems;
  });
}
