// Where a training step of the default convolutional kind spends its time on the wasm backend with
// the engine's kernels: images per CPU second unprofiled, then each kernel's CPU ms per step.
// Run: npx vitest run -c tests/perf/vitest.config.ts tests/perf/convStep.perf.ts  (PROFILE_STEPS to vary)
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect, it } from 'vitest';
import { installWasmKernels } from '../../src/engine/wasmKernels';
import { createRng } from '../../src/lib/rng';
import { DEFAULT_RAW_SETTINGS, validateConfig } from '../../src/model/validate';
import { Trainer } from '../../src/train/trainer';
import type { TrainerData } from '../../src/train/trainerState';

/** CPU time of this process in ms (the machine is shared: wall time measures the neighbours too). */
function now(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const STEPS = Number(process.env.PROFILE_STEPS ?? 30);

function randomData(count: number): TrainerData {
  const rng = createRng(7);
  const images = Uint8Array.from({ length: count * 784 }, () => (rng.next() < 0.8 ? 0 : rng.nextInt(256)));
  const train = Int32Array.from({ length: count - 500 }, (_, i) => i);
  const heldOut = Int32Array.from({ length: 500 }, (_, i) => count - 500 + i);
  return { images, shape: [28, 28, 1], train, heldOut };
}

/** Wraps every wasm kernel with a CPU timer keyed by its name (and the shapes when PROFILE_SHAPES is set). */
function timeKernels(): Map<string, { ms: number; calls: number }> {
  const times = new Map<string, { ms: number; calls: number }>();
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const started = now();
        const result = inner(args);
        const shapes = process.env.PROFILE_SHAPES ? ` ${Object.values(args.inputs).filter((t) => t !== undefined).map((t) => (t as tf.TensorInfo).shape.join('x')).join(' ')}` : '';
        const key = `${config.kernelName}${shapes}`;
        const entry = times.get(key) ?? { ms: 0, calls: 0 };
        entry.ms += now() - started;
        entry.calls += 1;
        times.set(key, entry);
        return result;
      },
    });
  }
  return times;
}

it('profiles a training step of the default convolutional kind', async () => {
  setWasmPaths(`${resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(await installWasmKernels()).toBe(true);
  const settings = validateConfig({ ...DEFAULT_RAW_SETTINGS, kind: 'convolutional', epochs: '1000' }, [28, 28, 1]);
  if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
  const batch = settings.config.training.batchSize;
  const trainer = new Trainer(settings.config, randomData(4_000));
  for (let i = 0; i < 3; i++) await trainer.trainStep();
  const plainBefore = now();
  for (let i = 0; i < STEPS; i++) await trainer.trainStep();
  const plainMs = (now() - plainBefore) / STEPS;
  const times = timeKernels();
  for (let i = 0; i < STEPS; i++) await trainer.trainStep();
  const lines = [
    `conv default, batch ${batch}: ${plainMs.toFixed(2)} ms/step CPU, ${((batch * 1000) / plainMs).toFixed(0)} img per CPU second`,
    ...[...times.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 30)
      .map(([name, { ms, calls }]) => `  ${name.padEnd(60)} ${(ms / STEPS).toFixed(3)} ms  ${calls / STEPS} calls`),
  ];
  console.log(lines.join('\n'));
  trainer.dispose();
});
