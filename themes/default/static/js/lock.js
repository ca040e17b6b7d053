// lock.js: the journal lock (docs/interactive-pages.md, "Journal lock").
//
// Loaded by journal.js (dynamic import) on journal pages only. A patient may
// protect every journal of this site on this device with a passphrase:
// - the key: PBKDF2-SHA256 over the passphrase (NFC) and a random 16-byte
//   salt, ITERATIONS rounds (stored with the salt, so a later release can
//   raise it), giving a non-extractable AES-GCM 256 CryptoKey;
// - each journal record is stored as { kind: 'journal', sealed: { iv, data } }:
//   AES-GCM with a fresh 12-byte IV per write, the record's key as
//   additional data (a record cannot be passed off as another);
// - the lock record ("lock:journal") holds the salt, the iterations and an
//   encrypted known token, so a wrong passphrase is told apart cleanly.
// The key lives in this page's memory only, until the page is left: every
// page load asks again. The passphrase and the key bytes are never stored.
// Checklist ticks are not locked: they hold only the clinic's own item
// labels, never words the patient typed, and a tick should stay one tap.
//
// While unlocked, the page's store (storage.js) is wrapped in place: reads
// of "journal:" keys decrypt, writes encrypt. Other keys pass through.

import { dropPending, migrateRecord, setPendingSealer } from './storage.js';
import { t } from './text.js';

// Every string this script writes, from the theme's i18n files ([js.lock]);
// the rest is in templates/prompts.html and partials/prompts.html ([lock]).
const TEXT = {
  wrong: t('lock.wrong'),
  empty: t('lock.empty'),
  short: t('lock.short'),
  differ: t('lock.differ'),
  working: t('lock.working'),
  locked: t('lock.locked'),
  removed: t('lock.removed'),
  failed: (err) => t(err?.name === 'QuotaExceededError' ? 'lock.failed_quota' : 'lock.failed'),
  deleted: t('lock.deleted'),
  damaged: t('lock.damaged'),
  cancelled: t('lock.cancelled'),
};

export const LOCK_KEY = 'lock:journal';
/** PBKDF2 rounds for a new lock; stored with it, so it can rise in a later release. */
export const ITERATIONS = 600000;
export const LOCKED_FORMAT = 'carebook-journal-locked';
const CHECK = 'carebook journal lock';
const MIN_LENGTH = 8;
const PREFIX = 'journal:';

const encoder = new TextEncoder();

// Base64 by bytes: spreading a large array into String.fromCharCode overflows the stack.
const toBase64 = (buffer) => {
  let text = '';
  for (const byte of new Uint8Array(buffer)) text += String.fromCharCode(byte);
  return btoa(text);
};
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/** The AES-GCM key for a passphrase (NFC, so the same words typed on another keyboard match). */
async function deriveKey(passphrase, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', encoder.encode(passphrase.normalize('NFC')), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false, // not extractable: the key bytes never reach script
    ['encrypt', 'decrypt'],
  );
}

async function encrypt(key, text, label) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(label) }, key, encoder.encode(text));
  return { iv: toBase64(iv), data: toBase64(data) };
}

/** Rejects (OperationError) for a wrong key or altered data. */
async function decrypt(key, sealed, label) {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64(sealed.iv), additionalData: encoder.encode(label) },
    key,
    fromBase64(sealed.data),
  );
  return new TextDecoder().decode(plain);
}

/** The key if `passphrase` opens `lock`, else null. Never throws for a wrong passphrase. */
async function tryPassphrase(lock, passphrase) {
  try {
    const key = await deriveKey(passphrase, fromBase64(lock.salt), lock.iterations);
    return (await decrypt(key, lock.check, LOCK_KEY)) === CHECK ? key : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------
// The store, wrapped while unlocked

/** The store's own methods, while it is wrapped. */
const own = new WeakMap();
/** The key and lock record of the unlocked journal (null: not locked, or still locked). */
let current = null;

const isJournal = (key) => key.startsWith(PREFIX);

// Back to this page from the back/forward cache (someone pressed Back after
// the patient left): forget the key and ask again, as on any page load.
addEventListener('pageshow', (event) => event.persisted && current && location.reload());

function wrap(store, key) {
  if (!own.has(store)) own.set(store, { read: store.read, write: store.write, list: store.list, update: store.update });
  const plain = own.get(store);
  // A record written before the lock (or by a tab that had not seen it) is read as it is; the next write seals it.
  const open = async (name, record) =>
    record?.sealed ? { ...migrateRecord(JSON.parse(await decrypt(key, record.sealed, name))), savedAt: record.savedAt } : record;
  const seal = async (name, record) => ({ kind: 'journal', sealed: await encrypt(key, JSON.stringify(record), name) });
  Object.assign(store, {
    read: async (name) => (isJournal(name) ? open(name, await plain.read(name)) : plain.read(name)),
    write: async (name, record) => (isJournal(name) ? plain.write(name, await seal(name, record)) : plain.write(name, record)),
    list: async (prefix) =>
      Promise.all((await plain.list(prefix)).map(async (i) => ({ key: i.key, record: isJournal(i.key) ? await open(i.key, i.record) : i.record }))),
    // Encryption is asynchronous, so it cannot run inside an IndexedDB
    // transaction: journal.js runs its writes one at a time instead.
    update: async (name, change) => (isJournal(name) ? store.write(name, change(await store.read(name))) : plain.update(name, change)),
  });
  // Copies of words not yet saved (storage.js, "Pending copies") are sealed too, never plain.
  setPendingSealer({ seal: (label, text) => encrypt(key, text, label), open: (label, sealed) => decrypt(key, sealed, label) });
}

function unwrap(store) {
  if (own.has(store)) Object.assign(store, own.get(store));
  own.delete(store);
  setPendingSealer(null);
}

/** Seals any journal record still stored in plain text (an interrupted lock, another tab). */
async function sealPlainRecords(store) {
  for (const { key, record } of await own.get(store).list(PREFIX)) {
    if (!record.sealed) await store.write(key, record);
  }
}

// ---------------------------------------------------------------------------
// Small DOM helpers

const say = (node, text) => node && node.textContent !== text && (node.textContent = text);

/** A "Show passphrase" checkbox switches the password fields of its form to text and back. */
function wireShow(form) {
  const show = form.querySelector('[data-lock-show]');
  show?.addEventListener('change', () => {
    for (const field of form.querySelectorAll('[data-lock-pass]')) field.type = show.checked ? 'text' : 'password';
  });
}

// ---------------------------------------------------------------------------
// Unlocking

/**
 * The page is locked: hides the journal forms, shows the unlock form beside
 * each, and resolves once the right passphrase is given (the store is then
 * wrapped). A wrong passphrase is said in the form's alert, nothing thrown.
 */
export function unlock(store, lock, forms) {
  const unlockForms = [...document.querySelectorAll('form[data-journal-unlock]')];
  forms.forEach((form) => (form.hidden = true));
  return new Promise((resolve) => {
    for (const box of unlockForms) {
      box.hidden = false;
      wireShow(box);
      wireForgotten(box, store);
      const field = box.querySelector('[data-lock-pass]');
      const alert = box.querySelector('[data-lock-message]');
      box.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!field.value) return say(alert, TEXT.empty);
        say(alert, '');
        box.setAttribute('aria-busy', 'true');
        const key = await tryPassphrase(lock, field.value);
        box.removeAttribute('aria-busy');
        if (!key) {
          say(alert, TEXT.wrong);
          field.select();
          return;
        }
        wrap(store, key);
        current = { key, lock };
        await sealPlainRecords(store).catch(() => {}); // tried again at the next unlock
        unlockForms.forEach((f) => f.remove()); // the passphrase leaves the page with its field
        forms.forEach((form) => (form.hidden = false));
        resolve();
      });
    }
  });
}

/** "Forgot your passphrase?": delete the locked journal, after an inline confirmation. */
function wireForgotten(box, store) {
  const ask = box.querySelector('[data-action="forgot-delete"]');
  const confirm = box.querySelector('[data-lock-confirm]');
  if (!ask || !confirm) return;
  ask.addEventListener('click', () => {
    confirm.hidden = false;
    ask.setAttribute('aria-expanded', 'true');
    confirm.querySelector('[data-action="forgot-no"]').focus();
  });
  confirm.querySelector('[data-action="forgot-no"]').addEventListener('click', () => {
    confirm.hidden = true;
    ask.setAttribute('aria-expanded', 'false');
    ask.focus();
  });
  confirm.querySelector('[data-action="forgot-yes"]').addEventListener('click', async () => {
    const alert = box.querySelector('[data-lock-message]');
    try {
      for (const { key } of await store.list(PREFIX)) await store.remove(key);
      dropPending(PREFIX);
      await store.remove(LOCK_KEY);
      say(alert, TEXT.deleted);
      location.reload();
    } catch (err) {
      say(alert, TEXT.failed(err));
    }
  });
}

// ---------------------------------------------------------------------------
// Settings in the journal toolbar: lock, remove the lock, locked backup

/**
 * Wires the "Lock your journal" part of the toolbar. `journal` comes from
 * journal.js: { store, flush(), enqueue(task), backup(), download(text, type, extension) }.
 */
export async function setUpLock(tools, journal) {
  const { store } = journal;
  const off = tools.querySelector('[data-lock-off]');
  const on = tools.querySelector('[data-lock-on]');
  const form = tools.querySelector('form[data-lock-form]');
  const message = tools.querySelector('[data-journal-message="lock"]');
  if (!off || !on || !form) return;
  const show = () => {
    off.hidden = !!current;
    on.hidden = !current;
  };
  // A lock set in another tab since this page opened: this page is not unlocked.
  if (!current && (await store.read(LOCK_KEY).catch(() => null))) return;
  wireShow(form);
  show();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const [first, again] = form.querySelectorAll('[data-lock-pass]');
    const problem = first.value.length < MIN_LENGTH ? TEXT.short : first.value !== again.value ? TEXT.differ : '';
    if (problem) {
      say(message, problem);
      (problem === TEXT.short ? first : again).focus();
      return;
    }
    say(message, TEXT.working);
    try {
      await lockJournal(journal, first.value);
      form.reset();
      form.querySelectorAll('[data-lock-pass]').forEach((f) => (f.type = 'password'));
      show();
      say(message, TEXT.locked);
      on.querySelector('button')?.focus();
    } catch (err) {
      show();
      say(message, TEXT.failed(err));
    }
  });

  tools.addEventListener('click', async (event) => {
    const action = event.target.closest('button[data-action]')?.dataset.action;
    try {
      if (action === 'lock-remove') {
        await removeLock(journal);
        show();
        say(message, TEXT.removed);
        off.querySelector('[data-lock-pass]')?.focus();
      } else if (action === 'export-locked') {
        say(message, journal.download(JSON.stringify(await lockedBackup(journal), null, 2), 'application/json', 'locked.json'));
      } else if (action === 'lock-now') {
        location.reload(); // the key lives in this page only: a new page asks for the passphrase
      }
    } catch (err) {
      say(message, TEXT.failed(err));
    }
  });
}

async function lockJournal(journal, passphrase) {
  const { store } = journal;
  await journal.flush(); // what waits to be saved is stored first, then sealed with the rest
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await deriveKey(passphrase, salt, ITERATIONS);
  const lock = { kind: 'lock', kdf: 'PBKDF2-SHA256', iterations: ITERATIONS, salt: toBase64(salt), check: await encrypt(key, CHECK, LOCK_KEY) };
  await journal.enqueue(async () => {
    // The lock record first: if the sealing below stops (no space), the next
    // unlock seals what is left, and nothing is lost or left unreadable.
    await store.write(LOCK_KEY, lock);
    wrap(store, key);
    current = { key, lock };
    await sealPlainRecords(store);
  });
}

async function removeLock(journal) {
  const { store } = journal;
  await journal.flush();
  await journal.enqueue(async () => {
    const records = await store.list(PREFIX); // decrypted
    unwrap(store);
    try {
      for (const { key, record } of records) await store.write(key, record);
      await store.remove(LOCK_KEY);
    } catch (err) {
      wrap(store, current.key); // still locked: later writes stay encrypted
      throw err;
    }
    current = null;
  });
}

// ---------------------------------------------------------------------------
// Locked backups: the plain backup (journal.js), encrypted with the journal's key

async function lockedBackup(journal) {
  const { lock, key } = current;
  const plain = await journal.backup();
  return {
    format: LOCKED_FORMAT,
    version: 1,
    exported: plain.exported,
    kdf: lock.kdf,
    iterations: lock.iterations,
    salt: lock.salt,
    ...(await encrypt(key, JSON.stringify(plain), LOCKED_FORMAT)),
  };
}

/**
 * The plain backup inside a locked backup file, for journal.js's import:
 * with the key of this page when it is the same lock, else after asking for
 * the passphrase in the toolbar's [data-backup-unlock] form. Resolves to the
 * plain backup, or to a message for the patient (damaged file, cancelled).
 */
export async function openBackup(data) {
  if (typeof data.salt !== 'string' || !Number.isInteger(data.iterations) || typeof data.iv !== 'string') return TEXT.damaged;
  const opened = (key) => decrypt(key, data, LOCKED_FORMAT).then(JSON.parse, () => undefined);
  if (current && current.lock.salt === data.salt) return (await opened(current.key)) || TEXT.damaged;
  const box = document.querySelector('form[data-backup-unlock]');
  if (!box) return TEXT.damaged;
  const field = box.querySelector('[data-lock-pass]');
  const alert = box.querySelector('[data-lock-message]');
  box.hidden = false;
  wireShow(box);
  field.focus();
  return new Promise((resolve) => {
    const done = (value) => {
      box.hidden = true;
      box.reset();
      say(alert, '');
      box.onsubmit = null;
      resolve(value);
    };
    box.onsubmit = async (event) => {
      event.preventDefault();
      if (!field.value) return say(alert, TEXT.empty);
      const key = await deriveKey(field.value, fromBase64(data.salt), data.iterations).catch(() => null);
      const plain = key && (await opened(key));
      if (plain) done(plain);
      else {
        say(alert, TEXT.wrong);
        field.select();
      }
    };
    box.querySelector('[data-action="backup-cancel"]').onclick = () => done(TEXT.cancelled);
  });
}
