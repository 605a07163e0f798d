// The typed messages between the main thread and the training worker.
// Commands flow in, events flow out; big arrays travel as transferables (see `transferablesOf`).
import type { ImageShape } from '../data/dataset';
import type { ExperimentConfig } from '../model/spec';
import type { NetworkLayout } from '../model/layout';
import type { OptimizerState, TrainerState } from './trainerState';
import type { BackendName } from '../backends/backendName';
import type { BrowserGap } from '../backends/browserGaps';
import type { WeightSnapshot } from '../model/weights';

export type { BackendName, BrowserGap, OptimizerState, TrainerState, WeightSnapshot };

export type TrainerStatus = 'idle' | 'preparing' | 'training' | 'paused' | 'done';

/**
 * The number the page gives each model it asks for ('configure', 'restore', 'reset'). The page
 * resets its view of the model when it sends such a command, but the worker may still be sending
 * the old model's progress and map (a refresh under way) before it runs the command. So the worker
 * tags every event about a model (see `isModelEvent`) with the tag of the last such command it has
 * run, and the page drops the events of a model it has replaced.
 */
export type ModelTag = number;

export type WorkerCommand =
  /** Hand the dataset over once; pixels move to the worker (transfer), labels are copied. */
  | { type: 'load-data'; images: Uint8Array; labels: Uint8Array; shape: ImageShape; train: Int32Array; heldOut: Int32Array }
  /** (Re)build the model from scratch with this config. Stops any running training. */
  | { type: 'configure'; config: ExperimentConfig; model: ModelTag }
  | { type: 'train' }
  | { type: 'pause' }
  /** One gradient step on one batch, then pause. */
  | { type: 'step' }
  /** Throw the trained weights away and start again from the seeded initialisation. */
  | { type: 'reset'; model: ModelTag }
  /** Also send each image's reconstruction error with every map refresh (costs a forward pass of all images). */
  | { type: 'want-reconstruction-errors'; enabled: boolean }
  /** Move to another backend, keeping weights and optimizer state. `null` = measure and pick. */
  | { type: 'set-backend'; backend: BackendName | null }
  /**
   * Encode and reconstruct images that are not in the dataset (a drawing): `count` images of the
   * model's input shape, pixels 0..1, back to back. Answered by one `encoded-images` with the same id.
   */
  | { type: 'encode-images'; id: number; pixels: Float32Array; count: number }
  /** Train without the images of this class (null: train on every class); applies from the next model built. */
  | { type: 'exclude-class'; label: number | null }
  /** Copy the whole model's weights (encoder and decoder), answered by one `model-snapshot` with the same id. */
  | { type: 'snapshot-model'; id: number }
  /** Copy the whole training state (weights, Adam moments, step), answered by one `trainer-state` with the same id. */
  | { type: 'export-state'; id: number }
  /** Build the model for `config` and carry on from a saved state instead of the seeded start. */
  | { type: 'restore'; config: ExperimentConfig; state: TrainerState; model: ModelTag };

/** A command as the page writes it: the client gives a command that asks for a new model its tag. */
export type PageCommand = WithoutTag<WorkerCommand>;

/** `T` without its `model` tag, member by member of a union. */
type WithoutTag<T> = T extends { model: ModelTag } ? Omit<T, 'model'> : T;

export interface BackendReport {
  name: BackendName;
  /** Started and ran the model's self-test. */
  works: boolean;
  /** Training images per second measured by the self-test, if it ran. */
  imagesPerSecond?: number;
  /** Why it does not work, in words. */
  problem?: string;
  /** How it runs, in words: "2 threads" for wasm, the GPU's name (adapter or renderer) for WebGPU and WebGL. */
  detail?: string;
}

export interface ProgressFigures {
  epoch: number;
  /** Step within the epoch, 1-based. */
  step: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** Steps done since the model was built. */
  globalStep: number;
  imagesPerSecond: number;
  /** Seconds left until the last epoch ends, at the current speed. */
  secondsLeft: number;
  batchLoss: number;
  /** The last batch's loss terms, e.g. { reconstruction, kl, total } (see `lossTermNames`). */
  batchTerms?: Record<string, number>;
  /** Which engine trains on the backend ("WGSL step", "wasm dense step", "tfjs autodiff"). */
  engine: string;
  /** Why a faster engine for this model could not run here, where one was passed over. */
  engineNote?: string;
}

/**
 * How the backend in use was chosen: `guess` from feature detection while the measurement runs
 * in the background, `measured` by the self-test, `user` by hand, `fallback` after a failure.
 */
/** How the backend was chosen; 'only': it is the one backend worth timing here, so nothing was timed. */
export type BackendChoice = 'guess' | 'measured' | 'only' | 'user' | 'fallback';

/** What the session says about the model it trains; on the way to the page each carries the model's tag. */
export type ModelEvent =
  | { type: 'status'; status: TrainerStatus }
  | { type: 'progress'; figures: ProgressFigures }
  /**
   * trainLoss: mean of the epoch's batch losses (the total objective); heldOutLoss: the same
   * objective on the held-out images. The terms break both down by name, `total` included.
   */
  | {
      type: 'epoch-end';
      epoch: number;
      trainLoss: number;
      heldOutLoss: number;
      trainTerms?: Record<string, number>;
      heldOutTerms?: Record<string, number>;
    }
  /**
   * Latent codes of every image in the dataset (row i = image i), `latentDim` floats each; for the
   * variational kind the means, with each unit's log-variance in `logVar` (same layout).
   */
  | { type: 'latents'; codes: Float32Array; latentDim: number; globalStep: number; logVar?: Float32Array }
  /** The code layer's outputs for the held-out images (row-major, `latentDim` each), for the activation histogram. */
  | { type: 'code-activations'; values: Float32Array; latentDim: number; globalStep: number }
  /** The decoder's latest weights, for the main-thread copy that decodes the probe. */
  | { type: 'decoder-weights'; weights: WeightSnapshot; globalStep: number }
  /** Mean squared reconstruction error of every image in the dataset (row i = image i). */
  | { type: 'reconstruction-errors'; errors: Float32Array; globalStep: number }
  /**
   * Held-out originals (dataset indices) and their reconstructions, pixels 0..1. For the denoising
   * kind, `noisy` holds the corrupted inputs and `pixels` what the model made of them.
   */
  | { type: 'reconstructions'; indices: Int32Array; pixels: Float32Array; globalStep: number; noisy?: Float32Array };

/** The rest, which holds whatever model the page shows: backends, notices, answers to the page's questions. */
export type OtherEvent =
  | { type: 'backends'; reports: BackendReport[]; chosen: BackendName; how: BackendChoice }
  /** The measurement found a faster backend and training moved there, progress kept; the message says so. */
  | { type: 'backend-moved'; from: BackendName; to: BackendName; message: string }
  /** A backend failed mid-run; training moved to `to`. The message says why, for a visible notice. */
  | { type: 'backend-fallback'; from: BackendName; to: BackendName; message: string }
  /** A faster engine for this model could not run on the backend (a GPU's limit, a refused shader); the message says which trains instead and why. */
  | { type: 'engine-passed-over'; message: string }
  /** Features the app would use that this browser lacks (feature detection in the worker), sent once when the worker starts. */
  | { type: 'browser-gaps'; gaps: BrowserGap[] }
  /**
   * The answer to `encode-images` with the same id: `latentDim` code values and one reconstruction
   * (pixels 0..1) per image, back to back. With `error` set (no model yet, wrong size) both are empty.
   */
  | { type: 'encoded-images'; id: number; codes: Float32Array; reconstructions: Float32Array; error?: string }
  /**
   * The answer to `snapshot-model`: both networks' weights at `globalStep`, and `batchOrder`, the
   * dataset indices the current epoch draws its training batches from (so a page can check what
   * the model is trained on). With `error` set (no model yet) the snapshots are empty.
   */
  | {
      type: 'model-snapshot';
      id: number;
      encoder: WeightSnapshot;
      decoder: WeightSnapshot;
      globalStep: number;
      batchOrder: Int32Array;
      error?: string;
    }
  /**
   * The answer to `export-state`: everything needed to resume training, and each network's layer
   * topology for writing it in the tfjs model format. With `error` set (no model yet) state is null.
   */
  | { type: 'trainer-state'; id: number; state: TrainerState | null; layouts: { encoder: NetworkLayout; decoder: NetworkLayout } | null; error?: string }
  /** Something failed that the user should read; training state is kept. */
  | { type: 'error'; message: string };

/** An event as the session's parts emit it, before it is tagged. */
export type SessionEvent = ModelEvent | OtherEvent;

/** An event as the page receives it: each model event names its model. */
export type WorkerEvent = (ModelEvent & { model: ModelTag }) | OtherEvent;

/** Every event type, classed: true for an event about the model, false for the rest. */
const ABOUT_THE_MODEL: { [Type in SessionEvent['type']]: Type extends ModelEvent['type'] ? true : false } = {
  status: true,
  progress: true,
  'epoch-end': true,
  latents: true,
  'code-activations': true,
  'decoder-weights': true,
  'reconstruction-errors': true,
  reconstructions: true,
  backends: false,
  'backend-moved': false,
  'backend-fallback': false,
  'engine-passed-over': false,
  'browser-gaps': false,
  'encoded-images': false,
  'model-snapshot': false,
  'trainer-state': false,
  error: false,
};

/** Whether the event is about the model trained (and so carries, or gets, its tag). */
export function isModelEvent<Event extends SessionEvent | WorkerEvent>(event: Event): event is Extract<Event, ModelEvent> {
  return ABOUT_THE_MODEL[event.type];
}

/** The buffers of an event or command that can be transferred instead of copied. */
export function transferablesOf(message: SessionEvent | WorkerCommand): Transferable[] {
  switch (message.type) {
    case 'load-data':
      return [message.images.buffer, message.train.buffer, message.heldOut.buffer];
    case 'latents':
      return message.logVar ? [message.codes.buffer, message.logVar.buffer] : [message.codes.buffer];
    case 'code-activations':
      return [message.values.buffer];
    case 'decoder-weights':
      return message.weights.values.map((v) => v.buffer);
    case 'reconstructions':
      return message.noisy
        ? [message.indices.buffer, message.pixels.buffer, message.noisy.buffer]
        : [message.indices.buffer, message.pixels.buffer];
    case 'reconstruction-errors':
      return [message.errors.buffer];
    case 'encode-images':
      return [message.pixels.buffer];
    case 'encoded-images':
      return [message.codes.buffer, message.reconstructions.buffer];
    case 'model-snapshot':
      return [...message.encoder.values, ...message.decoder.values, message.batchOrder].map((v) => v.buffer);
    case 'trainer-state':
    case 'restore':
      return message.state ? trainerStateBuffers(message.state) : [];
    default:
      return [];
  }
}

function trainerStateBuffers(state: TrainerState): Transferable[] {
  const { encoder, decoder, optimizer, epochOrder } = state;
  return [encoder, decoder, optimizer.firstMoments, optimizer.secondMoments]
    .flatMap((snapshot) => snapshot.values.map((values) => values.buffer))
    .concat(epochOrder.buffer);
}
