// The engine's kernels on tfjs's wasm backend against tfjs's own CPU backend: products, fused
// products, convolutions and every kind's loss gradients, plus a seeded run and tensor counts.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildAutoencoder } from '../../src/model/build';
import type { AutoencoderSpec, ExperimentConfig, KindOptions } from '../../src/model/spec';
import { Trainer } from '../../src/train/trainer';
import { PATTERN_SHAPE, patternData } from '../fixtures/patternData';
import { randomValues, relativeError, useWasmEngine } from '../fixtures/wasmEngine';

useWasmEngine();

/** Run `compute` on a backend with fresh inputs; returns every output's values. */
async function onBackend(backend: 'cpu' | 'wasm', compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(compute);
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const values = await Promise.all(list.map(async (tensor) => new Float32Array(await tensor.data())));
  tf.dispose(list);
  return values;
}

async function expectSameOnBothBackends(compute: () => tf.Tensor | tf.Tensor[], tolerance = 1e-5): Promise<void> {
  const want = await onBackend('cpu', compute);
  const got = await onBackend('wasm', compute);
  expect(got.length).toBe(want.length);
  got.forEach((values, i) => {
    expect(values.length).toBe(want[i].length);
    expect(relativeError(values, want[i]), `output ${i}`).toBeLessThan(tolerance);
  });
}

const tensorOf = (shape: number[], seed: number) => tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed), shape);

describe('engine matrix kernels on wasm', () => {
  it('give the products tfjs gives, for every transpose combination and odd sizes', async () => {
    for (const [m, n, k] of [[1, 1, 1], [3, 17, 5], [17, 3, 784], [64, 128, 784], [5, 784, 33]]) {
      for (const transposeA of [false, true]) {
        for (const transposeB of [false, true]) {
          await expectSameOnBothBackends(() =>
            tf.matMul(tensorOf(transposeA ? [k, m] : [m, k], m + k), tensorOf(transposeB ? [n, k] : [k, n], n), transposeA, transposeB),
          );
        }
      }
    }
  });

  it('broadcast batch dimensions as tfjs does, also the cases they hand back to the original kernel', async () => {
    await expectSameOnBothBackends(() => tf.matMul(tensorOf([4, 3, 5], 1), tensorOf([4, 5, 2], 2)));
    await expectSameOnBothBackends(() => tf.matMul(tensorOf([2, 3, 3, 5], 3), tensorOf([5, 2], 4)));
    await expectSameOnBothBackends(() => tf.matMul(tensorOf([3, 5], 5), tensorOf([2, 5, 4], 6)));
    await expectSameOnBothBackends(() => tf.matMul(tensorOf([2, 1, 3, 5], 7), tensorOf([1, 3, 5, 4], 8)));
  });

  it('fuse bias and activation exactly as tfjs defines them', async () => {
    for (const activation of ['linear', 'relu', 'relu6', 'sigmoid', 'elu', 'leakyrelu'] as const) {
      await expectSameOnBothBackends(() =>
        tf.fused.matMul({ a: tensorOf([7, 9], 1).mul(3), b: tensorOf([9, 6], 2), bias: tensorOf([6], 3), activation, leakyreluAlpha: 0.3 }),
      );
    }
    await expectSameOnBothBackends(() =>
      tf.fused.matMul({ a: tensorOf([9, 7], 1), b: tensorOf([6, 9], 2), transposeA: true, transposeB: true, bias: tensorOf([1], 3), activation: 'relu' }),
    );
  });

  it('give the dense layer gradients (dy . Wᵀ, xᵀ . dy, bias) that autodiff gives on the CPU backend', async () => {
    await expectSameOnBothBackends(() => {
      const x = tensorOf([64, 784], 1);
      const w = tensorOf([784, 128], 2).mul(0.05);
      const b = tensorOf([128], 3);
      const f = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
        tf.sigmoid(tf.fused.matMul({ a: xs, b: ws, bias: bs, activation: 'linear' })).square().sum() as tf.Scalar;
      return tf.grads(f)([x, w, b]);
    });
  });
});

describe('engine convolution kernels on wasm', () => {
  const cases = [
    { x: [3, 8, 8, 1], filter: [3, 3, 1, 4], strides: 2, pad: 'same' as const },
    { x: [2, 7, 7, 4], filter: [3, 3, 4, 5], strides: 2, pad: 'same' as const },
    { x: [2, 9, 6, 3], filter: [3, 2, 3, 2], strides: 1, pad: 'valid' as const },
    { x: [2, 7, 7, 2], filter: [3, 3, 2, 3], strides: 1, pad: 'same' as const },
  ];

  it('convolve, and supply both backward kernels, as the CPU backend does', async () => {
    for (const c of cases) {
      await expectSameOnBothBackends(() => {
        const x = tensorOf(c.x, 1) as tf.Tensor4D;
        const filter = tensorOf(c.filter, 2) as tf.Tensor4D;
        const f = (xs: tf.Tensor, fs: tf.Tensor) => tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, c.strides, c.pad).square().sum() as tf.Scalar;
        return [tf.conv2d(x, filter, c.strides, c.pad), ...tf.grads(f)([x, filter])];
      });
    }
  });

  it('run transposed convolutions (the decoder’s upsampling) and their gradients as the CPU backend does', async () => {
    await expectSameOnBothBackends(() => {
      const x = tensorOf([2, 4, 4, 6], 1) as tf.Tensor4D;
      const filter = tensorOf([3, 3, 5, 6], 2) as tf.Tensor4D;
      const f = (xs: tf.Tensor, fs: tf.Tensor) =>
        tf.conv2dTranspose(xs as tf.Tensor4D, fs as tf.Tensor4D, [2, 8, 8, 5], 2, 'same').square().sum() as tf.Scalar;
      return [tf.conv2dTranspose(x, filter, [2, 8, 8, 5], 2, 'same'), ...tf.grads(f)([x, filter])];
    });
  });
});

const KINDS: { label: string; kind: AutoencoderSpec['kind']; options: Partial<KindOptions>; hidden?: number[] }[] = [
  { label: 'basic', kind: 'basic', options: {} },
  { label: 'dense denoising', kind: 'denoising', options: { body: 'dense', noiseType: 'gaussian', noiseLevel: 0.2 } },
  { label: 'sparse', kind: 'sparse', options: { sparsityType: 'kl', sparsityWeight: 0.05, sparsityTarget: 0.2 } },
  { label: 'variational', kind: 'variational', options: { beta: 1 } },
  { label: 'contractive', kind: 'contractive', options: { contractiveWeight: 0.1 } },
  { label: 'convolutional', kind: 'convolutional', options: { convFilters: [4, 8] } },
];

function kindSpec(kind: AutoencoderSpec['kind'], kindOptions: Partial<KindOptions>, hiddenSizes = [24, 12]): AutoencoderSpec {
  return { kind, kindOptions, hiddenSizes, activation: 'relu', latentDim: 2, inputShape: PATTERN_SHAPE, loss: 'bce' };
}

describe('every kind’s loss gradients on wasm with the engine kernels', () => {
  const data = patternData(32, 0, 7);
  for (const { label, kind, options, hidden } of KINDS) {
    it(`match CPU autodiff for the ${label} kind (relative error under 1e-4)`, async () => {
      const spec = kindSpec(kind, options, hidden);
      await expectSameOnBothBackends(() => {
        const model = buildAutoencoder(spec, 11);
        const images = tf.tensor4d(Float32Array.from(data.images, (v) => v / 255), [32, ...PATTERN_SHAPE]);
        const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => model.lossTerms(images, { seed: 5, training: true }).total, variables);
        const out = [value, ...variables.map((v) => grads[v.name])];
        model.dispose();
        return out;
      }, 1e-4);
    });
  }
});

describe('training on wasm with the engine kernels', () => {
  const data = patternData(96, 16, 5);
  const config = (kind: AutoencoderSpec['kind'], options: Partial<KindOptions>): ExperimentConfig => ({
    spec: kindSpec(kind, options),
    training: { learningRate: 0.01, batchSize: 16, epochs: 2, seed: 3 },
  });

  async function lossesOf(run: ExperimentConfig, steps: number): Promise<number[]> {
    const trainer = new Trainer(run, data);
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push(await trainer.trainStep());
    trainer.dispose();
    return losses;
  }

  it('repeats a seeded run exactly and keeps the tensor count steady across steps', async () => {
    await tf.setBackend('wasm');
    const runs: [AutoencoderSpec['kind'], Partial<KindOptions>][] = [['basic', {}], ['convolutional', { convFilters: [4, 8] }]];
    for (const [kind, options] of runs) {
      const run = config(kind, options);
      const first = await lossesOf(run, 8);
      const second = await lossesOf(run, 8);
      expect(second).toEqual(first);
      expect(first.every(Number.isFinite)).toBe(true);

      const trainer = new Trainer(run, data);
      await trainer.trainStep();
      const tensorsAfterOne = tf.memory().numTensors;
      for (let i = 0; i < 8; i++) await trainer.trainStep();
      expect(tf.memory().numTensors).toBe(tensorsAfterOne);
      trainer.dispose();
    }
  });

  it('follows the CPU backend’s seeded run within float32 rounding', async () => {
    const run = config('basic', {});
    await tf.setBackend('cpu');
    const reference = await lossesOf(run, 6);
    await tf.setBackend('wasm');
    const fast = await lossesOf(run, 6);
    fast.forEach((loss, i) => expect(Math.abs(loss - reference[i]) / reference[i]).toBeLessThan(1e-4));
  });
});
