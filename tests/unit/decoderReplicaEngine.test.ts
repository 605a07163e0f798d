// The page's decoder copy runs dense decoders through the engine (engine/denseForward.ts): the same
// images as the tfjs decoder within float32 rounding; conv decoders stay on tfjs.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { denseForward } from '../../src/engine/denseForward';
import { loadKernelModule } from '../../src/engine/kernelModule';
import { buildDecoder } from '../../src/model/build';
import { DecoderReplica } from '../../src/model/decoderReplica';
import type { AutoencoderSpec } from '../../src/model/spec';
import { snapshotWeights } from '../../src/model/weights';
import { randomValues } from '../fixtures/wasmEngine';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await loadKernelModule();
});

const spec = (activation: AutoencoderSpec['activation'], kind: AutoencoderSpec['kind'] = 'basic'): AutoencoderSpec => ({
  kind, inputShape: [8, 8, 1], hiddenSizes: [24, 12], activation, latentDim: 3, loss: 'bce', kindOptions: { convFilters: [4] },
});

describe('the decoder copy on the engine', () => {
  for (const activation of ['relu', 'elu', 'tanh', 'sigmoid'] as const) {
    it(`decodes like the tfjs decoder (${activation} hidden layers)`, async () => {
      const modelSpec = spec(activation);
      const source = buildDecoder(modelSpec, 5);
      const replica = new DecoderReplica(modelSpec, () => null);
      replica.setWeights(await snapshotWeights(source));
      const codes = randomValues(7 * 3, 2, 3);
      const decoded = replica.decodeMany(codes, 7);
      const reference = tf.tidy(() => (source.predict(tf.tensor2d(codes, [7, 3])) as tf.Tensor).dataSync());
      expect(decoded.length).toBe(reference.length);
      decoded.forEach((value, i) => expect(Math.abs(value - reference[i])).toBeLessThan(1e-5));
      // It is the engine's pass that answered, not tfjs's.
      const engine = await loadKernelModule();
      const weights = await snapshotWeights(source);
      const widths = [3, 12, 24, 64];
      const layers = widths.slice(0, -1).map((inputs, i) => ({
        kernel: weights.values[2 * i], bias: weights.values[2 * i + 1], inputs, units: widths[i + 1],
        activation: i === 2 ? ('sigmoid' as const) : activation,
      }));
      expect(Array.from(decoded)).toEqual(Array.from(denseForward(engine, layers, codes, 7)));
      replica.dispose();
      source.dispose();
    });
  }

  it('keeps conv decoders on tfjs', async () => {
    const modelSpec = spec('relu', 'convolutional');
    const source = buildDecoder(modelSpec, 5);
    const replica = new DecoderReplica(modelSpec, () => null);
    replica.setWeights(await snapshotWeights(source));
    const codes = randomValues(3, 4);
    const reference = tf.tidy(() => (source.predict(tf.tensor2d(codes, [1, 3])) as tf.Tensor).dataSync());
    expect(Array.from(replica.decode(codes))).toEqual(Array.from(reference));
    replica.dispose();
    source.dispose();
  });
});
