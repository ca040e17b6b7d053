// remind.js: two gentle notes on journal pages (docs/interactive-pages.md,
// "Keeping the journal"), both in templates/prompts.html and both shown only
// when the page opens, never while the patient types, and dismissible:
// - "Time for a backup?": entries changed since the last backup file, and that
//   backup (or, with none, the first entry) is older than REMIND_AFTER_DAYS.
//   "Remind me later" hides it for SNOOZE_DAYS.
// - "Keep this guide on your home screen": browsers may delete the data of a
//   site not used for some days unless it is installed (Safari) or its
//   storage is persistent. Offered from the second day of use, with the
//   browser's install prompt (beforeinstallprompt) or, in WebKit (Safari,
//   iPhone and iPad), which has none, the words for "Add to Home Screen";
//   after "Not now", not for INVITE_AGAIN_DAYS.
// Dates live in the store as "meta:backup": { since, exported, snoozed, invited }
// (ISO strings). Loaded by main.js on pages with a journal toolbar.

import { openStore } from './storage.js';

export const META_KEY = 'meta:backup';
export const REMIND_AFTER_DAYS = 14;
export const SNOOZE_DAYS = 7;
export const INVITE_AGAIN_DAYS = 30;
const DAY = 86400000;

const time = (iso) => Date.parse(iso) || 0;
const daysSince = (iso) => (Date.now() - time(iso)) / DAY;

let installPrompt = null;
let inviteShown = () => {};
// The browser's own install prompt, kept for the "Install this guide" button.
addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault();
  installPrompt = event;
  inviteShown();
});

const installed = () => matchMedia('(display-mode: standalone)').matches || navigator.standalone === true;
const appleTouch = () => /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
// Safari and every browser on iPhone and iPad are WebKit ("Apple Computer, Inc."), with no
// install prompt, and Safari deletes a site's data after 7 days without a visit unless it is
// on the Home Screen: they get the words for adding it by hand.
const appleWebKit = () => appleTouch() || (!('onbeforeinstallprompt' in window) && /^Apple/.test(navigator.vendor || ''));

/** Shows the notes that are due. Errors are swallowed: a reminder is never worth an alert. */
export async function remind(root = document) {
  const reminder = root.querySelector('[data-journal-reminder]');
  const invite = root.querySelector('[data-journal-install]');
  let store;
  try {
    store = await openStore();
  } catch {
    return;
  }
  const note = (change) => store.update(META_KEY, (r) => ({ ...r, kind: 'meta', ...change })).catch(() => {});
  const now = () => new Date().toISOString();

  // A backup button pressed: the reminder is answered.
  root.addEventListener('click', (event) => {
    const action = event.target.closest?.('button[data-action]')?.dataset.action;
    if (action === 'export-json' || action === 'export-locked') {
      note({ exported: now() });
      if (reminder) reminder.hidden = true;
    }
  });

  const meta = (await store.read(META_KEY).catch(() => null)) || {};
  const records = await store.list('journal:').catch(() => []);
  if (!records.length) return;
  const lastChange = Math.max(...records.map((r) => time(r.record.savedAt)));
  if (!meta.since) await note({ since: (meta.since = now()) });

  if (reminder) {
    const due =
      lastChange > time(meta.exported) &&
      daysSince(meta.exported || meta.since) > REMIND_AFTER_DAYS &&
      daysSince(meta.snoozed) > SNOOZE_DAYS;
    reminder.hidden = !due;
    reminder.querySelector('[data-action="remind-later"]')?.addEventListener('click', () => {
      reminder.hidden = true;
      note({ snoozed: now() });
    });
  }

  const persisted = await navigator.storage?.persisted?.().catch(() => false);
  if (!invite || installed() || persisted || daysSince(meta.since) < 1 || daysSince(meta.invited) < INVITE_AGAIN_DAYS) return;
  const install = invite.querySelector('[data-action="install"]');
  const dismiss = () => {
    invite.hidden = true;
    note({ invited: now() });
  };
  inviteShown = () => {
    install.hidden = !installPrompt;
    invite.querySelector('[data-install-ios]').hidden = !!installPrompt || !appleWebKit();
    invite.hidden = !installPrompt && !appleWebKit();
  };
  inviteShown();
  invite.querySelector('[data-action="install-later"]')?.addEventListener('click', dismiss);
  install?.addEventListener('click', async () => {
    const prompt = installPrompt;
    installPrompt = null;
    dismiss();
    await prompt?.prompt().catch(() => {});
  });
}
