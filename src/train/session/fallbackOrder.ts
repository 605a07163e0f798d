// Where training goes when its backend fails to build, fails mid-step or loses its GPU: the one
// fallback table, and the plain decisions on the backend reports that read it, free of tfjs, so
// tests can drive them. (After a GPU loss, recoveryOrder in gpuRecovery.ts walks its row.)
import type { BackendName } from '../../backends/backendName';
import type { BackendReport } from '../protocol';

/** Why training must move to another backend. */
export type FallbackReason = 'failure' | 'gpuLoss';

/** The fallback table: the order to try the backends in, by why training moves. */
export const FALLBACK_ORDER: Readonly<Record<FallbackReason, readonly BackendName[]>> = {
  // A backend failed to build or mid-step, and the others were never measured: WebGL has every
  // training kernel and is the most robust GPU path (WebGPU on software adapters has crashed pages
  // on conv models); plain CPU is the last resort.
  failure: ['webgl', 'webgpu', 'wasm', 'cpu'],
  // A GPU was lost: the lost backend first (if it comes back), then the ones after it.
  gpuLoss: ['webgpu', 'webgl', 'wasm', 'cpu'],
};

/** Whether `name` is known not to work here. */
export function isBroken(name: BackendName, reports: readonly BackendReport[]): boolean {
  return reports.some((report) => report.name === name && !report.works);
}

/**
 * Backends to try building on, in order: `first` (unless known not to work here, e.g. picked by a
 * link for a model it cannot train), then those known to work, then the untried ones.
 */
export function buildOrder(first: BackendName, reports: readonly BackendReport[]): BackendName[] {
  const working = reports.filter((r) => r.works).map((r) => r.name);
  const rest = FALLBACK_ORDER.failure.filter((name) => !working.includes(name) && !isBroken(name, reports));
  const firstOrNone = isBroken(first, reports) ? [] : [first];
  return [...firstOrNone, ...working.filter((name) => name !== first), ...rest.filter((name) => name !== first)];
}

/**
 * Where training goes after `from` failed mid-step: the fastest other backend that was measured,
 * else the first untried one, else plain CPU.
 */
export function nextAfterFailure(from: BackendName, reports: readonly BackendReport[]): BackendName {
  return (
    reports.find((r) => r.works && r.imagesPerSecond !== undefined && r.name !== from)?.name ??
    FALLBACK_ORDER.failure.find((name) => name !== from && !isBroken(name, reports)) ??
    'cpu'
  );
}
