// Offline: after one visit the service worker has cached the app, its wasm files and the built-in
// digits; with the network off a reload loads the page, still cross-origin isolated, and it trains.
import { test, expect } from './fixtures.mjs';
import { globalStep, openApp } from './appHelpers.mjs';

test('with the network off after one visit, a reload loads the page, cross-origin isolated, and it trains', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm', { offline: true });
  // Activation follows a complete precache (install fails otherwise).
  await page.evaluate(() => globalThis.navigator.serviceWorker.ready.then(() => undefined));
  await expect.poll(() => page.evaluate(() => globalThis.navigator.serviceWorker.controller !== null)).toBe(true);
  const cached = await page.evaluate(async () => {
    const urls = [];
    for (const name of await globalThis.caches.keys()) for (const request of await (await globalThis.caches.open(name)).keys()) urls.push(request.url);
    return urls;
  });
  expect(cached.some((url) => url.includes('/data/mnist.bin.gz'))).toBe(true);
  expect(cached.filter((url) => url.endsWith('.wasm')).length).toBeGreaterThanOrEqual(3);

  await page.context().setOffline(true);
  await page.reload();
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  await page.getByRole('button', { name: 'Train' }).click();
  await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 120_000 }).toBeGreaterThan(5);
});
