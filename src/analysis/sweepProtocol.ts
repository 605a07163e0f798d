// Messages between the page and the bottleneck-sweep worker (sweepWorker.ts). One sweep per
// worker: the page starts it with the data and the current config, the worker reports each size
// as it goes; cancelling ends the worker, so a sweep never outlives its page-side handle.
import type { ImageShape } from '../data/dataset';
import type { ExperimentConfig } from '../model/spec';
import type { BackendName } from '../train/protocol';
import type { SweepPoint } from './bottleneckSweep';

export interface SweepRequest {
  type: 'start';
  images: Uint8Array;
  labels: Uint8Array;
  classCount: number;
  shape: ImageShape;
  train: Int32Array;
  heldOut: Int32Array;
  /** The current model's config; only the latent size changes between sizes. */
  config: ExperimentConfig;
  sizes: number[];
  secondsPerSize: number;
  /** Train each size on this many training images (seeded choice), or on all of them when null. */
  subsetSize: number | null;
  /** The backend the current model trains on, tried first. */
  preferredBackend: BackendName | null;
}

export type SweepEvent =
  | { type: 'backend'; name: BackendName }
  /** Training of one size is under way: `elapsed` of `secondsPerSize` seconds, `steps` so far. */
  | { type: 'progress'; latentDim: number; index: number; elapsed: number; steps: number }
  /** One size is measured. `measureSeconds` is how long its figures took after training. */
  | { type: 'point'; index: number; point: SweepPoint; measureSeconds: number }
  | { type: 'size-failed'; index: number; latentDim: number; message: string }
  | { type: 'done'; trainedOn: number }
  | { type: 'error'; message: string };

export function sweepTransferables(request: SweepRequest): Transferable[] {
  return [request.images.buffer, request.labels.buffer, request.train.buffer, request.heldOut.buffer];
}
