// The typed messages between the page and the analysis worker (analysisWorker.ts), which
// measures what the current model is good for without touching the training worker.
//
// How to use it (see AnalysisClient in ./analysisClient.ts, the only page-side entry point):
//   1. `client.useDataset(key, dataset)` once per dataset: the worker keeps its own copy of the
//      pixels (bytes), labels and split. `key` is any value that changes with the dataset.
//   2. `client.useModel(slot, config, snapshot)` with a weight snapshot of both networks (from the
//      training worker's `snapshot-model`): the worker rebuilds that model on the tfjs wasm backend
//      (CPU if wasm cannot start) under the name `slot` ('main', or 'second' for compare mode).
//   3. `client.run(job)` runs one job on the data and models above and resolves with its result.
//      Messages are handled in order, so a job sent after `useModel` sees that model.
// Jobs (`AnalysisJob`), each answered by the result type of the same `kind` (`AnalysisResult`):
//   reconstruct   codes and reconstructions (pixels 0..1) of dataset images by one model
//   versus-pca    PCA of training pixels with `components` components against the model, on held-out images
//   denoise       one noise, its PSNR before and after the model, with rows to show
//   errors        each listed image's reconstruction error in the model's loss
//   compression   codes quantised at several bit depths, decoded, and JPEG at the same byte budget
// Pixels are always float32 in [0, 1], images back to back, channels last.
import type { ImageShape } from '../data/dataset';
import type { ExperimentConfig, NoiseType } from '../model/spec';
import type { WeightSnapshot } from '../train/protocol';

/** The name a model is kept under in the worker: the model on screen, or compare mode's second one. */
export type ModelSlot = 'main' | 'second';

/** Bits per code value of the compression picker; 32 means float32, unquantised. */
export type CodeBits = 32 | 8 | 6 | 4 | 2;
export const CODE_BITS: readonly CodeBits[] = [32, 8, 6, 4, 2];

export type AnalysisJob =
  | { kind: 'reconstruct'; slot: ModelSlot; indices: Int32Array }
  | {
      kind: 'versus-pca';
      slot: ModelSlot;
      /** PCA components: the model's latent size. */
      components: number;
      /** Held-out images the figures are measured on (at most `evalLimit` of the split). */
      evalLimit: number;
      /** Images whose PCA and model reconstructions are returned to be drawn. */
      showIndices: Int32Array;
      seed: number;
      /**
       * The images the model trains on (its batch order, any order): PCA is fitted on the same
       * ones, so a held-out class is left out of both. The whole training split when absent or empty.
       */
      trainIndices?: Int32Array;
    }
  | {
      kind: 'denoise';
      /** Models that each get the same noisy images (compare mode: two). */
      slots: ModelSlot[];
      noiseType: NoiseType;
      level: number;
      seed: number;
      evalLimit: number;
      showIndices: Int32Array;
    }
  | { kind: 'errors'; slot: ModelSlot; indices: Int32Array }
  | {
      kind: 'compression';
      slot: ModelSlot;
      evalLimit: number;
      /** Images JPEG is searched for, one search each (slow: a few dozen is plenty). */
      jpegLimit: number;
      showIndices: Int32Array;
    };

export interface ReconstructResult {
  kind: 'reconstruct';
  codes: Float32Array;
  pixels: Float32Array;
}

export interface VersusPcaResult {
  kind: 'versus-pca';
  /** Mean over held-out images of the model's reconstruction loss (per pixel), for PCA and the model. */
  pcaError: number;
  modelError: number;
  /** The loss both errors are in: 'mse' or 'bce'. */
  loss: 'mse' | 'bce';
  evaluated: number;
  /** Reconstructions of `showIndices`, PCA's and the model's. */
  pcaPixels: Float32Array;
  modelPixels: Float32Array;
  /** Every dataset image on the first two principal components (x, y interleaved). */
  pcaMap: Float32Array;
  pcaAxisNames: [string, string];
  /** Held-out 5-NN accuracy of that 2-D map. */
  pcaKnnAccuracy: number;
  /** Share of the training pixels' variance the components keep. */
  explainedVariance: number;
  fittedImages: number;
}

export interface DenoiseResult {
  kind: 'denoise';
  evaluated: number;
  /** Mean PSNR (dB) over the evaluated held-out images of noisy against clean. */
  psnrNoisy: number;
  /** The same for each model's output against clean, in `slots` order. */
  psnrDenoised: number[];
  noisyPixels: Float32Array;
  /** Each model's outputs for `showIndices`, in `slots` order. */
  outputPixels: Float32Array[];
}

export interface ErrorsResult {
  kind: 'errors';
  /** Per listed image: the mean over its pixels of the model's reconstruction loss. */
  errors: Float32Array;
}

export interface CompressionRow {
  bits: CodeBits;
  /** Bytes of one image's code at this depth. */
  codeBytes: number;
  /** Mean PSNR (dB) of the decoded quantised codes over the evaluated images. */
  psnr: number;
  /** Reconstructions of `showIndices` at this depth. */
  pixels: Float32Array;
  /** JPEG at the same byte budget: mean PSNR, mean scan bytes, and how many images fit the budget at all. */
  jpegPsnr: number;
  jpegBytes: number;
  jpegFitted: number;
  jpegSearched: number;
  /** JPEG decodes of `showIndices` at this budget (empty where JPEG is unavailable). */
  jpegPixels: Float32Array;
}

export interface CompressionResult {
  kind: 'compression';
  evaluated: number;
  /** Input bytes per image at 8 bits per value. */
  inputBytes: number;
  rows: CompressionRow[];
  /** Why JPEG could not be measured, when it could not (no OffscreenCanvas in this worker). */
  jpegProblem?: string;
}

export type AnalysisResult = ReconstructResult | VersusPcaResult | DenoiseResult | ErrorsResult | CompressionResult;

/** The result type for a job kind. */
export type ResultOf<K extends AnalysisJob['kind']> = Extract<AnalysisResult, { kind: K }>;

export type AnalysisCommand =
  | { type: 'load-data'; key: number; images: Uint8Array; labels: Uint8Array; shape: ImageShape; train: Int32Array; heldOut: Int32Array }
  | { type: 'set-model'; slot: ModelSlot; key: string; config: ExperimentConfig; encoder: WeightSnapshot; decoder: WeightSnapshot }
  | { type: 'run'; id: number; job: AnalysisJob };

export type AnalysisEvent =
  | { type: 'backend'; name: string }
  | { type: 'result'; id: number; result: AnalysisResult }
  | { type: 'failed'; id: number; message: string };

/** Buffers of a message that can move instead of being copied. */
export function analysisTransferables(message: AnalysisCommand | AnalysisEvent): Transferable[] {
  if (message.type === 'load-data') return [message.images.buffer, message.labels.buffer, message.train.buffer, message.heldOut.buffer];
  if (message.type === 'set-model') return [...message.encoder.values, ...message.decoder.values].map((v) => v.buffer);
  if (message.type !== 'result') return [];
  const result = message.result;
  switch (result.kind) {
    case 'reconstruct':
      return [result.codes.buffer, result.pixels.buffer];
    case 'versus-pca':
      return [result.pcaPixels.buffer, result.modelPixels.buffer, result.pcaMap.buffer];
    case 'denoise':
      return [result.noisyPixels.buffer, ...result.outputPixels.map((p) => p.buffer)];
    case 'errors':
      return [result.errors.buffer];
    case 'compression':
      return result.rows.flatMap((row) => [row.pixels.buffer, row.jpegPixels.buffer]);
  }
}
