// What to do when the GPU under training is lost (a WebGL context lost, a WebGPU device lost, a
// crashed GPU process): which backends to try, in which order, and what to tell the user. Plain
// decisions, free of tfjs and browser APIs, so unit tests can drive them.
import { BACKEND_WORDS } from '../backendMove';
import type { BackendName } from '../../backends/backendName';
import { FALLBACK_ORDER } from './fallbackOrder';


/**
 * A GPU lost this many times within LOSS_WINDOW_MS is not tried again: a driver that keeps
 * resetting would otherwise have training rebuilt on it over and over.
 */
export const MAX_LOSSES_BEFORE_GIVING_UP = 2;
export const LOSS_WINDOW_MS = 60_000;

/**
 * While training on a GPU backend, the worker keeps a copy of the whole state (read back to plain
 * arrays) at most this often: a loss costs at most the steps since. A share of the training time
 * caps it for large models, whose read-back is slow.
 */
export const GOOD_STATE_INTERVAL_MS = 3_000;
export const GOOD_STATE_TIME_SHARE = 0.05;

/** How long one backend may take to come up again after a loss before the next one is tried. */
export const REBUILD_TIMEOUT_MS = 10_000;

/**
 * Backends to rebuild on after `lost` was lost, in order: the lost one again unless it has been
 * lost too often lately (`lossTimes`, ms, this loss included), then every later one in
 * FALLBACK_ORDER.gpuLoss, skipping those known broken. Plain CPU always closes the list.
 */
export function recoveryOrder(lost: BackendName, lossTimes: readonly number[], now: number, broken: ReadonlySet<BackendName>): BackendName[] {
  const recent = lossTimes.filter((time) => now - time < LOSS_WINDOW_MS).length;
  const retrySame = recent < MAX_LOSSES_BEFORE_GIVING_UP && !broken.has(lost);
  const start = FALLBACK_ORDER.gpuLoss.indexOf(lost);
  const later = FALLBACK_ORDER.gpuLoss.slice(start + 1).filter((name) => !broken.has(name));
  const order = retrySame ? [lost, ...later] : later;
  return order.includes('cpu') ? order : [...order, 'cpu'];
}

/** How often a state should be kept, given what the last read-back cost (ms). */
export function goodStateInterval(lastCostMs: number): number {
  return Math.max(GOOD_STATE_INTERVAL_MS, lastCostMs / GOOD_STATE_TIME_SHARE);
}

/**
 * The notice after a loss, e.g. "The GPU was lost (WebGL context lost); training goes on on
 * WebAssembly from step 340 (the last 12 steps are trained again)."
 */
export function gpuLossNotice(lost: BackendName, reason: string, to: BackendName, fromStep: number, reachedStep: number): string {
  const where = to === lost ? `${BACKEND_WORDS[to]} again (a fresh ${to === 'webgl' ? 'context' : 'device'})` : BACKEND_WORDS[to];
  const redone = Math.max(0, reachedStep - fromStep);
  const again = redone > 0 ? ` (the last ${redone} step${redone === 1 ? ' is' : 's are'} trained again)` : '';
  return `The GPU was lost (${reason}); training goes on on ${where} from step ${fromStep}${again}.`;
}
