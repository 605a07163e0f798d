// Pure helpers for the Anomalies tab: reconstruction errors binned for a histogram, the threshold's
// place on that histogram's axis (for dragging and arrow keys), and the highest-error images.

export interface ErrorHistogram {
  /** The axis runs from `min` to `max` (min is 0: errors are never negative). */
  min: number;
  max: number;
  /** Share of all errors in each of the equal-width bins, left to right. */
  shares: number[];
}

/** Bins the finite errors over [0, the largest error], `binCount` equal bins; the largest error falls in the last. */
export function errorHistogram(errors: ArrayLike<number>, binCount: number): ErrorHistogram {
  const bins = Math.max(1, Math.floor(binCount));
  let max = 0;
  let finite = 0;
  for (let i = 0; i < errors.length; i++) {
    const value = errors[i];
    if (!Number.isFinite(value)) continue;
    finite++;
    if (value > max) max = value;
  }
  if (max <= 0) max = 1e-6;
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < errors.length; i++) {
    const value = errors[i];
    if (!Number.isFinite(value)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((value / max) * bins)))]++;
  }
  return { min: 0, max, shares: counts.map((count) => (finite > 0 ? count / finite : 0)) };
}

/** Where `value` sits along the axis, 0 at the left end and 1 at the right, clamped. */
export function positionOfThreshold(histogram: ErrorHistogram, value: number): number {
  const span = histogram.max - histogram.min;
  return Math.min(1, Math.max(0, (value - histogram.min) / span));
}

/** The threshold at `position` (0..1, clamped) along the axis: the inverse of `positionOfThreshold`. */
export function thresholdAtPosition(histogram: ErrorHistogram, position: number): number {
  const clamped = Math.min(1, Math.max(0, position));
  return histogram.min + clamped * (histogram.max - histogram.min);
}

/** One arrow-key step: a hundredth of the axis (a tenth with `large`, for Page Up/Down), kept on the axis. */
export function stepThreshold(histogram: ErrorHistogram, value: number, direction: 1 | -1, large = false): number {
  const step = (histogram.max - histogram.min) / (large ? 10 : 100);
  return Math.min(histogram.max, Math.max(histogram.min, value + direction * step));
}

/** The error at the given quantile (0..1) of the finite errors: a sensible starting threshold. */
export function errorQuantile(errors: ArrayLike<number>, quantile: number): number {
  const sorted = Array.from(errors).filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.floor(quantile * sorted.length)));
  return sorted[at];
}

/**
 * Positions (into `errors`) of the `count` highest finite errors, highest first. Equal errors keep
 * their order, so the gallery does not shuffle between equal measurements.
 */
export function highestErrorPositions(errors: ArrayLike<number>, count: number): number[] {
  const positions: number[] = [];
  for (let i = 0; i < errors.length; i++) if (Number.isFinite(errors[i])) positions.push(i);
  positions.sort((a, b) => errors[b] - errors[a] || a - b);
  return positions.slice(0, Math.max(0, count));
}
