// How many threads train on the CPU: this worker and its helpers. On 2 cores both (the page's
// thread mostly waits on the worker's messages and the display); above that, one core is left
// to the page, the map and the analysis worker. A link can ask for fewer (`threads=1` in the
// page's hash, which the bench uses to time one thread in the same run); the page passes it to
// the training worker in the worker's name, the one value a worker gets at start.

/** At most this many: the step is a few milliseconds for 128 images, and each thread adds a join. */
const MAX_THREADS = 8;
const NAME_PREFIX = 'training';

/** The threads to train with, given the machine's logical cores and a limit from the link. */
export function threadsFor(cores: number, limit: number | null): number {
  const byCores = cores <= 2 ? Math.max(1, cores) : cores - 1;
  return Math.max(1, Math.min(byCores, MAX_THREADS, limit ?? MAX_THREADS));
}

/** `threads=N` from a page's hash, or null. */
export function threadLimitFromHash(hash: string): number | null {
  const value = Number(new URLSearchParams(hash.replace(/^#/, '')).get('threads'));
  return Number.isInteger(value) && value >= 1 ? value : null;
}

/** The training worker's name carrying `limit`. */
export function trainingWorkerName(limit: number | null): string {
  return limit === null ? NAME_PREFIX : `${NAME_PREFIX} threads=${limit}`;
}

/** The limit a training worker's name carries, or null. */
export function threadLimitFromWorkerName(name: string | undefined): number | null {
  const match = /^training threads=(\d+)$/.exec(name ?? '');
  return match ? Number(match[1]) : null;
}

/** Threads for this context: its cores, and the limit its worker name carries. */
export function trainingThreads(): number {
  const scope = globalThis as { navigator?: { hardwareConcurrency?: number }; name?: string };
  return threadsFor(scope.navigator?.hardwareConcurrency ?? 1, threadLimitFromWorkerName(scope.name));
}
