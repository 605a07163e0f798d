// Saved sessions: a saved file opened in a fresh browser brings back the step, the loss history and
// the decoded pixels at the probe; a file for another image shape is refused and the current session
// kept; a reload during training and a crashed tab both resume from the IndexedDB autosave.
import { readFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, decodedChecksum, globalStep, openApp } from './appHelpers.mjs';

/** Short epochs, so a loss history exists after a few seconds of training. */
const QUICK = '#batch=256&epochs=40';

async function download(page, buttonName) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: buttonName }).click()]);
  return readFileSync(await file.path());
}

async function lossCsv(page) {
  return (await download(page, 'Export loss history')).toString('utf8');
}

/** Train until an epoch has ended, then pause and let the paused model's last weights arrive. */
async function trainOneEpochThenPause(page) {
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('.loss-figures')).toHaveText(/^Epoch \d+:/, { timeout: 180_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await page.waitForTimeout(1500);
}

async function openPage(ctx, context = null) {
  const page = context ? await context.newPage() : await ctx.newPage({ allowProblems: true });
  await page.setViewportSize({ width: 1440, height: 960 });
  await page.goto(ctx.baseUrl + QUICK);
  await page.getByRole('status').filter({ hasText: BACKEND_LINE }).first().waitFor({ timeout: 120_000 });
  return page;
}

function savedStep(text) {
  const match = /step ([\d,]+)/.exec(text);
  return match ? Number(match[1].replace(/,/g, '')) : 0;
}

test('a saved session opened in a fresh browser shows the same step, loss history and decoded pixels; a file for another image shape is refused', async ({ ctx }) => {
  const first = await openApp(ctx, QUICK);
  await trainOneEpochThenPause(first);
  const step = await globalStep(first);
  const losses = await lossCsv(first);
  expect(losses.split('\n').length).toBeGreaterThan(2);
  const pixels = await decodedChecksum(first);
  const saved = await download(first, 'Save session');
  await first.screenshot({ path: 'test-results/sessions-panel.png', fullPage: true }).catch(() => {});

  const second = await openApp(ctx);
  await expect.poll(() => globalStep(second).catch(() => -1)).toBe(0);
  await second.getByLabel('Open session').setInputFiles({ name: 'session.zip', mimeType: 'application/zip', buffer: saved });
  await expect(second.getByRole('button', { name: 'Resume' })).toBeVisible({ timeout: 120_000 });
  await expect.poll(() => globalStep(second).catch(() => -1), { timeout: 60_000 }).toBe(step);
  expect(await lossCsv(second)).toBe(losses);
  await expect.poll(() => decodedChecksum(second), { timeout: 30_000 }).toBe(pixels);

  // The same session claimed for 32x32 colour images: refused, and the open session stays.
  const files = unzipSync(new Uint8Array(saved));
  const header = JSON.parse(strFromU8(files['session.json']));
  header.dataset.shape = [32, 32, 3];
  files['session.json'] = strToU8(JSON.stringify(header));
  const encoder = JSON.parse(strFromU8(files['encoder/model.json']));
  encoder.modelTopology.config.layers[0].config.batch_input_shape = [null, 32, 32, 3];
  files['encoder/model.json'] = strToU8(JSON.stringify(encoder));
  await second.getByLabel('Open session').setInputFiles({ name: 'colour.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(files)) });
  await expect(second.getByRole('alert').filter({ hasText: 'could not be opened' })).toContainText(/32×32×3/);
  await expect(second.getByRole('alert').filter({ hasText: 'could not be opened' })).toContainText('The current session is unchanged');
  expect(await globalStep(second)).toBe(step);
  expect(await lossCsv(second)).toBe(losses);
  expect(await decodedChecksum(second)).toBe(pixels);
});

test('a reload during training resumes from the autosave: step count and loss history come back', async ({ ctx }) => {
  const page = await openPage(ctx);
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('.loss-figures')).toHaveText(/^Epoch \d+:/, { timeout: 180_000 });
  const list = page.getByRole('list', { name: 'Saved sessions' });
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 30_000 });
  await expect(list.getByRole('listitem')).toContainText('MNIST digits · Basic');
  await page.waitForTimeout(3500); // an autosave after the epoch ended
  const stepBefore = savedStep(await list.getByRole('listitem').innerText());
  expect(stepBefore).toBeGreaterThan(0);

  await page.reload();
  await page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 120_000 });
  await expect(page.locator('.notices')).toContainText('Resumed your session');
  const resumedAt = savedStep(await page.getByRole('list', { name: 'Saved sessions' }).getByRole('listitem').first().innerText());
  expect(resumedAt).toBeGreaterThanOrEqual(stepBefore);
  await expect.poll(() => globalStep(page).catch(() => -1), { timeout: 60_000 }).toBe(resumedAt);
  expect((await lossCsv(page)).trim().split('\n').length).toBeGreaterThan(1);

  // Deleting it empties the list, and it stays deleted.
  const item = page.getByRole('list', { name: 'Saved sessions' }).getByRole('listitem').first();
  await item.getByRole('button', { name: /^Delete / }).click();
  await expect(page.getByRole('list', { name: 'Saved sessions' }).getByRole('listitem')).toHaveCount(0);
});

test('a crashed tab (renderer crash through the DevTools protocol) reopened in the same browser brings the progress back', async ({ ctx }) => {
  const page = await openPage(ctx);
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('.loss-figures')).toHaveText(/^Epoch \d+:/, { timeout: 180_000 });
  const list = page.getByRole('list', { name: 'Saved sessions' });
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 30_000 });
  await page.waitForTimeout(3500);
  const stepBefore = savedStep(await list.getByRole('listitem').innerText());
  expect(stepBefore).toBeGreaterThan(0);

  const cdp = await page.context().newCDPSession(page);
  const crashed = page.waitForEvent('crash');
  void cdp.send('Page.crash').catch(() => {}); // never answered: the renderer is gone
  await crashed;

  const reopened = await openPage(ctx, page.context());
  await reopened.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 120_000 });
  await expect.poll(() => globalStep(reopened).catch(() => -1), { timeout: 60_000 }).toBeGreaterThanOrEqual(stepBefore);
  expect((await lossCsv(reopened)).trim().split('\n').length).toBeGreaterThan(1);
  // And it trains on from there.
  const resumed = await globalStep(reopened);
  await reopened.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => globalStep(reopened).catch(() => -1), { timeout: 60_000 }).toBeGreaterThan(resumed);
});
