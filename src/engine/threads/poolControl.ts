// The words a pool's threads coordinate through (a SharedArrayBuffer of its own): a generation
// counter the coordinator bumps to start a step, a count of helpers still working, a stop flag, a
// failure flag, the step's job count and the next job to take, and one row per job holding it
// (chainRows.ts's encoding) and its loss sum. Every thread, the coordinator too, takes jobs until
// none is left, so a thread the system has paused holds up at most the job it is on.
// Waits spin briefly, then sleep in Atomics.wait: a step is a few milliseconds, so a helper usually
// finds the next one while spinning, and an idle pool costs nothing.
import { encodedJobLength } from '../chainRows';

const GENERATION = 0;
const PENDING = 1;
const STOP = 2;
const FAILED = 3;
const JOBS = 4;
const NEXT_JOB = 5;
const HEADER_BYTES = 32;
/** Checks before a wait sleeps: some tens of microseconds. */
const SPINS = 20_000;

export class PoolControl {
  readonly words: Int32Array;
  private readonly rows: Float64Array;
  private readonly rowLength: number;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly layerCount: number,
  ) {
    this.words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.rowLength = encodedJobLength(layerCount) + 1;
    this.rows = new Float64Array(buffer, HEADER_BYTES);
  }

  static create(maxJobs: number, layerCount: number): PoolControl {
    const bytes = HEADER_BYTES + maxJobs * (encodedJobLength(layerCount) + 1) * 8;
    return new PoolControl(new SharedArrayBuffer(bytes), layerCount);
  }

  /** Numbers a job's row holds. */
  get jobLength(): number {
    return this.rowLength - 1;
  }

  /** Job `job`'s row. */
  jobRow(job: number): Float64Array {
    return this.rows.subarray(job * this.rowLength, job * this.rowLength + this.rowLength - 1);
  }

  lossSum(job: number): number {
    return this.rows[job * this.rowLength + this.rowLength - 1];
  }

  setLossSum(job: number, value: number): void {
    this.rows[job * this.rowLength + this.rowLength - 1] = value;
  }

  /** Any thread: the next job of this step to run, or null when all are taken. */
  takeJob(): number | null {
    const job = Atomics.add(this.words, NEXT_JOB, 1);
    return job < Atomics.load(this.words, JOBS) ? job : null;
  }

  /** Coordinator: start a step of `jobs` jobs (already written) on `helpers` helpers. */
  start(helpers: number, jobs: number): void {
    Atomics.store(this.words, JOBS, jobs);
    Atomics.store(this.words, NEXT_JOB, 0);
    Atomics.store(this.words, PENDING, helpers);
    Atomics.add(this.words, GENERATION, 1);
    Atomics.notify(this.words, GENERATION);
  }

  /** Coordinator: wait until every helper is done; false if one failed. */
  join(): boolean {
    waitUntil(this.words, PENDING, (value) => value === 0);
    return Atomics.load(this.words, FAILED) === 0;
  }

  /** Helper: sleep until the generation moves past `seen`; returns the new one, or null to stop. */
  awaitStep(seen: number): number | null {
    waitUntil(this.words, GENERATION, (value) => value !== seen || Atomics.load(this.words, STOP) !== 0);
    return Atomics.load(this.words, STOP) !== 0 ? null : Atomics.load(this.words, GENERATION);
  }

  /** Helper: it has run its jobs of this step (or one failed). */
  finish(failed: boolean): void {
    if (failed) Atomics.store(this.words, FAILED, 1);
    if (Atomics.sub(this.words, PENDING, 1) === 1) Atomics.notify(this.words, PENDING);
  }

  get generation(): number {
    return Atomics.load(this.words, GENERATION);
  }

  /** Coordinator: wake every helper to leave its loop. */
  stop(): void {
    Atomics.store(this.words, STOP, 1);
    Atomics.add(this.words, GENERATION, 1);
    Atomics.notify(this.words, GENERATION);
  }
}

/** Spin, then sleep, until `done(words[index])`. */
function waitUntil(words: Int32Array, index: number, done: (value: number) => boolean): void {
  for (let spin = 0; spin < SPINS; spin++) {
    if (done(Atomics.load(words, index))) return;
  }
  for (;;) {
    const value = Atomics.load(words, index);
    if (done(value)) return;
    Atomics.wait(words, index, value, 50);
  }
}
