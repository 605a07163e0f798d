// The training loop's state and one-step-at-a-time driver, free of worker and DOM code, so the
// worker (or a test) owns the loop and can pause, step, evaluate or move backends between steps.
// The gradients and the update are the training engine's, picked once here (engines/pickEngine.ts):
// `new Trainer` takes the engines made synchronously, `Trainer.create` (what the app uses) also
// those that prepare asynchronously (the WGSL step on WebGPU), before the first step.
import * as tf from '../lib/tf';
import { pixelsPerImage } from '../data/dataset';
import { createRng, shuffleInPlace } from '../lib/rng';
import { buildAutoencoder, type Autoencoder } from '../model/build';
import type { ExperimentConfig } from '../model/spec';
import type { WeightSnapshot } from '../model/weights';
import { describeNetwork, type NetworkLayout } from '../model/layout';
import { datasetImages, type DatasetImages } from './engines/datasetImages';
import { freeAll } from './engines/freeAll';
import { pickPreparedEngine, pickTrainingEngine } from './engines/pickEngine';
import type { EngineParts, TrainingEngine } from './engines/trainingEngine';
import { deriveSeeds, streamSeed } from './seedStreams';
import { INFERENCE_BATCH, ModelInference, namedTerms } from './trainerInference';
import type { TermValues, TrainerData, TrainerState } from './trainerState';


export class Trainer {
  readonly config: ExperimentConfig;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;

  private readonly model: Autoencoder;
  /** The dataset's images as batches, shared by the engine's steps and inference. */
  private readonly images: DatasetImages;
  /** Finds the gradients and applies the update; picked once, when the trainer is built (see `create`). */
  private engine: TrainingEngine;
  private readonly engineParts: EngineParts;
  /** Why a faster engine that applies to this model could not run here; null when none was passed over. */
  private engineUnavailable: string | null = null;
  private readonly inference: ModelInference;
  private readonly train: Int32Array;
  private readonly shuffleSeed: number;
  /** Per-step noise and sampled codes; the step number picks the draw. */
  private readonly noiseSeed: number;
  private step = 0;
  private lastTermValues: TermValues = {};
  /** Training indices in the current epoch's batch order. */
  private order: Int32Array;
  private disposed = false;

  constructor(config: ExperimentConfig, data: TrainerData) {
    const { spec, training } = config;
    if (!sameShape(spec.inputShape, data.shape)) {
      throw new Error(
        `The model expects images of ${spec.inputShape.join('x')}, the data has ${data.shape.join('x')}.`,
      );
    }
    const pixels = pixelsPerImage(data.shape);
    if (data.images.length % pixels !== 0) {
      throw new Error(`The image buffer holds ${data.images.length} bytes, not a whole number of images.`);
    }
    if (data.train.length === 0) throw new Error('There are no training images.');
    const imageCount = data.images.length / pixels;
    for (const indices of [data.train, data.heldOut]) {
      for (const index of indices) {
        if (index < 0 || index >= imageCount) {
          throw new Error(`Image index ${index} is outside the dataset of ${imageCount} images.`);
        }
      }
    }

    this.config = config;
    this.train = data.train.slice();
    this.stepsPerEpoch = Math.ceil(this.train.length / training.batchSize);
    this.totalSteps = this.stepsPerEpoch * training.epochs;
    const seeds = deriveSeeds(training.seed);
    this.shuffleSeed = seeds.shuffle;
    this.noiseSeed = seeds.noise;
    this.order = this.shuffledOrder(0);

    // A backend can fail part way through building (out of memory, lost context): free what was
    // made so far, so the caller can try another backend without leaking.
    const made: { dispose(): void }[] = [];
    try {
      this.model = keep(made, buildAutoencoder(spec, training.seed));
      const variables = [...this.model.encoder.trainableWeights, ...this.model.decoder.trainableWeights].map(
        (weight) => weight.read() as tf.Variable,
      );
      this.images = keep(made, datasetImages(data.images, spec.inputShape, imageCount));
      this.engineParts = {
        model: this.model,
        variables,
        images: this.images,
        pixels: data.images,
        imageCount,
        batchSize: training.batchSize,
        learningRate: training.learningRate,
      };
      this.engine = keep(made, pickTrainingEngine(this.engineParts));
    } catch (error) {
      made.forEach((resource) => resource.dispose());
      throw error;
    }
    this.inference = new ModelInference(this.model, spec, this.images, imageCount, seeds);
  }

  /**
   * A trainer on the current tf backend with the fastest engine there, including one that prepares
   * asynchronously (the WGSL step compiles its shaders on WebGPU); from `state` (see `exportState`)
   * at the same point of training, or seeded afresh.
   */
  static async create(config: ExperimentConfig, data: TrainerData, state: TrainerState | null = null): Promise<Trainer> {
    const trainer = new Trainer(config, data);
    try {
      if (state) trainer.importState(state);
      await trainer.adoptPreparedEngine();
    } catch (error) {
      trainer.dispose();
      throw error;
    }
    return trainer;
  }

  /** Rebuild a trainer on the current tf backend from `exportState`, at the same point of training. */
  static restore(config: ExperimentConfig, data: TrainerData, state: TrainerState): Promise<Trainer> {
    return Trainer.create(config, data, state);
  }

  /** Which engine trains, in the user's words ("WGSL step", "tfjs autodiff"). */
  get engineName(): string {
    return this.engine.name;
  }

  /** Why a faster engine for this model could not run here (a device's limit, a refused shader), or null. */
  get engineNote(): string | null {
    return this.engineUnavailable;
  }

  /** 0-based epoch the next step belongs to; equals `epochs` once training has finished. */
  get epoch(): number {
    return Math.floor(this.step / this.stepsPerEpoch);
  }

  /** Steps already done in the current epoch. */
  get stepInEpoch(): number {
    return this.step % this.stepsPerEpoch;
  }

  /** Steps done since the model was built (or restored from that point). */
  get globalStep(): number {
    return this.step;
  }

  get finished(): boolean {
    return this.step >= this.totalSteps;
  }

  /** Names of the loss terms this model reports, `total` last (see `lossTermNames`). */
  get termNames(): readonly string[] {
    return this.model.termNames;
  }

  /**
   * One Adam step on the next batch; resolves to that batch's total loss before the update (the
   * reconstruction loss for the basic kind). The terms of the same batch are then in `lastTerms()`.
   */
  async trainStep(): Promise<number> {
    this.trainStepDeferred();
    const read = await this.readPendingTerms();
    return read[read.length - 1].total;
  }

  /** Steps taken by `trainStepDeferred` whose loss terms have not been read yet. */
  get unreadSteps(): number {
    return this.engine.unreadSteps;
  }

  /**
   * The same step as `trainStep`, but its loss terms stay on the device until `readPendingTerms`:
   * nothing waits for the device, so a GPU backend can queue many steps behind one readback.
   */
  trainStepDeferred(): void {
    this.assertAlive();
    if (this.finished) throw new Error('Training has finished: every epoch has run.');
    const { batchSize } = this.config.training;
    const start = this.stepInEpoch * batchSize;
    const batchIndices = this.order.subarray(start, Math.min(start + batchSize, this.order.length));
    this.engine.stepDeferred(batchIndices, streamSeed(this.noiseSeed, this.step));
    this.step += 1;
    // Shuffle as soon as an epoch ends, so `order` always belongs to `epoch` and exportState
    // taken at an epoch boundary carries the order the next step will use.
    if (this.stepInEpoch === 0 && !this.finished) this.order = this.shuffledOrder(this.epoch);
  }

  /**
   * The loss terms of every step not read yet, oldest first, in one read from the device (each
   * total is its batch's loss before the update). The last of them is then `lastTerms()`.
   */
  async readPendingTerms(): Promise<TermValues[]> {
    this.assertAlive();
    const read = (await this.engine.readPendingTerms()).map((values) => namedTerms(this.termNames, values));
    if (read.length > 0) this.lastTermValues = read[read.length - 1];
    return read;
  }

  /**
   * The loss terms of the last `trainStep`'s batch, e.g. { reconstruction, kl, total }: each term is
   * its weighted share of `total`. Empty before the first step.
   */
  lastTerms(): TermValues {
    return { ...this.lastTermValues };
  }

  /**
   * Mean reconstruction term over the given images (the first `maxCount` of them, if given): the
   * reconstruction loss, summed per image for the variational kind (see `reconstructionReduction`).
   */
  async evaluate(indices: Int32Array, maxCount = indices.length): Promise<number> {
    return (await this.evaluateTerms(indices, maxCount)).reconstruction;
  }

  /**
   * Mean loss terms over the given images (the first `maxCount` of them), `total` included, with
   * the weights as they are (no update). Noise and sampled codes come from fixed seeds, so the same
   * weights always give the same figures. Terms are NaN for no images.
   */
  async evaluateTerms(indices: Int32Array, maxCount = indices.length): Promise<TermValues> {
    this.assertAlive();
    return this.engine.evaluateTerms?.(indices, maxCount) ?? this.currentModel().evaluateTerms(indices, maxCount);
  }

  /**
   * Latent codes of every image in the dataset, row i = image i, `latentDim` values per row. For
   * the variational kind these are the means.
   */
  async encodeAll(batchSize = INFERENCE_BATCH): Promise<Float32Array> {
    this.assertAlive();
    return this.engine.encodeAll?.() ?? this.currentModel().encodeAll(batchSize);
  }

  /**
   * Variational kind only: the log-variance of every image's code, laid out like `encodeAll`
   * (exp(logVar / 2) is the standard deviation, the 1-sigma ellipse's half-axis).
   */
  async encodeLogVar(batchSize = INFERENCE_BATCH): Promise<Float32Array> {
    return this.currentModel().encodeLogVar(batchSize);
  }

  /**
   * The code layer's outputs for the given images, `latentDim` values per image (for a histogram
   * of activations; the same numbers as the images' rows of `encodeAll`).
   */
  async codeActivations(indices: Int32Array): Promise<Float32Array> {
    return this.currentModel().codeActivations(indices);
  }

  /** The model's reconstructions of the given images, pixels in [0, 1], image after image. */
  async reconstruct(indices: Int32Array): Promise<Float32Array> {
    return this.currentModel().reconstruct(indices);
  }

  /**
   * Denoising kind only: the given images as the encoder sees them in training, corrupted with the
   * spec's noise, pixels in [0, 1]. The noise comes from a fixed seed, so the same indices always
   * give the same noisy images (and the same images as `denoise`).
   */
  async corrupt(indices: Int32Array): Promise<Float32Array> {
    return this.currentModel().corrupt(indices);
  }

  /** Denoising kind only: the model's reconstructions of the noisy images `corrupt` gives. */
  async denoise(indices: Int32Array): Promise<Float32Array> {
    return this.currentModel().denoise(indices);
  }

  /**
   * Codes and reconstructions of images from outside the dataset (a drawing): `count` images of the
   * input shape, pixels in [0, 1], back to back. The same paths as `encodeAll` and `reconstruct`.
   */
  async encodeImages(pixels: Float32Array, count: number): Promise<{ codes: Float32Array; reconstructions: Float32Array }> {
    return this.currentModel().encodeImages(pixels, count);
  }

  /** A copy of the decoder's weights as they are now, for the main-thread replica. */
  decoderWeights(): Promise<WeightSnapshot> {
    this.assertAlive();
    return this.engine.exportWeights('decoder');
  }

  encoderWeights(): Promise<WeightSnapshot> {
    this.assertAlive();
    return this.engine.exportWeights('encoder');
  }

  /** A copy of the dataset indices this epoch's batches are drawn from, in batch order. */
  batchOrder(): Int32Array {
    return this.order.slice();
  }

  /** Each network's layer topology and weight names, for saving in the tfjs model format. */
  networkLayouts(): { encoder: NetworkLayout; decoder: NetworkLayout } {
    this.assertAlive();
    return { encoder: describeNetwork(this.model.encoder), decoder: describeNetwork(this.model.decoder) };
  }

  /**
   * Weights, optimizer slots and progress as plain arrays, independent of this backend, as they are
   * when this is called: every read starts, and the step and order are taken, before it returns, so
   * steps taken while the reads settle do not mix into the state.
   */
  async exportState(): Promise<TrainerState> {
    this.assertAlive();
    const globalStep = this.step;
    const epochOrder = this.order.slice();
    const [encoder, decoder, optimizer] = await Promise.all([
      this.engine.exportWeights('encoder'),
      this.engine.exportWeights('decoder'),
      this.engine.exportOptimizer(),
    ]);
    return { encoder, decoder, optimizer, globalStep, epochOrder };
  }

  /**
   * Frees every tensor the trainer holds. Safe to call twice. On a lost device one part can throw;
   * the others are freed all the same (else a lost trainer's weights and moments stay behind), then
   * the first failure is rethrown for the caller to report.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    freeAll([() => this.engine.dispose(), () => this.images.dispose(), () => this.model.dispose()]);
  }

  /** The model's layers, with the engine's current weights in their variables. */
  private currentModel(): ModelInference {
    this.assertAlive();
    this.engine.syncModel();
    return this.inference;
  }

  /**
   * Where an engine that prepares asynchronously applies, it takes over from the one built
   * synchronously, with its weights and Adam state (the way a run moves between backends). Runs
   * once, before the first step.
   */
  private async adoptPreparedEngine(): Promise<void> {
    const offer = await pickPreparedEngine(this.engineParts, this.engine);
    if (!offer) return;
    if (!('engine' in offer)) {
      this.engineUnavailable = offer.unavailable;
      return;
    }
    const replaced = this.engine;
    this.engine = offer.engine;
    replaced.dispose();
  }

  /** The training indices in the batch order of `epoch`: a pure function of seed and epoch. */
  private shuffledOrder(epoch: number): Int32Array {
    const order = this.train.slice();
    shuffleInPlace(order, createRng((this.shuffleSeed + Math.imul(epoch + 1, 0x9e3779b1)) >>> 0));
    return order;
  }

  private importState(state: TrainerState): void {
    if (!Number.isInteger(state.globalStep) || state.globalStep < 0 || state.globalStep > this.totalSteps) {
      throw new Error(`Saved progress (step ${state.globalStep}) does not fit this training run.`);
    }
    if (state.epochOrder.length !== this.train.length) {
      throw new Error('Saved batch order does not fit the training images.');
    }
    this.engine.importWeights('encoder', state.encoder);
    this.engine.importWeights('decoder', state.decoder);
    this.engine.importOptimizer(state.optimizer);
    this.step = state.globalStep;
    this.order = state.epochOrder.slice();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('Trainer used after dispose().');
  }
}

function keep<T extends { dispose(): void }>(made: { dispose(): void }[], resource: T): T {
  made.push(resource);
  return resource;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
