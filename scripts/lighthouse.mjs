#!/usr/bin/env node
// Lighthouse on the example site (issue #6, part 4): builds the site, serves it
// on 127.0.0.1, and runs Lighthouse with its default phone profile (a mid-range
// Android phone, simulated slow 4G and a 4x slower CPU) against the home page,
// a journal page and a checklist, in Debian's Chromium.
//
// Prints the four scores of each page and exits 1 if any is below 100.
// Policy: accessibility, best practices and SEO come from what is in the page
// and do not vary, so each must be 100 on the first run. Performance is
// computed from a trace, and a busy CI machine slows the trace down; a page
// whose performance is below 100 is run again, up to 3 runs in all, and its
// best run counts. A real regression (a blocking script, a heavy image) fails
// all three.
//
// Usage: node scripts/lighthouse.mjs [--json DIR]
//   CAREBOOK_BIN  the carebook binary (default: `cargo build --release`)
//   CHROME_PATH   the browser (default: /usr/bin/chromium, or CHROMIUM)
//   LIGHTHOUSE_MIN_PERFORMANCE  the lowest performance score accepted (default 100)
//   --json DIR    also write each page's full Lighthouse report (JSON) to DIR

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';

import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO_ROOT, runBuild, startServer } from '../tests/browser/harness.mjs';

const PAGES = [
  { name: 'home', path: '/' },
  { name: 'journal', path: '/intention/set-your-intention/' },
  { name: 'checklist', path: '/prepare/gather/' },
];
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const PERFORMANCE_RUNS = 3;
// 100 by default. scripts/test.sh lowers it on shared CI machines, where the
// simulated phone's timings follow the machine's load (measured: 98-100 on a
// 2-core machine with a load of 20; 100 on all three pages when it was quieter).
const MIN_PERFORMANCE = Number(process.env.LIGHTHOUSE_MIN_PERFORMANCE || 100);

const jsonDir = (() => {
  const i = process.argv.indexOf('--json');
  return i >= 0 ? path.resolve(process.argv[i + 1] || 'lighthouse') : null;
})();

/** Runs Lighthouse once and returns its result (lhr). */
async function audit(url, port) {
  const result = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES });
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
  if (result.lhr.runtimeError) throw new Error(`Lighthouse failed on ${url}: ${result.lhr.runtimeError.message}`);
  return result.lhr;
}

const score = (lhr, id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);

/** The audits that cost a category points, to say what to fix. */
function failingAudits(lhr, id) {
  return lhr.categories[id].auditRefs
    .filter((ref) => ref.weight > 0)
    .map((ref) => lhr.audits[ref.id])
    .filter((a) => a.score !== null && a.score < 1)
    .map((a) => `${a.id} (${Math.round(a.score * 100)}): ${a.title}${a.displayValue ? ` — ${a.displayValue}` : ''}`);
}

async function main() {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'carebook-lighthouse-'));
  const outDir = path.join(tmp, 'public');
  // Serve first, so the site can be built for the address it is served at:
  // its canonical links and sitemap then point at this server.
  const server = await startServer(outDir);
  let chrome;
  let failed = false;
  try {
    const build = runBuild(REPO_ROOT, outDir, ['--base-url', server.origin]);
    if (build.status !== 0) throw new Error(`carebook build failed (exit ${build.status}):\n${build.stderr}`);
    chrome = await chromeLauncher.launch({
      chromePath: process.env.CHROME_PATH || CHROMIUM_PATH,
      chromeFlags: CHROMIUM_ARGS,
      logLevel: 'error',
    });
    if (jsonDir) await fs.mkdir(jsonDir, { recursive: true });
    const rows = [];
    for (const page of PAGES) {
      const url = server.url(page.path);
      const first = await audit(url, chrome.port);
      let best = first;
      let runs = 1;
      while (score(best, 'performance') < MIN_PERFORMANCE && runs < PERFORMANCE_RUNS) {
        const again = await audit(url, chrome.port);
        runs += 1;
        if (score(again, 'performance') > score(best, 'performance')) best = again;
      }
      // Performance from the best run; the other categories from the first.
      const from = (id) => (id === 'performance' ? best : first);
      if (jsonDir) await fs.writeFile(path.join(jsonDir, `${page.name}.json`), JSON.stringify(first, null, 2));
      const scores = Object.fromEntries(CATEGORIES.map((id) => [id, score(from(id), id)]));
      rows.push({ page: page.path, ...scores, 'performance runs': runs });
      for (const id of CATEGORIES) {
        if (scores[id] < (id === 'performance' ? MIN_PERFORMANCE : 100)) {
          failed = true;
          console.error(`${page.path} ${id} ${scores[id]}:\n  ${failingAudits(from(id), id).join('\n  ')}`);
        }
      }
    }
    console.log('Lighthouse (phone profile):');
    console.table(rows);
  } finally {
    await chrome?.kill();
    await server.close();
    await fs.rm(tmp, { recursive: true, force: true });
  }
  if (failed) {
    console.error('error: a Lighthouse score is below 100');
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
