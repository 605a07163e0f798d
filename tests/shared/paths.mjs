// The app's main paths, written once and run in both browsers: the Chromium suite (Playwright) and
// the Firefox suite (puppeteer-core over WebDriver BiDi) each hand these a `ui`, a small driver of
// one page (tests/browser/playwrightUi.mjs, tests/firefox/firefoxDriver.mjs), and add their own
// checks around them. A path starts on an open app whose Train is enabled (see `waitTrainEnabled`).
//
// ui:
//   evaluate(fn, arg)         runs a self-contained `fn` in the page (both drivers pass it alike)
//   click(name)               a real click (pointer events) on the visible button named `name`
//   enabled(name)             whether a visible button named `name` is there and enabled
//   mouse, keyboard           the driver's own: move(x, y, { steps }), down(), up(), press(key)
//   focus(selector)           focuses the element
//   box(selector)             its bounding box in the viewport: { x, y, width, height }
//   setViewport(width, height)
//   upload(selector, files)   hands `files` ([{ name, buffer }]) to a file input
//   download(action)          the bytes (a Buffer) of the download that `action()` starts
//   reload()                  reloads the page
import assert from 'node:assert/strict';
import { corruptIdx, idxPair } from './dataFiles.mjs';
import { readDecodedChecksum, readGlobalStep, readNotices, readOverflowingCards } from './pageReaders.mjs';
import { poll } from './poll.mjs';

/** The file input of Load data files, and that of Open session. */
export const DATA_FILES_INPUT = '.data-panel input[type="file"][accept]';
export const OPEN_SESSION_INPUT = 'input[type="file"][accept=".zip,application/zip"]';
const LATENT_MAP = 'canvas[aria-label="Latent map"]';
const LATENT_PROBE = '[role="slider"][aria-label="Latent probe"]';

/** In the page: what it shows of its training, for a failed wait's message. */
export function readPageState() {
  return {
    progress: document.querySelector('.progress-head')?.textContent,
    backend: [...document.querySelectorAll('[role="status"]')].map((element) => element.textContent).find((text) => text?.startsWith('Backend')),
    notices: [...document.querySelectorAll('.notice')].map((element) => element.textContent),
    buttons: [...document.querySelectorAll('.controls button')].map((button) => `${button.textContent}${button.disabled ? ' (disabled)' : ''}`),
  };
}

/**
 * `poll` with the page's state in its failure message, and the page's last console lines where the
 * driver keeps them (a page stuck on "Preparing the model…" says why only there).
 */
function until(ui, condition, message, timeout = 60_000) {
  const state = async () => ({ ...(await ui.evaluate(readPageState)), ...(ui.consoleTail ? { console: ui.consoleTail() } : {}) });
  return poll(condition, { message, timeout, state });
}

/** Steps done so far (0 before the first figures). */
export async function stepOf(ui) {
  return (await ui.evaluate(readGlobalStep)) ?? 0;
}

function decodedOf(ui) {
  return ui.evaluate(readDecodedChecksum, 0);
}

/** Whether the run has ended (a short run on a fast machine can end before Pause is pressed). */
function finished(ui) {
  return ui.evaluate(() => document.querySelector('.progress-head .status-done') !== null);
}

export function waitTrainEnabled(ui, timeout = 120_000) {
  return until(ui, () => ui.enabled('Train'), 'Train is enabled', timeout);
}

/**
 * Pause (or let the run end, if it ends first), and wait until the page holds still: the step count
 * and the decoded image (the paused model's weights reach the page after its last step and map).
 * Returns the step it holds at.
 */
export async function pauseAndHold(ui) {
  if (!(await finished(ui))) await ui.click('Pause').catch(() => {});
  await until(ui, async () => (await ui.enabled('Resume')) || (await finished(ui)), 'Resume is offered after Pause, or the run has ended');
  let last = null;
  let held = null;
  await poll(
    async () => {
      const now = await ui.evaluate(() => `${document.querySelector('.progress-head')?.textContent}|${document.querySelector('canvas[aria-label="Decoded image"]')?.dataset.decodes}`);
      held = now === last;
      last = now;
      return held;
    },
    { message: 'the step count and the decoded image hold still after Pause', interval: 700 },
  );
  return stepOf(ui);
}

/** Train, Pause (no step comes while paused), Step takes exactly one step, Resume trains on. */
export async function trainPauseStepResume(ui) {
  await ui.click('Train');
  await until(ui, async () => (await stepOf(ui)) > 5, 'training steps', 120_000);
  const paused = await pauseAndHold(ui);
  // Nothing to wait for: this checks that no step comes while paused, over a fixed stretch of time.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal(await stepOf(ui), paused, 'steps went on while paused');
  await ui.click('Step');
  await until(ui, async () => (await stepOf(ui)) !== paused, `Step moves on from ${paused}`);
  assert.equal(await stepOf(ui), paused + 1, 'Step took more than one step');
  await ui.click('Resume');
  await until(ui, async () => (await stepOf(ui)) > paused + 3, 'Resume trains on');
}

/**
 * While training: dragging the probe across the map decodes new pixels and training goes on; then,
 * paused, the arrow keys on the focused probe move it and decode again.
 */
export async function probeByDragAndKeys(ui) {
  assert.ok(await ui.enabled('Pause'), 'the probe path starts while training');
  const map = await ui.box(LATENT_MAP);
  const before = await decodedOf(ui);
  await ui.mouse.move(map.x + map.width * 0.3, map.y + map.height * 0.35);
  await ui.mouse.down();
  await ui.mouse.move(map.x + map.width * 0.7, map.y + map.height * 0.6, { steps: 12 });
  await ui.mouse.up();
  await until(ui, async () => (await decodedOf(ui)) !== before, 'the decoded image changes when the probe is dragged');
  assert.ok(await ui.enabled('Pause'), 'training stopped during the drag');
  await pauseAndHold(ui);
  const held = await decodedOf(ui);
  await ui.focus(LATENT_PROBE);
  for (let i = 0; i < 4; i++) await ui.keyboard.press('ArrowUp');
  await until(ui, async () => (await decodedOf(ui)) !== held, 'arrow keys on the probe change the decoded image');
}

function lessonCount(ui) {
  return ui.evaluate(() => document.querySelector('.lesson-count')?.textContent ?? '');
}

/** Next in the lesson, keeping a trained model if the step asks before replacing it. */
async function nextLessonStep(ui, wanted) {
  await ui.click('Next');
  await until(
    ui,
    async () => {
      if (await ui.enabled('Keep my model')) await ui.click('Keep my model');
      return wanted.test(await lessonCount(ui));
    },
    `Next reaches ${wanted}`,
  );
}

/** The lesson opens at step 1, and Next moves to step 2 with another title. */
export async function lessonFirstSteps(ui) {
  await ui.click('Lesson');
  await until(ui, async () => /Step 1 of \d+/.test(await lessonCount(ui)), 'the lesson opens at step 1');
  const title = () => ui.evaluate(() => document.querySelector('#lesson-title')?.textContent);
  const firstTitle = await title();
  await nextLessonStep(ui, /Step 2 of \d+/);
  assert.notEqual(await title(), firstTitle, 'step 2 has the title of step 1');
}

function presenterOn(ui) {
  return ui.evaluate(() => document.documentElement.classList.contains('presenter'));
}

/** Every table, figure and drawing fits its card, at the current size, plain and in presenter mode. */
async function cardsFitInBothModes(ui, where) {
  for (const mode of ['plain', 'presenter']) {
    if ((mode === 'presenter') !== (await presenterOn(ui))) await ui.keyboard.press('p');
    await until(ui, async () => (mode === 'presenter') === (await presenterOn(ui)), `${mode} mode ${where}`);
    await ui.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    assert.deepEqual(await ui.evaluate(readOverflowingCards), [], `${mode} ${where}: content wider than its card`);
  }
}

/**
 * On a page opened at lesson step 4 and trained a little: nothing sticks out of its card at four
 * screen sizes in both modes, nor, in presenter mode at 1920×1080, on step 5, whose kind panel (the
 * objective, the loss-term table) a class reads from the wall.
 */
export async function cardsFitEverywhere(ui) {
  for (const [width, height] of [[1920, 1080], [1024, 768], [768, 1024], [390, 844]]) {
    await ui.setViewport(width, height);
    await cardsFitInBothModes(ui, `at ${width}×${height}`);
  }
  await ui.setViewport(1920, 1080);
  await nextLessonStep(ui, /Step 5 of/);
  await until(ui, () => ui.evaluate(() => document.querySelector('table[aria-label="Loss terms"]') !== null), 'the loss-term table shows');
  assert.equal(await presenterOn(ui), true);
  assert.deepEqual(await ui.evaluate(readOverflowingCards), [], "the basic kind's step: content wider than its card");
}

function resultLine(ui) {
  return ui.evaluate(() => document.querySelector('.data-result')?.textContent ?? '');
}

export function datasetLine(ui) {
  return ui.evaluate(() => document.querySelector('.dataset-line')?.textContent ?? '');
}

/** A user's IDX pair (images gzip'd) loads as 300 images in 3 classes, 28×28, and trains; ends paused. */
export async function userIdxPairTrains(ui) {
  await ui.upload(DATA_FILES_INPUT, idxPair());
  await until(ui, async () => /Loaded 300 images in 3 classes/.test(await resultLine(ui)), 'the IDX pair loads as 300 images in 3 classes');
  assert.match(await resultLine(ui), /28×28/, 'the result line gives the 28×28 size');
  assert.match(await datasetLine(ui), /^strokes-images · 300 images/);
  await waitTrainEnabled(ui, 60_000);
  await ui.click('Train');
  await until(ui, async () => (await stepOf(ui)) > 3, 'training on the loaded files');
  return pauseAndHold(ui);
}

/**
 * On a paused page: a broken IDX file is named (inline and in a notice) with what is wrong, and the
 * data, the progress and the loss history stay as they were.
 */
export async function brokenIdxKeepsEverything(ui) {
  const stepBefore = await stepOf(ui);
  const dataBefore = await datasetLine(ui);
  const lossFigures = () => ui.evaluate(() => document.querySelector('.loss-figures')?.textContent ?? '');
  const lossBefore = await lossFigures();
  await ui.upload(DATA_FILES_INPUT, [corruptIdx()]);
  await until(ui, async () => (await ui.evaluate(readNotices)).some((text) => text.includes('corrupt-images-idx3-ubyte')), 'a notice names the broken file');
  const inline = await ui.evaluate(() => [...document.querySelectorAll('.data-panel [role="alert"]')].map((element) => element.textContent ?? ''));
  assert.ok(inline.some((text) => text.includes('corrupt-images-idx3-ubyte: is not an IDX file')), `the data panel says what is wrong (it says ${JSON.stringify(inline)})`);
  assert.equal(await datasetLine(ui), dataBefore, 'the broken file replaced the data');
  assert.equal(await stepOf(ui), stepBefore, 'the broken file changed the training progress');
  assert.equal(await lossFigures(), lossBefore, 'the broken file changed the loss history');
}

/**
 * Trains `first` (opened with short epochs) past an epoch, saves the session, and opens the file on a fresh
 * page at step 0 that `openSecond()` opens then (a page opened earlier would put the first in a
 * background tab, where it stops drawing): it shows the same step and decoded pixels, paused.
 * Returns the file and the second page's ui.
 */
export async function sessionSavedAndOpened(first, openSecond) {
  await first.click('Train');
  // An epoch ended, so the session holds a loss history too.
  const lossFigures = () => first.evaluate(() => document.querySelector('.loss-figures')?.textContent ?? '');
  await until(first, async () => /^Epoch \d+:/.test(await lossFigures()), 'an epoch ends before saving', 180_000);
  const savedAt = await pauseAndHold(first);
  const pixels = await decodedOf(first);
  const saved = await first.download(() => first.click('Save session'));

  const second = await openSecond();
  assert.equal(await stepOf(second), 0, 'the second page starts fresh');
  await second.upload(OPEN_SESSION_INPUT, [{ name: 'session.zip', mimeType: 'application/zip', buffer: saved }]);
  await until(second, () => second.enabled('Resume'), 'the opened session offers Resume', 120_000);
  await until(second, async () => (await stepOf(second)) === savedAt, `the opened session is at step ${savedAt}`);
  await until(second, async () => (await decodedOf(second)) === pixels, 'the opened session decodes the same pixels', 30_000);
  return { saved, savedAt, pixels, second };
}

/** In the page: the header's offline sign. */
function readOfflineSign() {
  return document.querySelector('.offline-sign [role="status"]')?.textContent ?? '';
}

/**
 * On a page opened with `offline=now` (its service worker allowed): the header says "Available
 * offline" once the app is stored; then, with the app's server out of reach (`goOffline()`), a
 * reload loads the page, cross-origin isolated, says so again, and trains.
 */
export async function offlineReloadTrains(ui, goOffline) {
  await until(ui, async () => (await ui.evaluate(readOfflineSign)) === 'Available offline', 'the header says "Available offline"', 120_000);
  await until(ui, () => ui.evaluate(() => globalThis.navigator.serviceWorker.controller !== null), 'the service worker controls the page');
  await goOffline();
  await ui.reload();
  await waitTrainEnabled(ui);
  assert.equal(await ui.evaluate(() => globalThis.crossOriginIsolated), true, 'the offline page is not cross-origin isolated');
  // The stored copy from the last visit is known from the start, before any quiet moment.
  assert.equal(await ui.evaluate(readOfflineSign), 'Available offline');
  await ui.click('Train');
  await until(ui, async () => (await stepOf(ui)) > 5, 'training offline', 120_000);
}
