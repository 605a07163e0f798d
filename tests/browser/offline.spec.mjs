// Offline: after one visit the service worker has cached the app, its wasm files and the built-in
// digits, and the header says so; with the network off a reload loads the page, still
// cross-origin isolated, and it trains.
import { test, expect } from './fixtures.mjs';
import { openApp } from './appHelpers.mjs';
import { playwrightUi } from './playwrightUi.mjs';
import { offlineReloadTrains } from '../shared/paths.mjs';

test('a link with offline=now stores the app at once, the header says "Available offline" when it has, and with the network off a reload loads the page, cross-origin isolated, says so again and trains', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm&offline=now', { offline: true });
  // The path the Firefox suite runs too (tests/shared/paths.mjs); here the browser's network is
  // switched off, there the server is stopped. Before going offline: what the cache holds.
  await offlineReloadTrains(playwrightUi(page), async () => {
    const cached = await page.evaluate(async () => {
      const urls = [];
      for (const name of await globalThis.caches.keys()) for (const request of await (await globalThis.caches.open(name)).keys()) urls.push(request.url);
      return urls;
    });
    expect(cached.some((url) => url.includes('/data/mnist.bin.gz'))).toBe(true);
    expect(cached.filter((url) => url.endsWith('.wasm')).length).toBeGreaterThanOrEqual(3);
    await page.context().setOffline(true);
  });
});
