// The app's main paths in Firefox (Debian's Firefox ESR), driven by puppeteer-core over WebDriver
// BiDi: load and train, Pause / Resume / Step, the probe by mouse and by arrow keys, a lesson step,
// the layout at four sizes in both modes, a user's IDX files and a broken one, a session saved and
// opened at the same step, and an offline reload; every page fails its test on a console error, an uncaught exception or a
// Content-Security-Policy report. Run by `node --test tests/firefox/` (part of `npm test`) against
// the built app in dist/. Headless Firefox has no WebGL 2 and no WebGPU here: it trains on WebAssembly.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPreviewServer } from '../browser/harness.mjs';
import { corruptIdx, idxPair } from '../shared/dataFiles.mjs';
import { readBackendLine, readDecodedChecksum, readGlobalStep, readNotices, readOverflowingCards } from '../shared/pageReaders.mjs';
import { test } from './fixtures.mjs';
import { openPage, poll, buttonEnabled, clickButton } from './firefoxDriver.mjs';

/** A page on a fresh browser context at `hash`, with Train enabled; `problems()` lists what went wrong in it. */
async function openApp({ firefox, server }, hash = '', options = {}) {
  const opened = await openPage(firefox, server, hash, options);
  await poll(() => buttonEnabled(opened.page, 'Train'), { message: 'Train is enabled', timeout: 120_000, state: () => pageState(opened.page) });
  return opened;
}

/** What the page shows of its training, for a failed wait's message. */
function pageState(page) {
  return page.evaluate(() => ({
    progress: document.querySelector('.progress-head')?.textContent,
    backend: [...document.querySelectorAll('[role="status"]')].map((element) => element.textContent).find((text) => text?.startsWith('Backend')),
    notices: [...document.querySelectorAll('.notice')].map((element) => element.textContent),
    buttons: [...document.querySelectorAll('.controls button')].map((button) => `${button.textContent}${button.disabled ? ' (disabled)' : ''}`),
  }));
}

/** Nothing went wrong on the page, nor under the policy on `server`. */
function assertClean(opened, server) {
  assert.deepEqual(opened.problems(), [], 'the page reported problems');
  assert.deepEqual(server.cspReports.splice(0), [], 'the page or its workers broke the Content-Security-Policy');
}

async function step(page) {
  return (await page.evaluate(readGlobalStep)) ?? 0;
}

/** Whether the run has ended (a short run on a fast machine can end before Pause is pressed). */
function finished(page) {
  return page.evaluate(() => document.querySelector('.progress-head .status-done') !== null);
}

/** Pause (or let the run end, if it ends first), and wait until the step count holds still (the worker's last step has arrived). */
async function pauseAndHold(page) {
  if (!(await finished(page))) await clickButton(page, 'Pause').catch(() => {});
  await poll(async () => (await buttonEnabled(page, 'Resume')) || (await finished(page)), { message: 'Resume is offered after Pause, or the run has ended', state: () => pageState(page) });
  let last = -1;
  await poll(async () => {
    const now = await step(page);
    const same = now === last;
    last = now;
    return same;
  }, { message: 'the step count holds still after Pause', interval: 700 });
  return last;
}

test.describe('Firefox', () => {
  test('loads cross-origin isolated, trains on WebAssembly, pauses, steps once, resumes, decodes where the probe is dragged or moved by arrow keys, and opens a lesson step', async ({ firefox, previewServer: server }) => {
    const opened = await openApp({ firefox, server }, '#backend=wasm');
    const { page } = opened;
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true, 'the page is not cross-origin isolated');
    await clickButton(page, 'Train');
    await poll(async () => (await step(page)) > 5, { message: 'training steps', timeout: 120_000 });
    const line = await page.evaluate(readBackendLine);
    assert.match(line, /^Backend: wasm/);

    const paused = await pauseAndHold(page);
    await clickButton(page, 'Step');
    await poll(async () => (await step(page)) === paused + 1, { message: `Step takes exactly one step from ${paused}` });
    await clickButton(page, 'Resume');
    await poll(async () => (await step(page)) > paused + 3, { message: 'Resume trains on' });

    // The probe: a drag across the map, then the arrow keys on the focused probe.
    const map = await page.$('canvas[aria-label="Latent map"]');
    const box = await map.boundingBox();
    const before = await page.evaluate(readDecodedChecksum, 0);
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.35);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.6, { steps: 12 });
    await page.mouse.up();
    await poll(async () => (await page.evaluate(readDecodedChecksum, 0)) !== before, { message: 'the decoded image changes when the probe is dragged' });
    await pauseAndHold(page);
    const held = await page.evaluate(readDecodedChecksum, 0);
    await page.focus('[role="slider"][aria-label="Latent probe"]');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowUp');
    await poll(async () => (await page.evaluate(readDecodedChecksum, 0)) !== held, { message: 'arrow keys on the probe change the decoded image' });

    await clickButton(page, 'Lesson');
    await poll(() => page.evaluate(() => /Step 1 of \d+/.test(document.querySelector('.lesson-count')?.textContent ?? '')), { message: 'the lesson opens at step 1' });
    const firstTitle = await page.evaluate(() => document.querySelector('#lesson-title')?.textContent);
    await clickButton(page, 'Next');
    // Moving on may ask before it replaces the trained model: keep it.
    await poll(async () => {
      if (await buttonEnabled(page, 'Keep my model')) await clickButton(page, 'Keep my model');
      return page.evaluate(() => /Step 2 of \d+/.test(document.querySelector('.lesson-count')?.textContent ?? ''));
    }, { message: 'Next reaches step 2' });
    assert.notEqual(await page.evaluate(() => document.querySelector('#lesson-title')?.textContent), firstTitle);
    assertClean(opened, server);
    await opened.close();
  });

  test('nothing sticks out of its card at 1920×1080, 1024×768, 768×1024 and 390×844, plain and in presenter mode, nor on the lesson step that introduces the basic kind', async ({ firefox, previewServer: server }) => {
    const opened = await openApp({ firefox, server }, '#backend=wasm&lesson=4');
    const { page } = opened;
    await clickButton(page, 'Train');
    await poll(async () => (await step(page)) > 20, { message: 'training before the layout is read', timeout: 120_000 });
    await pauseAndHold(page);
    const presenter = () => page.evaluate(() => document.documentElement.classList.contains('presenter'));
    for (const [width, height] of [[1920, 1080], [1024, 768], [768, 1024], [390, 844]]) {
      await page.setViewport({ width, height });
      for (const mode of ['plain', 'presenter']) {
        if ((mode === 'presenter') !== (await presenter())) await page.keyboard.press('p');
        await poll(async () => (mode === 'presenter') === (await presenter()), { message: `${mode} mode at ${width}×${height}` });
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        assert.deepEqual(await page.evaluate(readOverflowingCards), [], `${mode} at ${width}×${height}: content wider than its card`);
      }
    }
    // Presenter mode at 1920×1080 on the next step, whose kind panel (objective, loss-term table) a class reads there.
    await page.setViewport({ width: 1920, height: 1080 });
    await clickButton(page, 'Next');
    await poll(async () => {
      if (await buttonEnabled(page, 'Keep my model')) await clickButton(page, 'Keep my model');
      return page.evaluate(() => /Step 5 of/.test(document.querySelector('.lesson-count')?.textContent ?? ''));
    }, { message: 'the lesson reaches step 5' });
    await poll(() => page.evaluate(() => document.querySelector('table[aria-label="Loss terms"]') !== null), { message: 'the loss-term table shows' });
    assert.deepEqual(await page.evaluate(readOverflowingCards), [], "the basic kind's step: content wider than its card");
    assertClean(opened, server);
    await opened.close();
  });

  test("loads a user's IDX pair and trains on it; a broken IDX file is named with what is wrong, and the data, model and progress stay", async ({ firefox, previewServer: server, files }) => {
    const opened = await openApp({ firefox, server }, '#backend=wasm');
    const { page } = opened;
    const input = await page.$('.data-panel input[type="file"][accept]');
    const paths = idxPair().map((file) => {
      const path = join(files, file.name);
      writeFileSync(path, file.buffer);
      return path;
    });
    await input.uploadFile(...paths);
    await poll(() => page.evaluate(() => /Loaded 300 images in 3 classes/.test(document.querySelector('.data-result')?.textContent ?? '')), { message: 'the IDX pair loads as 300 images in 3 classes', timeout: 60_000 });
    await poll(() => buttonEnabled(page, 'Train'), { message: 'Train is enabled on the new data', timeout: 60_000, state: () => pageState(page) });
    await clickButton(page, 'Train');
    await poll(async () => (await step(page)) > 3, { message: 'training on the loaded files', timeout: 60_000 });
    const stepBefore = await pauseAndHold(page);
    const datasetLine = await page.evaluate(() => document.querySelector('.dataset-line')?.textContent);
    assert.match(datasetLine, /^strokes-images · 300 images/);

    const broken = corruptIdx();
    const brokenPath = join(files, broken.name);
    writeFileSync(brokenPath, broken.buffer);
    const again = await page.$('.data-panel input[type="file"][accept]');
    await again.uploadFile(brokenPath);
    await poll(async () => (await page.evaluate(readNotices)).some((text) => text.includes('corrupt-images-idx3-ubyte')), { message: 'a notice names the broken file' });
    assert.equal(await page.evaluate(() => document.querySelector('.dataset-line')?.textContent), datasetLine, 'the broken file replaced the data');
    assert.equal(await step(page), stepBefore, 'the broken file changed the training progress');
    assertClean(opened, server);
    await opened.close();
  });

  test('a saved session opened on a fresh page shows the same step and decoded pixels', async ({ firefox, previewServer: server, files }) => {
    const first = await openApp({ firefox, server }, '#backend=wasm&batch=256');
    await clickButton(first.page, 'Train');
    await poll(async () => (await step(first.page)) > 10, { message: 'training before saving', timeout: 120_000 });
    const savedAt = await pauseAndHold(first.page);
    const pixels = await first.page.evaluate(readDecodedChecksum, 0);
    const saved = await first.downloadOf(() => clickButton(first.page, 'Save session'));
    const path = join(files, 'session.zip');
    writeFileSync(path, saved);
    assertClean(first, server);
    await first.close();

    const second = await openApp({ firefox, server }, '#backend=wasm');
    const input = await second.page.$('input[type="file"][accept=".zip,application/zip"]');
    await input.uploadFile(path);
    await poll(() => buttonEnabled(second.page, 'Resume'), { message: 'the opened session offers Resume', timeout: 120_000 });
    await poll(async () => (await step(second.page)) === savedAt, { message: `the opened session is at step ${savedAt}` });
    await poll(async () => (await second.page.evaluate(readDecodedChecksum, 0)) === pixels, { message: 'the opened session decodes the same pixels', timeout: 30_000 });
    assertClean(second, server);
    await second.close();
  });

  test('with offline=now the header says "Available offline"; with the server gone a reload loads the page, cross-origin isolated, and it trains', async ({ firefox }) => {
    // A server of its own: it is stopped to take the app offline.
    const server = await startPreviewServer({ root: process.env.DIST_DIR });
    const opened = await openApp({ firefox, server }, '#backend=wasm&offline=now', { serviceWorker: true });
    const { page } = opened;
    const sign = () => page.evaluate(() => document.querySelector('.offline-sign [role="status"]')?.textContent ?? '');
    await poll(async () => (await sign()) === 'Available offline', { message: 'the header says "Available offline"', timeout: 120_000 });
    assertClean(opened, server);
    // Offline for real: nothing answers at the app's address any more.
    await server.close();
    await page.reload();
    await poll(() => buttonEnabled(page, 'Train'), { message: 'Train is enabled offline', timeout: 120_000 });
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
    assert.equal(await sign(), 'Available offline');
    await clickButton(page, 'Train');
    await poll(async () => (await step(page)) > 5, { message: 'training offline', timeout: 120_000 });
    await opened.close();
  });
});
