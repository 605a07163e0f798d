// Offline: after one visit the service worker has cached the app, its wasm files and the built-in
// digits, and the header says so; with the network off a reload loads the page, still
// cross-origin isolated, and it trains.
import { test, expect } from './fixtures.mjs';
import { globalStep, openApp } from './appHelpers.mjs';

/** The header's quiet sign of where offline use stands. */
function offlineSign(page) {
  return page.locator('.offline-sign').getByRole('status');
}

test('a link with offline=now stores the app at once, the header says "Available offline" when it has, and with the network off a reload loads the page, cross-origin isolated, says so again and trains', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm&offline=now', { offline: true });
  // The sign comes once the service worker has stored everything (Workbox installs all or nothing).
  await expect(offlineSign(page)).toHaveText('Available offline', { timeout: 120_000 });
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
  // The stored copy from the last visit is known from the start, before any quiet moment.
  await expect(offlineSign(page)).toHaveText('Available offline');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 120_000 }).toBeGreaterThan(5);
});
