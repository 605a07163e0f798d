// End-to-end: the first slice in a real browser. Train on the built-in digits, watch the map fill,
// drag the probe, pause / resume / step, refuse bad settings, switch backends without losing work.
// Every page is also checked for console errors and requests that leave the app's origin.

import { test } from './fixtures.mjs';
import { BACKEND_LINE, assert, globalStep, inkedPixels, openApp, settle, trainThenPause, waitForMap } from './appHelpers.mjs';
import { playwrightUi } from './playwrightUi.mjs';
import { lessonFirstSteps, probeByDragAndKeys, trainPauseStepResume } from '../shared/paths.mjs';

test('measures the backends, trains on the digits and fills the map, the chart and the kNN figure', async ({ ctx }) => {
  const page = await openApp(ctx, '#epochs=2');
  const line = await page.getByRole('status').filter({ hasText: BACKEND_LINE }).innerText();
  assert(BACKEND_LINE.test(line), `backend line reads "${line}"`);
  // The untrained model's map is a tight blob; training spreads the digits out.
  await waitForMap(page);
  const knnBefore = Number(await page.locator('output[aria-labelledby="knn-label"]').getAttribute('data-value'));
  await page.getByRole('button', { name: 'Train' }).click();
  await page.locator('.loss-figures', { hasText: /^Epoch \d+:/ }).waitFor({ timeout: 120_000 });
  await page.getByText('Done', { exact: true }).waitFor({ timeout: 120_000 });
  await settle(page); // the last map's glide
  const ink = await inkedPixels(page);
  assert(ink > 3000, `only ${ink} map pixels are inked; expected thousands of points`);
  const knn = Number(await page.locator('output[aria-labelledby="knn-label"]').getAttribute('data-value'));
  assert(knn > 0.3 && knn > knnBefore + 0.1, `held-out kNN accuracy went from ${knnBefore} to ${knn}; training should separate the digits`);
});

// The paths the Firefox suite runs too, written once in tests/shared/paths.mjs.
test('Pause stops training, Step takes exactly one step, Resume goes on; dragging the probe (and moving it with arrow keys) decodes new pixels while training runs; the lesson opens and moves on', async ({ ctx }) => {
  const ui = playwrightUi(await openApp(ctx, '#backend=wasm'));
  await trainPauseStepResume(ui);
  await probeByDragAndKeys(ui);
  await lessonFirstSteps(ui);
});

test('bad settings are refused beside their field and the trained model is kept', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await trainThenPause(page);
  const stepBefore = await globalStep(page);
  const inkBefore = await inkedPixels(page);

  await page.getByLabel('Latent size').fill('0');
  await page.getByText(/Latent size must be/).waitFor();
  await page.getByLabel('Learning rate').fill('-0.1');
  await page.getByText(/Learning rate must be/).waitFor();
  await page.getByLabel('Batch size').fill('abc');
  await page.getByText(/Batch size must be/).waitFor();
  await page.getByRole('button', { name: 'Reset' }).click();
  await page.locator('.notice', { hasText: /settings are not valid/ }).waitFor();

  assert((await globalStep(page)) === stepBefore, 'the refused Reset changed the training progress');
  assert(Math.abs((await inkedPixels(page)) - inkBefore) < inkBefore * 0.05, 'the refused Reset cleared the map');
  assert(await page.getByRole('button', { name: 'Resume' }).isVisible(), 'the paused model is gone');

  await page.getByLabel('Latent size').fill('2');
  await page.getByLabel('Learning rate').fill('0.005');
  await page.getByLabel('Batch size').fill('64');
  assert((await page.getByText(/must be/).count()) === 0, 'messages stayed after the values were fixed');
});

test('a link with bad values starts with the defaults and says what it ignored', async ({ ctx }) => {
  const page = await openApp(ctx, '#latent=0&lr=abc&epochs=5&backend=nope&colour=red');
  await page.locator('.notice', { hasText: /latent="0" was ignored/ }).waitFor();
  await page.locator('.notice', { hasText: /lr="abc" was ignored/ }).waitFor();
  await page.locator('.notice', { hasText: /backend "nope" is unknown/ }).waitFor();
  await page.locator('.notice', { hasText: /colour "red" is unknown/ }).waitFor();
  assert((await page.getByLabel('Latent size').inputValue()) === '2', 'latent size did not fall back to 2');
  assert((await page.getByLabel('Epochs').inputValue()) === '5', 'the good value in the link was not kept');
});

test('switching backend keeps the weights and the progress, and training goes on', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await trainThenPause(page);
  const stepBefore = await globalStep(page);
  const lossBefore = await page.locator('.loss-figures').innerText();
  await page.getByLabel('Backend', { exact: true }).selectOption('cpu');
  await page.getByRole('status').filter({ hasText: /^Backend: cpu/ }).waitFor({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  assert((await globalStep(page)) === stepBefore, 'the backend switch lost the training progress');
  assert((await page.locator('.loss-figures').innerText()) === lossBefore, 'the loss history changed on switching');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.waitForFunction((at) => {
    const match = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/.exec(document.querySelector('.progress-head')?.textContent ?? '');
    return match && (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]) > at + 2;
  }, stepBefore, { timeout: 60_000 });
});
