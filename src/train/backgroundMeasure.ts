// Measuring the backends in the background: a measurer takes the model and a few batches of data
// and answers with one report per backend, while the session trains on its first guess.
import type { BackendReport } from './protocol';
import type { MeasureAnswer, MeasureRequest } from './measureProtocol';

/** A running measurement: its answer, and a way to stop it when the model it measures is replaced. */
export interface Measurement {
  reports: Promise<BackendReport[]>;
  cancel(): void;
}

/** Starts a measurement; null where none can run beside training (no nested workers). */
export type BackendMeasurer = (request: MeasureRequest) => Measurement | null;

/**
 * Measure in a worker of its own (tfjs and its backends load there separately, so a crashing GPU
 * emulation cannot take training with it). Where workers cannot start here, answers null.
 */
export const measureInWorker: BackendMeasurer = (request) => {
  if (typeof Worker === 'undefined') return null;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./measureWorker.ts', import.meta.url), { type: 'module' });
  } catch {
    return null;
  }
  let settle: { resolve(reports: BackendReport[]): void; reject(error: Error): void } | null = null;
  const reports = new Promise<BackendReport[]>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const finish = (answer: MeasureAnswer) => {
    worker.terminate();
    if ('error' in answer) settle?.reject(new Error(answer.error));
    else settle?.resolve(answer.reports);
    settle = null;
  };
  worker.onmessage = (event: MessageEvent<MeasureAnswer>) => finish(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    finish({ error: event.message || 'the measurement worker stopped' });
  };
  // The data is the measurement's own copy (see selfTestData), so its buffer can move.
  worker.postMessage(request, [request.data.images.buffer]);
  return {
    reports,
    cancel: () => finish({ error: 'cancelled' }),
  };
};
