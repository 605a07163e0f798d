// When the GPU under WebGL training is lost (a lost context, a crashed GPU process), training goes
// on from the last good state with a notice (see gpuLossCheck.mjs for what must survive). The
// WebGPU device loss is checked in webgpu.spec.mjs, on the page that trains on WebGPU.
import { test, expect } from './fixtures.mjs';
import { loseGpuWhileTraining, openOn, trainAnEpochOn, unexpectedProblems } from './gpuLossCheck.mjs';

// Chromium handles chrome://gpucrash only for a navigation typed into the address bar, or, with
// --enable-gpu-benchmarking, for a typed navigation such as the DevTools protocol's Page.navigate
// (which Playwright's goto sends). Without the switch the crash page answers net::ERR_ABORTED and
// nothing crashes. So the crash test runs in a browser of its own with the switch (see
// `ownBrowserArgs` in fixtures.mjs), which also keeps the crashed GPU process away from other tests.
const GPU_CRASH_ARGS = ['--enable-gpu-benchmarking'];

// Both ways of losing WebGL, one after the other on one page: a lost context, then a crashed GPU
// process. The second starts from a model that has already recovered once, and the page (its
// shaders compiled, an epoch trained) serves both.
test.describe(() => {
  test.use({ ownBrowserArgs: GPU_CRASH_ARGS });
  test('WebGL context lost (WEBGL_lose_context), then a crashed GPU process (chrome://gpucrash in another tab): each time training goes on from the last good state with a notice', async ({ ctx }) => {
    test.setTimeout(8 * 60_000); // two losses and recoveries on a software GPU
    const page = await openOn(ctx, 'webgl');
    await trainAnEpochOn(page, 'webgl');

    await test.step('WebGL context lost', async () => {
      const result = await loseGpuWhileTraining(ctx, page, async (_page, worker) => {
        const did = await worker.evaluate(() => globalThis.latentExplorerTest.loseGpu());
        expect(did).toBe('webgl context lost');
      });
      expect(result.reason).toBe('WebGL context lost');
      // A lost context (not a lost GPU) comes back: a fresh WebGL context takes over.
      expect(result.to).toMatch(/^WebGL again/);
      expect(result.recoveredInMs).toBeLessThan(15_000);
      console.log(`webgl loss: recovered in ${result.recoveredInMs} ms on ${result.to} from step ${result.fromStep} (was at ${result.stepBefore})`);
      expect(unexpectedProblems(result.watch)).toEqual([]);
    });

    await test.step('GPU process crashed', async () => {
      let tries = 0;
      const result = await loseGpuWhileTraining(ctx, page, async () => {
        // Another tab of the same browser: the GPU process is shared by every tab and worker.
        const other = await ctx.newPage({ allowProblems: true });
        // The crash page never loads: the navigation ends with an error once the process is gone.
        // Once in CI no notice came within 30 s of it: the crash was not seen to happen, so the
        // navigation is tried again (at most three times) until the training page notices a loss.
        const noticed = page.locator('.notices li').filter({ hasText: /The GPU was lost/ });
        let lastTry;
        do {
          tries++;
          lastTry = Date.now();
          await other.goto('chrome://gpucrash', { timeout: 15_000 }).catch(() => {});
        } while (tries < 3 && !(await noticed.first().waitFor({ timeout: 10_000 }).then(() => true, () => false)));
        return lastTry; // the recovery is timed from the crash that happened
      });
      console.log(`GPU process crash: ${tries} navigation(s) to chrome://gpucrash`);
      expect(result.reason).toBe('WebGL context lost');
      expect(result.recoveredInMs).toBeLessThan(20_000);
      console.log(`GPU process crash: recovered in ${result.recoveredInMs} ms on ${result.to} from step ${result.fromStep} (was at ${result.stepBefore})`);
      expect(unexpectedProblems(result.watch)).toEqual([]);
    });
  });
});
