#!/usr/bin/env node
// The WGSL training step (src/engine/webgpu) over Dawn's Node binding, with no browser, against
// the wasm engine's hand-written dense step on the same machine: the app's default dense model
// (784-128-32-2 mirrored, BCE, Adam) on 10,000 seeded random 28x28 images, at batch 128 and 512.
// Prints one JSON object: the adapter, images/s of each engine at each batch size, and the ratio.
//
//   node scripts/gpu-bench-node.mjs [--seconds N]
//
// With no hardware GPU, install Mesa 25's lavapipe (see .ci/run) and set
// VK_ICD_FILENAMES to its manifest (lvp_icd.json in the Vulkan icd.d folder) and XDG_RUNTIME_DIR.
// The WGSL step keeps at most two steps in flight and reads the loss every 32 steps; the wasm
// engine runs as the Trainer runs it in the app's worker (its loss is a number, read every step).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 4;
const BATCHES = [128, 512];
const READ_EVERY = 32;
const IMAGES = 10_000;

/** The app's TypeScript modules the bench drives, bundled once for Node (tfjs and Dawn stay external). */
async function loadModules() {
  // Inside the repository, so the bundle's external imports resolve to its node_modules.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const folder = mkdtempSync(join(cache, 'gpu-bench-'));
  const entry = join(folder, 'entry.ts');
  const src = (path) => JSON.stringify(join(root, 'src', path));
  writeFileSync(entry, [
    `export { WgslDenseStep } from ${src('engine/webgpu/wgslDenseStep.ts')};`,
    `export { planWgslStep } from ${src('train/engines/wgslPlan.ts')};`,
    `export { productShaderFor } from ${src('engine/webgpu/pipelines.ts')};`,
    `export { buildAutoencoder } from ${src('model/build.ts')};`,
    `export { installWasmKernels } from ${src('engine/wasmKernels.ts')};`,
    `export { DEFAULT_RAW_SETTINGS, validateConfig } from ${src('model/validate.ts')};`,
    `export { Trainer } from ${src('train/trainer.ts')};`,
  ].join('\n'));
  const file = join(folder, 'bundle.mjs');
  await build({ input: entry, platform: 'node', external: [/^@tensorflow\//, /^webgpu$/], output: { file, format: 'esm' }, logLevel: 'silent' });
  try {
    return await import(file);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function randomImages(count, seed) {
  let state = seed >>> 0;
  const bytes = new Uint8Array(count * 784);
  for (let i = 0; i < bytes.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // Mostly dark with bright strokes, as digits are.
    bytes[i] = state >>> 24 > 200 ? 255 - ((state >>> 8) & 63) : (state >>> 16) & 15;
  }
  return bytes;
}

function configFor(app, batch) {
  const settings = app.validateConfig({ ...app.DEFAULT_RAW_SETTINGS, batchSize: String(batch), epochs: '1000' }, [28, 28, 1]);
  if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
  return settings.config;
}

async function wgslRate(app, tf, device, pixels, batch) {
  const config = configFor(app, batch);
  await tf.setBackend('cpu');
  const model = app.buildAutoencoder(config.spec, config.training.seed);
  const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((weight) => weight.read());
  const spec = app.planWgslStep(model, variables, { learningRate: config.training.learningRate, epsilon: 1e-7 }, batch);
  const step = await app.WgslDenseStep.create(device, spec, { pixels, count: IMAGES });
  const flat = new Float32Array(step.parameterCount);
  let at = 0;
  for (const variable of variables) {
    flat.set(variable.dataSync(), at);
    at += variable.size;
  }
  model.dispose();
  step.writeParameters(flat);
  step.writeOrder(Int32Array.from({ length: IMAGES }, (_, i) => (i * 7919) % IMAGES));
  const batches = Math.floor(IMAGES / batch);
  let steps = 0;
  const run = async (until) => {
    while (performance.now() < until) {
      step.step((steps % batches) * batch, batch, steps);
      steps += 1;
      await step.settle(2);
      if (steps % READ_EVERY === 0) await step.readTerms();
    }
    await step.readTerms();
  };
  await run(performance.now() + 500); // first dispatches, plans
  const first = steps;
  const started = performance.now();
  await run(started + SECONDS * 1000);
  const seconds = (performance.now() - started) / 1000;
  const terms = await step.readParameters().then(() => step.readTerms());
  step.dispose();
  return { imgPerSec: Math.round(((steps - first) * batch) / seconds), steps: steps - first, unreadAtEnd: terms.length };
}

async function wasmRate(app, tf, pixels, batch) {
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(`${join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  if (!(await app.installWasmKernels())) throw new Error("the engine's kernels did not install");
  const train = Int32Array.from({ length: IMAGES }, (_, i) => i);
  const trainer = new app.Trainer(configFor(app, batch), { images: pixels, shape: [28, 28, 1], train, heldOut: new Int32Array(0) });
  for (let i = 0; i < 3; i++) await trainer.trainStep();
  let steps = 0;
  const started = performance.now();
  while (performance.now() < started + SECONDS * 1000) {
    trainer.trainStepDeferred();
    await trainer.readPendingTerms();
    steps += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  trainer.dispose();
  return { imgPerSec: Math.round((steps * batch) / seconds), steps };
}

async function main() {
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const app = await loadModules();
  const tf = await import('@tensorflow/tfjs');
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  // Kept referenced for the whole run: Dawn tears down a collected instance's devices.
  const instance = create([]);
  const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('No WebGPU adapter: install a Vulkan driver (see the header of this script).');
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
  });
  const { vendor, architecture, description } = adapter.info;
  const pixels = randomImages(IMAGES, 1);
  const result = { adapter: { vendor, architecture, description }, productShader: app.productShaderFor(device), model: '784-128-32-2-32-128-784, relu, sigmoid out, BCE, Adam', seconds: SECONDS, cores: (await import('node:os')).availableParallelism() };
  for (const batch of BATCHES) {
    const wgsl = await wgslRate(app, tf, device, pixels, batch);
    const wasm = await wasmRate(app, tf, pixels, batch);
    result[`batch${batch}`] = { wgslImgPerSec: wgsl.imgPerSec, wasmImgPerSec: wasm.imgPerSec, wgslOverWasm: Math.round((wgsl.imgPerSec / wasm.imgPerSec) * 100) / 100, wgslSteps: wgsl.steps, wasmSteps: wasm.steps };
  }
  console.log(JSON.stringify(result));
  device.destroy();
  instance.toString(); // the instance stays referenced until here
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
