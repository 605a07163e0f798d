import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecoderReplica } from '../../src/model/decoderReplica';
import { buildDenseDecoder, buildDenseEncoder } from '../../src/model/dense';
import { BCE_EPSILON, reconstructionLoss } from '../../src/model/losses';
import type { AutoencoderSpec } from '../../src/model/spec';
import { applyWeights, snapshotWeights } from '../../src/model/weights';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function spec(overrides: Partial<AutoencoderSpec>): AutoencoderSpec {
  return {
    kind: 'basic',
    inputShape: [28, 28, 1],
    hiddenSizes: [256, 64],
    activation: 'relu',
    latentDim: 2,
    loss: 'bce',
    ...overrides,
  };
}

const SPECS: AutoencoderSpec[] = [
  spec({}),
  spec({ inputShape: [8, 8, 3], hiddenSizes: [], latentDim: 5, activation: 'tanh' }),
  spec({ inputShape: [6, 10, 1], hiddenSizes: [16, 8, 4, 4], latentDim: 3, activation: 'elu' }),
];

function values(tensor: tf.Tensor): number[] {
  return Array.from(tensor.dataSync());
}

function lossOf(kind: 'mse' | 'bce', target: number[][], output: number[][]): number {
  return tf.tidy(() => reconstructionLoss(kind, tf.tensor2d(target), tf.tensor2d(output)).dataSync()[0]);
}

describe('dense encoder and decoder', () => {
  for (const s of SPECS) {
    const label = `${s.inputShape.join('x')} via [${s.hiddenSizes.join(', ')}] to ${s.latentDim}`;

    it(`encoder maps images ${label} to codes of latentDim values`, () => {
      const encoder = buildDenseEncoder(s, 1);
      const shape = tf.tidy(() => (encoder.predict(tf.ones([3, ...s.inputShape])) as tf.Tensor).shape);
      expect(shape).toEqual([3, s.latentDim]);
      encoder.dispose();
    });

    it(`decoder maps codes back to images ${label}, pixels strictly inside (0, 1)`, () => {
      const decoder = buildDenseDecoder(s, 1);
      tf.tidy(() => {
        const images = decoder.predict(tf.randomNormal([4, s.latentDim], 0, 3, 'float32', 5)) as tf.Tensor;
        expect(images.shape).toEqual([4, ...s.inputShape]);
        expect(tf.min(images).dataSync()[0]).toBeGreaterThan(0);
        expect(tf.max(images).dataSync()[0]).toBeLessThan(1);
      });
      decoder.dispose();
    });
  }

  it('names layers stably and mirrors the hidden widths in the decoder', () => {
    const s = spec({ hiddenSizes: [256, 64] });
    const encoder = buildDenseEncoder(s, 1);
    const decoder = buildDenseDecoder(s, 1);
    expect(encoder.layers.map((l) => l.name)).toEqual([
      'encoder_flatten',
      'encoder_hidden_0',
      'encoder_hidden_1',
      'encoder_code',
    ]);
    expect(decoder.layers.map((l) => l.name)).toEqual([
      'decoder_hidden_0',
      'decoder_hidden_1',
      'decoder_pixels',
      'decoder_image',
    ]);
    const units = (model: tf.LayersModel) =>
      model.layers.map((l) => (l.getConfig() as { units?: number }).units).filter((u) => u !== undefined);
    expect(units(encoder)).toEqual([256, 64, 2]);
    expect(units(decoder)).toEqual([64, 256, 784]);
    encoder.dispose();
    decoder.dispose();
  });

  it('builds identical weights from the same seed and different weights from another seed', async () => {
    const s = spec({ inputShape: [8, 8, 1], hiddenSizes: [16] });
    const [a, b, c] = [3, 3, 4].map((seed) => buildDenseDecoder(s, seed));
    const snapshot = async (m: tf.LayersModel) => (await snapshotWeights(m)).values.map((v) => Array.from(v));
    expect(await snapshot(a)).toEqual(await snapshot(b));
    expect((await snapshot(a))[0]).not.toEqual((await snapshot(c))[0]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('gives each layer its own initialiser seed', () => {
    // Two hidden layers of the same shape would get equal kernels if they shared one seed.
    const encoder = buildDenseEncoder(spec({ inputShape: [4, 2, 1], hiddenSizes: [8, 8], latentDim: 8 }), 9);
    const kernels = encoder.layers
      .filter((l) => l.name !== 'encoder_flatten')
      .map((l) => Array.from(l.getWeights()[0].dataSync()));
    expect(kernels[0]).not.toEqual(kernels[1]);
    expect(kernels[1]).not.toEqual(kernels[2]);
    encoder.dispose();
  });

  it('frees every weight on dispose', () => {
    const before = tf.memory().numTensors;
    const encoder = buildDenseEncoder(SPECS[2], 1);
    const decoder = buildDenseDecoder(SPECS[2], 1);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    encoder.dispose();
    decoder.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('reconstructionLoss', () => {
  it('mse is the mean squared difference over every pixel of every image', () => {
    // Squared differences 0.25, 0.25, 0, 1 | 0.04, 0, 0.01, 0.09 -> mean 1.64 / 8.
    const loss = lossOf('mse', [[0, 1, 0.5, 1], [0.2, 0.4, 0.6, 0.8]], [[0.5, 0.5, 0.5, 0], [0, 0.4, 0.5, 0.5]]);
    expect(loss).toBeCloseTo(1.64 / 8, 6);
  });

  it('bce is the mean of -[t log p + (1 - t) log(1 - p)] over every pixel of every image', () => {
    const target = [[1, 0, 0.5], [0.25, 1, 0]];
    const output = [[0.9, 0.2, 0.5], [0.5, 0.6, 0.1]];
    let sum = 0;
    target.flat().forEach((t, i) => {
      const p = output.flat()[i];
      sum += -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
    });
    // Worked by hand for the first image: (0.1053605 + 0.2231436 + 0.6931472) / 3.
    expect(lossOf('bce', [target[0]], [output[0]])).toBeCloseTo(0.3405504, 5);
    expect(lossOf('bce', target, output)).toBeCloseTo(sum / 6, 5);
  });

  it('bce clips saturated outputs, staying finite at about -log(eps)', () => {
    const loss = lossOf('bce', [[1, 0]], [[0, 1]]);
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeCloseTo(-Math.log(BCE_EPSILON), 0);
  });

  it('both losses are 0-d scalars and leave nothing behind inside tidy', () => {
    const before = tf.memory().numTensors;
    for (const kind of ['mse', 'bce'] as const) {
      const rank = tf.tidy(() => reconstructionLoss(kind, tf.ones([2, 3, 3, 1]), tf.fill([2, 3, 3, 1], 0.5)).rank);
      expect(rank).toBe(0);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('weight snapshots', () => {
  const s = spec({ inputShape: [6, 6, 1], hiddenSizes: [12], latentDim: 3 });
  const code = () => tf.tensor2d([[0.3, -1.2, 2.0]]);

  it('round-trip: a snapshot applied to another model makes it decode identically', async () => {
    const source = buildDenseDecoder(s, 1);
    const target = buildDenseDecoder(s, 2);
    const out = (m: tf.LayersModel) => tf.tidy(() => values(m.predict(code()) as tf.Tensor));
    expect(out(target)).not.toEqual(out(source));
    applyWeights(target, await snapshotWeights(source));
    expect(out(target)).toEqual(out(source));
    source.dispose();
    target.dispose();
  });

  it('snapshot holds copies: changing the arrays afterwards does not touch either model', async () => {
    const source = buildDenseDecoder(s, 1);
    const target = buildDenseDecoder(s, 2);
    const snapshot = await snapshotWeights(source);
    const kernelBefore = Array.from(snapshot.values[0]);
    applyWeights(target, snapshot);
    snapshot.values.forEach((v) => v.fill(7));
    expect(values(source.getWeights()[0])).toEqual(kernelBefore);
    expect(values(target.getWeights()[0])).toEqual(kernelBefore);
    expect(snapshot.shapes).toEqual(source.getWeights().map((w) => w.shape));
    source.dispose();
    target.dispose();
  });

  it('refuses a snapshot of another shape with a clear error and leaves the model as it was', async () => {
    const model = buildDenseDecoder(s, 1);
    const other = buildDenseDecoder({ ...s, hiddenSizes: [10] }, 1);
    const fewer = buildDenseDecoder({ ...s, hiddenSizes: [] }, 1);
    const before = (await snapshotWeights(model)).values.map((v) => Array.from(v));
    const otherWeights = await snapshotWeights(other);
    const fewerWeights = await snapshotWeights(fewer);
    const tensorsBefore = tf.memory().numTensors;
    expect(() => applyWeights(model, otherWeights)).toThrow(
      /does not fit model "decoder.*": weight 0 \(decoder_hidden_0\/kernel\) has shape \[3, 12\], the snapshot has \[3, 10\]/,
    );
    expect(() => applyWeights(model, fewerWeights)).toThrow(/it has 2 weights, the model has 4/);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect((await snapshotWeights(model)).values.map((v) => Array.from(v))).toEqual(before);
    [model, other, fewer].forEach((m) => m.dispose());
  });

  it('applyWeights leaves no temporary tensors behind', async () => {
    const model = buildDenseDecoder(s, 1);
    const source = buildDenseDecoder(s, 5);
    const snapshot = await snapshotWeights(source);
    source.dispose();
    const before = tf.memory().numTensors;
    applyWeights(model, snapshot);
    applyWeights(model, snapshot);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('DecoderReplica', () => {
  const s = spec({ inputShape: [5, 4, 2], hiddenSizes: [16, 8], latentDim: 3 });

  it('decode gives exactly what the source decoder predicts for the same code', async () => {
    const source = buildDenseDecoder(s, 11);
    const replica = new DecoderReplica(s);
    replica.setWeights(await snapshotWeights(source));
    const code = new Float32Array([0.5, -1, 2]);
    const expected = tf.tidy(() => values(source.predict(tf.tensor2d(code, [1, 3])) as tf.Tensor));
    const decoded = replica.decode(code);
    expect(decoded).toBeInstanceOf(Float32Array);
    expect(decoded.length).toBe(5 * 4 * 2);
    expect(Array.from(decoded)).toEqual(expected);
    source.dispose();
    replica.dispose();
  });

  it('decodeMany gives the images of decode, back to back', async () => {
    const source = buildDenseDecoder(s, 12);
    const replica = new DecoderReplica(s);
    replica.setWeights(await snapshotWeights(source));
    const codes = new Float32Array([0, 0, 0, 1, -2, 0.5, 3, 3, -3]);
    const many = replica.decodeMany(codes, 3);
    const one = [0, 1, 2].map((i) => Array.from(replica.decode(codes.slice(i * 3, i * 3 + 3))));
    expect(Array.from(many)).toEqual(one.flat());
    expect(replica.decodeMany(new Float32Array(0), 0).length).toBe(0);
    source.dispose();
    replica.dispose();
  });

  it('leaks no tensors: decode, decodeMany and setWeights leave the count unchanged, dispose frees all', async () => {
    const baseline = tf.memory().numTensors;
    const source = buildDenseDecoder(s, 13);
    const snapshot = await snapshotWeights(source);
    source.dispose();
    const replica = new DecoderReplica(s);
    replica.setWeights(snapshot);
    const steady = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      replica.decode(new Float32Array([i, -i, 0.5]));
      expect(tf.memory().numTensors).toBe(steady);
    }
    replica.decodeMany(new Float32Array(30), 10);
    replica.setWeights(snapshot);
    expect(tf.memory().numTensors).toBe(steady);
    replica.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  });

  it('refuses codes of the wrong length, weights of another spec, and use after dispose', async () => {
    const replica = new DecoderReplica(s);
    expect(() => replica.decode(new Float32Array(2))).toThrow(/3 values per code/);
    expect(() => replica.decodeMany(new Float32Array(7), 2)).toThrow(/got 7 values for 2 codes/);
    const other = buildDenseDecoder({ ...s, latentDim: 4 }, 1);
    const otherWeights = await snapshotWeights(other);
    expect(() => replica.setWeights(otherWeights)).toThrow(/does not fit/);
    other.dispose();
    replica.dispose();
    expect(() => replica.decode(new Float32Array(3))).toThrow(/after dispose/);
  });
});
