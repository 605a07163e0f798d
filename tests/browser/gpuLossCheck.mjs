// Losing the GPU under training, and what must survive it: the checks shared by the WebGL losses
// (gpuLoss.spec.mjs) and the WebGPU device loss (webgpu.spec.mjs). Training is rebuilt from the
// last good state (weights, Adam moments, step) on the same backend if it comes back or the next
// one, with a notice; the loss history and data stay, the probe still decodes, and no tensors are
// left behind.
import { expect } from './fixtures.mjs';
import { openApp, decodedChecksum, globalStep, nextFrames, pauseAndSettle } from './appHelpers.mjs';

const TRAINING_WORKER = /\/worker-[^/]*\.js$/;
/** The notice names the step training goes on from. */
const LOSS_NOTICE = /The GPU was lost \((.+?)\); training goes on on (.+?) from step (\d+)/;
/**
 * A small model and big batches, so an epoch ends within seconds even on a software GPU
 * (SwiftShader) on a busy machine; many epochs, so training does not finish during the test.
 */
export const GPU_RUN = 'hidden=32&batch=256&epochs=200';
/** The worker keeps a state at least every 3 s and at each epoch's end: at most that is trained again. */
const MAX_REDONE_SECONDS = 3;

async function trainingWorker(page) {
  await expect.poll(() => page.workers().some((worker) => TRAINING_WORKER.test(worker.url()))).toBe(true);
  return page.workers().find((worker) => TRAINING_WORKER.test(worker.url()));
}

/**
 * The worker's tensor count once it holds still with no read of the trainer in flight: a read (a
 * paused model's autosave, its last map) holds copies of tensors until it settles, and on a loaded
 * machine or on WebGPU it settles late, so a count that merely held still for a second could still
 * include one.
 */
async function steadyTensorCount(worker) {
  const readings = [];
  await expect
    .poll(async () => {
      readings.push(await worker.evaluate(() => (globalThis.latentExplorerTest.readsInFlight() === 0 ? globalThis.latentExplorerTest.tensorCount() : null)));
      const last = readings.slice(-4);
      return last.length === 4 && last.every((count) => count !== null && count === last[0]);
    }, { message: 'the worker\'s tensor count holds still with no read in flight', intervals: [250], timeout: 60_000 })
    .toBe(true);
  return readings.at(-1);
}

/** Epochs in the loss history: the loss chart's circles, one per series and epoch. */
async function lossHistory(page) {
  const figures = await page.locator('.loss-figures').innerText();
  const epoch = Number(/^Epoch (\d+):/.exec(figures)?.[1] ?? 0);
  const circles = await page.getByRole('img', { name: 'Loss chart' }).locator('circle').count();
  return { epoch, circles };
}

/** Drag the probe across the map; the decoded images seen on the way. */
async function dragProbe(page) {
  const box = await page.getByRole('img', { name: 'Latent map' }).boundingBox();
  const seen = new Set();
  for (let i = 0; i < 3; i++) {
    await page.mouse.move(box.x + box.width * (0.2 + 0.2 * i), box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * (0.3 + 0.2 * i), box.y + box.height * (0.5 + 0.1 * i), { steps: 5 });
    await page.mouse.up();
    await nextFrames(page); // the decode at the probe's last place
    seen.add(await decodedChecksum(page));
  }
  return seen;
}

/** Open the app on `backend` (or a fallback, if it has none: see `trainsOn`). */
export function openOn(ctx, backend) {
  return openApp(ctx, `#backend=${backend}&${GPU_RUN}`);
}

/** Check the page trains on `backend`, and train it for an epoch. */
export async function trainAnEpochOn(page, backend) {
  const backendLine = page.getByRole('status').filter({ hasText: /^Backend: / });
  await expect(backendLine).toHaveText(new RegExp(`^Backend: (${backend}|\\w+ \\(fallback\\))`), { timeout: 60_000 });
  const line = await backendLine.innerText();
  // WebGL and WebGPU both train on Chromium's SwiftShader: a browser that offers one must train on it.
  expect(line, `${backend} could not train here`).toMatch(new RegExp(`^Backend: ${backend}`));
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('.loss-figures')).toHaveText(/^Epoch \d+:/, { timeout: 180_000 });
}

/**
 * On a page training for an epoch or more, lose the GPU with `inject(page, worker)` (which may return
 * the time the loss began, if not at its call), and check what
 * must survive. Returns the notice's figures for the caller's own checks. The page ends paused,
 * with the loss notice dismissed, so a second loss can follow on the same page.
 */
export async function loseGpuWhileTraining(ctx, page, inject) {
  const watch = ctx.watchOf(page);
  const datasetLine = await page.locator('header').innerText();

  // Tensors held while paused, before the loss.
  if (await page.getByRole('button', { name: 'Pause' }).isVisible()) await pauseAndSettle(page);
  const worker = await trainingWorker(page);
  const tensorsBefore = await steadyTensorCount(worker);
  const backendBefore = /^Backend: (\w+)/.exec(await page.getByRole('status').filter({ hasText: /^Backend: / }).innerText())?.[1];
  const pausedAt = await globalStep(page);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => globalStep(page).catch(() => 0)).toBeGreaterThan(pausedAt + 2);

  // The training speed, to bound how many steps a loss may take back: steps counted over a
  // stretch of time, which is the measurement itself (its length is read from the clock). On a GPU
  // the count moves in bursts (up to 16 queued steps per loss read, seconds apart on a software
  // GPU), so the stretch lasts at least 2 s and spans two moves of the count.
  const sampleAt = await globalStep(page);
  const sampleStarted = Date.now();
  let moves = 0;
  let lastSeen = sampleAt;
  await expect
    .poll(async () => {
      const now = await globalStep(page);
      if (now !== lastSeen) {
        moves++;
        lastSeen = now;
      }
      return moves >= 2 && Date.now() - sampleStarted >= 2000;
    }, { message: 'the step count moves twice', intervals: [100], timeout: 120_000 })
    .toBe(true);
  const historyBefore = await lossHistory(page);
  const stepBefore = await globalStep(page);
  const stepsPerSecond = (stepBefore - sampleAt) / ((Date.now() - sampleStarted) / 1000);
  // `inject` may return when the loss it caused began (a retried injection), else it began now.
  const injectedAt = Date.now();
  const lostAt = (await inject(page, worker)) ?? injectedAt;
  const notice = page.locator('.notices li').filter({ hasText: LOSS_NOTICE });
  await expect(notice).toHaveCount(1, { timeout: 30_000 });
  const [, reason, to, from] = LOSS_NOTICE.exec(await notice.innerText());
  const recoveredInMs = Date.now() - lostAt;

  // Training goes on from the kept state, a few seconds back at most, and moves past where it was.
  const fromStep = Number(from);
  expect(fromStep).toBeGreaterThan(0);
  expect(stepBefore - fromStep).toBeLessThanOrEqual(Math.ceil(stepsPerSecond * (MAX_REDONE_SECONDS + 3)) + 10);
  await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 120_000 }).toBeGreaterThan(stepBefore + 2);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();

  // The loss history and the data are kept; no epoch is drawn twice.
  const historyAfter = await lossHistory(page);
  expect(historyAfter.epoch).toBeGreaterThanOrEqual(historyBefore.epoch);
  expect(historyAfter.circles).toBeGreaterThanOrEqual(historyBefore.circles);
  // The figures line changes as React commits an epoch; the chart redraws in an effect just after,
  // so a read between the two sees one epoch more in the line than in the chart. Polled, so only a
  // lasting mismatch (an epoch drawn twice, or with a missing point) fails.
  await expect
    .poll(async () => {
      const { epoch, circles } = await lossHistory(page);
      return circles % Math.max(1, epoch);
    }, { message: 'every epoch in the chart once, with both its points' })
    .toBe(0);
  expect(await page.locator('header').innerText()).toBe(datasetLine);

  // The probe still decodes, from the rebuilt model's weights.
  await pauseAndSettle(page);
  const seen = await dragProbe(page);
  expect(seen.size, 'the decoded image changed as the probe moved').toBeGreaterThan(1);

  // No tensors left behind by the lost trainer: the count as before, paused both times. A lost
  // trainer would leave 20 or more (weights and both Adam moments); the paused count itself varies
  // by one between runs (seen both ways around a GPU process crash), so one is allowed. Where
  // training moved to another backend its engine may hold fewer (the threaded wasm step keeps Adam's
  // moments in its own memory, not in tensors): then the count may fall, never rise.
  const workerAfter = await trainingWorker(page);
  expect(workerAfter, 'the same worker carried on (it was not restarted)').toBe(worker);
  const tensorsAfter = await steadyTensorCount(workerAfter);
  const notices = await page.locator('.notices').innerText();
  const tensorsMessage = `tensors ${tensorsBefore} before the loss on ${backendBefore}, ${tensorsAfter} after (went on on ${to} from step ${from}; notices: ${notices})`;
  if (to.toLowerCase().startsWith(backendBefore ?? '?')) expect(Math.abs(tensorsAfter - tensorsBefore), tensorsMessage).toBeLessThanOrEqual(1);
  else expect(tensorsAfter, tensorsMessage).toBeLessThanOrEqual(tensorsBefore + 1);
  // Read, and dismissed as a user would: the next loss on this page shows a notice of its own.
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
  return { watch, reason, to, fromStep, stepBefore, recoveredInMs };
}

/** Problems other than those a lost GPU itself prints (tfjs and Chromium warn about the lost context). */
export function unexpectedProblems(watch) {
  return watch.problems().filter((line) => !/context lost|CONTEXT_LOST|lost context|device (was )?(lost|destroyed)|GPU process/i.test(line));
}

