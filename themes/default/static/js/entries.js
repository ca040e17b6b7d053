/**
 * What journal.js (journal pages) and answers.js ("My answers") both show of
 * an entry: dates, answers, and the DOM helper they are built with. User text
 * enters the page only as Text nodes (`el`), never as HTML.
 */

import { t } from './text.js';

export const PREFIX = 'journal:';
export const FORMAT = 'carebook-journal';
export const LOCK = 'lock:journal'; // set by js/lock.js

/** Strings in `children` become Text nodes, never HTML. */
export function el(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** The same words again would be read out again. */
export const say = (node, text) => node && node.textContent !== text && (node.textContent = text);

export const now = () => new Date().toISOString();
export const time = (iso) => Date.parse(iso) || 0;
const pad = (n) => String(n).padStart(2, '0');
export const clock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** The parts of a date in the page's language; the year only when it is not this one. */
function dateParts(d) {
  const name = (o) => d.toLocaleDateString(document.documentElement.lang || undefined, o);
  const year = d.getFullYear() === new Date().getFullYear() ? '' : t('journal.year', { year: d.getFullYear() });
  return { weekday: name({ weekday: 'long' }), day: d.getDate(), month: name({ month: 'long' }), year, time: clock(d) };
}

/** "Tuesday 3 March, 14:05" (plus the year if not this one), in the page's language. */
export function formatDate(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '?' : t('journal.date', dateParts(d));
}

/** "3 March" (plus the year if not this one): a day, for short labels. */
export function formatDay(iso) {
  const d = new Date(iso);
  return isNaN(d) ? '?' : t('journal.day', dateParts(d));
}

/** Whether two instants fall on the same day of the patient's own calendar. */
export const sameDay = (a, b) => new Date(a).toDateString() === new Date(b).toDateString();

export const timeEl = (iso, format = formatDate) => el('time', { dateTime: iso }, format(iso));
export const answerText = (a) => (a.type === 'scale' ? t('journal.scale_value', { value: a.value }) : a.value);
export const answered = (entry) => Object.values(entry.answers || {}).filter((a) => a?.value);
export const byNewest = (a, b) => time(b.created) - time(a.created);

/** A blob: URL made here: nothing is uploaded. Returns the words saying so. */
export function download(text, type, extension) {
  const name = `${t('journal.file_name')}-${new Date().toLocaleDateString('sv')}.${extension}`; // "sv": YYYY-MM-DD, local
  const link = el('a', { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60000); // not yet: the download starts later
  return t('journal.downloaded', { name });
}

/** The JSON backup of `records` (journal.js restores it). */
export const backupOf = (records) => ({ format: FORMAT, version: 1, exported: now(), records });
