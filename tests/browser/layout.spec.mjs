// Layouts for projectors, tablets and phones, presenter mode's type size, and touch: one finger
// drags the probe, two pinch to zoom; the map's zoom kept by a session and a link on another
// screen. Each layout test attaches a screenshot of the layout it checks.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, decodedChecksum, nextFrames, trainThenPause } from './appHelpers.mjs';
import { readOverflowingCards } from '../shared/pageReaders.mjs';

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

/**
 * Tables, figures and drawings wider than the card that holds them: past its content box, or with
 * content spilling out of their own box (a table's cells can be wider than the table). A card cuts
 * such content off, as the loss-term table once lost its third column on a projector.
 */
function overflowingCards(page) {
  return page.evaluate(readOverflowingCards);
}

function inside(box, width, height) {
  return box && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height;
}

/** What must be on screen without scrolling in each mode: the map, the probe, the decoded image,
 * the training button, and in lesson mode the lesson's Previous and Next. */
function mustBeOnScreen(page, { lesson }) {
  const wanted = [
    ['map', page.getByRole('img', { name: 'Latent map' })],
    ['probe', page.getByRole('slider', { name: 'Latent probe' })],
    ['decoded image', page.getByRole('img', { name: 'Decoded image' })],
    // Paused after training: Resume is the button that trains on.
    ['Resume', page.getByRole('button', { name: 'Resume' })],
  ];
  if (lesson) wanted.push(['Previous', page.getByRole('button', { name: 'Previous' })], ['Next', page.getByRole('button', { name: 'Next' })]);
  return wanted;
}

async function expectAllOnScreen(page, { width, height, lesson, mode }) {
  await page.evaluate(() => window.scrollTo(0, 0));
  for (const [what, locator] of mustBeOnScreen(page, { lesson })) {
    const box = await locator.boundingBox();
    expect(inside(box, width, height), `${mode}: the ${what} at ${JSON.stringify(box)}`).toBe(true);
  }
}

// Each viewport in four modes: plain, presenter, lesson, and presenter with a lesson open (step 4,
// one of the longest texts). One trained page per pair of modes: P switches presenter mode in place.
for (const [width, height] of [
  [1024, 768],
  [1920, 1080],
]) {
  for (const lesson of [false, true]) {
    const modes = lesson ? ['lesson mode', 'presenter mode in lesson mode'] : ['the plain page', 'presenter mode'];
    test(`at ${width}×${height}, in ${modes.join(' and in ')}, the map, the probe, the decoded image and the step's controls are on screen; presenter mode draws no text under 20 px`, async ({ ctx }, testInfo) => {
      const page = await open(ctx, { width, height, hash: lesson ? '&lesson=4' : '' });
      await trainThenPause(page);
      await expectAllOnScreen(page, { width, height, lesson, mode: modes[0] });
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(width);
      expect(await overflowingCards(page), `${modes[0]}: content wider than its card`).toEqual([]);
      await attachShot(page, testInfo, `${lesson ? 'lesson' : 'plain'}-${width}x${height}`);

      await page.keyboard.press('p');
      await expect(page.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute('aria-pressed', 'true');
      await nextFrames(page, 3); // the map follows its new size on the next frame
      await expectAllOnScreen(page, { width, height, lesson, mode: modes[1] });
      expect(await textsUnder(page, 20)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), 'no sideways scrolling').toBeLessThanOrEqual(width);
      expect(await overflowingCards(page), `${modes[1]}: content wider than its card`).toEqual([]);
      if (lesson && width > 1100) {
        // Step 4 asks the class to watch the loss chart: on a wide screen it shares the screen with the map.
        const chart = await page.getByRole('img', { name: 'Loss chart' }).boundingBox();
        expect(inside(chart, width, height), `${modes[1]}: the loss chart at ${JSON.stringify(chart)}`).toBe(true);
      }
      await attachShot(page, testInfo, `${lesson ? 'presenter-lesson' : 'presenter'}-${width}x${height}`);
      if (lesson) {
        // The next step introduces the basic kind, whose panel (objective and loss-term table) is
        // the one a class reads at this point: it too fits its card. Its set-up would replace the
        // trained model, so the model is kept.
        await page.getByRole('button', { name: 'Next' }).click();
        const keep = page.getByRole('dialog', { name: 'Discard the trained model?' }).getByRole('button', { name: 'Keep my model' });
        const count = page.locator('.lesson-count');
        await expect.poll(async () => (await keep.isVisible()) || /Step 5 of/.test(await count.innerText()), { message: 'the next step, or the question before it' }).toBe(true);
        if (await keep.isVisible()) await keep.click();
        await expect(count).toContainText('Step 5 of');
        await expect(page.getByRole('table', { name: 'Loss terms' })).toBeVisible();
        expect(await overflowingCards(page), `${modes[1]}, the basic kind's step: content wider than its card`).toEqual([]);
        await attachShot(page, testInfo, `presenter-lesson-basic-${width}x${height}`);
      }
    });
  }
}

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

/** The map's d3 zoom: its scale, and its pan as a share of the map's width and height. */
function mapZoom(page) {
  return page.locator('.map-surface').evaluate((surface) => {
    const zoom = surface.__zoom ?? { k: 1, x: 0, y: 0 };
    return { k: zoom.k, x: zoom.x / surface.clientWidth, y: zoom.y / surface.clientHeight };
  });
}

function near(a, b) {
  return Math.abs(a.k - b.k) < 0.01 && Math.abs(a.x - b.x) < 0.01 && Math.abs(a.y - b.y) < 0.01;
}

test("the map's zoom and pan come back from a saved session and from a copied link, on a screen of another size", async ({ ctx }) => {
  const page = await open(ctx, { width: 1440, height: 960 });
  await trainThenPause(page);
  const surface = await page.locator('.map-surface').boundingBox();
  // Two wheel turns off the centre: closer, and panned towards the top left.
  await page.mouse.move(surface.x + surface.width * 0.3, surface.y + surface.height * 0.35);
  await page.mouse.wheel(0, -300);
  await page.mouse.wheel(0, -300);
  await expect.poll(async () => (await mapZoom(page)).k).toBeGreaterThan(1.5);
  const zoomed = await mapZoom(page);
  expect(Math.abs(zoomed.x)).toBeGreaterThan(0.05);

  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save session' }).click()]);
  const saved = readFileSync(await file.path());
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = page.url();
  expect(link).toMatch(/[#&]zoom=[\d.]+(,|%2C)-?[\d.]+(,|%2C)-?[\d.]+/);

  // The link on a projector: the same scale, panned by the same share of its smaller map.
  const linked = await ctx.newPage({ contextOptions: { viewport: { width: 1024, height: 768 } } });
  await linked.goto(link);
  await linked.getByRole('button', { name: 'Train' }).and(linked.locator(':enabled')).waitFor({ timeout: 120_000 });
  await expect.poll(async () => near(await mapZoom(linked), zoomed), { message: 'the link brings the zoom back' }).toBe(true);

  // The session file on a projector: the same.
  const resumed = await open(ctx, { width: 1024, height: 768 });
  expect(near(await mapZoom(resumed), { k: 1, x: 0, y: 0 })).toBe(true);
  await resumed.getByLabel('Open session').setInputFiles({ name: 'session.zip', mimeType: 'application/zip', buffer: saved });
  await resumed.getByRole('button', { name: 'Resume' }).waitFor({ timeout: 120_000 });
  await expect.poll(async () => near(await mapZoom(resumed), zoomed), { message: 'the session brings the zoom back' }).toBe(true);
  // And the zoom stays through a change of layout (presenter mode resizes the map).
  await resumed.keyboard.press('p');
  await expect(resumed.getByRole('button', { name: 'Presenter mode' })).toHaveAttribute('aria-pressed', 'true');
  await nextFrames(resumed, 3); // the map takes its new size
  await expect.poll(async () => near(await mapZoom(resumed), zoomed)).toBe(true);
});
