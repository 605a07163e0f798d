// The page's handle on the study worker: one worker for the page, shared by the Generation and
// Features tabs, so the data is copied over once and the data-only probes are computed once.
import type { ImageShape } from '../data/dataset';
import { studyTransferables, type StudyCommand, type StudyEvent, type StudyJob, type StudyResultOf } from './studyProtocol';

export interface StudyDataset {
  images: Uint8Array;
  labels: Uint8Array;
  classNames: readonly string[];
  shape: ImageShape;
  split: { train: Int32Array; heldOut: Int32Array };
}

export class StudyClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: never) => void; reject: (error: Error) => void }>();
  private datasetKey: unknown = null;

  constructor() {
    this.worker = new Worker(new URL('./studyWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = ({ data }: MessageEvent<StudyEvent>) => {
      const waiting = this.pending.get(data.id);
      this.pending.delete(data.id);
      if (!waiting) return;
      if (data.type === 'failed') waiting.reject(new Error(data.message));
      else waiting.resolve(data.result as never);
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      for (const waiting of this.pending.values()) waiting.reject(new Error(`The study worker stopped (${event.message || 'unknown error'}).`));
      this.pending.clear();
    };
  }

  /** Hand the worker a copy of the dataset, unless it has this one (`key` identifies it). */
  useDataset(key: unknown, dataset: StudyDataset): void {
    if (key === this.datasetKey) return;
    this.datasetKey = key;
    this.post({
      type: 'load-data',
      images: dataset.images.slice(),
      labels: dataset.labels.slice(),
      classCount: classCountOf(dataset),
      shape: dataset.shape,
      train: dataset.split.train.slice(),
      heldOut: dataset.split.heldOut.slice(),
    });
  }

  /** Run one job. The job's arrays move to the worker: pass copies you do not need back. */
  run<J extends StudyJob>(job: J): Promise<StudyResultOf<J['kind']>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: never) => void, reject });
      this.post({ type: 'run', id, job });
    });
  }

  private post(command: StudyCommand): void {
    this.worker.postMessage(command, studyTransferables(command));
  }
}

/** Classes the labels use, at least as many as there are names (a spread of 70,000 labels would overflow the stack). */
function classCountOf(dataset: StudyDataset): number {
  let largest = 0;
  for (const label of dataset.labels) if (label > largest) largest = label;
  return Math.max(dataset.classNames.length, largest + 1);
}

let shared: StudyClient | null = null;

/** The page's study worker, started on first use. */
export function studyClient(): StudyClient {
  shared ??= new StudyClient();
  return shared;
}
