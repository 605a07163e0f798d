// Browser tests: @playwright/test driving the system's Chromium (never a downloaded browser),
// against the built app served by Vite's preview server (see tests/browser/fixtures.mjs).
import { cpus } from 'node:os';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './tests/browser/harness.mjs';

// One test per core. A test's page and its training worker keep at most about two cores busy while
// it trains, on WebAssembly, and much of a test is not training: opening the app, waiting on the
// page, paused checks. Measured on 2 cores, two tests at a time finished the suite sooner than one,
// with no test slower than its own limits allow. WORKERS overrides it.
const workers = Number(process.env.WORKERS) || Math.max(1, cpus().length);

export default defineConfig({
  testDir: 'tests/browser',
  testMatch: '*.spec.mjs',
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
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
