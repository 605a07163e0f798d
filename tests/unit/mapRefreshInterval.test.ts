import { describe, expect, it } from 'vitest';
import {
  EARLY_MAP_MAX_INTERVAL_MS,
  EARLY_MAP_WINDOW_MS,
  MIN_REFRESH_INTERVAL_MS,
  mapRefreshInterval,
} from '../../src/train/session/mapRefreshInterval';

describe('mapRefreshInterval', () => {
  it('keeps a refresh to 4% of the time once the run has settled, and never more often than every 2 s', () => {
    expect(mapRefreshInterval(100, EARLY_MAP_WINDOW_MS)).toBe(2500);
    expect(mapRefreshInterval(10, EARLY_MAP_WINDOW_MS + 1)).toBe(MIN_REFRESH_INTERVAL_MS);
    expect(mapRefreshInterval(900, 60_000)).toBe(22_500);
  });

  it('refreshes at least every 2.5 s in the first seconds where a refresh is cheap (WebAssembly, a real GPU)', () => {
    expect(mapRefreshInterval(150, 0)).toBe(EARLY_MAP_MAX_INTERVAL_MS);
    expect(mapRefreshInterval(400, 5000)).toBe(EARLY_MAP_MAX_INTERVAL_MS);
    // A cheap refresh may come more often than the early floor where the time share allows.
    expect(mapRefreshInterval(20, 0)).toBe(MIN_REFRESH_INTERVAL_MS);
  });

  it('lets a costly refresh (a software GPU) take at most a fifth of the first seconds', () => {
    expect(mapRefreshInterval(900, 1000)).toBe(4500);
    // Never longer than the settled interval.
    expect(mapRefreshInterval(900, 1000)).toBeLessThanOrEqual(mapRefreshInterval(900, EARLY_MAP_WINDOW_MS));
  });
});
