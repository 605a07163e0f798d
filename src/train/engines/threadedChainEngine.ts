// The dense chain's engine on several threads (residentChainEngine.ts): a pool of helper workers on
// one shared wasm memory, each taking a slice of the batch's rows (engine/threads). Prepared asynchronously (the helpers
// start as workers), so it is offered by `pickPreparedEngine`'s asynchronous path and takes over the
// one-thread engine's weights and Adam state; on one core (or `threads=1`) it runs with no helpers.
// Without cross-origin isolation (no shared memory), or for the sparse kind (its penalty needs the
// whole batch's code), training stays on the one-thread engine.
import { spawnBrowserHelper } from '../../engine/threads/browserHelper';
import { ChainPool, type HelperSpawner } from '../../engine/threads/chainPool';
import { sharedMemorySupported } from '../../engine/threads/sharedKernels';
import { planDenseChain } from './denseChainPlan';
import { trainingThreads } from './engineThreads';
import { ResidentChainEngine } from './residentChainEngine';
import type { EngineParts } from './trainingEngine';

export type ThreadedEngineOffer = { engine: ResidentChainEngine } | { unavailable: string };

export interface ThreadedEngineOptions {
  /** Threads to train with, this one included (default: from the cores, see engineThreads.ts). */
  threads?: number;
  /** How a helper starts (default: a module Worker; Node's tests pass worker_threads). */
  spawn?: HelperSpawner;
}

/** The spawner of a pool of one thread, which never calls it. */
const noHelpers: HelperSpawner = () => {
  throw new Error('a pool of one thread has no helpers');
};

/** Whether this thread may block in Atomics.wait: a worker may, a browser page's own thread may not. */
function canBlock(): boolean {
  return typeof (globalThis as { document?: unknown }).document === 'undefined';
}

/** The threaded engine for `parts`, or null where it does not apply (the caller keeps its engine). */
export async function buildThreadedChainEngine(parts: EngineParts, options: ThreadedEngineOptions = {}): Promise<ThreadedEngineOffer | null> {
  const plan = planDenseChain(parts.model, parts.variables);
  if (!plan?.ready() || !plan.splitsByRows) return null;
  const threads = options.threads ?? trainingThreads();
  const spawn = options.spawn ?? (typeof Worker === 'function' ? spawnBrowserHelper : null);
  if (!sharedMemorySupported()) return null;
  // One thread needs no helpers (nor waits), but gains the resident weights, the kernels' batch
  // gather and the engine's own evaluation and codes; that is also the fair one-thread figure
  // for the bench's thread scaling.
  if (threads > 1 && (!spawn || !canBlock())) return null;
  let pool: ChainPool;
  try {
    pool = await ChainPool.start(threads - 1, plan.layers.length, spawn ?? noHelpers);
  } catch (error) {
    return { unavailable: `helper threads did not start (${error instanceof Error ? error.message : String(error)}); training on one thread` };
  }
  try {
    return { engine: new ResidentChainEngine(parts, plan, pool) };
  } catch (error) {
    pool.dispose();
    throw error;
  }
}
