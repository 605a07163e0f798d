// What the user chooses about a model and its training: plain data, shared by UI, worker and tests.
import type { ImageShape } from '../data/dataset';

/**
 * The autoencoder families. Each has one builder in model/kinds/; all share the fields of
 * `AutoencoderSpec` and read their own settings from `kindOptions`.
 * - basic: dense encoder and decoder, reconstruction loss only.
 * - convolutional: strided 3x3 convolutions down, transposed convolutions up.
 * - denoising: the input is corrupted by seeded noise, the loss compares with the clean image.
 * - sparse: a penalty keeps the code activations small (L1) or rarely active (KL to a target rate).
 * - variational: the encoder gives a mean and log-variance per code unit; a sampled code is decoded
 *   and a KL term pulls the codes towards a standard normal.
 * - contractive: a penalty on the encoder's Jacobian makes the code insensitive to small input changes.
 */
export type AutoencoderKind = 'basic' | 'convolutional' | 'denoising' | 'sparse' | 'variational' | 'contractive';

export type Activation = 'relu' | 'elu' | 'tanh' | 'sigmoid';

/** Reconstruction loss: mean squared error, or binary cross-entropy on pixel intensities in [0, 1]. */
export type ReconstructionLoss = 'mse' | 'bce';

/**
 * Input corruption of the denoising autoencoder; `noiseLevel` means:
 * - gaussian: standard deviation of the added noise (the result is clipped to [0, 1]);
 * - salt-pepper: fraction of pixels set to 0 or 1 (half each);
 * - masking: fraction of pixels set to 0.
 */
export type NoiseType = 'gaussian' | 'salt-pepper' | 'masking';

/** Sparsity penalty: weight * mean |h| (l1), or weight * sum_j KL(rho || mean activation of unit j) (kl). */
export type SparsityType = 'l1' | 'kl';

/** The network body of the denoising autoencoder: the basic dense one or the convolutional one. */
export type Body = 'dense' | 'conv';

/** The settings only some kinds read. Missing ones take `DEFAULT_KIND_OPTIONS` (see `resolveKindOptions`). */
export interface KindOptions {
  /** convolutional, and denoising with a conv body: filters of each stride-2 conv layer, outermost first. */
  convFilters: number[];
  /** denoising: the body that learns to undo the noise. */
  body: Body;
  /** denoising: how the input is corrupted. */
  noiseType: NoiseType;
  /** denoising: strength of the corruption, in (0, 1]; see `NoiseType`. */
  noiseLevel: number;
  /** sparse: which penalty. The KL penalty puts a sigmoid on the code layer so activations are rates. */
  sparsityType: SparsityType;
  /** sparse: weight of the penalty, >= 0. */
  sparsityWeight: number;
  /** sparse (kl only): the target mean activation rho of each code unit, in (0, 1). */
  sparsityTarget: number;
  /** variational: weight of the KL term, >= 0 (1 is the plain VAE, more gives a smoother map). */
  beta: number;
  /** contractive: weight lambda of the squared Frobenius norm of the encoder's Jacobian, >= 0. */
  contractiveWeight: number;
}

export const DEFAULT_KIND_OPTIONS: Readonly<KindOptions> = {
  convFilters: [16, 32],
  body: 'dense',
  noiseType: 'gaussian',
  noiseLevel: 0.3,
  sparsityType: 'kl',
  sparsityWeight: 0.1,
  sparsityTarget: 0.05,
  beta: 1,
  contractiveWeight: 0.1,
};

/**
 * The network itself. The decoder mirrors the encoder; the decoder's last layer is a sigmoid.
 * A spec without `kindOptions` is complete: every kind falls back on `DEFAULT_KIND_OPTIONS`.
 */
export interface AutoencoderSpec {
  kind: AutoencoderKind;
  /** Shape of one input image, e.g. [28, 28, 1]. */
  inputShape: ImageShape;
  /**
   * Widths of the encoder's dense hidden layers, outermost first, e.g. [256, 64]; decoder uses the
   * reverse. Convolutional bodies (kind convolutional, denoising with body conv) do not use them.
   */
  hiddenSizes: number[];
  /** Activation of every hidden layer (the code layer is linear, the output sigmoid, unless a kind says otherwise). */
  activation: Activation;
  /** Size of the bottleneck code. 2 draws directly as a map. */
  latentDim: number;
  loss: ReconstructionLoss;
  /** The kind's own settings; only the ones the kind reads need to be given. */
  kindOptions?: Partial<KindOptions>;
}

/** The spec's kind settings with every missing one filled from the defaults. */
export function resolveKindOptions(spec: AutoencoderSpec): KindOptions {
  return { ...DEFAULT_KIND_OPTIONS, ...spec.kindOptions };
}

/** Whether the kind's body is built from convolutions (and so ignores `hiddenSizes`). */
export function usesConvBody(spec: AutoencoderSpec): boolean {
  return spec.kind === 'convolutional' || (spec.kind === 'denoising' && resolveKindOptions(spec).body === 'conv');
}

/**
 * Names of the loss terms a kind reports, in the order the trainer reports them; `total` (what the
 * gradient steps minimise) is always last and `reconstruction` always first.
 */
export function lossTermNames(spec: AutoencoderSpec): string[] {
  switch (spec.kind) {
    case 'variational':
      return ['reconstruction', 'kl', 'total'];
    case 'sparse':
      return ['reconstruction', 'sparsity', 'total'];
    case 'contractive':
      return ['reconstruction', 'contractive', 'total'];
    default:
      return ['reconstruction', 'total'];
  }
}

/**
 * How the reconstruction term is reduced. The variational autoencoder sums over the pixels of an
 * image (and averages over the batch) so its KL term, summed over code units, is on the same per-image
 * scale, as in the ELBO; every other kind averages over every pixel of every image, so its loss does
 * not depend on image size. Loss charts can use this for their axis label.
 */
export function reconstructionReduction(spec: AutoencoderSpec): 'mean-per-pixel' | 'sum-per-image' {
  return spec.kind === 'variational' ? 'sum-per-image' : 'mean-per-pixel';
}

/**
 * Numbers the contractive penalty's Jacobian rows hold for one batch of a dense body:
 * batch * latentDim * widest hidden layer (see model/regularisers.ts). Bounds its memory.
 */
export function contractiveJacobianFloats(spec: Pick<AutoencoderSpec, 'latentDim' | 'hiddenSizes'>, batchSize: number): number {
  return batchSize * spec.latentDim * Math.max(1, ...spec.hiddenSizes);
}

/** How the model is trained. */
export interface TrainingSettings {
  /** Adam learning rate, > 0. */
  learningRate: number;
  /** Images per gradient step. */
  batchSize: number;
  /** Passes over the training split before training stops by itself. */
  epochs: number;
  /** Seeds weight initialisation, the data split, the batch order, and noise and sampling. */
  seed: number;
}

export interface ExperimentConfig {
  spec: AutoencoderSpec;
  training: TrainingSettings;
}
