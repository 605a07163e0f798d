// How long the map waits between refreshes (every image encoded, the reconstructions rebuilt):
// the refresh is throttled to a share of the training time, so reading it back does not slow
// training down, with a floor in the first seconds of a run, when the map changes most and a
// class watches most closely.

/** Share of training time the map refresh may take once the run has settled. */
export const REFRESH_TIME_SHARE = 0.04;
/**
 * Never refresh the map more often than this, however cheap it is. The worker's cost is not the
 * whole cost: each new map glides into place on the page for about half a second, 25-30 frames of
 * 10,000 points at 5-7 ms each on the page's thread. Once the engine encoded the map in 40 ms,
 * refreshing every second kept the map gliding nearly half the time, and that drawing took a
 * core's tenth or more from training on two cores.
 */
export const MIN_REFRESH_INTERVAL_MS = 2000;
/**
 * The first seconds of a run: there the map refreshes at least every EARLY_MAP_MAX_INTERVAL_MS,
 * whatever the time share says (a costly first refresh, made while the backend measurement shares
 * the CPU, would otherwise hold the untrained map for many seconds)...
 */
export const EARLY_MAP_WINDOW_MS = 20_000;
export const EARLY_MAP_MAX_INTERVAL_MS = 2500;
/**
 * ...unless a refresh costs so much that it would take more than this share of those seconds. On a
 * software GPU (SwiftShader's WebGPU) a refresh of the 10,000-image map costs about 0.9 s: every
 * 2.5 s it took a third of the training time, so the run trained a third slower just when a class
 * watches; every 4.5 s it takes a fifth. Where a refresh is cheap (WebAssembly, a real GPU) the
 * 2.5 s floor stays.
 */
export const EARLY_REFRESH_TIME_SHARE = 0.2;

/** The wait before the next refresh, given the last one's cost and how long the run has trained. */
export function mapRefreshInterval(lastRefreshCostMs: number, sinceLoopStartMs: number): number {
  const budgeted = Math.max(MIN_REFRESH_INTERVAL_MS, lastRefreshCostMs / REFRESH_TIME_SHARE);
  if (sinceLoopStartMs >= EARLY_MAP_WINDOW_MS) return budgeted;
  return Math.min(budgeted, Math.max(EARLY_MAP_MAX_INTERVAL_MS, lastRefreshCostMs / EARLY_REFRESH_TIME_SHARE));
}
