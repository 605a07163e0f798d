// The WGSL step as the Trainer's engine on tfjs-webgpu in Node (Dawn over Vulkan, see
// tests/fixtures/tfjsWebgpuNode.ts): picked where it covers the model, the model's variables
// brought up to date before the Trainer runs it, weights and Adam state handed to and from tfjs
// autodiff exactly, and every GPU buffer and tensor freed, on a lost device too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../../src/lib/tf';
import { liveGpuBufferCount } from '../../src/engine/webgpu/gpuBuffers';
import { buildAutoencoder, type Autoencoder } from '../../src/model/build';
import type { AutoencoderSpec, ExperimentConfig } from '../../src/model/spec';
import { snapshotWeights } from '../../src/model/weights';
import { datasetImages } from '../../src/train/engines/datasetImages';
import { pickPreparedEngine } from '../../src/train/engines/pickEngine';
import { buildWgslEngine } from '../../src/train/engines/wgslEngine';
import { TfjsAutodiffEngine } from '../../src/train/engines/tfjsAutodiffEngine';
import type { EngineParts, TrainingEngine } from '../../src/train/engines/trainingEngine';
import { Trainer } from '../../src/train/trainer';
import { PATTERN_SHAPE, patternData } from '../fixtures/patternData';
import { registerTfjsWebgpu } from '../fixtures/tfjsWebgpuNode';
import { relativeError } from '../fixtures/wasmEngine';
import { webgpuRequired } from '../fixtures/webgpuNode';

const gpuOrReason = await registerTfjsWebgpu();
const ready = typeof gpuOrReason !== 'string';
if (!ready) {
  if (webgpuRequired()) throw new Error(`REQUIRE_WEBGPU is set but ${gpuOrReason}`);
  console.warn(`WGSL engine tests skipped: ${gpuOrReason}`);
}

const DATA = patternData(96, 16, 4);
const COUNT = DATA.images.length / (PATTERN_SHAPE[0] * PATTERN_SHAPE[1]);
const BATCH = 16;

function modelSpec(kind: AutoencoderSpec['kind'], loss: AutoencoderSpec['loss'] = 'bce'): AutoencoderSpec {
  return { kind, inputShape: PATTERN_SHAPE, hiddenSizes: [24], activation: 'relu', latentDim: 2, loss };
}

function config(kind: AutoencoderSpec['kind'] = 'basic', loss: AutoencoderSpec['loss'] = 'bce'): ExperimentConfig {
  return { spec: modelSpec(kind, loss), training: { learningRate: 0.01, batchSize: BATCH, epochs: 50, seed: 3 } };
}

/** An engine's parts for a fresh model, as the Trainer builds them. */
function partsFor(model: Autoencoder): EngineParts {
  const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((weight) => weight.read() as tf.Variable);
  return { model, variables, images: datasetImages(DATA.images, PATTERN_SHAPE, COUNT), pixels: DATA.images, imageCount: COUNT, batchSize: BATCH, learningRate: 0.01 };
}

/** The WGSL engine for `parts`, loaded from a tfjs autodiff engine's state (which it then frees). */
async function wgslEngine(parts: EngineParts): Promise<TrainingEngine> {
  const autodiff = new TfjsAutodiffEngine(parts);
  try {
    const offer = await pickPreparedEngine(parts, autodiff);
    if (!offer || !('engine' in offer)) throw new Error(`no WGSL engine: ${offer ? offer.unavailable : 'not applicable'}`);
    return offer.engine;
  } finally {
    autodiff.dispose();
  }
}

async function stepAndRead(engine: TrainingEngine, steps: number): Promise<Float32Array[]> {
  for (let i = 0; i < steps; i++) engine.stepDeferred(batchAt(i), 100 + i);
  return engine.readPendingTerms();
}

function batchAt(step: number): Int32Array {
  return Int32Array.from({ length: BATCH }, (_, i) => DATA.train[(step * BATCH + i) % DATA.train.length]);
}

/** The limits the step reads, copied off a device (GPUSupportedLimits does not spread). */
function limitsOf(device: GPUDevice) {
  const { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupStorageSize, maxComputeInvocationsPerWorkgroup, maxStorageBuffersPerShaderStage } = device.limits;
  return { maxStorageBufferBindingSize, maxBufferSize, maxComputeWorkgroupStorageSize, maxComputeInvocationsPerWorkgroup, maxStorageBuffersPerShaderStage };
}

function expectEqualSnapshots(got: { values: Float32Array[] }, want: { values: Float32Array[] }): void {
  expect(got.values.length).toBe(want.values.length);
  got.values.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(want.values[i])));
}

describe.skipIf(!ready)('WGSL engine on tfjs-webgpu', () => {
  let buffersBefore = 0;
  beforeAll(async () => {
    expect(await tf.setBackend('webgpu')).toBe(true);
    buffersBefore = liveGpuBufferCount();
  });
  afterAll(() => {
    expect(liveGpuBufferCount()).toBe(buffersBefore);
  });

  it('Trainer.create picks the WGSL step for a covered dense model on WebGPU, and its loss falls', async () => {
    const trainer = await Trainer.create(config('basic', 'bce'), DATA);
    try {
      expect(trainer.engineName).toBe('WGSL step');
      expect(trainer.engineNote).toBeNull();
      const totals: number[] = [];
      for (let round = 0; round < 6; round++) {
        for (let i = 0; i < 8; i++) trainer.trainStepDeferred();
        expect(trainer.unreadSteps).toBe(8);
        const read = await trainer.readPendingTerms();
        expect(read).toHaveLength(8);
        totals.push(...read.map((terms) => terms.total));
      }
      expect(trainer.unreadSteps).toBe(0);
      expect(totals.every(Number.isFinite)).toBe(true);
      const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
      expect(mean(totals.slice(-8))).toBeLessThan(0.8 * mean(totals.slice(0, 8)));
      // The model's layers see the trained weights: their held-out loss is the step's, not the start's.
      const heldOut = await trainer.evaluate(DATA.heldOut);
      expect(heldOut).toBeLessThan(0.9 * mean(totals.slice(0, 8)));
    } finally {
      trainer.dispose();
    }
  });

  it('reports every term of the sparse kind in the model\'s order, the penalty included', async () => {
    const trainer = await Trainer.create(config('sparse', 'mse'), DATA);
    try {
      expect(trainer.engineName).toBe('WGSL step');
      trainer.trainStepDeferred();
      const [terms] = await trainer.readPendingTerms();
      expect(Object.keys(terms)).toEqual(['reconstruction', 'sparsity', 'total']);
      expect(terms.sparsity).toBeGreaterThan(0);
      expect(terms.total).toBeCloseTo(terms.reconstruction + terms.sparsity, 5);
    } finally {
      trainer.dispose();
    }
  });

  it('models the step does not cover (variational) train with tfjs autodiff on WebGPU', async () => {
    const trainer = await Trainer.create(config('variational'), DATA);
    try {
      expect(trainer.engineName).toBe('tfjs autodiff');
      expect(Number.isFinite(await trainer.trainStep())).toBe(true);
    } finally {
      trainer.dispose();
    }
  });

  it('brings the model\'s variables up to date only when asked (syncModel), from the GPU, exactly', async () => {
    const model = buildAutoencoder(modelSpec('basic'), 5);
    const parts = partsFor(model);
    const engine = await wgslEngine(parts);
    try {
      const start = await snapshotWeights(model.decoder);
      await stepAndRead(engine, 4);
      // Steps leave the variables alone until the Trainer is about to run the model.
      expectEqualSnapshots(await snapshotWeights(model.decoder), start);
      const tensorsBefore = tf.memory().numTensors;
      engine.syncModel();
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      for (const network of ['encoder', 'decoder'] as const) {
        expectEqualSnapshots(await snapshotWeights(model[network]), await engine.exportWeights(network));
      }
      expect(relativeError((await snapshotWeights(model.decoder)).values[0], start.values[0])).toBeGreaterThan(1e-4);
    } finally {
      engine.dispose();
      parts.images.dispose();
      model.dispose();
    }
  });

  it('hands weights and Adam state to tfjs autodiff and back exactly, and both then take the same step', async () => {
    const model = buildAutoencoder(modelSpec('basic', 'mse'), 6);
    const parts = partsFor(model);
    const engine = await wgslEngine(parts);
    const otherModel = buildAutoencoder(modelSpec('basic', 'mse'), 99);
    const otherParts = partsFor(otherModel);
    const autodiff = new TfjsAutodiffEngine(otherParts);
    try {
      await stepAndRead(engine, 5);
      const state = { encoder: await engine.exportWeights('encoder'), decoder: await engine.exportWeights('decoder'), optimizer: await engine.exportOptimizer() };
      expect(state.optimizer.iterations).toBe(5);
      autodiff.importWeights('encoder', state.encoder);
      autodiff.importWeights('decoder', state.decoder);
      autodiff.importOptimizer(state.optimizer);
      expectEqualSnapshots(await autodiff.exportWeights('decoder'), state.decoder);
      const moved = await autodiff.exportOptimizer();
      expect(moved.iterations).toBe(5);
      expectEqualSnapshots(moved.firstMoments, state.optimizer.firstMoments);
      expectEqualSnapshots(moved.secondMoments, state.optimizer.secondMoments);

      // One more step on the same batch from the same state: the same loss, nearly the same weights.
      const [wgslTerms] = await stepAndRead(engine, 1);
      autodiff.stepDeferred(batchAt(0), 100);
      const [autodiffTerms] = await autodiff.readPendingTerms();
      expect(Math.abs(wgslTerms[1] - autodiffTerms[1])).toBeLessThan(1e-5 * Math.abs(autodiffTerms[1]));
      const wgslAfter = await engine.exportWeights('encoder');
      const autodiffAfter = await autodiff.exportWeights('encoder');
      wgslAfter.values.forEach((values, i) => expect(relativeError(values, autodiffAfter.values[i])).toBeLessThan(1e-3));

      // And back: the WGSL engine continues from what tfjs autodiff holds, bit for bit.
      engine.importWeights('encoder', autodiffAfter);
      engine.importOptimizer(await autodiff.exportOptimizer());
      expectEqualSnapshots(await engine.exportWeights('encoder'), autodiffAfter);
      const back = await engine.exportOptimizer();
      expect(back.iterations).toBe(6);
      expectEqualSnapshots(back.secondMoments, (await autodiff.exportOptimizer()).secondMoments);
    } finally {
      engine.dispose();
      autodiff.dispose();
      parts.images.dispose();
      otherParts.images.dispose();
      model.dispose();
      otherModel.dispose();
    }
  });

  it('refuses a snapshot that does not fit, leaving the weights as they were', async () => {
    const model = buildAutoencoder(modelSpec('basic'), 7);
    const parts = partsFor(model);
    const engine = await wgslEngine(parts);
    try {
      const before = await engine.exportWeights('encoder');
      const wrong = { shapes: before.shapes.map((shape) => shape.map((size) => size + 1)), values: before.values };
      expect(() => engine.importWeights('encoder', wrong)).toThrow(/does not fit/);
      expectEqualSnapshots(await engine.exportWeights('encoder'), before);
    } finally {
      engine.dispose();
      parts.images.dispose();
      model.dispose();
    }
  });

  it('offers no engine on a device that lacks a limit the step needs, and names the limit', async () => {
    const model = buildAutoencoder(modelSpec('basic'), 9);
    const parts = partsFor(model);
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    try {
      const offer = await buildWgslEngine(parts, { limits: { ...limitsOf(device), maxStorageBuffersPerShaderStage: 4 } });
      expect(offer).toEqual({ unavailable: 'the WGSL step cannot run here: the GPU\'s maxStorageBuffersPerShaderStage is 4, the WGSL step needs 6' });
      expect(liveGpuBufferCount()).toBe(buffersBefore);
    } finally {
      parts.images.dispose();
      model.dispose();
    }
  });

  it('frees every GPU buffer and tensor across 8 model switches, with steps and syncs in each', async () => {
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 8; i++) {
      const trainer = await Trainer.create(config(i % 2 === 0 ? 'basic' : 'sparse'), DATA);
      trainer.trainStepDeferred();
      await trainer.readPendingTerms();
      await trainer.encodeAll();
      trainer.dispose();
      expect(liveGpuBufferCount()).toBe(buffersBefore);
      expect(tf.memory().numTensors).toBe(tensors);
    }
  });

  // Last: it loses the device tfjs trains on.
  it('dispose frees every GPU buffer of the engine on a lost device', async () => {
    const model = buildAutoencoder(modelSpec('basic'), 8);
    const parts = partsFor(model);
    const engine = await wgslEngine(parts);
    engine.stepDeferred(batchAt(0), 1);
    expect(liveGpuBufferCount()).toBeGreaterThan(buffersBefore);
    (tf.backend() as unknown as { device: GPUDevice }).device.destroy();
    expect(() => engine.dispose()).not.toThrow();
    expect(liveGpuBufferCount()).toBe(buffersBefore);
  });
});
