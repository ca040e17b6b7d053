// Three browser engines behind one small interface, for the scenarios of
// engine-scenarios.mjs (run by engines-<name>.test.mjs):
//
// - chromium: Debian's /usr/bin/chromium through playwright-core (as the rest
//   of tests/browser/);
// - firefox: Debian's firefox-esr through puppeteer-core over WebDriver BiDi
//   (no geckodriver);
// - webkit: WebKitGTK's MiniBrowser (--automation) through Debian's
//   WebKitWebDriver and selenium-webdriver. WebKitGTK has no headless mode:
//   without a DISPLAY this file starts its own Xvfb (`-displayfd`, so two runs
//   never fight over a display number), and stops it at the end.
//
// launchEngine(name) resolves to
//   { name, version, newProfile() -> Tab, close() }
// where each newProfile() is an empty profile (no storage, no service worker)
// and a Tab has
//   goto(url), reload(), evaluate(fn, arg), type(selector, text),
//   click(selector), setFile(selector, path), driverProblems(), close().
// evaluate() runs `fn` (may be async; it must not use variables from outside
// itself) in the page and returns its JSON value.
//
// No driver or browser is downloaded: every binary is Debian's, at a fixed
// path (CHROMIUM, FIREFOX, WEBKIT_DRIVER and MINIBROWSER override them).

import { spawn } from 'node:child_process';
import net from 'node:net';
import { once } from 'node:events';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness.mjs';

export const FIREFOX_PATH = process.env.FIREFOX || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** How long one navigation or one script may take before the step fails. */
const STEP_TIMEOUT_MS = 60_000;

/** Scrolls the element into view at once: with `scroll-behavior: smooth`, WebKit's driver would click mid-scroll. */
const scrollIntoView = (selector) => {
  const element = document.querySelector(selector);
  if (!element) throw new Error(`no element matches ${selector}`);
  element.scrollIntoView({ block: 'center', behavior: 'instant' });
  return true;
};

/**
 * Scrolls a text field into view, focuses it and puts the caret after its
 * text, as a patient does by tapping at the end of what they wrote (a value
 * filled in by script, as after an unlock, otherwise leaves the caret at 0 in
 * some engines, and the words would go in front).
 */
const focusAtEnd = (selector) => {
  const element = document.querySelector(selector);
  if (!element) throw new Error(`no element matches ${selector}`);
  element.scrollIntoView({ block: 'center', behavior: 'instant' });
  element.focus();
  // Hidden, or not yet shown by its script: typing would go elsewhere.
  if (document.activeElement !== element) throw new Error(`${selector} cannot take the focus (hidden?)`);
  const end = element.value.length;
  element.setSelectionRange(end, end);
  return true;
};

/** Launches the named engine: 'chromium', 'firefox' or 'webkit'. */
export async function launchEngine(name) {
  const launch = { chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit }[name];
  if (!launch) throw new Error(`unknown engine ${name}`);
  return launch();
}

// ---------------------------------------------------------------------------
// Chromium: playwright-core

async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return {
    name: 'chromium',
    version: `Chromium ${browser.version()}`,
    async newProfile() {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const problems = [];
      page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error on ${page.url()}: ${msg.text()}`));
      page.on('pageerror', (err) => problems.push(`uncaught exception on ${page.url()}: ${err.message}`));
      return {
        goto: (url) => page.goto(url, { waitUntil: 'load' }),
        reload: () => page.reload({ waitUntil: 'load' }),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        async type(selector, text) {
          await page.evaluate(focusAtEnd, selector);
          await page.keyboard.type(text);
        },
        async click(selector) {
          await page.evaluate(scrollIntoView, selector);
          await page.locator(selector).click();
        },
        setFile: (selector, file) => page.setInputFiles(selector, file),
        driverProblems: () => problems.splice(0),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

// ---------------------------------------------------------------------------
// Firefox: puppeteer-core over WebDriver BiDi

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    protocolTimeout: STEP_TIMEOUT_MS,
    extraPrefsFirefox: {
      // No traffic of Firefox's own (updates, telemetry, safe browsing lists).
      'app.update.enabled': false,
      'browser.safebrowsing.malware.enabled': false,
      'browser.safebrowsing.phishing.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'network.captive-portal-service.enabled': false,
      'network.connectivity-service.enabled': false,
    },
  });
  return {
    name: 'firefox',
    version: `Firefox ${(await browser.version()).replace(/^firefox\//, '')}`,
    async newProfile() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const problems = [];
      page.on('console', (msg) => msg.type() === 'error' && problems.push(`console error on ${page.url()}: ${msg.text()}`));
      page.on('pageerror', (err) => problems.push(`uncaught exception on ${page.url()}: ${err.message}`));
      return {
        goto: (url) => page.goto(url, { waitUntil: 'load' }),
        reload: () => page.reload({ waitUntil: 'load' }),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        async type(selector, text) {
          await page.evaluate(focusAtEnd, selector);
          await page.keyboard.type(text);
        },
        async click(selector) {
          await page.evaluate(scrollIntoView, selector);
          await page.click(selector);
        },
        async setFile(selector, file) {
          const input = await page.$(selector);
          await input.uploadFile(file);
        },
        driverProblems: () => problems.splice(0),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

// ---------------------------------------------------------------------------
// WebKit: WebKitGTK's MiniBrowser through WebKitWebDriver and selenium-webdriver

/** A TCP port that was free a moment ago. */
async function freePort() {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once something accepts connections on 127.0.0.1:port. */
async function waitForPort(port, child, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited with ${child.exitCode} before listening`);
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${child.spawnfile} did not listen on port ${port} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts Xvfb on a display it picks itself: `{ display, stop() }`. */
async function startXvfb() {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  xvfb.stderr.on('data', (chunk) => (stderr += chunk));
  const display = await new Promise((resolve, reject) => {
    let text = '';
    xvfb.stdio[3].on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    xvfb.once('error', (err) => reject(new Error(`could not start Xvfb (apt-get install xvfb): ${err.message}`)));
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${stderr}`)));
  });
  return {
    display,
    async stop() {
      if (xvfb.exitCode !== null) return;
      xvfb.kill();
      await once(xvfb, 'exit');
    },
  };
}

async function launchWebKit() {
  const { Builder, By } = await import('selenium-webdriver');
  const xvfb = process.env.DISPLAY ? null : await startXvfb();
  const env = {
    ...process.env,
    ...(xvfb ? { DISPLAY: xvfb.display } : {}),
    // Xvfb has no GPU: WebKitGTK's DMA-BUF renderer would crash the page now and then.
    WEBKIT_DISABLE_DMABUF_RENDERER: '1',
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
  };
  const port = await freePort();
  const driverProcess = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`, '--host=127.0.0.1'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let driverLog = '';
  driverProcess.stderr.on('data', (chunk) => {
    driverLog = (driverLog + chunk).slice(-4000);
    if (process.env.WEBKIT_LOG) process.stderr.write(chunk);
  });
  const stopAll = async () => {
    if (driverProcess.exitCode === null) {
      driverProcess.kill();
      await once(driverProcess, 'exit');
    }
    await xvfb?.stop();
  };
  try {
    await waitForPort(port, driverProcess);
  } catch (err) {
    await stopAll();
    throw new Error(`${err.message}\n${driverLog}`, { cause: err });
  }

  const sessions = new Set();
  const newSession = async () => {
    const driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}`)
      .withCapabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
      })
      .build();
    await driver.manage().setTimeouts({ script: STEP_TIMEOUT_MS, pageLoad: STEP_TIMEOUT_MS });
    sessions.add(driver);
    return driver;
  };

  // The version of WebKitGTK itself (MiniBrowser reports it as its browserVersion).
  const probe = await newSession().catch(async (err) => {
    await stopAll();
    throw new Error(`${err.message}\n${driverLog}`, { cause: err });
  });
  const version = `WebKitGTK ${(await probe.getCapabilities()).get('browserVersion')}`;
  await probe.quit();
  sessions.delete(probe);

  return {
    name: 'webkit',
    version,
    async newProfile() {
      // A new MiniBrowser process: automation sessions use an ephemeral profile.
      const driver = await newSession();
      const element = async (selector) => {
        await evaluate(scrollIntoView, selector);
        return driver.findElement(By.css(selector));
      };
      const evaluate = async (fn, arg) => {
        const result = await driver.executeAsyncScript(
          `const done = arguments[arguments.length - 1];
           Promise.resolve()
             .then(() => (${fn.toString()})(arguments[0]))
             .then((value) => done({ value: value === undefined ? null : value }),
                   (error) => done({ error: String((error && error.stack) || error) }));`,
          arg === undefined ? null : arg,
        );
        if (result && 'error' in result) throw new Error(`in the page: ${result.error}`);
        return result?.value ?? undefined;
      };
      return {
        goto: (url) => driver.get(url),
        reload: () => driver.navigate().refresh(),
        evaluate,
        async type(selector, text) {
          // Focused first: sendKeys leaves the caret of the active element where it is.
          await evaluate(focusAtEnd, selector);
          await driver.findElement(By.css(selector)).sendKeys(text);
        },
        click: async (selector) => (await element(selector)).click(),
        setFile: async (selector, file) => (await driver.findElement(By.css(selector))).sendKeys(file),
        // WebKitWebDriver has no console-log endpoint: the page's own recorder is the only witness.
        driverProblems: () => [],
        async close() {
          sessions.delete(driver);
          await driver.quit();
        },
      };
    },
    async close() {
      for (const driver of sessions) await driver.quit().catch(() => {});
      sessions.clear();
      await stopAll();
    },
  };
}
