// Keeps successive 2-D projections visually stable: each new layout is rotated (or mirrored),
// scaled and shifted onto the previous one, so refitting during training does not flip the map.
// The transform is returned so map points can be taken back to the raw projection for inversion.

/**
 * A 2-D similarity transform: p' = scale * R * p + translation, with R = [[a, b], [c, d]]
 * orthogonal (a rotation, or a reflection when its determinant is -1).
 */
export interface SimilarityTransform {
  /** R in row-major order [a, b, c, d]: x' uses (a, b), y' uses (c, d). */
  readonly rotation: readonly [number, number, number, number];
  /** Uniform scale, > 0. */
  readonly scale: number;
  /** Added after rotation and scaling. */
  readonly translation: readonly [number, number];
}

export interface Alignment extends SimilarityTransform {
  /** `next` with the transform applied: the layout to show. */
  readonly aligned: Float32Array;
}

export const identityTransform: SimilarityTransform = {
  rotation: [1, 0, 0, 1],
  scale: 1,
  translation: [0, 0],
};

/**
 * Least-squares similarity transform taking `next` onto `previous` (both `count` interleaved x,y
 * points, row i of one matching row i of the other). In 2-D the best rotation and the best
 * reflection each have a closed form, so we compare the two instead of running an SVD.
 */
export function alignToPrevious(previous: Float32Array, next: Float32Array, count: number): Alignment {
  if (previous.length < count * 2 || next.length < count * 2) {
    throw new RangeError(`alignToPrevious needs ${count} points in both layouts`);
  }
  if (count === 0) return { ...identityTransform, aligned: new Float32Array(0) };

  let prevMeanX = 0;
  let prevMeanY = 0;
  let nextMeanX = 0;
  let nextMeanY = 0;
  for (let i = 0; i < count; i++) {
    prevMeanX += previous[i * 2];
    prevMeanY += previous[i * 2 + 1];
    nextMeanX += next[i * 2];
    nextMeanY += next[i * 2 + 1];
  }
  prevMeanX /= count;
  prevMeanY /= count;
  nextMeanX /= count;
  nextMeanY /= count;

  // cross[ab] = sum over points of centred previous_a * centred next_b; nextSpread = sum |next|^2.
  let crossXX = 0;
  let crossXY = 0;
  let crossYX = 0;
  let crossYY = 0;
  let nextSpread = 0;
  let prevSpread = 0;
  for (let i = 0; i < count; i++) {
    const px = previous[i * 2] - prevMeanX;
    const py = previous[i * 2 + 1] - prevMeanY;
    const nx = next[i * 2] - nextMeanX;
    const ny = next[i * 2 + 1] - nextMeanY;
    crossXX += px * nx;
    crossXY += px * ny;
    crossYX += py * nx;
    crossYY += py * ny;
    nextSpread += nx * nx + ny * ny;
    prevSpread += px * px + py * py;
  }

  // trace(R^T cross) for R = [[cos, -sin], [sin, cos]] peaks at rotationScore; for the reflection
  // [[cos, sin], [sin, -cos]] at reflectionScore. The larger is the sum of cross's singular values.
  const rotationScore = Math.hypot(crossXX + crossYY, crossYX - crossXY);
  const reflectionScore = Math.hypot(crossXX - crossYY, crossXY + crossYX);
  const bestScore = Math.max(rotationScore, reflectionScore);

  let rotation: [number, number, number, number];
  let scale: number;
  if (nextSpread === 0 || bestScore <= 1e-12 * Math.sqrt(prevSpread * nextSpread)) {
    // No shared structure (or a single repeated point): the least-squares scale would be 0 and
    // uninvertible, so keep the new layout's size and only match the centres.
    rotation = [1, 0, 0, 1];
    scale = 1;
  } else if (rotationScore >= reflectionScore) {
    const cos = (crossXX + crossYY) / rotationScore;
    const sin = (crossYX - crossXY) / rotationScore;
    rotation = [cos, -sin, sin, cos];
    scale = bestScore / nextSpread;
  } else {
    const cos = (crossXX - crossYY) / reflectionScore;
    const sin = (crossXY + crossYX) / reflectionScore;
    rotation = [cos, sin, sin, -cos];
    scale = bestScore / nextSpread;
  }

  const [a, b, c, d] = rotation;
  const translation: [number, number] = [
    prevMeanX - scale * (a * nextMeanX + b * nextMeanY),
    prevMeanY - scale * (c * nextMeanX + d * nextMeanY),
  ];
  const transform: SimilarityTransform = { rotation, scale, translation };
  return { ...transform, aligned: applyTransform(transform, next.subarray(0, count * 2)) };
}

/** Apply `transform` to interleaved x,y points. `out` may be `points` itself. */
export function applyTransform(
  transform: SimilarityTransform,
  points: Float32Array,
  out: Float32Array = new Float32Array(points.length),
): Float32Array {
  const [a, b, c, d] = transform.rotation;
  const { scale } = transform;
  const [tx, ty] = transform.translation;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i];
    const y = points[i + 1];
    out[i] = scale * (a * x + b * y) + tx;
    out[i + 1] = scale * (c * x + d * y) + ty;
  }
  return out;
}

/** The transform that undoes `transform`: R is orthogonal, so its inverse is its transpose. */
export function invertTransform(transform: SimilarityTransform): SimilarityTransform {
  const [a, b, c, d] = transform.rotation;
  const inverseScale = 1 / transform.scale;
  const [tx, ty] = transform.translation;
  return {
    rotation: [a, c, b, d],
    scale: inverseScale,
    translation: [-inverseScale * (a * tx + c * ty), -inverseScale * (b * tx + d * ty)],
  };
}

/** Compose so that the result applies `first`, then `second` (for chaining epoch-to-epoch fits). */
export function composeTransforms(first: SimilarityTransform, second: SimilarityTransform): SimilarityTransform {
  const [a1, b1, c1, d1] = first.rotation;
  const [a2, b2, c2, d2] = second.rotation;
  const [tx1, ty1] = first.translation;
  const [tx2, ty2] = second.translation;
  const s2 = second.scale;
  return {
    rotation: [a2 * a1 + b2 * c1, a2 * b1 + b2 * d1, c2 * a1 + d2 * c1, c2 * b1 + d2 * d1],
    scale: first.scale * s2,
    translation: [s2 * (a2 * tx1 + b2 * ty1) + tx2, s2 * (c2 * tx1 + d2 * ty1) + ty2],
  };
}
