// The Applications tabs' maths: PSNR, ROC and AUC, the PCA baseline's error, code quantisation and
// the JPEG quality search.
import { describe, expect, it } from 'vitest';
import { imagePsnr, meanPsnr, perImageLoss, psnrFromMse, PSNR_CAP_DB } from '../../src/analysis/imageMetrics';
import { areaUnderCurve, precisionRecallAt, rocCurve } from '../../src/analysis/roc';
import { codeBytes, codeRanges, compressionRatio, quantiseCodes } from '../../src/analysis/codeQuantise';
import { jpegScanBytes, searchQuality } from '../../src/analysis/jpegSearch';
import { fitPixelPca, projectPixels } from '../../src/analysis/pixelPca';
import { reconstructFromScores } from '../../src/analysis/pcaBaseline';
import { createRng } from '../../src/lib/rng';

describe('PSNR', () => {
  it('matches a hand computation: errors 0.1 and 0.3 on two pixels give MSE 0.05, 13.0103 dB', () => {
    const reference = Float32Array.from([0.5, 0.5]);
    const test = Float32Array.from([0.6, 0.2]);
    // MSE = (0.01 + 0.09) / 2 = 0.05; 10 log10(1 / 0.05) = 13.0103 dB.
    expect(imagePsnr(reference, 0, test, 0, 2)).toBeCloseTo(13.0103, 3);
  });

  it('averages per-image PSNR and caps a perfect copy', () => {
    const reference = Float32Array.from([0, 0, 1, 1]);
    const test = Float32Array.from([0, 0, 0.9, 0.9]);
    // Image 1 is perfect (capped), image 2 has MSE 0.01: 20 dB.
    expect(meanPsnr(reference, test, 2, 2)).toBeCloseTo((PSNR_CAP_DB + 20) / 2, 4);
    expect(psnrFromMse(0.001)).toBeCloseTo(30, 6);
  });

  it('measures squared error and cross-entropy per image', () => {
    const target = Float32Array.from([1, 0, 1, 0]);
    const output = Float32Array.from([0.5, 0.5, 1, 0]);
    const mse = perImageLoss('mse', target, output, 2, 2);
    expect(mse[0]).toBeCloseTo(0.25, 6);
    expect(mse[1]).toBeCloseTo(0, 6);
    const bce = perImageLoss('bce', target, output, 2, 2);
    expect(bce[0]).toBeCloseTo(Math.log(2), 5);
  });
});

describe('ROC and AUC', () => {
  it('gives AUC 1 when every anomaly scores above every normal image', () => {
    const points = rocCurve([0.9, 0.8, 0.1, 0.2], [true, true, false, false]);
    expect(areaUnderCurve(points)).toBe(1);
  });

  it('gives AUC 0.5 when every score is the same', () => {
    const points = rocCurve([0.3, 0.3, 0.3, 0.3, 0.3], [true, false, true, false, false]);
    expect(points).toEqual([
      { falsePositiveRate: 0, truePositiveRate: 0, threshold: Infinity },
      { falsePositiveRate: 1, truePositiveRate: 1, threshold: 0.3 },
    ]);
    expect(areaUnderCurve(points)).toBe(0.5);
  });

  it('matches a hand-counted case, point by point', () => {
    // Anomalies score 0.9 and 0.4; normal images 0.7, 0.3, 0.2.
    // Pairs where the anomaly wins: 0.9 beats all three, 0.4 beats 0.3 and 0.2: 5 of 6.
    const scores = [0.9, 0.7, 0.4, 0.3, 0.2];
    const anomaly = [true, false, true, false, false];
    const points = rocCurve(scores, anomaly);
    expect(points.map((p) => [p.falsePositiveRate, p.truePositiveRate])).toEqual([
      [0, 0],
      [0, 0.5],
      [1 / 3, 0.5],
      [1 / 3, 1],
      [2 / 3, 1],
      [1, 1],
    ]);
    expect(areaUnderCurve(points)).toBeCloseTo(5 / 6, 12);
    const at = precisionRecallAt(scores, anomaly, 0.4);
    expect(at).toEqual({ precision: 2 / 3, recall: 1, flagged: 3 });
  });
});

describe('PCA baseline', () => {
  it('has a squared error equal to the sum of the discarded eigenvalues', () => {
    const rng = createRng(7);
    const count = 60;
    const pixels = 6;
    // Images with very different spreads per pixel direction, so the eigenvalues are distinct.
    const spreads = [90, 60, 30, 15, 8, 3];
    const images = new Uint8Array(count * pixels);
    for (let i = 0; i < count; i++) for (let p = 0; p < pixels; p++) images[i * pixels + p] = Math.round(Math.min(255, Math.max(0, 128 + spreads[p] * rng.normal())));
    const rows = Int32Array.from({ length: count }, (_, i) => i);
    const all = fitPixelPca(images, rows, pixels, pixels, { seed: 1, iterations: 8 });
    const kept = 2;
    const pca = fitPixelPca(images, rows, pixels, kept, { seed: 1, iterations: 8 });
    const rebuilt = reconstructFromScores(pca, projectPixels(pca, images, rows), count);
    let squared = 0;
    for (let i = 0; i < count * pixels; i++) squared += (rebuilt[i] - images[i] / 255) ** 2;
    const meanSquaredPerImage = squared / count;
    let discarded = 0;
    for (let c = kept; c < pixels; c++) discarded += all.variances[c];
    expect(Math.abs(meanSquaredPerImage - discarded)).toBeLessThan(1e-4);
    expect(discarded).toBeGreaterThan(0.001);
  });
});

describe('code quantisation', () => {
  it('round-trips 8-bit codes within 1/255 of each dimension range', () => {
    const rng = createRng(3);
    const dim = 4;
    const count = 500;
    const codes = new Float32Array(dim * count);
    for (let i = 0; i < codes.length; i++) codes[i] = rng.normal() * (1 + (i % dim));
    const ranges = codeRanges(codes, count, dim);
    const back = quantiseCodes(codes, dim, ranges, 8);
    for (let i = 0; i < codes.length; i++) {
      const span = ranges.max[i % dim] - ranges.min[i % dim];
      expect(Math.abs(back[i] - codes[i])).toBeLessThanOrEqual(span / 255 + 1e-6);
    }
    expect(quantiseCodes(codes, dim, ranges, 32)).toEqual(codes);
  });

  it('counts bytes and the compression ratio', () => {
    expect(compressionRatio(28 * 28, 2)).toBe(392);
    expect(codeBytes(2, 32)).toBe(8);
    expect(codeBytes(3, 6)).toBe(2.25);
  });
});

describe('JPEG quality search', () => {
  it('lands within 5% under the byte budget for a monotone encoder', async () => {
    // A stand-in encoder: size grows smoothly with quality, from 40 to 2,040 bytes.
    const fakeSize = (quality: number) => Math.round(40 + 2000 * quality ** 2);
    for (const budget of [100, 333, 900, 1500]) {
      const found = await searchQuality(budget, fakeSize);
      expect(found.fits).toBe(true);
      expect(found.bytes).toBeLessThanOrEqual(budget);
      expect(found.bytes).toBeGreaterThanOrEqual(0.95 * budget);
    }
  });

  it('reports a budget below the smallest file, and takes the best quality when everything fits', async () => {
    const fakeSize = (quality: number) => 40 + 100 * quality;
    expect(await searchQuality(10, fakeSize)).toEqual({ quality: 0, bytes: 40, fits: false });
    expect(await searchQuality(1000, fakeSize)).toEqual({ quality: 1, bytes: 140, fits: true });
  });

  it('counts only the scan data of a JPEG file', () => {
    // SOI, an APP0 segment of length 4, SOS of length 3, five scan bytes, EOI.
    const file = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xda, 0, 3, 9, 1, 2, 3, 4, 5, 0xff, 0xd9]);
    expect(jpegScanBytes(file)).toBe(5);
    expect(() => jpegScanBytes(Uint8Array.from([1, 2, 3]))).toThrow(/Not a JPEG/);
  });
});
