// Procrustes alignment between successive 2-D layouts and the transform helpers around it.
import { describe, expect, it } from 'vitest';
import {
  alignToPrevious,
  applyTransform,
  composeTransforms,
  invertTransform,
  type SimilarityTransform,
} from '../../src/latent/procrustes';
import { createRng } from '../../src/lib/rng';

function randomLayout(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count * 2 }, () => 10 * rng.normal());
}

function rotationBy(angle: number, mirrored: boolean): [number, number, number, number] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  // A mirror about the x axis first, then the rotation.
  return mirrored ? [cos, sin, sin, -cos] : [cos, -sin, sin, cos];
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i] - b[i]));
  return largest;
}

function squaredError(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum;
}

describe('alignToPrevious', () => {
  const count = 300;
  const previous = randomLayout(count, 1);

  it('recovers a rotated, mirrored, scaled and translated copy (aligned within 1e-4)', () => {
    const distortion: SimilarityTransform = { rotation: rotationBy(2.1, true), scale: 0.37, translation: [40, -12] };
    const next = applyTransform(distortion, previous);
    const alignment = alignToPrevious(previous, next, count);
    expect(maxDifference(alignment.aligned, previous)).toBeLessThan(1e-4);
    const [a, b, c, d] = alignment.rotation;
    expect(a * d - b * c).toBeCloseTo(-1, 6);
    expect(alignment.scale).toBeCloseTo(1 / 0.37, 4);
  });

  it('recovers a pure rotation as a rotation (determinant +1), not a reflection', () => {
    const next = applyTransform({ rotation: rotationBy(-0.8, false), scale: 3, translation: [-5, 5] }, previous);
    const alignment = alignToPrevious(previous, next, count);
    expect(maxDifference(alignment.aligned, previous)).toBeLessThan(1e-4);
    const [a, b, c, d] = alignment.rotation;
    expect(a * d - b * c).toBeCloseTo(1, 6);
  });

  it('is the identity on identical layouts', () => {
    const alignment = alignToPrevious(previous, previous, count);
    const [a, b, c, d] = alignment.rotation;
    expect(a).toBeCloseTo(1, 9);
    expect(b).toBeCloseTo(0, 9);
    expect(c).toBeCloseTo(0, 9);
    expect(d).toBeCloseTo(1, 9);
    expect(alignment.scale).toBeCloseTo(1, 9);
    expect(alignment.translation[0]).toBeCloseTo(0, 6);
    expect(alignment.translation[1]).toBeCloseTo(0, 6);
    expect(maxDifference(alignment.aligned, previous)).toBeLessThan(1e-5);
  });

  it('gives the least-squares fit for noisy copies: nudging any parameter makes it worse', () => {
    const rng = createRng(9);
    const next = applyTransform({ rotation: rotationBy(1.2, false), scale: 2, translation: [3, 4] }, previous);
    for (let i = 0; i < next.length; i++) next[i] += 2 * rng.normal();
    const alignment = alignToPrevious(previous, next, count);
    const best = squaredError(alignment.aligned, previous);
    const nudges: SimilarityTransform[] = [
      { rotation: rotationBy(0.02, false), scale: 1, translation: [0, 0] },
      { rotation: rotationBy(-0.02, false), scale: 1, translation: [0, 0] },
      { rotation: [1, 0, 0, 1], scale: 1.01, translation: [0, 0] },
      { rotation: [1, 0, 0, 1], scale: 0.99, translation: [0, 0] },
      { rotation: [1, 0, 0, 1], scale: 1, translation: [0.1, 0] },
      { rotation: [1, 0, 0, 1], scale: 1, translation: [0, -0.1] },
    ];
    for (const nudge of nudges) {
      expect(squaredError(applyTransform(nudge, alignment.aligned), previous)).toBeGreaterThan(best);
    }
  });

  it('keeps scale 1 and stays finite when the new layout is a single repeated point', () => {
    const collapsed = new Float32Array(count * 2).fill(2);
    const alignment = alignToPrevious(previous, collapsed, count);
    expect(alignment.scale).toBe(1);
    expect(Array.from(alignment.aligned).every(Number.isFinite)).toBe(true);
  });
});

describe('transform helpers', () => {
  const points = randomLayout(50, 2);
  const transform: SimilarityTransform = { rotation: rotationBy(0.6, true), scale: 1.7, translation: [-3, 8] };

  it('invertTransform undoes applyTransform', () => {
    const moved = applyTransform(transform, points);
    const back = applyTransform(invertTransform(transform), moved);
    expect(maxDifference(back, points)).toBeLessThan(1e-4);
  });

  it('invertTransform of an alignment maps the aligned layout back to the raw one', () => {
    const raw = applyTransform({ rotation: rotationBy(2, false), scale: 0.5, translation: [1, 1] }, points);
    const alignment = alignToPrevious(points, raw, 50);
    expect(maxDifference(applyTransform(invertTransform(alignment), alignment.aligned), raw)).toBeLessThan(1e-4);
  });

  it('composeTransforms applies the first transform, then the second', () => {
    const second: SimilarityTransform = { rotation: rotationBy(-1.1, false), scale: 0.4, translation: [2, -6] };
    const stepwise = applyTransform(second, applyTransform(transform, points));
    const composed = applyTransform(composeTransforms(transform, second), points);
    expect(maxDifference(composed, stepwise)).toBeLessThan(1e-4);
  });

  it('applyTransform can write in place', () => {
    const copy = points.slice();
    const expected = applyTransform(transform, points);
    applyTransform(transform, copy, copy);
    expect(maxDifference(copy, expected)).toBe(0);
  });
});
