// Offline: after one visit the service worker has cached the app, its wasm files and the built-in
// digits, and the header says so; with the network off a reload loads the page, still
// cross-origin isolated, and it trains. When a new version is stored and waiting, the sign says
// "Updating…" and offers to reload into it.
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, openApp } from './appHelpers.mjs';
import { repoRoot, startPreviewServer } from './harness.mjs';
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

test('when a new version of the app is stored and waiting, the sign reads "Updating…" and its button reloads the page into the new version', async ({ ctx }) => {
  // A copy of the built app on a server of its own: the test makes a new version of it by changing
  // the service worker's script, as a new build does.
  const root = mkdtempSync(join(tmpdir(), 'latent-explorer-update-'));
  cpSync(process.env.DIST_DIR ?? join(repoRoot, 'dist'), root, { recursive: true });
  const server = await startPreviewServer({ root });
  try {
    const page = await ctx.newPage({ offline: true, origin: server.url });
    await page.setViewportSize({ width: 1440, height: 960 });
    await page.goto(`${server.url}#backend=wasm&offline=now`);
    const sign = page.locator('.offline-sign').getByRole('status');
    await expect(sign).toHaveText('Available offline', { timeout: 120_000 });
    const waiting = () => page.evaluate(async () => (await globalThis.navigator.serviceWorker.getRegistration())?.waiting != null);
    expect(await waiting()).toBe(false);

    appendFileSync(join(root, 'sw.js'), '\n// a new version\n');
    // A visit finds the new version: the browser checks the service worker's script as the page loads.
    await page.reload();
    await page.getByRole('status').filter({ hasText: BACKEND_LINE }).waitFor({ timeout: 120_000 });
    await expect(sign).toHaveText('Updating…', { timeout: 60_000 });
    expect(await waiting()).toBe(true);
    const reloadInto = page.locator('.offline-sign').getByRole('button', { name: 'Reload into the new version' });
    await expect(reloadInto).toBeVisible();

    // The new version takes over only when asked: the page reloads into it, and it is the one in charge.
    const reloaded = page.waitForEvent('load');
    await reloadInto.click();
    await reloaded;
    await page.getByRole('status').filter({ hasText: BACKEND_LINE }).waitFor({ timeout: 120_000 });
    await expect(sign).toHaveText('Available offline', { timeout: 60_000 });
    expect(await waiting()).toBe(false);
    await expect(page.locator('.offline-sign').getByRole('button')).toHaveCount(0);
    expect(server.cspReports, 'the page, its workers or the service worker broke the Content-Security-Policy').toEqual([]);
  } finally {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
});
