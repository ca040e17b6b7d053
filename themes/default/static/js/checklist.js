// checklist.js: checklists and habit trackers (docs/interactive-pages.md).
//
// Enhances every form[data-checklist] written by partials/checklist.html:
// restores ticks from the on-device store, saves each tick, shows progress
// ("3 of 5 ready") or, for a habit tracker, dates the day columns and sums up
// ("Day 3 of 14 · 5 ticks so far · current streak: 2 days"), and wires the
// "Clear all" (with an inline confirmation) and "Print this worksheet" buttons.
//
// One record per checklist ("checklist:<id>"), shared by every copy: the
// checklist's own page, a copy embedded in another page, a print pack. A
// change repaints the other copies on the page; coming back to the page
// (visibilitychange, focus, pageshow) re-reads the store, since another tab or
// page may have changed it. Text from the store is only ever put in the page
// with textContent.

import { openStore } from './storage.js';
import { t, tn } from './text.js';

// Every string this script writes, from the theme's [js.checklist] words
// in the page's language (i18n/<language>.toml). The rest of the wording
// is in the partial.
const TEXT = {
  progress: (done, total) => t('checklist.progress', { done, total }),
  notStarted: (days) => t('checklist.not_started', { days }),
  day: (day, days) => t('checklist.day', { day, days }),
  ticksSoFar: (n) => tn('checklist.ticks_so_far', n),
  ticksInAll: (n) => tn('checklist.ticks_in_all', n),
  streak: (n) => tn('checklist.streak', n),
  longest: (n) => tn('checklist.longest', n),
  finished: (days) => t('checklist.finished', { days }),
  today: t('checklist.today'),
  dateShort: (date) => t('checklist.date_short', { day: date.getUTCDate(), month: monthName(date, 'short') }),
  dateFull: (date) => t('checklist.date_full', { day: date.getUTCDate(), month: monthName(date, 'long'), year: date.getUTCFullYear() }),
  earlier: t('checklist.earlier'),
  earlierDay: (label, day) => t('checklist.earlier_day', { label, day }),
  quota: t('checklist.quota'),
  notSaved: t('checklist.not_saved'),
  notLoaded: t('checklist.not_loaded'),
};

const SEPARATOR = ' · ';

/** Copies of each checklist on the page: checklist id -> Set of forms. */
const copies = new Map();
/** The latest known record of each checklist id (null: nothing stored). */
const records = new Map();
/** Forms already enhanced, so calling initChecklists twice is harmless. */
const enhanced = new WeakSet();

// Saves run one after another, and each applies its change to the stored
// record (store.update): two quick ticks cannot overwrite each other, and a
// tick made in another tab since this page loaded is kept.
let queue = Promise.resolve();
/** Saves queued and not yet done, per checklist id. */
const pending = new Map();
let listening = false;

/** Enhances every form[data-checklist] under `root`. */
export async function initChecklists(root = document) {
  const forms = [...root.querySelectorAll('form[data-checklist]')].filter((form) => !enhanced.has(form));
  for (const form of forms) {
    enhanced.add(form);
    const id = form.dataset.checklist;
    if (!copies.has(id)) copies.set(id, new Set());
    copies.get(id).add(form);
    wireForm(form);
  }
  for (const button of root.querySelectorAll('button[data-print-all]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
  if (forms.length === 0) return;
  listenForReturns();

  const ids = new Set(forms.map((form) => form.dataset.checklist));
  await Promise.all([...ids].map((id) => refresh(id)));
  for (const form of forms) form.dataset.enhanced = 'true';
}

// ---------------------------------------------------------------------------
// Reading and saving

const storageKey = (id) => `checklist:${id}`;

/** Re-reads one checklist from the store and repaints its copies. */
async function refresh(id) {
  let record = records.get(id) ?? null;
  try {
    const store = await openStore();
    record = (await store.read(storageKey(id))) ?? null;
  } catch (err) {
    for (const form of copies.get(id)) showProblem(form, TEXT.notLoaded, err);
  }
  // A save started while reading: its optimistic state is newer than what was read.
  if (pending.get(id)) return;
  records.set(id, record);
  paintAll(id);
}

/**
 * Runs `task(store)` after the saves before it. `task` returns the record now
 * stored (null when removed). The optimistic state painted at the click
 * stays until the last queued save is done, so rapid ticks do not flicker.
 */
function enqueue(id, origin, task) {
  const done = () => {
    const left = pending.get(id) - 1;
    pending.set(id, left);
    return left;
  };
  pending.set(id, (pending.get(id) || 0) + 1);
  queue = queue
    .then(async () => {
      const store = await openStore();
      const stored = await task(store);
      clearProblem(origin);
      return stored;
    })
    .then(
      (stored) => {
        if (done() > 0) return;
        const before = records.get(id);
        records.set(id, stored);
        if (!sameState(before, stored)) paintAll(id);
      },
      (err) => {
        done();
        // Keep the tick on screen (the list can still be printed) and say it was not saved.
        showProblem(origin, err && err.name === 'QuotaExceededError' ? TEXT.quota : TEXT.notSaved, err);
      },
    );
  return queue;
}

/** Saves one tick, from the checkbox the patient changed. */
function saveTick(form, input) {
  const id = form.dataset.checklist;
  const key = itemKey(input);
  const tick = { label: labelOf(input), checked: input.checked, updated: new Date().toISOString() };
  const repeating = Number(form.dataset.repeatDays) > 0;
  const apply = (record) => {
    const next = {
      ...(record || {}),
      kind: 'checklist',
      checklist: id,
      title: form.dataset.title || '',
      items: { ...((record && record.items) || {}), [key]: tick },
    };
    // A habit tracker starts on the day of its first tick: day 1 is that day.
    if (repeating && tick.checked && !validDate(next.started)) next.started = localDate(new Date());
    return next;
  };
  records.set(id, apply(records.get(id)));
  paintAll(id);
  enqueue(id, form, async (store) => {
    // Read and write in one step, so a tick made in another tab meanwhile is kept.
    const stored = await store.update(storageKey(id), apply);
    // Ask once per page that the browser keeps the site's data when space runs low.
    store.requestPersistence();
    return stored;
  });
}

function clearAll(form) {
  const id = form.dataset.checklist;
  records.set(id, null);
  paintAll(id);
  enqueue(id, form, async (store) => {
    await store.remove(storageKey(id));
    return null;
  });
}

function sameState(a, b) {
  const state = (r) => JSON.stringify(r ? [r.started || '', r.items || {}] : null);
  return state(a) === state(b);
}

// ---------------------------------------------------------------------------
// Wiring

function wireForm(form) {
  // Nothing here is sent anywhere: a stray Enter must not submit the form.
  form.addEventListener('submit', (event) => event.preventDefault());
  form.addEventListener('change', (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.type === 'checkbox' && input.dataset.item) saveTick(form, input);
  });

  const button = (action) => form.querySelector(`button[data-action="${action}"]`);
  const clear = button('clear');
  const print = button('print');
  const confirm = form.querySelector('[data-checklist-confirm]');

  if (print) {
    print.hidden = false;
    print.addEventListener('click', () => printWorksheet(form));
  }
  if (clear && confirm) {
    const close = () => {
      confirm.hidden = true;
      clear.setAttribute('aria-expanded', 'false');
      clear.focus();
    };
    clear.hidden = false;
    clear.addEventListener('click', () => {
      if (!confirm.hidden) {
        close();
        return;
      }
      confirm.hidden = false;
      clear.setAttribute('aria-expanded', 'true');
      // The safe answer gets focus; the group's label reads the question.
      button('cancel-clear')?.focus();
    });
    button('cancel-clear')?.addEventListener('click', close);
    button('confirm-clear')?.addEventListener('click', () => {
      clearAll(form);
      close();
    });
    confirm.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        close();
      }
    });
  }
}

function listenForReturns() {
  if (listening) return;
  listening = true;
  const refreshAll = () => {
    for (const id of copies.keys()) refresh(id);
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') refreshAll();
  });
  window.addEventListener('focus', refreshAll);
  // Back/forward cache: the page comes back as it was, with old ticks.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) refreshAll();
  });
}

/**
 * A copy embedded in another page prints alone (style.css hides the rest of
 * the page while <html> has cb-print-one); on its own page, the page is the worksheet.
 */
function printWorksheet(form) {
  const alone = form.classList.contains('checklist-embedded');
  const root = document.documentElement;
  if (alone) {
    root.classList.add('cb-print-one');
    form.classList.add('cb-print-target');
    window.addEventListener(
      'afterprint',
      () => {
        root.classList.remove('cb-print-one');
        form.classList.remove('cb-print-target');
      },
      { once: true },
    );
  }
  window.print();
}

// ---------------------------------------------------------------------------
// Painting

function paintAll(id) {
  const record = records.get(id) ?? null;
  for (const form of copies.get(id) || []) paint(form, record);
}

function paint(form, record) {
  const items = (record && record.items) || {};
  const inputs = [...form.querySelectorAll('input[type="checkbox"][data-item]')];
  const shown = new Set();
  for (const input of inputs) {
    const key = itemKey(input);
    shown.add(key);
    input.checked = Boolean(items[key] && items[key].checked);
  }
  const repeatDays = Number(form.dataset.repeatDays) || 0;
  const summary = repeatDays > 0 ? paintHabits(form, record, repeatDays) : progressText(form, inputs);
  setText(statusOf(form), summary);
  paintEarlier(form, items, shown);
}

function progressText(form, inputs) {
  const done = inputs.filter((input) => input.checked).length;
  return TEXT.progress(done, inputs.length);
}

/** Dates the day columns, marks today, and returns the summary line. */
function paintHabits(form, record, repeatDays) {
  const started = record && validDate(record.started) ? record.started : null;
  const today = localDate(new Date());
  // Before the first tick, today is the day that tick will make day 1.
  const todayNumber = started ? daysBetween(started, today) + 1 : 1;

  for (const header of form.querySelectorAll('th[data-day]')) {
    const day = Number(header.dataset.day);
    const isToday = day === todayNumber;
    header.classList.toggle('is-today', isToday);
    if (isToday) header.setAttribute('aria-current', 'date');
    else header.removeAttribute('aria-current');
    const date = header.querySelector('[data-day-date]');
    if (date) paintDate(date, started ? utcDate(addDays(started, day - 1)) : null);
    // The word "today" is screen-only (style.css): a printed sheet outlives the day.
    let marker = header.querySelector('.habit-today');
    if (isToday && !marker) {
      marker = document.createElement('span');
      marker.className = 'habit-today';
      marker.textContent = TEXT.today;
      header.append(marker);
    } else if (!isToday && marker) {
      marker.remove();
    }
  }
  for (const cell of form.querySelectorAll('td[data-day]')) {
    cell.classList.toggle('is-today', Number(cell.dataset.day) === todayNumber);
  }
  if (started) showToday(form);

  if (!started) return TEXT.notStarted(repeatDays);
  const tickedDays = new Map();
  for (const input of form.querySelectorAll('input[data-day]')) {
    if (input.checked) tickedDays.set(Number(input.dataset.day), (tickedDays.get(Number(input.dataset.day)) || 0) + 1);
  }
  const ticks = [...tickedDays.values()].reduce((sum, n) => sum + n, 0);
  if (todayNumber > repeatDays) {
    return [TEXT.finished(repeatDays), TEXT.ticksInAll(ticks), TEXT.longest(longestStreak(tickedDays, repeatDays))].join(SEPARATOR);
  }
  const day = Math.max(1, todayNumber);
  return [TEXT.day(day, repeatDays), TEXT.ticksSoFar(ticks), TEXT.streak(currentStreak(tickedDays, day))].join(SEPARATOR);
}

/**
 * Days in a row with at least one tick, up to today. A day not ticked yet
 * does not break the streak until it is over: in the morning, yesterday's
 * streak still counts.
 */
function currentStreak(tickedDays, today) {
  let day = tickedDays.has(today) ? today : today - 1;
  let streak = 0;
  while (day >= 1 && tickedDays.has(day)) {
    streak += 1;
    day -= 1;
  }
  return streak;
}

function longestStreak(tickedDays, repeatDays) {
  let longest = 0;
  let run = 0;
  for (let day = 1; day <= repeatDays; day += 1) {
    run = tickedDays.has(day) ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}

/**
 * Ticks kept in the store for items this page no longer has (the clinic
 * changed the list). They are never deleted behind the patient's back, so
 * they are shown, as text only, until "Clear all".
 */
function paintEarlier(form, items, shown) {
  const earlier = Object.entries(items).filter(([key, item]) => item && item.checked && !shown.has(key));
  let box = form.querySelector('[data-checklist-earlier]');
  if (earlier.length === 0) {
    if (box) box.hidden = true;
    return;
  }
  if (!box) {
    box = document.createElement('div');
    box.className = 'checklist-earlier';
    box.dataset.checklistEarlier = '';
    const heading = document.createElement('p');
    heading.textContent = TEXT.earlier;
    box.append(heading, document.createElement('ul'));
    const actions = form.querySelector('.checklist-actions');
    if (actions) actions.before(box);
    else form.append(box);
  }
  const list = box.querySelector('ul');
  list.replaceChildren(
    ...earlier.map(([key, item]) => {
      const li = document.createElement('li');
      const label = typeof item.label === 'string' && item.label ? item.label : key;
      const day = key.includes('@') ? key.slice(key.lastIndexOf('@') + 1) : '';
      li.textContent = day ? TEXT.earlierDay(label, day) : label;
      return li;
    }),
  );
  box.hidden = false;
}

/** The role="status" line: the partial has one; a theme override might not. */
function statusOf(form) {
  let status = form.querySelector('[data-checklist-status]');
  if (!status) {
    status = document.createElement('p');
    status.className = 'checklist-status';
    status.setAttribute('role', 'status');
    status.dataset.checklistStatus = '';
    const first = form.querySelector('.habit-grid-scroll, .checklist-items, .checklist-group');
    if (first) first.before(status);
    else form.prepend(status);
  }
  return status;
}

function showProblem(form, message, err) {
  let box = form.querySelector('[data-checklist-problem]');
  if (!box) {
    box = document.createElement('p');
    box.className = 'checklist-problem';
    box.setAttribute('role', 'alert');
    box.dataset.checklistProblem = '';
    statusOf(form).after(box);
  }
  // The browser's name for the error helps the clinic's support staff.
  setText(box, err && err.name ? `${message} (${err.name})` : message);
  box.hidden = false;
}

function clearProblem(form) {
  const box = form.querySelector('[data-checklist-problem]');
  if (box) box.hidden = true;
}

// Only a real change is written: a live region re-announces an identical text in some screen readers.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

// ---------------------------------------------------------------------------
// Items and dates

/** "blanket", or "walk@3" for day 3 of a habit tracker. */
function itemKey(input) {
  return input.dataset.day ? `${input.dataset.item}@${input.dataset.day}` : input.dataset.item;
}

/** The words beside the box, stored with the tick so a record makes sense on its own. */
function labelOf(input) {
  const source = input.dataset.day
    ? input.closest('tr')?.querySelector('.habit-label, th')
    : input.labels && input.labels[0];
  return (source ? source.textContent : input.dataset.item).replace(/\s+/g, ' ').trim();
}

const validDate = (value) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

/** YYYY-MM-DD in the patient's own time zone: "today" is their today. */
function localDate(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// Day arithmetic in UTC, where every day has 24 hours (no daylight-saving jumps).
function utcDate(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

function daysBetween(from, to) {
  return Math.round((utcDate(to) - utcDate(from)) / 86400000);
}

function addDays(ymd, days) {
  const date = utcDate(ymd);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/**
 * A column's date, in the page's language: short to the eye ("2 Dec"), in
 * full for a screen reader ("2 December 2026"), as the rest of the site
 * writes dates. Empty (no date) before the first tick.
 */
function paintDate(box, date) {
  const text = date ? [TEXT.dateShort(date), TEXT.dateFull(date)] : ['', ''];
  let [short, full] = box.children;
  if (!short || !full) {
    short = document.createElement('span');
    short.setAttribute('aria-hidden', 'true');
    full = document.createElement('span');
    full.className = 'visually-hidden';
    box.replaceChildren(short, full);
  }
  setText(short, text[0]);
  setText(full, text[1] && `, ${text[1]}`);
}

const monthNames = new Map();
/** The month's name in the page's language: 'short' ("Dec") or 'long' ("December"). */
function monthName(date, month) {
  if (!monthNames.has(month)) {
    const lang = document.documentElement.lang || undefined;
    let format;
    try {
      format = new Intl.DateTimeFormat(lang, { month, timeZone: 'UTC' });
    } catch {
      format = new Intl.DateTimeFormat(undefined, { month, timeZone: 'UTC' });
    }
    monthNames.set(month, format);
  }
  return monthNames.get(month).format(date);
}

/** Grids already scrolled to today: only once, so a tick never moves the grid under the finger. */
const scrolledToToday = new WeakSet();

/**
 * Opens the grid with today's column in view (a phone shows a few days at
 * a time): scrolls the grid's own box, never the page, and at once, not
 * smoothly. Today ends up at the right edge, with tomorrow after it when
 * there is one, so the days just done stay in view.
 */
function showToday(form) {
  const scroller = form.querySelector('.habit-grid-scroll');
  const today = form.querySelector('thead th.is-today');
  if (!scroller || !today || scrolledToToday.has(scroller)) return;
  scrolledToToday.add(scroller);
  if (scroller.scrollWidth <= scroller.clientWidth) return;
  const box = scroller.getBoundingClientRect();
  const cell = today.getBoundingClientRect();
  const names = form.querySelector('thead .habit-corner')?.getBoundingClientRect().width || 0;
  if (cell.left >= box.left + names && cell.right <= box.right) return;
  // Physical pixels, so right-to-left pages scroll the right way too.
  const next = today.nextElementSibling ? cell.width : 0;
  const shift = cell.right + next - box.right;
  // A plain assignment: the box has no scroll-behavior of its own, so it jumps.
  scroller.scrollLeft += shift;
}
