// Train is usable the moment the page opens: the model starts on a guessed backend while the
// backends are measured beside it, and moving to the measured winner keeps the run's progress.
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, globalStep } from './appHelpers.mjs';

/**
 * The 1.5 s target itself is a speed figure, measured by `npm run bench` (trainEnabledMs): a
 * stopwatch here failed on a shared machine under load (6.5 s once). What this test holds, on any
 * machine, is the structure: Train is enabled while the measurement is still running, so it never
 * waits for the self-test. The page-clock figure is attached to the test's results for reading.
 */

/** Record, on the page's clock, when Train was first shown enabled and what the backend line said then. */
function watchTrainButton() {
  const seen = { enabledAt: null, backendLineThen: null };
  window.trainButtonSeen = seen;
  const look = () => {
    if (seen.enabledAt !== null) return;
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Train');
    if (button && !button.disabled) {
      seen.enabledAt = performance.now();
      seen.backendLineThen = document.querySelector('.backend-line')?.textContent ?? '';
    }
  };
  new window.MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

test('Train is enabled on the first guessed backend, before the backend measurement ends', async ({ ctx }, testInfo) => {
  const page = await ctx.newPage();
  await page.addInitScript(watchTrainButton);
  await page.goto(ctx.baseUrl);
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor();
  const seen = await page.evaluate(() => window.trainButtonSeen);
  // Not waiting on the self-test: when Train first showed enabled, the backend was still a guess
  // (or, with no GPU worth timing, already the one fast backend, concluded without a self-test).
  expect(seen.backendLineThen).toMatch(/^Backend: (webgpu|webgl|wasm|cpu) \((first guess|fastest here, nothing to compare)\)/);
  testInfo.annotations.push({ type: 'trainEnabledMs (page clock)', description: String(Math.round(seen.enabledAt)) });
  // The measurement then finishes on its own and says so in the same status line; where nothing but
  // WebAssembly is worth timing (a software GPU, as on the test machines), none runs and it says that.
  await expect(page.getByRole('status').filter({ hasText: BACKEND_LINE })).toContainText(/\((fastest measured|fastest here, nothing to compare)\)/, { timeout: 120_000 });
});

test('moving to the measured fastest backend keeps the step count and the loss history', async ({ ctx }) => {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1440, height: 960 });
  // Start on plain JavaScript by hand: small and quick epochs, so the chart has points before the move.
  await page.goto(`${ctx.baseUrl}#backend=cpu&hidden=32&batch=256&epochs=50`);
  const line = page.getByRole('status').filter({ hasText: BACKEND_LINE });
  await expect(line).toContainText('Backend: cpu (your choice)');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect(page.locator('.loss-figures')).toContainText(/Epoch [1-9]\d*:/, { timeout: 120_000 });
  const chartPoints = () => page.getByRole('img', { name: 'Loss chart' }).locator('g.series').first().locator('circle').count();
  const pointsBefore = await chartPoints();
  const firstEpochBefore = await page.locator('.loss-figures').innerText();
  const stepBefore = await globalStep(page);
  expect(pointsBefore).toBeGreaterThan(0);

  // Ask for the fastest: training goes on while the backends are measured, then moves.
  await page.getByLabel('Backend', { exact: true }).selectOption('auto');
  await expect(page.locator('.notice').filter({ hasText: /^Moved training to WebAssembly: / })).toBeVisible({
    timeout: 120_000,
  });
  await expect(line).toContainText('Backend: wasm (fastest measured)');
  // The run carries on from where it was: no reset of the step count or the chart.
  expect(await globalStep(page)).toBeGreaterThanOrEqual(stepBefore);
  expect(await chartPoints()).toBeGreaterThanOrEqual(pointsBefore);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeEnabled();
  const stepAfterMove = await globalStep(page);
  await expect.poll(() => globalStep(page), { timeout: 60_000 }).toBeGreaterThan(stepAfterMove);
  await expect.poll(chartPoints, { timeout: 120_000 }).toBeGreaterThan(pointsBefore);
  expect(firstEpochBefore).toMatch(/Epoch \d+: training/);
});
