// Hold out a class (Anomalies): the training session, driven by commands in Node on the CPU
// backend, never draws a training batch from the held-out class, whichever order the class and the
// data arrive in, over every step of several epochs; and without a held-out class it draws from all.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// Every backend is the CPU backend here: no browser, no worker.
vi.mock('../../src/backends/activate', async () => (await import('../fixtures/cpuBackends')).cpuBackends({ available: ['wasm', 'cpu'] }));

import { TrainingSession } from '../../src/train/session/trainingSession';
import type { WorkerCommand, WorkerEvent } from '../../src/train/protocol';
import type { ExperimentConfig } from '../../src/model/spec';
import { createRng } from '../../src/lib/rng';
import { splitDataset } from '../../src/data/dataset';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const COUNT = 120;
const HELD = 1;
const CONFIG: ExperimentConfig = {
  spec: { kind: 'basic', inputShape: [8, 8, 1], hiddenSizes: [8], activation: 'relu', latentDim: 2, loss: 'bce' },
  training: { learningRate: 0.01, batchSize: 16, epochs: 3, seed: 5 },
};

function loadCommand(): Extract<WorkerCommand, { type: 'load-data' }> {
  const rng = createRng(4);
  const images = new Uint8Array(COUNT * 64);
  for (let i = 0; i < images.length; i++) images[i] = rng.nextInt(256);
  const labels = Uint8Array.from({ length: COUNT }, (_, i) => (i * 7) % 3);
  const split = splitDataset(COUNT, 20, createRng(2));
  return { type: 'load-data', images, labels, shape: [8, 8, 1], train: split.train, heldOut: split.heldOut };
}

/** Step through every epoch; before each step, the indices the next batch can be drawn from. */
async function batchOrdersOfEveryStep(order: 'class-first' | 'data-first' | 'none'): Promise<{ orders: Int32Array[]; load: ReturnType<typeof loadCommand> }> {
  const events: WorkerEvent[] = [];
  const session = new TrainingSession((event) => events.push(event));
  const load = loadCommand();
  if (order === 'class-first') await session.handle({ type: 'exclude-class', label: HELD });
  await session.handle(load);
  if (order === 'data-first') await session.handle({ type: 'exclude-class', label: HELD });
  await session.handle({ type: 'configure', config: CONFIG, model: 1 });
  const orders: Int32Array[] = [];
  for (let id = 1; ; id++) {
    await session.handle({ type: 'snapshot-model', id });
    const snapshot = events.find((event) => event.type === 'model-snapshot' && event.id === id);
    if (snapshot?.type !== 'model-snapshot') throw new Error('no snapshot');
    orders.push(snapshot.batchOrder);
    const statuses = events.filter((event) => event.type === 'status');
    if (statuses.at(-1)?.type === 'status' && (statuses.at(-1) as { status: string }).status === 'done') break;
    await session.handle({ type: 'step' });
    if (id > 100) throw new Error('training never finished');
  }
  return { orders, load };
}

const sorted = (indices: Int32Array) => Array.from(indices).sort((a, b) => a - b);

describe('hold out a class', () => {
  for (const order of ['class-first', 'data-first'] as const) {
    it(`no batch of any epoch draws an image of the held-out class (${order === 'class-first' ? 'class set before the data, as from a link' : 'class picked after the data'})`, async () => {
      const { orders, load } = await batchOrdersOfEveryStep(order);
      const expected = sorted(load.train.filter((index) => load.labels[index] !== HELD));
      // 3 epochs of ceil(|train without class 1| / 16) steps, plus the finished state.
      expect(orders.length).toBe(3 * Math.ceil(expected.length / 16) + 1);
      for (const drawn of orders) {
        expect(Array.from(drawn, (index) => load.labels[index])).not.toContain(HELD);
        expect(sorted(drawn)).toEqual(expected);
      }
    });
  }

  it('without a held-out class every training image, of every class, is drawn from', async () => {
    const { orders, load } = await batchOrdersOfEveryStep('none');
    for (const drawn of orders) expect(sorted(drawn)).toEqual(sorted(load.train));
    expect(new Set(Array.from(orders[0], (index) => load.labels[index]))).toEqual(new Set([0, 1, 2]));
  });
});
