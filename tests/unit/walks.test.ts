// Grid walks over the map and straight-line walks between latent codes.
import { describe, expect, it } from 'vitest';
import { gridPoints, interpolateCodes } from '../../src/latent/walks';

describe('gridPoints', () => {
  const region = { x: [-2, 6] as [number, number], y: [1, 4] as [number, number] };

  it('returns n*n points covering the region corner to corner', () => {
    const n = 5;
    const points = gridPoints(region, n);
    expect(points.length).toBe(n * n * 2);
    expect([points[0], points[1]]).toEqual([-2, 4]); // top-left first
    const last = (n * n - 1) * 2;
    expect([points[last], points[last + 1]]).toEqual([6, 1]); // bottom-right last
  });

  it('is row-major: x grows along a row, y falls from row to row, evenly spaced', () => {
    const n = 4;
    const points = gridPoints(region, n);
    for (let row = 0; row < n; row++) {
      for (let column = 0; column < n; column++) {
        const index = (row * n + column) * 2;
        expect(points[index]).toBeCloseTo(-2 + (8 * column) / (n - 1), 5);
        expect(points[index + 1]).toBeCloseTo(4 - (3 * row) / (n - 1), 5);
      }
    }
  });

  it('gives the centre for n = 1 and rejects n < 1 or fractions', () => {
    expect(Array.from(gridPoints(region, 1))).toEqual([2, 2.5]);
    expect(() => gridPoints(region, 0)).toThrow(RangeError);
    expect(() => gridPoints(region, 2.5)).toThrow(RangeError);
  });
});

describe('interpolateCodes', () => {
  const a = Float32Array.from([0.1, -3.7, 12.3, 1e-3]);
  const b = Float32Array.from([2.9, 0.3, -7.77, 5]);

  it('returns steps rows whose first and last are exactly the end codes', () => {
    const steps = 7;
    const codes = interpolateCodes(a, b, steps);
    expect(codes.length).toBe(steps * a.length);
    expect(Array.from(codes.subarray(0, a.length))).toEqual(Array.from(a));
    expect(Array.from(codes.subarray((steps - 1) * a.length))).toEqual(Array.from(b));
  });

  it('spaces the rows evenly along the straight line', () => {
    const steps = 5;
    const codes = interpolateCodes(a, b, steps);
    for (let step = 0; step < steps; step++) {
      const t = step / (steps - 1);
      for (let i = 0; i < a.length; i++) expect(codes[step * a.length + i]).toBeCloseTo(a[i] + t * (b[i] - a[i]), 5);
    }
  });

  it('rejects fewer than 2 steps and codes of different lengths', () => {
    expect(() => interpolateCodes(a, b, 1)).toThrow(RangeError);
    expect(() => interpolateCodes(a, b.subarray(1), 3)).toThrow(RangeError);
  });
});
