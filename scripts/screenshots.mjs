#!/usr/bin/env node
// Screenshots for review (issue #6, part 5): builds the example site, serves it
// on 127.0.0.1 and saves full-page PNGs of the home page, a journal page and a
// checklist at 375, 768 and 1366 px wide, in light and dark mode, as
// screenshots/<page>-<width>-<light|dark>.png (the folder is git-ignored).
// Each page is shown as a patient sees it with JavaScript on, after its
// scripts have restored what is saved (nothing, in a fresh browser).
//
// Usage: node scripts/screenshots.mjs [output folder, default screenshots/]
//   CAREBOOK_BIN  the carebook binary (default: `cargo build --release`)
//   CHROMIUM      the browser (default: /usr/bin/chromium)

import fs from 'node:fs/promises';
import path from 'node:path';

import { REPO_ROOT, buildSite, launchBrowser, startServer } from '../tests/browser/harness.mjs';
import { openAndSettle } from '../tests/browser/a11y-helpers.mjs';

const PAGES = [
  { name: 'home', path: '/' },
  { name: 'journal', path: '/intention/set-your-intention/' },
  { name: 'checklist', path: '/prepare/gather/' },
];
const WIDTHS = [375, 768, 1366];
const SCHEMES = ['light', 'dark'];

async function main() {
  const outDir = path.resolve(process.argv[2] || path.join(REPO_ROOT, 'screenshots'));
  await fs.mkdir(outDir, { recursive: true });
  const site = await buildSite(REPO_ROOT);
  const server = await startServer(site.outDir);
  const browser = await launchBrowser();
  const written = [];
  try {
    for (const colorScheme of SCHEMES) {
      for (const width of WIDTHS) {
        // Phones draw at 2 or 3 device pixels per CSS pixel; 2 keeps text sharp and files small.
        const context = await browser.newContext({
          viewport: { width, height: width < 768 ? 740 : 900 },
          deviceScaleFactor: width < 1000 ? 2 : 1,
          colorScheme,
          reducedMotion: 'reduce',
        });
        const page = await context.newPage();
        for (const { name, path: urlPath } of PAGES) {
          await openAndSettle(page, server.url(urlPath));
          const file = path.join(outDir, `${name}-${width}-${colorScheme}.png`);
          await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
          written.push(path.relative(process.cwd(), file));
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
    await site.cleanup();
  }
  console.log(`${written.length} screenshots:\n  ${written.join('\n  ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
