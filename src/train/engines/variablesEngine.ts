// What the engines that train the model's tfjs variables in place share: Adam over the variables,
// the pending loss terms as tensors, and the weights read and written through the model. Each
// engine adds only its step (how the gradients are found).
import * as tf from '../../lib/tf';
import type { Autoencoder } from '../../model/build';
import { applyWeights, snapshotWeights, type WeightSnapshot } from '../../model/weights';
import { Adam } from './adam';
import type { DatasetImages } from './datasetImages';
import { freeAll } from './freeAll';
import { PendingTerms } from './pendingTerms';
import type { EngineParts, NetworkName, OptimizerState, TrainingEngine } from './trainingEngine';

export abstract class VariablesEngine implements TrainingEngine {
  abstract readonly name: string;
  protected readonly model: Autoencoder;
  protected readonly images: DatasetImages;
  protected readonly optimizer: Adam;
  private readonly pending = new PendingTerms();

  constructor(parts: EngineParts) {
    this.model = parts.model;
    this.images = parts.images;
    this.optimizer = new Adam(parts.variables, parts.learningRate);
  }

  /** One Adam step on the images at `batch`; returns its terms as one 1-d tensor in `termNames` order, kept out of every tidy. */
  protected abstract step(batch: Int32Array, seed: number): tf.Tensor;

  stepDeferred(batch: Int32Array, seed: number): void {
    this.pending.push(this.step(batch, seed));
  }

  get unreadSteps(): number {
    return this.pending.count;
  }

  readPendingTerms(): Promise<Float32Array[]> {
    return this.pending.read();
  }

  /** The variables are trained in place: always current. */
  syncModel(): void {}

  exportWeights(network: NetworkName): Promise<WeightSnapshot> {
    return snapshotWeights(this.model[network]);
  }

  importWeights(network: NetworkName, weights: WeightSnapshot): void {
    applyWeights(this.model[network], weights);
  }

  exportOptimizer(): Promise<OptimizerState> {
    return this.optimizer.exportState();
  }

  importOptimizer(state: OptimizerState): void {
    this.optimizer.importState(state);
  }

  dispose(): void {
    freeAll([() => this.pending.dispose(), () => this.optimizer.dispose()]);
  }
}
