// Which point is under the pointer: nearest-neighbour search in map space over a uniform grid.
// A new index is built whenever the points change (each map refresh), on the page's thread while
// training runs beside it, so building must be cheap: the points are counting-sorted into cells of
// about two points each (three linear passes; a d3 quadtree of 10,000 points took 20-60 ms here,
// one long task per map). A query scans the pointer's cell, then rings of cells around it, until
// no unvisited cell can hold a closer point: cheap enough for every pointer move.
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
  private readonly columns: number;
  private readonly rows: number;
  private readonly left: number;
  private readonly bottom: number;
  private readonly cellWidth: number;
  private readonly cellHeight: number;

  /** `points` holds x, y interleaved in map units; point i is at (points[2i], points[2i+1]). */
  constructor(points: Float32Array, count: number) {
    const n = Math.min(count, points.length >> 1);
    // Diverged training can produce NaN or infinite codes; such points cannot be picked.
    let usable = 0;
    let left = Infinity;
    let right = -Infinity;
    let bottom = Infinity;
    let top = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = points[2 * i];
      const y = points[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      usable++;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < bottom) bottom = y;
      if (y > top) top = y;
    }
    const cells = Math.max(1, Math.floor(usable / POINTS_PER_CELL));
    const spanX = usable > 0 ? right - left : 0;
    const spanY = usable > 0 ? top - bottom : 0;
    let columns = spanX > 0 && spanY > 0 ? Math.round(Math.sqrt((cells * spanX) / spanY)) : spanX > 0 ? cells : 1;
    columns = Math.min(cells, Math.max(1, columns));
    const rows = Math.max(1, Math.min(cells, spanY > 0 ? Math.round(cells / columns) : 1));
    this.columns = columns;
    this.rows = rows;
    this.left = usable > 0 ? left : 0;
    this.bottom = usable > 0 ? bottom : 0;
    // A collapsed axis has one cell; any positive size keeps the arithmetic finite.
    this.cellWidth = spanX > 0 ? spanX / columns : 1;
    this.cellHeight = spanY > 0 ? spanY / rows : 1;

    // Counting sort by cell. The positions are copied, so a caller reusing its buffer cannot
    // leave the index pointing at stale places.
    const cellOf = new Int32Array(n).fill(-1);
    const cellStart = new Int32Array(columns * rows + 1);
    for (let i = 0; i < n; i++) {
      const x = points[2 * i];
      const y = points[2 * i + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const cell = this.rowOf(y) * columns + this.columnOf(x);
      cellOf[i] = cell;
      cellStart[cell + 1]++;
    }
    for (let c = 0; c < columns * rows; c++) cellStart[c + 1] += cellStart[c];
    const fill = cellStart.slice(0, columns * rows);
    this.xs = new Float64Array(usable);
    this.ys = new Float64Array(usable);
    this.ids = new Int32Array(usable);
    for (let i = 0; i < n; i++) {
      const cell = cellOf[i];
      if (cell < 0) continue;
      const slot = fill[cell]++;
      this.xs[slot] = points[2 * i];
      this.ys[slot] = points[2 * i + 1];
      this.ids[slot] = i;
    }
    this.cellStart = cellStart;
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
    const { xs, ys, ids, cellStart, columns, rows, left, bottom, cellWidth, cellHeight } = this;
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
    const column = this.columnOf(qx);
    const row = this.rowOf(qy);
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

  private columnOf(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor((x - this.left) / this.cellWidth)));
  }

  private rowOf(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.bottom) / this.cellHeight)));
  }
}
