// The training session as the worker runs it, driven by commands in Node on the CPU backend:
// the event stream, pause/step, moving to another backend when a step fails (keeping progress),
// and rolling back when the loss turns into NaN.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Backends here are all the CPU backend under different names, so a "failing webgl" can hand over
// to a "wasm" that works, without a browser.
// The graphics the first guess sees; tests switch it to a "real GPU" to train on webgl's queued path.
const graphics = vi.hoisted(() => ({ webglRenderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)' }));
vi.mock('../../src/backends/activate', async () => (await import('../fixtures/cpuBackends')).cpuBackends({ available: ['webgl', 'wasm', 'cpu'], graphics }));

import { TrainingSession } from '../../src/train/session/trainingSession';
import { Trainer } from '../../src/train/trainer';
import type { WorkerEvent } from '../../src/train/protocol';
import type { ExperimentConfig } from '../../src/model/spec';
import { createRng } from '../../src/lib/rng';
import { splitDataset } from '../../src/data/dataset';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const COUNT = 120;
const CONFIG: ExperimentConfig = {
  spec: { kind: 'basic', inputShape: [8, 8, 1], hiddenSizes: [16], activation: 'relu', latentDim: 2, loss: 'bce' },
  training: { learningRate: 0.01, batchSize: 20, epochs: 2, seed: 3 },
};

function loadCommand() {
  const rng = createRng(1);
  const images = new Uint8Array(COUNT * 64);
  for (let i = 0; i < images.length; i++) images[i] = rng.nextInt(256);
  const labels = Uint8Array.from({ length: COUNT }, (_, i) => i % 3);
  const split = splitDataset(COUNT, 20, createRng(2));
  return { type: 'load-data' as const, images, labels, shape: [8, 8, 1] as const, train: split.train, heldOut: split.heldOut };
}

async function preparedSession() {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession((event) => events.push(event));
  await session.handle(loadCommand());
  await session.handle({ type: 'configure', config: CONFIG, model: 1 });
  return { session, events };
}

function lastProgress(events: WorkerEvent[]) {
  const progress = events.filter((event) => event.type === 'progress');
  const last = progress[progress.length - 1];
  return last?.type === 'progress' ? last.figures : null;
}

describe('training session', () => {
  it('starts on a guessed backend, builds the model and sends its first map, weights and reconstructions', async () => {
    const { events } = await preparedSession();
    const backends = events.find((event) => event.type === 'backends');
    // Without a measurer (no workers in Node) the first guess stays: wasm, as the GPU is SwiftShader.
    expect(backends?.type === 'backends' && [backends.how, backends.chosen]).toEqual(['guess', 'wasm']);
    const latents = events.find((event) => event.type === 'latents');
    expect(latents?.type === 'latents' && latents.codes.length).toBe(COUNT * 2);
    expect(events.some((event) => event.type === 'decoder-weights')).toBe(true);
    expect(events.some((event) => event.type === 'reconstructions')).toBe(true);
    expect(events.filter((event) => event.type === 'status').map((event) => event.type === 'status' && event.status)).toEqual(['preparing', 'idle']);
  });

  it('Step takes exactly one step and pauses; training runs to the end and reports each epoch', async () => {
    const { session, events } = await preparedSession();
    await session.handle({ type: 'step' });
    expect(lastProgress(events)?.globalStep).toBe(1);
    await session.handle({ type: 'train' });
    await vi.waitFor(() => expect(events.some((event) => event.type === 'status' && event.status === 'done')).toBe(true), { timeout: 20_000 });
    const epochs = events.filter((event) => event.type === 'epoch-end');
    expect(epochs.map((event) => event.type === 'epoch-end' && event.epoch)).toEqual([1, 2]);
    expect(lastProgress(events)?.globalStep).toBe(10);
  });

  it('a step that fails on one backend moves training to the next, keeps the progress and retries the step', async () => {
    const { session, events } = await preparedSession();
    await session.handle({ type: 'step' });
    const chosen = events.filter((event) => event.type === 'backends').at(-1);
    const from = chosen?.type === 'backends' ? chosen.chosen : null;
    vi.spyOn(Trainer.prototype, 'trainStep').mockRejectedValueOnce(new Error('Kernel Conv2DBackpropFilter is not registered'));
    await session.handle({ type: 'step' });
    const fallback = events.find((event) => event.type === 'backend-fallback');
    expect(fallback?.type === 'backend-fallback' && fallback.from).toBe(from);
    expect(fallback?.type === 'backend-fallback' && fallback.to).not.toBe(from);
    expect(fallback?.type === 'backend-fallback' && fallback.message).toContain('Conv2DBackpropFilter');
    // The step before the failure is kept and the failed one is taken again on the new backend.
    expect(lastProgress(events)?.globalStep).toBe(2);
  });

  it('a loss that turns into NaN rolls the model back to its last good state, with a message', async () => {
    const { session, events } = await preparedSession();
    await session.handle({ type: 'step' });
    vi.spyOn(Trainer.prototype, 'trainStep').mockResolvedValueOnce(Number.NaN);
    await session.handle({ type: 'step' });
    const error = events.find((event) => event.type === 'error');
    expect(error?.type === 'error' && error.message).toMatch(/NaN/);
    vi.restoreAllMocks();
    await session.handle({ type: 'step' });
    const loss = lastProgress(events)?.batchLoss ?? Number.NaN;
    expect(Number.isFinite(loss)).toBe(true);
  });

  it('frees every tensor of a model when it is replaced', async () => {
    const { session } = await preparedSession();
    const before = tf.memory().numTensors;
    await session.handle({ type: 'reset', model: 2 });
    await session.handle({ type: 'step' });
    await session.handle({ type: 'reset', model: 3 });
    expect(tf.memory().numTensors).toBe(before);
  });
});
