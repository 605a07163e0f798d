// The bottleneck sweep's plain logic: which configs it trains, on which images, and what its
// measured curves say about the two limits of a bottleneck (too small loses information, too
// large memorises). The worker that trains lives in sweepWorker.ts.
import { createRng, shuffleInPlace } from '../lib/rng';
import { LIMITS } from '../model/validate';
import { contractiveJacobianFloats, type ExperimentConfig } from '../model/spec';

/** Latent sizes the sweep trains, smallest first: powers of two, so a log axis spaces them evenly. */
export const SWEEP_SIZES: readonly number[] = [1, 2, 4, 8, 16, 32, 64];

/**
 * The sweep's own latent-size range. The settings form asks for at least 2 because the map needs
 * two axes; the builders make a 1-value code like any other (a dense code layer of one unit), and
 * the sweep draws no map, so it may go down to 1.
 */
export const SWEEP_LATENT_LIMITS = { min: 1, max: LIMITS.latentDim.max } as const;

/** How far above its best a figure must be to count as clearly worse: 10%. */
export const CLEARLY_WORSE = 0.1;

/**
 * The current model's config at another latent size, trained for as long as the sweep lets it
 * (the time limit stops it, so the epoch count is only a ceiling). Refuses, with a reason, sizes
 * outside the sweep's range and contractive models whose Jacobian would not fit in memory.
 */
export function sweepConfig(config: ExperimentConfig, latentDim: number): { ok: true; config: ExperimentConfig } | { ok: false; message: string } {
  if (!Number.isInteger(latentDim) || latentDim < SWEEP_LATENT_LIMITS.min || latentDim > SWEEP_LATENT_LIMITS.max) {
    return { ok: false, message: `A sweep's latent size must be a whole number from ${SWEEP_LATENT_LIMITS.min} to ${SWEEP_LATENT_LIMITS.max}.` };
  }
  const spec = { ...config.spec, latentDim };
  if (spec.kind === 'contractive' && contractiveJacobianFloats(spec, config.training.batchSize) > LIMITS.contractiveJacobianFloats) {
    return { ok: false, message: `At latent size ${latentDim} the contractive penalty's Jacobian would not fit in memory; lower the batch size.` };
  }
  return { ok: true, config: { spec, training: { ...config.training, epochs: LIMITS.epochs.max } } };
}

/** A seeded subset of `size` training indices (sorted), or all of them when there are fewer. */
export function sweepSubset(train: Int32Array, size: number, seed: number): Int32Array {
  if (size >= train.length) return train.slice();
  const order = train.slice();
  shuffleInPlace(order, createRng(seed));
  return order.slice(0, Math.max(1, size)).sort();
}

/** One latent size's figures after its brief training. */
export interface SweepPoint {
  latentDim: number;
  /** Reconstruction error on the images it trained on, in the model's loss. */
  trainError: number;
  /** The same on the held-out images. */
  heldOutError: number;
  /** Held-out accuracy of a softmax probe on the codes, in [0, 1]. */
  probeAccuracy: number;
  /** Gradient steps it got in its time. */
  steps: number;
}

export interface SweepVerdict {
  /** The size with the lowest held-out error. */
  bestSize: number;
  /** Sizes, from the smallest up, whose training and held-out errors are both clearly above their best. */
  tooSmall: number[];
  /** Sizes, from some size to the largest, where held-out error pulls away from training error. */
  tooLarge: number[];
  /** Why, in one sentence built from the figures. */
  sentence: string;
}

function figure(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

/**
 * Read the two limits off measured curves.
 * - Too small: from the smallest size up, as long as both the training and the held-out error are
 *   over 10% above their lowest values: the code cannot hold what the image needs, on any image.
 * - Too large: from some size above the best to the largest, held-out error exceeds training
 *   error by more than at the best size, by over 10% of the best held-out error: the model fits
 *   its training images better than new ones, which is memorising.
 */
export function sweepVerdict(points: readonly SweepPoint[]): SweepVerdict {
  const measured = points.filter((p) => Number.isFinite(p.trainError) && Number.isFinite(p.heldOutError)).sort((a, b) => a.latentDim - b.latentDim);
  if (measured.length === 0) return { bestSize: NaN, tooSmall: [], tooLarge: [], sentence: 'No size has been measured yet.' };
  const best = measured.reduce((a, b) => (b.heldOutError < a.heldOutError ? b : a));
  const minHeld = best.heldOutError;
  const minTrain = Math.min(...measured.map((p) => p.trainError));
  const scale = Math.max(Math.abs(minHeld), 1e-12);
  const gap = (p: SweepPoint): number => p.heldOutError - p.trainError;
  const bestGap = gap(best);

  const tooSmall: number[] = [];
  for (const p of measured) {
    if (p.latentDim >= best.latentDim) break;
    const lossy = p.heldOutError > minHeld + CLEARLY_WORSE * scale && p.trainError > minTrain + CLEARLY_WORSE * Math.max(Math.abs(minTrain), 1e-12);
    if (!lossy) break;
    tooSmall.push(p.latentDim);
  }
  const tooLarge: number[] = [];
  for (let i = measured.length - 1; i >= 0; i--) {
    const p = measured[i];
    if (p.latentDim <= best.latentDim) break;
    if (!(gap(p) - bestGap > CLEARLY_WORSE * scale)) break;
    tooLarge.unshift(p.latentDim);
  }

  const parts: string[] = [];
  if (tooSmall.length > 0) {
    const worst = measured[0];
    const last = tooSmall[tooSmall.length - 1];
    parts.push(
      `with ${last === worst.latentDim ? `${last} value${last === 1 ? '' : 's'}` : `up to ${last} values`} both errors stay high ` +
        `(held-out ${figure(worst.heldOutError)} at ${worst.latentDim} against ${figure(minHeld)} at ${best.latentDim}, ` +
        `${figure(worst.heldOutError / scale)}× the best), so too small a code loses information`,
    );
  }
  if (tooLarge.length > 0) {
    const first = measured.find((p) => p.latentDim === tooLarge[0]) as SweepPoint;
    const largest = measured[measured.length - 1];
    parts.push(
      `from ${first.latentDim} values on the held-out error exceeds the training error by ${figure(gap(largest))} at ${largest.latentDim} ` +
        `(training ${figure(largest.trainError)}, held-out ${figure(largest.heldOutError)}) against ${figure(bestGap)} at ${best.latentDim}, ` +
        `so the model memorises its training images`,
    );
  }
  if (tooSmall.length === 0 && tooLarge.length === 0) {
    parts.push(
      `no size was clearly worse than the best (held-out ${figure(minHeld)} at ${best.latentDim} values): no size lost information or ` +
        `memorised in this short sweep; more seconds per size or a smaller subset shows more`,
    );
  } else if (tooLarge.length === 0) {
    parts.push(`no size memorised: held-out error never pulled away from training error by more than 10% of its best`);
  } else if (tooSmall.length === 0) {
    parts.push(`no size was too small: even ${measured[0].latentDim} value${measured[0].latentDim === 1 ? '' : 's'} came within 10% of the best error`);
  }
  const sentence = parts.join('; ');
  return { bestSize: best.latentDim, tooSmall, tooLarge, sentence: sentence.charAt(0).toUpperCase() + sentence.slice(1) + '.' };
}
