// Training on WebGPU, on the adapter every CI machine has (Chromium's SwiftShader): the app once lost
// its device at the first step (a synchronous read), so these check that WebGPU trains steadily
// for a minute (with the WGSL step), that a lost device is recovered from, and that a move to it
// keeps the training. The models are small so that shaders compile and steps run within seconds on a
// software adapter; every wait polls the awaited condition.
import { test, expect } from './fixtures.mjs';
import { openApp, globalStep, pauseAndSettle, decodedChecksum, inkedPixels, waitForMap } from './appHelpers.mjs';
import { GPU_RUN, loseGpuWhileTraining, unexpectedProblems } from './gpuLossCheck.mjs';

/** A small dense model and big batches: one epoch is 36 steps. */
const RUN = GPU_RUN;
/** Steps past the first (which compiles the shaders) that show training goes on steadily: more than one full loss read. */
const STEADY_STEPS = 16;
/** Steps each further kind takes: past the first, which compiles its shaders. */
const KIND_STEPS = 3;
const LOSS_NOTICE = /The GPU was lost|failed during training/;
/** How long the WGSL test trains before its device is lost. */
const TRAINING_MINUTE_MS = 60_000;
/** The longest the step count may hold still while training (a loss read every 16 steps or 250 ms on a loaded machine). */
const STALL_MS = 30_000;

function backendLine(page) {
  return page.getByRole('status').filter({ hasText: /^Backend: / });
}

/** The total loss of the last batch read back, from the kind panel's "Loss terms" table (NaN before one). */
async function batchTotal(page) {
  const cell = page.getByRole('table', { name: 'Loss terms' }).locator('tr.total td').first();
  return (await cell.count()) === 0 ? Number.NaN : Number(await cell.innerText());
}

/** Epochs in the loss history: the loss chart's circles, one per series and epoch. */
function lossCircles(page) {
  return page.getByRole('img', { name: 'Loss chart' }).locator('circle').count();
}

test('the move to WebGPU keeps the step and the loss history, and training goes on there; then every dense kind trains on WebGPU, and the convolutional kind is not offered it, with why', async ({ ctx }) => {
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

  // Every other kind WebGPU is offered for, built fresh on the same page (its shaders compile once):
  // the dense chains the WGSL step covers train there by it, the others by tfjs-webgpu.
  for (const [kind, engine] of WEBGPU_KINDS) {
    await test.step(`${kind} on WebGPU`, async () => {
      await buildFresh(page, kind);
      await page.getByRole('button', { name: 'Train' }).click();
      await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 120_000, message: `the ${kind} model steps on WebGPU` }).toBeGreaterThan(KIND_STEPS);
      await pauseAndSettle(page);
      await expect(backendLine(page)).toHaveText(new RegExp(`^Backend: webgpu.*trained by ${engine}`));
      expect(Number.isFinite(await batchTotal(page)), `the ${kind} model's total loss is a number`).toBe(true);
      await expect(page.locator('.notice', { hasText: LOSS_NOTICE })).toHaveCount(0);
    });
  }
  await test.step('convolutional: not offered on a software adapter, and the picker says why', async () => {
    // Only the picker is checked: building the conv model elsewhere is the kinds spec's to test.
    await page.getByLabel('Autoencoder kind').selectOption('convolutional');
    await page.getByRole('button', { name: 'Reset' }).click();
    const report = page.getByRole('list', { name: 'Backend self-test' }).getByRole('listitem').filter({ hasText: /^webgpu/ });
    await expect(report).toHaveText(/unavailable \(too slow for convolutions on a software adapter/);
    await expect(page.getByLabel('Backend', { exact: true }).locator('option[value="webgpu"]')).toHaveCount(0);
  });
  expect(watch.problems()).toEqual([]);
});

/** The kinds besides basic that WebGPU trains here, with the engine the Backend line names for each. */
const WEBGPU_KINDS = [
  ['denoising', 'WGSL step'],
  ['sparse', 'WGSL step'],
  ['variational', 'tfjs autodiff'],
  ['contractive', 'tfjs autodiff'],
];

/** Choose `kind` and build it fresh with Reset; resolves at its step 0, ready to train. */
async function buildFresh(page, kind) {
  await page.getByLabel('Autoencoder kind').selectOption(kind);
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 180_000 });
  await expect(page.locator('.progress-head').first()).toContainText(/ step 0 \//);
}

// The device loss runs on the same page once the steady checks have passed: its shaders are
// compiled and its first epoch trained once for both. The few extra tensors once seen after the
// loss were a read still in flight when the count was taken (the count now waits for none), and
// the speed bound once read a burst of queued steps as no speed at all.
test('WebGPU trains a dense model steadily with the app\'s own WGSL step: the step count grows past the first compiled step with no loss notice, the loss falls, the map fills and the probe decodes, and it trains on for a minute; then its device is lost (device.destroy()) and training goes on from the last good state with a notice', async ({ ctx }) => {
  test.setTimeout(8 * 60_000); // training, then a loss and its recovery, on a software GPU
  const page = await openApp(ctx, `#backend=webgpu&${RUN}`);
  const watch = ctx.watchOf(page);
  // One step first: its loss is the untrained model's, the mark the training loss must fall below.
  await page.getByRole('button', { name: 'Step' }).click();
  await expect.poll(() => batchTotal(page), { timeout: 120_000, message: 'the first step\'s loss read back from WebGPU' }).toBeGreaterThan(0);
  const first = await batchTotal(page);
  await expect(backendLine(page)).toHaveText(/^Backend: webgpu.*trained by WGSL step/);
  await page.getByRole('button', { name: /^(Train|Resume)$/ }).and(page.locator(':enabled')).click();
  const trainingStarted = Date.now();
  const stepAtFirst = await globalStep(page);
  // Losses are read every few steps (no per-step read-back), each finite; they fall as the model learns.
  await expect
    .poll(() => batchTotal(page), { timeout: 120_000, message: `the loss falls below 0.8 x the first step's, ${first}` })
    .toBeLessThan(0.8 * first);
  expect(Number.isFinite(await batchTotal(page))).toBe(true);
  await expect.poll(() => globalStep(page), { message: `${STEADY_STEPS} steps past step ${stepAtFirst}` }).toBeGreaterThan(stepAtFirst + STEADY_STEPS);
  await waitForMap(page);
  expect(await inkedPixels(page)).toBeGreaterThan(3000);
  const before = await decodedChecksum(page);
  const map = await page.getByRole('img', { name: 'Latent map' }).boundingBox();
  await page.mouse.move(map.x + map.width * 0.3, map.y + map.height * 0.35);
  await page.mouse.down();
  await page.mouse.move(map.x + map.width * 0.7, map.y + map.height * 0.6, { steps: 10 });
  await page.mouse.up();
  await expect.poll(() => decodedChecksum(page), { message: 'the decoded image changes when the probe is dragged' }).not.toBe(before);
  await expect(backendLine(page)).toHaveText(/^Backend: webgpu.*trained by WGSL step/);
  await expect(page.locator('.notice', { hasText: LOSS_NOTICE })).toHaveCount(0);
  expect(watch.problems()).toEqual([]);

  await test.step('a minute of training', async () => {
    // From Train on, a full minute: the step count keeps moving (it moves in bursts, one per loss
    // read), no loss notice comes, and the WGSL step still trains.
    let seen = await globalStep(page);
    while (Date.now() - trainingStarted < TRAINING_MINUTE_MS) {
      await expect
        .poll(() => globalStep(page), { timeout: STALL_MS, message: `the step count moves on from ${seen}, ${Math.round((Date.now() - trainingStarted) / 1000)} s into the minute` })
        .toBeGreaterThan(seen);
      seen = await globalStep(page);
      await expect(page.locator('.notice', { hasText: LOSS_NOTICE })).toHaveCount(0);
    }
    await expect(backendLine(page)).toHaveText(/^Backend: webgpu.*trained by WGSL step/);
    console.log(`webgpu: ${seen - stepAtFirst} steps in the minute after step ${stepAtFirst}`);
  });

  await test.step('WebGPU device lost', async () => {
    // A loss history to keep: the first epoch ends before the device is lost.
    await expect(page.locator('.loss-figures')).toHaveText(/^Epoch \d+:/, { timeout: 180_000 });
    const result = await loseGpuWhileTraining(ctx, page, async (_page, worker) => {
      // Nothing but the injected loss may take training off WebGPU (the app's own synchronous reads
      // once lost the device at the first step).
      const on = await worker.evaluate(() => globalThis.latentExplorerTest.backend());
      expect(on, 'training was still on WebGPU when the loss was injected').toBe('webgpu');
      const did = await worker.evaluate(() => globalThis.latentExplorerTest.loseGpu());
      expect(did).toBe('webgpu device destroyed');
    });
    expect(result.reason).toMatch(/^WebGPU device lost/);
    expect(result.recoveredInMs).toBeLessThan(20_000);
    console.log(`webgpu loss: recovered in ${result.recoveredInMs} ms on ${result.to} from step ${result.fromStep} (was at ${result.stepBefore})`);
    expect(unexpectedProblems(result.watch)).toEqual([]);
  });
});
