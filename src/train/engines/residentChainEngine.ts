// The dense chain's step on a pool of threads, with the weights and Adam's moments kept in the
// pool's shared memory rather than in tfjs variables. Why: split by rows, the products take half
// the time on two threads, but the one-thread engine's other work per step (copying every weight
// in, every gradient out to tensors, and Adam's four copies in and three out per variable) stayed
// serial and held two threads to about 1.2x. Here a step gathers its batch from the dataset's
// bytes kept in the pool's memory; the gradient sum and Adam run on the flat blocks, split between
// the threads too; the model's variables are written when the Trainer asks (`syncModel`), as the
// WGSL engine does. The held-out figures and the map's codes run on the pool as well, since at
// 20,000 images a second an epoch of 9,000 takes half a second, and a one-thread evaluation after
// each had taken a tenth of the time.
import * as tf from '../../lib/tf';
import { gradientRun, runSplitRows, type ChainOperands, type ThreadLayout } from '../../engine/chainLayout';
import { JOB_FORWARD, JOB_LOSS, JOB_TRAIN } from '../../engine/chainRows';
import { JOB_UPDATE, runUpdateJob, updateRanges, type UpdateJob } from '../../engine/updateJob';
import type { ChainLoss } from '../../engine/chainTypes';
import type { ChainPool } from '../../engine/threads/chainPool';
import { copyIn, type WasmBackendLike } from '../../engine/wasmHeap';
import { applyWeights, snapshotWeights, type WeightSnapshot } from '../../model/weights';
import { ADAM_BETA1, ADAM_BETA2, assertOptimizerFits } from './adam';
import type { MappedLayer } from './denseChainPlan';
import type { EngineParts, NetworkName, OptimizerState, TrainingEngine } from './trainingEngine';
import type { TermValues } from '../trainerState';

/**
 * Images per pass of an evaluation or an encoding, as the model's own inference batches: bounds
 * the scratch (about 9 KB a row for the default model, every layer's outputs and deltas).
 */
const INFERENCE_ROWS = 1000;
/** The terms this engine trains, and so the only ones it can evaluate. */
const OWN_TERMS = new Set(['reconstruction', 'total']);

/** What the engine needs of the chain: its layers in the trainer's variables, and its loss. */
export interface ResidentChain {
  readonly layers: readonly MappedLayer[];
  readonly loss: ChainLoss;
}

export class ResidentChainEngine implements TrainingEngine {
  readonly name: string;
  private readonly variables: readonly tf.Variable[];
  /**
   * The weights and Adam's two moments, each one block laid out like a slice's gradient run
   * (chainLayout.ts `gradientRun`), so the update after a step runs over whole ranges of it.
   */
  private readonly blocks: { weights: number; first: number; second: number; floats: number };
  /** Byte offsets of each variable's weights and moments in the pool's memory (trainer's order). */
  private readonly weightsAt: number[];
  private readonly firstAt: number[];
  private readonly secondAt: number[];
  /** Whether the update after a step runs on the pool's threads (else on this one). */
  private readonly updateOnPool: boolean;
  /** The dataset's bytes in the pool's memory. */
  private readonly pixelsAt: number;
  /** The chain's layers that are the encoder's: its output is the code. */
  private readonly encoderLayers: number;
  /** Where each step's scratch starts: everything before it lives as long as the engine. */
  private readonly stepStart: number;
  private readonly epsilon: number;
  /** Values per row at each layer boundary: the input's, then each layer's units. */
  private readonly widths: number[];
  private iterations = 0;
  private pending: Float32Array[] = [];
  /** Whether steps ran since the model's variables were last written. */
  private modelStale = false;
  private disposed = false;

  constructor(
    private readonly parts: EngineParts,
    private readonly chain: ResidentChain,
    private readonly pool: ChainPool,
  ) {
    // One thread reads as the one-thread engine does: the Backend line counts threads only when there are several.
    this.name = pool.threads > 1 ? `wasm dense step, ${pool.threads} threads` : 'wasm dense step';
    this.variables = parts.variables;
    const kernelShapes = chain.layers.map((layer) => parts.variables[layer.kernelIndex].shape as [number, number]);
    this.widths = [kernelShapes[0][0], ...kernelShapes.map(([, units]) => units)];
    const kernels = pool.kernels;
    kernels.reset();
    const run = gradientRun(this.widths, chain.layers.map((layer) => layer.biasIndex !== null));
    // Where each variable sits in a run, in floats: every variable is one layer's kernel or bias.
    const inRun: number[] = new Array(this.variables.length).fill(-1);
    chain.layers.forEach((layer, index) => {
      inRun[layer.kernelIndex] = run.pieces[index].kernel;
      if (layer.biasIndex !== null) inRun[layer.biasIndex] = run.pieces[index].bias;
    });
    if (inRun.some((at) => at < 0)) throw new Error('resident chain: a trained variable is no layer of the chain');
    this.blocks = { weights: kernels.allocFloats(run.floats), first: kernels.allocFloats(run.floats), second: kernels.allocFloats(run.floats), floats: run.floats };
    this.weightsAt = inRun.map((at) => this.blocks.weights + at * 4);
    this.firstAt = inRun.map((at) => this.blocks.first + at * 4);
    this.secondAt = inRun.map((at) => this.blocks.second + at * 4);
    this.updateOnPool = pool.threads > 1 && pool.updateFits();
    // The dataset's bytes once, so each step gathers and scales its batch in the kernels (SIMD)
    // rather than in JS, and the map's codes come from the same memory.
    this.pixelsAt = kernels.alloc(parts.pixels.length);
    new Uint8Array(kernels.exports.memory.buffer, this.pixelsAt, parts.pixels.length).set(parts.pixels);
    const encoderVariables = parts.model.encoder.trainableWeights.length;
    this.encoderLayers = chain.layers.filter((layer) => layer.kernelIndex < encoderVariables).length;
    this.stepStart = kernels.allocFloats(0);
    const floats = kernels.floats();
    floats.fill(0, this.blocks.weights / 4, this.blocks.weights / 4 + run.floats);
    floats.fill(0, this.blocks.first / 4, this.blocks.first / 4 + run.floats);
    floats.fill(0, this.blocks.second / 4, this.blocks.second / 4 + run.floats);
    this.loadWeightsFromModel();
    // The same epsilon the tensor Adam takes from the backend.
    this.epsilon = tf.backend().epsilon();
  }

  get threads(): number {
    return this.pool.threads;
  }

  stepDeferred(batch: Int32Array, seed: number): void {
    if (this.disposed) throw new Error('engine used after dispose()');
    const kernels = this.pool.kernels;
    kernels.rewind(this.stepStart);
    const widths = this.widths;
    const { inputAt, targetAt } = this.placeBatch(batch, seed, widths[0]);
    const operands = this.operands(this.chain.layers.length, batch.length, inputAt, targetAt);
    const { lossSum, layouts } = runSplitRows(operands, this.pool, JOB_TRAIN);
    this.update(layouts.map((layout) => layout.gradientsAt));
    const reconstruction = Math.fround(lossSum / (batch.length * widths[widths.length - 1]));
    const values: Record<string, number> = { reconstruction, total: reconstruction };
    this.pending.push(Float32Array.from(this.parts.model.termNames, (name) => values[name]));
    this.modelStale = true;
  }

  /** The batch (and the encoder's input where the model corrupts it) in the pool's memory. */
  private placeBatch(batch: Int32Array, seed: number, pixelsPerImage: number): { inputAt: number; targetAt: number } {
    const kernels = this.pool.kernels;
    const { model, images } = this.parts;
    if (model.corrupt) {
      // The denoising kind's noise is drawn by the model, as on every other engine.
      const corrupt = model.corrupt;
      return tf.tidy(() => {
        const backend = tf.backend() as unknown as WasmBackendLike;
        const clean = images.at(batch);
        const input = corrupt(clean, seed);
        return { inputAt: copyIn(kernels, backend, input), targetAt: copyIn(kernels, backend, clean) };
      });
    }
    const at = this.gatherImages(batch, pixelsPerImage);
    return { inputAt: at, targetAt: at };
  }

  /** The images at `indices`, scaled to [0, 1] in the pool's memory (the same values as every other engine's batches). */
  private gatherImages(indices: Int32Array, pixelsPerImage: number): number {
    const kernels = this.pool.kernels;
    const indicesAt = kernels.alloc(indices.length * 4);
    new Int32Array(kernels.exports.memory.buffer, indicesAt, indices.length).set(indices);
    const at = kernels.allocFloats(indices.length * pixelsPerImage);
    kernels.exports.gatherScaledBytes(this.pixelsAt, indicesAt, indices.length, pixelsPerImage, at);
    return at;
  }

  /**
   * The first `layerCount` layers' forward pass (and the loss, for JOB_LOSS) over the images at
   * `indices`, split between the pool's threads like a step. The layouts stay valid until the
   * next step or pass.
   */
  private forwardRows(indices: Int32Array, layerCount: number, mode: number): { lossSum: number; layouts: ThreadLayout[] } {
    if (this.disposed) throw new Error('engine used after dispose()');
    this.pool.kernels.rewind(this.stepStart);
    const inputAt = this.gatherImages(indices, this.widths[0]);
    return runSplitRows(this.operands(layerCount, indices.length, inputAt, inputAt), this.pool, mode);
  }

  /** The first `layerCount` layers on the resident weights, for `rows` rows already placed at `inputAt` (targets at `targetAt`). */
  private operands(layerCount: number, rows: number, inputAt: number, targetAt: number): ChainOperands {
    const layers = this.chain.layers.slice(0, layerCount);
    return {
      widths: this.widths.slice(0, layerCount + 1),
      activations: layers.map((layer) => layer.activation),
      loss: this.chain.loss,
      rows,
      inputAt,
      targetAt,
      kernelsAt: layers.map((layer) => this.weightsAt[layer.kernelIndex]),
      biasesAt: layers.map((layer) => (layer.biasIndex === null ? -1 : this.weightsAt[layer.biasIndex])),
    };
  }

  /**
   * Mean loss terms over the first `maxCount` of `indices`, on the pool: the held-out figures at
   * every epoch's end took 35-45 ms through the model's layers on one thread, a tenth of the
   * training time on two threads when epochs are short. Null (the Trainer asks the model) where
   * the model's figures are not this chain's loss alone: a corrupted input, or other terms.
   */
  evaluateTerms(indices: Int32Array, maxCount: number): Promise<TermValues> | null {
    const { model } = this.parts;
    const chosen = indices.subarray(0, Math.max(0, Math.min(maxCount, indices.length)));
    if (model.corrupt || chosen.length === 0 || !model.termNames.every((name) => OWN_TERMS.has(name))) return null;
    let lossSum = 0;
    for (let start = 0; start < chosen.length; start += INFERENCE_ROWS) {
      lossSum += this.forwardRows(chosen.subarray(start, start + INFERENCE_ROWS), this.chain.layers.length, JOB_LOSS).lossSum;
    }
    const mean = Math.fround(lossSum / (chosen.length * this.widths[this.widths.length - 1]));
    return Promise.resolve(Object.fromEntries(model.termNames.map((name) => [name, mean])));
  }

  /**
   * Every image's code (row i = image i), on the pool: the map's refresh took about 200 ms through
   * the encoder's layers on one thread. Null where the chain holds no encoder layer.
   */
  encodeAll(): Promise<Float32Array> | null {
    if (this.encoderLayers === 0) return null;
    const latent = this.widths[this.encoderLayers];
    const { imageCount } = this.parts;
    const codes = new Float32Array(imageCount * latent);
    for (let start = 0; start < imageCount; start += INFERENCE_ROWS) {
      const count = Math.min(INFERENCE_ROWS, imageCount - start);
      const indices = Int32Array.from({ length: count }, (_, i) => start + i);
      const { layouts } = this.forwardRows(indices, this.encoderLayers, JOB_FORWARD);
      const floats = this.pool.kernels.floats();
      let row = start;
      for (const { job } of layouts) {
        const at = job.layers[job.layers.length - 1].outputAt / 4;
        codes.set(floats.subarray(at, at + job.rows * latent), row * latent);
        row += job.rows;
      }
    }
    return Promise.resolve(codes);
  }

  /**
   * The slices' gradient runs (`runsAt`, in slice order) summed into the first, and Adam (adam.ts's
   * constants, the engine's fused kernel) over the flat blocks: in ranges on the pool's threads.
   */
  private update(runsAt: readonly number[]): void {
    this.iterations += 1;
    const firstCorrection = 1 - ADAM_BETA1 ** this.iterations;
    const secondRoot = Math.sqrt(1 - ADAM_BETA2 ** this.iterations);
    const [sumAt, ...othersAt] = runsAt;
    const jobs: UpdateJob[] = updateRanges(this.blocks.floats, this.pool.threads).map(({ from, count }) => ({
      mode: JOB_UPDATE,
      from,
      count,
      sumAt,
      othersAt,
      weightsAt: this.blocks.weights,
      firstAt: this.blocks.first,
      secondAt: this.blocks.second,
      beta1: ADAM_BETA1,
      beta2: ADAM_BETA2,
      stepSize: (this.parts.learningRate * secondRoot) / firstCorrection,
      epsilon: this.epsilon * secondRoot,
    }));
    if (jobs.length > 1 && this.updateOnPool) this.pool.run(jobs);
    else for (const job of jobs) runUpdateJob(this.pool.kernels.exports, job);
  }

  get unreadSteps(): number {
    return this.pending.length;
  }

  readPendingTerms(): Promise<Float32Array[]> {
    const pending = this.pending;
    this.pending = [];
    return Promise.resolve(pending);
  }

  /** Write the flat weights into the model's variables if steps ran since the last time. */
  syncModel(): void {
    if (!this.modelStale) return;
    const floats = this.pool.kernels.floats();
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        const at = this.weightsAt[i] / 4;
        variable.assign(tf.tensor(floats.slice(at, at + variable.size), variable.shape, 'float32'));
      });
    });
    this.modelStale = false;
  }

  private loadWeightsFromModel(): void {
    const floats = this.pool.kernels.floats();
    this.variables.forEach((variable, i) => floats.set(variable.dataSync() as Float32Array, this.weightsAt[i] / 4));
  }

  /**
   * Straight from the flat buffers where every weight of the network is one of the trained
   * variables (the dense chains): no tensors made and read, which had cost about 10 ms a state at
   * every epoch's end and every decoder snapshot. Through the model's variables otherwise.
   */
  exportWeights(network: NetworkName): Promise<WeightSnapshot> {
    const live = this.parts.model[network].getWeights();
    const indices = live.map((weight) => this.variables.indexOf(weight as tf.Variable));
    if (indices.some((index) => index < 0)) {
      this.syncModel();
      return snapshotWeights(this.parts.model[network]);
    }
    const floats = this.pool.kernels.floats();
    return Promise.resolve({
      shapes: live.map((weight) => [...weight.shape]),
      values: indices.map((index) => floats.slice(this.weightsAt[index] / 4, this.weightsAt[index] / 4 + this.variables[index].size)),
    });
  }

  importWeights(network: NetworkName, weights: WeightSnapshot): void {
    // The other network's variables must be current before every weight is read back.
    this.syncModel();
    applyWeights(this.parts.model[network], weights);
    this.loadWeightsFromModel();
  }

  exportOptimizer(): Promise<OptimizerState> {
    const floats = this.pool.kernels.floats();
    const moments = (offsets: number[]): WeightSnapshot => ({
      shapes: this.variables.map((variable) => [...variable.shape]),
      values: this.variables.map((variable, i) => floats.slice(offsets[i] / 4, offsets[i] / 4 + variable.size)),
    });
    return Promise.resolve({ iterations: this.iterations, firstMoments: moments(this.firstAt), secondMoments: moments(this.secondAt) });
  }

  importOptimizer(state: OptimizerState): void {
    assertOptimizerFits(state, this.variables);
    const floats = this.pool.kernels.floats();
    this.variables.forEach((_, i) => {
      floats.set(state.firstMoments.values[i], this.firstAt[i] / 4);
      floats.set(state.secondMoments.values[i], this.secondAt[i] / 4);
    });
    this.iterations = state.iterations;
  }

  /** Ends the pool's helpers; its memory goes with them. The model's variables keep the last synced weights. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.pending = [];
    this.pool.dispose();
  }
}
