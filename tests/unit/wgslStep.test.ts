// The WGSL training step (engine/webgpu) on a real WebGPU implementation in Node (Dawn over
// Vulkan; see tests/fixtures/webgpuNode.ts): its gradients against tfjs autodiff (CPU backend) of
// the model's own loss, its Adam against the tensor version, a seeded run repeated, and its GPU
// buffers freed across model switches.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelsPerImage } from '../../src/data/dataset';
import { liveGpuBufferCount } from '../../src/engine/webgpu/gpuBuffers';
import { compilePipeline, WgslCompileError, type ProductShader } from '../../src/engine/webgpu/pipelines';
import { unmetRequirement } from '../../src/engine/webgpu/requirements';
import type { WgslDenseSpec } from '../../src/engine/webgpu/spec';
import { WgslDenseStep } from '../../src/engine/webgpu/wgslDenseStep';
import { buildAutoencoder, type Autoencoder } from '../../src/model/build';
import { reconstructionLoss } from '../../src/model/losses';
import type { AutoencoderSpec, KindOptions, ReconstructionLoss } from '../../src/model/spec';
import { Adam } from '../../src/train/engines/adam';
import { planWgslStep } from '../../src/train/engines/wgslPlan';
import { PATTERN_SHAPE, patternData } from '../fixtures/patternData';
import { relativeError } from '../fixtures/wasmEngine';
import { openNodeGpu, webgpuRequired, type NodeGpu } from '../fixtures/webgpuNode';

const gpuOrReason = await openNodeGpu();
const gpu: NodeGpu | null = typeof gpuOrReason === 'string' ? null : gpuOrReason;
if (!gpu) {
  if (webgpuRequired()) throw new Error(`REQUIRE_WEBGPU is set but ${gpuOrReason}`);
  console.warn(`WGSL step tests skipped: ${gpuOrReason}`);
}

type Activation = AutoencoderSpec['activation'];
function modelSpec(kind: AutoencoderSpec['kind'], loss: ReconstructionLoss, activation: Activation, kindOptions: Partial<KindOptions> = {}): AutoencoderSpec {
  return { kind, inputShape: PATTERN_SHAPE, hiddenSizes: [24, 12], activation, latentDim: 3, loss, kindOptions };
}

const COVERED: { label: string; spec: AutoencoderSpec }[] = [];
for (const loss of ['bce', 'mse'] as const) {
  COVERED.push(
    { label: `basic, ${loss}, relu`, spec: modelSpec('basic', loss, 'relu') },
    { label: `basic, ${loss}, elu`, spec: modelSpec('basic', loss, 'elu') },
    { label: `basic, ${loss}, tanh`, spec: modelSpec('basic', loss, 'tanh') },
    { label: `basic, ${loss}, sigmoid`, spec: modelSpec('basic', loss, 'sigmoid') },
    { label: `denoising, ${loss}, gaussian`, spec: modelSpec('denoising', loss, 'relu', { body: 'dense', noiseType: 'gaussian', noiseLevel: 0.3 }) },
    { label: `denoising, ${loss}, masking`, spec: modelSpec('denoising', loss, 'relu', { body: 'dense', noiseType: 'masking', noiseLevel: 0.3 }) },
    { label: `denoising, ${loss}, salt-pepper`, spec: modelSpec('denoising', loss, 'elu', { body: 'dense', noiseType: 'salt-pepper', noiseLevel: 0.2 }) },
    { label: `sparse, ${loss}, l1`, spec: modelSpec('sparse', loss, 'relu', { sparsityType: 'l1', sparsityWeight: 0.05 }) },
    { label: `sparse, ${loss}, kl`, spec: modelSpec('sparse', loss, 'relu', { sparsityType: 'kl', sparsityWeight: 0.1, sparsityTarget: 0.2 }) },
  );
}

const ROWS = 16;
const DATA = patternData(48, 0, 5);
const PIXELS = pixelsPerImage(PATTERN_SHAPE);
const ADAM = { learningRate: 0.01, epsilon: 1e-7 };

function variablesOf(model: Autoencoder): tf.Variable[] {
  return [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((weight) => weight.read() as tf.Variable);
}

function flatten(variables: readonly tf.Variable[]): Float32Array<ArrayBuffer> {
  const flat = new Float32Array(variables.reduce((sum, variable) => sum + variable.size, 0));
  let at = 0;
  for (const variable of variables) {
    flat.set(variable.dataSync() as Float32Array, at);
    at += variable.size;
  }
  return flat;
}

/** The images at `indices` as the CPU path scales them. */
function imagesAt(indices: Int32Array): tf.Tensor4D {
  const values = new Float32Array(indices.length * PIXELS);
  indices.forEach((image, row) => {
    for (let p = 0; p < PIXELS; p++) values[row * PIXELS + p] = DATA.images[image * PIXELS + p] / 255;
  });
  return tf.tensor4d(values, [indices.length, ...PATTERN_SHAPE]);
}

async function makeStep(model: Autoencoder, maxRows = ROWS, products?: ProductShader): Promise<{ step: WgslDenseStep; spec: WgslDenseSpec }> {
  const spec = planWgslStep(model, variablesOf(model), ADAM, maxRows);
  if (!spec) throw new Error(`${model.spec.kind} is not covered`);
  const step = await WgslDenseStep.create(gpu!.device, spec, { pixels: DATA.images as Uint8Array<ArrayBuffer>, count: DATA.images.length / PIXELS }, { products });
  step.writeParameters(flatten(variablesOf(model)));
  return { step, spec };
}

const BATCH = Int32Array.from({ length: ROWS }, (_, i) => (i * 7 + 3) % 48);

describe.skipIf(!gpu)(`WGSL training step on ${gpu?.adapter ?? 'no adapter'}`, () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(() => {
    expect(liveGpuBufferCount()).toBe(0);
  });

  // Both product shaders on every case: the device picks one, the other must be right too.
  for (const products of ['tiled', 'direct'] as const) for (const { label, spec } of COVERED) {
    it(`gradients match tfjs autodiff for ${label}, ${products} products (relative error < 1e-4)`, async () => {
      const model = buildAutoencoder(spec, 11);
      const variables = variablesOf(model);
      const { step } = await makeStep(model, ROWS, products);
      const seed = 1234567;
      step.writeOrder(BATCH);
      step.gradientsOnly(0, ROWS, seed);
      const [terms] = await step.readTerms();
      const gradients = await step.readGradients();
      const input = await step.readInput(ROWS);
      step.dispose();

      const images = imagesAt(BATCH);
      // The denoising kind's objective with the noise the GPU drew (its own stream, not tfjs's);
      // every other kind's objective is the model's own lossTerms.
      const objective =
        spec.kind === 'denoising'
          ? () => {
              const noisy = tf.tensor4d(input, [ROWS, ...PATTERN_SHAPE]);
              return reconstructionLoss(spec.loss, images, model.decoder.apply(model.encoder.apply(noisy)) as tf.Tensor);
            }
          : () => model.lossTerms(images, { seed, training: true }).total;
      const reference = tf.variableGrads(objective, variables);
      const total = reference.value.dataSync()[0];
      expect(Math.abs(terms.total - total)).toBeLessThan(1e-5 * Math.abs(total) + 1e-7);
      let at = 0;
      for (const variable of variables) {
        const got = gradients.subarray(at, at + variable.size);
        at += variable.size;
        expect(relativeError(got, reference.grads[variable.name].dataSync() as Float32Array), variable.name).toBeLessThan(1e-4);
      }
      tf.dispose([images, reference.value, ...Object.values(reference.grads)]);
      model.dispose();
    });
  }

  it('draws noise of the kind and level asked for, repeatably from the seed', async () => {
    const model = buildAutoencoder(modelSpec('denoising', 'bce', 'relu', { body: 'dense', noiseType: 'gaussian', noiseLevel: 0.3 }), 3);
    const { step } = await makeStep(model);
    step.writeOrder(BATCH);
    const draws: Float32Array[] = [];
    for (const seed of [9, 9, 10]) {
      step.gradientsOnly(0, ROWS, seed);
      draws.push(await step.readInput(ROWS));
    }
    await step.readTerms();
    step.dispose();
    model.dispose();
    expect(draws[1]).toEqual(draws[0]);
    expect(draws[2]).not.toEqual(draws[0]);
    // Where the clean pixel is mid-grey no clip applies: the noise's own spread shows.
    const clean = imagesAt(BATCH);
    const pixels = clean.dataSync();
    clean.dispose();
    const noise = [...draws[0]].map((value, i) => value - pixels[i]).filter((_, i) => pixels[i] > 0.05 && pixels[i] < 0.95 && draws[0][i] > 0 && draws[0][i] < 1);
    expect(noise.length).toBeGreaterThan(10);
    const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
    expect(Math.abs(mean)).toBeLessThan(0.2);
  });

  it('updates like the tensor Adam (within 1e-6), from restored moments', async () => {
    const model = buildAutoencoder(modelSpec('basic', 'bce', 'relu'), 4);
    const variables = variablesOf(model);
    const { step } = await makeStep(model);
    const size = step.parameterCount;
    const first = Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 1e-3);
    const second = Float32Array.from({ length: size }, (_, i) => (1 + Math.cos(i)) * 1e-6);
    step.writeOptimizer(first, second, 5);
    step.writeOrder(BATCH);
    step.gradientsOnly(0, ROWS, 1);
    const gradients = await step.readGradients();
    step.step(0, ROWS, 1);
    await step.readTerms();
    const weights = await step.readParameters();
    const moments = await step.readOptimizer();
    step.dispose();
    expect(moments.iterations).toBe(6);

    const adam = new Adam(variables, ADAM.learningRate);
    const split = (flat: Float32Array) => {
      let at = 0;
      return variables.map((variable) => {
        const part = flat.slice(at, at + variable.size);
        at += variable.size;
        return part;
      });
    };
    const shapes = variables.map((variable) => [...variable.shape]);
    adam.importState({ iterations: 5, firstMoments: { shapes, values: split(first) }, secondMoments: { shapes, values: split(second) } });
    adam.applyGradients(split(gradients).map((values, i) => tf.tensor(values, variables[i].shape)));
    const state = await adam.exportState();
    const want = { weights: flatten(variables), first: concat(state.firstMoments.values), second: concat(state.secondMoments.values) };
    adam.dispose();
    model.dispose();
    for (const [name, got] of [['weights', weights], ['first', moments.first], ['second', moments.second]] as const) {
      const expected = want[name];
      let worst = 0;
      got.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - expected[i]) / Math.max(Math.abs(expected[i]), 1e-6))));
      expect(worst, name).toBeLessThan(1e-6);
    }
  });

  it('repeats a seeded run bit for bit', async () => {
    const spec = modelSpec('denoising', 'bce', 'relu', { body: 'dense', noiseType: 'masking', noiseLevel: 0.3 });
    const runs: { losses: number[]; weights: Float32Array }[] = [];
    for (let run = 0; run < 2; run++) {
      const model = buildAutoencoder(spec, 21);
      const { step } = await makeStep(model);
      step.writeOrder(Int32Array.from({ length: 48 }, (_, i) => (i * 5) % 48));
      for (let s = 0; s < 12; s++) step.step((s % 3) * ROWS, ROWS, 100 + s);
      const losses = (await step.readTerms()).map((terms) => terms.total);
      runs.push({ losses, weights: await step.readParameters() });
      step.dispose();
      model.dispose();
    }
    expect(runs[1].losses).toEqual(runs[0].losses);
    expect(runs[1].weights).toEqual(runs[0].weights);
    expect(runs[0].losses[11]).toBeLessThan(runs[0].losses[0]);
  });

  it('frees its GPU buffers: the count stays steady across 20 model switches', async () => {
    const before = liveGpuBufferCount();
    for (let i = 0; i < 20; i++) {
      const model = buildAutoencoder(COVERED[i % COVERED.length].spec, i);
      const { step } = await makeStep(model);
      step.writeOrder(BATCH);
      step.step(0, ROWS, i);
      step.step(0, ROWS - 3, i); // a second batch size makes a second plan
      await step.readTerms();
      await step.readParameters();
      step.dispose();
      model.dispose();
      expect(liveGpuBufferCount()).toBe(before);
    }
  });

  it('gives the weights back as the networks\' snapshots', async () => {
    const model = buildAutoencoder(modelSpec('sparse', 'bce', 'relu'), 8);
    const { step } = await makeStep(model);
    const split = step.splitWeights(await step.readParameters());
    step.dispose();
    for (const network of ['encoder', 'decoder'] as const) {
      const weights = model[network].getWeights();
      expect(split[network].shapes).toEqual(weights.map((weight) => weight.shape));
      split[network].values.forEach((values, i) => expect(values).toEqual(weights[i].dataSync()));
    }
    model.dispose();
  });
  it('keeps steps taken while the loss is being read for the next read', async () => {
    const model = buildAutoencoder(modelSpec('basic', 'mse', 'relu'), 2);
    const { step } = await makeStep(model);
    step.writeOrder(BATCH);
    for (let i = 0; i < 3; i++) step.step(0, ROWS, i);
    const first = step.readTerms();
    for (let i = 0; i < 2; i++) step.step(0, ROWS, i);
    expect(step.unreadSteps).toBe(2);
    expect((await first).length).toBe(3);
    const second = await step.readTerms();
    expect(second.length).toBe(2);
    // Each step's loss is its batch's before its own update: the same batch, so it falls.
    expect(second[1].total).toBeLessThan((await first)[0].total);
    expect(await step.readTerms()).toEqual([]);
    step.dispose();
    model.dispose();
  });

  it('reports a shader the compiler refuses with the compiler\'s message', async () => {
    const refused = compilePipeline(gpu!.device, 'broken', '@compute @workgroup_size(1) fn main() { let x: f32 = 1u; }');
    await expect(refused).rejects.toBeInstanceOf(WgslCompileError);
    await expect(refused).rejects.toThrow(/broken.*did not compile: .+/);
  });

  it('says which limit a device lacks rather than failing later', async () => {
    const model = buildAutoencoder(modelSpec('basic', 'bce', 'relu'), 1);
    const spec = planWgslStep(model, variablesOf(model), ADAM, ROWS)!;
    model.dispose();
    const { limits } = gpu!.device;
    const small = {
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: 1024,
      maxBufferSize: limits.maxBufferSize,
    };
    expect(unmetRequirement(small, spec, 48)).toMatch(/maxStorageBufferBindingSize is 1024/);
    expect(unmetRequirement(gpu!.device.limits, spec, 48)).toBeNull();
  });
  it('follows tfjs autodiff with the tensor Adam step for step over 30 steps (losses within 1e-3)', async () => {
    const spec = modelSpec('sparse', 'bce', 'relu', { sparsityType: 'kl', sparsityWeight: 0.1, sparsityTarget: 0.2 });
    const model = buildAutoencoder(spec, 31);
    const variables = variablesOf(model);
    const { step } = await makeStep(model);
    const order = Int32Array.from({ length: 48 }, (_, i) => (i * 11) % 48);
    step.writeOrder(order);
    for (let s = 0; s < 30; s++) step.step((s % 3) * ROWS, ROWS, s);
    const gpuLosses = (await step.readTerms()).map((terms) => terms.total);
    step.dispose();

    const adam = new Adam(variables, ADAM.learningRate);
    const cpuLosses: number[] = [];
    for (let s = 0; s < 30; s++) {
      const images = imagesAt(order.subarray((s % 3) * ROWS, (s % 3 + 1) * ROWS));
      const loss = adam.minimize(() => model.lossTerms(images, { seed: s, training: true }).total);
      cpuLosses.push(loss.dataSync()[0]);
      tf.dispose([images, loss]);
    }
    adam.dispose();
    model.dispose();
    gpuLosses.forEach((value, i) => expect(Math.abs(value - cpuLosses[i]), `step ${i}`).toBeLessThan(1e-3 * Math.abs(cpuLosses[i])));
    expect(gpuLosses[29]).toBeLessThan(gpuLosses[0]);
  });
});

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
