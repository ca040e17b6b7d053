// Shared helpers for carebook's browser tests (run with `node --test tests/browser/`).
//
// What a test file gets from here:
// - buildSite(root): builds a site with the release binary into a fresh temp dir
//   (`cargo build --release` runs once per process, then `carebook build`);
// - startServer(dir): a tiny static server on 127.0.0.1 (random free port) that
//   behaves like a static host: index.html for directories, 404.html with
//   status 404 for missing paths, real content types, nosniff;
// - launchBrowser(): Debian's /usr/bin/chromium driven by playwright-core;
// - openPage(browser): a page that records console errors, uncaught exceptions
//   and every request that leaves 127.0.0.1; `assertClean()` fails on any of them;
// - sitemapPaths(dir): every page of a built site, as URL paths, from sitemap.xml;
// - runAxe(page) / formatAxeViolations(): axe-core with the WCAG 2.0/2.1/2.2 A and AA rules;
// - runVnu(files) / formatVnuMessages(): the Nu Html Checker over built HTML, one JVM call;
// - htmlFiles(dir), pdfToText(buffer), readBaseUrl(siteToml).
//
// Nothing here reaches the network: the server binds 127.0.0.1 only, and the
// browser resolves every other host name to "not found" (--host-resolver-rules),
// so a stray CDN link fails fast and is reported instead of leaving the machine.

import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository root (two levels above this file). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The fixture site of the journal, "My answers", storage, lock and checklist
 * tests: copies of the example guide's three journal pages, its checklist and
 * its habit tracker at the same paths, so editing the example breaks none of them.
 */
export const PATIENT_SITE = path.join(REPO_ROOT, 'tests', 'fixtures', 'patient');

const NODE_MODULES = path.join(REPO_ROOT, 'node_modules');
const AXE_PATH = path.join(NODE_MODULES, 'axe-core', 'axe.min.js');
const VNU_JAR = path.join(NODE_MODULES, 'vnu-jar', 'build', 'dist', 'vnu.jar');

/** Chromium's path; CHROMIUM can point elsewhere on a developer's machine. */
export const CHROMIUM_PATH = process.env.CHROMIUM || '/usr/bin/chromium';

// ---------------------------------------------------------------------------
// Building a site

let releaseBinary = null;

/**
 * Runs `cargo build --release` once per process and returns the binary's path.
 * CAREBOOK_BIN skips the build and uses that binary instead.
 */
export function releaseBinaryPath() {
  if (process.env.CAREBOOK_BIN) return process.env.CAREBOOK_BIN;
  if (releaseBinary) return releaseBinary;
  const result = spawnSync('cargo', ['build', '--release', '--quiet'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw new Error(`could not run cargo: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`cargo build --release failed (exit ${result.status}):\n${result.stderr}`);
  }
  const targetDir = process.env.CARGO_TARGET_DIR
    ? path.resolve(REPO_ROOT, process.env.CARGO_TARGET_DIR)
    : path.join(REPO_ROOT, 'target');
  releaseBinary = path.join(targetDir, 'release', process.platform === 'win32' ? 'carebook.exe' : 'carebook');
  return releaseBinary;
}

/**
 * Runs `carebook build --root <root> --output <output>` and returns
 * `{ status, stdout, stderr }` without judging it (for tests of failing builds).
 */
export function runBuild(root, output, extraArgs = []) {
  const result = spawnSync(releaseBinaryPath(), ['build', '--root', root, '--output', output, ...extraArgs], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw new Error(`could not run carebook: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * Builds the site at `root` into a new temp dir and returns
 * `{ outDir, stderr, cleanup }`. Throws with carebook's stderr if the build fails.
 * Set KEEP_OUTPUT=1 to keep the output dir for a look after the run.
 */
export async function buildSite(root = REPO_ROOT, extraArgs = []) {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'carebook-browser-'));
  const outDir = path.join(tmp, 'public');
  const { status, stderr } = runBuild(root, outDir, extraArgs);
  if (status !== 0) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw new Error(`carebook build --root ${root} failed (exit ${status}):\n${stderr}`);
  }
  const cleanup = async () => {
    if (process.env.KEEP_OUTPUT) {
      console.error(`# KEEP_OUTPUT: built site left in ${outDir}`);
      return;
    }
    await fs.rm(tmp, { recursive: true, force: true });
  };
  return { outDir, stderr, cleanup };
}

/**
 * Builds the site at `root`, serves it from its base path and launches
 * Chromium: what most test files share. Returns `{ site, server, browser,
 * basePath, close() }`; `close()` undoes all three (also safe after a
 * failed start, which closes what it had opened before rethrowing).
 *
 *   before(async () => ({ site, server, browser, basePath } = await openBuiltSite(SITE_ROOT)));
 *   after(() => closeBuiltSite({ site, server, browser }));
 */
export async function openBuiltSite(root = REPO_ROOT, extraArgs = []) {
  const opened = {};
  try {
    opened.site = await buildSite(root, extraArgs);
    const baseUrl = await readBaseUrl(path.join(root, 'site.toml'));
    opened.basePath = baseUrl ? new URL(baseUrl).pathname.replace(/\/?$/, '/') : '/';
    opened.server = await startServer(opened.site.outDir, { basePath: opened.basePath });
    opened.browser = await launchBrowser();
  } catch (err) {
    await closeBuiltSite(opened);
    throw err;
  }
  return opened;
}

/** Closes what openBuiltSite opened: the browser, the server, the built site. */
export async function closeBuiltSite({ site, server, browser }) {
  await browser?.close();
  await server?.close();
  await site?.cleanup();
}

/** Reads `base_url` from a site.toml (a plain `base_url = "..."` line). */
export async function readBaseUrl(siteToml = path.join(REPO_ROOT, 'site.toml')) {
  const text = await fs.readFile(siteToml, 'utf8');
  const match = text.match(/^\s*base_url\s*=\s*"([^"]*)"/m);
  return match ? match[1] : null;
}

// ---------------------------------------------------------------------------
// Static file server

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

/** The Content-Type the test server sends for a file name. */
export function contentTypeFor(file) {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

async function statOrNull(file) {
  try {
    return await fs.stat(file);
  } catch {
    return null;
  }
}

/**
 * Serves `dir` on 127.0.0.1 at a random free port, mounted at `basePath`
 * (use the path part of the site's base_url). Resolves to
 * `{ origin, url(path), requests, close() }`; `requests` logs `{ method, path, status }`.
 * `port` asks for a given port instead (to start again on the same origin after a close).
 */
export async function startServer(dir, { basePath = '/', port: wantedPort = 0 } = {}) {
  const root = path.resolve(dir);
  const mount = basePath.endsWith('/') ? basePath : `${basePath}/`;
  const requests = [];

  const send = async (req, res, file, status) => {
    const stat = await fs.stat(file);
    res.writeHead(status, {
      'Content-Type': contentTypeFor(file),
      'Content-Length': stat.size,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  };

  const notFound = async (req, res) => {
    const page = path.join(root, '404.html');
    if (await statOrNull(page)) return send(req, res, page, 404);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('404 Not Found (and the site has no 404.html)\n');
  };

  const handle = async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' });
      return res.end();
    }
    const url = new URL(req.url, 'http://127.0.0.1');
    let pathname;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return notFound(req, res);
    }
    if (pathname.includes('\0')) return notFound(req, res);
    // The mount point without its trailing slash is the mount's index: redirect like a static host.
    if (mount !== '/' && pathname === mount.slice(0, -1)) {
      res.writeHead(301, { Location: mount + url.search });
      return res.end();
    }
    if (!pathname.startsWith(mount)) return notFound(req, res);
    const relative = pathname.slice(mount.length);
    const file = path.resolve(root, `.${path.posix.sep}${relative}`);
    if (file !== root && !file.startsWith(root + path.sep)) return notFound(req, res);

    const stat = await statOrNull(file);
    if (stat && stat.isDirectory()) {
      if (!pathname.endsWith('/')) {
        // Static hosts redirect /prepare/gather to /prepare/gather/ so relative links work.
        res.writeHead(301, { Location: `${url.pathname}/${url.search}` });
        return res.end();
      }
      const index = path.join(file, 'index.html');
      if (await statOrNull(index)) return send(req, res, index, 200);
      return notFound(req, res);
    }
    if (stat && stat.isFile()) return send(req, res, file, 200);
    return notFound(req, res);
  };

  const server = http.createServer((req, res) => {
    const entry = { method: req.method, path: req.url, status: 0 };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`500 ${err.message}\n`);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(wantedPort, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    requests,
    /** The absolute URL of a site path such as `/prepare/gather/`. */
    url: (p = '/') => new URL(p, origin).href,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------
// Browser and pages

/** Chromium's flags: headless, no sandbox (root in CI), and no traffic of its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Every host name but localhost fails to resolve, so nothing the page asks for
  // leaves the machine; such requests are still seen and reported by openPage.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

/** Launches Debian's Chromium through playwright-core. Close it in an `after` hook. */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

function isLocalUrl(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  // data:, blob: and about: URLs never touch the network.
  if (['data:', 'blob:', 'about:'].includes(url.protocol)) return true;
  return url.hostname === '127.0.0.1';
}

/**
 * Opens a page in a fresh browser context and records problems:
 * console errors, uncaught exceptions, and every request whose host is not 127.0.0.1.
 * `options` goes to browser.newContext (e.g. `{ viewport: { width: 320, height: 640 } }`),
 * except `allowDocument404: true`, which lets the page itself answer 404 (a test of the
 * 404 page): Chromium logs the document's own 404 as a console error, and only that is let through;
 * `failOnWarnings: true` records console warnings too (Chromium reports a bad header, such as an
 * unknown Permissions-Policy feature, as a warning).
 *
 * Returns `{ context, page, problems, assertClean(label), close() }`.
 * `close()` asserts that nothing was recorded, then closes the context;
 * use `withPage` to have that done for you.
 */
export async function openPage(browser, options = {}) {
  const { allowDocument404 = false, failOnWarnings = false, ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    const recorded = msg.type() === 'error' || (failOnWarnings && msg.type() === 'warning');
    if (!recorded) return;
    const loc = msg.location();
    if (
      allowDocument404 &&
      loc?.url === page.url() &&
      /status of 404\b/.test(msg.text())
    ) {
      return;
    }
    const where = loc && loc.url ? ` (${loc.url}:${loc.lineNumber + 1}:${loc.columnNumber + 1})` : '';
    problems.push(`console ${msg.type()} on ${page.url()}: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => {
    problems.push(`uncaught exception on ${page.url()}: ${err.stack || err.message}`);
  });
  // Context-level so requests of popups and workers are seen as well.
  context.on('request', (req) => {
    if (!isLocalUrl(req.url())) {
      problems.push(`request off 127.0.0.1 from ${page.url()}: ${req.method()} ${req.url()}`);
    }
  });

  const assertClean = (label = page.url()) => {
    if (problems.length > 0) {
      const count = problems.length;
      const list = problems.map((p) => `  - ${p}`).join('\n');
      problems.length = 0;
      throw new Error(`${label}: ${count} problem(s) in the browser:\n${list}`);
    }
  };
  let closed = false;
  const close = async ({ check = true } = {}) => {
    if (closed) return;
    closed = true;
    await context.close();
    if (check) assertClean();
  };
  return { context, page, problems, assertClean, close };
}

/**
 * Runs `fn(session)` on a fresh page and fails if the page logged a console error,
 * threw an uncaught exception or made a request off 127.0.0.1.
 */
export async function withPage(browser, fn, options = {}) {
  const session = await openPage(browser, options);
  let result;
  try {
    result = await fn(session);
  } catch (err) {
    await session.close({ check: false });
    if (session.problems.length > 0) {
      err.message += `\nAlso seen in the browser:\n${session.problems.map((p) => `  - ${p}`).join('\n')}`;
    }
    throw err;
  }
  await session.close();
  return result;
}

// ---------------------------------------------------------------------------
// The built site

function decodeXmlText(text) {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&amp;/g, '&');
}

/**
 * Every page of a built site, as URL paths (`/`, `/prepare/gather/`), in sitemap order.
 * The absolute URLs in sitemap.xml carry the site's base_url; only the path is kept.
 */
export async function sitemapPaths(outDir) {
  const xml = await fs.readFile(path.join(outDir, 'sitemap.xml'), 'utf8');
  const locs = [...xml.matchAll(/<loc>\s*([^<]*?)\s*<\/loc>/g)].map((m) => decodeXmlText(m[1]));
  if (locs.length === 0) throw new Error('sitemap.xml lists no <loc>');
  return locs.map((loc) => {
    const url = new URL(loc);
    return url.pathname + url.search;
  });
}

/** Every .html file under `dir`, sorted. */
export async function htmlFiles(dir) {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

// ---------------------------------------------------------------------------
// axe-core

/** The axe-core tags that make up WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/**
 * Runs axe-core in the page and returns its violations as
 * `[{ id, impact, help, helpUrl, nodes: [{ target, html, summary }] }]`.
 * The script is injected inline, so a page with a strict Content-Security-Policy
 * needs a context opened with `{ bypassCSP: true }`.
 */
export async function runAxe(page) {
  await page.addScriptTag({ path: AXE_PATH });
  const loaded = await page.evaluate(() => typeof window.axe === 'object');
  if (!loaded) {
    throw new Error('axe-core did not load (a Content-Security-Policy? open the page with { bypassCSP: true })');
  }
  return page.evaluate(async (tags) => {
    const results = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
    }));
  }, WCAG_TAGS);
}

/**
 * axe violations as readable text: per rule, its impact, help and link, one line per
 * element, then what would fix them (printed once when every element shares it).
 */
export function formatAxeViolations(violations, label = '') {
  const lines = [];
  for (const v of violations) {
    lines.push(`${label ? `${label}: ` : ''}[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    const summaries = new Set(v.nodes.map((n) => n.summary || ''));
    for (const n of v.nodes) {
      // Not "at ...": node's test reporter would take such lines for a stack trace.
      lines.push(`    on ${n.target.join(' ')}  ${n.html.replace(/\s+/g, ' ').slice(0, 160)}`);
      if (summaries.size > 1 && n.summary) lines.push(...n.summary.split('\n').map((s) => `        ${s}`));
    }
    if (summaries.size === 1 && v.nodes[0]?.summary) {
      lines.push(...v.nodes[0].summary.split('\n').map((s) => `    ${s}`));
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// Nu Html Checker

/**
 * Runs the Nu Html Checker over `files` in one JVM and returns its error messages as
 * `[{ file, line, column, message, extract }]` (empty when all files are valid).
 */
export function runVnu(files) {
  if (files.length === 0) return [];
  const result = spawnSync('java', ['-jar', VNU_JAR, '--errors-only', '--format', 'json', ...files], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`could not run java: ${result.error.message}`);
  let report;
  try {
    report = JSON.parse(result.stderr);
  } catch {
    throw new Error(`vnu exited ${result.status} without JSON on stderr:\n${result.stderr}\n${result.stdout}`);
  }
  const messages = (report.messages || []).filter((m) => m.type === 'error' || m.type === 'non-document-error');
  if (result.status !== 0 && messages.length === 0) {
    throw new Error(`vnu exited ${result.status} but reported no error:\n${result.stderr}`);
  }
  return messages.map((m) => ({
    file: m.url ? fileURLToPath(m.url) : '(unknown file)',
    line: m.lastLine ?? m.firstLine ?? 0,
    column: m.firstColumn ?? m.lastColumn ?? 0,
    message: m.message,
    extract: m.extract || '',
  }));
}

/** vnu messages as `file:line:col: message` lines, paths relative to `baseDir`. */
export function formatVnuMessages(messages, baseDir = '') {
  return messages
    .map((m) => {
      const file = baseDir ? path.relative(baseDir, m.file) : m.file;
      const extract = m.extract ? `\n    ${m.extract.replace(/\s+/g, ' ').trim()}` : '';
      return `${file}:${m.line}:${m.column}: ${m.message}${extract}`;
    })
    .join('\n');
}

// ---------------------------------------------------------------------------
// PDF

/**
 * The text of a PDF (a Buffer), via poppler's `pdftotext`, with ligatures folded
 * (NFKC) and every run of white space made one space, so a title that wraps still matches.
 */
export function pdfToText(pdf) {
  const result = spawnSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`could not run pdftotext: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`pdftotext failed (exit ${result.status}): ${result.stderr}`);
  return normalizeText(result.stdout.toString('utf8'));
}

/** NFKC and collapsed white space, for comparing text from the DOM with text from a PDF. */
export function normalizeText(text) {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}
