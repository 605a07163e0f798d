// A model with more than two latent values, its projection switched while it trains: every drag,
// arrow-key move and walk view decodes a code of the model's size (no console error), and the
// decoded image follows the probe.
import { test, expect } from './fixtures.mjs';
import { openApp, decodedChecksum, globalStep, nextFrames } from './appHelpers.mjs';

test('with latent size 8 and UMAP chosen while training, dragging the probe changes the decoded image and logs no error', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  // As a new user does it: edit the field of the 2-D model the page opened with, then Train.
  await page.getByLabel('Latent size').fill('8');
  await page.getByRole('button', { name: 'Train' }).click();
  await page.getByLabel('Projection').selectOption('umap');
  await expect.poll(() => globalStep(page).catch(() => 0)).toBeGreaterThan(0);

  const map = page.getByRole('img', { name: 'Latent map' });
  const box = await map.boundingBox();
  const seen = new Set();
  // Drag several times while training runs and UMAP is still being computed (PCA stands in).
  for (let i = 0; i < 4; i++) {
    await page.mouse.move(box.x + box.width * (0.25 + 0.1 * i), box.y + box.height * 0.3);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * (0.35 + 0.1 * i), box.y + box.height * (0.45 + 0.05 * i), { steps: 6 });
    await page.mouse.up();
    await nextFrames(page); // the decode at the probe's last place
    seen.add(await decodedChecksum(page));
  }
  expect(seen.size, 'the decoded image changed as the probe moved').toBeGreaterThan(1);

  // The keyboard path: arrow keys move the focused probe, and the image follows.
  const before = await decodedChecksum(page);
  await page.getByRole('slider', { name: 'Latent probe' }).focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
  await expect.poll(() => decodedChecksum(page)).not.toBe(before);

  // The grid (shown from the start) decoded codes of this map all along; the sliders set one value.
  await page.getByRole('tab', { name: 'Sliders' }).click();
  const firstSlider = page.getByRole('list', { name: 'Latent code' }).getByRole('slider').first();
  const beforeSlider = await decodedChecksum(page);
  await firstSlider.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => decodedChecksum(page)).not.toBe(beforeSlider);
  expect(ctx.watchOf(page).problems()).toEqual([]);
});
