// What the browser tests share: opening the app, reading its figures and canvases, asserting.

export const BACKEND_LINE = /^Backend: (webgpu|webgl|wasm|cpu)\b/;
const PROGRESS = /Epoch (\d+) \/ \d+ · step (\d+) \/ (\d+)/;

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Open the app (with a link hash), wait until a backend is chosen and Train can be pressed. */
export async function openApp(ctx, hash = '', { timeout = 120_000 } = {}) {
  const page = await ctx.newPage();
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
  const text = await page.locator('.progress-head').first().innerText();
  const match = PROGRESS.exec(text);
  if (!match) throw new Error(`no progress figures in "${text}"`);
  return (Number(match[1]) - 1) * Number(match[3]) + Number(match[2]);
}

/** A checksum of a decoded image's pixels (the `index`-th on the page). */
export function decodedChecksum(page, index = 0) {
  return page
    .getByRole('img', { name: 'Decoded image' })
    .nth(index)
    .evaluate((canvas) => {
      const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum = (sum * 31 + data[i]) % 1_000_000_007;
      return sum;
    });
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

/** Train until the first map is scored, then pause and let the paused model's last map arrive and settle. */
export async function trainThenPause(page) {
  await page.getByRole('button', { name: 'Train' }).click();
  await waitForMap(page);
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Resume' }).waitFor();
  await page.waitForTimeout(1000); // the last weights and map after pausing, and the map's glide
}
