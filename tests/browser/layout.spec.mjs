// Layouts for projectors, tablets and phones, presenter mode's type size, and touch: one finger
// drags the probe, two pinch to zoom. Each test attaches a screenshot of the layout it checks.
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, decodedChecksum, trainThenPause } from './appHelpers.mjs';

async function open(ctx, { width, height, hash = '', touch = false }) {
  const page = await ctx.newPage({ contextOptions: { viewport: { width, height }, hasTouch: touch } });
  await page.goto(`${ctx.baseUrl}#backend=wasm${hash}`);
  // Presenter mode leaves out the backend line, so only the enabled Train button is awaited there.
  if (!hash.includes('presenter=1')) await page.getByRole('status').filter({ hasText: BACKEND_LINE }).waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).waitFor({ timeout: 120_000 });
  return page;
}

async function attachShot(page, testInfo, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await testInfo.attach(name, { body: await page.screenshot(), contentType: 'image/png' });
}

/** Every rendered text on the page whose drawn size is under `minPx` (SVG text scaled by its viewBox). */
function textsUnder(page, minPx) {
  return page.evaluate((min) => {
    const found = [];
    const walker = document.createTreeWalker(document.body, 4 /* NodeFilter.SHOW_TEXT */);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const element = node.parentElement;
      if (!text || !element || element.closest('.visually-hidden, option, script, style')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      if (![...range.getClientRects()].some((rect) => rect.width > 0 && rect.height > 0)) continue;
      let size = parseFloat(window.getComputedStyle(element).fontSize);
      const svg = element.closest('svg');
      const box = svg?.viewBox?.baseVal;
      if (svg && box && box.width > 0) size *= svg.getBoundingClientRect().width / box.width;
      if (size < min - 0.01) found.push(`${text.slice(0, 40)} (${size.toFixed(1)} px)`);
    }
    return found;
  }, minPx);
}

function inside(box, width, height) {
  return box && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

test('at 1024×768 the map, the probe and the decoded image are all on screen without scrolling', async ({ ctx }, testInfo) => {
  const page = await open(ctx, { width: 1024, height: 768 });
  await trainThenPause(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const [what, locator] of [
    ['map', page.getByRole('img', { name: 'Latent map' })],
    ['probe', page.getByRole('slider', { name: 'Latent probe' })],
    ['decoded image', page.getByRole('img', { name: 'Decoded image' })],
  ]) {
    const box = await locator.boundingBox();
    expect(inside(box, 1024, 768), `the ${what} at ${JSON.stringify(box)}`).toBe(true);
  }
  await attachShot(page, testInfo, 'layout-1024x768');
});

for (const [width, height] of [
  [768, 1024],
  [390, 844],
]) {
  test(`at ${width}×${height} the page is one column and the map fills at least 90% of the width`, async ({ ctx }, testInfo) => {
    const page = await open(ctx, { width, height });
    const map = await page.getByRole('img', { name: 'Latent map' }).boundingBox();
    expect(map.width).toBeGreaterThanOrEqual(0.9 * width);
    const decoded = await page.getByRole('img', { name: 'Decoded image' }).boundingBox();
    expect(decoded.y, 'the decoded image comes below the map').toBeGreaterThan(map.y + map.height - 1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await attachShot(page, testInfo, `layout-${width}x${height}`);
  });
}

for (const [width, height, hash] of [
  [1024, 768, '&presenter=1'],
  [1024, 768, '&presenter=1&lesson=3'],
  [1920, 1080, '&presenter=1&lesson=1'],
]) {
  test(`presenter mode at ${width}×${height} (${hash.slice(1)}) draws no text under 20 px and keeps the map and probe on screen`, async ({ ctx }, testInfo) => {
    const page = await open(ctx, { width, height, hash });
    await trainThenPause(page);
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await textsUnder(page, 20)).toEqual([]);
    expect(inside(await page.getByRole('img', { name: 'Latent map' }).boundingBox(), width, height)).toBe(true);
    expect(inside(await page.getByRole('slider', { name: 'Latent probe' }).boundingBox(), width, height)).toBe(true);
    await attachShot(page, testInfo, `presenter-${width}x${height}`);
  });
}

test('presenter mode turns on and off with P and leaves out the settings', async ({ ctx }) => {
  const page = await open(ctx, { width: 1024, height: 768 });
  await expect(page.getByRole('form', { name: 'Settings' })).toBeVisible();
  await page.keyboard.press('p');
  await expect(page.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('form', { name: 'Settings' })).toHaveCount(0);
  await page.keyboard.press('P');
  await expect(page.getByRole('form', { name: 'Settings' })).toBeVisible();
});

test('on a touch screen one finger drags the probe and decodes, two fingers pinch to zoom', async ({ ctx }) => {
  const page = await open(ctx, { width: 390, height: 844, touch: true });
  await trainThenPause(page);
  const mapCanvas = page.getByRole('img', { name: 'Latent map' });
  await mapCanvas.scrollIntoViewIfNeeded();
  const map = await mapCanvas.boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
  const before = await decodedChecksum(page);
  const probeText = await page.getByRole('slider', { name: 'Latent probe' }).getAttribute('aria-valuetext');
  const at = (fx, fy) => [map.x + map.width * fx, map.y + map.height * fy];
  await touch('touchStart', [at(0.3, 0.3)]);
  for (let i = 1; i <= 10; i++) await touch('touchMove', [at(0.3 + 0.04 * i, 0.3 + 0.035 * i)]);
  await touch('touchEnd', []);
  await expect.poll(() => decodedChecksum(page)).not.toBe(before);
  await expect(page.getByRole('slider', { name: 'Latent probe' })).not.toHaveAttribute('aria-valuetext', probeText);

  const ticks = () => page.locator('.map-axes .axis-x .tick text').allTextContents();
  const ticksBefore = (await ticks()).join(' ');
  await touch('touchStart', [at(0.45, 0.5), at(0.55, 0.5)]);
  for (let i = 1; i <= 10; i++) await touch('touchMove', [at(0.45 - 0.03 * i, 0.5), at(0.55 + 0.03 * i, 0.5)]);
  await touch('touchEnd', []);
  await expect.poll(async () => (await ticks()).join(' ')).not.toBe(ticksBefore);
});
