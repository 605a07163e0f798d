// The part of a threaded step after the rows' gradients: each slice's run of partial gradients
// summed into the first one, then Adam over the flat weights and moments, cut into ranges that the
// pool's threads take like slices of rows. On one thread this took 0.3-0.4 ms of a 4-5 ms step on
// 2 cores, with the helper waiting; the sums run in slice order in every range, so the result is
// the one-thread sum's, bit for bit.
import type { KernelExports } from './kernelModule';

/** A job that sums gradient runs and applies Adam over one range of the flat parameters (chainRows.ts has the others). */
export const JOB_UPDATE = 3;

export interface UpdateJob {
  mode: typeof JOB_UPDATE;
  /** The range, in floats from the start of every run below. */
  from: number;
  count: number;
  /** Byte offsets: the first slice's gradient run (the sum lands there), then the others in slice order. */
  sumAt: number;
  othersAt: number[];
  /** Byte offsets of the weights and Adam's two moments, laid out like a gradient run. */
  weightsAt: number;
  firstAt: number;
  secondAt: number;
  beta1: number;
  beta2: number;
  stepSize: number;
  epsilon: number;
}

/** Numbers before the other runs' offsets. */
const UPDATE_FIELDS = 12;

/** Floats an update job with `others` other runs takes when encoded. */
export function encodedUpdateLength(others: number): number {
  return UPDATE_FIELDS + others;
}

export function encodeUpdateJob(job: UpdateJob, out: Float64Array): void {
  out.set([JOB_UPDATE, job.from, job.count, job.sumAt, job.weightsAt, job.firstAt, job.secondAt, job.beta1, job.beta2, job.stepSize, job.epsilon, job.othersAt.length]);
  out.set(job.othersAt, UPDATE_FIELDS);
}

export function decodeUpdateJob(row: Float64Array): UpdateJob {
  return {
    mode: JOB_UPDATE,
    from: row[1],
    count: row[2],
    sumAt: row[3],
    weightsAt: row[4],
    firstAt: row[5],
    secondAt: row[6],
    beta1: row[7],
    beta2: row[8],
    stepSize: row[9],
    epsilon: row[10],
    othersAt: Array.from(row.subarray(UPDATE_FIELDS, UPDATE_FIELDS + row[11])),
  };
}

export function runUpdateJob(x: KernelExports, job: UpdateJob): void {
  const offset = job.from * 4;
  for (const other of job.othersAt) x.accumulate(job.sumAt + offset, other + offset, job.count);
  x.adam(job.weightsAt + offset, job.sumAt + offset, job.firstAt + offset, job.secondAt + offset, job.count, job.beta1, 1 - job.beta1, job.beta2, 1 - job.beta2, job.stepSize, job.epsilon);
}

/** `floats` cut into `parts` ranges of whole 4-float vectors (the last takes the rest): each thread's share. */
export function updateRanges(floats: number, parts: number): { from: number; count: number }[] {
  const vectors = Math.ceil(floats / 4);
  const ranges: { from: number; count: number }[] = [];
  let from = 0;
  for (let part = 0; part < parts && from < floats; part++) {
    const count = part === parts - 1 ? floats - from : Math.min(floats - from, Math.ceil(vectors / parts) * 4);
    ranges.push({ from, count });
    from += count;
  }
  return ranges;
}
