// storage.js: the on-device store shared by journal.js, checklist.js and lock.js.
//
// No network. Records live in IndexedDB, one database per site, each with
// `schema` and `savedAt`; a new release may migrate them, never clear them.
// API: docs/interactive-pages.md (only add to it). Errors keep the browser's
// `name` (QuotaExceededError) for the patient. Without IndexedDB, the same
// API over localStorage. Pending copies (end of this file) keep what was
// typed just before the page was left, which WebKit's IndexedDB would drop.

/** Shape of the records written by this file; bump it and add a step to migrateRecord. */
export const SCHEMA_VERSION = 1;

/** Version of the IndexedDB database (its object stores); see upgradeDatabase. */
export const DB_VERSION = 1;

const RECORDS = 'records';

/** The database name for this site: "carebook:" + base path (from <body data-base-path>). */
export function databaseName() {
  const basePath = globalThis.document?.body?.dataset.basePath || '/';
  return `carebook:${basePath}`;
}

// One store per page, shared by every module that calls openStore().
let storePromise = null;
// navigator.storage.persist() is asked at most once per page load.
let persistencePromise = null;

/** Opens the site's store (IndexedDB, or localStorage when IndexedDB is unusable). */
export function openStore() {
  if (!storePromise) {
    storePromise = createStore().catch((err) => {
      // Let a later call try again (e.g. after the patient frees some space).
      storePromise = null;
      throw err;
    });
  }
  return storePromise;
}

async function createStore() {
  const name = databaseName();
  let idbError = null;
  const factory = indexedDBFactory();
  if (factory) {
    try {
      return await indexedDBStore(factory, name);
    } catch (err) {
      idbError = err;
    }
  }
  try {
    return localStorageStore(name);
  } catch (err) {
    // Neither works (storage blocked entirely): report the IndexedDB reason if there was one.
    throw idbError || err;
  }
}

// Reading `indexedDB` itself throws a SecurityError in some browsers when
// site data is blocked (Firefox with cookies disabled).
function indexedDBFactory() {
  try {
    return globalThis.indexedDB || null;
  } catch {
    return null;
  }
}

// Records

/** Brings a record written by an older release up to SCHEMA_VERSION (lock.js: also inside sealed records). */
export function migrateRecord(record) {
  if (!record || typeof record !== 'object') return undefined;
  const migrated = { ...record };
  // Records from before schemas existed are schema 1.
  if (!Number.isInteger(migrated.schema)) migrated.schema = 1;
  // One step per version (`if (migrated.schema === 1) {...; migrated.schema = 2;}`), each
  // with a fixture in tests/browser/fixtures/. A newer release's record is returned as it is.
  return migrated;
}

/** The record as it is stored: a plain copy with the schema version and time of saving. */
function stamp(record) {
  if (!record || typeof record !== 'object' || Array.isArray(record)) {
    throw new TypeError('store.write expects a plain object');
  }
  return { ...record, schema: SCHEMA_VERSION, savedAt: new Date().toISOString() };
}

function checkKey(key) {
  if (typeof key !== 'string' || key === '') throw new TypeError('storage keys are non-empty strings');
}

/** An Error with the browser's error name (Firefox said NS_ERROR_DOM_QUOTA_REACHED for quota). */
function keepName(err) {
  if (err instanceof Error && !(globalThis.DOMException && err instanceof DOMException)) return err;
  let name = (err && err.name) || 'UnknownError';
  if (name === 'NS_ERROR_DOM_QUOTA_REACHED' || (err && err.code === 22)) name = 'QuotaExceededError';
  const error = new Error((err && err.message) || name, { cause: err });
  error.name = name;
  return error;
}

function persistence() {
  if (!persistencePromise) {
    persistencePromise = (async () => {
      const storage = globalThis.navigator?.storage;
      if (!storage || typeof storage.persist !== 'function') return false;
      try {
        // Firefox asks the patient on persist(): skip the question when already granted.
        if (typeof storage.persisted === 'function' && (await storage.persisted())) return true;
        return await storage.persist();
      } catch {
        return false;
      }
    })();
  }
  return persistencePromise;
}

// IndexedDB

/**
 * Creates or upgrades the database. Each step takes it from version n - 1 to
 * n and must keep existing records: a new site version never clears them.
 */
function upgradeDatabase(db, oldVersion /* , transaction */) {
  if (oldVersion < 1) db.createObjectStore(RECORDS);
  // if (oldVersion < 2) { const records = transaction.objectStore(RECORDS); ... }
}

function openDatabase(factory, name) {
  return new Promise((resolve, reject) => {
    let request;
    try {
      request = factory.open(name, DB_VERSION);
    } catch (err) {
      reject(keepName(err));
      return;
    }
    request.onupgradeneeded = (event) => upgradeDatabase(request.result, event.oldVersion, request.transaction);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(keepName(request.error));
    // Blocked by an older version open in another tab: it closes on `versionchange`.
  });
}

/** The database connection, opened on first use and again once closed. */
function databaseConnection(factory, name) {
  let db = null;
  return {
    async get() {
      if (db) return db;
      const opened = await openDatabase(factory, name);
      // A newer release in another tab wants to upgrade: step aside, and
      // reconnect (to the new version) on the next call.
      opened.onversionchange = () => {
        opened.close();
        if (db === opened) db = null;
      };
      // The browser closed it (site data cleared, Safari's connection loss).
      opened.onclose = () => {
        if (db === opened) db = null;
      };
      db = opened;
      return db;
    },
    drop() {
      db = null;
    },
  };
}

/**
 * Runs `work(objectStore)` in one transaction and resolves with the value
 * of the request it returns once the transaction has completed, so a
 * resolved write is on disk. Quota errors arrive as the transaction's error.
 */
async function runTransaction(connection, mode, work, retried = false) {
  const database = await connection.get();
  let transaction;
  try {
    transaction = database.transaction(RECORDS, mode);
  } catch (err) {
    // InvalidStateError: the connection was closing; open a new one once.
    if (!retried && err && err.name === 'InvalidStateError') {
      connection.drop();
      return runTransaction(connection, mode, work, true);
    }
    throw keepName(err);
  }
  return new Promise((resolve, reject) => {
    let request;
    try {
      request = work(transaction.objectStore(RECORDS));
    } catch (err) {
      reject(keepName(err));
      return;
    }
    transaction.oncomplete = () => resolve(request ? request.result : undefined);
    // A failed request aborts its transaction (no preventDefault: a write
    // is all or nothing), so every failure, quota included, ends up here.
    transaction.onabort = () => reject(keepName(transaction.error || (request && request.error)));
  });
}

async function indexedDBStore(factory, name) {
  const connection = databaseConnection(factory, name);
  const run = (mode, work) => runTransaction(connection, mode, work);

  // Opening here makes openStore fail (and fall back) when IndexedDB is unusable.
  await connection.get();

  return {
    backend: 'indexeddb',
    async read(key) {
      checkKey(key);
      return migrateRecord(await run('readonly', (records) => records.get(key)));
    },
    async write(key, record) {
      checkKey(key);
      const stored = stamp(record);
      await run('readwrite', (records) => {
        const request = records.put(stored, key);
        // Commit now rather than when the task ends: the page may be closing (pagehide).
        records.transaction.commit?.();
        return request;
      });
      return stored;
    },
    async update(key, change) {
      checkKey(key);
      return updateInDatabase(run, key, change);
    },
    async remove(key) {
      checkKey(key);
      await run('readwrite', (records) => records.delete(key));
    },
    list: (prefix = '') => listDatabase(run, prefix),
    requestPersistence: persistence,
  };
}

/** update(): read, change and write in one transaction. */
async function updateInDatabase(run, key, change) {
  let stored;
  let failure = null;
  try {
    await run('readwrite', (records) => {
      const current = records.get(key);
      // Still inside the transaction: the put joins it, so read and write are one step.
      current.onsuccess = () => {
        try {
          stored = stamp(change(migrateRecord(current.result)));
          records.put(stored, key);
        } catch (err) {
          failure = keepName(err);
          current.transaction.abort();
        }
      };
      return null;
    });
  } catch (err) {
    throw failure || err; // the caller's own error rather than "AbortError"
  }
  return stored;
}

/** list(): `{ key, record }` of every key starting with `prefix`. */
async function listDatabase(run, prefix) {
  const entries = [];
  // "\uffff" is the highest UTF-16 code unit: the range holds every key starting with prefix.
  const range = prefix ? IDBKeyRange.bound(prefix, `${prefix}\uffff`) : undefined;
  await run('readonly', (records) => {
    const cursor = records.openCursor(range);
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      const record = migrateRecord(at.value);
      if (record) entries.push({ key: at.key, record });
      at.continue();
    };
    return null;
  });
  return entries; // IndexedDB walks keys in order
}

// localStorage fallback

/** A stored record, or undefined. */
function parseStored(text) {
  if (text == null) return undefined;
  try {
    return migrateRecord(JSON.parse(text));
  } catch {
    return undefined; // unreadable: treat as missing rather than break the page
  }
}

/** `fn()` as a promise. */
function guard(fn) {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(keepName(err));
  }
}

function localStorageStore(name) {
  // Throws a SecurityError when site data is blocked: openStore reports it.
  const storage = globalThis.localStorage;
  if (!storage) throw keepName({ name: 'NotSupportedError', message: 'this browser has no storage for this site' });
  // Every key of this site starts with the database name, so sites on one host keep apart.
  const prefixOf = `${name}|`;

  return {
    backend: 'localstorage',
    read(key) {
      return guard(() => {
        checkKey(key);
        return parseStored(storage.getItem(prefixOf + key));
      });
    },
    write(key, record) {
      return guard(() => {
        checkKey(key);
        const stored = stamp(record);
        storage.setItem(prefixOf + key, JSON.stringify(stored));
        return stored;
      });
    },
    update(key, change) {
      return guard(() => {
        checkKey(key);
        // localStorage is synchronous: nothing can run between this read and write.
        const stored = stamp(change(parseStored(storage.getItem(prefixOf + key))));
        storage.setItem(prefixOf + key, JSON.stringify(stored));
        return stored;
      });
    },
    remove(key) {
      return guard(() => {
        checkKey(key);
        storage.removeItem(prefixOf + key);
      });
    },
    list(prefix = '') {
      return guard(() => {
        const entries = [];
        for (let i = 0; i < storage.length; i += 1) {
          const full = storage.key(i);
          if (!full || !full.startsWith(prefixOf + prefix)) continue;
          const record = parseStored(storage.getItem(full));
          if (record) entries.push({ key: full.slice(prefixOf.length), record });
        }
        // Code-unit order, as IndexedDB sorts string keys.
        return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      });
    },
    requestPersistence: persistence,
  };
}

// Pending copies (docs/interactive-pages.md, "Nothing typed is lost"):
// WebKit drops an IndexedDB write started as the page is left, so
// journal.js also stages each edit here, in localStorage (synchronous; one
// copy per page load, sealed by lock.js while locked). A landed save removes
// the copy; the next load merges what is left (later `updated` wins).

const PENDING = '#pending|';
const PAGE_ID = Math.random().toString(36).slice(2, 10);
const pendingPrefix = (prefix = '') => `${databaseName()}${PENDING}${prefix}`;
const ownCopy = (key) => `${pendingPrefix(key)}|${PAGE_ID}`;
const parseTime = (iso) => Date.parse(iso) || 0;

/** { seal(label, text) -> Promise<sealed>, open(label, sealed) -> Promise<text> } while locked (lock.js). */
let sealer = null;
/** This page's staged copies: key -> { record, generation, settled }. */
const staged = new Map();

function pendingStorage() {
  try {
    return globalThis.localStorage || null;
  } catch {
    return null; // site data blocked
  }
}

/** `pending`'s entries merged into `stored` (not modified): per answer the later `updated` wins. -> { record, changed } */
export function mergeJournal(stored, pending) {
  const record = stored
    ? { ...stored, entries: (stored.entries || []).map((e) => ({ ...e, answers: { ...e.answers } })) }
    : { kind: 'journal', collection: pending?.collection, title: pending?.title, entries: [] };
  let changed = false;
  for (const entry of pending?.entries || []) {
    if (typeof entry?.id !== 'string' || !entry.answers || typeof entry.answers !== 'object') continue;
    const mine = record.entries.find((e) => e.id === entry.id);
    if (!mine) {
      record.entries.push({ ...entry, answers: { ...entry.answers } });
      changed = true;
      continue;
    }
    for (const [id, answer] of Object.entries(entry.answers)) {
      if (id === '__proto__' || typeof answer?.value !== 'string') continue;
      if (parseTime(answer.updated) <= parseTime(mine.answers[id]?.updated)) continue;
      mine.answers[id] = answer;
      if (parseTime(answer.updated) > parseTime(mine.updated)) mine.updated = answer.updated;
      changed = true;
    }
  }
  return { record, changed };
}

/** Keeps a copy of `record` (the entries being written) until settlePending: at once, or sealed while locked. */
export function stagePending(key, record) {
  const storage = pendingStorage();
  if (!storage) return;
  const entry = staged.get(key) || { generation: 0 };
  entry.generation += 1;
  entry.record = record;
  entry.settled = false;
  staged.set(key, entry);
  const put = (copy) => {
    try {
      storage.setItem(ownCopy(key), JSON.stringify({ schema: SCHEMA_VERSION, savedAt: new Date().toISOString(), ...copy }));
      entry.plain = !!copy.record;
    } catch {
      // Full: the IndexedDB save still comes, and says so if it fails too.
    }
  };
  if (!sealer) {
    put({ record });
    return;
  }
  // Locked since the last edit: no plain copy stays while the sealed one is made.
  if (entry.plain) settlePending(key, null, true);
  const { generation } = entry;
  const seal = sealer;
  seal.seal(`pending:${key}`, JSON.stringify(record)).then(
    (sealed) => {
      // Not if newer words were staged meanwhile, or a save already holds them.
      if (entry.generation === generation && !entry.settled && sealer === seal) put({ sealed });
    },
    () => {},
  );
}

/** A save of `record` under `key` has landed: this page's copy goes if the record holds all of it. */
export function settlePending(key, record, force = false) {
  const entry = staged.get(key);
  if (!entry || (!force && (entry.settled || mergeJournal(record, entry.record).changed))) return;
  if (!force) entry.settled = true;
  entry.plain = false;
  try {
    pendingStorage()?.removeItem(ownCopy(key));
  } catch {
    // Nothing to remove, or storage gone: the next load's merge changes nothing.
  }
}

/** Removes every pending copy whose key starts with `prefix`, of every page (journal deleted). */
export function dropPending(prefix = '') {
  for (const entry of staged.values()) entry.settled = true;
  const storage = pendingStorage();
  if (!storage) return;
  try {
    for (const name of Object.keys(storage)) if (name.startsWith(pendingPrefix(prefix))) storage.removeItem(name);
  } catch {
    // Storage gone: nothing left to remove.
  }
}

/**
 * Merges the copies earlier pages left into `store`, removing each (unless
 * changed meanwhile). Sealed ones wait for a sealer; one it cannot open (an
 * old lock) goes. On failure a copy stays for the next load.
 */
export async function mergePending(store, prefix = '') {
  const storage = pendingStorage();
  if (!storage) return;
  let names;
  try {
    names = Object.keys(storage).filter((name) => name.startsWith(pendingPrefix(prefix)) && !name.endsWith(`|${PAGE_ID}`));
  } catch {
    return;
  }
  for (const name of names) {
    try {
      const text = storage.getItem(name);
      const key = name.slice(pendingPrefix().length, name.lastIndexOf('|'));
      const copy = text ? JSON.parse(text) : null;
      let record = copy?.record;
      if (copy?.sealed) {
        if (!sealer) continue;
        record = await sealer.open(`pending:${key}`, copy.sealed).then(JSON.parse, () => null);
      }
      if (record) {
        const merged = mergeJournal(await store.read(key), record);
        if (merged.changed) await store.write(key, merged.record);
      }
      if (storage.getItem(name) === text) storage.removeItem(name);
    } catch {
      // Left for the next load.
    }
  }
}

/** lock.js: seal copies with `next` from now on (null: plain again); this page's copy is redone. */
export function setPendingSealer(next) {
  sealer = next;
  for (const [key, entry] of staged) if (!entry.settled) stagePending(key, entry.record);
}
