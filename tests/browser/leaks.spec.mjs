// Nothing leaks: the tensor counts of the page (its decoder copy) and of the training worker, and
// the page's JS heap after a forced collection (read through the DevTools protocol), stay flat
// across 100 epochs of a small set, 10,000 decodes, 50 kind switches, 20 dataset loads and 20
// backend switches. Each phase is measured against a baseline taken after one warm-up round of
// the same work, so first-use caches (kernels, compiled shaders, lazily loaded code) do not count.
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, settle } from './appHelpers.mjs';
import { LEAK_RUN_HASH, LEAK_SET_SIZE, loadSmallSet, measureMemory, smallSet, trainEpochsMeasured, waitIdle } from './leakProbe.mjs';

/** Heap growth allowed per phase, after a full collection: a leak of one dataset copy or a few models is far more. */
const HEAP_TOLERANCE_MB = 4;
const KINDS = ['basic', 'convolutional', 'denoising', 'sparse', 'variational', 'contractive'];
const SET_A = smallSet('bars', LEAK_SET_SIZE);
const SET_B = smallSet('boxes', 96);

/** Asserts that nothing grew from `before` to `after`, and returns the figures for the report. */
function expectFlat(phase, before, after) {
  const figures = { phase, before, after, heapGrowthMb: Number((after.heapMb - before.heapMb).toFixed(2)), at: new Date().toISOString() };
  console.log(`leaks: ${JSON.stringify(figures)}`);
  expect(after.page, `${phase}: page tensors`).toBe(before.page);
  expect(after.worker, `${phase}: worker tensors`).toBe(before.worker);
  expect(after.workerBytes, `${phase}: worker tensor bytes`).toBe(before.workerBytes);
  expect(after.heapMb - before.heapMb, `${phase}: page heap growth (MB)`).toBeLessThan(HEAP_TOLERANCE_MB);
  return figures;
}

async function chooseBackend(page, name) {
  await page.getByLabel('Backend', { exact: true }).selectOption(name);
  await expect(page.getByRole('status').filter({ hasText: BACKEND_LINE })).toHaveText(new RegExp(`^Backend: ${name}`), { timeout: 60_000 });
  await page.getByLabel('Backend', { exact: true }).and(page.locator(':enabled')).waitFor();
}

async function chooseKind(page, kind) {
  await page.getByLabel('Autoencoder kind').selectOption(kind);
  await page.getByRole('button', { name: 'Reset' }).click();
  await waitIdle(page);
}

test('tensor counts and the page heap stay flat across epochs, decodes, kind switches, dataset loads and backend switches', async ({ ctx }) => {
  test.setTimeout(12 * 60_000); // a few minutes on two cores, many more when they are shared
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1440, height: 960 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  // A small dense model on wasm and a set of 128 images (2 batches an epoch): 100 epochs take seconds.
  await page.goto(ctx.baseUrl + LEAK_RUN_HASH);
  await page.getByRole('status').filter({ hasText: /^Backend: wasm/ }).waitFor({ timeout: 120_000 });
  await loadSmallSet(page, SET_A, LEAK_SET_SIZE);
  const progress = page.locator('.progress-head').first();
  const report = [];

  // 1. 100 epochs, after a 5-epoch warm-up run of the same model.
  const run = await trainEpochsMeasured(page, cdp);
  report.push({ ...expectFlat(`${run.epochs} epochs`, run.before, run.after), epochs: run.epochs });

  // 2. 10,000 decodes: the 16 x 16 manifold grid (256 decodes a draw), redrawn by zooming the map.
  await page.getByLabel('Grid size').selectOption('16');
  const grid = page.getByRole('img', { name: 'Manifold grid' });
  const draws = async () => Number((await grid.getAttribute('data-draws')) ?? '0');
  const map = page.getByRole('img', { name: 'Latent map' });
  const box = await map.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  // Each wheel turn (in and out in turn) changes the map's region, and the grid redraws for it.
  const zoomUntil = async (target) => {
    for (let i = 0; (await draws()) < target; i++) {
      if (i > 400) throw new Error(`the grid drew ${await draws()} times, not ${target}`);
      const before = await draws();
      await page.mouse.wheel(0, i % 2 === 0 ? -120 : 120);
      await expect.poll(draws, { message: 'the grid redraws after a wheel turn', intervals: [50, 100] }).toBeGreaterThan(before);
    }
  };
  await zoomUntil((await draws()) + 2);
  await settle(page, { quietMs: 1000 }); // no redraw still waiting out the grid's 500 ms throttle
  const beforeDecodes = await measureMemory(page, cdp);
  const drawsBefore = await draws();
  await zoomUntil(drawsBefore + Math.ceil(10_000 / 256));
  await settle(page, { quietMs: 1000 });
  const decodes = ((await draws()) - drawsBefore) * 256;
  report.push({ ...expectFlat(`${decodes} decodes`, beforeDecodes, await measureMemory(page, cdp)), decodes });
  expect(decodes).toBeGreaterThanOrEqual(10_000);

  // 3. 50 kind switches, each building a new model in the worker and a new decoder copy in the page.
  // The grid goes back to its default size: it still redraws with each new decoder, but the 256
  // decodes a draw that the decodes above needed would make each switch cost a second of CPU.
  await page.getByLabel('Grid size').selectOption('8');
  for (const kind of KINDS) await chooseKind(page, kind);
  const beforeKinds = await measureMemory(page, cdp);
  // 50 switches that start on another kind than the baseline's (the last) and end on it.
  const offset = (KINDS.length - 1 - (49 % KINDS.length) + KINDS.length) % KINDS.length;
  for (let i = 0; i < 50; i++) await chooseKind(page, KINDS[(i + offset) % KINDS.length]);
  report.push(expectFlat('50 kind switches', beforeKinds, await measureMemory(page, cdp)));
  await chooseKind(page, 'basic');

  // 4. 20 dataset loads, two small sets in turn, ending on the one the baseline was taken on.
  await loadSmallSet(page, SET_B, 96);
  await loadSmallSet(page, SET_A, LEAK_SET_SIZE);
  const beforeLoads = await measureMemory(page, cdp);
  for (let i = 0; i < 20; i++) {
    if (i % 2 === 0) await loadSmallSet(page, SET_B, 96);
    else await loadSmallSet(page, SET_A, LEAK_SET_SIZE);
  }
  report.push(expectFlat('20 dataset loads', beforeLoads, await measureMemory(page, cdp)));

  // 5. 20 backend switches (wasm and cpu in turn) of a trained, paused model: weights and Adam's moments move each time.
  await page.getByRole('button', { name: 'Step' }).click();
  await expect(progress).toHaveText(/step 1 \//);
  await chooseBackend(page, 'cpu');
  await chooseBackend(page, 'wasm');
  const beforeSwitches = await measureMemory(page, cdp);
  for (let i = 0; i < 20; i++) await chooseBackend(page, i % 2 === 0 ? 'cpu' : 'wasm');
  report.push(expectFlat('20 backend switches', beforeSwitches, await measureMemory(page, cdp)));
  await expect(progress).toHaveText(/step 1 \//);

  const heapGrowthMbPer100Epochs = (report[0].heapGrowthMb * 100) / run.epochs;
  console.log(`leaks: heapGrowthMbPer100Epochs ${heapGrowthMbPer100Epochs.toFixed(2)}`);
});
