import { describe, expect, it } from 'vitest';
import { PixelBaselineCache, computePixelBaseline, type BaselineData } from '../../src/analysis/pixelBaseline';
import { createRng } from '../../src/lib/rng';

/** 60 images of 4 x 4 pixels in 3 classes, each class brighter in its own corner. */
function tinyData(): BaselineData {
  const rng = createRng(3);
  const count = 60;
  const d = 16;
  const images = new Uint8Array(count * d);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let p = 0; p < d; p++) images[i * d + p] = Math.round(40 * rng.next() + (p % 3 === labels[i] ? 180 : 0));
  }
  const all = Array.from({ length: count }, (_, i) => i);
  return { images, labels, train: Int32Array.from(all.slice(0, 45)), heldOut: Int32Array.from(all.slice(45)), pixelsPerImage: d };
}

describe('PixelBaselineCache', () => {
  it('computes what computePixelBaseline computes', () => {
    const data = tinyData();
    const request = { components: 3, evalLimit: 10, seed: 7 };
    const cached = new PixelBaselineCache().get(data, request);
    const direct = computePixelBaseline(data, request);
    expect(Array.from(cached.pcaMap)).toEqual(Array.from(direct.pcaMap));
    expect(Array.from(cached.pcaRebuilt)).toEqual(Array.from(direct.pcaRebuilt));
    expect(cached.pcaKnnAccuracy).toBe(direct.pcaKnnAccuracy);
    expect(cached.evalRows.length).toBe(10);
    // The classes differ in pixel space, so the pixel PCA map separates them well.
    expect(cached.pcaKnnAccuracy).toBeGreaterThan(0.8);
  });

  it('reuses the baseline for the same training set in another order', () => {
    const data = tinyData();
    const cache = new PixelBaselineCache();
    const order = Int32Array.from(data.train);
    const first = cache.get(data, { components: 2, evalLimit: 15, seed: 1, trainIndices: order });
    const shuffled = Int32Array.from(order).reverse();
    expect(cache.get(data, { components: 2, evalLimit: 15, seed: 1, trainIndices: shuffled })).toBe(first);
  });

  it('computes again when the set, the request or the data change', () => {
    const data = tinyData();
    const cache = new PixelBaselineCache();
    const request = { components: 2, evalLimit: 15, seed: 1, trainIndices: Int32Array.from(data.train) };
    const first = cache.get(data, request);
    expect(cache.get(data, { ...request, trainIndices: data.train.subarray(0, 30) })).not.toBe(first);
    const second = cache.get(data, request);
    expect(second).not.toBe(first);
    expect(cache.get(data, { ...request, components: 3 })).not.toBe(second);
    const third = cache.get(data, request);
    expect(cache.get(data, { ...request, seed: 2 })).not.toBe(third);
    const fourth = cache.get(data, request);
    expect(cache.get({ ...data }, request)).not.toBe(fourth);
    expect(cache.get(data, { ...request, evalLimit: 5 }).evalRows.length).toBe(5);
  });
});
