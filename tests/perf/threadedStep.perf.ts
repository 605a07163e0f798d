// The dense step's gradients on one thread against the same step split by rows over a pool of
// worker_threads (engine/threads), default model and batch, wall clock, rounds alternated so a
// shared machine's load falls on both alike:
// `npx vitest run -c tests/perf/vitest.config.ts tests/perf/threadedStep.perf.ts` (THREADS=2, SLICES=2 per thread
// by default).
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, it } from 'vitest';
import { pixelsPerImage } from '../../src/data/dataset';
import { ChainPool } from '../../src/engine/threads/chainPool';
import { buildAutoencoder } from '../../src/model/build';
import type { AutoencoderSpec } from '../../src/model/spec';
import { planDenseChain } from '../../src/train/engines/denseChainPlan';
import { nodeHelpers, type NodeHelpers } from '../fixtures/nodeChainPool';
import { randomValues, useWasmEngine } from '../fixtures/wasmEngine';

useWasmEngine();
let helpers: NodeHelpers;
beforeAll(async () => {
  helpers = await nodeHelpers();
});
afterAll(() => helpers.cleanUp());

const SHAPE: [number, number, number] = [28, 28, 1];
const SPEC: AutoencoderSpec = { kind: 'basic', inputShape: SHAPE, hiddenSizes: [128, 32], activation: 'relu', latentDim: 2, loss: 'bce', kindOptions: {} };
const BATCH = 128;

it('times the default dense step on one thread and on the pool', async () => {
  const threads = Number(process.env.THREADS ?? 2);
  const model = buildAutoencoder(SPEC, 1);
  const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  const plan = planDenseChain(model, variables)!;
  const images = tf.tensor4d(randomValues(BATCH * pixelsPerImage(SHAPE), 2).map((v) => Math.abs(v)), [BATCH, ...SHAPE]);
  const pool = await ChainPool.start(threads - 1, plan.layers.length, helpers.spawn, Number(process.env.SLICES ?? 2));
  const stepsPerRound = 200;
  const time = (split: boolean) => {
    const started = performance.now();
    for (let i = 0; i < stepsPerRound; i++) tf.dispose(plan.gradients(images, images, split ? pool : undefined).gradients);
    return (performance.now() - started) / stepsPerRound;
  };
  time(false);
  time(true);
  const one: number[] = [];
  const many: number[] = [];
  for (let round = 0; round < 6; round++) {
    one.push(time(false));
    many.push(time(true));
  }
  const best = (values: number[]) => Math.min(...values);
  console.log(
    `batch ${BATCH}, ms per step (gradients only, best of 6 rounds of ${stepsPerRound}): one thread ${best(one).toFixed(2)}, ` +
      `${threads} threads ${best(many).toFixed(2)}, scaling ${(best(one) / best(many)).toFixed(2)}; ` +
      `medians ${[...one].sort((a, b) => a - b)[3].toFixed(2)} / ${[...many].sort((a, b) => a - b)[3].toFixed(2)}`,
  );
  pool.dispose();
  tf.dispose(images);
  model.dispose();
});

it('splits one thread’s step into its parallel part (the rows’ pass) and the rest, in CPU time', async () => {
  const { runChainRows } = await import('../../src/engine/chainRows');
  const { kernelModuleIfLoaded } = await import('../../src/engine/kernelModule');
  const kernels = kernelModuleIfLoaded()!;
  const model = buildAutoencoder(SPEC, 1);
  const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  const plan = planDenseChain(model, variables)!;
  const images = tf.tensor4d(randomValues(BATCH * pixelsPerImage(SHAPE), 2).map((v) => Math.abs(v)), [BATCH, ...SHAPE]);
  let inRows = 0;
  // Two slices run in turn on this thread: the step laid out as the pool does, with the rows' pass timed on its own.
  const runner = {
    kernels,
    slices: 2,
    run: (jobs: readonly import('../../src/engine/chainRows').ChainRowsJob[]) => {
      const started = process.cpuUsage();
      const sums = jobs.map((job) => runChainRows(kernels.exports, job).lossSum);
      const used = process.cpuUsage(started);
      inRows += (used.user + used.system) / 1000;
      return sums;
    },
  };
  const steps = 400;
  for (let i = 0; i < 50; i++) tf.dispose(plan.gradients(images, images, runner).gradients);
  inRows = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < steps; i++) tf.dispose(plan.gradients(images, images, runner).gradients);
  const used = process.cpuUsage(started);
  const total = (used.user + used.system) / 1000 / steps;
  console.log(`CPU ms per step: gradients ${total.toFixed(2)}, of which the rows' pass ${(inRows / steps).toFixed(2)} (parallel share ${(inRows / steps / total).toFixed(2)})`);
  tf.dispose(images);
  model.dispose();
});

it('times whole engine steps (Adam included): the resident engine on one thread and on the pool, and the tfjs-variables engine', async () => {
  const { DenseChainEngine } = await import('../../src/train/engines/denseChainEngine');
  const { buildThreadedChainEngine } = await import('../../src/train/engines/threadedChainEngine');
  const { datasetImages } = await import('../../src/train/engines/datasetImages');
  const threads = Number(process.env.THREADS ?? 2);
  const count = 2048;
  const pixels = Uint8Array.from({ length: count * pixelsPerImage(SHAPE) }, (_, i) => (i * 2654435761) >>> 24);
  const made: { model: { dispose(): void }; images: { dispose(): void } }[] = [];
  const partsFor = () => {
    const model = buildAutoencoder(SPEC, 1);
    const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
    const parts = { model, variables, images: datasetImages(pixels, SHAPE, count), pixels, imageCount: count, batchSize: BATCH, learningRate: 0.01 };
    made.push(parts);
    return parts;
  };
  const resident = async (threadCount: number) => {
    const offer = await buildThreadedChainEngine(partsFor(), { threads: threadCount, spawn: helpers.spawn });
    if (!offer || !('engine' in offer)) throw new Error('no resident engine');
    return offer.engine;
  };
  const tfjsParts = partsFor();
  const engines = {
    'tfjs-variables engine, 1 thread': new DenseChainEngine(tfjsParts, planDenseChain(tfjsParts.model, tfjsParts.variables)!),
    'resident, 1 thread': await resident(1),
    [`resident, ${threads} threads`]: await resident(threads),
  };
  const stepsPerRound = 100;
  const time = async (engine: (typeof engines)[keyof typeof engines]) => {
    const started = performance.now();
    for (let i = 0; i < stepsPerRound; i++) {
      engine.stepDeferred(Int32Array.from({ length: BATCH }, (_, j) => (i * BATCH + j) % count), i);
      if (i % 16 === 15) await engine.readPendingTerms();
    }
    await engine.readPendingTerms();
    return (performance.now() - started) / stepsPerRound;
  };
  const ms: Record<string, number[]> = {};
  for (const [name, engine] of Object.entries(engines)) {
    await time(engine);
    ms[name] = [];
  }
  for (let round = 0; round < 6; round++) for (const [name, engine] of Object.entries(engines)) ms[name].push(await time(engine));
  const best = (values: number[]) => Math.min(...values);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[3];
  const [tfjsName, oneName, manyName] = Object.keys(engines);
  console.log(
    `engine step, batch ${BATCH}, ms (best / median of 6 rounds of ${stepsPerRound}): ` +
      Object.keys(engines).map((name) => `${name} ${best(ms[name]).toFixed(2)} / ${median(ms[name]).toFixed(2)}`).join(', ') +
      `; thread scaling ${(best(ms[oneName]) / best(ms[manyName])).toFixed(2)} (best), ${(median(ms[oneName]) / median(ms[manyName])).toFixed(2)} (median); ` +
      `resident against tfjs-variables on one thread ${(best(ms[tfjsName]) / best(ms[oneName])).toFixed(2)}`,
  );
  for (const engine of Object.values(engines)) engine.dispose();
  for (const parts of made) {
    parts.images.dispose();
    parts.model.dispose();
  }
});
