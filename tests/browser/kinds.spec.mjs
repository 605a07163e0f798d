// End-to-end: every autoencoder kind trains in the browser on WebGL, its map fills and the probe
// decodes; the convolutional kind trains on WebAssembly through the engine's kernels; two kinds can
// be compared side by side.

import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, assert, decodedChecksum, globalStep, openApp, settle } from './appHelpers.mjs';

const KINDS = ['basic', 'convolutional', 'denoising', 'sparse', 'variational', 'contractive'];

async function dragAcrossMap(page, index = 0) {
  const map = await page.getByRole('img', { name: 'Latent map' }).nth(index).boundingBox();
  await page.mouse.move(map.x + map.width * 0.3, map.y + map.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(map.x + map.width * 0.7, map.y + map.height * 0.65, { steps: 12 });
  await page.mouse.up();
}

/**
 * Batches of 16 on WebGL: what runs is the same (every op of the kind's step, its map refresh and
 * its decoder on WebGL), but a convolutional step of the default 128 images took tens of seconds of
 * CPU on a software GPU (SwiftShader), and a batch of 16 an eighth of that.
 */
const WEBGL_BATCH = 16;
/** The kinds with a dense body: one page trains them in turn (see the test below). */
const DENSE_KINDS = KINDS.filter((kind) => kind !== 'convolutional');

/** Train until three steps are done, pause, and check what every kind must show on WebGL. */
async function checkKindOnWebGL(page, kind) {
  // One map refresh after the pause instead of one per step.
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForFunction(() => {
    const match = /step (\d+) \//.exec(document.querySelector('.progress-head')?.textContent ?? '');
    return match && Number(match[1]) >= 3;
  }, null, { timeout: 180_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 120_000 });
  assert((await globalStep(page)) >= 3, `expected at least 3 steps, the progress says ${await globalStep(page)}`);
  const line = await page.getByRole('status').filter({ hasText: BACKEND_LINE }).innerText();
  assert(line.startsWith('Backend: webgl'), `the ${kind} model left WebGL: "${line}"`);
  await page.waitForFunction(() => document.querySelector('output[aria-labelledby="knn-label"]')?.dataset.value !== '', null, { timeout: 60_000 });
  const total = await page.locator('.terms tr.total td').first().innerText();
  assert(Number.isFinite(Number(total)), `the total loss reads "${total}"`);
  const before = await decodedChecksum(page);
  await dragAcrossMap(page);
  await expect.poll(() => decodedChecksum(page), { message: `dragging the probe changes the ${kind} model's decoded image` }).not.toBe(before);
}

// The dense kinds share one page, each built fresh by Reset: their first WebGL step compiles the
// shaders their ops need (seconds of CPU each on a software GPU), and the next kind reuses most of
// them from tfjs's program cache instead of compiling them again in a new page.
test(`${DENSE_KINDS.join(', ')}: each, built fresh on one page, takes a few steps on WebGL, its map fills, its loss terms are numbers, its probe decodes`, async ({ ctx }) => {
  const page = await openApp(ctx, `#kind=${DENSE_KINDS[0]}&backend=webgl&epochs=1&batch=${WEBGL_BATCH}`, { timeout: 180_000 });
  for (const [index, kind] of DENSE_KINDS.entries()) {
    await test.step(kind, async () => {
      if (index > 0) {
        await page.getByLabel('Autoencoder kind').selectOption(kind);
        await page.getByRole('button', { name: 'Reset' }).click();
        // The fresh model, ready at step 0 (not the last model's figures).
        await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 180_000 });
        await page.locator('.progress-head .status-idle').first().waitFor({ timeout: 60_000 });
        await expect(page.locator('.progress-head').first()).toContainText(/ step 0 \//);
      }
      await expect(page.getByLabel('Autoencoder kind')).toHaveValue(kind);
      await checkKindOnWebGL(page, kind);
    });
  }
});

test('convolutional: a few steps on WebGL, the map fills, the loss terms are numbers, the probe decodes', async ({ ctx }) => {
  const page = await openApp(ctx, `#kind=convolutional&backend=webgl&epochs=1&batch=${WEBGL_BATCH}`, { timeout: 180_000 });
  await checkKindOnWebGL(page, 'convolutional');
});

test('the convolutional kind trains on WebAssembly: the engine supplies Conv2DBackpropFilter, so it stays there', async ({ ctx }) => {
  const page = await openApp(ctx, '#kind=convolutional&backend=wasm&epochs=1', { timeout: 180_000 });
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForFunction(() => {
    const match = /step (\d+) \//.exec(document.querySelector('.progress-head')?.textContent ?? '');
    return match && Number(match[1]) >= 5;
  }, null, { timeout: 180_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 120_000 });
  const line = await page.getByRole('status').filter({ hasText: BACKEND_LINE }).innerText();
  assert(line.startsWith('Backend: wasm'), `the conv model left WebAssembly: "${line}"`);
  assert((await page.locator('.notice', { hasText: /moved to/ }).count()) === 0, 'a notice says training moved off WebAssembly');
  const total = await page.locator('.terms tr.total td').first().innerText();
  assert(Number.isFinite(Number(total)) && Number(total) > 0, `the conv model's total loss on wasm reads "${total}"`);
});

test('compare: two kinds train side by side on the same data, each with its own map, and closing returns to one model', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm&epochs=2');
  await page.getByRole('button', { name: 'Compare two kinds' }).click();
  await page.getByLabel('Model B kind').selectOption({ label: 'Variational' });
  await page.getByRole('img', { name: 'Latent map' }).nth(1).waitFor();
  await page.locator('.compare-column', { hasText: 'B: Variational' }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Train both' }).click();
  // Both run their two epochs to the end; the last map of each is drawn when it is done.
  await page.waitForFunction(
    () => [...document.querySelectorAll('.compare-column .status')].filter((status) => status.textContent === 'Done').length === 2,
    null,
    { timeout: 240_000 },
  );
  // Each model's last map, scored: both kNN figures have values and the page holds still.
  await page.waitForFunction(() => [...document.querySelectorAll('output[aria-labelledby="knn-label"]')].filter((output) => output.dataset.value !== '').length === 2);
  await settle(page);
  const knn = await page.locator('output[aria-labelledby="knn-label"]').evaluateAll((outputs) => outputs.map((o) => Number(o.dataset.value)));
  assert(knn.length === 2 && knn.every((value) => value > 0.2), `the two maps' kNN accuracies are ${knn}`);
  await page.getByRole('button', { name: 'Pause both' }).click();
  await page.getByRole('button', { name: 'Back to one model' }).click();
  assert((await page.getByRole('img', { name: 'Latent map' }).count()) === 1, 'closing the comparison left two maps');
});
