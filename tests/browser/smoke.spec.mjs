// The built app opens cleanly: no console errors, no requests off its own origin, and it is
// cross-origin isolated (COOP/COEP served), which threaded wasm needs.

import { test } from './fixtures.mjs';

test('page loads with no console errors and no foreign requests', async ({ ctx: { baseUrl, newPage, watchOf } }) => {
  const page = await newPage();
  await page.goto(baseUrl);
  await page.waitForSelector('h1');
  // Give late scripts (workers, lazy chunks) a moment to report.
  await page.waitForLoadState('networkidle');
  const watch = watchOf(page);
  if (watch.consoleErrors.length > 0) throw new Error(`console errors:\n${watch.consoleErrors.join('\n')}`);
  if (watch.pageErrors.length > 0) throw new Error(`page errors:\n${watch.pageErrors.join('\n')}`);
  if (watch.foreignRequests.length > 0) throw new Error(`foreign requests:\n${watch.foreignRequests.join('\n')}`);
});

test('page is cross-origin isolated, so SharedArrayBuffer is available', async ({ ctx: { baseUrl, newPage } }) => {
  const page = await newPage();
  await page.goto(baseUrl);
  const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
  const hasSharedMemory = await page.evaluate(() => typeof globalThis.SharedArrayBuffer === 'function');
  if (!isolated || !hasSharedMemory) {
    throw new Error(`crossOriginIsolated=${isolated}, SharedArrayBuffer ${hasSharedMemory ? 'present' : 'missing'}; ` +
      'check the COOP/COEP preview headers in vite.config.ts');
  }
});
