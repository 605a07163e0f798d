import { describe, expect, it } from 'vitest';
import { HeldOutKnnScorer, heldOutKnnAccuracy } from '../../src/latent/knn';
import { createRng, type Rng } from '../../src/lib/rng';

/** The definition, written the slow obvious way: sort every training point by (distance, index). */
function bruteForceAccuracy(points: Float32Array, labels: Uint8Array, train: Int32Array, heldOut: Int32Array, k: number): number {
  const usable = Array.from(train).filter((i) => Number.isFinite(points[2 * i]) && Number.isFinite(points[2 * i + 1]));
  let correct = 0;
  for (const q of heldOut) {
    const qx = points[2 * q];
    const qy = points[2 * q + 1];
    if (!Number.isFinite(qx) || !Number.isFinite(qy)) continue;
    const ranked = usable
      .map((i) => {
        const dx = points[2 * i] - qx;
        const dy = points[2 * i + 1] - qy;
        return { i, d: dx * dx + dy * dy };
      })
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .slice(0, k);
    const votes = new Map<number, number>();
    for (const { i } of ranked) votes.set(labels[i], (votes.get(labels[i]) ?? 0) + 1);
    const own = votes.get(labels[q]) ?? 0;
    const beaten = [...votes].some(([label, n]) => label !== labels[q] && n >= own);
    if (own > 0 && !beaten) correct++;
  }
  return correct / heldOut.length;
}

interface Scene {
  points: Float32Array;
  labels: Uint8Array;
  train: Int32Array;
  heldOut: Int32Array;
}

/** `count` points in `classes` Gaussian blobs (centres on a circle of `radius`, unit spread), split at random. */
function blobs(rng: Rng, count: number, classes: number, radius: number, heldOutCount: number): Scene {
  const points = new Float32Array(2 * count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = rng.nextInt(classes);
    const angle = (2 * Math.PI * label) / classes;
    labels[i] = label;
    points[2 * i] = radius * Math.cos(angle) + rng.normal();
    points[2 * i + 1] = radius * Math.sin(angle) + rng.normal();
  }
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return {
    points,
    labels,
    heldOut: Int32Array.from(order.slice(0, heldOutCount)).sort(),
    train: Int32Array.from(order.slice(heldOutCount)).sort(),
  };
}

/** Chance of a strict own-label majority among k neighbours whose labels are uniform over `classes`. */
function chanceAccuracy(classes: number, k: number): number {
  let wins = 0;
  const total = classes ** k;
  const votes = new Array<number>(classes);
  for (let code = 0; code < total; code++) {
    votes.fill(0);
    for (let m = 0, c = code; m < k; m++, c = Math.floor(c / classes)) votes[c % classes]++;
    // The held-out image's own label is class 0 without loss of generality.
    if (votes[0] > 0 && votes.every((n, label) => label === 0 || n < votes[0])) wins++;
  }
  return wins / total;
}

describe('heldOutKnnAccuracy', () => {
  it('equals a brute-force reference on random overlapping classes', () => {
    for (const seed of [1, 2, 3]) {
      const scene = blobs(createRng(seed), 1500, 6, 1.5, 300);
      for (const k of [1, 4, 5, 9]) {
        const fast = heldOutKnnAccuracy(scene.points, scene.labels, scene.train, scene.heldOut, k);
        expect(fast).toBe(bruteForceAccuracy(scene.points, scene.labels, scene.train, scene.heldOut, k));
      }
    }
  });

  it('equals the reference when many distances tie (points snapped to a coarse lattice)', () => {
    const scene = blobs(createRng(7), 1200, 4, 1, 200);
    for (let i = 0; i < scene.points.length; i++) scene.points[i] = Math.round(scene.points[i] * 2) / 2;
    for (const k of [3, 5, 8]) {
      expect(heldOutKnnAccuracy(scene.points, scene.labels, scene.train, scene.heldOut, k)).toBe(
        bruteForceAccuracy(scene.points, scene.labels, scene.train, scene.heldOut, k),
      );
    }
  });

  it('equals the reference with far outliers, held-out points outside the training extent and NaN codes', () => {
    const scene = blobs(createRng(11), 800, 3, 3, 200);
    scene.points[2 * scene.train[0]] = 1e4;
    scene.points[2 * scene.train[1] + 1] = -5e3;
    scene.points[2 * scene.heldOut[0]] = -900;
    scene.points[2 * scene.heldOut[1]] = Number.NaN;
    scene.points[2 * scene.train[2]] = Number.NaN;
    const fast = heldOutKnnAccuracy(scene.points, scene.labels, scene.train, scene.heldOut, 5);
    expect(fast).toBe(bruteForceAccuracy(scene.points, scene.labels, scene.train, scene.heldOut, 5));
  });

  it('equals the reference when one axis has collapsed to a single value', () => {
    const scene = blobs(createRng(5), 600, 3, 2, 100);
    for (let i = 0; i < scene.points.length; i += 2) scene.points[i] = 0.25;
    expect(heldOutKnnAccuracy(scene.points, scene.labels, scene.train, scene.heldOut, 5)).toBe(
      bruteForceAccuracy(scene.points, scene.labels, scene.train, scene.heldOut, 5),
    );
  });

  it('is 1 on well-separated clusters', () => {
    const scene = blobs(createRng(3), 5000, 10, 40, 1000);
    expect(heldOutKnnAccuracy(scene.points, scene.labels, scene.train, scene.heldOut)).toBe(1);
  });

  it('is about chance when labels are shuffled', () => {
    const rng = createRng(9);
    const scene = blobs(rng, 10000, 10, 40, 2000);
    const shuffled = Uint8Array.from(scene.labels);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    // With 10 classes and k = 5 a strict majority by luck is rare (about 6 %); 2,000 held-out
    // images measure it to about +-0.005, so 0.025 is a wide margin that still excludes any signal.
    const chance = chanceAccuracy(10, 5);
    expect(chance).toBeGreaterThan(0.05);
    expect(chance).toBeLessThan(0.07);
    const accuracy = heldOutKnnAccuracy(scene.points, shuffled, scene.train, scene.heldOut, 5);
    expect(Math.abs(accuracy - chance)).toBeLessThan(0.025);
  });

  it('counts a tied vote as wrong', () => {
    // Query at 0; neighbours at 1, 2 (label 0) and -1.5, -2.5 (label 1): two votes each.
    const points = new Float32Array([0, 0, 1, 0, 2, 0, -1.5, 0, -2.5, 0]);
    const labels = new Uint8Array([0, 0, 0, 1, 1]);
    const train = new Int32Array([1, 2, 3, 4]);
    const heldOut = new Int32Array([0]);
    expect(heldOutKnnAccuracy(points, labels, train, heldOut, 4)).toBe(0);
    expect(heldOutKnnAccuracy(points, labels, train, heldOut, 3)).toBe(1);
  });

  it('lets every training point vote when there are fewer than k, and gives NaN with nothing held out', () => {
    const points = new Float32Array([0, 0, 1, 1, 2, 2]);
    const labels = new Uint8Array([1, 1, 0]);
    expect(heldOutKnnAccuracy(points, labels, new Int32Array([1, 2]), new Int32Array([0]), 5)).toBe(0);
    expect(heldOutKnnAccuracy(points, labels, new Int32Array([1]), new Int32Array([0]), 5)).toBe(1);
    expect(heldOutKnnAccuracy(points, labels, new Int32Array([1, 2]), new Int32Array([]), 5)).toBeNaN();
  });

  it('scores 9,000 training x 1,000 held-out images in well under 50 ms', () => {
    const scene = blobs(createRng(21), 10000, 10, 4, 1000);
    heldOutKnnAccuracy(scene.points, scene.labels, scene.train, scene.heldOut); // warm up the JIT
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      heldOutKnnAccuracy(scene.points, scene.labels, scene.train, scene.heldOut);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    expect(times[2]).toBeLessThan(50);
  });

  it('scores in parts exactly as at once', () => {
    const scene = blobs(createRng(5), 3000, 10, 6, 700);
    const whole = heldOutKnnAccuracy(scene.points, scene.labels, scene.train, scene.heldOut);
    const scorer = new HeldOutKnnScorer(scene.points, scene.labels, scene.train, scene.heldOut);
    let parts = 0;
    while (!scorer.advance(64)) parts++;
    expect(parts).toBe(Math.ceil(700 / 64) - 1);
    expect(scorer.done).toBe(true);
    expect(scorer.accuracy).toBe(whole);
    expect(scorer.advance(64)).toBe(true);
    expect(scorer.accuracy).toBe(whole);
  });
});
