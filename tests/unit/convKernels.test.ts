// The engine's direct convolution kernels (engine/convKernels.ts, assembly/conv.ts) on tfjs's wasm
// backend against tfjs's CPU backend: the forward pass (plain and fused with bias and activation),
// the input gradient and transposed convolution by parity classes, the weight gradient, and the
// leading-axes sum of a bias gradient, for every shape the conv kinds run and odd ones; each output
// within 1e-4 relative error.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { coversFilterGrad, coversForward, coversInputGrad } from '../../src/engine/convKernels';
import { buildAutoencoder } from '../../src/model/build';
import type { AutoencoderSpec } from '../../src/model/spec';
import { randomValues, relativeError, useWasmEngine } from '../fixtures/wasmEngine';

useWasmEngine();

const TOLERANCE = 1e-4;

async function valuesOn(backend: 'cpu' | 'wasm', compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(compute);
  const values = await Promise.all(outputs.map(async (tensor) => new Float32Array(await tensor.data())));
  tf.dispose(outputs);
  return values;
}

async function expectAsCpu(label: string, compute: () => tf.Tensor[]): Promise<void> {
  const want = await valuesOn('cpu', compute);
  const got = await valuesOn('wasm', compute);
  got.forEach((values, i) => {
    expect(values.length, `${label} output ${i}`).toBe(want[i].length);
    expect(relativeError(values, want[i]), `${label} output ${i}`).toBeLessThan(TOLERANCE);
  });
}

const tensorOf = (shape: number[], seed: number) => tf.tensor(randomValues(shape.reduce((a, b) => a * b, 1), seed), shape);

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: 'same' | 'valid';
}

/** The conv kind's layers at batch 3 (encoder 16, 32; decoder's last conv), then odd sizes and channel counts. */
const CONV_CASES: ConvCase[] = [
  { x: [3, 28, 28, 1], filter: [3, 3, 1, 16], strides: 2, pad: 'same' },
  { x: [3, 14, 14, 16], filter: [3, 3, 16, 32], strides: 2, pad: 'same' },
  { x: [3, 28, 28, 16], filter: [3, 3, 16, 32], strides: 2, pad: 'same' },
  { x: [3, 14, 14, 32], filter: [3, 3, 32, 32], strides: 2, pad: 'same' },
  { x: [3, 28, 28, 16], filter: [3, 3, 16, 1], strides: 1, pad: 'same' },
  { x: [2, 9, 7, 4], filter: [3, 3, 4, 8], strides: 2, pad: 'same' },
  { x: [2, 5, 6, 8], filter: [3, 3, 8, 12], strides: 1, pad: 'same' },
  { x: [2, 7, 7, 8], filter: [3, 3, 8, 2], strides: 1, pad: 'valid' },
  { x: [1, 11, 10, 12], filter: [3, 2, 12, 3], strides: [2, 3], pad: 'valid' },
  { x: [2, 13, 13, 4], filter: [5, 5, 4, 4], strides: 3, pad: 'same' },
  { x: [1, 4, 4, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 1, 1, 8], filter: [3, 3, 8, 4], strides: 2, pad: 'same' },
];

const info = (c: ConvCase) => tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad);

describe('direct convolution kernels', () => {
  it('cover every convolution the conv kind trains with', () => {
    for (const c of CONV_CASES.slice(0, 5)) {
      expect(coversForward(info(c))).toBe(true);
      expect(coversFilterGrad(info(c))).toBe(true);
      // The first layer's input gradient (one channel) is never taken: its input is the data.
      if (c.x[3] > 1) expect(coversInputGrad(info(c))).toBe(true);
    }
  });

  it('convolve, and give both gradients, as the CPU backend does', async () => {
    for (const [index, c] of CONV_CASES.entries()) {
      await expectAsCpu(`case ${index}`, () => {
        const x = tensorOf(c.x, 1 + index) as tf.Tensor4D;
        const filter = tensorOf(c.filter, 2 + index) as tf.Tensor4D;
        const y = tf.conv2d(x, filter, c.strides, c.pad);
        const weights = tensorOf(y.shape, 3 + index);
        const f = (xs: tf.Tensor, fs: tf.Tensor) => tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, c.strides, c.pad).mul(weights).sum() as tf.Scalar;
        return [y, ...tf.grads(f)([x, filter])];
      });
    }
  });

  it('fuse bias and each activation into the forward pass', async () => {
    for (const activation of ['linear', 'relu', 'elu', 'sigmoid', 'leakyrelu'] as const) {
      for (const [index, c] of [CONV_CASES[4], CONV_CASES[1], CONV_CASES[6]].entries()) {
        await expectAsCpu(`${activation} ${index}`, () => [
          tf.fused.conv2d({
            x: tensorOf(c.x, 4) as tf.Tensor4D, filter: tensorOf(c.filter, 5) as tf.Tensor4D, strides: c.strides, pad: c.pad,
            bias: tensorOf([c.filter[3]], 6), activation, leakyreluAlpha: 0.3,
          }),
        ]);
      }
    }
  });

  it('run transposed convolutions (the decoder’s upsampling) by parity classes as the CPU backend does', async () => {
    const cases: { x: number[]; filter: number[]; out: number[]; strides: number; pad: 'same' | 'valid' }[] = [
      { x: [3, 7, 7, 32], filter: [3, 3, 32, 32], out: [3, 14, 14, 32], strides: 2, pad: 'same' },
      { x: [3, 14, 14, 32], filter: [3, 3, 16, 32], out: [3, 28, 28, 16], strides: 2, pad: 'same' },
      { x: [2, 4, 4, 8], filter: [3, 3, 4, 8], out: [2, 8, 8, 4], strides: 2, pad: 'same' },
      { x: [2, 4, 5, 3], filter: [3, 3, 8, 3], out: [2, 9, 11, 8], strides: 2, pad: 'valid' },
      { x: [1, 3, 3, 4], filter: [2, 2, 12, 4], out: [1, 9, 9, 12], strides: 3, pad: 'same' },
      { x: [1, 5, 5, 4], filter: [3, 3, 4, 4], out: [1, 5, 5, 4], strides: 1, pad: 'same' },
    ];
    for (const [index, c] of cases.entries()) {
      await expectAsCpu(`transposed ${index}`, () => {
        const x = tensorOf(c.x, 7 + index) as tf.Tensor4D;
        const filter = tensorOf(c.filter, 8 + index) as tf.Tensor4D;
        const out = c.out as [number, number, number, number];
        const weights = tensorOf(c.out, 9 + index);
        const f = (xs: tf.Tensor, fs: tf.Tensor) =>
          tf.conv2dTranspose(xs as tf.Tensor4D, fs as tf.Tensor4D, out, c.strides, c.pad).mul(weights).sum() as tf.Scalar;
        return [tf.conv2dTranspose(x, filter, out, c.strides, c.pad), ...tf.grads(f)([x, filter])];
      });
    }
  });

  it('sum a bias gradient over the leading axes, and leave other reductions to tfjs', async () => {
    await expectAsCpu('leading sums', () => {
      const x = tensorOf([3, 5, 7, 6], 10);
      return [x.sum([0, 1, 2]), x.sum([2, 0, 1], true), tensorOf([9, 5], 11).sum(0), x.sum([0, 2]), x.sum(), x.sum(-1)];
    });
  });
});

describe('the default conv kind on the direct kernels', () => {
  for (const activation of ['relu', 'elu'] as const) {
    it(`gives the loss gradients CPU autodiff gives (28x28 digits, filters 16 and 32, ${activation})`, async () => {
      const spec: AutoencoderSpec = {
        kind: 'convolutional', kindOptions: {}, hiddenSizes: [], activation, latentDim: 2, inputShape: [28, 28, 1], loss: 'bce',
      };
      const pixels = Float32Array.from(randomValues(4 * 784, 12), (v) => Math.abs(v));
      await expectAsCpu(`conv kind ${activation}`, () => {
        const model = buildAutoencoder(spec, 3);
        const images = tf.tensor4d(pixels, [4, 28, 28, 1]);
        const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
        const { value, grads } = tf.variableGrads(() => model.lossTerms(images, { seed: 5, training: true }).total, variables);
        const out = [value, ...variables.map((v) => grads[v.name]), model.encoder.predict(images) as tf.Tensor];
        model.dispose();
        return out;
      });
    });
  }
});
