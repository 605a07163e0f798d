// Saved sessions: a saved file opened in a fresh browser brings back the step, the loss history and
// the decoded pixels at the probe; a file for another image shape is refused and the current session
// kept; a reload during training and a crashed tab both resume from the IndexedDB autosave; a session
// is opened from and deleted in the Saved sessions list; the user's own images are stored only when
// asked, and without them a resumed session asks for the files again.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, decodedChecksum, globalStep, openApp, pauseAndSettle } from './appHelpers.mjs';
import { playwrightUi } from './playwrightUi.mjs';
import { sessionSavedAndOpened } from '../shared/paths.mjs';

/** Short epochs, so a loss history exists after a few seconds of training. */
const QUICK = '#backend=wasm&batch=256&epochs=40';

async function download(page, buttonName) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: buttonName }).click()]);
  return readFileSync(await file.path());
}

async function lossCsv(page) {
  return (await download(page, 'Export loss history')).toString('utf8');
}

/**
 * Train until an epoch has ended, then pause and let the paused model's last step, map and weights
 * arrive (`pauseAndSettle`). After a pause the worker refreshes the map, encoding every image, before
 * it sends the weights: on a loaded machine the decoded image could hold still for a moment on the
 * weights of a step before the pause, and a session saved then held newer weights than the pixels
 * read from the page (a failure seen once in CI).
 */
async function trainOneEpochThenPause(page) {
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('.loss-figures')).toHaveText(/^Epoch \d+:/, { timeout: 180_000 });
  await pauseAndSettle(page);
}

/** The autosaved sessions, as the list shows them. */
function savedList(page) {
  return page.getByRole('list', { name: 'Saved sessions' }).getByRole('listitem');
}

/** Wait until the newest autosave holds the step the page shows (Pause saves at once). */
async function autosavedAt(page, step) {
  await expect.poll(async () => savedStep((await savedList(page).first().innerText().catch(() => '')) || ''), { timeout: 30_000 }).toBe(step);
}

// The user's own images: 120 pictures of 3 classes (a bar, a band, a box) as an IDX pair.
function idxFile(magic, dims, data) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((dim, i) => header.writeUInt32BE(dim, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

function ownIdxFiles() {
  const count = 120;
  const images = new Uint8Array(count * 28 * 28);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    labels[i] = label;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const [cx, cy] = [x - 14 + (i % 5) - 2, y - 14];
        const on = label === 0 ? Math.abs(cx) < 3 && Math.abs(cy) < 10 : label === 1 ? Math.abs(cy) < 3 && Math.abs(cx) < 10 : Math.abs(cx) < 7 && Math.abs(cy) < 7;
        images[i * 784 + y * 28 + x] = on ? 180 + ((x * 7 + y + i) % 70) : 0;
      }
    }
  }
  return [
    { name: 'lines-images-idx3-ubyte.gz', mimeType: 'application/gzip', buffer: gzipSync(idxFile(0x803, [count, 28, 28], images)) },
    { name: 'lines-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: idxFile(0x801, [count], labels) },
  ];
}

async function loadOwnFiles(page) {
  await page.getByLabel('Load data files').setInputFiles(ownIdxFiles());
}

async function openPage(ctx, context = null, hash = QUICK) {
  const page = context ? await context.newPage() : await ctx.newPage({ allowProblems: true });
  await page.setViewportSize({ width: 1440, height: 960 });
  await page.goto(ctx.baseUrl + hash);
  await page.getByRole('status').filter({ hasText: BACKEND_LINE }).first().waitFor({ timeout: 120_000 });
  return page;
}

function savedStep(text) {
  const match = /step ([\d,]+)/.exec(text);
  return match ? Number(match[1].replace(/,/g, '')) : 0;
}

test('a saved session opened in a fresh browser shows the same step, loss history and decoded pixels; a file for another image shape is refused', async ({ ctx }) => {
  // The path the Firefox suite runs too (tests/shared/paths.mjs), then what only this suite checks.
  const first = await openApp(ctx, QUICK);
  const opened = await sessionSavedAndOpened(playwrightUi(first), async () => playwrightUi(await openApp(ctx, '#backend=wasm')));
  const { saved, savedAt: step, pixels } = opened;
  const second = opened.second.page;
  await first.screenshot({ path: 'test-results/sessions-panel.png', fullPage: true }).catch(() => {});
  const losses = await lossCsv(first);
  expect(losses.split('\n').length).toBeGreaterThan(2);
  expect(await lossCsv(second)).toBe(losses);

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
  const epochEndedAt = await globalStep(page);
  const list = page.getByRole('list', { name: 'Saved sessions' });
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 30_000 });
  await expect(list.getByRole('listitem')).toContainText('MNIST digits · Basic');
  // An autosave made after the epoch ended (one comes every 3 s while training).
  await expect.poll(async () => savedStep(await list.getByRole('listitem').innerText()), { timeout: 30_000 }).toBeGreaterThanOrEqual(epochEndedAt);
  const stepBefore = savedStep(await list.getByRole('listitem').innerText());
  expect(stepBefore).toBeGreaterThan(0);

  await page.reload();
  await page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 120_000 });
  await expect(page.locator('.notices')).toContainText('Resumed your session');
  const resumedAt = savedStep(await page.getByRole('list', { name: 'Saved sessions' }).getByRole('listitem').first().innerText());
  expect(resumedAt).toBeGreaterThanOrEqual(stepBefore);
  await expect.poll(() => globalStep(page).catch(() => -1), { timeout: 60_000 }).toBe(resumedAt);
  expect((await lossCsv(page)).trim().split('\n').length).toBeGreaterThan(1);

  const losses = await lossCsv(page);

  // Reset starts a fresh model; Open in the Saved sessions list brings the saved one back.
  await page.getByRole('button', { name: 'Reset' }).click();
  await expect.poll(() => globalStep(page).catch(() => 0)).toBe(0);
  await expect(page.getByRole('button', { name: 'Export loss history' })).toBeDisabled();
  const item = savedList(page).first();
  const name = (await item.getByRole('button', { name: /^Open / }).getAttribute('aria-label')).slice('Open '.length);
  expect(name).toMatch(/^MNIST digits · Basic · \d/);
  await item.getByRole('button', { name: /^Open / }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => globalStep(page).catch(() => -1), { timeout: 60_000 }).toBe(resumedAt);
  expect(await lossCsv(page)).toBe(losses);
  await expect(savedList(page)).toHaveCount(1); // opened, not copied

  // Deleting it empties the list, and it stays deleted: a reload starts afresh.
  await savedList(page).first().getByRole('button', { name: `Delete ${name}` }).click();
  await expect(savedList(page)).toHaveCount(0);
  await page.reload();
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  await expect(savedList(page)).toHaveCount(0);
  expect(await globalStep(page).catch(() => 0)).toBe(0);
  await expect(page.getByText('Resumed your session')).toHaveCount(0);
});

test('a crashed tab (renderer crash through the DevTools protocol) reopened in the same browser brings the progress back', async ({ ctx }) => {
  const page = await openPage(ctx);
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('.loss-figures')).toHaveText(/^Epoch \d+:/, { timeout: 180_000 });
  const epochEndedAt = await globalStep(page);
  const list = page.getByRole('list', { name: 'Saved sessions' });
  await expect(list.getByRole('listitem')).toHaveCount(1, { timeout: 30_000 });
  await expect.poll(async () => savedStep(await list.getByRole('listitem').innerText()), { timeout: 30_000 }).toBeGreaterThanOrEqual(epochEndedAt);
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

test('your own images are stored only when asked: without them a reload asks for the files and resumes on them; with them it resumes at once', async ({ ctx }) => {
  // 108 training images in batches of 27: four steps an epoch, and far too many epochs to finish.
  const page = await openPage(ctx, null, '#backend=wasm&batch=27&epochs=1000');
  await loadOwnFiles(page);
  await page.locator('.dataset-line', { hasText: /^lines-images · 120 images/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  const store = page.getByRole('checkbox', { name: /^Store my own images with the session/ });
  await expect(store).toBeEnabled();
  await expect(store).not.toBeChecked();
  await trainOneEpochThenPause(page);
  const step = await globalStep(page);
  await autosavedAt(page, step);
  await expect(savedList(page).first()).toContainText('lines-images · Basic');
  await expect(savedList(page).first()).toContainText('needs its files');
  const losses = await lossCsv(page);

  // Reloaded: the session says which files it needs and waits; nothing claims it was resumed.
  await page.reload();
  const waiting = page.getByRole('status').filter({ hasText: 'A saved session waits for its images' });
  await expect(waiting).toBeVisible({ timeout: 120_000 });
  await expect(waiting).toContainText('load lines-images again (120 images of 28×28×1) with Load data files');
  await expect(page.locator('.notices')).toContainText('This session was trained on your own files (lines-images: 120 images');
  await expect(page.locator('.notices')).not.toContainText('Resumed your session');
  await expect(page.locator('.notices')).not.toContainText('not the files');

  // Given the same files, it resumes with the same step and loss history.
  await loadOwnFiles(page);
  await expect(page.locator('.notices')).toContainText('Resumed the saved session on lines-images', { timeout: 60_000 });
  await expect(waiting).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect.poll(() => globalStep(page).catch(() => -1), { timeout: 60_000 }).toBe(step);
  expect(await lossCsv(page)).toBe(losses);

  // Now stored with the session: train on, and a reload resumes at once, without asking.
  await store.check();
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => globalStep(page).catch(() => -1), { timeout: 60_000 }).toBeGreaterThan(step + 8);
  await pauseAndSettle(page);
  const later = await globalStep(page);
  expect(later).toBeGreaterThan(step);
  await autosavedAt(page, later);
  await expect(savedList(page).first()).not.toContainText('needs its files');
  const laterLosses = await lossCsv(page);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible({ timeout: 120_000 });
  await expect(page.locator('.notices')).toContainText('Resumed your session');
  await expect(page.getByRole('status').filter({ hasText: 'A saved session waits for its images' })).toHaveCount(0);
  await expect(page.locator('.dataset-line')).toContainText('lines-images · 120 images');
  await expect.poll(() => globalStep(page).catch(() => -1), { timeout: 60_000 }).toBe(later);
  expect(await lossCsv(page)).toBe(laterLosses);
  await expect(page.getByRole('checkbox', { name: /^Store my own images with the session/ })).toBeChecked();
});
