// The training worker, started by the page's tiny entry module before the rest of the app has
// loaded: its own bundle (tfjs and the session, a few MB) then loads and starts its backend while
// the page's bundle is still being fetched and run, instead of after it. That was the longest wait
// between opening the page and an enabled Train. The client takes the worker over when it starts.
import { threadLimitFromHash, trainingWorkerName } from './engines/engineThreads';

/** A worker started early, with what it said before anyone listened. */
export interface StartedWorker {
  worker: Worker;
  /** Messages and errors that arrived before the client took over, in order. */
  missed: Array<{ kind: 'message'; event: MessageEvent } | { kind: 'error'; event: ErrorEvent }>;
}

let early: StartedWorker | null = null;

export function createTrainingWorker(): Worker {
  // A thread limit in the link (`threads=1`) reaches the worker through its name.
  const name = trainingWorkerName(threadLimitFromHash(globalThis.location?.hash ?? ''));
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
}

/** Start the training worker now; where workers cannot start, the client finds out itself later. */
export function startTrainingWorkerEarly(): void {
  if (early || typeof Worker === 'undefined') return;
  try {
    const started: StartedWorker = { worker: createTrainingWorker(), missed: [] };
    // A worker's messages and errors are not kept for a listener that comes later: hold them.
    started.worker.onmessage = (event) => started.missed.push({ kind: 'message', event });
    started.worker.onerror = (event) => {
      event.preventDefault();
      started.missed.push({ kind: 'error', event });
    };
    early = started;
  } catch {
    early = null;
  }
}

/** The early worker, once: later workers (after a crash) are new ones. */
export function takeEarlyWorker(): StartedWorker | null {
  const started = early;
  early = null;
  return started;
}
