// Anomaly detection by reconstruction error: the ROC curve of a score against known anomalies, its
// area (AUC), and precision and recall at one threshold. Higher score = more anomalous.

export interface RocPoint {
  /** Share of normal items at or above the threshold. */
  falsePositiveRate: number;
  /** Share of anomalies at or above the threshold. */
  truePositiveRate: number;
  /** Items scoring at or above this count as anomalies (Infinity for the first point). */
  threshold: number;
}

/**
 * The ROC curve from the strictest threshold (nothing flagged) to the loosest (everything flagged).
 * Tied scores move together, as one diagonal step, so the curve does not depend on their order.
 */
export function rocCurve(scores: ArrayLike<number>, isAnomaly: ArrayLike<boolean>): RocPoint[] {
  const count = scores.length;
  let positives = 0;
  for (let i = 0; i < count; i++) if (isAnomaly[i]) positives++;
  const negatives = count - positives;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const points: RocPoint[] = [{ falsePositiveRate: 0, truePositiveRate: 0, threshold: Infinity }];
  let truePositives = 0;
  let falsePositives = 0;
  for (let i = 0; i < count; ) {
    const threshold = scores[order[i]];
    while (i < count && scores[order[i]] === threshold) {
      if (isAnomaly[order[i]]) truePositives++;
      else falsePositives++;
      i++;
    }
    points.push({
      falsePositiveRate: negatives > 0 ? falsePositives / negatives : 0,
      truePositiveRate: positives > 0 ? truePositives / positives : 0,
      threshold,
    });
  }
  return points;
}

/** Area under the curve by the trapezoid rule: the chance a random anomaly outscores a random normal item (ties count half). */
export function areaUnderCurve(points: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    const width = points[i].falsePositiveRate - points[i - 1].falsePositiveRate;
    area += (width * (points[i].truePositiveRate + points[i - 1].truePositiveRate)) / 2;
  }
  return area;
}

export interface ThresholdCounts {
  /** Flagged items that are anomalies, over all flagged (NaN when nothing is flagged). */
  precision: number;
  /** Anomalies flagged, over all anomalies (NaN when there are none). */
  recall: number;
  flagged: number;
}

/** Precision and recall when every item scoring at or above `threshold` is flagged. */
export function precisionRecallAt(scores: ArrayLike<number>, isAnomaly: ArrayLike<boolean>, threshold: number): ThresholdCounts {
  let flagged = 0;
  let hits = 0;
  let positives = 0;
  for (let i = 0; i < scores.length; i++) {
    if (isAnomaly[i]) positives++;
    if (scores[i] >= threshold) {
      flagged++;
      if (isAnomaly[i]) hits++;
    }
  }
  return { precision: flagged > 0 ? hits / flagged : NaN, recall: positives > 0 ? hits / positives : NaN, flagged };
}
