/**
 * The theme's words in the page's language, for the other scripts.
 *
 * base.html writes the `[js.*]` keys of the theme's i18n/<language>.toml as
 * JSON in <script type="application/json" id="cb-text"> (a data block, so
 * the Content-Security-Policy allows it), with the `js.` prefix removed:
 * `{ "journal.saved": "Saved on this device at {time}.", ... }`. The build
 * fills keys a language lacks from the default language, so a missing key
 * here is a theme bug: its name is shown, which is easy to spot.
 */

let words = {};
try {
  words = JSON.parse(document.getElementById('cb-text')?.textContent || '{}');
} catch {
  // No words block, or a broken one: each key's name is shown instead.
}

let plurals;
try {
  plurals = new Intl.PluralRules(document.documentElement.lang || undefined);
} catch {
  plurals = new Intl.PluralRules();
}

/** The words of `key`, with each {name} replaced by `values.name`. */
export function t(key, values = {}) {
  return (words[key] ?? key).replace(/\{(\w+)\}/g, (all, name) => (name in values ? String(values[name]) : all));
}

/** A count's words: `key.one`, `key.other`, ... by the language's plural rules; {n} is the count. */
export function tn(key, n, values = {}) {
  const form = `${key}.${plurals.select(n)}`;
  return t(form in words ? form : `${key}.other`, { n, ...values });
}

/** Like t(), for append(): a placeholder may be a DOM node (a <time>). */
export function tNodes(key, values) {
  return t(key)
    .split(/(\{\w+\})/)
    .filter((part) => part !== '')
    .map((part) => values[part.slice(1, -1)] ?? part);
}
