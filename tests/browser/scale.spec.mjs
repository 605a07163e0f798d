// End-to-end at full size: the four real Fashion-MNIST IDX files (70,000 images, from Debian's
// dataset-fashion-mnist package, which .ci/run installs) load through `Load data files` without
// blocking the page, and the map then holds 70,000 points that zoom, hover and decode.
import { test, expect } from './fixtures.mjs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assert, settle } from './appHelpers.mjs';

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

test('70,000 Fashion-MNIST images load from their IDX files, the page keeps drawing frames, and the 70,000-point map zooms, hovers and decodes', async ({ ctx }) => {
  const paths = FILES.map((name) => join(FASHION_DIR, name));
  const missing = paths.filter((path) => !existsSync(path));
  assert(missing.length === 0, `missing ${missing.join(', ')}: install Debian's dataset-fashion-mnist package`);

  const page = await ctx.newPage();
  await page.setViewportSize({ width: 1440, height: 960 });
  await page.goto(`${ctx.baseUrl}#backend=wasm&epochs=1`);
  await page.getByRole('status').filter({ hasText: /^Backend: wasm/ }).waitFor({ timeout: 120_000 });

  // Count animation frames while the files are parsed: a blocked main thread draws none.
  await page.evaluate(() => {
    window.frameGaps = [];
    let last = performance.now();
    const tick = (now) => {
      window.frameGaps.push(now - last);
      last = now;
      if (!window.stopFrames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.getByLabel('Load data files').setInputFiles(paths);
  await page.locator('.data-result', { hasText: /70,000 images/ }).waitFor({ timeout: 240_000 });
  const gaps = await page.evaluate(() => {
    window.stopFrames = true;
    return window.frameGaps;
  });
  assert(gaps.length > 20, `only ${gaps.length} frames were drawn while 70,000 images loaded: the page froze`);

  await page.getByText(/70,000 images/).first().waitFor();
  await page.waitForFunction(() => document.querySelector('output[aria-labelledby="knn-label"]')?.dataset.value !== '', null, { timeout: 240_000 });
  const pointsDrawn = await page.evaluate(() => {
    const counts = window.latentExplorerMetrics.snapshot().framePoints;
    return counts[counts.length - 1];
  });
  assert(pointsDrawn === 70_000, `the last map frame drew ${pointsDrawn} points, not 70,000`);

  const map = await page.getByRole('img', { name: 'Latent map' }).boundingBox();
  await page.mouse.move(map.x + map.width / 2, map.y + map.height / 2);
  const ticks = () => page.locator('.map-axes .axis-x .tick text').allTextContents();
  const ticksBefore = (await ticks()).join(' ');
  await page.mouse.wheel(0, -400);
  await expect.poll(async () => (await ticks()).join(' '), { message: 'the wheel zooms the map' }).not.toBe(ticksBefore);
  await settle(page); // the zoom's glide
  // Hover somewhere with points: walk across the centre until the tooltip shows an image.
  let hovered = false;
  for (let i = 0; i < 40 && !hovered; i++) {
    await page.mouse.move(map.x + map.width * (0.3 + i * 0.01), map.y + map.height * (0.35 + i * 0.008));
    hovered = await page.getByRole('tooltip').isVisible().catch(() => false);
  }
  assert(hovered, 'hovering over the 70,000-point map never showed an image');

  const before = await page.getByRole('img', { name: 'Decoded image' }).evaluate((canvas) => canvas.dataset.decodes ?? '0');
  await page.mouse.down();
  await page.mouse.move(map.x + map.width * 0.6, map.y + map.height * 0.6, { steps: 10 });
  await page.mouse.up();
  const decodes = () => page.getByRole('img', { name: 'Decoded image' }).evaluate((canvas) => Number(canvas.dataset.decodes ?? '0'));
  await expect.poll(decodes, { message: 'dragging on the 70,000-point map decodes' }).toBeGreaterThan(Number(before));
});
