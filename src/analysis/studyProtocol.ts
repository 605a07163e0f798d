// Messages between the page and the study worker (studyWorker.ts), which measures two uses of the
// current model off the main thread: generating new images, and its codes as features for a
// classifier. The page hands over the dataset once, then one job at a time with the model's codes
// (and, for generation, its decoder's weights). Pixels are float32 in [0, 1], images back to back.
import type { ImageShape } from '../data/dataset';
import type { AutoencoderSpec } from '../model/spec';
import type { WeightSnapshot } from '../train/protocol';

export type StudyJob =
  | {
      kind: 'generation';
      spec: AutoencoderSpec;
      decoder: WeightSnapshot;
      /** Every dataset image's code, `spec.latentDim` values each (the Gaussian is fitted to the training rows). */
      codes: Float32Array;
      /** Samples per grid. */
      count: number;
      seed: number;
    }
  | {
      kind: 'features';
      /** Every dataset image's code. */
      codes: Float32Array;
      latentDim: number;
      seed: number;
    };

/** How one grid of samples scores against the training images. */
export interface GridScore {
  /** Mean over samples of the root-mean-square pixel distance to the nearest training image. */
  meanNearestDistance: number;
  /** Share of samples whose 5 nearest training images agree on a class at least 4 times. */
  confidentShare: number;
  /** Per sample: 1 where the neighbours were confident. */
  confident: Uint8Array;
  /** Per sample: the neighbours' majority class. */
  majorityLabel: Uint8Array;
}

export interface GenerationResult {
  kind: 'generation';
  /** Samples from N(0, I), decoded. */
  prior: { pixels: Float32Array; score: GridScore };
  /** Samples from the Gaussian fitted to the training codes (null for the VAE, whose prior is N(0, I)). */
  fitted: { pixels: Float32Array; score: GridScore; ridge: number } | null;
  /** The same score for real held-out images: what a perfect generator would get. */
  heldOut: GridScore;
  /** Training images the samples were compared with. */
  referenceCount: number;
}

export interface ProbeFigures {
  /** Held-out accuracy in [0, 1]. */
  accuracy: number;
  /** Inputs per image the probe read. */
  features: number;
  epochs: number;
}

export interface FeaturesResult {
  kind: 'features';
  classCount: number;
  codes: ProbeFigures & { confusion: Uint32Array };
  pixels: ProbeFigures;
  pca: ProbeFigures & { explained: number };
  trainCount: number;
  testCount: number;
}

export type StudyResult = GenerationResult | FeaturesResult;
export type StudyResultOf<K extends StudyJob['kind']> = Extract<StudyResult, { kind: K }>;

export type StudyCommand =
  | { type: 'load-data'; images: Uint8Array; labels: Uint8Array; classCount: number; shape: ImageShape; train: Int32Array; heldOut: Int32Array }
  | { type: 'run'; id: number; job: StudyJob };

export type StudyEvent = { type: 'result'; id: number; result: StudyResult } | { type: 'failed'; id: number; message: string };

export function studyTransferables(message: StudyCommand | StudyEvent): Transferable[] {
  switch (message.type) {
    case 'load-data':
      return [message.images.buffer, message.labels.buffer, message.train.buffer, message.heldOut.buffer];
    case 'run':
      return message.job.kind === 'generation'
        ? [message.job.codes.buffer, ...message.job.decoder.values.map((v) => v.buffer)]
        : [message.job.codes.buffer];
    case 'result': {
      const result = message.result;
      if (result.kind === 'features') return [result.codes.confusion.buffer];
      return result.fitted ? [result.prior.pixels.buffer, result.fitted.pixels.buffer] : [result.prior.pixels.buffer];
    }
    default:
      return [];
  }
}
