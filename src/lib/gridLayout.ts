// How a set of 2-D points is cut into a uniform grid of cells, about `pointsPerCell` points each and
// roughly square in the points' own units: the shared first step of the held-out kNN score and the
// map's hit-testing, which then counting-sort their points by cell and search rings of cells.

export interface GridLayout {
  columns: number;
  rows: number;
  /** The lowest x and y of the points: the grid's lower left corner. */
  left: number;
  bottom: number;
  cellWidth: number;
  cellHeight: number;
  /** Points with finite coordinates: the ones the grid holds. */
  usable: number;
}

/**
 * The grid for the points at `indices` (all `count` points when null); x, y interleaved in
 * `points`. Points that are not finite are left out (diverged training can produce them).
 */
export function gridLayout(points: Float32Array, indices: Int32Array | null, count: number, pointsPerCell: number): GridLayout {
  let left = Infinity;
  let right = -Infinity;
  let bottom = Infinity;
  let top = -Infinity;
  let usable = 0;
  for (let i = 0; i < count; i++) {
    const at = indices ? indices[i] : i;
    const x = points[2 * at];
    const y = points[2 * at + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    usable++;
    if (x < left) left = x;
    if (x > right) right = x;
    if (y < bottom) bottom = y;
    if (y > top) top = y;
  }
  const cells = Math.max(1, Math.floor(usable / pointsPerCell));
  const spanX = usable > 0 ? right - left : 0;
  const spanY = usable > 0 ? top - bottom : 0;
  let columns: number;
  if (spanX > 0 && spanY > 0) columns = Math.round(Math.sqrt((cells * spanX) / spanY));
  else columns = spanX > 0 ? cells : 1;
  columns = Math.min(cells, Math.max(1, columns));
  const rows = Math.max(1, Math.min(cells, spanY > 0 ? Math.round(cells / columns) : 1));
  return {
    columns,
    rows,
    left: usable > 0 ? left : 0,
    bottom: usable > 0 ? bottom : 0,
    // A collapsed axis has one cell; any positive size keeps the arithmetic finite.
    cellWidth: spanX > 0 ? spanX / columns : 1,
    cellHeight: spanY > 0 ? spanY / rows : 1,
    usable,
  };
}

/** The column of x, clamped to the grid (a query off the grid starts from its nearest edge). */
export function cellColumn(layout: GridLayout, x: number): number {
  return Math.min(layout.columns - 1, Math.max(0, Math.floor((x - layout.left) / layout.cellWidth)));
}

export function cellRow(layout: GridLayout, y: number): number {
  return Math.min(layout.rows - 1, Math.max(0, Math.floor((y - layout.bottom) / layout.cellHeight)));
}

/**
 * Counting sort of the (finite) points at `indices` (all `count` when null) by cell: `order` lists
 * the points' indices cell after cell, the points of cell c at cellStart[c] .. cellStart[c + 1] - 1,
 * where cell c = row * columns + column. Within a cell, points keep the order they were given in.
 */
export function sortByCell(points: Float32Array, indices: Int32Array | null, count: number, layout: GridLayout): { cellStart: Int32Array; order: Int32Array } {
  const cells = layout.columns * layout.rows;
  const cellOf = new Int32Array(count).fill(-1);
  const cellStart = new Int32Array(cells + 1);
  for (let i = 0; i < count; i++) {
    const at = indices ? indices[i] : i;
    const x = points[2 * at];
    const y = points[2 * at + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const cell = cellRow(layout, y) * layout.columns + cellColumn(layout, x);
    cellOf[i] = cell;
    cellStart[cell + 1]++;
  }
  for (let c = 0; c < cells; c++) cellStart[c + 1] += cellStart[c];
  const fill = cellStart.slice(0, cells);
  const order = new Int32Array(layout.usable);
  for (let i = 0; i < count; i++) {
    const cell = cellOf[i];
    if (cell >= 0) order[fill[cell]++] = indices ? indices[i] : i;
  }
  return { cellStart, order };
}
