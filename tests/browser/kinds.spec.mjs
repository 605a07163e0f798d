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

for (const kind of KINDS) {
  test(`${kind}: a few steps on WebGL, the map fills, the loss terms are numbers, the probe decodes`, async ({ ctx }) => {
    const page = await openApp(ctx, `#kind=${kind}&backend=webgl&epochs=1&batch=${WEBGL_BATCH}`, { timeout: 180_000 });
    // Train until three steps are done, then pause: one map refresh instead of one per step.
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
  });
}

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
