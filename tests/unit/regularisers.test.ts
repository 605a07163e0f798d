import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAutoencoder } from '../../src/model/build';
import { corruptImages } from '../../src/model/corruption';
import { buildDenseEncoder } from '../../src/model/dense';
import { reconstructionLoss } from '../../src/model/losses';
import {
  contractiveClosedForm,
  contractivePenalty,
  contractivePenaltyByAutodiff,
  gaussianKl,
  klSparsity,
  l1Sparsity,
  type DenseStep,
  type LayerActivation,
} from '../../src/model/regularisers';
import type { Activation, AutoencoderSpec, NoiseType } from '../../src/model/spec';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function scalar(make: () => tf.Tensor): number {
  return tf.tidy(() => make().dataSync()[0]);
}

/** KL(p || q) between Bernoulli rates, the reference for the sparsity penalty. */
function bernoulliKl(p: number, q: number): number {
  return p * Math.log(p / q) + (1 - p) * Math.log((1 - p) / (1 - q));
}

describe('gaussianKl', () => {
  it('is -0.5 * sum(1 + logVar - mu^2 - exp(logVar)) per image, averaged over the batch', () => {
    // Image 0 is the prior itself: 0. Image 1, unit 0: -0.5 (1 + ln 2 - 1 - 2) = 1 - ln(2) / 2 = 0.6534264;
    // unit 1: -0.5 (1 - 1 - 4 - e^-1) = 2 + e^-1 / 2 = 2.1839397. Mean of 0 and 2.8373661.
    const kl = scalar(() => gaussianKl(tf.tensor2d([[0, 0], [1, -2]]), tf.tensor2d([[0, 0], [Math.log(2), -1]])));
    expect(kl).toBeCloseTo(1.4186831, 5);
  });

  it('is zero exactly at the prior and positive away from it', () => {
    expect(scalar(() => gaussianKl(tf.zeros([3, 4]), tf.zeros([3, 4])))).toBe(0);
    expect(scalar(() => gaussianKl(tf.fill([1, 2], 0.1), tf.zeros([1, 2])))).toBeGreaterThan(0);
    expect(scalar(() => gaussianKl(tf.zeros([1, 2]), tf.fill([1, 2], -0.5)))).toBeGreaterThan(0);
  });
});

describe('sparsity penalties', () => {
  it('l1 is the mean absolute activation', () => {
    expect(scalar(() => l1Sparsity(tf.tensor2d([[1, -2], [0, 3]])))).toBeCloseTo(6 / 4, 6);
  });

  it('kl sums KL(rho || batch-mean activation) over the code units', () => {
    // Unit means 0.2 and 0.6 against rho = 0.05: 0.0939426 + 0.6975020.
    const code = [[0.1, 0.5], [0.3, 0.7]];
    const penalty = scalar(() => klSparsity(tf.tensor2d(code), 0.05));
    expect(penalty).toBeCloseTo(bernoulliKl(0.05, 0.2) + bernoulliKl(0.05, 0.6), 5);
    expect(penalty).toBeCloseTo(0.7914446, 5);
  });

  it('kl is zero when every unit fires at the target rate, and finite at saturated units', () => {
    expect(scalar(() => klSparsity(tf.tensor2d([[0.1, 0.3], [0.5, 0.3]]), 0.3))).toBeCloseTo(0, 6);
    expect(Number.isFinite(scalar(() => klSparsity(tf.tensor2d([[0, 1], [0, 1]]), 0.05)))).toBe(true);
  });
});

describe('contractive penalty', () => {
  const SHAPE = [4, 4, 1] as const;
  const PIXELS = 16;
  const LATENT = 3;
  function spec(hiddenSizes: number[], activation: Activation = 'tanh'): AutoencoderSpec {
    return { kind: 'contractive', inputShape: SHAPE, hiddenSizes, activation, latentDim: LATENT, loss: 'bce' };
  }
  const images = () => tf.randomUniform([5, ...SHAPE], 0, 1, 'float32', 3);

  /** The encoder's dense layers as the penalty reads them, for these images. */
  function steps(encoder: tf.LayersModel, input: tf.Tensor, hiddenActivation: LayerActivation): DenseStep[] {
    const dense = encoder.layers.filter((layer) => layer.getClassName() === 'Dense');
    let hidden: tf.Tensor = tf.reshape(input, [input.shape[0], PIXELS]);
    return dense.map((layer, index) => {
      hidden = layer.apply(hidden) as tf.Tensor;
      const activation = index === dense.length - 1 ? 'sigmoid' : hiddenActivation;
      return { kernel: layer.getWeights()[0], output: hidden, activation };
    });
  }

  /** ||J||_F^2 averaged over images by central differences of the encoder, one pixel at a time. */
  function finiteDifferencePenalty(encoder: tf.LayersModel, input: tf.Tensor): number {
    const flat = input.reshape([input.shape[0], PIXELS]).arraySync() as number[][];
    const step = 1e-2;
    let total = 0;
    flat.forEach((pixels) => {
      for (let i = 0; i < PIXELS; i++) {
        const shifted = (delta: number) =>
          tf.tidy(() => {
            const copy = [...pixels];
            copy[i] += delta;
            return Array.from((encoder.predict(tf.tensor4d(copy, [1, ...SHAPE])) as tf.Tensor).dataSync());
          });
        const up = shifted(step);
        const down = shifted(-step);
        up.forEach((value, j) => (total += ((value - down[j]) / (2 * step)) ** 2));
      }
    });
    return total / flat.length;
  }

  it('closed form for one sigmoid layer equals finite differences of the encoder', () => {
    const encoder = buildDenseEncoder(spec([]), 4, 'sigmoid');
    const input = images();
    const closed = scalar(() => {
      const code = encoder.predict(input) as tf.Tensor;
      return contractiveClosedForm(code, encoder.getWeights()[0]);
    });
    expect(closed).toBeGreaterThan(0);
    expect(closed).toBeCloseTo(finiteDifferencePenalty(encoder, input), 4);
    input.dispose();
    encoder.dispose();
  });

  it('autodiff (tf.grad per code unit) and the layer-by-layer product equal the closed form on one sigmoid layer', () => {
    const encoder = buildDenseEncoder(spec([]), 5, 'sigmoid');
    const input = images();
    const closed = scalar(() => contractiveClosedForm(encoder.predict(input) as tf.Tensor, encoder.getWeights()[0]));
    const autodiff = scalar(() => contractivePenaltyByAutodiff((x) => encoder.apply(x) as tf.Tensor, input, LATENT));
    const product = scalar(() => contractivePenalty(steps(encoder, input, 'sigmoid')));
    expect(autodiff).toBeCloseTo(closed, 6);
    expect(product).toBeCloseTo(closed, 6);
    input.dispose();
    encoder.dispose();
  });

  // [6, 5] folds the first kernel in through its Gram matrix (6 < 16 inputs); [20, 4] multiplies it out.
  for (const [hiddenSizes, activation] of [
    [[6, 5], 'tanh'],
    [[20, 4], 'elu'],
    [[8], 'relu'],
    [[7, 6, 5], 'sigmoid'],
  ] as [number[], Activation][]) {
    it(`the layer-by-layer product equals autodiff through hidden layers [${hiddenSizes}] (${activation})`, () => {
      const encoder = buildDenseEncoder(spec(hiddenSizes, activation), 6, 'sigmoid');
      const input = images();
      const autodiff = scalar(() => contractivePenaltyByAutodiff((x) => encoder.apply(x) as tf.Tensor, input, LATENT));
      const product = scalar(() => contractivePenalty(steps(encoder, input, activation)));
      expect(autodiff).toBeGreaterThan(0);
      expect(product / autodiff).toBeCloseTo(1, 4);
      input.dispose();
      encoder.dispose();
    });
  }

  for (const activation of ['tanh', 'elu', 'relu'] as Activation[]) {
    it(`its gradient with respect to the weights matches finite differences through ${activation}, so it trains`, () => {
      const encoder = buildDenseEncoder(spec([6], activation), 7, 'sigmoid');
      const input = images();
      const kernels = encoder.layers
        .filter((layer) => layer.getClassName() === 'Dense')
        .map((layer) => layer.trainableWeights[0].read() as tf.Variable);
      const penalty = () => contractivePenalty(steps(encoder, input, activation));
      const { value, grads } = tf.variableGrads(penalty, kernels);
      value.dispose();
      const step = 1e-2;
      for (const kernel of kernels) {
        const analytic = grads[kernel.name].dataSync();
        const original = kernel.dataSync().slice();
        for (const entry of [0, 5, original.length - 1]) {
          const at = (delta: number) => {
            const moved = original.slice();
            moved[entry] += delta;
            tf.tidy(() => kernel.assign(tf.tensor(moved, kernel.shape)));
            return scalar(penalty);
          };
          const numeric = (at(step) - at(-step)) / (2 * step);
          tf.tidy(() => kernel.assign(tf.tensor(original, kernel.shape)));
          expect(analytic[entry]).toBeCloseTo(numeric, 3);
        }
      }
      // The check has teeth: some of the checked gradients are far from zero.
      expect(Math.max(...kernels.map((k) => Math.max(...Array.from(grads[k.name].dataSync()).map(Math.abs))))).toBeGreaterThan(1e-3);
      tf.dispose(grads);
      input.dispose();
      encoder.dispose();
    });
  }
});

describe('corruptImages', () => {
  const SHAPE = [64, 16, 16, 1] as const;
  const PIXELS = 64 * 16 * 16;
  const grey = () => tf.fill([...SHAPE], 0.5);

  function corrupted(type: NoiseType, level: number, seed: number, make = grey): { input: number[]; output: number[] } {
    return tf.tidy(() => {
      const images = make();
      const output = corruptImages(images, type, level, seed);
      return { input: Array.from(images.dataSync()), output: Array.from(output.dataSync()) };
    });
  }

  for (const type of ['gaussian', 'salt-pepper', 'masking'] as NoiseType[]) {
    it(`${type}: changes the copy, leaves the input alone, stays in [0, 1], and a seed reproduces it`, () => {
      const first = corrupted(type, 0.3, 11);
      expect(first.input.every((v) => v === 0.5)).toBe(true);
      expect(first.output.filter((v, i) => v !== first.input[i]).length).toBeGreaterThan(PIXELS * 0.1);
      expect(Math.min(...first.output)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...first.output)).toBeLessThanOrEqual(1);
      expect(corrupted(type, 0.3, 11).output).toEqual(first.output);
      expect(corrupted(type, 0.3, 12).output).not.toEqual(first.output);
    });
  }

  it('gaussian: the added noise has standard deviation = level', () => {
    const { output } = corrupted('gaussian', 0.1, 5);
    const deviations = output.map((v) => v - 0.5);
    const mean = deviations.reduce((a, b) => a + b, 0) / PIXELS;
    const std = Math.sqrt(deviations.reduce((a, b) => a + (b - mean) ** 2, 0) / PIXELS);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
  });

  it('masking: zeroes a fraction = level of the pixels, every channel of a pixel together', () => {
    for (const level of [0.1, 0.5]) {
      const { output } = corrupted('masking', level, 6);
      const dropped = output.filter((v) => v === 0).length / PIXELS;
      expect(dropped).toBeCloseTo(level, 1);
      expect(Math.abs(dropped - level)).toBeLessThan(0.02);
    }
    const colour = corrupted('masking', 0.4, 7, () => tf.fill([8, 8, 8, 3], 0.5)).output;
    for (let pixel = 0; pixel < colour.length; pixel += 3) {
      expect(new Set(colour.slice(pixel, pixel + 3)).size).toBe(1);
    }
  });

  it('salt-pepper: sets a fraction = level of the pixels to 0 or 1, about half each', () => {
    const { output } = corrupted('salt-pepper', 0.2, 8);
    const salt = output.filter((v) => v === 1).length / PIXELS;
    const pepper = output.filter((v) => v === 0).length / PIXELS;
    expect(Math.abs(salt + pepper - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(salt - pepper)).toBeLessThan(0.02);
    expect(output.every((v) => v === 0 || v === 1 || v === 0.5)).toBe(true);
  });

  it('the denoising loss feeds the corrupted image to the encoder and compares with the clean one', () => {
    const spec: AutoencoderSpec = {
      kind: 'denoising',
      inputShape: [8, 8, 1],
      hiddenSizes: [16],
      activation: 'relu',
      latentDim: 2,
      loss: 'bce',
      kindOptions: { noiseType: 'masking', noiseLevel: 0.5 },
    };
    const model = buildAutoencoder(spec, 1);
    const corrupt = model.corrupt;
    if (!corrupt) throw new Error('a denoising model corrupts');
    tf.tidy(() => {
      const clean = tf.randomUniform([6, 8, 8, 1], 0, 1, 'float32', 2);
      const cleanBefore = Array.from(clean.dataSync());
      const noisy = corrupt(clean, 9);
      const fromNoisy = model.decoder.predict(model.encoder.predict(noisy) as tf.Tensor) as tf.Tensor;
      const terms = model.lossTerms(clean, { seed: 9, training: false });
      const reconstruction = terms.reconstruction.dataSync()[0];
      expect(reconstruction).toBeCloseTo(reconstructionLoss('bce', clean, fromNoisy).dataSync()[0], 6);
      expect(reconstruction).not.toBeCloseTo(reconstructionLoss('bce', noisy, fromNoisy).dataSync()[0], 3);
      expect(Array.from(clean.dataSync())).toEqual(cleanBefore);
    });
    model.dispose();
  });
});
