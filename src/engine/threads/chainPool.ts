// A pool of helper threads that run the dense chain's step with the coordinating thread, on slices
// of the batch's rows, all on one shared memory (batch-parallel: one start and one join for the
// rows, where a split of each product by columns would synchronise at every layer, and one for the
// update after them, cut into ranges of the parameters).
import { encodedPoolJobLength, encodePoolJob, runPoolJob, type PoolJob } from '../poolJobs';
import { encodedUpdateLength } from '../updateJob';
import type { RowSplitRunner } from '../chainLayout';
import type { KernelModule } from '../kernelModule';
import type { HelperMessage, HelperStart } from './chainHelper';
import { PoolControl } from './poolControl';
import { compileSharedKernels, coordinatorKernels, createSharedMemory } from './sharedKernels';

/** A helper thread as the pool sees it: a browser Worker or Node's worker_threads behind one shape. */
export interface HelperHandle {
  post(start: HelperStart): void;
  onMessage(listener: (message: HelperMessage) => void): void;
  terminate(): void;
}

export type HelperSpawner = () => HelperHandle;

/**
 * Slices of the batch per thread. Threads take slices until none is left, so a helper slow to wake
 * leaves its slice to the coordinator even at one slice each. Two each would also balance a thread
 * the system pauses, but cost smaller products and one more gradient run to sum: on 2 cores it was
 * slower (app 19,124 against 21,387 img/s; Node, whole engine step, 4.59 against 4.44 ms).
 */
const DEFAULT_SLICES_PER_THREAD = 1;

/** How long the helpers may take to start before the pool gives up (and training stays on one thread). */
const START_TIMEOUT_MS = 5_000;

export class ChainPool implements RowSplitRunner {
  private disposed = false;

  private constructor(
    readonly kernels: KernelModule,
    private readonly control: PoolControl,
    private readonly helpers: HelperHandle[],
    /** Jobs a step is cut into: the batch's rows in this many slices. */
    readonly slices: number,
  ) {}

  /** Threads that train: this one and its helpers. */
  get threads(): number {
    return this.helpers.length + 1;
  }

  /** Start `helperCount` helpers on a fresh shared memory for chains of `layerCount` layers. */
  static async start(helperCount: number, layerCount: number, spawn: HelperSpawner, slicesPerThread = DEFAULT_SLICES_PER_THREAD): Promise<ChainPool> {
    const module = await compileSharedKernels();
    const memory = createSharedMemory();
    const kernels = await coordinatorKernels(module, memory);
    // Alone, one slice: cutting the rows would only make smaller products.
    const slices = helperCount === 0 ? 1 : (helperCount + 1) * slicesPerThread;
    const control = PoolControl.create(slices, layerCount);
    const helpers: HelperHandle[] = [];
    try {
      const ready = Array.from({ length: helperCount }, () => {
        const handle = spawn();
        helpers.push(handle);
        const started = new Promise<void>((resolve, reject) => {
          handle.onMessage((message) => (message.type === 'ready' ? resolve() : reject(new Error(`engine helper: ${message.message}`))));
        });
        handle.post({ module, memory, control: control.buffer, layerCount });
        return started;
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('engine helpers did not start in time')), START_TIMEOUT_MS);
      });
      await Promise.race([Promise.all(ready), timeout]).finally(() => clearTimeout(timer));
    } catch (error) {
      control.stop();
      helpers.forEach((handle) => handle.terminate());
      throw error;
    }
    return new ChainPool(kernels, control, helpers, slices);
  }

  /** Whether `job` fits a row of this pool's control (chains of at most the pool's layer count). */
  private fits(job: PoolJob): boolean {
    return encodedPoolJobLength(job) <= this.control.jobLength;
  }

  /** Whether an update job summing every slice's run fits a row (a chain of very few layers on many threads may not). */
  updateFits(): boolean {
    return encodedUpdateLength(this.slices - 1) <= this.control.jobLength;
  }

  /** Run every job, shared out between this thread and the helpers; blocks until all are done. */
  run(jobs: readonly PoolJob[]): number[] {
    if (this.disposed) throw new Error('engine pool used after dispose()');
    if (jobs.length > this.slices) throw new Error(`engine pool: ${jobs.length} jobs, room for ${this.slices}`);
    if (!jobs.every((job) => this.fits(job))) throw new Error(`engine pool: a job does not fit (made for chains of at most ${this.control.layerCount} layers)`);
    jobs.forEach((job, index) => encodePoolJob(job, this.control.jobRow(index)));
    this.control.start(this.helpers.length, jobs.length);
    let helpersOk = false;
    try {
      for (let job = this.control.takeJob(); job !== null; job = this.control.takeJob()) {
        this.control.setLossSum(job, runPoolJob(this.kernels.exports, jobs[job]));
      }
    } finally {
      // Never leave helpers writing into memory the next step lays out again.
      helpersOk = this.control.join();
    }
    if (!helpersOk) throw new Error('engine pool: a helper failed its part of the step');
    return jobs.map((_, index) => this.control.lossSum(index));
  }

  /** Stop and end every helper; the shared memory goes with the last reference. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.control.stop();
    this.helpers.forEach((handle) => handle.terminate());
  }
}
