// A browser without WebGPU, WebGL 2, WebAssembly SIMD or shared memory: the page and every one of
// its workers are given one (their feature checks answer "no" before the app's code runs), and the
// app must say once, in plain words, what it falls back to, and still train.
import { test, expect } from './fixtures.mjs';
import { BACKEND_LINE, globalStep } from './appHelpers.mjs';

/** Runs first in the page and in each worker: the four features answer as in a browser without them. */
function withoutFeatures() {
  const scope = globalThis;
  // WebGPU: no navigator.gpu.
  for (const proto of [scope.Navigator?.prototype, scope.WorkerNavigator?.prototype]) {
    if (proto && 'gpu' in proto) Object.defineProperty(proto, 'gpu', { configurable: true, get: () => undefined });
  }
  // WebGL 2: no context of that kind, on or off screen.
  for (const proto of [scope.HTMLCanvasElement?.prototype, scope.OffscreenCanvas?.prototype]) {
    if (!proto) continue;
    const getContext = proto.getContext;
    proto.getContext = function (kind, ...rest) {
      return kind === 'webgl2' ? null : getContext.call(this, kind, ...rest);
    };
  }
  // WebAssembly SIMD: a module given as bytes that holds the SIMD prefix (0xfd) neither validates
  // nor compiles, as where SIMD is absent (crude: a plain module with that byte in its data is
  // refused too, which only takes this browser further down the fallbacks).
  const hasSimdPrefix = (bytes) =>
    (bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array()).includes(0xfd);
  const wasm = scope.WebAssembly;
  const refusal = () => new wasm.CompileError('SIMD is not supported here');
  const { validate, compile, instantiate } = wasm;
  wasm.validate = (bytes) => (hasSimdPrefix(bytes) ? false : validate(bytes));
  wasm.compile = (bytes) => (hasSimdPrefix(bytes) ? Promise.reject(refusal()) : compile(bytes));
  wasm.instantiate = (source, imports) => (!(source instanceof wasm.Module) && hasSimdPrefix(source) ? Promise.reject(refusal()) : instantiate(source, imports));
  // Shared memory: not cross-origin isolated, no SharedArrayBuffer.
  Object.defineProperty(scope, 'crossOriginIsolated', { configurable: true, get: () => false });
  delete scope.SharedArrayBuffer;
}

const PRELUDE = `(${withoutFeatures.toString()})();\n`;

test('without WebGPU, WebGL 2, WebAssembly SIMD and shared memory, one plain notice says what the app falls back to and what it costs, the self-test lists the missing backends with why, and the model still trains', async ({ ctx }) => {
  const page = await ctx.newPage();
  const context = page.context();
  await context.addInitScript(withoutFeatures);
  // Workers get the same answers: the prelude goes in front of each worker's own script.
  await context.route(/\/assets\/[^/]*[wW]orker[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, body: PRELUDE + (await response.text()) });
  });
  await page.setViewportSize({ width: 1440, height: 960 });
  await page.goto(ctx.baseUrl);
  await page.getByRole('status').filter({ hasText: BACKEND_LINE }).waitFor({ timeout: 120_000 });

  const notice = page.locator('.notice', { hasText: /^This browser has/ });
  await expect(notice).toHaveCount(1);
  await expect(notice).toContainText('no GPU access for training (neither WebGPU nor WebGL 2), so the CPU trains');
  await expect(notice).toContainText('no WebAssembly SIMD');
  await expect(notice).toContainText('no shared memory between threads, so WebAssembly trains on one core');
  const reports = page.getByRole('list', { name: 'Backend self-test' });
  await expect(reports.getByRole('listitem').filter({ hasText: /^webgpu/ })).toHaveText(/unavailable \(this browser has no WebGPU\)/);
  await expect(reports.getByRole('listitem').filter({ hasText: /^webgl/ })).toHaveText(/unavailable \(no WebGL 2 context\)/);

  await page.getByRole('button', { name: 'Train' }).and(page.locator(':enabled')).click({ timeout: 120_000 });
  await expect.poll(() => globalStep(page).catch(() => 0), { timeout: 120_000, message: 'training steps without the four features' }).toBeGreaterThan(3);
  const line = await page.getByRole('status').filter({ hasText: BACKEND_LINE }).innerText();
  expect(line).toMatch(/^Backend: (wasm|cpu)/);
  expect(line, 'no engine kernels without SIMD').not.toMatch(/wasm dense step/);
  console.log(`without the features: ${line}`);
  // Told once: nothing repeats it while training.
  await expect(notice).toHaveCount(1);
});
