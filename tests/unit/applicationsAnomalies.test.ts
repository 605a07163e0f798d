// The Anomalies tab's pure helpers: binning the errors, the threshold's place on the axis and back,
// arrow-key steps, the starting threshold, and the highest-error gallery.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  errorHistogram,
  errorQuantile,
  highestErrorPositions,
  positionOfThreshold,
  stepThreshold,
  thresholdAtPosition,
} from '../../src/analysis/anomalyHistogram';

describe('errorHistogram', () => {
  it('spans 0 to the largest error and its shares add up to 1, ignoring non-finite errors', () => {
    const histogram = errorHistogram([0, 0.1, 0.2, 0.4, NaN, Infinity], 4);
    expect(histogram.min).toBe(0);
    expect(histogram.max).toBeCloseTo(0.4);
    expect(histogram.shares).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('puts the largest error in the last bin', () => {
    const histogram = errorHistogram([1, 1, 1, 2], 10);
    expect(histogram.shares[9]).toBeCloseTo(0.25);
    expect(histogram.shares[5]).toBeCloseTo(0.75);
  });

  it('keeps an axis when every error is zero or there are none', () => {
    expect(errorHistogram([0, 0], 3).max).toBeGreaterThan(0);
    expect(errorHistogram([], 3).shares).toEqual([0, 0, 0]);
  });
});

describe('threshold on the axis', () => {
  it('maps a threshold to a position and back', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 10, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (max, position) => {
        const histogram = { min: 0, max, shares: [1] };
        const value = thresholdAtPosition(histogram, position);
        expect(positionOfThreshold(histogram, value)).toBeCloseTo(position, 9);
      }),
    );
  });

  it('clamps positions and thresholds off the axis', () => {
    const histogram = { min: 0, max: 2, shares: [1] };
    expect(thresholdAtPosition(histogram, -0.5)).toBe(0);
    expect(thresholdAtPosition(histogram, 1.5)).toBe(2);
    expect(positionOfThreshold(histogram, 5)).toBe(1);
  });

  it('steps by a hundredth of the axis, a tenth when large, and stops at the ends', () => {
    const histogram = { min: 0, max: 2, shares: [1] };
    expect(stepThreshold(histogram, 1, 1)).toBeCloseTo(1.02);
    expect(stepThreshold(histogram, 1, -1, true)).toBeCloseTo(0.8);
    expect(stepThreshold(histogram, 1.99, 1)).toBe(2);
    expect(stepThreshold(histogram, 0.01, -1)).toBe(0);
  });
});

describe('errorQuantile', () => {
  it('returns the error at that share of the sorted errors', () => {
    const errors = Array.from({ length: 10 }, (_, i) => (9 - i) / 10);
    expect(errorQuantile(errors, 0.9)).toBeCloseTo(0.9);
    expect(errorQuantile(errors, 0)).toBe(0);
    expect(errorQuantile([], 0.5)).toBe(0);
  });
});

describe('highestErrorPositions', () => {
  it('lists the highest finite errors first, equal ones in their order', () => {
    expect(highestErrorPositions([0.1, 0.5, NaN, 0.5, 0.3], 3)).toEqual([1, 3, 4]);
    expect(highestErrorPositions([0.1], 5)).toEqual([0]);
  });

  it('never lists a lower error above a higher one', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true })), fc.nat(20), (errors, count) => {
        const top = highestErrorPositions(errors, count);
        expect(top.length).toBe(Math.min(count, errors.length));
        for (let i = 1; i < top.length; i++) expect(errors[top[i - 1]]).toBeGreaterThanOrEqual(errors[top[i]]);
        const lowestShown = top.length ? errors[top[top.length - 1]] : Infinity;
        const hidden = errors.filter((_, i) => !top.includes(i));
        if (top.length) for (const value of hidden) expect(value).toBeLessThanOrEqual(lowestShown);
      }),
    );
  });
});
