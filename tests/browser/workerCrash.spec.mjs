// A training worker that crashes (an uncaught error) or goes silent (it stops) is replaced by a new
// one that carries on from the last state the page kept: the step count goes on from there, the
// loss history and the data stay, and a notice says what happened.
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, globalStep } from './appHelpers.mjs';

const TRAINING_WORKER = /\/worker-[^/]*\.js$/;
/**
 * The page asks its training worker for a state to keep every 5 s (STATE_KEEP_INTERVAL_MS in
 * src/train/workerRecovery.ts) and shows no sign of holding one, so a test can only wait one interval
 * and a margin for a kept state past the one it had. (A page hook giving the kept step would let it poll.)
 */
const STATE_KEPT_WITHIN_MS = 6000;

async function trainingWorker(page) {
  await expect.poll(() => page.workers().some((worker) => TRAINING_WORKER.test(worker.url()))).toBe(true);
  return page.workers().find((worker) => TRAINING_WORKER.test(worker.url()));
}

/** The notice names the step it carries on from: a kept state, and the first new progress starts there. */
async function expectCarriedOn(page, notices, stepBefore) {
  const text = await notices.innerText();
  const steps = [...text.matchAll(/carries on from step (\d+)/g)].map((match) => Number(match[1]));
  const from = steps.at(-1);
  expect(from).toBeGreaterThan(0);
  const stale = await globalStep(page);
  await expect.poll(() => globalStep(page).catch(() => stale), { timeout: 120_000 }).not.toBe(stale);
  expect(await globalStep(page)).toBeGreaterThanOrEqual(from);
  await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 120_000 }).toBeGreaterThan(stepBefore);
}

test('a crashed and then a silent training worker are replaced and training carries on from the kept state', async ({ ctx }) => {
  const page = await ctx.newPage({ allowProblems: true });
  const watch = ctx.watchOf(page);
  await page.setViewportSize({ width: 1440, height: 960 });
  await page.goto(`${ctx.baseUrl}#backend=wasm`);
  await page.getByRole('status').filter({ hasText: BACKEND_LINE }).waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  const datasetLine = await page.locator('header').innerText();
  await page.getByRole('button', { name: 'Train' }).click();
  // One finished epoch, so there is a loss history to keep, and time for a state to be kept.
  const lossFigures = page.locator('.loss-figures');
  await expect(lossFigures).toHaveText(/^Epoch \d+:/, { timeout: 180_000 });
  await page.waitForTimeout(STATE_KEPT_WITHIN_MS);
  const notices = page.locator('.notices');

  // 1. A crash: an uncaught error inside the worker.
  const stepBeforeCrash = await globalStep(page);
  const firstWorker = await trainingWorker(page);
  await firstWorker.evaluate(() => setTimeout(() => { throw new Error('injected worker crash'); }, 0));
  await expect(notices).toContainText('The training worker crashed', { timeout: 30_000 });
  await expect(notices).toContainText('carries on from step');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled({ timeout: 120_000 });
  // Training goes on from the kept state (at most one kept-state interval is trained again), not from step 0.
  await expectCarriedOn(page, notices, stepBeforeCrash);
  await expect(lossFigures).toHaveText(/^Epoch \d+:/);

  // 2. Silence: the worker stops without a word; the page notices within the silence limit.
  await page.waitForTimeout(STATE_KEPT_WITHIN_MS); // a state kept from the new worker
  const stepBeforeSilence = await globalStep(page);
  const secondWorker = await trainingWorker(page);
  expect(secondWorker).not.toBe(firstWorker);
  await secondWorker.evaluate(() => globalThis.close());
  await expect(notices).toContainText('The training worker stopped answering', { timeout: 40_000 });
  await expectCarriedOn(page, notices, stepBeforeSilence);
  await expect(lossFigures).toHaveText(/^Epoch \d+:/);
  expect(await page.locator('header').innerText()).toBe(datasetLine);

  // The only problems are the injected crash itself.
  const unexpected = watch.problems().filter((line) => !line.includes('injected worker crash'));
  expect(unexpected).toEqual([]);
});
