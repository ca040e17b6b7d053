/**
 * Trends: a scale question's answers over time, as a small chart (inline
 * SVG drawn here, no library) and the same answers as a table, for screen
 * readers and print. Used by journal.js (under the scale question) and
 * answers.js ("My answers"). Every word enters as text (createElementNS,
 * textContent); colours come from classes in style.css, as the CSP allows
 * no inline style.
 */

import { answerText, el, formatDate, formatDay, time } from './entries.js';
import { t } from './text.js';

const SVG = 'http://www.w3.org/2000/svg';
// The drawing's own units (viewBox); it is scaled to the width of its column.
const W = 320;
const H = 150;
const LEFT = 26;
const RIGHT = 12;
const TOP = 10;
const BOTTOM = 30;

/** An SVG element; strings in `children` become Text nodes. */
function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
}

/**
 * The answers to `promptId` in `entries`, oldest first: `[{ created, value }]`.
 * Only whole numbers 0 to 10 count: a backup file may hold anything.
 */
export function scalePoints(entries, promptId) {
  return entries
    .map((e) => ({ created: e.created, value: e.answers?.[promptId]?.value }))
    .filter((p) => /^(10|[0-9])$/.test(String(p.value)) && time(p.created))
    .map((p) => ({ created: p.created, value: Number(p.value) }))
    .sort((a, b) => time(a.created) - time(b.created));
}

/** Where each point goes: by time, or evenly when all share one instant. */
function place(points) {
  const first = time(points[0].created);
  const span = time(points[points.length - 1].created) - first;
  const width = W - LEFT - RIGHT;
  return points.map((p, i) => ({
    x: LEFT + (span ? ((time(p.created) - first) / span) * width : (i / Math.max(points.length - 1, 1)) * width),
    y: TOP + (1 - p.value / 10) * (H - TOP - BOTTOM),
    ...p,
  }));
}

function drawing(points, label) {
  const placed = place(points);
  const bottom = H - BOTTOM;
  const grid = [0, 5, 10].flatMap((n) => {
    const y = TOP + (1 - n / 10) * (H - TOP - BOTTOM);
    return [
      svg('line', { class: 'trend-grid', x1: LEFT, x2: W - RIGHT, y1: y, y2: y }),
      svg('text', { class: 'trend-text', x: LEFT - 6, y: y + 4, 'text-anchor': 'end' }, String(n)),
    ];
  });
  const first = placed[0];
  const last = placed[placed.length - 1];
  const dates = [
    svg('text', { class: 'trend-text', x: first.x, y: bottom + 20, 'text-anchor': 'start' }, formatDay(first.created)),
    svg('text', { class: 'trend-text', x: last.x, y: bottom + 20, 'text-anchor': 'end' }, formatDay(last.created)),
  ];
  const line = svg('polyline', { class: 'trend-line', points: placed.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ') });
  const dots = placed.map((p) => svg('circle', { class: 'trend-point', cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 4 }));
  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'trend-chart', focusable: 'false' },
    ...grid,
    ...(points.length > 1 ? dates : dates.slice(0, 1)),
    line,
    ...dots,
  );
}

function table(points, prompt) {
  const rows = [...points]
    .reverse()
    .map((p) => el('tr', {}, el('td', {}, el('time', { dateTime: p.created }, formatDate(p.created))), el('td', {}, answerText({ type: 'scale', value: p.value }))));
  return el(
    'table',
    { className: 'trend-table' },
    el('caption', {}, t('trends.table', { prompt })),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('trends.date')), el('th', { scope: 'col' }, t('trends.answer')))),
    el('tbody', {}, ...rows),
  );
}

/**
 * A figure for one scale question (two answers or more), or null:
 * `{ prompt, low, high }` are its words ("How calm…", "Not calm at all",
 * "Very calm"), `points` from scalePoints; `title` and `level` (an element
 * name: h3 in "My answers", p under the question) make the caption.
 */
export function trendFigure({ prompt, low, high, points, level = 'h3', title = t('trends.title') }) {
  if (points.length < 2) return null;
  const first = formatDay(points[0].created);
  const last = formatDay(points[points.length - 1].created);
  const label = t('trends.chart', { prompt, first, last, count: points.length });
  const ends = low || high ? el('p', { className: 'trend-ends' }, t('trends.ends', { low, high })) : '';
  return el(
    'figure',
    { className: 'trend' },
    el('figcaption', {}, el(level, { className: 'trend-title' }, title), ends),
    drawing(points, label),
    table(points, prompt),
  );
}
