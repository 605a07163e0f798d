// The trainer's plain data types (no tensors): what it trains on, the state that carries training
// to another backend or a saved file, and loss figures. The protocol and the trainer both take them from here.
import type { ImageShape } from '../data/dataset';
import type { WeightSnapshot } from '../model/weights';
import type { OptimizerState } from './engines/trainingEngine';

export type { OptimizerState };

export interface TrainerData {
  /** Pixels 0..255 of the whole dataset, image after image (N * H * W * C bytes). */
  images: Uint8Array;
  shape: ImageShape;
  /** Dataset indices trained on. */
  train: Int32Array;
  /** Dataset indices kept for evaluation. */
  heldOut: Int32Array;
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

/** Loss terms by name as plain numbers, e.g. { reconstruction, kl, total }. */
export type TermValues = Record<string, number>;
