// The session's fallback decisions when a backend fails to build or fails mid-step.
import { describe, expect, it } from 'vitest';
import { buildOrder, nextAfterFailure } from '../../src/train/session/fallbackOrder';
import type { BackendReport } from '../../src/train/protocol';

describe('fallback order', () => {
  it('builds on the planned backend first, then those known to work, then the untried ones', () => {
    const reports: BackendReport[] = [
      { name: 'wasm', works: true, imagesPerSecond: 900 },
      { name: 'webgpu', works: false, problem: 'no adapter' },
    ];
    expect(buildOrder('webgl', reports)).toEqual(['webgl', 'wasm', 'cpu']);
    expect(buildOrder('wasm', [])).toEqual(['wasm', 'webgl', 'webgpu', 'cpu']);
  });

  it('passes over a planned backend known not to work here (a link can ask for one)', () => {
    const reports: BackendReport[] = [
      { name: 'wasm', works: true, imagesPerSecond: 900 },
      { name: 'webgpu', works: false, problem: 'too slow for convolutions on a software adapter' },
    ];
    expect(buildOrder('webgpu', reports)).toEqual(['wasm', 'webgl', 'cpu']);
  });

  it('after a failure mid-step goes to a measured backend, else the first untried one, else CPU', () => {
    const measured: BackendReport[] = [
      { name: 'webgl', works: false, problem: 'failed' },
      { name: 'wasm', works: true, imagesPerSecond: 500 },
    ];
    expect(nextAfterFailure('webgl', measured)).toBe('wasm');
    expect(nextAfterFailure('webgl', [{ name: 'webgl', works: false, problem: 'failed' }])).toBe('webgpu');
    const allBroken: BackendReport[] = (['webgl', 'webgpu', 'wasm', 'cpu'] as const).map((name) => ({ name, works: false, problem: 'x' }));
    expect(nextAfterFailure('webgl', allBroken)).toBe('cpu');
  });
});
