// What the Trainer's step loop needs from a training engine: the part that turns a batch into
// gradients and an optimizer update. The Trainer picks one engine when it is built and keeps it.
//
// A new engine (a threaded wasm pool, say) goes in its own file in this folder and gets one entry
// in pickEngine.ts, ahead of the engines it should win over where it can run: `pickTrainingEngine`
// for an engine made synchronously, `pickPreparedEngine` for one that must prepare asynchronously (the
// WGSL step compiles its shaders), which the Trainer's `create` awaits before the first step and
// hands the state to through the exports and imports below; nothing else changes. It is built
// from `EngineParts` and provides a `TrainingEngine`:
// - the same objective and Adam update as the others, from the same seed, so a run can move from
//   one engine to another through exportOptimizer / importOptimizer and carry on;
// - after `syncModel()`, the model's own variables hold the current weights: evaluation, encoding
//   and reconstruction run the model's tfjs layers, and the Trainer calls it before each of them.
//   An engine that keeps its weights elsewhere (the WGSL step's flat GPU buffer) copies them then,
//   not after every step; the ones that train the variables in place do nothing;
// - loss terms kept wherever suits it until `readPendingTerms`, so a GPU can queue many steps;
// - a `dispose` that frees all it made even when one part fails (a lost device), then rethrows.
import type * as tf from '../../lib/tf';
import type { Autoencoder } from '../../model/build';
import type { WeightSnapshot } from '../../model/weights';
import type { DatasetImages } from './datasetImages';

/** One of the model's two networks. */
export type NetworkName = 'encoder' | 'decoder';

/** Adam's moment estimates as plain arrays, one entry per trainable variable (encoder's, then decoder's). */
export interface OptimizerState {
  /** Updates applied so far; sets the bias correction of the next one. */
  iterations: number;
  firstMoments: WeightSnapshot;
  secondMoments: WeightSnapshot;
}

/** What every engine is built from. The engine borrows these; the Trainer frees them. */
export interface EngineParts {
  model: Autoencoder;
  /** The variables the optimizer updates, encoder's then decoder's, in a fixed order. */
  variables: readonly tf.Variable[];
  /** The dataset's images, batched the way this backend does it best. */
  images: DatasetImages;
  /** The same images as bytes (0..255, image after image), for an engine that keeps its own copy on a GPU. */
  pixels: Uint8Array;
  imageCount: number;
  /** The largest batch a step is given. */
  batchSize: number;
  learningRate: number;
}

export interface TrainingEngine {
  /** Which engine this is, in the user's words (the Backend line shows it): "WGSL step", say. */
  readonly name: string;
  /**
   * One Adam step on the dataset images at `batch`; `seed` drives the step's noise and sampled
   * codes. Its loss terms (before the update) stay pending until `readPendingTerms`. A step that
   * throws leaks no tensors and adds nothing pending.
   */
  stepDeferred(batch: Int32Array, seed: number): void;
  /** Steps whose loss terms have not been read yet. */
  readonly unreadSteps: number;
  /**
   * The loss terms of every pending step, oldest first, one array per step in the model's
   * `termNames` order, read together. Steps taken while this waits stay pending for the next read.
   */
  readPendingTerms(): Promise<Float32Array[]>;
  /**
   * A copy of one network's weights, in `model.getWeights()` order, as they are when this is
   * called: the read starts before it returns, so steps taken while it settles are not in it.
   * Asynchronous because a GPU can only be read so (a synchronous read on tfjs-webgpu loses the
   * device on some adapters).
   */
  exportWeights(network: NetworkName): Promise<WeightSnapshot>;
  /** Load one network's weights; throws, leaving them untouched, if the snapshot does not fit. */
  importWeights(network: NetworkName, weights: WeightSnapshot): void;
  /** Adam's state as it is when this is called, read like `exportWeights`. */
  exportOptimizer(): Promise<OptimizerState>;
  /** Continue from `state` exactly; throws if it does not fit the variables. */
  importOptimizer(state: OptimizerState): void;
  /**
   * Make the model's tfjs variables hold the current weights; cheap when they already do. The
   * Trainer calls it before it runs the model's layers. Synchronous: a GPU engine only queues copies.
   */
  syncModel(): void;
  /**
   * Optional: the mean loss terms by name over the first `maxCount` of `indices` (as `Trainer.evaluateTerms`),
   * computed by the engine itself where it is faster than the model's layers; null where it cannot
   * give the model's figures, and the Trainer asks the model.
   */
  evaluateTerms?(indices: Int32Array, maxCount: number): Promise<Record<string, number>> | null;
  /** Optional: every image's code (as `Trainer.encodeAll`), where the engine is faster; null to ask the model. */
  encodeAll?(): Promise<Float32Array> | null;
  /** Free what the engine made (pending terms, optimizer slots), not the parts it was given. */
  dispose(): void;
}
