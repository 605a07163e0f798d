// The page's handle on the analysis worker: hands it the dataset and model snapshots, runs jobs,
// and matches each answer to its request. See analysisProtocol.ts for the jobs and their results.
import type { ImageShape } from '../data/dataset';
import type { ExperimentConfig } from '../model/spec';
import type { WeightSnapshot } from '../train/protocol';
import {
  analysisTransferables,
  type AnalysisCommand,
  type AnalysisEvent,
  type AnalysisJob,
  type ModelSlot,
  type ResultOf,
} from './analysisProtocol';

export interface AnalysisDataset {
  images: Uint8Array;
  labels: Uint8Array;
  shape: ImageShape;
  split: { train: Int32Array; heldOut: Int32Array };
}

export class AnalysisClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();
  private datasetKey: unknown = null;
  private datasetNumber = 0;
  private readonly modelKeys = new Map<ModelSlot, string>();
  /** The tfjs backend the worker runs on, once it has said. */
  backend: string | null = null;

  /** The worker starts on first use, and again after `dispose`, so creating a client costs nothing. */
  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./analysisWorker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<AnalysisEvent>) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.rejectAll(`The analysis worker stopped (${event.message || 'unknown error'}).`);
      this.forget();
    };
    this.worker = worker;
    return worker;
  }

  /** Drop the worker and what it held; the next call starts a fresh one. */
  private forget(): void {
    this.worker?.terminate();
    this.worker = null;
    this.datasetKey = null;
    this.modelKeys.clear();
  }

  /** Give the worker the dataset, unless it already has this one (`key` identifies it, e.g. the dataset object). */
  useDataset(key: unknown, dataset: AnalysisDataset): void {
    if (key === this.datasetKey) return;
    this.datasetKey = key;
    this.modelKeys.clear();
    this.post({
      type: 'load-data',
      key: ++this.datasetNumber,
      images: dataset.images.slice(),
      labels: dataset.labels.slice(),
      shape: dataset.shape,
      train: dataset.split.train.slice(),
      heldOut: dataset.split.heldOut.slice(),
    });
  }

  /**
   * Rebuild a model in the worker from a weight snapshot, unless the slot already holds the same
   * one (`key` identifies config and training step). The snapshot's arrays are copied, not moved.
   */
  useModel(slot: ModelSlot, key: string, config: ExperimentConfig, encoder: WeightSnapshot, decoder: WeightSnapshot): void {
    if (this.modelKeys.get(slot) === key) return;
    this.modelKeys.set(slot, key);
    const copy = (snapshot: WeightSnapshot): WeightSnapshot => ({ shapes: snapshot.shapes, values: snapshot.values.map((v) => v.slice()) });
    this.post({ type: 'set-model', slot, key, config, encoder: copy(encoder), decoder: copy(decoder) });
  }

  /** Run one job; rejects with the worker's message if it fails. Input arrays are copied. */
  run<J extends AnalysisJob>(job: J): Promise<ResultOf<J['kind']>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: never) => void, reject });
      this.post({ type: 'run', id, job });
    });
  }

  /** Stop the worker; pending jobs reject. The client can be used again (a new worker starts). */
  dispose(): void {
    this.rejectAll('The analysis worker was stopped.');
    this.forget();
  }

  private post(command: AnalysisCommand): void {
    this.start().postMessage(command, analysisTransferables(command));
  }

  private receive(event: AnalysisEvent): void {
    if (event.type === 'backend') {
      this.backend = event.name;
      return;
    }
    const pending = this.pending.get(event.id);
    this.pending.delete(event.id);
    if (!pending) return;
    if (event.type === 'failed') pending.reject(new Error(event.message));
    else pending.resolve(event.result as never);
  }

  private rejectAll(message: string): void {
    for (const pending of this.pending.values()) pending.reject(new Error(message));
    this.pending.clear();
  }
}
