// What every autoencoder kind builds: its encoder and decoder models, and how a batch turns into
// codes, reconstructions and loss terms. The trainer drives any kind through this one shape.
import * as tf from '../../lib/tf';
import { pixelsPerImage } from '../../data/dataset';
import { reconstructionLoss } from '../losses';
import { lossTermNames, type AutoencoderSpec } from '../spec';

/** Loss terms of one batch by name (see `lossTermNames`), `total` being the sum the steps minimise. */
export type LossTerms = Record<string, tf.Scalar>;

export interface TermContext {
  /** Seeds this batch's random draws (noise, sampled codes); a step or evaluation batch passes its own. */
  seed: number;
  /** True inside a gradient step. */
  training: boolean;
}

/** Seeds of the encoder's and decoder's initialisers. */
export interface ModelSeeds {
  encoder: number;
  decoder: number;
}

export interface Autoencoder {
  readonly spec: AutoencoderSpec;
  /** Every trained weight lives in one of these two models (snapshots and restores rely on it). */
  readonly encoder: tf.LayersModel;
  /** Code [n, latentDim] -> image [n, H, W, C]; the same model the main-thread replica rebuilds. */
  readonly decoder: tf.LayersModel;
  /** Names of `lossTerms`' entries in report order, `total` last. */
  readonly termNames: readonly string[];
  /** Most images one `lossTerms` call outside training should take, to bound memory. */
  readonly evaluationBatch: number;
  /** The code the map shows: for the variational kind the mean. Allocates: call inside tf.tidy. */
  encode(images: tf.Tensor): tf.Tensor;
  /** The decoder's output for the clean images through the deterministic path (VAE: the mean). */
  reconstruct(images: tf.Tensor): tf.Tensor;
  /** Loss terms of one batch of images in [0, 1]; each term is its weighted share of `total`. */
  lossTerms(images: tf.Tensor, context: TermContext): LossTerms;
  /** Variational kind only: the log-variance of each code unit. */
  encodeLogVar?(images: tf.Tensor): tf.Tensor;
  /** Denoising kind only: the corrupted input the encoder sees, drawn from `seed`. */
  corrupt?(images: tf.Tensor, seed: number): tf.Tensor;
  dispose(): void;
}

/** Images per inference pass where memory grows only with the batch. */
export const DEFAULT_EVALUATION_BATCH = 1000;

/** Reconstruction term of the spec's loss, mean over every pixel of every image. */
export function meanReconstruction(spec: AutoencoderSpec, target: tf.Tensor, output: tf.Tensor): tf.Scalar {
  return reconstructionLoss(spec.loss, target, output);
}

/** The same loss summed over each image's pixels and averaged over the batch (the VAE's scale). */
export function summedReconstruction(spec: AutoencoderSpec, target: tf.Tensor, output: tf.Tensor): tf.Scalar {
  return tf.mul(reconstructionLoss(spec.loss, target, output), pixelsPerImage(spec.inputShape));
}

/** Apply a single-output model. */
export function run(model: tf.LayersModel, input: tf.Tensor, training: boolean): tf.Tensor {
  return model.apply(input, { training }) as tf.Tensor;
}

/**
 * The terms object for a kind whose total is the reconstruction plus (already weighted) penalties.
 * Checks the names against `lossTermNames` so reports and the spec cannot drift apart.
 */
export function withTotal(spec: AutoencoderSpec, reconstruction: tf.Scalar, penalties: LossTerms = {}): LossTerms {
  let total: tf.Scalar = reconstruction;
  for (const penalty of Object.values(penalties)) total = tf.add(total, penalty);
  const terms: LossTerms = { reconstruction, ...penalties, total };
  const expected = lossTermNames(spec);
  if (expected.length !== Object.keys(terms).length || expected.some((name) => !(name in terms))) {
    throw new Error(`The ${spec.kind} autoencoder reported terms ${Object.keys(terms).join(', ')}, expected ${expected.join(', ')}.`);
  }
  return terms;
}

/**
 * An autoencoder whose code is the encoder's single output and whose terms are the reconstruction
 * of the clean input plus optional penalties on the code. Basic, convolutional, sparse and (with
 * `corrupt`, which the encoder sees in training instead of the clean input) denoising kinds.
 */
export function plainAutoencoder(
  spec: AutoencoderSpec,
  encoder: tf.LayersModel,
  decoder: tf.LayersModel,
  penalties?: (code: tf.Tensor) => LossTerms,
  corrupt?: (images: tf.Tensor, seed: number) => tf.Tensor,
): Autoencoder {
  return {
    spec,
    encoder,
    decoder,
    termNames: lossTermNames(spec),
    evaluationBatch: DEFAULT_EVALUATION_BATCH,
    encode: (images) => run(encoder, images, false),
    reconstruct: (images) => run(decoder, run(encoder, images, false), false),
    ...(corrupt ? { corrupt } : {}),
    lossTerms: (images, { seed, training }) => {
      const input = corrupt ? corrupt(images, seed) : images;
      const code = run(encoder, input, training);
      const output = run(decoder, code, training);
      // Always against the clean images: for the denoising kind, undoing the corruption is the task.
      return withTotal(spec, meanReconstruction(spec, images, output), penalties?.(code));
    },
    dispose: () => {
      encoder.dispose();
      decoder.dispose();
    },
  };
}
