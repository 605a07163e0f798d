// Firefox for the browser suite: found on this machine (never downloaded), launched by
// puppeteer-core over WebDriver BiDi, one fresh browser context per page, and a page watched for
// what a test wants absent. Playwright's Firefox driver does not work with Debian's Firefox ESR
// (its protocol commands are refused), so this suite has its own small driver.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { findBrowser } from '../shared/findBrowser.mjs';
import { holdBackServiceWorker } from '../shared/pageReaders.mjs';
import { poll } from '../shared/poll.mjs';

const INSTALL_HINT = 'Install Firefox ESR (Debian/Ubuntu: `apt-get install -y firefox-esr`) or set FIREFOX_PATH to a Firefox executable.';

/** FIREFOX_PATH if set, else /usr/bin/firefox-esr, else `firefox` on PATH. */
export function findFirefox() {
  return findBrowser({ envVar: 'FIREFOX_PATH', paths: ['/usr/bin/firefox-esr'], command: 'firefox', browser: 'Firefox', hint: INSTALL_HINT });
}

/** Headless Firefox, or, given an X `display` (see xvfb.mjs), a headed one drawing there. */
export function launchFirefox({ display } = {}) {
  const env = display ? { ...process.env, DISPLAY: display } : process.env;
  return puppeteer.launch({ browser: 'firefox', executablePath: findFirefox(), headless: !display, env });
}


/**
 * In the page: keep the bytes of every download started through a temporary link to a Blob (the
 * app's exports and session files). The Blob is kept when its URL is made: Firefox refuses a
 * fetch of some blob: URLs from a script, so the URL is not read back.
 */
function keepDownloads() {
  const { HTMLAnchorElement, URL, btoa } = globalThis;
  const kept = [];
  const blobs = new Map();
  globalThis.__keptDownloads = kept;
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (object) => {
    const url = createObjectURL.call(URL, object);
    blobs.set(url, object);
    return url;
  };
  const click = HTMLAnchorElement.prototype.click;
  HTMLAnchorElement.prototype.click = function () {
    const blob = this.download ? blobs.get(this.href) : undefined;
    if (blob) {
      kept.push(
        blob
          .arrayBuffer()
          .then((buffer) => {
            let text = '';
            const bytes = new Uint8Array(buffer);
            for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
            return btoa(text);
          }),
      );
      return;
    }
    return click.call(this);
  };
}

/** Console lines a page keeps for a failure's message. */
const CONSOLE_TAIL = 30;

/**
 * A new page in a fresh browser context at `hash`, watched: `problems()` lists console errors,
 * uncaught exceptions, requests off the app's origin and failed same-origin requests.
 */
export async function openPage(browser, server, hash = '', { serviceWorker = false } = {}) {
  // Firefox gives no service worker to a page in a separate user context: a test of offline use
  // opens its page in the browser's default context (and closes only the page).
  const context = serviceWorker ? browser.defaultBrowserContext() : await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1440, height: 960 });
  if (!serviceWorker) await page.evaluateOnNewDocument(holdBackServiceWorker);
  await page.evaluateOnNewDocument(keepDownloads);
  const origin = new URL(server.url).origin;
  const problems = [];
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message ?? error}`));
  // The last console lines of every kind, for a failure's message (`ui.consoleTail`).
  const consoleLines = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    consoleLines.push(`${message.type()}: ${message.text()}`);
    if (consoleLines.length > CONSOLE_TAIL) consoleLines.shift();
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!/^(data|blob):/.test(url) && new URL(url).origin !== origin) problems.push(`request off the app's origin: ${url}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && response.url().startsWith(origin)) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.setDefaultTimeout(60_000);
  await page.goto(server.url + hash);
  // Files handed to the page's inputs are written here first: puppeteer uploads paths, not bytes.
  const folder = mkdtempSync(join(tmpdir(), 'latent-explorer-firefox-'));
  return {
    page,
    problems: () => problems.slice(),
    async close() {
      rmSync(folder, { recursive: true, force: true });
      await (serviceWorker ? page.close() : context.close());
    },
    /** A `ui` for the shared paths (tests/shared/paths.mjs). */
    ui: {
      page,
      evaluate: (fn, arg) => page.evaluate(fn, arg),
      consoleTail: () => consoleLines.slice(),
      click: (name) => clickButton(page, name),
      enabled: (name) => buttonEnabled(page, name),
      mouse: page.mouse,
      keyboard: page.keyboard,
      focus: (selector) => page.focus(selector),
      async box(selector) {
        const element = await page.$(selector);
        if (!element) throw new Error(`No element ${selector} on the page.`);
        const box = await element.boundingBox();
        await element.dispose();
        return box;
      },
      setViewport: (width, height) => page.setViewport({ width, height }),
      async upload(selector, files) {
        const input = await page.$(selector);
        if (!input) throw new Error(`No file input ${selector} on the page.`);
        const paths = files.map(({ name, buffer }) => {
          const path = join(folder, name);
          writeFileSync(path, buffer);
          return path;
        });
        await input.uploadFile(...paths);
        await input.dispose();
      },
      download: (action) => downloadOf(page, action),
      reload: () => page.reload(),
    },
  };
}

/** The bytes of the download that `action` starts (kept by `keepDownloads`). */
async function downloadOf(page, action) {
  const before = await page.evaluate(() => globalThis.__keptDownloads.length);
  await action();
  await poll(() => page.evaluate((count) => globalThis.__keptDownloads.length > count, before), { message: 'a download starts' });
  const base64 = await page.evaluate((index) => globalThis.__keptDownloads[index], before);
  return Buffer.from(base64, 'base64');
}

/** The visible button whose text (or accessible label) is `name`, as an element handle, or null. */
async function buttonNamed(page, name) {
  const handle = await page.evaluateHandle((wanted) => {
    const named = (button) => (button.getAttribute('aria-label') ?? button.textContent ?? '').trim() === wanted;
    return [...document.querySelectorAll('button')].find((button) => named(button) && button.getClientRects().length > 0) ?? null;
  }, name);
  const element = handle.asElement();
  if (!element) await handle.dispose();
  return element;
}

export async function buttonEnabled(page, name) {
  const button = await buttonNamed(page, name);
  if (!button) return false;
  const enabled = await button.evaluate((element) => !element.disabled);
  await button.dispose();
  return enabled;
}

/** A real click (pointer events through the browser) on the button named `name`. */
export async function clickButton(page, name) {
  const button = await buttonNamed(page, name);
  if (!button) throw new Error(`No visible button "${name}" on the page.`);
  await button.click();
  await button.dispose();
}
