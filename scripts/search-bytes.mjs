// How many bytes a patient's first search downloads, on a built site.
//
//   node scripts/search-bytes.mjs PUBLIC_DIR [QUERY ...]
//
// Runs the theme's own js/search.js (its openIndex and search, exposed as
// globalThis.carebookSearch when there is no document) against the files in
// PUBLIC_DIR/search-index.json and PUBLIC_DIR/search-index/, reading parts
// from disk instead of the network, and prints for each query (each a first
// search: nothing fetched before) the results found, the parts fetched and
// their bytes. A measuring tool for people (issue #13: at most 300 KB at
// 10,000 pages), never a timed test.
import fs from 'node:fs/promises';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [dir, ...given] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/search-bytes.mjs PUBLIC_DIR [QUERY ...]');
  process.exit(2);
}
const queries = given.length > 0 ? given : ['pain', 'sleep', 'medicine dose', 'wa', 'call us'];

const context = { URL };
vm.createContext(context);
vm.runInContext(await fs.readFile(path.join(root, 'themes/default/static/js/search.js'), 'utf8'), context);
const { openIndex, search } = context.carebookSearch;

const base = 'https://site.invalid/';
const listBytes = await fs.readFile(path.join(dir, 'search-index.json'));
let all = listBytes.length;
for (const name of await fs.readdir(path.join(dir, 'search-index'))) {
  all += (await fs.stat(path.join(dir, 'search-index', name))).size;
}
console.log(`index: ${(all / 1024).toFixed(1)} KiB in all; the list ${(listBytes.length / 1024).toFixed(1)} KiB`);
for (const query of queries) {
  const fetched = [];
  const fetchPart = async (url) => {
    const bytes = await fs.readFile(path.join(dir, new URL(url).pathname));
    fetched.push(bytes.length);
    return JSON.parse(bytes);
  };
  const index = openIndex(JSON.parse(listBytes), `${base}search-index.json`, fetchPart);
  const { total } = await search(index, query);
  const bytes = listBytes.length + fetched.reduce((a, b) => a + b, 0);
  console.log(
    `${JSON.stringify(query).padEnd(18)} ${String(total).padStart(6)} results; list + ${fetched.length} parts = ${(bytes / 1024).toFixed(1)} KiB`,
  );
}
