// Training on WebGPU, on the adapter every CI machine has (Chromium's SwiftShader): the app once lost
// its device at the first step (a synchronous read), so these check that WebGPU trains steadily and
// that a move to it keeps the training. The models are small so that shaders compile and steps run
// within seconds on a software adapter; every wait polls the awaited condition.
import { test, expect } from './fixtures.mjs';
import { openApp, globalStep, pauseAndSettle } from './appHelpers.mjs';

/** A small dense model and big batches: one epoch is 36 steps. */
const RUN = 'hidden=32&batch=256&epochs=200';
/** Steps past the first (which compiles the shaders) that show training goes on rather than starts. */
const STEADY_STEPS = 10;
const LOSS_NOTICE = /The GPU was lost|failed during training/;

function backendLine(page) {
  return page.getByRole('status').filter({ hasText: /^Backend: / });
}

/** Epochs in the loss history: the loss chart's circles, one per series and epoch. */
function lossCircles(page) {
  return page.getByRole('img', { name: 'Loss chart' }).locator('circle').count();
}

test('WebGPU trains a dense model steadily: the step count grows past the first compiled step, with no loss notice', async ({ ctx }) => {
  const page = await openApp(ctx, `#backend=webgpu&${RUN}`);
  const watch = ctx.watchOf(page);
  await expect(backendLine(page)).toHaveText(/^Backend: webgpu/);
  await page.getByRole('button', { name: 'Train' }).click();
  await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 120_000, message: 'the first step on WebGPU' }).toBeGreaterThan(0);
  const first = await globalStep(page);
  await expect
    .poll(() => globalStep(page).catch(() => 0), { timeout: 120_000, message: `${STEADY_STEPS} steps past step ${first}` })
    .toBeGreaterThanOrEqual(first + STEADY_STEPS);
  await expect(backendLine(page)).toHaveText(/^Backend: webgpu/);
  await expect(page.locator('.notice', { hasText: LOSS_NOTICE })).toHaveCount(0);
  expect(watch.problems()).toEqual([]);
});

test('the move to WebGPU keeps the step and the loss history, and training goes on there', async ({ ctx }) => {
  const page = await openApp(ctx, `#backend=wasm&${RUN}`);
  const watch = ctx.watchOf(page);
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('.loss-figures')).toHaveText(/^Epoch \d+:/, { timeout: 120_000 });
  await pauseAndSettle(page);
  const stepBefore = await globalStep(page);
  const lossBefore = await page.locator('.loss-figures').innerText();
  const circlesBefore = await lossCircles(page);
  expect(circlesBefore).toBeGreaterThan(0);

  await page.getByLabel('Backend', { exact: true }).selectOption('webgpu');
  await expect(backendLine(page)).toHaveText(/^Backend: webgpu/);
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  expect(await globalStep(page)).toBe(stepBefore);
  expect(await page.locator('.loss-figures').innerText()).toBe(lossBefore);
  expect(await lossCircles(page)).toBe(circlesBefore);

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 120_000, message: 'steps on WebGPU' }).toBeGreaterThan(stepBefore + 2);
  await expect(backendLine(page)).toHaveText(/^Backend: webgpu/);
  await expect(page.locator('.notice', { hasText: LOSS_NOTICE })).toHaveCount(0);
  expect(watch.problems()).toEqual([]);
});
