// Non-linear 2-D projection of latent codes with umap-js, driven by the caller one slice of epochs
// at a time so a worker or animation frame owns the loop. UMAP's cost grows faster than linearly,
// so it is fitted on a seeded sample and the remaining rows are placed into that fitted map.

import { UMAP } from 'umap-js';
import { createRng, type Rng } from '../lib/rng';

export interface UmapProjectorOptions {
  /**
   * Neighbours per point in the k-NN graph: small values keep fine local structure, large values
   * favour the global layout. Default 15 (umap-js's default). Clamped below the sample size.
   */
  nNeighbors?: number;
  /**
   * Smallest distance between points in the map, in map units: small values pack clusters
   * tightly, larger values spread them out. Default 0.1 (umap-js's default).
   */
  minDist?: number;
  /**
   * Rows fitted by UMAP itself; any rows beyond it are placed afterwards with umap.transform.
   * Default 5000, which fits in seconds; the sample is drawn from `seed`.
   */
  sampleSize?: number;
  /**
   * Optimisation epochs for the fit. Default: umap-js's choice by sample size (500 up to 2,500
   * rows, 400 up to 5,000, 300 up to 7,500, then 200). Fewer epochs give a rougher map sooner.
   */
  nEpochs?: number;
  /** Seeds both the row sample and every random draw inside UMAP, so a seed reproduces a map. */
  seed: number;
}

const defaultSampleSize = 5000;

interface Fit {
  readonly umap: UMAP;
  readonly codes: Float32Array;
  readonly count: number;
  readonly latentDim: number;
  readonly sampleRows: Int32Array;
  readonly totalEpochs: number;
  epochsDone: number;
  result: Float32Array | null;
}

export class UmapProjector {
  private readonly options: Required<Omit<UmapProjectorOptions, 'nEpochs'>> & { nEpochs: number | undefined };
  private fit: Fit | null = null;

  constructor(options: UmapProjectorOptions) {
    this.options = {
      nNeighbors: options.nNeighbors ?? 15,
      minDist: options.minDist ?? 0.1,
      sampleSize: options.sampleSize ?? defaultSampleSize,
      nEpochs: options.nEpochs,
      seed: options.seed,
    };
    if (!(this.options.sampleSize >= 3)) throw new RangeError('sampleSize must be at least 3');
  }

  /**
   * Begin a fit of `count` codes (row-major, `latentDim` floats each): draws the sample and builds
   * the neighbour graph (the slow, non-incremental part). Returns the total number of epochs.
   * `codes` is read again by finish(), so leave it unchanged until then.
   */
  start(codes: Float32Array, count: number, latentDim: number): number {
    if (count < 3) throw new RangeError(`UMAP needs at least 3 rows, got ${count}`);
    if (codes.length < count * latentDim) {
      throw new RangeError(`codes holds ${codes.length} floats, expected ${count} x ${latentDim}`);
    }
    // A fresh source per start, so starting again with the same data reproduces the same map.
    const rng = createRng(this.options.seed);
    const sampleRows = drawSample(count, Math.min(count, this.options.sampleSize), rng);
    const umap = new UMAP({
      nComponents: 2,
      // umap-js refuses a graph with as many neighbours as points.
      nNeighbors: Math.min(this.options.nNeighbors, sampleRows.length - 1),
      minDist: this.options.minDist,
      nEpochs: this.options.nEpochs,
      random: rng.next,
    });
    const totalEpochs = umap.initializeFit(rowsAsVectors(codes, latentDim, sampleRows));
    this.fit = { umap, codes, count, latentDim, sampleRows, totalEpochs, epochsDone: 0, result: null };
    return totalEpochs;
  }

  /** Run up to `steps` more epochs; returns the epochs done so far (equal to the total when done). */
  step(steps: number): number {
    const fit = this.requireFit();
    if (fit.result) return fit.epochsDone;
    for (let i = 0; i < steps && fit.epochsDone < fit.totalEpochs; i++) fit.epochsDone = fit.umap.step();
    return fit.epochsDone;
  }

  /**
   * Map points (x, y interleaved) for all `count` rows of the last start(). Runs any epochs not yet
   * stepped, then places the rows outside the sample into the fitted map. Later calls return the
   * same array until the next start().
   */
  finish(): Float32Array {
    const fit = this.requireFit();
    if (fit.result) return fit.result;
    this.step(fit.totalEpochs);

    const points = new Float32Array(fit.count * 2);
    const embedding = fit.umap.getEmbedding();
    const inSample = new Uint8Array(fit.count);
    fit.sampleRows.forEach((row, i) => {
      inSample[row] = 1;
      points[row * 2] = embedding[i][0];
      points[row * 2 + 1] = embedding[i][1];
    });

    const restRows: number[] = [];
    for (let row = 0; row < fit.count; row++) if (!inSample[row]) restRows.push(row);
    for (const batch of transformBatches(restRows, fit.sampleRows.length)) {
      const placed = fit.umap.transform(rowsAsVectors(fit.codes, fit.latentDim, batch));
      batch.forEach((row, i) => {
        points[row * 2] = placed[i][0];
        points[row * 2 + 1] = placed[i][1];
      });
    }
    fit.result = points;
    return points;
  }

  /**
   * Map points (x, y interleaved) of the sample rows, in sampleRows order, as the fit stands now:
   * for drawing the layout while it settles, before finish() places the other rows.
   */
  preview(): Float32Array {
    const embedding = this.requireFit().umap.getEmbedding();
    const points = new Float32Array(embedding.length * 2);
    embedding.forEach(([x, y], i) => {
      points[i * 2] = x;
      points[i * 2 + 1] = y;
    });
    return points;
  }

  /** Rows (ascending) that UMAP fitted directly; the others were placed by transform. */
  get sampleRows(): Int32Array {
    return this.requireFit().sampleRows;
  }

  private requireFit(): Fit {
    if (!this.fit) throw new Error('UmapProjector: call start() first');
    return this.fit;
  }
}

/** `size` distinct rows of `count`, ascending: a partial Fisher-Yates shuffle from `rng`. */
function drawSample(count: number, size: number, rng: Rng): Int32Array {
  const rows = new Int32Array(count);
  for (let i = 0; i < count; i++) rows[i] = i;
  if (size === count) return rows;
  for (let i = 0; i < size; i++) {
    const j = i + rng.nextInt(count - i);
    const held = rows[i];
    rows[i] = rows[j];
    rows[j] = held;
  }
  return rows.slice(0, size).sort();
}

function rowsAsVectors(codes: Float32Array, latentDim: number, rows: ArrayLike<number>): number[][] {
  const vectors: number[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i] * latentDim;
    vectors[i] = Array.from(codes.subarray(base, base + latentDim));
  }
  return vectors;
}

/**
 * umap-js's transform also moves the fitted points when the batch is exactly as long as the fitted
 * set (it tests "same length" to mean "same data"), so such a batch is split in two.
 */
function transformBatches(rows: number[], sampleCount: number): number[][] {
  if (rows.length === 0) return [];
  if (rows.length !== sampleCount) return [rows];
  const half = Math.ceil(rows.length / 2);
  return [rows.slice(0, half), rows.slice(half)];
}
