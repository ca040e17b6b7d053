// Helpers for the journal lock and storage tests (lock.test.mjs,
// storage.test.mjs): what a patient does with the lock, and a look at the
// bytes IndexedDB really holds (read directly, not through storage.js, which
// lock.js wraps to decrypt).

import assert from 'node:assert/strict';

/** Every record of the site's database as `{ key: value }`, read straight from IndexedDB. */
export function rawRecords(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const name = `carebook:${document.body.dataset.basePath || '/'}`;
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('records')) {
            db.close();
            resolve({});
            return;
          }
          const store = db.transaction('records').objectStore('records');
          const [keys, values] = [store.getAllKeys(), store.getAll()];
          values.onsuccess = () => {
            db.close();
            resolve(Object.fromEntries(keys.result.map((k, i) => [k, values.result[i]])));
          };
          values.onerror = () => reject(values.error);
        };
      }),
  );
}

/**
 * Writes records straight into the site's database (creating it at `dbVersion`
 * with the stores of that version), as an earlier release would have left them.
 * Open a page of the site without a journal first, so nothing holds it open.
 */
export function seedRecords(page, records, dbVersion = 1) {
  return page.evaluate(
    ({ records, dbVersion }) =>
      new Promise((resolve, reject) => {
        const name = `carebook:${document.body.dataset.basePath || '/'}`;
        const open = indexedDB.open(name, dbVersion);
        open.onupgradeneeded = () => {
          if (!open.result.objectStoreNames.contains('records')) open.result.createObjectStore('records');
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction('records', 'readwrite');
          for (const [key, value] of Object.entries(records)) tx.objectStore('records').put(value, key);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { records, dbVersion },
  );
}

/** Sets a passphrase in the toolbar's "Lock your journal" form and waits until the journal is locked. */
export async function setLock(page, passphrase, again = passphrase) {
  await page.locator('[data-lock-off]').waitFor();
  await page.fill('#cb-lock-new', passphrase);
  await page.fill('#cb-lock-again', again);
  await page.click('form[data-lock-form] button');
  if (again !== passphrase) return;
  await page.locator('[data-journal-message="lock"]').filter({ hasText: 'Your journal is locked' }).waitFor({ timeout: 20000 });
}

/** Opens a journal page that is locked and waits for its unlock form. */
export async function openLocked(page, url) {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
  await page.locator('form[data-journal-unlock]').first().waitFor({ state: 'visible' });
}

/** Types the passphrase (keyboard only) and presses Enter. */
export async function typePassphrase(page, passphrase) {
  await page.focus('form[data-journal-unlock] [data-lock-pass]');
  await page.keyboard.insertText(passphrase); // as a paste or a password manager would
  await page.keyboard.press('Enter');
}

/** True if any stored value, as JSON, contains `text`. */
export async function storageContains(page, text) {
  return JSON.stringify(await rawRecords(page)).includes(JSON.stringify(text).slice(1, -1));
}
