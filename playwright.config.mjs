// Browser tests: @playwright/test driving the system's Chromium (never a downloaded browser),
// against the built app served by Vite's preview server (see tests/browser/fixtures.mjs).
import { cpus } from 'node:os';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './tests/browser/harness.mjs';

// Each test trains a model in its page, which keeps about two cores busy (the page and its
// worker), so one test runs per two cores; WORKERS overrides it.
const workers = Number(process.env.WORKERS) || Math.max(1, Math.floor(cpus().length / 2));

export default defineConfig({
  testDir: 'tests/browser',
  testMatch: '*.spec.mjs',
  outputDir: 'test-results',
  workers,
  fullyParallel: false,
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
