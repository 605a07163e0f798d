// The browser tests' fixtures for @playwright/test: one preview server of the built app per test
// worker, and a `ctx` per test whose pages are watched, so that a console error, an uncaught
// exception, a crash or a request off the app's origin fails the test that caused it.
//
// Spec files: `import { test, expect } from './fixtures.mjs'`, then
// `test('a sentence', async ({ ctx }) => { const page = await ctx.newPage(); ... })`.
// ctx is { browser, baseUrl, newPage(options?), watchOf(page), takeCspReports() }:
//   newPage({ allowProblems, offline, contextOptions }) opens a page in a fresh browser context;
//   allowProblems: true keeps that page's problems from failing the test (fault-injection tests);
//   offline: true lets the page install its service worker (see below);
//   origin: the app's address where the test serves it from a server of its own (requests
//   elsewhere fail the test).
// A test that needs a browser of its own (extra launch flags) says so with
// `test.use({ ownBrowserArgs: ['--flag'] })`: its ctx opens pages in a browser launched for it alone,
// with CHROMIUM_ARGS and those flags. A worker-scoped launch option would do the same, but Playwright
// runs tests with other worker options in workers of their own, started last, one at a time.
//
// Every test also fails on a Content-Security-Policy report: the preview server sends the policy a
// second time as Report-Only, with a report-uri it collects (see cspReportCollector in harness.mjs),
// which covers the workers and the service worker, whose violations the page never sees.
//
// The service worker is held back unless a test asks for it (`offline: true`): its first install
// downloads and stores the whole built app (tens of MB), which cost every test's page about 3 s of
// CPU a few seconds after it opened, taken from the test running beside it. Held back, the page's
// registration stays pending, as on a page that has not reached a quiet moment yet (Playwright's
// own `serviceWorkers: 'block'` resolves it with nothing, and the app then reports offline use as
// broken). The specs that test offline use and the policy under the service worker ask for it.
import { test as base, expect } from '@playwright/test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium, startPreviewServer, watchPage } from './harness.mjs';
import { holdBackServiceWorker } from '../shared/pageReaders.mjs';


/** Actions and waits give up after this long: slow machines train in the page. */
const PAGE_TIMEOUT_MS = 60_000;

export const test = base.extend({
  // Worker-scoped: the built app (DIST_DIR, default dist/) served once for all of a worker's tests.
  previewServer: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixture's dependencies from this pattern.
    async ({}, use) => {
      const server = await startPreviewServer({ root: process.env.DIST_DIR });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  baseUrl: [async ({ previewServer }, use) => use(previewServer.url), { scope: 'worker' }],

  // Test-scoped: extra Chromium flags for a browser of the test's own; null uses the worker's browser.
  ownBrowserArgs: [null, { option: true }],

  ctx: async ({ browser: workersBrowser, baseUrl, previewServer, ownBrowserArgs }, use, testInfo) => {
    const browser = ownBrowserArgs
      ? await chromium.launch({ executablePath: findChromium(), headless: true, args: [...CHROMIUM_ARGS, ...ownBrowserArgs] })
      : workersBrowser;
    const opened = [];
    const watches = new Map();
    // The policy reports of this test: those posted from here on (a worker's tests run one at a time).
    const { cspReports } = previewServer;
    // Reports posted after the worker's previous test ended fail this one, named as such, not silently.
    const lateReports = cspReports.splice(0, cspReports.length).map((report) => `after the previous test: ${report}`);
    const ctx = {
      browser,
      baseUrl,
      /** The Content-Security-Policy reports so far, taken out of the check (a test that breaks the policy on purpose). */
      takeCspReports() {
        return cspReports.splice(0, cspReports.length);
      },
      async newPage({ allowProblems = false, offline = false, contextOptions = {}, origin = baseUrl } = {}) {
        const context = await browser.newContext(contextOptions);
        if (!offline) await context.addInitScript(holdBackServiceWorker);
        const page = await context.newPage();
        page.setDefaultTimeout(PAGE_TIMEOUT_MS);
        page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
        const watch = watchPage(page, origin);
        watches.set(page, watch);
        opened.push({ context, page, watch, allowProblems });
        return page;
      },
      watchOf(page) {
        const watch = watches.get(page);
        if (!watch) throw new Error('watchOf: this page was not opened with ctx.newPage()');
        return watch;
      },
    };
    await use(ctx);
    try {
      if (testInfo.status !== testInfo.expectedStatus) {
        // The pages are our own contexts', so Playwright's screenshot option does not see them.
        for (const [index, { page }] of opened.entries()) {
          const shot = await page.screenshot({ timeout: 10_000 }).catch(() => null);
          if (shot) await testInfo.attach(`page-${index}`, { body: shot, contentType: 'image/png' });
        }
      } else {
        const problems = opened.filter(({ allowProblems }) => !allowProblems).flatMap(({ watch }) => watch.problems());
        expect(problems, 'the pages reported problems').toEqual([]);
        expect([...lateReports, ...cspReports], 'the pages, their workers or the service worker broke the Content-Security-Policy').toEqual([]);
      }
    } finally {
      await Promise.all(opened.map(({ context }) => context.close().catch(() => {})));
      if (browser !== workersBrowser) await browser.close();
    }
  },
});

export { expect };
