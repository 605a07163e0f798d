// Which point is under the pointer: nearest-neighbour search in map space over a uniform grid.
// A new index is built whenever the points change (each map refresh), on the page's thread while
// training runs beside it, so building must be cheap: the points are counting-sorted into cells of
// about two points each (three linear passes; a d3 quadtree of 10,000 points took 20-60 ms here,
// one long task per map). A query scans the pointer's cell, then rings of cells around it, until
// no unvisited cell can hold a closer point: cheap enough for every pointer move.
import { cellColumn, cellRow, gridLayout, sortByCell, type GridLayout } from '../lib/gridLayout';
import type { MapPoint } from './spaces';

/** Aim for about this many points per cell. */
const POINTS_PER_CELL = 2;

export class PointIndex {
  /** Point positions sorted by cell, and each one's index in the caller's array. */
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private readonly ids: Int32Array;
  /** Points of cell c are cellStart[c] .. cellStart[c + 1] - 1; cell c = row * columns + column. */
  private readonly cellStart: Int32Array;
  private readonly layout: GridLayout;

  /** `points` holds x, y interleaved in map units; point i is at (points[2i], points[2i+1]). */
  constructor(points: Float32Array, count: number) {
    const n = Math.min(count, points.length >> 1);
    // Points that are not finite (diverged training) are left out: they cannot be picked.
    const layout = gridLayout(points, null, n, POINTS_PER_CELL);
    this.layout = layout;
    // The positions are copied, so a caller reusing its buffer cannot leave the index pointing at
    // stale places.
    const { cellStart, order } = sortByCell(points, null, n, layout);
    this.cellStart = cellStart;
    this.ids = order;
    this.xs = new Float64Array(order.length);
    this.ys = new Float64Array(order.length);
    for (let slot = 0; slot < order.length; slot++) {
      this.xs[slot] = points[2 * order[slot]];
      this.ys[slot] = points[2 * order[slot] + 1];
    }
  }

  /**
   * Index of the point nearest to `point`, or -1 when none lies closer than `maxDistance`
   * (map units; divide a pixel radius by `MapView.pixelsPerUnit`). Of equally near points, the
   * lowest index.
   */
  nearest(point: MapPoint, maxDistance: number): number {
    if (this.ids.length === 0 || !(maxDistance > 0)) return -1;
    const { x: qx, y: qy } = point;
    if (!Number.isFinite(qx) || !Number.isFinite(qy)) return -1;
    const { xs, ys, ids, cellStart, layout } = this;
    const { columns, rows, left, bottom, cellWidth, cellHeight } = layout;
    let best = -1;
    let bestSquared = maxDistance * maxDistance;
    const scan = (from: number, to: number) => {
      for (let p = from; p < to; p++) {
        const dx = xs[p] - qx;
        const dy = ys[p] - qy;
        const squared = dx * dx + dy * dy;
        if (squared < bestSquared || (squared === bestSquared && best >= 0 && ids[p] < best)) {
          bestSquared = squared;
          best = ids[p];
        }
      }
    };
    // Queries off the grid start from the nearest edge cell; the bounds below use the true position.
    const column = cellColumn(layout, qx);
    const row = cellRow(layout, qy);
    for (let ring = 0; ; ring++) {
      const rowLow = row - ring;
      const rowHigh = row + ring;
      const columnLow = Math.max(0, column - ring);
      const columnHigh = Math.min(columns - 1, column + ring);
      for (let r = Math.max(0, rowLow); r <= Math.min(rows - 1, rowHigh); r++) {
        const base = r * columns;
        if (r === rowLow || r === rowHigh) {
          // The ring's top and bottom rows are new all along: one contiguous run of cells.
          scan(cellStart[base + columnLow], cellStart[base + columnHigh + 1]);
        } else {
          if (column - ring >= 0) scan(cellStart[base + column - ring], cellStart[base + column - ring + 1]);
          if (column + ring < columns) scan(cellStart[base + column + ring], cellStart[base + column + ring + 1]);
        }
      }
      // Every cell visited, or none outside the visited block can be closer than the best so far.
      const covers = rowLow <= 0 && rowHigh >= rows - 1 && column - ring <= 0 && column + ring >= columns - 1;
      if (covers) break;
      const outside = Math.min(
        column - ring > 0 ? qx - (left + (column - ring) * cellWidth) : Infinity,
        column + ring < columns - 1 ? left + (column + ring + 1) * cellWidth - qx : Infinity,
        rowLow > 0 ? qy - (bottom + rowLow * cellHeight) : Infinity,
        rowHigh < rows - 1 ? bottom + (rowHigh + 1) * cellHeight - qy : Infinity,
      );
      // Cell assignment rounds; a small slack keeps a point on a cell edge from being missed.
      const reach = outside - 1e-9 * (cellWidth + cellHeight);
      if (reach > 0 && reach * reach > bestSquared) break;
    }
    return best;
  }
}
