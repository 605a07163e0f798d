// The engine's hand-written dense gradients (engine/denseChain.ts through train/engines/denseChainPlan.ts)
// against tfjs autodiff of the same model's loss terms, on tfjs's wasm backend in Node.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { pixelsPerImage } from '../../src/data/dataset';
import { uninstallWasmKernels, installWasmKernels } from '../../src/engine/wasmKernels';
import { buildAutoencoder } from '../../src/model/build';
import type { AutoencoderSpec, ExperimentConfig, KindOptions, ReconstructionLoss } from '../../src/model/spec';
import { planDenseChain } from '../../src/train/engines/denseChainPlan';
import { Trainer } from '../../src/train/trainer';
import { patternData, PATTERN_SHAPE } from '../fixtures/patternData';
import { randomValues, relativeError, useWasmEngine } from '../fixtures/wasmEngine';

useWasmEngine();

type Activation = AutoencoderSpec['activation'];

function spec(kind: AutoencoderSpec['kind'], loss: ReconstructionLoss, activation: Activation, kindOptions: Partial<KindOptions> = {}): AutoencoderSpec {
  return { kind, inputShape: PATTERN_SHAPE, hiddenSizes: [24, 12], activation, latentDim: 3, loss, kindOptions };
}

const COVERED: { label: string; spec: AutoencoderSpec }[] = [
  { label: 'basic, bce, relu', spec: spec('basic', 'bce', 'relu') },
  { label: 'basic, mse, elu', spec: spec('basic', 'mse', 'elu') },
  { label: 'basic, bce, tanh', spec: spec('basic', 'bce', 'tanh') },
  { label: 'basic, mse, sigmoid', spec: spec('basic', 'mse', 'sigmoid') },
  { label: 'denoising (dense), gaussian', spec: spec('denoising', 'bce', 'relu', { body: 'dense', noiseType: 'gaussian', noiseLevel: 0.3 }) },
  { label: 'denoising (dense), masking', spec: spec('denoising', 'mse', 'relu', { body: 'dense', noiseType: 'masking', noiseLevel: 0.3 }) },
  { label: 'sparse, l1', spec: spec('sparse', 'bce', 'relu', { sparsityType: 'l1', sparsityWeight: 0.05 }) },
  { label: 'sparse, kl', spec: spec('sparse', 'bce', 'relu', { sparsityType: 'kl', sparsityWeight: 0.1, sparsityTarget: 0.2 }) },
];

const ROWS = 16;

describe('hand-written dense gradients', () => {
  for (const { label, spec: modelSpec } of COVERED) {
    it(`match tfjs autodiff for ${label} (relative error < 1e-4)`, () => {
      const model = buildAutoencoder(modelSpec, 11);
      const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
      const plan = planDenseChain(model, variables);
      expect(plan).not.toBeNull();
      expect(plan?.ready()).toBe(true);
      const tensorsBefore = tf.memory().numTensors;
      const seed = 7;
      // Pixels in [0, 1] with some exactly 0 and 1, as real images have.
      const pixels = randomValues(ROWS * pixelsPerImage(PATTERN_SHAPE), 3).map((v) => Math.min(1, Math.max(0, v * 0.8 + 0.5)));
      const images = tf.tensor4d(pixels, [ROWS, ...PATTERN_SHAPE]);
      const reference = tf.variableGrads(() => model.lossTerms(images, { seed, training: true }).total, variables);
      const referenceTerms = tf.tidy(() => {
        const terms = model.lossTerms(images, { seed, training: true });
        return Object.fromEntries(Object.entries(terms).map(([name, value]) => [name, value.dataSync()[0]]));
      });
      const input = tf.tidy(() => (model.corrupt ? model.corrupt(images, seed) : images.clone()));
      const fast = plan!.gradients(input, images);

      for (const [name, value] of Object.entries(referenceTerms)) {
        expect(Math.abs(fast.terms[name] - value), name).toBeLessThan(2e-6 * Math.abs(value) + 1e-9);
      }
      variables.forEach((variable, i) => {
        const error = relativeError(fast.gradients[i].dataSync() as Float32Array, reference.grads[variable.name].dataSync() as Float32Array);
        expect(error, variable.name).toBeLessThan(1e-4);
      });
      tf.dispose([images, input, reference.value, ...Object.values(reference.grads), ...fast.gradients]);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      model.dispose();
    });
  }

  it('are not used for kinds they do not cover: variational, contractive, conv bodies', () => {
    for (const uncovered of [
      spec('variational', 'bce', 'relu'),
      spec('contractive', 'bce', 'relu'),
      spec('convolutional', 'bce', 'relu', { convFilters: [4] }),
      spec('denoising', 'bce', 'relu', { body: 'conv', convFilters: [4] }),
    ]) {
      const model = buildAutoencoder(uncovered, 1);
      const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
      expect(planDenseChain(model, variables), uncovered.kind).toBeNull();
      model.dispose();
    }
  });
});

describe('the trainer on the hand-written path', () => {
  const data = patternData(96, 16, 5);
  const config = (modelSpec: AutoencoderSpec, epochs = 2): ExperimentConfig => ({
    spec: modelSpec,
    training: { learningRate: 0.01, batchSize: 16, epochs, seed: 3 },
  });

  it('takes a step in a handful of kernel calls instead of a hundred', async () => {
    const trainer = new Trainer(config(spec('basic', 'bce', 'relu')), data);
    await trainer.trainStep();
    const profile = await tf.profile(() => trainer.trainStepDeferred());
    expect(profile.kernels.length).toBeLessThan(30);
    await trainer.readPendingTerms();
    trainer.dispose();
  });

  it('repeats a seeded run exactly, with tensor counts steady across epochs', async () => {
    const run = async () => {
      const trainer = new Trainer(config(spec('denoising', 'bce', 'relu', { body: 'dense', noiseType: 'gaussian', noiseLevel: 0.2 }), 3), data);
      const losses: number[] = [];
      const counts: number[] = [];
      while (!trainer.finished) {
        losses.push(await trainer.trainStep());
        if (trainer.stepInEpoch === 0) counts.push(tf.memory().numTensors);
      }
      const state = await trainer.exportState();
      const weights = [...state.encoder.values, ...state.decoder.values];
      trainer.dispose();
      return { losses, counts, weights };
    };
    const first = await run();
    const second = await run();
    expect(second.losses).toEqual(first.losses);
    second.weights.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(first.weights[i])));
    expect(new Set(first.counts).size).toBe(1);
  });

  it("follows tfjs's own path step for step (losses within float32 rounding's drift)", async () => {
    const losses = async () => {
      const trainer = new Trainer(config(spec('basic', 'bce', 'relu'), 2), data);
      const values: number[] = [];
      while (!trainer.finished) values.push(await trainer.trainStep());
      trainer.dispose();
      return values;
    };
    const fast = await losses();
    uninstallWasmKernels();
    try {
      const reference = await losses();
      expect(fast.length).toBe(reference.length);
      fast.forEach((value, i) => expect(Math.abs(value - reference[i]), `step ${i}`).toBeLessThan(1e-3 * reference[i]));
    } finally {
      expect(await installWasmKernels()).toBe(true);
    }
  });
});
