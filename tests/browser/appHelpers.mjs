// What the browser tests share: opening the app, reading its figures and canvases, asserting.

import { readDecodedChecksum, readGlobalStep } from '../shared/pageReaders.mjs';

export const BACKEND_LINE = /^Backend: (webgpu|webgl|wasm|cpu)\b/;
const PROGRESS = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/;

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * Open the app (with a link hash), wait until a backend is chosen and Train can be pressed.
 * offline: true lets the page install its service worker (ctx.newPage blocks it otherwise).
 */
export async function openApp(ctx, hash = '', { timeout = 120_000, offline = false } = {}) {
  const page = await ctx.newPage({ offline });
  await page.setViewportSize({ width: 1440, height: 960 });
  await page.goto(ctx.baseUrl + hash);
  await page.getByRole('status').filter({ hasText: BACKEND_LINE }).waitFor({ timeout });
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout });
  return page;
}

/** Wait until a map has been scored (the kNN figure has a value). */
export async function waitForMap(page) {
  await page.waitForFunction(() => document.querySelector('output[aria-labelledby="knn-label"]')?.dataset.value !== '', null, {
    timeout: 120_000,
  });
}

/** Steps done so far, read from the progress line (of the first model on the page). */
export async function globalStep(page) {
  const step = await page.evaluate(readGlobalStep);
  if (step === null) throw new Error(`no progress figures in "${await page.locator('.progress-head').first().innerText()}"`);
  return step;
}

/** A checksum of a decoded image's pixels (the `index`-th on the page). */
export async function decodedChecksum(page, index = 0) {
  await page.getByRole('img', { name: 'Decoded image' }).nth(index).waitFor();
  return page.evaluate(readDecodedChecksum, index);
}

/** Non-white pixels inside the map canvas: how much of it the points cover. */
export function inkedPixels(page) {
  return page.getByRole('img', { name: 'Latent map' }).evaluate((canvas) => {
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) inked++;
    return inked;
  });
}

/**
 * Waits until what the page shows holds still for `quietMs`: the progress lines, the kNN figures,
 * how many times each decoded image was drawn, the draw counts of the walk views (manifold grid,
 * interpolation strip) and each map's pixels. After a pause, the worker sends the step it stopped
 * at, then refreshes the map (encoding every image), then the decoder's weights, and the map glides
 * (450 ms) to the new codes; the page shows the paused model once all of that has arrived and
 * nothing moves. The quiet window is longer than the poll interval and than a refresh's own gap
 * between the step and the codes on a loaded machine.
 */
export async function settle(page, { quietMs = 700, timeout = 60_000 } = {}) {
  const token = `${Date.now()}-${Math.random()}`;
  await page.waitForFunction(
    ([wanted, quiet]) => {
      let hash = 0;
      const mix = (value) => {
        hash = (hash * 31 + value) % 1_000_000_007;
      };
      for (const line of document.querySelectorAll('.progress-head')) for (const char of line.textContent ?? '') mix(char.charCodeAt(0));
      for (const output of document.querySelectorAll('output[aria-labelledby="knn-label"]')) for (const char of `|${output.dataset.value}`) mix(char.charCodeAt(0));
      for (const canvas of document.querySelectorAll('canvas[aria-label="Decoded image"]')) mix(Number(canvas.dataset.decodes ?? '0'));
      for (const canvas of document.querySelectorAll('canvas[data-draws]')) mix(Number(canvas.dataset.draws));
      for (const canvas of document.querySelectorAll('canvas[aria-label="Latent map"]')) {
        if (canvas.width === 0 || canvas.height === 0) continue;
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4 * 7) mix(data[i] + data[i + 1] * 3 + data[i + 2] * 7);
      }
      const now = performance.now();
      const seen = window.__settle;
      if (!seen || seen.token !== wanted || seen.hash !== hash) {
        window.__settle = { token: wanted, hash, since: now };
        return false;
      }
      return now - seen.since >= quiet;
    },
    [token, quietMs],
    { polling: 100, timeout },
  );
}

/** Resolves after `count` animation frames of the page: what it scheduled for its next frame (a decode after a probe move, a map resized) is drawn. */
export function nextFrames(page, count = 2) {
  return page.evaluate(
    (frames) =>
      new Promise((resolve) => {
        let left = frames;
        const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
        requestAnimationFrame(tick);
      }),
    count,
  );
}

/** Pause, and wait until the paused model's last step, map, weights and the map's glide have arrived and hold still. */
export async function pauseAndSettle(page) {
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await settle(page);
}

/**
 * Steps a model takes before trainThenPause pauses it. The first map comes after the first step, so
 * pausing as soon as a map shows left the model anywhere from 1 to 40 steps in, as the machine's load
 * had it; after one step the decoder draws noise, and tests of what it decodes saw a blank grid.
 */
const STEPS_BEFORE_PAUSE = 20;

/** Train until the first map is scored and the model has taken a few steps, then pause and let the last map settle. */
export async function trainThenPause(page) {
  await page.getByRole('button', { name: 'Train' }).click();
  await waitForMap(page);
  await page.waitForFunction(
    ([pattern, steps]) => {
      const match = new RegExp(pattern).exec(document.querySelector('.progress-head')?.textContent ?? '');
      return match !== null && (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]) >= steps;
    },
    [PROGRESS.source, STEPS_BEFORE_PAUSE],
    { timeout: 120_000 },
  );
  // A short run (epochs=1) can end before Pause is pressed on a fast machine: the finished model is
  // then the one to read, and there is nothing to pause.
  const finished = await page.evaluate(() => document.querySelector('.progress-head .status-done') !== null);
  if (finished) await settle(page);
  else await pauseOrFinish(page);
}

/** Pause, or let the run end if it ends first; then wait until the page holds still. */
async function pauseOrFinish(page) {
  const pause = page.getByRole('button', { name: 'Pause' });
  const stopped = page.getByRole('button', { name: 'Resume' }).or(page.locator('.progress-head .status-done'));
  // The click may find Pause disabled because the run has just ended; that is also a stop.
  await Promise.race([pause.click().catch(() => {}), stopped.first().waitFor()]);
  await stopped.first().waitFor();
  await settle(page);
}
