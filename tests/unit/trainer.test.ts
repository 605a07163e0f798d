import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageShape } from '../../src/data/dataset';
import { DecoderReplica } from '../../src/model/decoderReplica';
import type { ExperimentConfig } from '../../src/model/spec';
import { Trainer } from '../../src/train/trainer';
import type { TrainerData } from '../../src/train/trainerState';
import { readsBackWeights } from '../../src/train/session/recovery';
import { PATTERN_SHAPE, patternData as patternDataset } from '../fixtures/patternData';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE: ImageShape = PATTERN_SHAPE;
const IMAGE_COUNT = 200;
const HELD_OUT = 40;

function patternData(seed: number): TrainerData {
  return patternDataset(IMAGE_COUNT, HELD_OUT, seed);
}

function config(overrides: Partial<ExperimentConfig['training']> = {}, hiddenSizes = [32]): ExperimentConfig {
  return {
    spec: { kind: 'basic', inputShape: SHAPE, hiddenSizes, activation: 'relu', latentDim: 2, loss: 'bce' },
    training: { learningRate: 0.01, batchSize: 20, epochs: 4, seed: 7, ...overrides },
  };
}

async function runSteps(trainer: Trainer, count: number): Promise<number[]> {
  const losses: number[] = [];
  for (let i = 0; i < count; i++) losses.push(await trainer.trainStep());
  return losses;
}

const DATA = patternData(3);

describe('Trainer', () => {
  it('counts steps per epoch (last batch partial), total steps, epoch and step within it', async () => {
    // 160 training images in batches of 64: 64 + 64 + 32.
    const trainer = new Trainer(config({ batchSize: 64, epochs: 2 }), DATA);
    expect([trainer.stepsPerEpoch, trainer.totalSteps]).toEqual([3, 6]);
    const seen: [number, number, number][] = [];
    while (!trainer.finished) {
      seen.push([trainer.epoch, trainer.stepInEpoch, trainer.globalStep]);
      await trainer.trainStep();
    }
    expect(seen).toEqual([
      [0, 0, 0],
      [0, 1, 1],
      [0, 2, 2],
      [1, 0, 3],
      [1, 1, 4],
      [1, 2, 5],
    ]);
    expect([trainer.epoch, trainer.globalStep]).toEqual([2, 6]);
    await expect(trainer.trainStep()).rejects.toThrow(/finished/);
    trainer.dispose();
  });

  it('a seeded short training lowers the held-out loss well below its starting value', async () => {
    const trainer = new Trainer(config(), DATA);
    const before = await trainer.evaluate(DATA.heldOut);
    const losses = await runSteps(trainer, trainer.totalSteps);
    const after = await trainer.evaluate(DATA.heldOut);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(after).toBeLessThan(before * 0.75);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-8))).toBeLessThan(mean(losses.slice(0, 8)));
    trainer.dispose();
  });

  it('two trainers with the same seed give identical losses; another seed gives different ones', async () => {
    const a = new Trainer(config(), DATA);
    const b = new Trainer(config(), DATA);
    const c = new Trainer(config({ seed: 8 }), DATA);
    const steps = a.stepsPerEpoch + 4; // crosses into the second epoch's shuffle
    const [lossesA, lossesB, lossesC] = [await runSteps(a, steps), await runSteps(b, steps), await runSteps(c, steps)];
    expect(lossesB).toEqual(lossesA);
    expect(lossesC).not.toEqual(lossesA);
    [a, b, c].forEach((t) => t.dispose());
  });

  it('visits every training image once per epoch, in a new seeded order each epoch', async () => {
    const trainer = new Trainer(config(), DATA);
    const first = (await trainer.exportState()).epochOrder;
    await runSteps(trainer, trainer.stepsPerEpoch);
    const second = (await trainer.exportState()).epochOrder;
    const sorted = (xs: Int32Array) => Array.from(xs).sort((p, q) => p - q);
    expect(sorted(first)).toEqual(Array.from(DATA.train));
    expect(sorted(second)).toEqual(Array.from(DATA.train));
    expect(Array.from(second)).not.toEqual(Array.from(first));
    expect(Array.from(first)).not.toEqual(Array.from(DATA.train));
    trainer.dispose();
  });

  // A lost device: one tensor throws when freed. Every other part is still freed, the failure is
  // reported, and only that tensor is left. (The dataset tensor, freed the same way, exists on GPU
  // backends only: the CPU backends cut their batches from the bytes.)
  const stuckTensors: [string, (trainer: Trainer) => tf.Tensor][] = [
    ['an Adam moment', (trainer) => (trainer as unknown as { engine: { optimizer: { firstMoments: tf.Variable[] } } }).engine.optimizer.firstMoments[0]],
  ];
  for (const [what, pick] of stuckTensors) {
    it(`frees its weights and Adam moments even when ${what} fails to free, then reports the failure`, async () => {
      const baseline = tf.memory().numTensors;
      const trainer = new Trainer(config(), DATA);
      await runSteps(trainer, 2);
      const stuck = pick(trainer);
      const freeStuck = stuck.dispose.bind(stuck);
      stuck.dispose = () => {
        throw new Error('context lost');
      };
      expect(() => trainer.dispose()).toThrow('context lost');
      expect(tf.memory().numTensors).toBe(baseline + 1);
      freeStuck();
      expect(tf.memory().numTensors).toBe(baseline);
    });
  }

  it('exportState reads without dataSync, and holds the state of the moment it was called, not of a step taken while it settles', async () => {
    // A synchronous read on tfjs-webgpu draws the buffer through WebGPU canvases; in a worker on
    // Chromium's SwiftShader adapter that lost the device at the first state kept.
    const trainer = new Trainer(config(), DATA);
    await runSteps(trainer, 2);
    const reference = await trainer.exportState();
    const originalDataSync = tf.Tensor.prototype.dataSync;
    let syncReads = 0;
    tf.Tensor.prototype.dataSync = function (this: tf.Tensor) {
      syncReads += 1;
      return originalDataSync.call(this);
    } as typeof originalDataSync;
    let pending: ReturnType<Trainer['exportState']>;
    try {
      pending = trainer.exportState();
    } finally {
      tf.Tensor.prototype.dataSync = originalDataSync;
    }
    await trainer.trainStep();
    const state = await pending;
    expect(syncReads).toBe(0);
    expect(state.globalStep).toBe(2);
    expect(state).toEqual(reference);
    expect((await trainer.exportState()).encoder.values[0]).not.toEqual(reference.encoder.values[0]);
    trainer.dispose();
  });

  it('tells a rebuilt trainer that holds the given weights from one that reads back zeros', async () => {
    const trainer = new Trainer(config(), DATA);
    await runSteps(trainer, 2);
    const state = await trainer.exportState();
    expect(await readsBackWeights(trainer, state)).toBe(true);
    const zeroed = { ...state, encoder: { ...state.encoder, values: [new Float32Array(state.encoder.values[0].length), ...state.encoder.values.slice(1)] } };
    expect(await readsBackWeights(trainer, zeroed)).toBe(false);
    trainer.dispose();
  });

  it('keeps tf.memory().numTensors constant across epochs and returns to the baseline after dispose', async () => {
    const baseline = tf.memory().numTensors;
    const trainer = new Trainer(config({ epochs: 3 }), DATA);
    const counts: number[] = [];
    while (!trainer.finished) {
      await runSteps(trainer, trainer.stepsPerEpoch);
      await trainer.evaluate(DATA.heldOut);
      await trainer.encodeAll(64);
      await trainer.reconstruct(DATA.heldOut.subarray(0, 5));
      (await trainer.decoderWeights());
      (await trainer.exportState());
      counts.push(tf.memory().numTensors);
    }
    expect(counts).toEqual([counts[0], counts[0], counts[0]]);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('exportState / restore continues with the same losses as an uninterrupted trainer', async () => {
    const original = new Trainer(config(), DATA);
    await runSteps(original, original.stepsPerEpoch - 2); // stop two steps before an epoch boundary
    const state = await original.exportState();
    const restored = await Trainer.restore(config(), DATA, state);
    expect([restored.epoch, restored.stepInEpoch, restored.globalStep]).toEqual([
      original.epoch,
      original.stepInEpoch,
      original.globalStep,
    ]);
    // Same weights and moments, so the next losses match exactly, across the epoch boundary too.
    const [next, nextRestored] = [await runSteps(original, 6), await runSteps(restored, 6)];
    expect(nextRestored).toEqual(next);
    // The state is a copy: training on did not change it.
    expect(state.globalStep).toBe(original.stepsPerEpoch - 2);
    original.dispose();
    restored.dispose();
  });

  it('exportState taken exactly at an epoch boundary restores the next epoch\'s batch order', async () => {
    const original = new Trainer(config(), DATA);
    await runSteps(original, original.stepsPerEpoch);
    const restored = await Trainer.restore(config(), DATA, await original.exportState());
    expect([restored.epoch, restored.stepInEpoch]).toEqual([1, 0]);
    expect(await runSteps(restored, 3)).toEqual(await runSteps(original, 3));
    original.dispose();
    restored.dispose();
  });

  it('restore refuses a state from another architecture and leaks nothing', async () => {
    const baseline = tf.memory().numTensors;
    const source = new Trainer(config({}, [16]), DATA);
    await source.trainStep();
    const state = await source.exportState();
    source.dispose();
    await expect(Trainer.restore(config({}, [32]), DATA, state)).rejects.toThrow(/does not fit/);
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('refuses data whose image shape differs from the model input', () => {
    const wrong = { ...config(), spec: { ...config().spec, inputShape: [28, 28, 1] as const } };
    expect(() => new Trainer(wrong, DATA)).toThrow(/expects images of 28x28x1, the data has 8x8x1/);
  });

  it('encodeAll gives one code per dataset image, the same whatever the batching', async () => {
    const trainer = new Trainer(config(), DATA);
    await runSteps(trainer, 5);
    const codes = await trainer.encodeAll();
    expect(codes.length).toBe(IMAGE_COUNT * 2);
    expect(Array.from(await trainer.encodeAll(7))).toEqual(Array.from(codes));
    // Images differ, so codes differ: rows are not all the same.
    expect(new Set(Array.from(codes).map((v) => v.toFixed(5))).size).toBeGreaterThan(IMAGE_COUNT);
    trainer.dispose();
  });

  it('evaluate uses the first maxCount images and weights batches into an exact mean', async () => {
    const trainer = new Trainer(config(), DATA);
    const first = await trainer.evaluate(DATA.heldOut, 10);
    expect(first).toBeCloseTo(await trainer.evaluate(DATA.heldOut.slice(0, 10)), 6);
    const perImage = await Promise.all(
      Array.from(DATA.heldOut.subarray(0, 10)).map((i) => trainer.evaluate(Int32Array.of(i))),
    );
    expect(first).toBeCloseTo(perImage.reduce((a, b) => a + b, 0) / 10, 5);
    expect(Number.isNaN(await trainer.evaluate(new Int32Array(0)))).toBe(true);
    trainer.dispose();
  });

  it('the decoder weights, copied to a DecoderReplica, decode an image code to its reconstruction', async () => {
    const trainer = new Trainer(config(), DATA);
    await runSteps(trainer, 10);
    const indices = Int32Array.of(4, 17, 150);
    const codes = await trainer.encodeAll();
    const reconstructions = await trainer.reconstruct(indices);
    expect(reconstructions.length).toBe(3 * 64);
    expect(Math.min(...reconstructions)).toBeGreaterThan(0);
    expect(Math.max(...reconstructions)).toBeLessThan(1);
    const replica = new DecoderReplica(config().spec);
    replica.setWeights(await trainer.decoderWeights());
    indices.forEach((image, row) => {
      const decoded = replica.decode(codes.slice(image * 2, image * 2 + 2));
      const expected = reconstructions.subarray(row * 64, row * 64 + 64);
      decoded.forEach((pixel, i) => expect(pixel).toBeCloseTo(expected[i], 5));
    });
    replica.dispose();
    trainer.dispose();
  });
});
