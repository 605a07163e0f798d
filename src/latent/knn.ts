// How well the 2-D map separates the classes: the share of held-out images whose nearest training
// images on the map mostly carry the same label. Training points are bucketed into a uniform grid
// and each query searches outward ring by ring, so a full dataset is scored in a few milliseconds.

import { cellColumn, cellRow, gridLayout, sortByCell, type GridLayout } from '../lib/gridLayout';

/** Aim for about this many training points per grid cell: few enough to scan, enough to be few cells. */
const POINTS_PER_CELL = 2;

interface TrainingGrid extends GridLayout {
  /** Training points sorted by cell, as parallel arrays. */
  xs: Float64Array;
  ys: Float64Array;
  labels: Uint8Array;
  /** Dataset index of each point; breaks distance ties so results do not depend on visiting order. */
  keys: Int32Array;
  /** Points of cell c are cellStart[c] .. cellStart[c + 1] - 1; cell c = row * columns + column. */
  cellStart: Int32Array;
}

/**
 * Share of `heldOut` images whose `k` nearest training images (Euclidean distance on the map;
 * equal distances ordered by dataset index) have the image's own label as their strict majority:
 * more often than any other label, so ties count as wrong.
 *
 * `points` holds x, y interleaved for every dataset image; `train` and `heldOut` are dataset indices.
 * Training points that are not finite are left out; held-out points that are not finite count as
 * wrong. With fewer than `k` usable training points all of them vote. Returns NaN when there is
 * nothing held out to score.
 */
export function heldOutKnnAccuracy(
  points: Float32Array,
  labels: Uint8Array,
  train: Int32Array,
  heldOut: Int32Array,
  k = 5,
): number {
  const scorer = new HeldOutKnnScorer(points, labels, train, heldOut, k);
  scorer.advance(heldOut.length);
  return scorer.accuracy;
}

/**
 * heldOutKnnAccuracy in parts: the training grid is built first (a few milliseconds), then the
 * held-out images are scored `advance` by `advance`, so the page can score a new map between frames.
 * `points` must not change while it is scored.
 */
export class HeldOutKnnScorer {
  private grid: TrainingGrid | null = null;
  private neighbours = 0;
  private next = 0;
  private correct = 0;
  // Scratch reused across queries: the current best neighbours, sorted nearest first.
  private bestDistance = new Float64Array(0);
  private bestKey = new Int32Array(0);
  private bestLabel = new Int32Array(0);
  private readonly votes = new Int32Array(256);

  constructor(
    private readonly points: Float32Array,
    private readonly labels: Uint8Array,
    private readonly train: Int32Array,
    private readonly heldOut: Int32Array,
    private readonly k = 5,
  ) {}

  /** The training grid, built by the first `advance` (a slice of its own when scoring in parts). */
  private buildOnce(): void {
    if (this.grid || this.heldOut.length === 0) return;
    const grid = buildGrid(this.points, this.labels, this.train);
    this.grid = grid;
    this.neighbours = Math.min(Math.max(1, Math.floor(this.k)), grid.xs.length);
    this.bestDistance = new Float64Array(this.neighbours);
    this.bestKey = new Int32Array(this.neighbours);
    this.bestLabel = new Int32Array(this.neighbours);
    // No usable training point: nothing can vote, every image counts as wrong.
    if (this.neighbours === 0) this.next = this.heldOut.length;
  }

  /** Build the training grid now, if not built yet; `advance` then only scores. */
  prepare(): void {
    this.buildOnce();
  }

  /** Score up to `count` more held-out images; true once every one is scored. */
  advance(count: number): boolean {
    this.buildOnce();
    const { grid, points, labels, heldOut, neighbours, bestDistance, bestKey, bestLabel, votes } = this;
    const end = Math.min(heldOut.length, this.next + Math.max(0, Math.floor(count)));
    if (grid) {
      for (let h = this.next; h < end; h++) {
        const image = heldOut[h];
        const qx = points[2 * image];
        const qy = points[2 * image + 1];
        if (!Number.isFinite(qx) || !Number.isFinite(qy)) continue;
        findNearest(grid, qx, qy, bestDistance, bestKey, bestLabel);

        const label = labels[image];
        for (let m = 0; m < neighbours; m++) votes[bestLabel[m]]++;
        const own = votes[label];
        let wins = own > 0;
        for (let m = 0; m < neighbours; m++) {
          const other = bestLabel[m];
          if (other !== label && votes[other] >= own) wins = false;
        }
        if (wins) this.correct++;
        for (let m = 0; m < neighbours; m++) votes[bestLabel[m]] = 0;
      }
    }
    this.next = Math.max(this.next, end);
    return this.done;
  }

  get done(): boolean {
    return this.next >= this.heldOut.length;
  }

  /** The share so far is meaningless: read this once `done` (NaN with nothing held out). */
  get accuracy(): number {
    return this.heldOut.length === 0 ? Number.NaN : this.correct / this.heldOut.length;
  }
}

function buildGrid(points: Float32Array, labels: Uint8Array, train: Int32Array): TrainingGrid {
  const layout = gridLayout(points, train, train.length, POINTS_PER_CELL);
  const { cellStart, order } = sortByCell(points, train, train.length, layout);
  const xs = new Float64Array(order.length);
  const ys = new Float64Array(order.length);
  const sortedLabels = new Uint8Array(order.length);
  for (let slot = 0; slot < order.length; slot++) {
    const image = order[slot];
    xs[slot] = points[2 * image];
    ys[slot] = points[2 * image + 1];
    sortedLabels[slot] = labels[image];
  }
  // Dataset indices, which break distance ties.
  const keys = order;
  return { ...layout, xs, ys, labels: sortedLabels, keys, cellStart };
}

/**
 * Fills the best-* arrays with the nearest training points to (qx, qy), nearest first. Searches the
 * query's cell, then rings of cells around it, until no unvisited cell can hold a closer point.
 */
function findNearest(
  grid: TrainingGrid,
  qx: number,
  qy: number,
  bestDistance: Float64Array,
  bestKey: Int32Array,
  bestLabel: Int32Array,
): void {
  const { xs, ys, labels, keys, cellStart, columns, rows, left, bottom, cellWidth, cellHeight } = grid;
  const k = bestDistance.length;
  const last = k - 1;
  bestDistance.fill(Infinity);
  bestKey.fill(0x7fffffff);

  // Queries off the grid start from the nearest edge cell; the bounds below use the true position.
  const column = cellColumn(grid, qx);
  const row = cellRow(grid, qy);
  // Guards the stopping test against rounding in the cell assignment.
  const slack = 1e-9 * (cellWidth + cellHeight);

  // Points from..to-1 in grid order; consecutive cells of a row are one contiguous run.
  const scan = (from: number, to: number): void => {
    for (let p = from; p < to; p++) {
      const dx = xs[p] - qx;
      const dy = ys[p] - qy;
      const distance = dx * dx + dy * dy;
      const key = keys[p];
      if (distance > bestDistance[last] || (distance === bestDistance[last] && key > bestKey[last])) continue;
      // Insert into the sorted list, dropping the farthest.
      let slot = last;
      while (
        slot > 0 &&
        (bestDistance[slot - 1] > distance || (bestDistance[slot - 1] === distance && bestKey[slot - 1] > key))
      ) {
        bestDistance[slot] = bestDistance[slot - 1];
        bestKey[slot] = bestKey[slot - 1];
        bestLabel[slot] = bestLabel[slot - 1];
        slot--;
      }
      bestDistance[slot] = distance;
      bestKey[slot] = key;
      bestLabel[slot] = labels[p];
    }
  };

  for (let ring = 0; ; ring++) {
    const rowLow = row - ring;
    const rowHigh = row + ring;
    const columnLow = column - ring;
    const columnHigh = column + ring;
    for (let r = Math.max(0, rowLow); r <= Math.min(rows - 1, rowHigh); r++) {
      const rowStart = r * columns;
      if (r === rowLow || r === rowHigh) {
        // The ring's top and bottom rows are new all along.
        const cellFrom = rowStart + Math.max(0, columnLow);
        const cellTo = rowStart + Math.min(columns - 1, columnHigh);
        scan(cellStart[cellFrom], cellStart[cellTo + 1]);
      } else {
        // In between, only the ring's leftmost and rightmost cells are new.
        if (columnLow >= 0) scan(cellStart[rowStart + columnLow], cellStart[rowStart + columnLow + 1]);
        if (columnHigh < columns) scan(cellStart[rowStart + columnHigh], cellStart[rowStart + columnHigh + 1]);
      }
    }

    // Every cell not yet visited lies beyond one side of the visited block; a side that already
    // reaches the grid's edge hides nothing.
    const toLeft = columnLow > 0 ? qx - (left + columnLow * cellWidth) : Infinity;
    const toRight = columnHigh < columns - 1 ? left + (columnHigh + 1) * cellWidth - qx : Infinity;
    const below = rowLow > 0 ? qy - (bottom + rowLow * cellHeight) : Infinity;
    const above = rowHigh < rows - 1 ? bottom + (rowHigh + 1) * cellHeight - qy : Infinity;
    const reach = Math.min(toLeft, toRight, below, above);
    if (reach === Infinity) return;
    const safe = reach - slack;
    if (safe > 0 && bestDistance[last] < safe * safe) return;
  }
}
