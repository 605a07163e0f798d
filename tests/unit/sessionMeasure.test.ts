// The session's background measurement and loss readback, driven in Node: training starts on a
// guess at once, a measurement that answers mid-run moves the model (weights, Adam state, step,
// epoch sums) to the faster backend exactly, and GPU backends queue steps and read losses together.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// Every backend here is the CPU backend under another name, so a move is exact and comparable with
// a run that never moved; `graphics` decides the first guess (SwiftShader: wasm; a real GPU: webgl).
const graphics = vi.hoisted(() => ({ webglRenderer: 'SwiftShader' }));
vi.mock('../../src/backends/activate', async () => (await import('../fixtures/cpuBackends')).cpuBackends({ available: ['webgl', 'wasm', 'cpu'], graphics }));

import { TrainingSession } from '../../src/train/session/trainingSession';
import { Trainer } from '../../src/train/trainer';
import type { BackendReport, WorkerEvent } from '../../src/train/protocol';
import type { BackendMeasurer } from '../../src/train/backgroundMeasure';
import type { MeasureRequest } from '../../src/train/measureProtocol';
import type { ExperimentConfig } from '../../src/model/spec';
import { createRng } from '../../src/lib/rng';
import { splitDataset } from '../../src/data/dataset';
import { chooseMove } from '../../src/train/backendMove';
import { backendsNotWorthMeasuring, backendsUnfitFor, guessBackend, type GraphicsFacts } from '../../src/backends/backendGuess';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const COUNT = 120;
const CONFIG: ExperimentConfig = {
  spec: { kind: 'basic', inputShape: [8, 8, 1], hiddenSizes: [16], activation: 'relu', latentDim: 2, loss: 'bce' },
  training: { learningRate: 0.01, batchSize: 20, epochs: 6, seed: 3 },
};

function loadCommand() {
  const rng = createRng(1);
  const images = new Uint8Array(COUNT * 64);
  for (let i = 0; i < images.length; i++) images[i] = rng.nextInt(256);
  const labels = Uint8Array.from({ length: COUNT }, (_, i) => i % 3);
  const split = splitDataset(COUNT, 20, createRng(2));
  return { type: 'load-data' as const, images, labels, shape: [8, 8, 1] as const, train: split.train, heldOut: split.heldOut };
}

/** A measurer whose answer the test gives by hand, recording what it was asked. */
function manualMeasurer() {
  const requests: MeasureRequest[] = [];
  let cancelled = 0;
  let answer: ((reports: BackendReport[]) => void) | null = null;
  const measurer: BackendMeasurer = (request) => {
    requests.push(request);
    return {
      reports: new Promise<BackendReport[]>((resolve) => {
        answer = resolve;
      }),
      cancel: () => {
        cancelled++;
      },
    };
  };
  return {
    measurer,
    requests,
    cancelled: () => cancelled,
    answer: (reports: BackendReport[]) => answer?.(reports),
  };
}

/** A real GPU: the guess is WebGL, and WebAssembly is worth timing beside it. */
const REAL_GPU = 'NVIDIA GeForce RTX 3060';

/** What a measurement on a machine with a weak GPU might answer: WebAssembly clearly ahead. */
const WASM_FASTEST: BackendReport[] = [
  { name: 'wasm', works: true, imagesPerSecond: 4200 },
  { name: 'webgl', works: true, imagesPerSecond: 2000 },
  { name: 'cpu', works: true, problem: 'not measured: WebAssembly is faster' },
  { name: 'webgpu', works: false, problem: 'no WebGPU in Node' },
];

type Epoch = Extract<WorkerEvent, { type: 'epoch-end' }>;
const epochEnds = (events: WorkerEvent[]) => events.filter((event): event is Epoch => event.type === 'epoch-end');
const progressSteps = (events: WorkerEvent[]) =>
  events.flatMap((event) => (event.type === 'progress' ? [event.figures.globalStep] : []));

async function trainToEnd(session: TrainingSession, events: WorkerEvent[]) {
  await session.handle({ type: 'train' });
  await vi.waitFor(() => expect(events.some((event) => event.type === 'status' && event.status === 'done')).toBe(true), { timeout: 30_000 });
}

describe('background backend measurement', () => {
  beforeEach(() => {
    graphics.webglRenderer = REAL_GPU;
  });
  afterEach(() => {
    graphics.webglRenderer = 'SwiftShader';
  });

  it('builds the model on the guess without waiting for the measurement, which gets a few batches of the data', async () => {
    const manual = manualMeasurer();
    const events: WorkerEvent[] = [];
    const session = new TrainingSession((event) => events.push(event), { measurer: manual.measurer });
    await session.handle(loadCommand());
    // The measurement never answers here: configure must still finish with Train available.
    await session.handle({ type: 'configure', config: CONFIG, model: 1 });
    expect(events.filter((event) => event.type === 'status').map((event) => event.type === 'status' && event.status)).toEqual(['preparing', 'idle']);
    const chosen = events.find((event) => event.type === 'backends');
    expect(chosen?.type === 'backends' && [chosen.chosen, chosen.how]).toEqual(['webgl', 'guess']);
    expect(manual.requests).toHaveLength(1);
    expect(manual.requests[0].data.train.length).toBeLessThanOrEqual(2048);
    expect(manual.requests[0].config.spec).toEqual(CONFIG.spec);
    // A new model shape cancels the old measurement and starts its own.
    await session.handle({ type: 'configure', config: { ...CONFIG, training: { ...CONFIG.training, batchSize: 10 } }, model: 2 });
    expect(manual.cancelled()).toBe(1);
    expect(manual.requests).toHaveLength(2);
  });

  it('moves a running training to the faster backend with its step count, Adam state and loss history, exactly', async () => {
    // Reference: the same seeded run, never moved.
    const reference: WorkerEvent[] = [];
    const still = new TrainingSession((event) => reference.push(event), { measurer: () => null });
    await still.handle(loadCommand());
    await still.handle({ type: 'configure', config: CONFIG, model: 1 });
    await trainToEnd(still, reference);

    const manual = manualMeasurer();
    const events: WorkerEvent[] = [];
    const session = new TrainingSession(
      (event) => {
        events.push(event);
        // Answer once the first epoch is over, so the move happens in the middle of training.
        if (event.type === 'epoch-end' && event.epoch === 1) manual.answer(WASM_FASTEST);
      },
      { measurer: manual.measurer },
    );
    await session.handle(loadCommand());
    await session.handle({ type: 'configure', config: CONFIG, model: 1 });
    await trainToEnd(session, events);

    const moved = events.find((event) => event.type === 'backend-moved');
    expect(moved?.type === 'backend-moved' && [moved.from, moved.to]).toEqual(['webgl', 'wasm']);
    expect(moved?.type === 'backend-moved' && moved.message).toBe('Moved training to WebAssembly: 2.1x faster than WebGL on this model.');
    const last = events.filter((event) => event.type === 'backends').at(-1);
    expect(last?.type === 'backends' && [last.chosen, last.how]).toEqual(['wasm', 'measured']);
    // The move happened after epoch 1 and before the end.
    const movedAt = events.indexOf(moved as WorkerEvent);
    expect(movedAt).toBeGreaterThan(events.indexOf(epochEnds(events)[0]));
    expect(movedAt).toBeLessThan(events.indexOf(epochEnds(events).at(-1) as WorkerEvent));
    // Steps never went back, every epoch was reported once, and the losses equal the unmoved run's.
    const steps = progressSteps(events);
    expect(steps.every((step, i) => i === 0 || step >= steps[i - 1])).toBe(true);
    expect(steps.at(-1)).toBe(30);
    expect(epochEnds(events).map((event) => event.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(epochEnds(events).map((event) => event.trainLoss)).toEqual(epochEnds(reference).map((event) => event.trainLoss));
    expect(epochEnds(events).map((event) => event.heldOutLoss)).toEqual(epochEnds(reference).map((event) => event.heldOutLoss));
  });

  it('a measurement that answers while paused moves the model at once and keeps the step count', async () => {
    const manual = manualMeasurer();
    const events: WorkerEvent[] = [];
    const session = new TrainingSession((event) => events.push(event), { measurer: manual.measurer });
    await session.handle(loadCommand());
    await session.handle({ type: 'configure', config: CONFIG, model: 1 });
    await session.handle({ type: 'step' });
    await session.handle({ type: 'step' });
    manual.answer(WASM_FASTEST);
    await vi.waitFor(() => expect(events.some((event) => event.type === 'backend-moved')).toBe(true));
    await session.handle({ type: 'step' });
    expect(progressSteps(events).at(-1)).toBe(3);
  });

  it('"Fastest (measure)" during training measures in the background and moves without stopping the loop', async () => {
    const manual = manualMeasurer();
    const events: WorkerEvent[] = [];
    const session = new TrainingSession((event) => events.push(event), { measurer: manual.measurer });
    await session.handle(loadCommand());
    await session.handle({ type: 'set-backend', backend: 'cpu' });
    await session.handle({ type: 'configure', config: CONFIG, model: 1 });
    await session.handle({ type: 'train' });
    await session.handle({ type: 'set-backend', backend: null });
    expect(manual.requests).toHaveLength(1); // none while the user had picked cpu
    // Still training: the request did not pause the loop.
    expect(events.filter((event) => event.type === 'status').at(-1)).toMatchObject({ status: 'training' });
    manual.answer([
      { name: 'wasm', works: true, imagesPerSecond: 3000 },
      { name: 'cpu', works: true, imagesPerSecond: 300 },
    ]);
    await vi.waitFor(() => expect(events.some((event) => event.type === 'status' && event.status === 'done')).toBe(true), { timeout: 30_000 });
    const moved = events.find((event) => event.type === 'backend-moved');
    expect(moved?.type === 'backend-moved' && moved.message).toBe('Moved training to WebAssembly: 10.0x faster than plain JavaScript on this model.');
    expect(progressSteps(events).at(-1)).toBe(30);
  });

  it('stays on the guess when the measured winner is not clearly faster, and says it was measured', async () => {
    const manual = manualMeasurer();
    const events: WorkerEvent[] = [];
    const session = new TrainingSession((event) => events.push(event), { measurer: manual.measurer });
    await session.handle(loadCommand());
    await session.handle({ type: 'configure', config: CONFIG, model: 1 });
    manual.answer([
      { name: 'wasm', works: true, imagesPerSecond: 2100 },
      { name: 'webgl', works: true, imagesPerSecond: 2000 },
    ]);
    await vi.waitFor(() => expect(events.filter((event) => event.type === 'backends').at(-1)).toMatchObject({ chosen: 'webgl', how: 'measured' }));
    expect(events.some((event) => event.type === 'backend-moved')).toBe(false);
  });

  it('times nothing where the guess is the only backend worth timing (software graphics), until the user asks', async () => {
    graphics.webglRenderer = 'SwiftShader';
    const manual = manualMeasurer();
    const events: WorkerEvent[] = [];
    const session = new TrainingSession((event) => events.push(event), { measurer: manual.measurer });
    await session.handle(loadCommand());
    await session.handle({ type: 'configure', config: CONFIG, model: 1 });
    expect(manual.requests).toHaveLength(0);
    const backends = events.filter((event) => event.type === 'backends');
    expect(backends.map((event) => event.type === 'backends' && [event.chosen, event.how])).toEqual([
      ['wasm', 'guess'],
      ['wasm', 'only'],
    ]);
    // The emulated GPU is listed, with why it was not timed.
    const last = backends.at(-1);
    expect(last?.type === 'backends' && last.reports.find((report) => report.name === 'webgl')).toMatchObject({ works: true, problem: expect.stringMatching(/^not measured/) });
    // Reset keeps the conclusion; "Fastest (measure)" still measures when asked.
    await session.handle({ type: 'reset', model: 2 });
    expect(manual.requests).toHaveLength(0);
    await session.handle({ type: 'set-backend', backend: null });
    expect(manual.requests).toHaveLength(1);
  });
});

describe('loss readback on GPU backends', () => {
  it('queued steps read their losses together and give the same losses as reading every step', async () => {
    graphics.webglRenderer = 'NVIDIA GeForce RTX 3060';
    const readSpy = vi.spyOn(Trainer.prototype, 'readPendingTerms');
    const events: WorkerEvent[] = [];
    try {
      const session = new TrainingSession((event) => events.push(event), { measurer: () => null });
      await session.handle(loadCommand());
      await session.handle({ type: 'configure', config: CONFIG, model: 1 });
      expect(events.find((event) => event.type === 'backends')).toMatchObject({ chosen: 'webgl', how: 'guess' });
      await trainToEnd(session, events);
    } finally {
      graphics.webglRenderer = 'SwiftShader';
    }
    const reads = readSpy.mock.calls.length;
    readSpy.mockRestore();
    // 30 steps in 6 epochs of 5: at most one read per epoch's queue, never one per step.
    expect(reads).toBeLessThanOrEqual(12);
    const reference: WorkerEvent[] = [];
    const perStep = new TrainingSession((event) => reference.push(event), { measurer: () => null });
    await perStep.handle(loadCommand());
    await perStep.handle({ type: 'configure', config: CONFIG, model: 1 });
    await trainToEnd(perStep, reference);
    expect(epochEnds(events).map((event) => event.trainLoss)).toEqual(epochEnds(reference).map((event) => event.trainLoss));
  });

  it('a NaN among the queued steps rolls back to the last good state with a message, and leaks no tensors', async () => {
    graphics.webglRenderer = 'NVIDIA GeForce RTX 3060';
    const events: WorkerEvent[] = [];
    const session = new TrainingSession((event) => events.push(event), { measurer: () => null });
    try {
      await session.handle(loadCommand());
      await session.handle({ type: 'configure', config: CONFIG, model: 1 });
    } finally {
      graphics.webglRenderer = 'SwiftShader';
    }
    const tensorsBefore = tf.memory().numTensors;
    const original = Trainer.prototype.readPendingTerms;
    const spy = vi.spyOn(Trainer.prototype, 'readPendingTerms').mockImplementationOnce(async function (this: Trainer) {
      const read = await original.call(this);
      read[Math.floor(read.length / 2)].total = Number.NaN;
      return read;
    });
    await session.handle({ type: 'train' });
    await vi.waitFor(() => expect(events.some((event) => event.type === 'error')).toBe(true));
    spy.mockRestore();
    const error = events.find((event) => event.type === 'error');
    expect(error?.type === 'error' && error.message).toMatch(/NaN/);
    expect(events.filter((event) => event.type === 'status').at(-1)).toMatchObject({ status: 'paused' });
    // Rolled back to the model as built: the next step is step 1 again.
    await session.handle({ type: 'step' });
    expect(progressSteps(events).at(-1)).toBe(1);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});

describe('first guess and move decision', () => {
  const facts = (overrides: Partial<GraphicsFacts>): GraphicsFacts => ({
    available: ['webgpu', 'webgl', 'wasm', 'cpu'],
    webglRenderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
    webgpuAdapter: 'google swiftshader',
    webgpuIsFallback: false,
    wasmTrainsConv: false,
    ...overrides,
  });

  it('guesses WebAssembly on software graphics, WebGL for conv when wasm lacks its kernels, and a GPU backend on a real GPU', () => {
    expect(guessBackend(facts({}), { convolutional: false })).toBe('wasm');
    expect(guessBackend(facts({}), { convolutional: true })).toBe('webgl');
    expect(guessBackend(facts({ wasmTrainsConv: true }), { convolutional: true })).toBe('wasm');
    expect(guessBackend(facts({ webglRenderer: 'llvmpipe (LLVM 15.0.6, 256 bits)', webgpuAdapter: '' }), { convolutional: false })).toBe('wasm');
    const gpu = facts({ webglRenderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)', webgpuAdapter: 'nvidia ampere' });
    expect(guessBackend(gpu, { convolutional: false })).toBe('webgl');
    expect(guessBackend(facts({ available: ['webgpu', 'wasm', 'cpu'], webgpuAdapter: 'apple metal-3', webglRenderer: '' }), { convolutional: true })).toBe('webgpu');
    expect(guessBackend(facts({ webgpuAdapter: 'apple metal-3', webgpuIsFallback: true, webglRenderer: '' }), { convolutional: false })).toBe('wasm');
  });

  it('does not time emulated GPUs beside training, unless WebAssembly cannot train the model', () => {
    expect([...backendsNotWorthMeasuring(facts({}), { convolutional: false }).keys()].sort()).toEqual(['webgl', 'webgpu']);
    expect([...backendsNotWorthMeasuring(facts({ wasmTrainsConv: true }), { convolutional: true }).keys()].sort()).toEqual(['webgl', 'webgpu']);
    // Conv without wasm's conv kernels: WebGL is the only GPU-style path left, so it is timed.
    expect([...backendsNotWorthMeasuring(facts({}), { convolutional: true }).keys()]).toEqual(['webgpu']);
    expect([...backendsNotWorthMeasuring(facts({ available: ['webgpu', 'webgl', 'cpu'] }), { convolutional: false }).keys()]).toEqual(['webgpu']);
    const gpu = facts({ webglRenderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)', webgpuAdapter: 'nvidia ampere' });
    expect(backendsNotWorthMeasuring(gpu, { convolutional: false }).size).toBe(0);
  });

  it('reports WebGPU unfit for convolutional models on a software adapter, with why, and fit for dense ones or on a real GPU', () => {
    expect(backendsUnfitFor(facts({}), { convolutional: true }).get('webgpu')).toMatch(/too slow for convolutions on a software adapter/);
    expect(backendsUnfitFor(facts({ webgpuAdapter: 'apple metal-3', webgpuIsFallback: true }), { convolutional: true }).has('webgpu')).toBe(true);
    expect(backendsUnfitFor(facts({}), { convolutional: false }).size).toBe(0);
    expect(backendsUnfitFor(facts({ webgpuAdapter: 'nvidia ampere' }), { convolutional: true }).size).toBe(0);
    expect(backendsUnfitFor(facts({ available: ['webgl', 'wasm', 'cpu'] }), { convolutional: true }).size).toBe(0);
  });

  it('moves only for a clear win or away from a backend that failed its self-test', () => {
    expect(chooseMove(WASM_FASTEST, 'webgl')?.to).toBe('wasm');
    expect(chooseMove(WASM_FASTEST, 'wasm')).toBeNull();
    expect(chooseMove([{ name: 'webgl', works: true, imagesPerSecond: 110 }, { name: 'wasm', works: true, imagesPerSecond: 100 }], 'wasm')).toBeNull();
    const away = chooseMove([{ name: 'webgl', works: true, imagesPerSecond: 50 }, { name: 'wasm', works: false, problem: 'Kernel Conv2DBackpropFilter is not registered' }], 'wasm');
    expect(away?.to).toBe('webgl');
    expect(away?.message).toContain('Conv2DBackpropFilter');
  });
});
