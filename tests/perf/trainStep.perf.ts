// Where one default training step's time goes on the wasm backend with the engine's kernels:
// every kernel call is timed and charged to the phase it ran in (batch gather, forward, backward,
// optimizer, loss readback); what is left of a phase's time is tfjs's own bookkeeping.
// Times are this process's CPU time. Run: npx vitest run -c tests/perf/vitest.config.ts  (PROFILE_BATCH, PROFILE_STEPS to vary)
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

const BATCH = Number(process.env.PROFILE_BATCH ?? DEFAULT_RAW_SETTINGS.batchSize);
const STEPS = Number(process.env.PROFILE_STEPS ?? 200);

type Phase = 'gather' | 'forward' | 'backward' | 'optimizer' | 'readback' | 'other';
const kernelMs = new Map<string, { ms: number; calls: number }>();
const phaseKernelMs = new Map<Phase, number>();
const phaseCalls = new Map<Phase, number>();
let phase: Phase = 'other';
const stacks = new Map<Phase, string>();

function wrapKernels(): void {
  for (const config of tf.getKernelsForBackend('wasm')) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (process.env.PROFILE_STACK === config.kernelName && !stacks.has(phase)) stacks.set(phase, new Error().stack ?? '');
        const started = now();
        const result = inner(args);
        const ms = now() - started;
        const entry = kernelMs.get(`${phase}:${config.kernelName}`) ?? { ms: 0, calls: 0 };
        entry.ms += ms;
        entry.calls += 1;
        kernelMs.set(`${phase}:${config.kernelName}`, entry);
        phaseKernelMs.set(phase, (phaseKernelMs.get(phase) ?? 0) + ms);
        phaseCalls.set(phase, (phaseCalls.get(phase) ?? 0) + 1);
        return result;
      },
    });
  }
}

/** Marks phases from tfjs's own named scopes: gradients() runs tidy('forward') then tidy('backward'). */
function trackPhases(): Map<Phase, number> {
  const phaseMs = new Map<Phase, number>();
  const engine = tf.engine() as unknown as { tidy: (name: unknown, fn?: unknown) => unknown };
  const tidy = engine.tidy.bind(engine);
  engine.tidy = (name: unknown, fn?: unknown) => {
    if (name !== 'forward' && name !== 'backward') return tidy(name, fn);
    const before = phase;
    phase = name;
    const started = now();
    try {
      return tidy(name, fn);
    } finally {
      phaseMs.set(name, (phaseMs.get(name) ?? 0) + now() - started);
      phase = name === 'backward' ? 'optimizer' : before;
    }
  };
  return phaseMs;
}

function randomData(count: number): TrainerData {
  const rng = createRng(7);
  const images = Uint8Array.from({ length: count * 784 }, () => (rng.next() < 0.8 ? 0 : rng.nextInt(256)));
  const train = Int32Array.from({ length: count - 500 }, (_, i) => i);
  const heldOut = Int32Array.from({ length: 500 }, (_, i) => count - 500 + i);
  return { images, shape: [28, 28, 1], train, heldOut };
}

it('profiles one default training step', async () => {
  setWasmPaths(`${resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist')}/`);
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(await installWasmKernels()).toBe(true);
  const settings = validateConfig({ ...DEFAULT_RAW_SETTINGS, batchSize: String(BATCH), epochs: '1000' }, [28, 28, 1]);
  if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
  const trainer = new Trainer(settings.config, randomData(10_000));
  for (let i = 0; i < 20; i++) await trainer.trainStep(); // warm up
  // Unprofiled first: the timers below add their own cost to every kernel call.
  const plainBefore = now();
  for (let i = 0; i < STEPS; i++) await trainer.trainStep();
  const plainMs = (now() - plainBefore) / STEPS;
  wrapKernels();
  const phaseMs = trackPhases();
  kernelMs.clear();
  phaseKernelMs.clear();
  phaseCalls.clear();
  phaseMs.clear();
  let stepMs = 0;
  let readMs = 0;
  let stepTensorMs = 0;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  for (let i = 0; i < STEPS; i++) {
    const started = now();
    phase = 'gather';
    trainer.trainStepDeferred();
    const deferredDone = now();
    phase = 'readback';
    await trainer.readPendingTerms();
    phase = 'other';
    const ended = now();
    stepTensorMs += deferredDone - started;
    readMs += ended - deferredDone;
    stepMs += ended - started;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  const perStep = (ms: number) => (ms / STEPS).toFixed(3);
  const forward = phaseMs.get('forward') ?? 0;
  const backward = phaseMs.get('backward') ?? 0;
  const gatherAndOptimizer = stepTensorMs - forward - backward;
  const lines = [
    `unprofiled: ${plainMs.toFixed(3)} ms/step CPU, ${((BATCH * 1000) / plainMs).toFixed(0)} img per CPU second`,
    `batch ${BATCH}, ${STEPS} steps: ${perStep(stepMs)} ms/step profiled (CPU ${perStep((cpu.user + cpu.system) / 1000)}), ` +
      `${((BATCH * STEPS) / (wall / 1000)).toFixed(0)} img/s wall`,
    `  forward   ${perStep(forward)} ms (kernels ${perStep(phaseKernelMs.get('forward') ?? 0)}, ${(phaseCalls.get('forward') ?? 0) / STEPS} calls)`,
    `  backward  ${perStep(backward)} ms (kernels ${perStep(phaseKernelMs.get('backward') ?? 0)}, ${(phaseCalls.get('backward') ?? 0) / STEPS} calls)`,
    `  gather+optimizer ${perStep(gatherAndOptimizer)} ms (gather kernels ${perStep(phaseKernelMs.get('gather') ?? 0)}, ` +
      `optimizer kernels ${perStep(phaseKernelMs.get('optimizer') ?? 0)}, ${(phaseCalls.get('optimizer') ?? 0) / STEPS} calls)`,
    `  readback  ${perStep(readMs)} ms (kernels ${perStep(phaseKernelMs.get('readback') ?? 0)})`,
    '  top kernels (ms/step, calls/step):',
    ...[...kernelMs.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)
      .map(([name, { ms, calls }]) => `    ${name.padEnd(34)} ${perStep(ms)}  ${calls / STEPS}`),
  ];
  console.log(lines.join('\n'));
  for (const [where, stack] of stacks) console.log(where, stack);
  trainer.dispose();
});

it('times the work the session does around the steps (view refresh, epoch end)', async () => {
  expect(tf.getBackend()).toBe('wasm');
  const settings = validateConfig({ ...DEFAULT_RAW_SETTINGS, epochs: '1000' }, [28, 28, 1]);
  if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
  const data = randomData(10_000);
  const trainer = new Trainer(settings.config, data);
  for (let i = 0; i < 5; i++) await trainer.trainStep();
  const time = async (label: string, work: () => Promise<unknown> | unknown, repeats = 5) => {
    await work();
    const started = now();
    for (let i = 0; i < repeats; i++) await work();
    console.log(`${label.padEnd(40)} ${((now() - started) / repeats).toFixed(1)} ms CPU`);
  };
  const ten = Int32Array.from({ length: 10 }, (_, i) => i);
  await time('encodeAll (10,000 images)', () => trainer.encodeAll());
  await time('evaluateTerms (500 held out)', () => trainer.evaluateTerms(data.heldOut));
  await time('reconstruct (10 images)', () => trainer.reconstruct(ten));
  await time('decoderWeights', () => trainer.decoderWeights());
  await time('exportState', () => trainer.exportState());
  await time('one training step', () => trainer.trainStep(), 50);
  trainer.dispose();
});
