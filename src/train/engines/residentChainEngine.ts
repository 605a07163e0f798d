// The dense chain's step on a pool of threads, with the weights and Adam's moments kept in the
// pool's shared memory rather than in tfjs variables. Why: split by rows, the products take half
// the time on two threads, but the one-thread engine's other work per step (copying every weight
// in, every gradient out to tensors, and Adam's four copies in and three out per variable) stayed
// serial and held two threads to about 1.2x. Here a step copies in only the batch; Adam runs on
// the flat buffers; the model's variables are written when the Trainer asks (`syncModel`), as the
// WGSL engine does.
import * as tf from '../../lib/tf';
import { runSplitStep, type ChainOperands } from '../../engine/chainLayout';
import type { ChainLoss } from '../../engine/chainTypes';
import type { ChainPool } from '../../engine/threads/chainPool';
import { copyIn, type WasmBackendLike } from '../../engine/wasmHeap';
import { applyWeights, snapshotWeights, type WeightSnapshot } from '../../model/weights';
import { ADAM_BETA1, ADAM_BETA2, assertOptimizerFits } from './adam';
import { scaleImagesInto } from './batchPixels';
import type { MappedLayer } from './denseChainPlan';
import type { EngineParts, NetworkName, OptimizerState, TrainingEngine } from './trainingEngine';

/** What the engine needs of the chain: its layers in the trainer's variables, and its loss. */
export interface ResidentChain {
  readonly layers: readonly MappedLayer[];
  readonly loss: ChainLoss;
}

export class ResidentChainEngine implements TrainingEngine {
  readonly name: string;
  private readonly variables: readonly tf.Variable[];
  /** Byte offsets of each variable's weights and moments in the pool's memory (trainer's order). */
  private readonly weightsAt: number[];
  private readonly firstAt: number[];
  private readonly secondAt: number[];
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
    this.name = `wasm dense step, ${pool.threads} threads`;
    this.variables = parts.variables;
    const kernelShapes = chain.layers.map((layer) => parts.variables[layer.kernelIndex].shape as [number, number]);
    this.widths = [kernelShapes[0][0], ...kernelShapes.map(([, units]) => units)];
    const kernels = pool.kernels;
    kernels.reset();
    this.weightsAt = this.variables.map((variable) => kernels.allocFloats(variable.size));
    this.firstAt = this.variables.map((variable) => kernels.allocFloats(variable.size));
    this.secondAt = this.variables.map((variable) => kernels.allocFloats(variable.size));
    this.stepStart = kernels.allocFloats(0);
    const floats = kernels.floats();
    this.variables.forEach((variable, i) => {
      floats.fill(0, this.firstAt[i] / 4, this.firstAt[i] / 4 + variable.size);
      floats.fill(0, this.secondAt[i] / 4, this.secondAt[i] / 4 + variable.size);
    });
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
    const { layers, loss } = this.chain;
    const widths = this.widths;
    const { inputAt, targetAt } = this.placeBatch(batch, seed, widths[0]);
    const operands: ChainOperands = {
      widths,
      activations: layers.map((layer) => layer.activation),
      loss,
      rows: batch.length,
      inputAt,
      targetAt,
      kernelsAt: layers.map((layer) => this.weightsAt[layer.kernelIndex]),
      biasesAt: layers.map((layer) => (layer.biasIndex === null ? -1 : this.weightsAt[layer.biasIndex])),
    };
    const { lossSum, gradients } = runSplitStep(operands, this.pool);
    const gradientAt: number[] = new Array(this.variables.length);
    layers.forEach((layer, index) => {
      gradientAt[layer.kernelIndex] = gradients.job.layers[index].kernelGradAt;
      if (layer.biasIndex !== null) gradientAt[layer.biasIndex] = gradients.job.layers[index].biasGradAt;
    });
    this.adamStep(gradientAt);
    const reconstruction = Math.fround(lossSum / (batch.length * widths[widths.length - 1]));
    const values: Record<string, number> = { reconstruction, total: reconstruction };
    this.pending.push(Float32Array.from(this.parts.model.termNames, (name) => values[name]));
    this.modelStale = true;
  }

  /** The batch (and the encoder's input where the model corrupts it) in the pool's memory. */
  private placeBatch(batch: Int32Array, seed: number, pixelsPerImage: number): { inputAt: number; targetAt: number } {
    const kernels = this.pool.kernels;
    const { model, images, pixels } = this.parts;
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
    // Straight from the bytes into the pool's memory, the same values as every other engine's batches.
    const at = kernels.allocFloats(batch.length * pixelsPerImage);
    scaleImagesInto(kernels.floats(), at / 4, pixels, batch, pixelsPerImage);
    return { inputAt: at, targetAt: at };
  }

  /** Adam (adam.ts's constants, the engine's fused kernel) over every variable's flat buffers. */
  private adamStep(gradientAt: readonly number[]): void {
    this.iterations += 1;
    const firstCorrection = 1 - ADAM_BETA1 ** this.iterations;
    const secondRoot = Math.sqrt(1 - ADAM_BETA2 ** this.iterations);
    const stepSize = (this.parts.learningRate * secondRoot) / firstCorrection;
    const epsilon = this.epsilon * secondRoot;
    const x = this.pool.kernels.exports;
    this.variables.forEach((variable, i) => {
      x.adam(this.weightsAt[i], gradientAt[i], this.firstAt[i], this.secondAt[i], variable.size, ADAM_BETA1, 1 - ADAM_BETA1, ADAM_BETA2, 1 - ADAM_BETA2, stepSize, epsilon);
    });
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

  exportWeights(network: NetworkName): Promise<WeightSnapshot> {
    this.syncModel();
    return snapshotWeights(this.parts.model[network]);
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
