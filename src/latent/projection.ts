// From latent codes to the 2-D map and back. A 2-D code is its own map position; larger codes
// use their first two dimensions until a real projection is chosen. Every projection has an
// inverse, so any point on the map can be decoded.

export interface Projection {
  /** Names of the map's two axes, for axis titles. */
  readonly axisNames: readonly [string, string];
  /** Map points (x, y interleaved) for `count` codes of `latentDim` floats each. */
  project(codes: Float32Array, count: number): Float32Array;
  /**
   * The latent code that the map point (x, y) stands for. `anchor`, when given, is a code whose
   * other dimensions fill in what the map does not show.
   */
  invert(x: number, y: number, anchor: Float32Array | null): Float32Array;
}

/** Shows latent dimensions 1 and 2 as they are. */
export function axisProjection(latentDim: number): Projection {
  return {
    axisNames: latentDim === 2 ? ['z₁', 'z₂'] : ['z₁ (of ' + latentDim + ')', 'z₂'],
    project(codes, count) {
      if (latentDim === 2) return codes;
      const points = new Float32Array(count * 2);
      for (let i = 0; i < count; i++) {
        points[2 * i] = codes[i * latentDim];
        points[2 * i + 1] = codes[i * latentDim + 1];
      }
      return points;
    },
    invert(x, y, anchor) {
      const code = anchor ? anchor.slice() : new Float32Array(latentDim);
      code[0] = x;
      code[1] = y;
      return code;
    },
  };
}
