// End-to-end: the generated colour emoji set (drawn from the system's colour emoji font, labelled
// by Unicode group) trains and decodes in colour; and a drawing on the pad is encoded by the
// worker's model, its reconstruction shown beside the pad and the probe moved to its code.

import { test } from './fixtures.mjs';
import { assert, globalStep, nextFrames, openApp, pauseAndSettle, waitForMap } from './appHelpers.mjs';

const EMOJI_SUMMARY = /([\d,]+) images of 32×32 colour emoji in (\d+) classes/;

function trainButtonReady(page) {
  return page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
}

/** Train until at least `steps` steps are done, then pause and wait for the paused model's views. */
async function trainSteps(page, steps) {
  await page.getByRole('button', { name: 'Train' }).click();
  await page.waitForFunction((wanted) => {
    const match = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/.exec(document.querySelector('.progress-head')?.textContent ?? '');
    return match && (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]) >= wanted;
  }, steps, { timeout: 180_000 });
  await pauseAndSettle(page); // the paused model's last map and weights
}

/** Pixel statistics of a canvas found by its accessible name. */
function canvasStats(page, name) {
  return page.getByLabel(name, { exact: true }).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let lit = 0;
    let coloured = 0;
    let channelGap = 0;
    const pixels = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      const [red, green, blue] = [data[i], data[i + 1], data[i + 2]];
      if (Math.max(red, green, blue) > 40) lit++;
      const gap = Math.max(red, green, blue) - Math.min(red, green, blue);
      channelGap += gap;
      if (gap > 24) coloured++;
    }
    return { pixels, lit, coloured, meanChannelGap: channelGap / pixels };
  });
}

/**
 * Put the probe in the middle of the point cloud by pressing there: the median of the map's inked
 * pixels. (The probe starts where the untrained model's codes were, which training may leave behind.)
 */
async function probeIntoTheCloud(page) {
  const map = page.getByRole('img', { name: 'Latent map' });
  const at = await map.evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const xs = [];
    const ys = [];
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) {
        xs.push((i / 4) % canvas.width);
        ys.push(Math.floor(i / 4 / canvas.width));
      }
    }
    const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const rect = canvas.getBoundingClientRect();
    return { x: rect.left + (median(xs) * rect.width) / canvas.width, y: rect.top + (median(ys) * rect.height) / canvas.height };
  });
  await page.mouse.click(at.x, at.y);
  await nextFrames(page); // the decode at the probe's new place
}

function probeTransform(page) {
  return page.getByRole('slider', { name: 'Latent probe' }).evaluate((probe) => probe.style.transform);
}

test('the emoji set is drawn from the colour emoji font, labelled by group, and decodes in colour', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await page.getByLabel('Dataset', { exact: true }).selectOption('emoji');
  const summary = page.locator('.data-result').filter({ hasText: EMOJI_SUMMARY });
  await summary.waitFor({ timeout: 120_000 });
  const [, imagesText, classesText] = EMOJI_SUMMARY.exec(await summary.innerText());
  const images = Number(imagesText.replaceAll(',', ''));
  const classes = Number(classesText);
  assert(classes >= 5, `the emoji set has ${classes} classes; expected at least 5 Unicode groups`);
  assert(images >= 1000, `the emoji set has only ${images} images`);
  const line = await page.locator('.dataset-line').innerText();
  assert(line.includes('32×32 colour') && line.includes(`${imagesText} images`), `the dataset line reads "${line}"`);

  await trainButtonReady(page);
  await trainSteps(page, 80);
  await waitForMap(page);
  await probeIntoTheCloud(page);
  const legend = await page.locator('.map-column').innerText();
  for (const group of ['Smileys & emotion', 'Animals & nature', 'Food & drink', 'Flags']) {
    assert(legend.includes(group), `the map legend does not name the group "${group}"`);
  }
  const decoded = await canvasStats(page, 'Decoded image');
  assert(decoded.lit > decoded.pixels * 0.5, `the decoded image is mostly dark (${decoded.lit} of ${decoded.pixels} pixels lit)`);
  assert(
    decoded.meanChannelGap > 6 && decoded.coloured > decoded.pixels * 0.02,
    `the decoded image is gray: mean channel gap ${decoded.meanChannelGap.toFixed(1)}, ${decoded.coloured} coloured pixels`,
  );
});

test('a stroke on the drawing pad is encoded: its reconstruction shows beside the pad and the probe moves to its code', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  await trainSteps(page, 60);
  await waitForMap(page);
  const before = await probeTransform(page);
  const stepBefore = await globalStep(page);
  const blank = await canvasStats(page, 'Reconstruction of the drawing');
  assert(blank.lit === 0, 'the reconstruction beside the pad is drawn before anything was drawn');

  const pad = page.getByLabel('Drawing pad', { exact: true });
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  // A "7": a bar across the top, then a stroke down to the bottom left.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.25);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.25, { steps: 8 });
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.8, { steps: 12 });
  await page.mouse.up();

  const ink = await canvasStats(page, 'Drawing pad');
  assert(ink.lit > 500, `the stroke left only ${ink.lit} lit pixels on the pad`);
  await page.waitForFunction(() => {
    const canvas = document.querySelector('canvas[aria-label="Reconstruction of the drawing"]');
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    for (let i = 0; i < data.length; i += 4) if (data[i] > 40) return true;
    return false;
  }, null, { timeout: 30_000 });
  const reconstruction = await canvasStats(page, 'Reconstruction of the drawing');
  assert(reconstruction.lit > 50, `the reconstruction beside the pad is nearly black (${reconstruction.lit} lit pixels)`);
  await page.waitForFunction((old) => document.querySelector('[aria-label="Latent probe"]')?.style.transform !== old, before, { timeout: 30_000 });
  assert(await page.getByText(/the probe on the map marks the drawing/i).isVisible(), 'the pad does not say the probe marks the drawing');

  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  const cleared = await canvasStats(page, 'Drawing pad');
  assert(cleared.lit === 0, `Clear left ${cleared.lit} lit pixels on the pad`);
  assert((await globalStep(page)) === stepBefore, 'drawing on the pad changed the paused training progress');
});
