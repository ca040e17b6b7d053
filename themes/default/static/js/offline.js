/**
 * The offline page (offline.html): lists the pages of this guide, in this
 * page's language, that are saved on the device and so open without a
 * connection. Loaded by main.js on a page with [data-offline-kept].
 *
 * The list is read from the Cache API, from this site's "carebook-" caches
 * (the ones holding its offline page: another carebook guide on the same
 * origin has its own), so it shows what the service worker really kept: the
 * pages it saved on the first visit, and every page the patient opened. Each
 * page's title comes from its saved copy's <title>, without the site's
 * name. Text goes in with textContent only.
 *
 * Without JavaScript the page keeps the paragraph that says the list needs
 * it (and that nothing is saved without it).
 */

import { t, tn } from './text.js';

/**
 * Fills the list of saved pages of `section`. Its data-home is this
 * language's home (/es/), data-other-homes the other languages' homes
 * (a page under /es/ is not listed on the English page), data-site-title
 * the site's title, cut from the pages' titles.
 */
export async function listKeptPages(section) {
  const status = section.querySelector('[data-offline-kept-status]');
  const list = section.querySelector('[data-offline-kept-list]');
  let pages;
  try {
    pages = await keptPages(section.dataset);
  } catch {
    // No Cache API (an old browser, some private modes), or it refused.
    status.textContent = t('offline.unavailable');
    return;
  }
  if (pages.length === 0) {
    status.textContent = t('offline.none');
    return;
  }
  status.textContent = tn('offline.count', pages.length);
  list.replaceChildren(
    ...pages.map(({ url, title }) => {
      const item = document.createElement('li');
      const link = document.createElement('a');
      link.href = url;
      link.textContent = title;
      item.append(link);
      return item;
    }),
  );
  list.hidden = false;
}

/** The saved pages of this language: [{ url, title }], in address order. */
async function keptPages({ home = '/', otherHomes = '', siteTitle = '' }) {
  const homeUrl = new URL(home, window.location.origin).href;
  const others = otherHomes
    .split(' ')
    .filter(Boolean)
    .map((other) => new URL(other, window.location.origin).href)
    .filter((other) => other.startsWith(homeUrl) && other !== homeUrl);
  const offlineUrl = `${homeUrl}offline/`;
  const responses = new Map();
  for (const name of await caches.keys()) {
    if (!name.startsWith('carebook-')) continue;
    const cache = await caches.open(name);
    if (!(await cache.match(offlineUrl, { ignoreVary: true }))) continue;
    for (const request of await cache.keys()) {
      const url = request.url;
      if (!isPage(url, homeUrl, others, offlineUrl) || responses.has(url)) continue;
      responses.set(url, cache.match(request, { ignoreVary: true }));
    }
  }
  const pages = await Promise.all(
    [...responses].map(async ([url, response]) => ({ url, title: await titleOf(await response, url, siteTitle) })),
  );
  return pages.sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));
}

/** A page of this language (not a file, not the offline or 404 page). */
function isPage(url, homeUrl, others, offlineUrl) {
  if (!url.startsWith(homeUrl) || others.some((other) => url.startsWith(other))) return false;
  if (url === offlineUrl || url.endsWith('/404.html')) return false;
  return url.endsWith('/') || url.endsWith('.html');
}

/** The page's <title> without " · <site title>", or its address when it has none. */
async function titleOf(response, url, siteTitle) {
  const html = response ? await response.text() : '';
  const match = /<title[^>]*>([^<]*)<\/title/i.exec(html);
  // DOMParser decodes entities (&amp;) without running or loading anything.
  const title = match ? new DOMParser().parseFromString(`<title>${match[1]}</title>`, 'text/html').title : '';
  const suffix = ` · ${siteTitle}`;
  const short = siteTitle && title.endsWith(suffix) ? title.slice(0, -suffix.length) : title;
  return short.trim() || new URL(url).pathname;
}
