// The training step's fast paths on the wasm backend: the fused Adam pass against the tensor-op
// Adam (the same float32 numbers), the Identity kernel that shares instead of copying, and
// training batches cut from the bytes against a gather from the dataset tensor.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { fusedAdamEngine, fusedAdamUpdate } from '../../src/engine/fusedAdam';
import { adamUpdate, tensorAdamUpdate, type AdamSlot } from '../../src/train/engines/adamUpdate';
import { scaledImages } from '../../src/train/engines/batchPixels';
import { Trainer } from '../../src/train/trainer';
import { patternData } from '../fixtures/patternData';
import { randomValues, useWasmEngine } from '../fixtures/wasmEngine';

useWasmEngine();

/** Variables of odd sizes (a SIMD tail of 1 to 3 values) and a bias-like vector. */
const SHAPES: number[][] = [[37, 11], [7], [128], [3, 5, 2]];

function makeSlots(seed: number): AdamSlot[] {
  return SHAPES.map((shape, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return {
      variable: tf.variable(tf.tensor(randomValues(size, seed + i), shape)),
      gradient: tf.zeros(shape),
      first: tf.variable(tf.zeros(shape), false),
      second: tf.variable(tf.zeros(shape), false),
    };
  });
}

/** Adam's constants at step `t` as the Trainer computes them (lr 0.005, epsilon 1e-7). */
function constantsAt(t: number) {
  const secondRoot = Math.sqrt(1 - 0.999 ** t);
  return { beta1: 0.9, beta2: 0.999, stepSize: (0.005 * secondRoot) / (1 - 0.9 ** t), epsilon: 1e-7 * secondRoot };
}

function values(slots: AdamSlot[]): Float32Array[] {
  return slots.flatMap((slot) => [slot.variable, slot.first, slot.second].map((tensor) => new Float32Array(tensor.dataSync())));
}

describe('the fused Adam pass on wasm', () => {
  it('is what adamUpdate runs there', () => {
    expect(fusedAdamEngine()).not.toBeNull();
  });

  it('gives the tensor-op Adam’s weights and moments bit for bit over several steps', () => {
    const fused = makeSlots(11);
    const reference = makeSlots(11);
    const engine = fusedAdamEngine();
    if (!engine) throw new Error('no engine');
    for (let t = 1; t <= 6; t++) {
      // Gradients of very different sizes, including exact zeros, as a real step has.
      SHAPES.forEach((shape, i) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const g = randomValues(size, 100 * t + i, 10 ** (i - 2));
        if (t === 3) g.fill(0, 0, Math.ceil(size / 2));
        for (const slots of [fused, reference]) {
          slots[i].gradient.dispose();
          slots[i].gradient = tf.tensor(g, shape);
        }
      });
      fusedAdamUpdate(engine, fused, constantsAt(t));
      tensorAdamUpdate(reference, constantsAt(t));
    }
    const got = values(fused);
    const want = values(reference);
    got.forEach((array, i) => {
      expect(array.some((value) => value !== 0), `buffer ${i} moved`).toBe(true);
      expect(Array.from(array), `buffer ${i}`).toEqual(Array.from(want[i]));
    });
    tf.dispose([...fused, ...reference].flatMap((slot) => [slot.variable, slot.gradient, slot.first, slot.second]));
  });

  it('runs no tfjs kernels and leaves no tensors behind', async () => {
    const slots = makeSlots(5);
    const before = tf.memory().numTensors;
    const profile = await tf.profile(() => adamUpdate(slots, constantsAt(1)));
    expect(profile.kernels).toHaveLength(0);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(slots.flatMap((slot) => [slot.variable, slot.gradient, slot.first, slot.second]));
  });

  it('keeps a seeded Trainer run repeating exactly', async () => {
    const data = patternData(96, 16, 5);
    const config = {
      spec: { kind: 'basic', inputShape: [8, 8, 1], latentDim: 2, hiddenSizes: [16], activation: 'relu', loss: 'bce' },
      training: { learningRate: 0.01, batchSize: 16, epochs: 2, seed: 3 },
    } as unknown as ConstructorParameters<typeof Trainer>[0];
    const run = async () => {
      const trainer = new Trainer(config, data);
      for (let i = 0; i < 7; i++) await trainer.trainStep();
      const state = await trainer.exportState();
      trainer.dispose();
      return [...state.encoder.values, ...state.decoder.values, ...state.optimizer.secondMoments.values].map((v) => Array.from(v));
    };
    expect(await run()).toEqual(await run());
  });
});

describe('the Identity kernel on wasm', () => {
  it('shares its input’s data, and each tensor outlives the other', () => {
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const y = tf.clone(x);
    expect(y.dataId).toBe(x.dataId);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
  });
});

describe('training batches cut from the bytes', () => {
  it('hold the values a gather from the scaled dataset tensor gives', async () => {
    const pixels = Uint8Array.from({ length: 5 * 6 }, (_, i) => (i * 37) % 256);
    const all = new Float32Array(pixels.length);
    for (let i = 0; i < all.length; i++) all[i] = pixels[i] / 255;
    const indices = Int32Array.from([4, 0, 2, 2]);
    const gathered = tf.tidy(() => tf.gather(tf.tensor2d(all, [5, 6]), tf.tensor1d(indices, 'int32')));
    expect(Array.from(scaledImages(pixels, indices, 6))).toEqual(Array.from(await gathered.data()));
    gathered.dispose();
  });
});
