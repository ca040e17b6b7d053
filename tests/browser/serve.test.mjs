// `carebook serve` in Chromium (issue #15): pages served with serve's own
// headers log nothing in the console (not even a warning: the
// Permissions-Policy once named a feature Chromium does not know), and a
// broken edit's problem overlay is opaque and covers the whole page,
// header included.
//
// The other browser tests serve built sites from harness.mjs's static
// server, which sends no security headers: only here does Chromium read the
// headers carebook sends.
//
// SCREENSHOT=/tmp/overlay.png keeps a picture of the overlay for a look.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { REPO_ROOT, launchBrowser, releaseBinaryPath, withPage } from './harness.mjs';

const FIXTURE = path.join(REPO_ROOT, 'tests', 'fixtures', 'basic');
const PAGE = 'content/prepare/gather.md';

let tmp;
let serve;
let origin;
let browser;

/** Starts `carebook serve` on a copy of the fixture; resolves to its origin. */
async function startServe(root) {
  serve = spawn(releaseBinaryPath(), ['serve', '--root', root, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 60_000);
    serve.stderr.setEncoding('utf8');
    serve.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = stderr.match(/Serving the site at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    serve.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${stderr}`)));
  });
}

before(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'carebook-serve-'));
  await fs.cp(FIXTURE, tmp, { recursive: true });
  origin = await startServe(tmp);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  serve?.kill();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

test('a served page logs no console warning or error (Permissions-Policy included)', async () => {
  await withPage(
    browser,
    async ({ page }) => {
      const response = await page.goto(`${origin}/prepare/gather/`);
      assert.match(response.headers()['permissions-policy'] ?? '', /camera=\(\)/, 'serve sends its policy');
      // Header problems are logged while the page loads; give the live
      // reload script a moment too.
      await page.waitForTimeout(500);
    },
    { failOnWarnings: true },
  );
});

test('a broken edit shows an opaque overlay over the whole page, header included', async () => {
  const file = path.join(tmp, PAGE);
  const good = await fs.readFile(file, 'utf8');
  await withPage(browser, async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.goto(`${origin}/prepare/gather/`);
    await page.waitForLoadState('networkidle');
    try {
      await fs.writeFile(file, good.replace(/^title = .*$/m, 'title = Broken'));
      const overlay = page.locator('#carebook-serve-problems');
      await overlay.waitFor({ state: 'visible', timeout: 30_000 });
      if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT });
      const seen = await page.evaluate(() => {
        const box = document.getElementById('carebook-serve-problems');
        const header = document.querySelector('.site-header');
        const rect = header.getBoundingClientRect();
        // What the reader sees at the header's corners and middle.
        const points = [
          [rect.left + 2, rect.top + 2],
          [rect.right - 2, rect.top + 2],
          [rect.left + rect.width / 2, rect.top + rect.height / 2],
        ];
        return {
          background: getComputedStyle(box).backgroundColor,
          opacity: getComputedStyle(box).opacity,
          covered: points.map(([x, y]) => box.contains(document.elementFromPoint(x, y))),
          size: [box.getBoundingClientRect().width, box.getBoundingClientRect().height],
          viewport: [innerWidth, innerHeight],
        };
      });
      const channels = seen.background.match(/[\d.]+/g).map(Number);
      const alpha = channels.length === 4 ? channels[3] : 1;
      assert.equal(alpha, 1, `the overlay's background ${seen.background} lets the page show through`);
      assert.equal(seen.opacity, '1');
      assert.deepEqual(seen.covered, [true, true, true], 'the header is not under the overlay');
      assert.deepEqual(seen.size, seen.viewport, 'the overlay does not fill the window');
      assert.match(await overlay.innerText(), /content\/prepare\/gather\.md:\d+:\d+/);
      // The fixed page reloads by itself, without the overlay.
      const reloaded = page.waitForEvent('load', { timeout: 30_000 });
      await fs.writeFile(file, good);
      await reloaded;
      assert.equal(await page.locator('#carebook-serve-problems').count(), 0);
    } finally {
      await fs.writeFile(file, good);
    }
  });
});
