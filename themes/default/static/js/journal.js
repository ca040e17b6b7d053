/**
 * Journal pages (docs/interactive-pages.md). Privacy: nothing typed leaves
 * the browser (no fetch, no form submission, blob: downloads), and user text
 * enters the page only as Text nodes or field values, never as HTML.
 */

import { dropPending, mergePending, openStore, settlePending, stagePending } from './storage.js';
import { t, tn, tNodes } from './text.js';
import {
  FORMAT,
  LOCK,
  PREFIX,
  answerText,
  answered,
  backupOf,
  byNewest,
  clock,
  download,
  el,
  formatDate,
  formatDay,
  now,
  sameDay,
  say,
  time,
  timeEl,
} from './entries.js';
import { scalePoints, trendFigure } from './trends.js';

const SAVE_DELAY = 400; // ms; the issue asks for at most 500

const journals = [];
let queue = Promise.resolve();
let persistAsked = false;

/** Store tasks run one at a time: each reads, then writes; two at once would lose text. */
const enqueue = (task) => (queue = queue.catch(() => {}).then(task));

const lastWritten = (list) => [...list].sort((a, b) => time(b.updated) - time(a.updated))[0];
const copy = (e) => ({ ...e, answers: { ...e.answers } });
const newEntry = (created = now()) => ({
  id: `e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
  created,
  updated: created,
  answers: {},
});

function firstWords(entry) {
  const words = answerText(answered(entry)[0] || { value: '…' }).split(/\s+/);
  return words.slice(0, 12).join(' ') + (words.length > 12 ? ' …' : '');
}

/** A button with its action and entry in data attributes, named for its entry's date. */
function entryButton(action, entry, words, label) {
  const button = el('button', { type: 'button', className: 'journal-button' }, words);
  Object.assign(button.dataset, { action, entry: entry.id });
  if (label) button.setAttribute('aria-label', label);
  return button;
}

const describeError = (err) => t(err?.name === 'QuotaExceededError' ? 'journal.not_saved_quota' : 'journal.not_saved');

// One journal form: its state is one object, `j`, shared by the functions below.

/** The questions of a journal form, from partials/prompts.html. */
function readPrompts(form) {
  return [...form.querySelectorAll('.journal-prompt[data-prompt]')].map((box) => ({
    box,
    id: box.dataset.prompt,
    type: box.dataset.type || 'long',
    fields: [...box.querySelectorAll('textarea, input')],
    text: box.querySelector('legend, label')?.textContent.trim(), // stored for other pages
    low: box.dataset.low,
    high: box.dataset.high,
  }));
}

function setUpJournal(form, store, tools) {
  // From partials/prompts.html (optional).
  const [heading, status, alert, panel] = ['.journal-current', '.journal-saved', '.journal-error', '[data-journal-alongside]'].map(
    (selector) => form.querySelector(selector),
  );
  form.querySelectorAll('.journal-current, .journal-status').forEach((n) => (n.hidden = false));
  if (store instanceof Error) {
    say(alert, describeError(store));
    return null;
  }
  form.classList.add('is-ready'); // hides the ruled lines on screen

  const j = {
    form,
    store,
    tools,
    key: PREFIX + form.dataset.journal,
    heading,
    status,
    alert,
    panel,
    prompts: readPrompts(form),
    known: null, // the record as last read or written (undefined: none stored)
    entries: [],
    current: newEntry(), // stored once something is typed
    chosen: false, // started or reopened by the patient
    since: null, // back on a later day: the last entry, before today's new one
    unsaved: false,
    timer: 0,
    lastSave: Promise.resolve(true),
  };

  form.addEventListener('input', (event) => onEdit(j, event));
  // The line at the top may offer to reopen the last entry.
  form.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action="reopen"]');
    if (button) reopenEntry(j, button.dataset.entry);
  });
  form.addEventListener('change', (event) => onEdit(j, event));
  // Submitting would put the answers in a URL sent to the server.
  form.addEventListener('submit', (event) => event.preventDefault());

  return {
    save: (urgent) => save(j, urgent),
    load: () => load(j),
    startNew: () => openEntry(j, newEntry()),
    reopen: (id) => reopenEntry(j, id),
    deleteEntry: (id) => deleteEntry(j, id),
    /** Before deleting all: what waits to be saved would be written back. */
    reset() {
      clearTimeout(j.timer);
      j.unsaved = false;
      j.current = newEntry();
      j.chosen = false;
      say(j.status, '');
    },
  };
}

function onEdit(j, event) {
  const p = j.prompts.find((q) => q.box.contains(event.target));
  if (!p) return;
  const value = (p.type === 'scale' ? p.fields.find((f) => f.checked)?.value : p.fields[0].value) || '';
  if (j.current.answers[p.id]?.value !== value) {
    j.current.answers[p.id] = { prompt: p.text, type: p.type, value, updated: now() };
    p.box.classList.toggle('has-answer', !!value); // printed only when answered
    j.unsaved = true;
    // Kept at once in localStorage too: WebKit drops an IndexedDB write started as the page is left.
    stagePending(j.key, { kind: 'journal', collection: j.form.dataset.journal, title: j.form.dataset.title, entries: [copy(j.current)] });
  }
  clearTimeout(j.timer);
  // "change": the field lost focus, maybe to a link about to be followed.
  if (event.type === 'change') save(j);
  else j.timer = setTimeout(() => save(j), SAVE_DELAY);
}

/**
 * Writes the open entry; resolves to false (said in the alert) if it could
 * not. Urgent (page hidden or left): write the record as last seen, at
 * once, as later callbacks may never run. Otherwise read it again first:
 * another tab may have written.
 */
function save(j, urgent) {
  clearTimeout(j.timer);
  if (!j.unsaved) return j.lastSave;
  j.unsaved = false;
  const entry = j.current;
  const write = () => writeEntry(j, entry, urgent);
  return (j.lastSave = (urgent ? write() : enqueue(write)).then(
    ([record, isNew]) => {
      showSaved(j, record, isNew);
      return true;
    },
    (err) => {
      // The text stays in the field; the next keystroke retries.
      if (entry === j.current) j.unsaved = true;
      say(j.status, '');
      say(j.alert, describeError(err));
      return false;
    },
  ));
}

/** Writes `entry` into its record; resolves to `[record, isNew]`. */
async function writeEntry(j, entry, urgent) {
  const record = (urgent && j.known !== null ? j.known : await j.store.read(j.key)) || {
    kind: 'journal',
    collection: j.form.dataset.journal,
    entries: [],
  };
  record.title = j.form.dataset.title;
  let stored = record.entries.find((e) => e.id === entry.id);
  const isNew = !stored;
  if (isNew) record.entries.push((stored = { ...entry }));
  // All of the open entry as it is now, so the write that lands last has
  // every word; the field wins even if the clock went back.
  const answers = { ...stored.answers, ...entry.answers };
  stored.answers = {};
  for (const p of j.prompts) if (answers[p.id]) stored.answers[p.id] = answers[p.id];
  Object.assign(stored.answers, answers);
  stored.updated = now();
  await j.store.write(j.key, record);
  return [record, isNew];
}

/** After a write: says it is saved. */
function showSaved(j, record, isNew) {
  j.known = record;
  settlePending(j.key, record);
  j.entries = record.entries;
  say(j.alert, '');
  say(j.status, t('journal.saved', { time: clock(new Date()) }));
  if (isNew) showHeading(j);
  renderTrends(j);
  if (!persistAsked) j.store.requestPersistence().catch(() => {}); // once: it may prompt
  persistAsked = true;
}

/** (Re)reads the record: at start, after an import or a deletion. */
async function load(j) {
  j.known = await j.store.read(j.key);
  j.entries = j.known?.entries || [];
  const stored = j.entries.find((e) => e.id === j.current.id);
  // Coming back the same day: carry on with today's entry. On a later day
  // the page opens on a new, empty one (stored once something is typed).
  const today = j.entries.filter((e) => sameDay(e.created, now()));
  if (stored) j.current = copy(stored);
  else if (!j.chosen && !j.unsaved && today.length) j.current = copy(lastWritten(today));
  j.since = j.chosen || j.entries.some((e) => e.id === j.current.id) ? null : [...j.entries].sort(byNewest)[0] || null;
  for (const p of j.prompts) {
    const value = j.current.answers[p.id]?.value || '';
    for (const f of p.fields) {
      if (p.type === 'scale') f.checked = f.value === value;
      else f.value = value;
    }
    p.box.classList.toggle('has-answer', !!value);
  }
  j.form.dataset.entry = j.current.id; // which entry is open, once its answers are in the fields
  render(j);
  await renderAlongside(j);
}

/** The line at the top: the open entry's date, or that it is new (and, back on a later day, since when). */
function showHeading(j) {
  const { heading, current, since } = j;
  if (!heading) return;
  const stored = j.entries.some((e) => e.id === current.id);
  heading.classList.toggle('is-dated', stored); // printed with the entry
  heading.classList.toggle('is-returning', !stored && !!since);
  if (stored) heading.replaceChildren(...tNodes('journal.entry_of', { date: timeEl(current.created) }));
  else if (since) {
    const label = t('journal.reopen_label', { date: formatDay(since.created) });
    const button = entryButton('reopen', since, label);
    heading.replaceChildren(...tNodes('journal.returning', { date: timeEl(since.created, formatDay) }), ' ', button);
  } else heading.replaceChildren(t('journal.new_entry'));
}

/** Under each scale question, its answers over time (two or more), this entry's included. */
function renderTrends(j) {
  const all = j.entries.filter((e) => e.id !== j.current.id).concat(j.current);
  for (const p of j.prompts.filter((q) => q.type === 'scale')) {
    p.trend?.remove();
    const points = scalePoints(all, p.id);
    p.trend = trendFigure({ prompt: p.text, low: p.low, high: p.high, points, level: 'p' });
    if (p.trend) p.box.append(p.trend);
  }
}

/** The earlier answers and entries: they change only when another entry opens. */
function render(j) {
  const others = j.entries.filter((e) => e.id !== j.current.id).sort(byNewest);
  showHeading(j);
  renderEarlierAnswers(j, others);
  renderTrends(j);
  renderEntryList(j, others);
}

/** Above each question, its answers in the `others` entries. */
function renderEarlierAnswers(j, others) {
  for (const p of j.prompts) {
    p.earlier?.remove();
    const items = others
      .filter((e) => e.answers[p.id]?.value)
      .map((e) =>
        el('li', {}, el('p', { className: 'journal-meta' }, timeEl(e.created)), el('p', { className: 'journal-answer' }, answerText(e.answers[p.id]))),
      );
    if (!items.length) continue;
    p.earlier = el('details', { className: 'journal-earlier', open: true }, el('summary', {}, t('journal.earlier')), el('ul', {}, ...items));
    (p.fields[0].closest('.journal-scale-options') || p.fields[0]).before(p.earlier);
  }
}

/** In the toolbar, the `others` entries, each with Reopen and Delete. */
function renderEntryList(j, others) {
  const items = others.map((e) => {
    const date = timeEl(e.created);
    const reopen = entryButton('reopen', e, t('journal.reopen'), t('journal.reopen_label', { date: date.textContent }));
    const remove = entryButton('delete-entry', e, t('journal.delete_one'), t('journal.delete_one_label', { date: date.textContent }));
    remove.setAttribute('aria-expanded', 'false');
    const words = el('p', { className: 'journal-entry-words' }, firstWords(e));
    const buttons = el('div', { className: 'journal-actions' }, reopen, remove);
    return el('li', { className: 'journal-entry' }, el('p', { className: 'journal-entry-date' }, date), words, buttons);
  });
  j.tools
    ?.querySelector('[data-journal-entries]')
    ?.replaceChildren(items.length ? el('ol', { className: 'journal-entry-list' }, ...items) : t('journal.no_entries'));
}

async function renderAlongside(j) {
  const { panel } = j;
  if (!panel) return;
  const record = await j.store.read(PREFIX + j.form.dataset.alongside);
  const entry = lastWritten((record?.entries || []).filter((e) => answered(e).length));
  panel.hidden = !entry;
  if (!entry) return;
  panel.querySelector('div').replaceChildren(
    el('p', { className: 'journal-meta' }, ...tNodes('journal.latest', { date: timeEl(entry.created) })),
    el('dl', {}, ...answered(entry).flatMap((a) => [el('dt', {}, a.prompt), el('dd', {}, answerText(a))])),
  );
}

function reopenEntry(j, id) {
  const entry = j.entries.find((e) => e.id === id);
  return entry && openEntry(j, copy(entry));
}

async function openEntry(j, entry) {
  if (!(await save(j))) return; // not stored: keep its text on screen
  j.current = entry;
  j.chosen = true;
  await load(j);
  j.heading?.focus();
}

/** Deletes one stored entry (after the patient confirmed it) and says so. */
async function deleteEntry(j, id) {
  const entry = j.entries.find((e) => e.id === id);
  if (!entry || !(await save(j))) return null;
  await enqueue(async () => {
    const record = await j.store.read(j.key);
    if (!record) return;
    record.entries = record.entries.filter((e) => e.id !== id);
    await j.store.write(j.key, record);
  });
  await load(j);
  return t('journal.deleted_one', { date: formatDate(entry.created) });
}

// Toolbar: export, import and delete cover every journal of the site.

async function allRecords(store) {
  await Promise.allSettled(journals.map((j) => j.save()).concat(queue));
  return (await store.list(PREFIX)).map((i) => i.record).filter((r) => r.kind === 'journal');
}

/** # My journal, ## collection, ### date, **question**, answer. */
function toMarkdown(records) {
  const lines = [`# ${t('journal.export_title')}`, ''];
  for (const record of records) {
    const list = record.entries.filter((e) => answered(e).length).sort(byNewest).reverse();
    if (list.length) lines.push(`## ${record.title}`, '');
    for (const entry of list) {
      lines.push(`### ${formatDate(entry.created)}`, '');
      for (const a of answered(entry)) lines.push(`**${a.prompt}**`, '', answerText(a), '');
    }
  }
  return lines.join('\n');
}

/**
 * Merges a backup: entries matched by id, never duplicated; per question
 * the later `updated` wins, so newer text here is never replaced.
 */
async function importBackup(store, file) {
  let data;
  try {
    data = JSON.parse(await file.text());
  } catch {
    // Not JSON: `data` stays undefined, which is answered as "not a backup" below.
  }
  if (data?.format === 'carebook-journal-locked') data = await (await import('./lock.js')).openBackup(data);
  if (typeof data === 'string') return data; // cancelled or damaged
  if (data?.format !== FORMAT || data.version !== 1 || !Array.isArray(data.records)) {
    return t('journal.not_a_backup');
  }
  await allRecords(store); // let pending saves land first
  let added = 0;
  let updated = 0;
  for (const r of data.records) {
    if (r?.kind !== 'journal' || typeof r.collection !== 'string' || !Array.isArray(r.entries)) continue;
    const key = PREFIX + r.collection;
    await enqueue(async () => {
      const record = (await store.read(key)) || { ...r, title: String(r.title || r.collection), entries: [] };
      const before = added + updated;
      for (const e of r.entries) {
        if (typeof e?.id !== 'string' || !e.answers) continue;
        // The file may have been edited: keep strings, skip __proto__.
        const answers = {};
        for (const [id, a] of Object.entries(e.answers)) {
          if (typeof a?.value === 'string' && id !== '__proto__') answers[id] = a;
        }
        const mine = record.entries.find((x) => x.id === e.id);
        if (!mine) {
          record.entries.push({ id: e.id, created: String(e.created), updated: String(e.updated), answers });
          added++;
          continue;
        }
        const newer = Object.entries(answers).filter(([id, a]) => time(a.updated) > time(mine.answers[id]?.updated));
        newer.forEach(([id, a]) => (mine.answers[id] = a));
        if (!newer.length) continue;
        updated++;
        if (time(e.updated) > time(mine.updated)) mine.updated = String(e.updated);
      }
      if (added + updated > before) await store.write(key, record);
    });
  }
  await Promise.all(journals.map((j) => j.load()));
  return added + updated
    ? tn('journal.restored', added, { updated })
    : t('journal.nothing_new');
}

/**
 * Asks, inline under the entry, whether to delete it, naming its date;
 * focus moves to "No, keep it". Only one question at a time.
 */
function askToDeleteEntry(tools, button) {
  closeEntryQuestion(tools, false);
  const item = button.closest('.journal-entry');
  const date = item.querySelector('time').textContent;
  const question = el('p', { id: 'cb-delete-entry-question' }, el('strong', {}, t('journal.delete_one_question', { date })), ' ', t('journal.delete_one_warning'));
  const entry = { id: button.dataset.entry };
  const yes = entryButton('delete-entry-yes', entry, t('journal.delete_one_yes'));
  const no = entryButton('delete-entry-no', entry, t('journal.delete_one_no'));
  yes.classList.add('journal-button-delete');
  const box = el('div', { className: 'journal-confirm', id: 'cb-delete-entry', role: 'group' }, question, el('div', { className: 'journal-actions' }, yes, no));
  box.setAttribute('aria-labelledby', question.id);
  item.append(box);
  button.setAttribute('aria-expanded', 'true');
  button.setAttribute('aria-controls', box.id);
  no.focus();
}

/** Removes the question; `back`: focus returns to its Delete button. */
function closeEntryQuestion(tools, back) {
  const box = tools.querySelector('#cb-delete-entry');
  if (!box) return;
  const button = box.closest('.journal-entry')?.querySelector('[data-action="delete-entry"]');
  box.remove();
  button?.setAttribute('aria-expanded', 'false');
  button?.removeAttribute('aria-controls');
  if (back) button?.focus();
}

function setUpTools(tools, journal, store) {
  const message = (name, text) => say(tools.querySelector(`[data-journal-message="${name}"]`), text);
  const confirmBox = tools.querySelector('[data-journal-confirm]');
  const deleteButton = tools.querySelector('[data-action="delete"]');
  const askToDelete = (ask) => {
    confirmBox.hidden = !ask;
    deleteButton.setAttribute('aria-expanded', ask);
    (ask ? confirmBox.querySelector('[data-action="delete-no"]') : deleteButton).focus();
  };
  const backup = async () => backupOf(await allRecords(store));
  const actions = {
    new: () => journal.startNew(),
    reopen: (button) => journal.reopen(button.dataset.entry),
    'export-md': async () => message('copy', download(toMarkdown(await allRecords(store)), 'text/markdown', 'md')),
    'export-json': async () => {
      message('copy', download(JSON.stringify(await backup(), null, 2), 'application/json', 'json'));
    },
    'delete-entry': (button) => askToDeleteEntry(tools, button),
    'delete-entry-no': () => closeEntryQuestion(tools, true),
    'delete-entry-yes': async (button) => {
      const said = await journal.deleteEntry(button.dataset.entry);
      if (!said) return;
      message('entries', said);
      tools.querySelector('#cb-journal-earlier')?.focus();
    },
    delete: () => askToDelete(true),
    'delete-no': () => askToDelete(false),
    'delete-yes': async () => {
      journals.forEach((j) => j.reset());
      dropPending(PREFIX);
      for (const { key } of await store.list(PREFIX)) await enqueue(() => store.remove(key));
      await Promise.all(journals.map((j) => j.load()));
      askToDelete(false);
      message('delete', t('journal.deleted'));
    },
  };
  tools.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    const action = actions[button?.dataset.action];
    if (!action) return;
    message('copy', '');
    message('delete', '');
    message('entries', '');
    Promise.resolve(action(button)).catch((err) => message('copy', describeError(err)));
  });
  // Escape answers "no" to the question it is in.
  tools.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    if (event.target.closest('#cb-delete-entry')) closeEntryQuestion(tools, true);
    else if (event.target.closest('[data-journal-confirm]')) askToDelete(false);
  });
  watchImport(tools, store, message);
  tools.hidden = false;
  startLock(tools, store, backup);
}

/** Merges a chosen backup file in (importBackup). */
function watchImport(tools, store, message) {
  const input = tools.querySelector('input[type="file"]');
  input?.addEventListener('change', async () => {
    if (!input.files[0]) return;
    message('copy', '');
    message('copy', await importBackup(store, input.files[0]).catch(describeError));
    input.value = ''; // so the same file can be chosen again
  });
}

/**
 * Loads the passphrase lock (lock.js) into the toolbar. Without the lock's
 * script (an old offline copy, a failed download) the journal works on,
 * only without the passphrase lock. data-lock says when that is settled
 * ("ready" or "failed"): a test that leaves the page earlier would cut the
 * import short (Firefox rejects it).
 */
function startLock(tools, store, backup) {
  import('./lock.js')
    .then((lock) => lock.setUpLock(tools, { store, backup, download, enqueue, flush: () => allRecords(store) }))
    .then(
      () => (tools.dataset.lock = 'ready'),
      (error) => {
        tools.dataset.lock = 'failed';
        console.error('carebook: the journal lock could not start.', error);
      },
    );
}

/** Sets up the journals under `root`; calling it twice is harmless. */
export async function initJournals(root = document) {
  const forms = [...root.querySelectorAll('form[data-journal]:not([data-journal-init])')];
  forms.forEach((form) => (form.dataset.journalInit = ''));
  const store = await openStore().catch((err) => err); // an Error: storage is blocked
  root.querySelectorAll('[data-journal-nojs]').forEach((n) => (n.hidden = true));
  const lock = store.read && (await store.read(LOCK).catch(() => 0));
  if (lock) await (await import('./lock.js')).unlock(store, lock, forms); // resolves once unlocked
  // Words typed just before an earlier page was left (WebKit), into the store before it is read.
  if (store.read) await mergePending(store, PREFIX);
  for (const form of forms) {
    const tools = root.querySelector(`[data-journal-tools="${CSS.escape(form.dataset.journal)}"]`);
    const journal = setUpJournal(form, store, tools);
    if (!journal) continue;
    journals.push(journal);
    await journal.load();
    if (tools && !tools.dataset.journalInit) {
      tools.dataset.journalInit = '';
      setUpTools(tools, journal, store);
    }
  }
}

// On a phone, hiding the page is often the last moment before it is closed.
const saveAll = () => journals.forEach((j) => j.save(true));
addEventListener('pagehide', saveAll);
document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && saveAll());
// Back from the back-forward cache: other pages may have written.
addEventListener('pageshow', (event) => event.persisted && journals.forEach((j) => j.load()));
