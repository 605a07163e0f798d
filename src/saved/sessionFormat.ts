// The session file's format: its name and version, the files inside the zip, what a session holds,
// and the error every reader's fault becomes. Writing is in sessionWrite.ts, reading in sessionRead.ts.
import type { ImageShape } from '../data/dataset';
import type { NetworkLayout } from '../model/layout';
import type { RawSettings } from '../model/validate';
import type { TrainerState } from '../train/protocol';
import type { LossPoint } from '../state/appState';
import type { SessionView } from '../state/mapViewState';

export const SESSION_FORMAT = 'latent-explorer-session';
export const SESSION_VERSION = 1;
/** A session file larger than this is refused before it is unpacked. */
export const MAX_SESSION_FILE_BYTES = 1024 * 1024 * 1024;

export type BuiltInDatasetId = 'mnist' | 'shapes' | 'shapes-rgb' | 'emoji';
export const BUILT_IN_DATASET_IDS: readonly BuiltInDatasetId[] = ['mnist', 'shapes', 'shapes-rgb', 'emoji'];

/**
 * Which images the model was trained on. Built-in sets are reproducible, so they are named, not
 * stored; the user's own files are stored only on request (`stored`), else asked for again.
 */
export interface DatasetReference {
  source: 'built-in' | 'files';
  /** Built-in sets only: which one. */
  builtIn?: BuiltInDatasetId;
  name: string;
  count: number;
  shape: ImageShape;
  /** `datasetFingerprint` of the set: tells whether files loaded later are the same images. */
  fingerprint: string;
  stored: boolean;
}

/** The user's own images and labels, kept in the file when they asked for it. */
export interface StoredDataset {
  images: Uint8Array;
  labels: Uint8Array;
  classNames: string[];
}

/** Everything a session file holds, checked (when read) and ready to use. */
export interface SessionContents {
  /** ISO 8601 time of saving. */
  savedAt: string;
  dataset: DatasetReference;
  /** The images themselves, when the user asked for their own data to be stored. */
  data: StoredDataset | null;
  rawSettings: RawSettings;
  split: { train: Int32Array; heldOut: Int32Array };
  losses: LossPoint[];
  view: SessionView;
  training: TrainerState;
  layouts: { encoder: NetworkLayout; decoder: NetworkLayout };
}

/** A session file that cannot be used; the message says what is wrong in the user's words. */
export class SessionFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionFileError';
  }
}

/** The files inside a session zip: the two networks in tfjs Layers format, Adam's moments, the split, and optionally the images. */
export const SESSION_FILES = {
  session: 'session.json',
  encoderJson: 'encoder/model.json',
  encoderWeights: 'encoder/model.weights.bin',
  decoderJson: 'decoder/model.json',
  decoderWeights: 'decoder/model.weights.bin',
  firstMoments: 'optimizer/first-moments.bin',
  secondMoments: 'optimizer/second-moments.bin',
  train: 'split/train.i32',
  heldOut: 'split/held-out.i32',
  epochOrder: 'split/epoch-order.i32',
  images: 'data/images.u8',
  labels: 'data/labels.u8',
} as const;
/** Each network's weights file, as its model.json's weights manifest names it. */
export const WEIGHTS_FILE_NAME = 'model.weights.bin';

/** An image shape as messages write it: 28×28×1. */
export function shapeText(shape: readonly number[]): string {
  return shape.join('×');
}
