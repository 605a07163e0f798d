// How often the training loop reads the loss back from the device. On a GPU backend each read waits
// for the whole queue (WebGPU's mapAsync costs 0.5-15 ms a time in Chrome), so steps are queued and
// their losses read together; on the CPU backends a read costs nothing and happens every step.
import type { BackendName } from './protocol';

/** At most this many steps between two reads, so NaN is caught and the chart moves within a moment. */
export const READBACK_MAX_STEPS = 16;
/** ...and at most this long (measured when queuing; a slow device also blocks the queue). */
export const READBACK_MAX_MS = 250;

/** Steps the loop may queue before it reads their losses back on this backend. */
export function stepsPerReadback(backend: BackendName | null): number {
  return backend === 'webgl' || backend === 'webgpu' ? READBACK_MAX_STEPS : 1;
}
