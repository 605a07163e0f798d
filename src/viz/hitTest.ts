// Which point is under the pointer: nearest-neighbour search in map space over a d3 quadtree.
// Build a new index whenever the points change (each latents update); queries are then cheap
// enough to run on every pointer move.
import { quadtree, type Quadtree } from 'd3';
import type { MapPoint } from './spaces';

export class PointIndex {
  private readonly tree: Quadtree<number>;

  /** `points` holds x, y interleaved in map units; point i is at (points[2i], points[2i+1]). */
  constructor(points: Float32Array, count: number) {
    const n = Math.min(count, points.length >> 1);
    // A private copy, so a caller reusing its buffer cannot leave the tree pointing at stale places.
    const coordinates = points.slice(0, 2 * n);
    const indices: number[] = [];
    for (let i = 0; i < n; i++) {
      // Diverged training can produce NaN or infinite codes; such points cannot be picked.
      if (Number.isFinite(coordinates[2 * i]) && Number.isFinite(coordinates[2 * i + 1])) indices.push(i);
    }
    this.tree = quadtree<number>()
      .x((i) => coordinates[2 * i])
      .y((i) => coordinates[2 * i + 1])
      .addAll(indices);
  }

  /**
   * Index of the point nearest to `point`, or -1 when none lies closer than `maxDistance`
   * (map units; divide a pixel radius by `MapView.pixelsPerUnit`).
   */
  nearest(point: MapPoint, maxDistance: number): number {
    return this.tree.find(point.x, point.y, maxDistance) ?? -1;
  }
}
