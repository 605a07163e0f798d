// The app's main paths in Firefox (Debian's Firefox ESR), driven by puppeteer-core over WebDriver
// BiDi: load and train, Pause / Resume / Step, the probe by mouse and by arrow keys, a lesson step,
// the layout at four sizes in both modes, a user's IDX files and a broken one, a session saved and
// opened at the same step, and an offline reload. The paths are the Chromium suite's own
// (tests/shared/paths.mjs); every page fails its test on a console error, an uncaught exception, a
// request off the app's origin or a Content-Security-Policy report. Headless Firefox has no WebGL 2
// and no WebGPU here: it trains on WebAssembly.
import assert from 'node:assert/strict';
import { startPreviewServer } from '../browser/harness.mjs';
import { readBackendLine, readDecodedChecksum, readNotices } from '../shared/pageReaders.mjs';
import {
  brokenIdxKeepsEverything,
  cardsFitEverywhere,
  lessonFirstSteps,
  offlineReloadTrains,
  pauseAndHold,
  probeByDragAndKeys,
  sessionSavedAndOpened,
  stepOf,
  trainPauseStepResume,
  userIdxPairTrains,
  waitTrainEnabled,
} from '../shared/paths.mjs';
import { poll } from '../shared/poll.mjs';
import { GPU_RUN } from '../browser/gpuLossCheck.mjs';
import { test } from './fixtures.mjs';
import { launchFirefox, openPage } from './firefoxDriver.mjs';
import { hasXvfb, startXvfb } from './xvfb.mjs';

/** A page on a fresh browser context at `hash`, with Train enabled; `problems()` lists what went wrong in it. */
async function openApp({ firefox, server }, hash = '', options = {}) {
  const opened = await openPage(firefox, server, hash, options);
  await waitTrainEnabled(opened.ui);
  return opened;
}

/** Nothing went wrong on the page, nor under the policy on `server`. */
function assertClean(opened, server) {
  assert.deepEqual(opened.problems(), [], 'the page reported problems');
  assert.deepEqual(server.cspReports.splice(0), [], 'the page or its workers broke the Content-Security-Policy');
}

/** Open the app at `hash`, run `body(ui)` on it, check that nothing went wrong, and close it. */
async function withApp({ firefox, server }, hash, body) {
  const opened = await openApp({ firefox, server }, hash);
  await body(opened.ui);
  assertClean(opened, server);
  await opened.close();
}

test.describe('Firefox', () => {
  test('loads cross-origin isolated, trains on WebAssembly, pauses, steps once, resumes, decodes where the probe is dragged or moved by arrow keys, and opens a lesson step', async ({ firefox, previewServer: server }) => {
    await withApp({ firefox, server }, '#backend=wasm', async (ui) => {
      assert.equal(await ui.evaluate(() => globalThis.crossOriginIsolated), true, 'the page is not cross-origin isolated');
      await trainPauseStepResume(ui);
      assert.match(await ui.evaluate(readBackendLine), /^Backend: wasm/);
      await probeByDragAndKeys(ui);
      await lessonFirstSteps(ui);
    });
  });

  test('nothing sticks out of its card at 1920×1080, 1024×768, 768×1024 and 390×844, plain and in presenter mode, nor on the lesson step that introduces the basic kind', async ({ firefox, previewServer: server }) => {
    await withApp({ firefox, server }, '#backend=wasm&lesson=4', async (ui) => {
      await ui.click('Train');
      await poll(async () => (await stepOf(ui)) > 20, { message: 'training before the layout is read', timeout: 120_000 });
      await pauseAndHold(ui);
      await cardsFitEverywhere(ui);
    });
  });

  test("loads a user's IDX pair and trains on it; a broken IDX file is named with what is wrong, and the data, model and progress stay", async ({ firefox, previewServer: server }) => {
    await withApp({ firefox, server }, '#backend=wasm', async (ui) => {
      await userIdxPairTrains(ui);
      await brokenIdxKeepsEverything(ui);
    });
  });

  test('a saved session opened on a fresh page shows the same step and decoded pixels', async ({ firefox, previewServer: server }) => {
    const first = await openApp({ firefox, server }, '#backend=wasm&batch=256');
    let second = null;
    await sessionSavedAndOpened(first.ui, async () => {
      assertClean(first, server);
      await first.close();
      second = await openApp({ firefox, server }, '#backend=wasm');
      return second.ui;
    });
    assertClean(second, server);
    await second.close();
  });

  test('with offline=now the header says "Available offline"; with the server gone a reload loads the page, cross-origin isolated, and it trains', async ({ firefox }) => {
    // A server of its own: it is stopped to take the app offline.
    const server = await startPreviewServer({ root: process.env.DIST_DIR });
    const opened = await openApp({ firefox, server }, '#backend=wasm&offline=now', { serviceWorker: true });
    await offlineReloadTrains(opened.ui, async () => {
      assertClean(opened, server);
      // Offline for real: nothing answers at the app's address any more.
      await server.close();
    });
    await opened.close();
  });

  test('headed under Xvfb, Firefox gets a WebGL 2 context on Mesa (llvmpipe) and trains on WebGL', async ({ previewServer: server }) => {
    // .ci/run installs Xvfb and sets REQUIRE_XVFB, so there a missing Xvfb fails instead of skipping.
    test.skip(!hasXvfb() && !process.env.REQUIRE_XVFB, 'Xvfb is not installed (Debian: apt-get install -y xvfb)');
    assert.ok(hasXvfb(), 'REQUIRE_XVFB is set, but Xvfb is not installed');
    test.setTimeout(4 * 60_000); // WebGL on a software rasteriser compiles its shaders slowly
    const xvfb = await startXvfb();
    const firefox = await launchFirefox({ display: xvfb.display });
    try {
      await withApp({ firefox, server }, `#backend=webgl&${GPU_RUN}`, async (ui) => {
        const gl = await ui.evaluate(() => {
          const context = document.createElement('canvas').getContext('webgl2');
          return context ? context.getParameter(context.RENDERER) : null;
        });
        assert.ok(gl, 'headed Firefox under Xvfb gave no WebGL 2 context');
        assert.match(await ui.evaluate(readBackendLine), /^Backend: webgl\b/, `the app does not train on WebGL (renderer: ${gl})`);
        await ui.click('Train');
        await poll(async () => (await stepOf(ui)) > 10, { message: 'training steps on WebGL', timeout: 180_000 });
        await pauseAndHold(ui);
        assert.match(await ui.evaluate(readBackendLine), /^Backend: webgl\b/, 'training left WebGL');
        assert.deepEqual((await ui.evaluate(readNotices)).filter((text) => /GPU was lost|failed/.test(text)), [], 'a GPU loss or a failure was noticed');
        assert.notEqual(await ui.evaluate(readDecodedChecksum, 0), null, 'nothing was decoded');
        console.log(`firefox webgl: ${gl}, ${await stepOf(ui)} steps`);
      });
    } finally {
      await firefox.close();
      xvfb.stop();
    }
  });
});
