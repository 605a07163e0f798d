// End-to-end: walking the latent space of an 8-D model. Dragging decodes on PCA and UMAP maps, the
// manifold grid shows N x N different decoded images and follows the map's zoom, the interpolation
// strip starts at the image decoded at A, and a latent slider moves the probe and the image.
// Training is paused before each check, so what changes comes from the walk, not from new weights.

import { test, expect } from './fixtures.mjs';
import { assert, decodedChecksum, nextFrames, openApp, settle, trainThenPause } from './appHelpers.mjs';

/** The manifold grid redraws at most this often (MIN_REDRAW_MS in src/ui/ManifoldGrid.tsx). */
const GRID_REDRAW_MS = 500;

/** The decoded image as 28 x 28 grey values, read at the centre of each enlarged pixel. */
function decodedGrey(page) {
  return page.getByRole('img', { name: 'Decoded image' }).evaluate((canvas) => {
    const context = canvas.getContext('2d');
    const cell = canvas.width / 28;
    const grey = [];
    for (let row = 0; row < 28; row++) {
      for (let column = 0; column < 28; column++) {
        grey.push(context.getImageData(Math.floor((column + 0.5) * cell), Math.floor((row + 0.5) * cell), 1, 1).data[0]);
      }
    }
    return grey;
  });
}

function probeTransform(page) {
  return page.getByRole('slider', { name: 'Latent probe' }).evaluate((element) => element.style.transform);
}

/** Press on the map at (fx, fy) (fractions of its size) and drag to (tx, ty). */
async function dragOnMap(page, [fx, fy], [tx, ty]) {
  // The walk panels sit below the map: bring the whole map into view before pointing at it.
  await page.getByRole('img', { name: 'Latent map' }).evaluate((canvas) => canvas.scrollIntoView({ block: 'center' }));
  const map = await page.getByRole('img', { name: 'Latent map' }).boundingBox();
  await page.mouse.move(map.x + map.width * fx, map.y + map.height * fy);
  await page.mouse.down();
  await page.mouse.move(map.x + map.width * tx, map.y + map.height * ty, { steps: 15 });
  await page.mouse.up();
  await nextFrames(page); // the decode of the probe's last place
}

/** Draw count, size and per-tile checksums of the manifold mosaic, plus its brightness spread. */
function mosaicSummary(page) {
  return page.getByRole('img', { name: 'Manifold grid' }).evaluate((canvas) => {
    const size = Number(canvas.dataset.gridSize);
    const tile = Number(canvas.dataset.tile);
    const gap = Number(canvas.dataset.gap);
    const context = canvas.getContext('2d');
    const hashes = [];
    let sum = 0;
    let sumSquares = 0;
    let values = 0;
    for (let row = 0; row < size; row++) {
      for (let column = 0; column < size; column++) {
        const { data } = context.getImageData(column * (tile + gap), row * (tile + gap), tile, tile);
        let hash = 0;
        for (let i = 0; i < data.length; i += 4) {
          hash = (hash * 31 + data[i]) % 1_000_000_007;
          sum += data[i];
          sumSquares += data[i] * data[i];
          values++;
        }
        hashes.push(hash);
      }
    }
    const mean = sum / values;
    return {
      draws: Number(canvas.dataset.draws ?? '0'),
      size,
      fits: canvas.width === size * tile + (size - 1) * gap,
      distinct: new Set(hashes).size,
      key: hashes.join(','),
      mean,
      spread: Math.sqrt(Math.max(0, sumSquares / values - mean * mean)),
    };
  });
}

async function waitForMosaic(page, { size, after = 0 }) {
  await page.waitForFunction(
    ([wanted, drawsBefore]) => {
      const canvas = document.querySelector('canvas[aria-label="Manifold grid"]');
      return canvas && Number(canvas.dataset.gridSize) === wanted && Number(canvas.dataset.draws ?? '0') > drawsBefore;
    },
    [size, after],
    { timeout: 30_000 },
  );
  // A change that came during that draw is drawn once the throttle interval ends: wait until the draw count holds still.
  await settle(page, { quietMs: GRID_REDRAW_MS + 200 });
  return mosaicSummary(page);
}

test('an 8-D model on a PCA map: dragging the probe decodes new pixels', async ({ ctx }) => {
  const page = await openApp(ctx, '#latent=8&backend=wasm&projection=pca');
  await trainThenPause(page);
  await page.locator('.axis-title', { hasText: 'PC 1' }).waitFor();
  const before = await decodedChecksum(page);
  await dragOnMap(page, [0.3, 0.35], [0.7, 0.6]);
  await expect.poll(() => decodedChecksum(page), { message: 'the decoded image changes when the probe is dragged' }).not.toBe(before);
});

test('an 8-D model on a UMAP map: dragging the probe decodes new pixels', async ({ ctx }) => {
  const page = await openApp(ctx, '#latent=8&backend=wasm&projection=umap');
  await trainThenPause(page);
  // Until UMAP finishes, PCA stands in; wait for the UMAP map and for any refit to end.
  await page.locator('.axis-title', { hasText: 'UMAP 1' }).waitFor({ timeout: 150_000 });
  await page.locator('.projection-activity').waitFor({ state: 'detached', timeout: 150_000 });
  await settle(page); // the map's glide to the UMAP points
  const before = await decodedChecksum(page);
  const probeBefore = await probeTransform(page);
  await dragOnMap(page, [0.35, 0.3], [0.65, 0.7]);
  await expect.poll(() => probeTransform(page), { message: 'the probe moves on the UMAP map' }).not.toBe(probeBefore);
  await expect.poll(() => decodedChecksum(page), { message: 'the decoded image changes when the probe is dragged' }).not.toBe(before);
});

test('the manifold grid draws N x N different images, follows the zoom and the grid size, and rests when idle', async ({ ctx }) => {
  const page = await openApp(ctx, '#latent=8&backend=wasm&projection=pca');
  await page.getByRole('tab', { name: 'Grid' }).click();
  await trainThenPause(page);
  const first = await waitForMosaic(page, { size: 8 });
  assert(first.fits, 'the mosaic is not exactly 8 tiles wide');
  assert(first.distinct >= 58, `only ${first.distinct} of 64 tiles differ from one another`);
  assert(first.mean > 8 && first.spread > 25, `the mosaic looks blank (mean ${first.mean}, spread ${first.spread})`);

  // Nothing changes while paused, so the throttled redraw must stay idle: a fixed stretch of
  // time, longer than the throttle interval, in which no draw may come.
  await page.waitForTimeout(3 * GRID_REDRAW_MS);
  const idle = await mosaicSummary(page);
  assert(idle.draws === first.draws, `the grid redrew ${idle.draws - first.draws} times with nothing changed`);

  await page.getByRole('button', { name: 'Zoom in' }).click();
  const zoomed = await waitForMosaic(page, { size: 8, after: idle.draws });
  assert(zoomed.key !== idle.key, 'zooming the map did not change the grid');
  assert(zoomed.distinct >= 58, `after zooming only ${zoomed.distinct} of 64 tiles differ`);

  await page.getByLabel('Grid size').selectOption('12');
  const larger = await waitForMosaic(page, { size: 12, after: zoomed.draws });
  assert(larger.fits, 'the mosaic is not exactly 12 tiles wide');
  assert(larger.distinct >= 130, `only ${larger.distinct} of 144 tiles differ from one another`);
});

test('interpolation from A to B shows the chosen number of images and starts at the image decoded at A', async ({ ctx }) => {
  const page = await openApp(ctx, '#latent=8&backend=wasm&projection=pca');
  await trainThenPause(page);
  await page.getByRole('tab', { name: 'Interpolate' }).click();

  await dragOnMap(page, [0.3, 0.3], [0.35, 0.4]);
  const atA = await decodedGrey(page);
  await page.getByRole('button', { name: 'Set A from probe' }).click();
  await dragOnMap(page, [0.7, 0.7], [0.65, 0.6]);
  await page.getByRole('button', { name: 'Set B from probe' }).click();
  await page.getByRole('img', { name: 'End A', exact: true }).waitFor();
  await page.getByRole('img', { name: 'End B', exact: true }).waitFor();

  for (const steps of [5, 12]) {
    await page.getByLabel('Steps').selectOption(String(steps));
    await page.waitForFunction(
      (wanted) => {
        const canvas = document.querySelector('canvas[aria-label="Interpolation"]');
        return canvas && Number(canvas.dataset.steps) === wanted && Number(canvas.width) > 0 && Number(canvas.dataset.draws ?? '0') > 0;
      },
      steps,
    );
    await settle(page, { quietMs: 300 }); // the strip's draw count holds still
    const strip = await page.getByRole('img', { name: 'Interpolation' }).evaluate((canvas) => {
      const count = Number(canvas.dataset.steps);
      const tile = Number(canvas.dataset.tile);
      const gap = Number(canvas.dataset.gap);
      const context = canvas.getContext('2d');
      const tiles = [];
      for (let i = 0; i < count; i++) {
        const grey = [];
        const cell = tile / 28;
        for (let row = 0; row < 28; row++) {
          for (let column = 0; column < 28; column++) {
            const x = i * (tile + gap) + Math.floor((column + 0.5) * cell);
            grey.push(context.getImageData(x, Math.floor((row + 0.5) * cell), 1, 1).data[0]);
          }
        }
        tiles.push(grey);
      }
      return { count, fits: canvas.width === count * tile + (count - 1) * gap, tiles };
    });
    assert(strip.count === steps && strip.fits, `the strip holds ${strip.count} tiles, not ${steps}`);
    const inked = strip.tiles.filter((grey) => grey.some((value) => value > 40)).length;
    assert(inked === steps, `${inked} of ${steps} strip images have any ink`);
    const worst = Math.max(...strip.tiles[0].map((value, i) => Math.abs(value - atA[i])));
    assert(worst <= 2, `the first strip image differs from the image decoded at A by up to ${worst} grey levels`);
    const last = strip.tiles[steps - 1];
    assert(last.some((value, i) => Math.abs(value - atA[i]) > 30), 'the strip ends where it starts: A and B look the same');
  }
});

test('moving slider z1 moves the probe and changes the decoded image', async ({ ctx }) => {
  const page = await openApp(ctx, '#latent=8&backend=wasm&projection=pca');
  await trainThenPause(page);
  await page.getByRole('tab', { name: 'Sliders' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Sliders' });
  await panel.getByRole('slider', { name: 'z8', exact: true }).waitFor();
  const count = await panel.getByRole('slider').count();
  assert(count === 8, `${count} sliders for an 8-D code`);

  const slider = panel.getByRole('slider', { name: 'z1', exact: true });
  const valueBefore = Number(await slider.inputValue());
  const probeBefore = await probeTransform(page);
  const imageBefore = await decodedChecksum(page);
  await slider.focus();
  const middle = (Number(await slider.getAttribute('min')) + Number(await slider.getAttribute('max'))) / 2;
  const key = valueBefore > middle ? 'Home' : 'End';
  await page.keyboard.press(key);
  await expect.poll(async () => Number(await slider.inputValue()), { message: 'slider z1 moves' }).not.toBe(valueBefore);
  await expect.poll(() => probeTransform(page), { message: 'moving z1 moves the probe on the map' }).not.toBe(probeBefore);
  await expect.poll(() => decodedChecksum(page), { message: 'moving z1 changes the decoded image' }).not.toBe(imageBefore);
});
