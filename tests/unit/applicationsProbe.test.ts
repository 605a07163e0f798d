import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/rng';
import { accuracyOf, confusionMatrix, predictProbe, probeAccuracy, trainSoftmaxProbe } from '../../src/analysis/softmaxProbe';
import { fitPixelPca, projectPixels } from '../../src/analysis/pixelPca';

/** Three well-separated clusters in 2-D, with a seeded spread. */
function clusters(perClass: number, seed: number) {
  const rng = createRng(seed);
  const centres = [
    [0, 0],
    [6, 0],
    [0, 6],
  ];
  const values = new Float32Array(perClass * 3 * 2);
  const labels = new Uint8Array(perClass * 3);
  for (let i = 0; i < perClass * 3; i++) {
    const c = i % 3;
    labels[i] = c;
    values[2 * i] = centres[c][0] + rng.normal() * 0.5;
    values[2 * i + 1] = centres[c][1] + rng.normal() * 0.5;
  }
  return { values, labels };
}

describe('softmax probe', () => {
  it('reaches 100% held-out accuracy on linearly separable points', () => {
    const { values, labels } = clusters(60, 3);
    const all = Int32Array.from({ length: labels.length }, (_, i) => i);
    const train = all.filter((i) => i % 4 !== 0);
    const test = all.filter((i) => i % 4 === 0);
    const result = probeAccuracy({ values, dim: 2 }, labels, train, test, { classCount: 3, seed: 1 });
    expect(result.accuracy).toBe(1);
    // The confusion matrix is diagonal: each true class predicted as itself, every test row counted.
    expect(Array.from(result.confusion)).toEqual([15, 0, 0, 0, 15, 0, 0, 0, 15]);
  });

  it('is seeded: the same seed gives the same weights, another seed another batch order', () => {
    const { values, labels } = clusters(30, 5);
    const rows = Int32Array.from({ length: labels.length }, (_, i) => i);
    const a = trainSoftmaxProbe({ values, dim: 2 }, labels, rows, { classCount: 3, seed: 9, epochs: 3 });
    const b = trainSoftmaxProbe({ values, dim: 2 }, labels, rows, { classCount: 3, seed: 9, epochs: 3 });
    const c = trainSoftmaxProbe({ values, dim: 2 }, labels, rows, { classCount: 3, seed: 10, epochs: 3 });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    expect(Array.from(a.weights)).not.toEqual(Array.from(c.weights));
  });

  it('ignores a constant feature instead of dividing by its zero spread', () => {
    const { values, labels } = clusters(20, 7);
    const withConstant = new Float32Array(labels.length * 3);
    for (let i = 0; i < labels.length; i++) withConstant.set([values[2 * i], values[2 * i + 1], 4], 3 * i);
    const rows = Int32Array.from({ length: labels.length }, (_, i) => i);
    const probe = trainSoftmaxProbe({ values: withConstant, dim: 3 }, labels, rows, { classCount: 3, seed: 1 });
    expect(probe.weights.every(Number.isFinite)).toBe(true);
    const predicted = predictProbe(probe, { values: withConstant, dim: 3 }, rows);
    expect(accuracyOf(confusionMatrix(labels, predicted, 3), 3)).toBe(1);
  });

  it('counts a hand-made confusion matrix, rows true and columns predicted', () => {
    const confusion = confusionMatrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], 2);
    expect(Array.from(confusion)).toEqual([1, 1, 1, 2]);
    expect(accuracyOf(confusion, 2)).toBeCloseTo(3 / 5, 12);
  });

  it('picks the epoch count from the work budget, so pixels get fewer passes than codes', () => {
    const { values, labels } = clusters(10, 1);
    const rows = Int32Array.from({ length: labels.length }, (_, i) => i);
    const probe = trainSoftmaxProbe({ values, dim: 2 }, labels, rows, { classCount: 3, seed: 1, budget: 30 * 2 * 3 * 5 });
    expect(probe.epochs).toBe(5);
  });
});

describe('pixel PCA', () => {
  it('finds the plane images vary in, largest variance first, with orthonormal components', () => {
    // 6-pixel images: a * u + b * v around a grey mean, var(a) = 4 var(b), u and v orthogonal.
    const rng = createRng(2);
    const count = 400;
    const images = new Uint8Array(count * 6);
    const u = [1, 1, 0, 0, 0, 0].map((x) => x / Math.SQRT2);
    const v = [0, 0, 1, -1, 0, 0].map((x) => x / Math.SQRT2);
    for (let n = 0; n < count; n++) {
      const a = rng.normal() * 0.2;
      const b = rng.normal() * 0.1;
      for (let p = 0; p < 6; p++) images[n * 6 + p] = Math.round(255 * Math.min(1, Math.max(0, 0.5 + a * u[p] + b * v[p])));
    }
    const rows = Int32Array.from({ length: count }, (_, i) => i);
    const pca = fitPixelPca(images, rows, 6, 2, { seed: 1 });
    const component = (c: number) => Array.from(pca.components.subarray(c * 6, c * 6 + 6));
    const dot = (x: number[], y: number[]) => x.reduce((sum, value, i) => sum + value * y[i], 0);
    expect(Math.abs(dot(component(0), u))).toBeGreaterThan(0.999);
    expect(Math.abs(dot(component(1), v))).toBeGreaterThan(0.999);
    expect(dot(component(0), component(1))).toBeCloseTo(0, 9);
    expect(pca.variances[0] / pca.variances[1]).toBeGreaterThan(3);
    expect(pca.variances[0] / pca.variances[1]).toBeLessThan(5);
    // Scores have the fitted variances.
    const scores = projectPixels(pca, images, rows);
    let first = 0;
    for (let n = 0; n < count; n++) first += scores[2 * n] ** 2;
    expect(first / count).toBeCloseTo(pca.variances[0], 6);
  });
});
