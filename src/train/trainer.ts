// The training loop's state and one-step-at-a-time driver, free of worker and DOM code, so the
// worker (or a test) owns the loop and can pause, step, evaluate or move backends between steps.
import * as tf from '../lib/tf';
import { type ImageShape, pixelsPerImage } from '../data/dataset';
import { createRng, shuffleInPlace } from '../lib/rng';
import { buildAutoencoder, type Autoencoder, type LossTerms } from '../model/build';
import type { ExperimentConfig } from '../model/spec';
import { applyWeights, snapshotWeights } from '../model/weights';
import { describeNetwork, type NetworkLayout } from '../model/layout';
import { adamUpdate } from './adamUpdate';
import { scaledImages } from './batchPixels';
import { planDenseChain, type DenseChainPlan } from './denseChainPlan';
import type { WeightSnapshot } from './protocol';

export interface TrainerData {
  /** Pixels 0..255 of the whole dataset, image after image (N * H * W * C bytes). */
  images: Uint8Array;
  shape: ImageShape;
  /** Dataset indices trained on. */
  train: Int32Array;
  /** Dataset indices kept for evaluation. */
  heldOut: Int32Array;
}

/** Adam's moment estimates as plain arrays, one entry per trainable variable (encoder's, then decoder's). */
export interface OptimizerState {
  /** Updates applied so far; sets the bias correction of the next one. */
  iterations: number;
  firstMoments: WeightSnapshot;
  secondMoments: WeightSnapshot;
}

/** Everything needed to carry on training elsewhere (another backend) exactly where it stopped. */
export interface TrainerState {
  encoder: WeightSnapshot;
  decoder: WeightSnapshot;
  optimizer: OptimizerState;
  globalStep: number;
  /** Dataset indices in this epoch's batch order. */
  epochOrder: Int32Array;
}

/** Images per forward pass when evaluating, encoding or reconstructing: bounds peak memory. */
const INFERENCE_BATCH = 1000;

/** Loss terms by name as plain numbers, e.g. { reconstruction, kl, total }. */
export type TermValues = Record<string, number>;

/**
 * Seeds of the trainer's independent random streams, all drawn from the one user seed so that
 * changing, say, the batch order never shifts the initial weights. The first two draws are the
 * model's: `buildAutoencoder` draws them from the same seed.
 */
function deriveSeeds(seed: number): { shuffle: number; noise: number; evaluation: number; view: number } {
  const rng = createRng(seed);
  rng.nextSeed(); // encoder weights
  rng.nextSeed(); // decoder weights
  return { shuffle: rng.nextSeed(), noise: rng.nextSeed(), evaluation: rng.nextSeed(), view: rng.nextSeed() };
}

/** The seed of draw number `index` of a stream: a pure function, so a restored trainer redraws it. */
function streamSeed(streamSeedValue: number, index: number): number {
  return createRng((streamSeedValue + Math.imul(index + 1, 0x9e3779b1)) >>> 0).nextSeed();
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;

/**
 * Adam (Kingma and Ba), written out here rather than using tf.train.adam because its moments must
 * be read and written synchronously to move training between backends, and tfjs only exposes them
 * through async getWeights/setWeights. The bias correction is computed in JS from the step count,
 * so a restored optimizer continues bit for bit. On the wasm backend with the engine's kernels the
 * update is one fused pass per variable (adamUpdate.ts) with the same float32 operations.
 */
class Adam {
  iterations = 0;
  private readonly firstMoments: tf.Variable[];
  private readonly secondMoments: tf.Variable[];
  private readonly epsilon: number;

  constructor(
    private readonly variables: tf.Variable[],
    private readonly learningRate: number,
  ) {
    // The backend's epsilon keeps the denominator representable on float16 (some WebGL) devices.
    this.epsilon = tf.backend().epsilon();
    const zeros = (variable: tf.Variable): tf.Variable =>
      tf.tidy(() => tf.variable(tf.zerosLike(variable), false));
    this.firstMoments = variables.map(zeros);
    this.secondMoments = variables.map(zeros);
  }

  /** Compute the loss and its gradients, update every variable, and return the loss (caller disposes). */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.variables);
    this.applyGradients(this.variables.map((variable) => grads[variable.name]));
    return value;
  }

  /** Update every variable from its gradient (same order as the variables); disposes the gradients. */
  applyGradients(gradients: readonly tf.Tensor[]): void {
    this.iterations += 1;
    const firstCorrection = 1 - ADAM_BETA1 ** this.iterations;
    const secondRoot = Math.sqrt(1 - ADAM_BETA2 ** this.iterations);
    // lr * m_hat / (sqrt(v_hat) + eps), rearranged so the bias corrections are two JS numbers.
    const stepSize = (this.learningRate * secondRoot) / firstCorrection;
    const epsilon = this.epsilon * secondRoot;
    try {
      const slots = this.variables.map((variable, i) => ({
        variable,
        gradient: gradients[i],
        first: this.firstMoments[i],
        second: this.secondMoments[i],
      }));
      adamUpdate(slots, { beta1: ADAM_BETA1, beta2: ADAM_BETA2, stepSize, epsilon });
    } finally {
      tf.dispose([...gradients]);
    }
  }

  exportState(): OptimizerState {
    const snapshot = (moments: tf.Variable[]): WeightSnapshot => ({
      shapes: moments.map((moment) => [...moment.shape]),
      values: moments.map((moment) => new Float32Array(moment.dataSync())),
    });
    return {
      iterations: this.iterations,
      firstMoments: snapshot(this.firstMoments),
      secondMoments: snapshot(this.secondMoments),
    };
  }

  importState(state: OptimizerState): void {
    for (const moments of [state.firstMoments, state.secondMoments]) {
      if (moments.shapes.length !== this.variables.length) {
        throw new Error(`Saved optimizer has moments for ${moments.shapes.length} variables, the model has ${this.variables.length}.`);
      }
      this.variables.forEach((variable, i) => {
        if (!sameShape(moments.shapes[i], variable.shape) || moments.values[i].length !== variable.size) {
          throw new Error(
            `Saved optimizer moment ${i} has shape [${moments.shapes[i].join(', ')}], ` +
              `its variable has [${variable.shape.join(', ')}].`,
          );
        }
      });
    }
    if (!Number.isInteger(state.iterations) || state.iterations < 0) {
      throw new Error(`Saved optimizer step count ${state.iterations} is not a whole number.`);
    }
    tf.tidy(() => {
      this.variables.forEach((variable, i) => {
        this.firstMoments[i].assign(tf.tensor(state.firstMoments.values[i].slice(), variable.shape, 'float32'));
        this.secondMoments[i].assign(tf.tensor(state.secondMoments.values[i].slice(), variable.shape, 'float32'));
      });
    });
    this.iterations = state.iterations;
  }

  dispose(): void {
    freeEach([...this.firstMoments, ...this.secondMoments]);
  }
}

/**
 * Free every tensor, even when some fail to (their device is gone), then throw the first failure.
 * `tf.dispose` of a list stops at the first throw: on a lost GPU that left the other moments behind.
 */
function freeEach(tensors: readonly tf.Tensor[]): void {
  const failures: unknown[] = [];
  for (const tensor of tensors) {
    try {
      tensor.dispose();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}

export class Trainer {
  readonly config: ExperimentConfig;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;

  private readonly model: Autoencoder;
  private readonly encoder: tf.LayersModel;
  private readonly decoder: tf.LayersModel;
  private readonly optimizer: Adam;
  /**
   * The whole dataset on the device once, float32 in [0, 1], [N, H, W, C], for GPU backends to
   * gather batches from; null on the CPU backends, which cut batches from the bytes in JS (see
   * imagesAt): there it was never read, yet it cost 100 ms and 31 MB (10,000 digits) to build, on
   * the way to an enabled Train.
   */
  private readonly images: tf.Tensor4D | null;
  /** The caller's pixels 0..255 (not copied): training batches on the CPU backends are cut from them. */
  private readonly pixels: Uint8Array;
  /** The variables the optimizer updates, encoder's then decoder's, in a fixed order. */
  private readonly trainableVariables: tf.Variable[];
  /** The engine's hand-written gradients for dense chains (null: tfjs autodiff for this kind). */
  private readonly denseChain: DenseChainPlan | null;
  private readonly train: Int32Array;
  private readonly shuffleSeed: number;
  /** Per-step noise and sampled codes; the step number picks the draw. */
  private readonly noiseSeed: number;
  /** Fixed draws for evaluation batches, so held-out figures are comparable between epochs. */
  private readonly evaluationSeed: number;
  /** Fixed draws for the denoising view. */
  private readonly viewSeed: number;
  private readonly imageCount: number;
  private step = 0;
  private lastTermValues: TermValues = {};
  /** Loss terms of the steps taken by `trainStepDeferred` and not read yet, oldest first. */
  private pendingTerms: tf.Tensor[] = [];
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
    this.imageCount = data.images.length / pixels;
    for (const indices of [data.train, data.heldOut]) {
      for (const index of indices) {
        if (index < 0 || index >= this.imageCount) {
          throw new Error(`Image index ${index} is outside the dataset of ${this.imageCount} images.`);
        }
      }
    }

    this.config = config;
    this.pixels = data.images;
    this.train = data.train.slice();
    this.stepsPerEpoch = Math.ceil(this.train.length / training.batchSize);
    this.totalSteps = this.stepsPerEpoch * training.epochs;
    const seeds = deriveSeeds(training.seed);
    this.shuffleSeed = seeds.shuffle;
    this.noiseSeed = seeds.noise;
    this.evaluationSeed = seeds.evaluation;
    this.viewSeed = seeds.view;
    this.order = this.shuffledOrder(0);

    // A backend can fail part way through building (out of memory, lost context): free what was
    // made so far, so the caller can try another backend without leaking.
    const made: { dispose(): void }[] = [];
    try {
      this.model = keep(made, buildAutoencoder(spec, training.seed));
      this.encoder = this.model.encoder;
      this.decoder = this.model.decoder;
      this.trainableVariables = [...this.encoder.trainableWeights, ...this.decoder.trainableWeights].map(
        (weight) => weight.read() as tf.Variable,
      );
      this.optimizer = keep(made, new Adam(this.trainableVariables, training.learningRate));
      this.denseChain = planDenseChain(this.model, this.trainableVariables);
      if (cutsBatchesInJs()) {
        this.images = null;
      } else {
        // Scaled once here in JS rather than per batch on the device; the backend takes this buffer.
        const scaled = new Float32Array(data.images.length);
        for (let i = 0; i < scaled.length; i++) scaled[i] = data.images[i] / 255; // as scaledImages does
        this.images = keep(made, tf.tensor4d(scaled, [this.imageCount, ...data.shape], 'float32'));
      }
    } catch (error) {
      made.forEach((resource) => resource.dispose());
      throw error;
    }
  }

  /** Rebuild a trainer on the current tf backend from `exportState`, at the same point of training. */
  static async restore(config: ExperimentConfig, data: TrainerData, state: TrainerState): Promise<Trainer> {
    const trainer = new Trainer(config, data);
    try {
      trainer.importState(state);
    } catch (error) {
      trainer.dispose();
      throw error;
    }
    return trainer;
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
    return this.pendingTerms.length;
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
    const seed = streamSeed(this.noiseSeed, this.step);

    // Every term in one tensor, so reading them all costs the one device sync reading the loss did.
    const kept: { terms?: tf.Tensor } = {};
    try {
      tf.tidy(() => {
        // Gathered outside the loss function so the tape does not record it.
        const batch = this.imagesAt(batchIndices);
        if (this.denseChain?.ready()) {
          // The same objective as `objective`, differentiated by the engine in one pass.
          const input = this.model.corrupt ? this.model.corrupt(batch, seed) : batch;
          const { terms, gradients } = this.denseChain.gradients(input, batch);
          this.optimizer.applyGradients(gradients);
          kept.terms = tf.keep(tf.tensor1d(this.termNames.map((name) => terms[name]), 'float32'));
          return;
        }
        this.optimizer.minimize(() => {
          const terms = this.objective(batch, seed);
          // Kept past the gradient function's scope; the stack is off the path to the loss,
          // so backpropagation never visits it.
          kept.terms = tf.keep(this.stackTerms(terms));
          return terms.total;
        });
      });
    } catch (error) {
      kept.terms?.dispose();
      freeAbandonedTape();
      throw error;
    }
    this.pendingTerms.push(kept.terms as tf.Tensor);
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
    const pending = this.pendingTerms;
    this.pendingTerms = [];
    if (pending.length === 0) return [];
    const joined = pending.length === 1 ? pending[0] : tf.concat(pending);
    let values: ArrayLike<number>;
    try {
      values = await joined.data();
    } finally {
      if (joined !== pending[0]) joined.dispose();
      tf.dispose(pending);
    }
    const width = this.termNames.length;
    const read = pending.map((_, i) => this.namedTerms(Array.from({ length: width }, (__, t) => values[i * width + t])));
    this.lastTermValues = read[read.length - 1];
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
    const chosen = indices.subarray(0, Math.max(0, Math.min(maxCount, indices.length)));
    const sums = new Float64Array(this.termNames.length);
    if (chosen.length === 0) return this.namedTerms(sums.fill(NaN));
    const batchSize = this.model.evaluationBatch;
    for (let start = 0, part = 0; start < chosen.length; start += batchSize, part++) {
      const slice = chosen.subarray(start, start + batchSize);
      const stacked = tf.tidy(() => {
        const batch = this.imagesAt(slice);
        const terms = this.model.lossTerms(batch, { seed: streamSeed(this.evaluationSeed, part), training: false });
        return this.stackTerms(terms);
      });
      try {
        // Each term is a batch mean; weighting by the batch size makes the result an exact mean.
        (await stacked.data()).forEach((value, i) => (sums[i] += value * slice.length));
      } finally {
        stacked.dispose();
      }
    }
    return this.namedTerms(sums.map((sum) => sum / chosen.length));
  }

  /**
   * Latent codes of every image in the dataset, row i = image i, `latentDim` values per row. For
   * the variational kind these are the means.
   */
  async encodeAll(batchSize = INFERENCE_BATCH): Promise<Float32Array> {
    this.assertAlive();
    return this.mapAllImages(batchSize, (batch) => this.model.encode(batch));
  }

  /**
   * Variational kind only: the log-variance of every image's code, laid out like `encodeAll`
   * (exp(logVar / 2) is the standard deviation, the 1-sigma ellipse's half-axis).
   */
  async encodeLogVar(batchSize = INFERENCE_BATCH): Promise<Float32Array> {
    this.assertAlive();
    const encodeLogVar = this.model.encodeLogVar;
    if (!encodeLogVar) throw new Error(`A ${this.config.spec.kind} autoencoder has no code variances.`);
    return this.mapAllImages(batchSize, (batch) => encodeLogVar(batch));
  }

  /**
   * The code layer's outputs for the given images, `latentDim` values per image (for a histogram
   * of activations; the same numbers as the images' rows of `encodeAll`).
   */
  async codeActivations(indices: Int32Array): Promise<Float32Array> {
    this.assertAlive();
    return this.mapImages(indices, this.config.spec.latentDim, (batch) => this.model.encode(batch));
  }

  /** The model's reconstructions of the given images, pixels in [0, 1], image after image. */
  async reconstruct(indices: Int32Array): Promise<Float32Array> {
    this.assertAlive();
    return this.mapImages(indices, pixelsPerImage(this.config.spec.inputShape), (batch) => this.reconstructBatch(batch));
  }

  /**
   * Denoising kind only: the given images as the encoder sees them in training, corrupted with the
   * spec's noise, pixels in [0, 1]. The noise comes from a fixed seed, so the same indices always
   * give the same noisy images (and the same images as `denoise`).
   */
  async corrupt(indices: Int32Array): Promise<Float32Array> {
    this.assertAlive();
    const corrupt = this.corruptor();
    return this.mapImages(indices, pixelsPerImage(this.config.spec.inputShape), (batch, part) =>
      corrupt(batch, streamSeed(this.viewSeed, part)),
    );
  }

  /** Denoising kind only: the model's reconstructions of the noisy images `corrupt` gives. */
  async denoise(indices: Int32Array): Promise<Float32Array> {
    this.assertAlive();
    const corrupt = this.corruptor();
    return this.mapImages(indices, pixelsPerImage(this.config.spec.inputShape), (batch, part) =>
      this.reconstructBatch(corrupt(batch, streamSeed(this.viewSeed, part))),
    );
  }

  /**
   * Codes and reconstructions of images from outside the dataset (a drawing): `count` images of the
   * input shape, pixels in [0, 1], back to back. The same paths as `encodeAll` and `reconstruct`.
   */
  async encodeImages(pixels: Float32Array, count: number): Promise<{ codes: Float32Array; reconstructions: Float32Array }> {
    this.assertAlive();
    const { inputShape } = this.config.spec;
    const expected = count * pixelsPerImage(inputShape);
    if (!Number.isInteger(count) || count < 1 || count > INFERENCE_BATCH || pixels.length !== expected) {
      throw new Error(`Expected 1 to ${INFERENCE_BATCH} images of ${inputShape.join('x')}, got ${pixels.length} values for ${count}.`);
    }
    const [codes, reconstructions] = tf.tidy(() => {
      const batch = tf.tensor4d(pixels, [count, ...inputShape]);
      return [this.model.encode(batch), this.reconstructBatch(batch)];
    });
    try {
      // Copies: a backend may hand out its own buffer, and these are transferred to the page.
      return { codes: new Float32Array(await codes.data()), reconstructions: new Float32Array(await reconstructions.data()) };
    } finally {
      codes.dispose();
      reconstructions.dispose();
    }
  }

  /** A copy of the decoder's weights, for the main-thread replica. */
  decoderWeights(): WeightSnapshot {
    this.assertAlive();
    return snapshotWeights(this.decoder);
  }

  encoderWeights(): WeightSnapshot {
    this.assertAlive();
    return snapshotWeights(this.encoder);
  }

  /** A copy of the dataset indices this epoch's batches are drawn from, in batch order. */
  batchOrder(): Int32Array {
    return this.order.slice();
  }

  /** Each network's layer topology and weight names, for saving in the tfjs model format. */
  networkLayouts(): { encoder: NetworkLayout; decoder: NetworkLayout } {
    this.assertAlive();
    return { encoder: describeNetwork(this.encoder), decoder: describeNetwork(this.decoder) };
  }

  /** Weights, optimizer slots and progress as plain arrays, independent of this backend. */
  exportState(): TrainerState {
    this.assertAlive();
    return {
      encoder: snapshotWeights(this.encoder),
      decoder: snapshotWeights(this.decoder),
      optimizer: this.optimizer.exportState(),
      globalStep: this.step,
      epochOrder: this.order.slice(),
    };
  }

  /** Frees every tensor this trainer made. Safe to call twice. */
  /**
   * Frees every tensor the trainer holds. On a lost device one part can throw; the others are freed
   * all the same (else a lost trainer's weights and moments stay behind), then the first failure is
   * rethrown for the caller to report.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const pending = this.pendingTerms;
    this.pendingTerms = [];
    const parts = [() => freeEach(pending), () => this.images?.dispose(), () => this.optimizer.dispose(), () => this.model.dispose()];
    const failures: unknown[] = [];
    for (const free of parts) {
      try {
        free();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  }

  /**
   * What gradient steps minimise, for one batch of images in [0, 1]: the kind's loss terms, whose
   * `total` is the objective (reconstruction plus the kind's weighted penalties: a VAE's KL term,
   * a sparsity or contractive penalty). `seed` drives the step's noise and sampled codes.
   */
  private objective(batch: tf.Tensor, seed: number): LossTerms {
    return this.model.lossTerms(batch, { seed, training: true });
  }

  /**
   * Images `start` to `start + count - 1`. On the CPU backends cut from the bytes in JS: tfjs wasm's
   * Slice of 1,000 MNIST images took 15 ms, half the cost of encoding them.
   */
  private imagesInRange(start: number, count: number, shape: number[]): tf.Tensor {
    if (this.images) return tf.slice(this.images, [start, 0, 0, 0], [count, ...shape]);
    return this.imagesAt(Int32Array.from({ length: count }, (_, i) => start + i));
  }

  /**
   * The images at `indices` in [0, 1]. On the CPU backends cut from the bytes in JS (see
   * batchPixels.ts), the same values the dataset tensor holds; GPU backends gather on the device.
   */
  private imagesAt(indices: Int32Array): tf.Tensor4D {
    if (this.images) return tf.gather(this.images, tf.tensor1d(indices, 'int32'));
    const shape = this.config.spec.inputShape;
    const size = pixelsPerImage(shape);
    // A transferred (detached) buffer reads as empty: say so rather than train on zeros.
    if (this.pixels.length !== this.imageCount * size) throw new Error('The training images are no longer available to this trainer.');
    return tf.tensor4d(scaledImages(this.pixels, indices, size), [indices.length, ...shape], 'float32');
  }

  private reconstructBatch(batch: tf.Tensor): tf.Tensor {
    return this.model.reconstruct(batch);
  }

  private corruptor(): (images: tf.Tensor, seed: number) => tf.Tensor {
    const corrupt = this.model.corrupt;
    if (!corrupt) throw new Error(`A ${this.config.spec.kind} autoencoder does not corrupt its input.`);
    return corrupt;
  }

  /** The terms as one 1-d tensor in `termNames` order. */
  private stackTerms(terms: LossTerms): tf.Tensor {
    return tf.stack(this.termNames.map((name) => terms[name]));
  }

  private namedTerms(values: ArrayLike<number>): TermValues {
    return Object.fromEntries(this.termNames.map((name, i) => [name, values[i]]));
  }

  /** `fn` on the given images in batches, its outputs (`valuesPerImage` each) back to back. */
  private async mapImages(
    indices: Int32Array,
    valuesPerImage: number,
    fn: (batch: tf.Tensor, part: number) => tf.Tensor,
  ): Promise<Float32Array> {
    const result = new Float32Array(indices.length * valuesPerImage);
    for (let start = 0, part = 0; start < indices.length; start += INFERENCE_BATCH, part++) {
      const slice = indices.subarray(start, start + INFERENCE_BATCH);
      const output = tf.tidy(() => fn(this.imagesAt(slice), part));
      try {
        result.set(await output.data(), start * valuesPerImage);
      } finally {
        output.dispose();
      }
    }
    return result;
  }

  /** `fn` on every dataset image in order, in slices of `batchSize`; `latentDim` values per image. */
  private async mapAllImages(batchSize: number, fn: (batch: tf.Tensor) => tf.Tensor): Promise<Float32Array> {
    const { latentDim } = this.config.spec;
    const result = new Float32Array(this.imageCount * latentDim);
    const [height, width, channels] = this.config.spec.inputShape;
    for (let start = 0; start < this.imageCount; start += batchSize) {
      const count = Math.min(batchSize, this.imageCount - start);
      const output = tf.tidy(() => fn(this.imagesInRange(start, count, [height, width, channels])));
      try {
        result.set(await output.data(), start * latentDim);
      } finally {
        output.dispose();
      }
    }
    return result;
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
    applyWeights(this.encoder, state.encoder);
    applyWeights(this.decoder, state.decoder);
    this.optimizer.importState(state.optimizer);
    this.step = state.globalStep;
    this.order = state.epochOrder.slice();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('Trainer used after dispose().');
  }
}

/**
 * tfjs frees the tensors a gradient's forward pass saved for backpropagation only when
 * backpropagation succeeds; a kernel failing part way (a backend without Conv2DBackpropFilter, say)
 * leaves them behind for good. Free them as tfjs would have, so a failed step leaks nothing.
 */
function freeAbandonedTape(): void {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) node.saved?.forEach((tensor) => tensor.dispose());
  state.activeTape = [];
}

/** The CPU backends (wasm, plain JS) take batches cut from the bytes in JS; GPU backends gather on the device. */
function cutsBatchesInJs(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

function keep<T extends { dispose(): void }>(made: { dispose(): void }[], resource: T): T {
  made.push(resource);
  return resource;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
