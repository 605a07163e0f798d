// The main thread's handle on training: starts the worker (or, if workers cannot start, runs the
// session in the page), sends typed commands, and keeps a main-thread copy of the decoder so the
// probe decodes at every animation frame without waiting for a training step.
import * as tf from '../lib/tf';
import { DecoderReplica } from '../model/decoderReplica';
import type { AutoencoderSpec } from '../model/spec';
import type { NetworkLayout } from '../model/layout';
import type { TrainerState } from './trainerState';
import { transferablesOf, type PageCommand, type WeightSnapshot, type WorkerCommand, type WorkerEvent } from './protocol';
import { PageModelTags } from './pageModelTags';
import { STATE_KEEP_INTERVAL_MS, WorkerRecoveryLog } from './workerRecovery';
import { createTrainingWorker, takeEarlyWorker, type StartedWorker } from './earlyWorker';

export type EventListener = (event: WorkerEvent) => void;

/** The model's codes and reconstructions (pixels 0..1) of images handed to `encodeImages`, back to back. */
export interface EncodedImages {
  codes: Float32Array;
  reconstructions: Float32Array;
}

/** Both networks' weights at one training step, and the indices the current epoch trains on. */
export interface ModelSnapshot {
  encoder: WeightSnapshot;
  decoder: WeightSnapshot;
  globalStep: number;
  batchOrder: Int32Array;
}

/** The training worker's whole state at one step, and the layouts to write it as tfjs model files. */
export interface ExportedTraining {
  state: TrainerState;
  layouts: { encoder: NetworkLayout; decoder: NetworkLayout };
}

export class TrainingClient {
  private worker: Worker | null = null;
  private inPageSession: { handle(command: WorkerCommand): Promise<void> } | null = null;
  private pending: WorkerCommand[] = [];
  private replica: DecoderReplica | null = null;
  private replicaSpec = '';
  private decoderReady = false;
  private latestWeights: WeightSnapshot | null = null;
  private readonly mainThreadTf: Promise<void>;
  private nextEncodeId = 1;
  /** `encodeImages` requests waiting for their answer, by id. */
  private readonly pendingEncodes = new Map<number, { resolve: (result: EncodedImages) => void; reject: (error: Error) => void }>();
  private readonly pendingSnapshots = new Map<number, { resolve: (result: ModelSnapshot) => void; reject: (error: Error) => void }>();
  private readonly pendingStates = new Map<number, { resolve: (result: ExportedTraining) => void; reject: (error: Error) => void }>();
  /** Increases whenever the decoder's weights change, so views know to decode again. */
  decoderVersion = 0;

  /** Which model the page asked for last, so a replaced model's late events are dropped. */
  private readonly modelTags = new PageModelTags();
  /** The data, settings and latest state a replacement worker would need. */
  private readonly recovery = new WorkerRecoveryLog(performance.now());
  private readonly watchdog: ReturnType<typeof setInterval>;
  private lastStateKeptAt = 0;

  constructor(private readonly onEvent: EventListener, private readonly onNotice: (text: string) => void) {
    // The main thread only decodes one code at a time: the CPU backend does that in well under a
    // millisecond and never competes with the worker for the GPU.
    this.mainThreadTf = tf.setBackend('cpu').then(() => undefined);
    try {
      this.startWorker(takeEarlyWorker());
    } catch (error) {
      onNotice(`Web Workers are not available (${String(error)}); training runs in the page and may stutter.`);
      void this.startInPage();
    }
    // Once a second: replace a worker that has gone silent while training, and keep its state fresh.
    this.watchdog = setInterval(() => this.watch(), 1000);
  }

  /** The worker the page's entry started, the first time; a new one after a crash. */
  private startWorker(early: StartedWorker | null = null): Worker {
    const worker = early?.worker ?? createTrainingWorker();
    const onMessage = (event: MessageEvent<WorkerEvent>) => {
      this.recovery.recordEvent(event.data, performance.now());
      this.receive(event.data);
    };
    const onError = (event: ErrorEvent) => {
      event.preventDefault();
      this.replaceWorker(`The training worker crashed (${event.message || 'unknown error'})`);
    };
    worker.onmessage = onMessage;
    worker.onerror = onError;
    this.worker = worker;
    // What it said before this client listened, in order (a crash replaces it, so stop there).
    for (const missed of early?.missed ?? []) {
      if (missed.kind === 'error') {
        onError(missed.event);
        break;
      }
      onMessage(missed.event as MessageEvent<WorkerEvent>);
    }
    return worker;
  }

  private watch(): void {
    if (!this.worker) return;
    const now = performance.now();
    if (this.recovery.isSilent(now)) {
      this.replaceWorker('The training worker stopped answering');
      return;
    }
    if (this.recovery.status === 'training' && now - this.lastStateKeptAt > STATE_KEEP_INTERVAL_MS) this.keepLatestState();
  }

  /** Ask the worker for its whole state and keep it (cheap next to training: a few MB every few seconds). */
  private keepLatestState(): void {
    this.lastStateKeptAt = performance.now();
    const token = this.recovery.stateRequestToken();
    this.exportState().then(
      ({ state }) => this.recovery.keepState(state, token),
      () => {}, // no model yet, or the worker went away: the previous state stays
    );
  }

  /** Replace a crashed or silent worker by a fresh one carried on from the last state the page holds. */
  private replaceWorker(reason: string): void {
    this.rejectPendingEncodes('The training worker stopped before it answered.');
    this.worker?.terminate();
    this.worker = null;
    const now = performance.now();
    const from = this.recovery.keptStep;
    const redone = Math.max(0, this.recovery.reportedStep - from);
    const lost = redone > 0 ? ` (the last ${redone} steps are trained again)` : '';
    this.recovery.workerReplaced(now);
    if (!this.recovery.allowRestart(now)) {
      this.onNotice(`${reason} again; training moved into the page and carries on from step ${from}${lost}.`);
      this.pending = this.recovery.replay();
      void this.startInPage();
      return;
    }
    let worker: Worker;
    try {
      worker = this.startWorker();
    } catch {
      this.pending = this.recovery.replay();
      void this.startInPage();
      return;
    }
    for (const command of this.recovery.replay()) worker.postMessage(command, transferablesOf(command));
    this.onNotice(`${reason}; a new one carries on from step ${from} with the same weights and optimizer state${lost}.`);
  }

  private async startInPage(): Promise<void> {
    const { TrainingSession } = await import('./session/trainingSession');
    const session = new TrainingSession((event) => this.receive(event));
    this.inPageSession = session;
    for (const command of this.pending) void session.handle(command);
    this.pending = [];
  }

  /** Send a command; one that asks for a new model is numbered, and the old model's events stop here. */
  send(pageCommand: PageCommand): void {
    const command = this.modelTags.stamp(pageCommand);
    this.recovery.recordCommand(command);
    if (command.type === 'configure' || command.type === 'restore') this.prepareReplica(command.config.spec);
    if (this.worker) {
      this.worker.postMessage(command, transferablesOf(command));
    } else if (this.inPageSession) {
      void this.inPageSession.handle(command);
    } else {
      this.pending.push(command);
    }
  }

  private prepareReplica(spec: AutoencoderSpec): void {
    const key = JSON.stringify(spec);
    if (key === this.replicaSpec) return;
    this.replica?.dispose();
    this.replica = null;
    this.decoderReady = false;
    this.replicaSpec = key;
    void this.mainThreadTf.then(() => {
      if (this.replicaSpec !== key) return;
      this.replica = new DecoderReplica(spec);
      if (this.latestWeights) this.applyWeights(this.latestWeights);
    });
  }

  private receive(event: WorkerEvent): void {
    // The page reset its view when it asked for the new model; what the old one still sends would
    // show its figures, map or decoder for the new one. Dropped before the decoder copy takes weights.
    if (!this.modelTags.accepts(event)) return;
    // Answers go to the request that asked, not to the app's event stream.
    if (event.type === 'encoded-images') {
      const pending = this.pendingEncodes.get(event.id);
      this.pendingEncodes.delete(event.id);
      if (event.error !== undefined) pending?.reject(new Error(event.error));
      else pending?.resolve({ codes: event.codes, reconstructions: event.reconstructions });
      return;
    }
    if (event.type === 'model-snapshot') {
      const pending = this.pendingSnapshots.get(event.id);
      this.pendingSnapshots.delete(event.id);
      if (event.error !== undefined) pending?.reject(new Error(event.error));
      else pending?.resolve({ encoder: event.encoder, decoder: event.decoder, globalStep: event.globalStep, batchOrder: event.batchOrder });
      return;
    }
    if (event.type === 'trainer-state') {
      const pending = this.pendingStates.get(event.id);
      this.pendingStates.delete(event.id);
      if (event.state && event.layouts) pending?.resolve({ state: event.state, layouts: event.layouts });
      else pending?.reject(new Error(event.error ?? 'The training state could not be read.'));
      return;
    }
    if (event.type === 'decoder-weights') {
      this.latestWeights = event.weights;
      this.applyWeights(event.weights);
    }
    this.onEvent(event);
  }

  private applyWeights(weights: WeightSnapshot): void {
    if (!this.replica) return;
    try {
      this.replica.setWeights(weights);
      this.decoderReady = true;
      this.decoderVersion++;
    } catch {
      // Weights from a model that was just replaced; the new model's weights follow.
    }
  }

  /** Decode one latent code into pixels (0..1), or null before the first weights arrive. */
  decode(code: Float32Array): Float32Array | null {
    if (!this.replica || !this.decoderReady) return null;
    return this.replica.decode(code);
  }

  /** Decode several codes at once, or null before the first weights arrive. */
  decodeMany(codes: Float32Array, count: number): Float32Array | null {
    if (!this.replica || !this.decoderReady) return null;
    return this.replica.decodeMany(codes, count);
  }

  /**
   * The worker model's codes and reconstructions of `count` images of the model's input shape
   * (pixels 0..1, back to back). `pixels` is transferred: the caller's array is emptied. Rejects
   * when there is no model yet or the images do not fit it.
   */
  encodeImages(pixels: Float32Array, count: number): Promise<EncodedImages> {
    const id = this.nextEncodeId++;
    return new Promise<EncodedImages>((resolve, reject) => {
      this.pendingEncodes.set(id, { resolve, reject });
      this.send({ type: 'encode-images', id, pixels, count });
    });
  }

  /** The training model's weights (encoder and decoder) now; rejects when there is no model yet. */
  snapshotModel(): Promise<ModelSnapshot> {
    const id = this.nextEncodeId++;
    return new Promise<ModelSnapshot>((resolve, reject) => {
      this.pendingSnapshots.set(id, { resolve, reject });
      this.send({ type: 'snapshot-model', id });
    });
  }

  /** The whole training state now (weights, Adam moments, step); rejects when there is no model yet. */
  exportState(): Promise<ExportedTraining> {
    const id = this.nextEncodeId++;
    return new Promise<ExportedTraining>((resolve, reject) => {
      this.pendingStates.set(id, { resolve, reject });
      this.send({ type: 'export-state', id });
    });
  }

  private rejectPendingEncodes(message: string): void {
    for (const pending of this.pendingStates.values()) pending.reject(new Error(message));
    this.pendingStates.clear();
    for (const pending of this.pendingEncodes.values()) pending.reject(new Error(message));
    this.pendingEncodes.clear();
    for (const pending of this.pendingSnapshots.values()) pending.reject(new Error(message));
    this.pendingSnapshots.clear();
  }

  dispose(): void {
    this.rejectPendingEncodes('Training was stopped.');
    clearInterval(this.watchdog);
    this.worker?.terminate();
    this.replica?.dispose();
  }
}
