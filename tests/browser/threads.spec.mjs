// The dense step on the engine's pool of threads in the browser: on a machine with two or more
// cores the Backend line names the threads, training runs and the kNN figure rises; a link's
// `threads=1` keeps it on one thread (what the bench's one-thread run relies on).
import { expect, test } from './fixtures.mjs';
import { assert, globalStep, openApp } from './appHelpers.mjs';

const ENGINE = /trained by wasm dense step(, (\d+) threads)?/;

async function trainBriefly(page) {
  await page.getByRole('button', { name: 'Train' }).click();
  // "Ready" until the first step is shown.
  await expect(page.locator('.progress-head').first()).toHaveText(/Epoch \d+ \/ \d+ · step/, { timeout: 60_000 });
  const before = await globalStep(page);
  await expect.poll(() => globalStep(page), { message: 'training steps move', timeout: 60_000 }).toBeGreaterThan(before + 50);
  const line = page.getByRole('status').filter({ hasText: /^Backend:/ });
  await expect(line, 'the Backend line names the wasm dense step').toHaveText(ENGINE, { timeout: 30_000 });
  return (await line.innerText()).match(ENGINE);
}

test('trains the dense model on helper threads and names them on the Backend line', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm');
  const cores = await page.evaluate(() => globalThis.navigator.hardwareConcurrency);
  const engine = await trainBriefly(page);
  assert(engine, 'the Backend line names the wasm dense step');
  if (cores >= 2) assert(Number(engine[2]) >= 2, `on ${cores} cores the line reads "${engine[0]}"; expected 2 or more threads`);
  await expect
    .poll(async () => Number(await page.locator('output[aria-labelledby="knn-label"]').getAttribute('data-value')), { timeout: 60_000 })
    .toBeGreaterThan(0.3);
});

test('a link with threads=1 trains on one thread', async ({ ctx }) => {
  const page = await openApp(ctx, '#backend=wasm&threads=1');
  const engine = await trainBriefly(page);
  assert(engine && engine[1] === undefined, `the Backend line reads "${engine?.[0]}"; expected no thread count`);
});
