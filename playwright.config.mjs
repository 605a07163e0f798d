// Browser tests: @playwright/test driving the system's Chromium (never a downloaded browser), and
// the Firefox tests beside them, against the built app served by Vite's preview server (see
// tests/browser/fixtures.mjs and tests/firefox/fixtures.mjs).
import { cpus } from 'node:os';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './tests/browser/harness.mjs';

// One test per core. While it trains on WebAssembly (one thread on a 2-core machine) a test's page
// and training worker keep one to two cores busy, and much of a test is not training: opening the
// app, loading files, paused checks, waits on the page. Two tests at a time keep both cores of a CI
// machine busy where one left them part idle. WORKERS overrides it (WORKERS=1 runs one at a time).
const workers = Number(process.env.WORKERS) || Math.max(1, cpus().length);

export default defineConfig({
  // The Firefox tests (tests/firefox) run here too: they drive Firefox with puppeteer-core, and the
  // runner fits them into the workers' idle time instead of after the Chromium tests.
  testDir: 'tests',
  testMatch: ['browser/*.spec.mjs', 'firefox/*.spec.mjs'],
  outputDir: 'test-results',
  workers,
  // Every test opens its own browser contexts (fresh storage) against its worker's own preview
  // server, and no spec keeps state between tests, so tests of one file may run in any worker.
  fullyParallel: true,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  // A whole test, training included, on a slow shared machine; a hung test fails instead of hanging.
  timeout: 5 * 60_000,
  expect: { timeout: 60_000 },
  reporter: [['list'], ['./tests/browser/summaryReporter.mjs']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    actionTimeout: 60_000,
    navigationTimeout: 60_000,
    // The trace keeps each action, console line and request of a failed test, without the DOM
    // snapshots and screencast that made every test a third slower on two cores (a failed test's
    // pages are screenshotted by the ctx fixture instead).
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: false, sources: false },
    screenshot: 'only-on-failure',
  },
});
