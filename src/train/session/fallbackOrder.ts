// Where training goes when a backend fails to build or fails mid-step. Plain decisions on the
// backend reports, free of tfjs, so tests can drive them. (A lost GPU follows its own order, which
// tries the lost backend again first: see recoveryOrder in ../gpuRecovery.ts.)
import type { BackendName } from '../../backends/backendName';
import type { BackendReport } from '../protocol';

/**
 * Where to go when a backend fails and the others were never measured: WebGL has every training
 * kernel and is the most robust GPU path (WebGPU on software adapters has crashed pages on conv
 * models); plain CPU is the last resort.
 */
export const UNMEASURED_FALLBACK_ORDER: readonly BackendName[] = ['webgl', 'webgpu', 'wasm', 'cpu'];

/** Whether `name` is known not to work here. */
export function isBroken(name: BackendName, reports: readonly BackendReport[]): boolean {
  return reports.some((report) => report.name === name && !report.works);
}

/** Backends to try building on, in order: `first`, then those known to work, then the untried ones. */
export function buildOrder(first: BackendName, reports: readonly BackendReport[]): BackendName[] {
  const working = reports.filter((r) => r.works).map((r) => r.name);
  const rest = UNMEASURED_FALLBACK_ORDER.filter((name) => !working.includes(name) && !isBroken(name, reports));
  return [first, ...working.filter((name) => name !== first), ...rest.filter((name) => name !== first)];
}

/**
 * Where training goes after `from` failed mid-step: the fastest other backend that was measured,
 * else the first untried one, else plain CPU.
 */
export function nextAfterFailure(from: BackendName, reports: readonly BackendReport[]): BackendName {
  return (
    reports.find((r) => r.works && r.imagesPerSecond !== undefined && r.name !== from)?.name ??
    UNMEASURED_FALLBACK_ORDER.find((name) => name !== from && !isBroken(name, reports)) ??
    'cpu'
  );
}
