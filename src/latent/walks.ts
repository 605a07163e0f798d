// Regular walks for decoding many images at once: a grid of map points over a region (the
// "latent grid" view) and a straight line between two latent codes (the interpolation strip).

/** A rectangle of the 2-D map: x and y as [min, max]. */
export interface MapRegion {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/**
 * n x n map points (x, y interleaved) covering `region` edge to edge, row-major from the top-left:
 * x grows along a row, y falls from y.max on the first row to y.min on the last, matching how
 * the image grid is laid out on screen. n = 1 gives the region's centre.
 */
export function gridPoints(region: MapRegion, n: number): Float32Array {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`grid size must be a positive integer, got ${n}`);
  const [minX, maxX] = region.x;
  const [minY, maxY] = region.y;
  const points = new Float32Array(n * n * 2);
  for (let row = 0; row < n; row++) {
    const y = n === 1 ? (minY + maxY) / 2 : lerp(maxY, minY, row / (n - 1));
    for (let column = 0; column < n; column++) {
      const x = n === 1 ? (minX + maxX) / 2 : lerp(minX, maxX, column / (n - 1));
      const index = (row * n + column) * 2;
      points[index] = x;
      points[index + 1] = y;
    }
  }
  return points;
}

/**
 * `steps` codes (row-major, each as long as `a`) evenly spaced on the straight line from `a` to
 * `b`; the first row is exactly `a` and the last exactly `b`.
 */
export function interpolateCodes(a: Float32Array, b: Float32Array, steps: number): Float32Array {
  if (a.length !== b.length) throw new RangeError(`codes differ in length: ${a.length} vs ${b.length}`);
  if (!Number.isInteger(steps) || steps < 2) {
    throw new RangeError(`an interpolation needs at least 2 steps to hold both ends, got ${steps}`);
  }
  const latentDim = a.length;
  const codes = new Float32Array(steps * latentDim);
  for (let step = 0; step < steps; step++) {
    const t = step / (steps - 1);
    for (let i = 0; i < latentDim; i++) codes[step * latentDim + i] = lerp(a[i], b[i], t);
  }
  return codes;
}

/** (1 - t) * from + t * to, which is exact at both t = 0 and t = 1 (from + t * (to - from) is not). */
function lerp(from: number, to: number, t: number): number {
  return (1 - t) * from + t * to;
}
