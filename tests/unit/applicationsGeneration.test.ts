import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/rng';
import { choleskyFactor, fitGaussian, sampleGaussian, sampleStandardNormal } from '../../src/analysis/gaussian';
import { referenceImages, scoreSamples } from '../../src/analysis/sampleScore';

describe('Gaussian fitted to codes', () => {
  it('fits the hand-computed mean and covariance of four points', () => {
    const fit = fitGaussian(Float32Array.from([0, 0, 2, 0, 0, 2, 2, 2]), 2);
    expect(Array.from(fit.mean)).toEqual([1, 1]);
    expect(Array.from(fit.covariance)).toEqual([1, 0, 0, 1]);
  });

  it('draws seeded samples whose mean and covariance match the fitted ones', () => {
    const fit = {
      dim: 3,
      mean: Float64Array.from([1, -2, 0.5]),
      covariance: Float64Array.from([2, 0.8, -0.3, 0.8, 1, 0.2, -0.3, 0.2, 0.5]),
    };
    const samples = sampleGaussian(fit, 40_000, createRng(11));
    const refit = fitGaussian(samples, 3);
    for (let i = 0; i < 3; i++) expect(refit.mean[i]).toBeCloseTo(fit.mean[i], 1);
    for (let i = 0; i < 9; i++) expect(Math.abs(refit.covariance[i] - fit.covariance[i])).toBeLessThan(0.05);
    // Same seed, same samples.
    expect(Array.from(sampleGaussian(fit, 5, createRng(11)))).toEqual(Array.from(samples.subarray(0, 15)));
  });

  it('factorises a singular covariance (a dead code unit) with a tiny ridge', () => {
    const codes = new Float32Array(200 * 2);
    const rng = createRng(4);
    for (let i = 0; i < 200; i++) codes[2 * i] = rng.normal(); // the second unit is always 0
    const fit = fitGaussian(codes, 2);
    const { factor, ridge } = choleskyFactor(fit.covariance, 2);
    expect(ridge).toBeGreaterThan(0);
    expect(ridge).toBeLessThan(1e-3 * fit.covariance[0]);
    expect(factor[0]).toBeCloseTo(Math.sqrt(fit.covariance[0]), 4);
    const samples = sampleGaussian(fit, 1000, createRng(1));
    expect(samples.every(Number.isFinite)).toBe(true);
  });

  it('fits only the given rows (the training codes)', () => {
    const codes = Float32Array.from([0, 10, 2, 99]);
    expect(Array.from(fitGaussian(codes, 1, [0, 2]).mean)).toEqual([1]);
  });

  it('samples the standard normal with mean 0 and variance 1', () => {
    const samples = sampleStandardNormal(2, 20_000, createRng(3));
    const fit = fitGaussian(samples, 2);
    expect(Math.abs(fit.mean[0])).toBeLessThan(0.03);
    expect(fit.covariance[0]).toBeCloseTo(1, 1);
    expect(Math.abs(fit.covariance[1])).toBeLessThan(0.03);
  });
});

describe('sample scores against training images', () => {
  // Four-pixel "images": class 0 is dark on the left, class 1 dark on the right.
  const images = Uint8Array.from([
    255, 255, 0, 0, // 0
    255, 255, 0, 0, // 0
    255, 255, 0, 0, // 0
    255, 255, 0, 0, // 0
    255, 255, 0, 0, // 0
    0, 0, 255, 255, // 1
    0, 0, 255, 255, // 1
    0, 0, 255, 255, // 1
    0, 0, 255, 255, // 1
    0, 0, 255, 255, // 1
  ]);
  const labels = Uint8Array.from([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  const rows = Int32Array.from({ length: 10 }, (_, i) => i);
  const reference = referenceImages(images, labels, rows, 4);

  it('a copy of a training image is at distance 0 and confidently classified', () => {
    const score = scoreSamples(Float32Array.from([1, 1, 0, 0]), 1, reference);
    expect(score.meanNearestDistance).toBe(0);
    expect(score.confidentShare).toBe(1);
    expect(score.majorityLabel[0]).toBe(0);
    expect(score.majorityVotes[0]).toBe(5);
  });

  it('a blend of two classes is half-way from both and not confident', () => {
    // All grey: RMS distance to either class is 0.5; the 5 neighbours split 3-2 at most.
    const reference3 = referenceImages(
      Uint8Array.from([255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255]),
      Uint8Array.from([0, 0, 0, 1, 1]),
      Int32Array.from([0, 1, 2, 3, 4]),
      4,
    );
    const score = scoreSamples(Float32Array.from([0.5, 0.5, 0.5, 0.5]), 1, reference3);
    expect(score.meanNearestDistance).toBeCloseTo(0.5, 6);
    expect(score.majorityVotes[0]).toBe(3);
    expect(score.confidentShare).toBe(0);
  });

  it('averages distances and counts confident samples over a batch (hand case)', () => {
    // Sample A: a copy of class 1 (distance 0). Sample B: class 0 with one pixel off by 1
    // (RMS distance sqrt(1 / 4) = 0.5), still confidently class 0.
    const samples = Float32Array.from([0, 0, 1, 1, 1, 0, 0, 0]);
    const score = scoreSamples(samples, 2, reference);
    expect(score.meanNearestDistance).toBeCloseTo(0.25, 6);
    expect(score.confidentShare).toBe(1);
    expect(Array.from(score.majorityLabel)).toEqual([1, 0]);
  });

  it('caps a large reference set to evenly spaced rows', () => {
    const capped = referenceImages(images, labels, rows, 4, 2);
    expect(Array.from(capped.labels)).toEqual([0, 1]);
    expect(() => scoreSamples(new Float32Array(3), 1, reference)).toThrow(/4 pixels/);
  });
});
