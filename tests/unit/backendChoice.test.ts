import { describe, expect, it } from 'vitest';
import { mergeMeasurement } from '../../src/train/backendChoice';
import type { BackendReport } from '../../src/train/protocol';

describe('mergeMeasurement', () => {
  const seenHere: BackendReport[] = [
    { name: 'webgpu', works: true, detail: 'apple metal-3' },
    { name: 'webgl', works: true, detail: 'ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)' },
    { name: 'wasm', works: true },
  ];

  it('keeps the GPU names feature detection read here on the measured reports, fastest first', () => {
    const measured: BackendReport[] = [
      { name: 'wasm', works: true, imagesPerSecond: 9_000, detail: 'one thread' },
      { name: 'webgpu', works: true, imagesPerSecond: 60_000 },
      { name: 'webgl', works: true, imagesPerSecond: 4_000 },
    ];
    expect(mergeMeasurement(measured, seenHere)).toEqual([
      { name: 'webgpu', works: true, imagesPerSecond: 60_000, detail: 'apple metal-3' },
      { name: 'wasm', works: true, imagesPerSecond: 9_000, detail: 'one thread' },
      { name: 'webgl', works: true, imagesPerSecond: 4_000, detail: 'ANGLE (Apple, ANGLE Metal Renderer: Apple M1, Unspecified Version)' },
    ]);
  });

  it('keeps a backend found broken here broken, whatever the measuring worker saw', () => {
    const merged = mergeMeasurement([{ name: 'webgpu', works: true, imagesPerSecond: 60_000 }], [{ name: 'webgpu', works: false, problem: 'device lost' }]);
    expect(merged).toEqual([{ name: 'webgpu', works: false, problem: 'device lost' }]);
  });
});
