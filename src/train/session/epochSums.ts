// The epoch's batch losses summed as training goes, for the epoch's mean, and the last batch's
// loss for the progress line.
import type { TermValues } from '../trainerState';

/** The epoch's batch-loss sums: total, count and each term by name. */
export interface SumsSnapshot {
  sum: number;
  count: number;
  terms: Record<string, number>;
}

export function emptySums(): SumsSnapshot {
  return { sum: 0, count: 0, terms: {} };
}

export class EpochSums {
  private sum = 0;
  private count = 0;
  /** The epoch's batch loss terms summed by name, for their epoch means. */
  private terms: Record<string, number> = {};
  lastBatchLoss = NaN;
  lastBatchTerms: Record<string, number> = {};

  /** One batch's loss terms into the epoch's sums and the progress line. */
  add(terms: TermValues): void {
    this.sum += terms.total;
    this.count++;
    this.lastBatchLoss = terms.total;
    this.lastBatchTerms = terms;
    for (const [name, value] of Object.entries(terms)) {
      this.terms[name] = (this.terms[name] ?? 0) + value;
    }
  }

  /** The epoch's mean loss and mean terms; the sums start again for the next epoch. */
  takeMeans(): { trainLoss: number; trainTerms: Record<string, number> } {
    const batches = Math.max(1, this.count);
    const trainLoss = this.sum / batches;
    const trainTerms = Object.fromEntries(Object.entries(this.terms).map(([name, sum]) => [name, sum / batches]));
    this.sum = 0;
    this.count = 0;
    this.terms = {};
    return { trainLoss, trainTerms };
  }

  snapshot(): SumsSnapshot {
    return { sum: this.sum, count: this.count, terms: { ...this.terms } };
  }

  /** Back to the sums of a kept state, so steps trained again are not counted twice. */
  restore(sums: SumsSnapshot): void {
    this.sum = sums.sum;
    this.count = sums.count;
    this.terms = { ...sums.terms };
  }

  reset(): void {
    this.restore(emptySums());
    this.lastBatchLoss = NaN;
    this.lastBatchTerms = {};
  }
}
