// A helper thread's side of the pool: instantiate the shared kernels on the pool's memory, then take
// and run each step's jobs (slices of rows, ranges of the update) until none is left, step after step, until told to stop. Written against a plain message port so the
// browser's worker (chainHelper.worker.ts) and Node's worker_threads (the tests) share it.
import { decodePoolJob, runPoolJob } from '../poolJobs';
import { instantiateOnMemory } from './sharedKernels';
import { PoolControl } from './poolControl';

/** What the coordinator sends a helper once. */
export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  layerCount: number;
}

export type HelperMessage = { type: 'ready' } | { type: 'error'; message: string };

/** Set up, report ready through `post`, then serve steps until the pool stops (blocks this thread). */
export async function serveHelper(start: HelperStart, post: (message: HelperMessage) => void): Promise<void> {
  let kernels;
  try {
    kernels = await instantiateOnMemory(start.module, start.memory);
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  const control = new PoolControl(start.control, start.layerCount);
  let seen = control.generation;
  post({ type: 'ready' });
  for (;;) {
    const generation = control.awaitStep(seen);
    if (generation === null) return;
    seen = generation;
    let failed = false;
    try {
      for (let job = control.takeJob(); job !== null; job = control.takeJob()) {
        control.setLossSum(job, runPoolJob(kernels, decodePoolJob(control.jobRow(job))));
      }
    } catch {
      failed = true;
    }
    control.finish(failed);
  }
}
