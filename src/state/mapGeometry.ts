// Questions about the map's points that need no model: which points a rectangle holds, and how
// large the map is.
import type { MapSnapshot, ViewRegion } from './appState';

/** The indices of the points inside `region` (map units; its corners may come in any order). */
export function pointsInRegion(map: MapSnapshot, region: ViewRegion): Int32Array {
  const chosen: number[] = [];
  const [x0, x1] = [Math.min(...region.x), Math.max(...region.x)];
  const [y0, y1] = [Math.min(...region.y), Math.max(...region.y)];
  for (let i = 0; i < map.count; i++) {
    const x = map.points[2 * i];
    const y = map.points[2 * i + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) chosen.push(i);
  }
  return Int32Array.from(chosen);
}

/** The larger side of the points' extent, or 1 when they have none (no points, or all in one place). */
export function mapSpan(map: MapSnapshot): number {
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < map.count; i++) {
    const x = map.points[2 * i];
    const y = map.points[2 * i + 1];
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const span = Math.max(maxX - minX, maxY - minY);
  return Number.isFinite(span) && span > 0 ? span : 1;
}
