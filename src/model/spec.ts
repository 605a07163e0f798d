// What the user chooses about a model and its training: plain data, shared by UI, worker and tests.
import type { ImageShape } from '../data/dataset';

/** The autoencoder families. The first slice trains `basic`; the other kinds build on the same spec. */
export type AutoencoderKind = 'basic';

export type Activation = 'relu' | 'elu' | 'tanh' | 'sigmoid';

/** Reconstruction loss: mean squared error, or binary cross-entropy on pixel intensities in [0, 1]. */
export type ReconstructionLoss = 'mse' | 'bce';

/** The network itself. The decoder mirrors the encoder; the decoder's last layer is a sigmoid. */
export interface AutoencoderSpec {
  kind: AutoencoderKind;
  /** Shape of one input image, e.g. [28, 28, 1]. */
  inputShape: ImageShape;
  /** Widths of the encoder's hidden layers, outermost first, e.g. [256, 64]; decoder uses the reverse. */
  hiddenSizes: number[];
  /** Activation of every hidden layer (the code layer is linear, the output sigmoid). */
  activation: Activation;
  /** Size of the bottleneck code. 2 draws directly as a map. */
  latentDim: number;
  loss: ReconstructionLoss;
}

/** How the model is trained. */
export interface TrainingSettings {
  /** Adam learning rate, > 0. */
  learningRate: number;
  /** Images per gradient step. */
  batchSize: number;
  /** Passes over the training split before training stops by itself. */
  epochs: number;
  /** Seeds weight initialisation, the data split and the batch order. */
  seed: number;
}

export interface ExperimentConfig {
  spec: AutoencoderSpec;
  training: TrainingSettings;
}
