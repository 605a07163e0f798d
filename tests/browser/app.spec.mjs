// End-to-end: the first slice in a real browser. Train on the built-in digits, watch the map fill,
// drag the probe, pause / resume / step, refuse bad settings, switch backends without losing work.
// Every page is also checked for console errors and requests that leave the app's origin.

import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, assert, decodedChecksum, globalStep, inkedPixels, openApp, pauseAndSettle, settle, trainThenPause, waitForMap } from './appHelpers.mjs';

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

test('dragging the probe (and moving it with arrow keys) decodes new pixels while training runs', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await page.getByRole('button', { name: 'Train' }).click();
  await waitForMap(page);
  const probe = page.getByRole('slider', { name: 'Latent probe' });
  const map = await page.getByRole('img', { name: 'Latent map' }).boundingBox();
  const first = await decodedChecksum(page);
  await page.mouse.move(map.x + map.width * 0.3, map.y + map.height * 0.35);
  await page.mouse.down();
  await page.mouse.move(map.x + map.width * 0.7, map.y + map.height * 0.6, { steps: 15 });
  await page.mouse.up();
  await expect.poll(() => decodedChecksum(page), { message: 'the decoded image changes when the probe is dragged' }).not.toBe(first);
  assert(await page.getByRole('button', { name: 'Pause' }).isEnabled(), 'training stopped during the drag');
  await pauseAndSettle(page);
  const paused = await decodedChecksum(page);
  await probe.focus();
  for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowUp');
  await expect.poll(() => decodedChecksum(page), { message: 'arrow keys on the probe change the decoded image' }).not.toBe(paused);
});

test('Pause stops training, Step takes exactly one step, Resume goes on', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await page.getByRole('button', { name: 'Train' }).click();
  await expect.poll(() => globalStep(page).catch(() => 0)).toBeGreaterThan(3);
  await pauseAndSettle(page);
  const pausedAt = await globalStep(page);
  // Nothing to wait for: this checks that no step comes while paused, over a fixed stretch of time.
  await page.waitForTimeout(1500);
  assert((await globalStep(page)) === pausedAt, 'steps went on while paused');
  await page.getByRole('button', { name: 'Step' }).click();
  await page.waitForFunction((at) => {
    const match = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/.exec(document.querySelector('.progress-head')?.textContent ?? '');
    return match && (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]) !== at;
  }, pausedAt);
  assert((await globalStep(page)) === pausedAt + 1, `Step moved from ${pausedAt} to ${await globalStep(page)}`);
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect.poll(() => globalStep(page), { message: 'Resume continues training' }).toBeGreaterThan(pausedAt + 2);
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
