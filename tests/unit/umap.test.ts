// UMAP projection (sampled fit + transform) and the neighbour-based inverse used for it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NeighborInverse } from '../../src/latent/neighborInverse';
import { UmapProjector } from '../../src/latent/umapProjector';
import { createRng } from '../../src/lib/rng';

const latentDim = 8;
const clusterCount = 3;

/** 600 codes in three well separated gaussian clusters in 8-D; label = row % 3. */
function clusteredCodes(count = 600): { codes: Float32Array; labels: Int32Array } {
  const rng = createRng(42);
  const centres = Array.from({ length: clusterCount }, () => Array.from({ length: latentDim }, () => 0));
  centres[0][0] = 12;
  centres[1][1] = 12;
  centres[2][2] = -12;
  const codes = new Float32Array(count * latentDim);
  const labels = new Int32Array(count);
  for (let row = 0; row < count; row++) {
    labels[row] = row % clusterCount;
    for (let i = 0; i < latentDim; i++) codes[row * latentDim + i] = centres[labels[row]][i] + rng.normal();
  }
  return { codes, labels };
}

/** Share of `rows` whose map point is closest to the centroid of their own cluster. */
function shareNearestOwnCentroid(points: Float32Array, labels: Int32Array, rows: ArrayLike<number>, centroids: number[][]): number {
  let hits = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const distances = centroids.map(([cx, cy]) => Math.hypot(points[row * 2] - cx, points[row * 2 + 1] - cy));
    if (distances.indexOf(Math.min(...distances)) === labels[row]) hits++;
  }
  return hits / rows.length;
}

function centroidsOf(points: Float32Array, labels: Int32Array, rows: ArrayLike<number>): number[][] {
  const sums = Array.from({ length: clusterCount }, () => [0, 0, 0]);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    sums[labels[row]][0] += points[row * 2];
    sums[labels[row]][1] += points[row * 2 + 1];
    sums[labels[row]][2] += 1;
  }
  return sums.map(([x, y, n]) => [x / n, y / n]);
}

const fastOptions = { nNeighbors: 10, sampleSize: 300, nEpochs: 120 };

describe('UmapProjector', () => {
  afterEach(() => vi.restoreAllMocks());

  const { codes, labels } = clusteredCodes();
  const count = labels.length;

  it('keeps three separated 8-D clusters apart in the map', () => {
    const projector = new UmapProjector({ ...fastOptions, seed: 1 });
    projector.start(codes, count, latentDim);
    const points = projector.finish();
    expect(points.length).toBe(count * 2);
    expect(Array.from(points).every(Number.isFinite)).toBe(true);

    const sample = projector.sampleRows;
    const centroids = centroidsOf(points, labels, sample);
    expect(shareNearestOwnCentroid(points, labels, sample, centroids)).toBe(1);

    // Each cluster's spread is small next to the gaps between cluster centres.
    const spread = centroids.map(([cx, cy], label) => {
      let sum = 0;
      let n = 0;
      sample.forEach((row) => {
        if (labels[row] !== label) return;
        sum += (points[row * 2] - cx) ** 2 + (points[row * 2 + 1] - cy) ** 2;
        n++;
      });
      return Math.sqrt(sum / n);
    });
    let closestCentres = Infinity;
    for (let i = 0; i < clusterCount; i++) {
      for (let j = i + 1; j < clusterCount; j++) {
        closestCentres = Math.min(closestCentres, Math.hypot(centroids[i][0] - centroids[j][0], centroids[i][1] - centroids[j][1]));
      }
    }
    expect(closestCentres).toBeGreaterThan(3 * Math.max(...spread));
  });

  it('places the rows beyond the sample next to their own cluster', () => {
    const projector = new UmapProjector({ ...fastOptions, seed: 2 });
    projector.start(codes, count, latentDim);
    const points = projector.finish();
    const sample = projector.sampleRows;
    const inSample = new Set(sample);
    const rest = Array.from({ length: count }, (_, row) => row).filter((row) => !inSample.has(row));
    expect(rest.length).toBe(count - fastOptions.sampleSize);
    const centroids = centroidsOf(points, labels, sample);
    expect(shareNearestOwnCentroid(points, labels, rest, centroids)).toBeGreaterThanOrEqual(0.98);
  });

  it('reproduces the same map for the same seed and a different one for another seed', () => {
    const run = (seed: number): Float32Array => {
      const projector = new UmapProjector({ ...fastOptions, seed });
      projector.start(codes, count, latentDim);
      return projector.finish();
    };
    const first = run(5);
    expect(run(5)).toEqual(first);
    expect(run(6)).not.toEqual(first);
  });

  it('draws randomness only from the seed, never from Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    const projector = new UmapProjector({ ...fastOptions, seed: 3 });
    projector.start(codes, count, latentDim);
    projector.finish();
    expect(spy).not.toHaveBeenCalled();
  });

  it('is driven by step(): epochs advance to the total, then finish() leaves the fitted rows where they were', () => {
    const projector = new UmapProjector({ ...fastOptions, seed: 4 });
    const total = projector.start(codes, count, latentDim);
    expect(total).toBe(fastOptions.nEpochs);
    expect(projector.step(10)).toBe(10);
    expect(projector.step(25)).toBe(35);
    expect(projector.step(total)).toBe(total);
    expect(projector.step(5)).toBe(total);

    // 300 rest rows against 300 sample rows: the case where umap-js transform, left to itself,
    // drags the fitted map while placing the rest, so the rest lands in a map nobody sees.
    const fitted = projector.preview();
    const points = projector.finish();
    expect(projector.preview()).toEqual(fitted);
    projector.sampleRows.forEach((row, i) => {
      expect(points[row * 2]).toBe(fitted[i * 2]);
      expect(points[row * 2 + 1]).toBe(fitted[i * 2 + 1]);
    });
    expect(projector.finish()).toBe(points);
  });

  it('draws a sample of distinct ascending rows no larger than sampleSize, or every row if fewer', () => {
    const projector = new UmapProjector({ ...fastOptions, seed: 8 });
    projector.start(codes, count, latentDim);
    const sample = Array.from(projector.sampleRows);
    expect(sample.length).toBe(fastOptions.sampleSize);
    sample.forEach((row, i) => {
      expect(row).toBeGreaterThanOrEqual(0);
      expect(row).toBeLessThan(count);
      if (i > 0) expect(row).toBeGreaterThan(sample[i - 1]);
    });

    const small = new UmapProjector({ nEpochs: 20, seed: 8 });
    small.start(codes, 12, latentDim);
    expect(Array.from(small.sampleRows)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(Array.from(small.finish()).every(Number.isFinite)).toBe(true);
  });

  it('refuses to step or finish before start', () => {
    const projector = new UmapProjector({ seed: 1 });
    expect(() => projector.step(1)).toThrow();
    expect(() => projector.finish()).toThrow();
  });
});

/** The same weighting as NeighborInverse, by brute force over every point. */
function referenceInvert(mapPoints: Float32Array, codes: Float32Array, count: number, dim: number, x: number, y: number, k: number): Float64Array {
  const order = Array.from({ length: count }, (_, row) => row)
    .map((row) => ({ row, d: Math.hypot(mapPoints[row * 2] - x, mapPoints[row * 2 + 1] - y) }))
    .sort((p, q) => p.d - q.d);
  const used = order.slice(0, k);
  const outer = order[k]?.d ?? 0;
  const weights = used.map(({ d }) =>
    outer > used[0].d ? (Math.max(0, outer - d) / (outer * d)) ** 2 : 1 / (d * d),
  );
  const result = new Float64Array(dim);
  const total = weights.reduce((s, w) => s + w, 0);
  used.forEach(({ row }, i) => {
    for (let j = 0; j < dim; j++) result[j] += (weights[i] * codes[row * dim + j]) / total;
  });
  return result;
}

describe('NeighborInverse', () => {
  const rng = createRng(17);
  const count = 2000;
  const dim = 5;
  const mapPoints = Float32Array.from({ length: count * 2 }, () => rng.next() * 10 - 5);
  const codes = Float32Array.from({ length: count * dim }, () => rng.normal());
  const inverse = new NeighborInverse(mapPoints, codes, count, dim);

  it("returns a data point's own code exactly at its own position", () => {
    const out = new Float32Array(dim);
    for (let row = 0; row < count; row++) {
      inverse.invert(mapPoints[row * 2], mapPoints[row * 2 + 1], 8, out);
      expect(Array.from(out)).toEqual(Array.from(codes.subarray(row * dim, row * dim + dim)));
    }
  });

  it('returns the mean of two equidistant neighbours halfway between them', () => {
    const twoPoints = Float32Array.from([0, 0, 2, 0]);
    const twoCodes = Float32Array.from([1, -4, 3, 8]);
    const halfway = new NeighborInverse(twoPoints, twoCodes, 2, 2).invert(1, 0, 2);
    expect(halfway[0]).toBeCloseTo(2, 6);
    expect(halfway[1]).toBeCloseTo(2, 6);
    // Nearer the first point, the blend leans towards its code.
    const nearFirst = new NeighborInverse(twoPoints, twoCodes, 2, 2).invert(0.5, 0, 2);
    expect(nearFirst[0]).toBeLessThan(2);
    expect(nearFirst[0]).toBeGreaterThan(1);
  });

  it('finds the same k nearest as brute force, inside and far outside the layout', () => {
    const queries = [[0, 0], [4.99, -4.99], [-20, 3], [7, 30], [1e-3, 2.5]];
    for (let q = 0; q < 200; q++) queries.push([rng.next() * 14 - 7, rng.next() * 14 - 7]);
    for (const [x, y] of queries) {
      for (const k of [1, 8]) {
        const got = inverse.invert(x, y, k);
        const expected = referenceInvert(mapPoints, codes, count, dim, x, y, k);
        got.forEach((value, j) => expect(value).toBeCloseTo(expected[j], 5));
      }
    }
  });

  it('changes continuously as the probe moves: no jumps when the neighbour set changes', () => {
    const out = new Float32Array(dim);
    const largestJumpAlongLine = (steps: number): number => {
      const previous = Float32Array.from(inverse.invert(-3, -2.9, 8, out));
      let largest = 0;
      for (let s = 1; s <= steps; s++) {
        const t = s / steps;
        inverse.invert(-3 + 6 * t, -2.9 + 5.3 * t, 8, out);
        for (let j = 0; j < dim; j++) largest = Math.max(largest, Math.abs(out[j] - previous[j]));
        previous.set(out);
      }
      return largest;
    };
    // A continuous blend's largest step shrinks with the step length; a jump (plain k-NN weights
    // jump by ~0.27 on this layout) would stay the same however finely the line is walked.
    const coarse = largestJumpAlongLine(20000);
    const fine = largestJumpAlongLine(80000);
    expect(fine).toBeLessThan(0.35 * coarse);
    expect(fine).toBeLessThan(0.02);
  });

  it('skips non-finite map points', () => {
    const points = Float32Array.from([0, 0, NaN, 1, 1, 1]);
    const rows = Float32Array.from([1, 2, 3]);
    const lookup = new NeighborInverse(points, rows, 3, 1);
    expect(lookup.invert(0.9, 0.9, 1)[0]).toBe(3);
  });

  it('answers one query over 70,000 points in well under a millisecond', () => {
    const bigCount = 70000;
    const bigPoints = Float32Array.from({ length: bigCount * 2 }, () => rng.normal() * 5);
    const bigCodes = new Float32Array(bigCount * 32);
    const big = new NeighborInverse(bigPoints, bigCodes, bigCount, 32);
    const out = new Float32Array(32);
    const queries = 5000;
    const started = performance.now();
    for (let q = 0; q < queries; q++) big.invert(rng.normal() * 6, rng.normal() * 6, 8, out);
    expect((performance.now() - started) / queries).toBeLessThan(0.5);
  });
});
