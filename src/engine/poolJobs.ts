// Every kind of job a pool's thread takes, as one row of numbers whose first says which: a slice
// of rows of the chain (chainRows.ts: a step, an evaluation, an encoding) or a range of the update
// after a step (updateJob.ts).
import { decodeJob, encodedJobLength, encodeJob, runChainRows, type ChainRowsJob } from './chainRows';
import type { KernelExports } from './kernelModule';
import { decodeUpdateJob, encodedUpdateLength, encodeUpdateJob, JOB_UPDATE, runUpdateJob, type UpdateJob } from './updateJob';

export type PoolJob = ChainRowsJob | UpdateJob;

const isUpdate = (job: PoolJob): job is UpdateJob => job.mode === JOB_UPDATE;

/** Numbers `job` takes when encoded. */
export function encodedPoolJobLength(job: PoolJob): number {
  return isUpdate(job) ? encodedUpdateLength(job.othersAt.length) : encodedJobLength(job.layers.length);
}

export function encodePoolJob(job: PoolJob, out: Float64Array): void {
  if (isUpdate(job)) encodeUpdateJob(job, out);
  else encodeJob(job, out);
}

export function decodePoolJob(row: Float64Array): PoolJob {
  return row[0] === JOB_UPDATE ? decodeUpdateJob(row) : decodeJob(row);
}

/** Run `job`; returns its loss sum (0 for an update). */
export function runPoolJob(x: KernelExports, job: PoolJob): number {
  if (isUpdate(job)) {
    runUpdateJob(x, job);
    return 0;
  }
  return runChainRows(x, job).lossSum;
}
