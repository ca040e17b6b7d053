// Helpers for the offline tests (offline.test.mjs), on top of harness.mjs.
//
// - copySite(root): a throwaway copy of a site's sources, to edit and rebuild;
// - waitForControl(page): the service worker is installed, active and
//   controls the page (the whole site is then saved);
// - carebookCaches(page), journalRecord(page, key): what the browser keeps.

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** What a site is made of; anything else (public/, target/, node_modules/) is not copied. */
const SITE_ENTRIES = ['site.toml', 'content', 'static', 'templates', 'themes', 'i18n'];

/**
 * Copies a site's sources into a new temp dir: `{ root, cleanup }`.
 * The copy builds exactly like the original and can be edited freely.
 */
export async function copySite(source) {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'carebook-offline-'));
  const root = path.join(tmp, 'site');
  await fs.mkdir(root);
  for (const entry of SITE_ENTRIES) {
    const from = path.join(source, entry);
    try {
      await fs.access(from);
    } catch {
      continue;
    }
    await fs.cp(from, path.join(root, entry), { recursive: true });
  }
  return { root, tmp, cleanup: () => fs.rm(tmp, { recursive: true, force: true }) };
}

/**
 * Waits until the service worker is active (so the whole precache is
 * stored: `ready` resolves only after a successful install) and controls
 * the page. Returns the active worker's script URL.
 */
export async function waitForControl(page, { timeout = 30_000 } = {}) {
  const scriptURL = await page.evaluate(
    (ms) =>
      Promise.race([
        navigator.serviceWorker.ready.then((r) => r.active.scriptURL),
        new Promise((_, reject) => setTimeout(() => reject(new Error(`no active service worker after ${ms} ms`)), ms)),
      ]),
    timeout,
  );
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout });
  return scriptURL;
}

/** The names of the Cache Storage caches that carebook made, sorted. */
export function carebookCaches(page) {
  return page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith('carebook-')).sort());
}

/** The URLs stored in one cache, as paths, sorted. */
export function cachedPaths(page, cacheName) {
  return page.evaluate(async (name) => {
    const cache = await caches.open(name);
    return (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
  }, cacheName);
}

/** A record of the on-device store, read through the site's own js/storage.js. */
export function journalRecord(page, basePath, key) {
  return page.evaluate(
    async ({ base, key }) => {
      const { openStore } = await import(`${base}js/storage.js`);
      const store = await openStore();
      return (await store.read(key)) ?? null;
    },
    { base: basePath, key },
  );
}

/** Polls `fn` until it returns a truthy value; returns that value. */
export async function eventually(fn, { timeout = 10_000, interval = 100, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${message} (last value: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
