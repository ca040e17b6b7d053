/**
 * Loaded on every page (base.html). Everything here is an addition: the
 * page reads and prints the same without it.
 *
 * - Offline: registers the service worker (sw.js at the site's base path),
 *   which saves the guide on the device (the whole of a small guide; of a
 *   large one the patient's section first, within the site's budget) and
 *   keeps every page the patient opens. On the offline page, offline.js
 *   lists the pages saved. In `carebook serve`
 *   (<body data-serve="true">) it removes any worker instead, so an edit is
 *   never hidden behind a saved copy.
 * - Updates: when a new version of the guide has been saved and is
 *   waiting, says so in a status message with an "Update now" button. The
 *   page never reloads by itself: the new version takes over when the
 *   patient presses the button (then the page reloads once) or follows a
 *   link inside the guide (then the next page is the new version).
 * - Connection: says "You are offline" when the connection drops, and
 *   removes the message when it comes back.
 * - Journals and checklists: loads journal.js / checklist.js (answers.js on
 *   "My answers") only on pages
 *   that have one, and remind.js (backup reminder, install invitation) on
 *   journal pages with the toolbar.
 *
 * The messages never take focus: a patient who is writing keeps writing.
 * Nothing is logged for ordinary states (offline, no service worker
 * support); console.error is kept for real failures.
 */

import { t } from './text.js';

const body = document.body;
const basePath = body.dataset.basePath || '/';
const serveMode = body.dataset.serve === 'true';

/** How long a link waits for the new version to take over before going anyway. */
const TAKEOVER_TIMEOUT_MS = 3000;

// ---------------------------------------------------------------------------
// Status messages

/**
 * One polite live region for both messages, added empty at start-up: screen
 * readers announce changes only in a region that was already there.
 */
const notices = document.createElement('div');
notices.className = 'cb-notices';
notices.setAttribute('role', 'status');
body.append(notices);

/** A message in the live region: `{ element, show(), hide() }`, hidden at first. */
function createNotice(className, text) {
  const element = document.createElement('div');
  element.className = `cb-notice ${className}`;
  element.hidden = true;
  const message = document.createElement('p');
  message.className = 'cb-notice-text';
  message.textContent = text;
  element.append(message);
  notices.append(element);
  return {
    element,
    show() {
      element.hidden = false;
    },
    hide() {
      element.hidden = true;
    },
  };
}

// ---------------------------------------------------------------------------
// Offline and online

function watchConnection() {
  const offline = createNotice('cb-notice-offline', t('main.offline'));
  window.addEventListener('offline', () => offline.show());
  window.addEventListener('online', () => offline.hide());
}

// ---------------------------------------------------------------------------
// Service worker

async function setUpServiceWorker() {
  // Old browsers, and pages not served over HTTPS (or from localhost),
  // have no service workers: the guide then simply needs a connection.
  if (!('serviceWorker' in navigator)) return;
  if (serveMode) {
    await removeServiceWorkers();
    return;
  }

  let registration;
  try {
    registration = await navigator.serviceWorker.register(`${basePath}sw.js`, { scope: basePath });
  } catch (error) {
    // Without a connection the first download cannot happen: the next
    // visit tries again. Anything else is a real problem (a missing sw.js).
    if (navigator.onLine) console.error('carebook: could not save this guide for offline use.', error);
    return;
  }
  // Privacy extensions and automation tools that block workers replace
  // register() with one that resolves to nothing.
  if (registration) watchForUpdates(registration);
}

/**
 * `carebook serve`: a worker left from a built copy on the same address
 * would answer from its saved copy and hide the author's edits. Remove it
 * and its caches, and reload once if it was answering this page.
 */
async function removeServiceWorkers() {
  try {
    const registrations = await navigator.serviceWorker.getRegistrations();
    const removed = await Promise.all(registrations.map((registration) => registration.unregister()));
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith('carebook-')).map((name) => caches.delete(name)));
    if (removed.includes(true) && navigator.serviceWorker.controller) {
      window.location.reload();
    }
  } catch (error) {
    console.error('carebook: could not remove the offline copy of this guide.', error);
  }
}

/**
 * Shows the update message once a new version is saved and waiting, and
 * hands over to it when the patient asks (button) or moves on (link).
 */
function watchForUpdates(registration) {
  let notice = null;
  let reloadWhenReady = false;

  const showNotice = () => {
    notice ??= createUpdateNotice(() => {
      reloadWhenReady = true;
      const waiting = registration.waiting;
      if (waiting) {
        waiting.postMessage({ type: 'SKIP_WAITING' });
      } else {
        // Another tab already let the new version take over.
        window.location.reload();
      }
    });
    notice.show();
  };

  // A new version counts only if an older one is active: the very first
  // install is not an update.
  const track = (worker) => {
    if (!worker) return;
    const check = () => {
      if (worker.state === 'installed' && registration.active) showNotice();
    };
    worker.addEventListener('statechange', check);
    check();
  };
  if (registration.waiting && registration.active) showNotice();
  track(registration.installing);
  registration.addEventListener('updatefound', () => track(registration.installing));

  // After "Update now", reload once the new version controls the page.
  // (A first install also changes the controller: no reload then.)
  let reloaded = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (!reloadWhenReady || reloaded) return;
    reloaded = true;
    window.location.reload();
  });

  document.addEventListener('click', (event) => {
    const waiting = registration.waiting;
    const url = waiting && registration.active ? followedLink(event) : null;
    if (!url) return;
    event.preventDefault();
    takeOverThenGo(waiting, url);
  });
}

/** The "new version" message; `onUpdate` runs when the button is pressed. */
function createUpdateNotice(onUpdate) {
  const notice = createNotice('cb-notice-update', t('main.update_ready'));
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'cb-notice-button';
  button.textContent = t('main.update_now');
  button.addEventListener('click', () => {
    button.disabled = true;
    onUpdate();
  });
  notice.element.append(button);
  return notice;
}

/**
 * The URL a click is about to open in this tab, if it is a page of this
 * guide; null for anything the browser should handle as usual (new tab,
 * download, another site, a jump within the page, a click already handled).
 */
function followedLink(event) {
  if (event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || link.hasAttribute('download')) return null;
  if (link.target && link.target !== '_self') return null;
  const url = new URL(link.href, window.location.href);
  if (url.origin !== window.location.origin || !url.pathname.startsWith(basePath)) return null;
  // A jump within this page (#section) is not a navigation.
  const here = window.location;
  if (url.pathname === here.pathname && url.search === here.search && link.href.includes('#')) return null;
  return url;
}

/**
 * Lets the waiting version take over, then opens `url`, so the next page
 * and everything it loads come from the new version. Goes anyway after
 * TAKEOVER_TIMEOUT_MS: a link must always work.
 */
function takeOverThenGo(waiting, url) {
  let gone = false;
  const go = () => {
    if (gone) return;
    gone = true;
    window.location.assign(url.href);
  };
  navigator.serviceWorker.addEventListener('controllerchange', go, { once: true });
  setTimeout(go, TAKEOVER_TIMEOUT_MS);
  waiting.postMessage({ type: 'SKIP_WAITING' });
}

// ---------------------------------------------------------------------------
// Journals and checklists

async function loadInteractiveParts() {
  // Loaded at once: it listens for the browser's install prompt, which comes early.
  const reminders = document.querySelector('[data-journal-reminder]') ? import('./remind.js') : null;
  // Side by side: a locked journal waits for its passphrase, a checklist on the same page need not.
  await Promise.all([startJournals(reminders), startChecklists(), startAnswers(), startOfflineList()]);
}

/** The offline page (offline.html): the pages saved on this device. */
async function startOfflineList() {
  const section = document.querySelector('[data-offline-kept]');
  if (!section) return;
  try {
    const { listKeptPages } = await import('./offline.js');
    await listKeptPages(section);
  } catch (error) {
    console.error('carebook: the saved pages could not be listed.', error);
  }
}

async function startJournals(reminders) {
  if (!document.querySelector('form[data-journal]')) return;
  try {
    const { initJournals } = await import('./journal.js');
    await initJournals();
    // After the journal is unlocked and loaded: never in the way of the first words.
    if (reminders) (await reminders).remind();
  } catch (error) {
    console.error('carebook: the journal on this page could not start.', error);
  }
}

/** "My answers" (answers.html): every journal entry on this device. */
async function startAnswers() {
  if (!document.querySelector('[data-journal-answers]')) return;
  try {
    const { initAnswers } = await import('./answers.js');
    await initAnswers();
  } catch (error) {
    console.error('carebook: the answers on this page could not be shown.', error);
  }
}

async function startChecklists() {
  if (!document.querySelector('form[data-checklist]')) return;
  try {
    const { initChecklists } = await import('./checklist.js');
    await initChecklists();
  } catch (error) {
    console.error('carebook: the checklist on this page could not start.', error);
  }
}

// ---------------------------------------------------------------------------

watchConnection();
// The patient's own pages first; the offline copy is saved in the background.
loadInteractiveParts();
setUpServiceWorker();
