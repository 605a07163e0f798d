// The dense chain's step split by rows between threads (engine/chainLayout.ts, engine/threads):
// the split and the gradient sum on one thread, then a real pool of Node worker_threads on one
// shared memory, each against the one-thread step on tfjs's wasm backend.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pixelsPerImage } from '../../src/data/dataset';
import { splitRows, type RowSplitRunner } from '../../src/engine/chainLayout';
import { runChainRows, type ChainRowsJob } from '../../src/engine/chainRows';
import { kernelModuleIfLoaded } from '../../src/engine/kernelModule';
import { ChainPool, type HelperSpawner } from '../../src/engine/threads/chainPool';
import { updateRanges } from '../../src/engine/updateJob';
import { sharedMemorySupported } from '../../src/engine/threads/sharedKernels';
import { buildAutoencoder } from '../../src/model/build';
import type { AutoencoderSpec, KindOptions, ReconstructionLoss } from '../../src/model/spec';
import { datasetImages } from '../../src/train/engines/datasetImages';
import { DenseChainEngine } from '../../src/train/engines/denseChainEngine';
import { planDenseChain, type ChainStep } from '../../src/train/engines/denseChainPlan';
import { buildThreadedChainEngine } from '../../src/train/engines/threadedChainEngine';
import type { EngineParts } from '../../src/train/engines/trainingEngine';
import { ModelInference } from '../../src/train/trainerInference';
import { threadLimitFromHash, threadLimitFromWorkerName, threadsFor, trainingWorkerName } from '../../src/train/engines/engineThreads';
import { nodeHelpers, type NodeHelpers } from '../fixtures/nodeChainPool';
import { patternData, PATTERN_SHAPE } from '../fixtures/patternData';
import { randomValues, relativeError, useWasmEngine } from '../fixtures/wasmEngine';

useWasmEngine();

function spec(kind: AutoencoderSpec['kind'], loss: ReconstructionLoss, activation: AutoencoderSpec['activation'], kindOptions: Partial<KindOptions> = {}): AutoencoderSpec {
  return { kind, inputShape: PATTERN_SHAPE, hiddenSizes: [24, 12], activation, latentDim: 3, loss, kindOptions };
}

const CASES: { label: string; spec: AutoencoderSpec }[] = [
  { label: 'basic, bce, relu', spec: spec('basic', 'bce', 'relu') },
  { label: 'basic, mse, elu', spec: spec('basic', 'mse', 'elu') },
  { label: 'basic, bce, tanh', spec: spec('basic', 'bce', 'tanh') },
  { label: 'denoising (dense), masking', spec: spec('denoising', 'mse', 'sigmoid', { body: 'dense', noiseType: 'masking', noiseLevel: 0.3 }) },
];

/** Every slice's job run in turn on this thread: the split and the sum without concurrency. */
function serialRunner(slices: number): RowSplitRunner {
  const kernels = kernelModuleIfLoaded();
  if (!kernels) throw new Error('kernels not loaded');
  return { kernels, slices, run: (jobs: readonly ChainRowsJob[]) => jobs.map((job) => runChainRows(kernels.exports, job).lossSum) };
}

/** One step's gradients and terms on one thread and with `threads`, same model, batch and seed. */
function bothWays(modelSpec: AutoencoderSpec, rows: number, threads: RowSplitRunner): { one: ChainStep; split: ChainStep } {
  const model = buildAutoencoder(modelSpec, 11);
  const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  const plan = planDenseChain(model, variables);
  if (!plan?.ready()) throw new Error('no plan');
  const pixels = randomValues(rows * pixelsPerImage(PATTERN_SHAPE), 3).map((v) => Math.min(1, Math.max(0, v * 0.8 + 0.5)));
  const images = tf.tensor4d(pixels, [rows, ...PATTERN_SHAPE]);
  const input = tf.tidy(() => (model.corrupt ? model.corrupt(images, 5) : images.clone()));
  const one = plan.gradients(input, images);
  const split = plan.gradients(input, images, threads);
  tf.dispose([images, input]);
  model.dispose();
  return { one, split };
}

function expectSame({ one, split }: { one: ChainStep; split: ChainStep }): void {
  for (const [name, value] of Object.entries(one.terms)) expect(Math.abs(split.terms[name] - value), name).toBeLessThan(1e-5 * Math.abs(value));
  one.gradients.forEach((gradient, i) => {
    const error = relativeError(split.gradients[i].dataSync() as Float32Array, gradient.dataSync() as Float32Array);
    expect(error, `variable ${i}`).toBeLessThan(1e-5);
  });
  tf.dispose([...one.gradients, ...split.gradients]);
}

describe('the thread count', () => {
  it('is both cores on 2, leaves one to the page above that, and keeps to a link’s limit', () => {
    expect([1, 2, 3, 4, 8, 64].map((cores) => threadsFor(cores, null))).toEqual([1, 2, 2, 3, 7, 8]);
    expect(threadsFor(2, 1)).toBe(1);
    expect(threadsFor(8, 2)).toBe(2);
  });

  it('reaches the training worker through its name, from the page’s hash', () => {
    expect(threadLimitFromHash('#kind=basic&threads=1')).toBe(1);
    expect(threadLimitFromHash('#threads=0')).toBeNull();
    expect(threadLimitFromHash('')).toBeNull();
    expect(threadLimitFromWorkerName(trainingWorkerName(3))).toBe(3);
    expect(threadLimitFromWorkerName(trainingWorkerName(null))).toBeNull();
  });
});

describe('the dense step split by rows', () => {
  it('gives each thread its share of the rows, the first ones one more', () => {
    expect(splitRows(128, 2)).toEqual([64, 64]);
    expect(splitRows(17, 3)).toEqual([6, 6, 5]);
  });

  for (const { label, spec: modelSpec } of CASES) {
    it(`sums the threads’ gradients to the one-thread step’s for ${label} (relative error < 1e-5)`, () => {
      expectSame(bothWays(modelSpec, 17, serialRunner(3)));
    });
  }

  it('is refused for a batch with fewer rows than slices (the one-thread step runs)', () => {
    const { one, split } = bothWays(CASES[0].spec, 2, serialRunner(3));
    one.gradients.forEach((gradient, i) => expect(split.gradients[i].dataSync()).toEqual(gradient.dataSync()));
    tf.dispose([...one.gradients, ...split.gradients]);
  });
});

describe('the update after a step, cut into ranges', () => {
  it('covers every parameter once, in ranges of whole vectors, one per thread', () => {
    for (const [floats, parts] of [[105_542, 2], [103, 3], [8, 4], [4, 2], [1_000_001, 7]]) {
      const ranges = updateRanges(floats, parts);
      expect(ranges.length).toBeLessThanOrEqual(parts);
      let next = 0;
      for (const { from, count } of ranges) {
        expect(from).toBe(next);
        expect(from % 4).toBe(0);
        expect(count).toBeGreaterThan(0);
        next = from + count;
      }
      expect(next).toBe(floats);
    }
  });
});

describe('the pool of worker threads on shared memory', () => {
  let helpers: NodeHelpers;
  beforeAll(async () => {
    helpers = await nodeHelpers();
  });
  afterAll(() => helpers.cleanUp());
  const spawnNodeHelper: HelperSpawner = () => helpers.spawn();

  it('runs in this Node (shared WebAssembly memory)', () => {
    expect(sharedMemorySupported()).toBe(true);
  });

  for (const [threads, slicesPerThread] of [[2, 1], [2, 2], [3, 3]]) {
    it(`gives the one-thread step’s gradients with ${threads} threads, ${slicesPerThread} slices each, step after step (relative error < 1e-5)`, async () => {
      const pool = await ChainPool.start(threads - 1, 6, spawnNodeHelper, slicesPerThread);
      try {
        expect(pool.threads).toBe(threads);
        expect(pool.slices).toBe(threads * slicesPerThread);
        for (const { spec: modelSpec } of CASES) expectSame(bothWays(modelSpec, 33, pool));
        // Batches of other sizes lay the memory out again.
        expectSame(bothWays(CASES[0].spec, 128, pool));
        expectSame(bothWays(CASES[1].spec, 5, pool));
      } finally {
        pool.dispose();
      }
    });
  }

  it('ends every helper on dispose', async () => {
    const before = helpers.workers.length;
    const pool = await ChainPool.start(2, 6, spawnNodeHelper);
    const mine = helpers.workers.slice(before);
    expect(mine).toHaveLength(2);
    expect(mine.some((entry) => entry.exited)).toBe(false);
    pool.dispose();
    await expect.poll(() => mine.every((entry) => entry.exited), { timeout: 5000 }).toBe(true);
    expect(() => pool.run([])).toThrow(/after dispose/);
  });
});

describe('the threaded engine in the Trainer’s place (weights and moments in the pool’s memory)', () => {
  let helpers: NodeHelpers;
  beforeAll(async () => {
    helpers = await nodeHelpers();
  });
  afterAll(() => helpers.cleanUp());

  const data = patternData(96, 0, 4);

  function partsFor(modelSpec: AutoencoderSpec): EngineParts {
    const model = buildAutoencoder(modelSpec, 21);
    const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
    const imageCount = data.images.length / pixelsPerImage(data.shape);
    return { model, variables, images: datasetImages(data.images, data.shape, imageCount), pixels: data.images, imageCount, batchSize: 32, learningRate: 0.01 };
  }

  function weightsOf(parts: EngineParts): Float32Array[] {
    return parts.variables.map((variable) => variable.dataSync() as Float32Array);
  }

  for (const { label, spec: modelSpec } of [CASES[0], CASES[3]]) {
    it(`follows the one-thread engine step for step for ${label}, and writes the variables only on syncModel`, async () => {
      const oneParts = partsFor(modelSpec);
      const poolParts = partsFor(modelSpec);
      const one = new DenseChainEngine(oneParts, planDenseChain(oneParts.model, oneParts.variables)!);
      const offer = await buildThreadedChainEngine(poolParts, { threads: 2, spawn: helpers.spawn });
      if (!offer || !('engine' in offer)) throw new Error(`no threaded engine: ${JSON.stringify(offer)}`);
      const threaded = offer.engine;
      expect(threaded.name).toBe('wasm dense step, 2 threads');
      const initial = weightsOf(poolParts);
      for (let step = 0; step < 12; step++) {
        const batch = Int32Array.from({ length: step === 11 ? 7 : 32 }, (_, i) => (step * 13 + i * 5) % 96);
        one.stepDeferred(batch, 100 + step);
        threaded.stepDeferred(batch, 100 + step);
      }
      const [oneTerms, threadedTerms] = [await one.readPendingTerms(), await threaded.readPendingTerms()];
      expect(threadedTerms).toHaveLength(12);
      threadedTerms.forEach((terms, step) => terms.forEach((value, i) => expect(Math.abs(value - oneTerms[step][i])).toBeLessThan(1e-4 * Math.abs(oneTerms[step][i]))));
      // Trained in the pool's memory: the variables wait for syncModel.
      weightsOf(poolParts).forEach((values, i) => expect(values).toEqual(initial[i]));
      threaded.syncModel();
      const want = weightsOf(oneParts);
      weightsOf(poolParts).forEach((values, i) => {
        expect(relativeError(values, initial[i]), `variable ${i} moved`).toBeGreaterThan(1e-3);
        expect(relativeError(values, want[i]), `variable ${i}`).toBeLessThan(1e-4);
      });
      const [oneState, threadedState] = [await one.exportOptimizer(), await threaded.exportOptimizer()];
      expect(threadedState.iterations).toBe(oneState.iterations);
      threadedState.firstMoments.values.forEach((values, i) => expect(relativeError(values, oneState.firstMoments.values[i])).toBeLessThan(1e-3));
      one.dispose();
      threaded.dispose();
      oneParts.model.dispose();
      poolParts.model.dispose();
    });
  }

  for (const { label, spec: modelSpec } of [CASES[0], CASES[1], CASES[3]]) {
    it(`evaluates and encodes on the pool as the model's layers do for ${label} (relative error < 1e-5)`, async () => {
      const parts = partsFor(modelSpec);
      const offer = await buildThreadedChainEngine(parts, { threads: 2, spawn: helpers.spawn });
      if (!offer || !('engine' in offer)) throw new Error('no threaded engine');
      const engine = offer.engine;
      for (let step = 0; step < 3; step++) engine.stepDeferred(Int32Array.from({ length: 32 }, (_, i) => (step * 29 + i * 3) % 96), step);
      engine.syncModel();
      const inference = new ModelInference(parts.model, modelSpec, parts.images, parts.imageCount, { evaluation: 5, view: 6 });
      // 77 images in passes split between two threads, the last slices uneven.
      const heldOut = Int32Array.from({ length: 80 }, (_, i) => (i * 7) % 96);
      const own = engine.evaluateTerms(heldOut, 77);
      if (parts.model.corrupt) {
        // The model corrupts what it evaluates: that is the model's to draw.
        expect(own).toBeNull();
      } else {
        const [got, want] = [await own, await inference.evaluateTerms(heldOut, 77)];
        expect(Object.keys(got!).sort()).toEqual(Object.keys(want).sort());
        for (const name of Object.keys(want)) expect(Math.abs(got![name] - want[name]), name).toBeLessThan(1e-5 * Math.abs(want[name]));
      }
      const codes = await engine.encodeAll();
      const wantCodes = await inference.encodeAll(1000);
      expect(codes).toHaveLength(96 * modelSpec.latentDim);
      expect(relativeError(codes!, wantCodes)).toBeLessThan(1e-5);
      engine.dispose();
      parts.images.dispose();
      parts.model.dispose();
    });
  }

  it('takes weights and Adam state in and gives them back as they were, and carries on from them', async () => {
    const parts = partsFor(CASES[1].spec);
    const offer = await buildThreadedChainEngine(parts, { threads: 2, spawn: helpers.spawn });
    if (!offer || !('engine' in offer)) throw new Error('no threaded engine');
    const engine = offer.engine;
    engine.stepDeferred(Int32Array.from({ length: 16 }, (_, i) => i), 1);
    const encoder = await engine.exportWeights('encoder');
    const decoder = await engine.exportWeights('decoder');
    const state = await engine.exportOptimizer();
    engine.stepDeferred(Int32Array.from({ length: 16 }, (_, i) => i + 16), 2);
    const [after] = await engine.readPendingTerms().then((terms) => terms.slice(1));
    engine.importWeights('encoder', encoder);
    engine.importWeights('decoder', decoder);
    engine.importOptimizer(state);
    expect(await engine.exportWeights('encoder')).toEqual(encoder);
    expect(await engine.exportOptimizer()).toEqual(state);
    engine.stepDeferred(Int32Array.from({ length: 16 }, (_, i) => i + 16), 2);
    const [again] = await engine.readPendingTerms();
    expect(again).toEqual(after);
    engine.dispose();
    parts.model.dispose();
  });

  it('is not offered for the sparse kind (its penalty needs the whole batch) or without cross-origin isolation', async () => {
    const sparse = partsFor(spec('sparse', 'bce', 'relu', { sparsityType: 'l1', sparsityWeight: 0.05 }));
    expect(await buildThreadedChainEngine(sparse, { threads: 2, spawn: helpers.spawn })).toBeNull();
    const basic = partsFor(CASES[0].spec);
    // A page served without COOP/COEP has no shared memory: the one-thread engine keeps training.
    vi.stubGlobal('crossOriginIsolated', false);
    try {
      expect(sharedMemorySupported()).toBe(false);
      expect(await buildThreadedChainEngine(basic, { threads: 2, spawn: helpers.spawn })).toBeNull();
    } finally {
      vi.unstubAllGlobals();
    }
    sparse.model.dispose();
    basic.model.dispose();
  });

  it('runs on one thread with no helpers, named as the one-thread engine, step for step with it', async () => {
    const oneParts = partsFor(CASES[1].spec);
    const poolParts = partsFor(CASES[1].spec);
    const one = new DenseChainEngine(oneParts, planDenseChain(oneParts.model, oneParts.variables)!);
    const workersBefore = helpers.workers.length;
    const offer = await buildThreadedChainEngine(poolParts, { threads: 1, spawn: helpers.spawn });
    if (!offer || !('engine' in offer)) throw new Error(`no one-thread resident engine: ${JSON.stringify(offer)}`);
    expect(offer.engine.name).toBe('wasm dense step');
    expect(helpers.workers.length).toBe(workersBefore);
    for (let step = 0; step < 5; step++) {
      const batch = Int32Array.from({ length: 32 }, (_, i) => (step * 11 + i * 3) % 96);
      one.stepDeferred(batch, step);
      offer.engine.stepDeferred(batch, step);
    }
    const [want, got] = [await one.readPendingTerms(), await offer.engine.readPendingTerms()];
    got.forEach((terms, step) => terms.forEach((value, i) => expect(Math.abs(value - want[step][i])).toBeLessThan(1e-4 * Math.abs(want[step][i]))));
    offer.engine.dispose();
    one.dispose();
    for (const parts of [oneParts, poolParts]) {
      parts.images.dispose();
      parts.model.dispose();
    }
  });

  it('ends its helpers and keeps tensor counts steady across model switches', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const workersBefore = helpers.workers.length;
    for (let round = 0; round < 4; round++) {
      const parts = partsFor(CASES[0].spec);
      const offer = await buildThreadedChainEngine(parts, { threads: 2, spawn: helpers.spawn });
      if (!offer || !('engine' in offer)) throw new Error('no threaded engine');
      offer.engine.stepDeferred(Int32Array.from({ length: 8 }, (_, i) => i), round);
      offer.engine.syncModel();
      await offer.engine.readPendingTerms();
      offer.engine.dispose();
      parts.images.dispose();
      parts.model.dispose();
    }
    const mine = helpers.workers.slice(workersBefore);
    expect(mine).toHaveLength(4);
    await expect.poll(() => mine.every((entry) => entry.exited), { timeout: 5000 }).toBe(true);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
