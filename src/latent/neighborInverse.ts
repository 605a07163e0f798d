// Inverse for projections that have no formula to run backwards (UMAP): the code at a map point is
// a distance-weighted blend of the codes of the nearest projected points. A uniform grid makes the
// neighbour search cheap enough to run on every pointer move.

/**
 * Map point -> latent code by inverse-distance weighting over the k nearest projected points.
 * Holds references to `codes` (not a copy): replace the instance when the codes change.
 */
export class NeighborInverse {
  private readonly codes: Float32Array;
  private readonly latentDim: number;
  /** Finite map points re-ordered cell by cell, so a cell's points are adjacent in memory. */
  private readonly sortedX: Float64Array;
  private readonly sortedY: Float64Array;
  /** Row in `codes` of each entry of sortedX/sortedY. */
  private readonly sortedRow: Int32Array;
  /** Points of cell (cx, cy) are sorted[cellStart[cy * columns + cx] .. cellStart[... + 1]). */
  private readonly cellStart: Int32Array;
  private readonly columns: number;
  private readonly rows: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cellSize: number;
  // Scratch for the current query, grown on demand, so invert() does not allocate per call.
  private bestDistance2 = new Float64Array(0);
  private bestRow = new Int32Array(0);
  private weights = new Float64Array(0);
  private readonly sum: Float64Array;

  constructor(mapPoints: Float32Array, codes: Float32Array, count: number, latentDim: number) {
    if (mapPoints.length < count * 2) throw new RangeError(`mapPoints holds fewer than ${count} points`);
    if (codes.length < count * latentDim) throw new RangeError(`codes holds fewer than ${count} rows`);
    this.codes = codes;
    this.latentDim = latentDim;
    this.sum = new Float64Array(latentDim);

    // Non-finite points (a diverged projection) cannot be placed in a cell; they are left out.
    const finiteRows: number[] = [];
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let row = 0; row < count; row++) {
      const x = mapPoints[row * 2];
      const y = mapPoints[row * 2 + 1];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      finiteRows.push(row);
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    const pointCount = finiteRows.length;
    if (pointCount === 0) {
      minX = minY = maxX = maxY = 0;
    }

    // About two points per cell on average keeps both the cell scan and the ring count small.
    const width = Math.max(maxX - minX, 0);
    const height = Math.max(maxY - minY, 0);
    const targetCells = Math.max(1, Math.ceil(pointCount / 2));
    let cellSize = Math.sqrt((width * height) / targetCells);
    if (!(cellSize > 0)) cellSize = Math.max(width, height) / targetCells;
    if (!(cellSize > 0)) cellSize = 1;
    this.columns = Math.min(4096, Math.max(1, Math.floor(width / cellSize) + 1));
    this.rows = Math.min(4096, Math.max(1, Math.floor(height / cellSize) + 1));
    // Capping the grid may make the cells too small to cover the extent: widen them if so.
    this.cellSize = Math.max(cellSize, width / this.columns, height / this.rows) * (1 + 1e-9);
    this.minX = minX;
    this.minY = minY;

    const cellOf = new Int32Array(pointCount);
    const cellStart = new Int32Array(this.columns * this.rows + 1);
    for (let i = 0; i < pointCount; i++) {
      const row = finiteRows[i];
      const cell = this.cellIndex(mapPoints[row * 2], mapPoints[row * 2 + 1]);
      cellOf[i] = cell;
      cellStart[cell + 1]++;
    }
    for (let cell = 0; cell < this.columns * this.rows; cell++) cellStart[cell + 1] += cellStart[cell];
    const fill = cellStart.slice(0, -1);
    this.sortedX = new Float64Array(pointCount);
    this.sortedY = new Float64Array(pointCount);
    this.sortedRow = new Int32Array(pointCount);
    for (let i = 0; i < pointCount; i++) {
      const row = finiteRows[i];
      const slot = fill[cellOf[i]]++;
      this.sortedX[slot] = mapPoints[row * 2];
      this.sortedY[slot] = mapPoints[row * 2 + 1];
      this.sortedRow[slot] = row;
    }
    this.cellStart = cellStart;
  }

  /**
   * The latent code at map point (x, y), blended from the k nearest projected points.
   * A query exactly on a data point returns that point's code unchanged. Weights follow Shepard's
   * modified form, ((R - d) / (R d))^2 with R the distance of the (k+1)-th neighbour, so the k-th
   * neighbour fades to zero weight before it is swapped out: the decoded image changes
   * continuously as the probe moves instead of jumping when the neighbour set changes.
   */
  invert(x: number, y: number, k = 8, out: Float32Array = new Float32Array(this.latentDim)): Float32Array {
    const latentDim = this.latentDim;
    const neighbours = Math.max(1, Math.floor(k));
    // With no finite map points there is nothing to blend: the zero code is the neutral answer.
    if (this.sortedRow.length === 0) return out.fill(0, 0, latentDim);
    const found = this.nearest(x, y, Math.min(neighbours + 1, this.sortedRow.length));
    const distance2 = this.bestDistance2;
    const rows = this.bestRow;
    const weights = this.weights;

    if (distance2[0] === 0) {
      // On a data point: return its code untouched (coincident points share the blend equally).
      let exact = 1;
      while (exact < found && distance2[exact] === 0) exact++;
      if (exact === 1) {
        out.set(this.codes.subarray(rows[0] * latentDim, rows[0] * latentDim + latentDim));
        return out;
      }
      weights.fill(1, 0, exact);
      return this.blend(exact, out);
    }

    const used = Math.min(found, neighbours);
    const outerDistance = found > used ? Math.sqrt(distance2[used]) : 0;
    if (outerDistance > Math.sqrt(distance2[0])) {
      for (let i = 0; i < used; i++) {
        const d = Math.sqrt(distance2[i]);
        const taper = Math.max(0, outerDistance - d) / (outerDistance * d);
        weights[i] = taper * taper;
      }
    } else {
      // No (k+1)-th point, or every neighbour ties with it: plain 1/d^2 weights.
      for (let i = 0; i < used; i++) weights[i] = 1 / distance2[i];
    }
    return this.blend(used, out);
  }

  /** Mean of the codes of bestRow[0..n) weighted by weights[0..n), written to out. */
  private blend(n: number, out: Float32Array): Float32Array {
    const latentDim = this.latentDim;
    const sum = this.sum;
    sum.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const weight = this.weights[i];
      if (weight === 0) continue;
      total += weight;
      const base = this.bestRow[i] * latentDim;
      for (let j = 0; j < latentDim; j++) sum[j] += weight * this.codes[base + j];
    }
    for (let j = 0; j < latentDim; j++) out[j] = sum[j] / total;
    return out;
  }

  /** Fill bestDistance2/bestRow with the `wanted` nearest points, nearest first; returns how many. */
  private nearest(x: number, y: number, wanted: number): number {
    if (this.bestDistance2.length < wanted) {
      this.bestDistance2 = new Float64Array(wanted);
      this.bestRow = new Int32Array(wanted);
      this.weights = new Float64Array(wanted);
    }
    const distance2 = this.bestDistance2;
    const rows = this.bestRow;
    let found = 0;

    const { columns, rows: gridRows, cellSize, minX, minY } = this;
    const centreX = clamp(Math.floor((x - minX) / cellSize), 0, columns - 1);
    const centreY = clamp(Math.floor((y - minY) / cellSize), 0, gridRows - 1);
    const maxRing = Math.max(centreX, columns - 1 - centreX, centreY, gridRows - 1 - centreY);

    for (let ring = 0; ring <= maxRing; ring++) {
      const x0 = centreX - ring;
      const x1 = centreX + ring;
      const y0 = centreY - ring;
      const y1 = centreY + ring;
      for (let cy = Math.max(y0, 0); cy <= Math.min(y1, gridRows - 1); cy++) {
        const onEdgeRow = cy === y0 || cy === y1;
        // Inner rows of the ring only contribute their two end cells.
        const step = onEdgeRow ? 1 : Math.max(1, x1 - x0);
        for (let cx = x0; cx <= x1; cx += step) {
          if (cx < 0 || cx >= columns) continue;
          const cell = cy * columns + cx;
          for (let slot = this.cellStart[cell]; slot < this.cellStart[cell + 1]; slot++) {
            const dx = this.sortedX[slot] - x;
            const dy = this.sortedY[slot] - y;
            const d2 = dx * dx + dy * dy;
            if (found === wanted && d2 >= distance2[found - 1]) continue;
            let position = found === wanted ? found - 1 : found++;
            while (position > 0 && distance2[position - 1] > d2) {
              distance2[position] = distance2[position - 1];
              rows[position] = rows[position - 1];
              position--;
            }
            distance2[position] = d2;
            rows[position] = this.sortedRow[slot];
          }
        }
      }
      if (found < wanted) continue;
      // Anything not yet scanned lies beyond the block of rings 0..ring; stop once the k-th best
      // is no farther than the nearest side of that block that still has cells behind it.
      let bound = Infinity;
      if (x0 > 0) bound = Math.min(bound, Math.max(0, x - (minX + x0 * cellSize)));
      if (x1 < columns - 1) bound = Math.min(bound, Math.max(0, minX + (x1 + 1) * cellSize - x));
      if (y0 > 0) bound = Math.min(bound, Math.max(0, y - (minY + y0 * cellSize)));
      if (y1 < gridRows - 1) bound = Math.min(bound, Math.max(0, minY + (y1 + 1) * cellSize - y));
      if (distance2[found - 1] <= bound * bound) break;
    }
    return found;
  }

  private cellIndex(x: number, y: number): number {
    const cx = clamp(Math.floor((x - this.minX) / this.cellSize), 0, this.columns - 1);
    const cy = clamp(Math.floor((y - this.minY) / this.cellSize), 0, this.rows - 1);
    return cy * this.columns + cx;
  }
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
