// Linear projection of latent codes onto their first two principal components, with an exact
// inverse so any map point can be decoded. Latent sizes are small (<= 128), so we solve the full
// covariance eigenproblem rather than iterating on the data.

export interface PcaModel {
  /** Mean latent code, length latentDim. */
  readonly mean: Float32Array;
  /** First and second principal axes: orthonormal, each length latentDim, largest entry positive. */
  readonly axes: readonly [Float32Array, Float32Array];
  /** Share of the total variance along each axis, each in [0, 1]. */
  readonly explainedVariance: readonly [number, number];
}

/**
 * Fit the first two principal components of `count` codes of `latentDim` floats (row-major).
 * Accumulates in float64 so 70,000 rows of float32 noise do not swamp small variances.
 */
export function fitPca(codes: Float32Array, count: number, latentDim: number): PcaModel {
  if (latentDim < 2) throw new RangeError(`PCA to 2-D needs latentDim >= 2, got ${latentDim}`);
  if (codes.length < count * latentDim) {
    throw new RangeError(`codes holds ${codes.length} floats, expected ${count} x ${latentDim}`);
  }

  const mean = new Float64Array(latentDim);
  for (let row = 0; row < count; row++) {
    const base = row * latentDim;
    for (let i = 0; i < latentDim; i++) mean[i] += codes[base + i];
  }
  if (count > 0) for (let i = 0; i < latentDim; i++) mean[i] /= count;

  // Upper triangle only: half the multiplications on the dominant O(count * latentDim^2) loop.
  const covariance = new Float64Array(latentDim * latentDim);
  const centred = new Float64Array(latentDim);
  for (let row = 0; row < count; row++) {
    const base = row * latentDim;
    for (let i = 0; i < latentDim; i++) centred[i] = codes[base + i] - mean[i];
    for (let i = 0; i < latentDim; i++) {
      const ci = centred[i];
      if (ci === 0) continue;
      const rowOffset = i * latentDim;
      for (let j = i; j < latentDim; j++) covariance[rowOffset + j] += ci * centred[j];
    }
  }
  const divisor = Math.max(count, 1);
  for (let i = 0; i < latentDim; i++) {
    for (let j = i; j < latentDim; j++) {
      const value = covariance[i * latentDim + j] / divisor;
      covariance[i * latentDim + j] = value;
      covariance[j * latentDim + i] = value;
    }
  }

  let totalVariance = 0;
  for (let i = 0; i < latentDim; i++) totalVariance += covariance[i * latentDim + i];

  const { values, vectors } = symmetricEigen(covariance, latentDim);
  const order = Array.from({ length: latentDim }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);

  const axes = [order[0], order[1]].map((column) => {
    const axis = new Float64Array(latentDim);
    for (let i = 0; i < latentDim; i++) axis[i] = vectors[i * latentDim + column];
    return fixSign(axis);
  });
  // Jacobi vectors are orthonormal to ~1e-15, so the float32 copies stay orthonormal to float32
  // resolution without a Gram-Schmidt pass.
  const explained = (column: number): number =>
    totalVariance > 0 ? Math.min(1, Math.max(0, values[column] / totalVariance)) : 0;

  return {
    mean: Float32Array.from(mean),
    axes: [Float32Array.from(axes[0]), Float32Array.from(axes[1])],
    explainedVariance: [explained(order[0]), explained(order[1])],
  };
}

/** Map `count` codes to interleaved (x, y) map points: their coordinates along the two axes. */
export function projectPca(
  model: PcaModel,
  codes: Float32Array,
  count: number,
  out: Float32Array = new Float32Array(count * 2),
): Float32Array {
  const latentDim = model.mean.length;
  const [axisX, axisY] = model.axes;
  for (let row = 0; row < count; row++) {
    const base = row * latentDim;
    let x = 0;
    let y = 0;
    for (let i = 0; i < latentDim; i++) {
      const centred = codes[base + i] - model.mean[i];
      x += centred * axisX[i];
      y += centred * axisY[i];
    }
    out[row * 2] = x;
    out[row * 2 + 1] = y;
  }
  return out;
}

/**
 * The latent code at map point (mapX, mapY). The map only fixes the in-plane part; the rest comes
 * from `anchorCode` (its component orthogonal to the plane), so dragging the probe away from a
 * real code keeps that code's other features instead of collapsing them to the mean.
 */
export function inversePca(
  model: PcaModel,
  mapX: number,
  mapY: number,
  anchorCode?: Float32Array,
  out: Float32Array = new Float32Array(model.mean.length),
): Float32Array {
  const latentDim = model.mean.length;
  const [axisX, axisY] = model.axes;
  let x = mapX;
  let y = mapY;
  if (anchorCode) {
    // anchor - mean - (its in-plane part) + mapX*u1 + mapY*u2 == anchor + (mapX - ax)*u1 + ...
    let anchorX = 0;
    let anchorY = 0;
    for (let i = 0; i < latentDim; i++) {
      const centred = anchorCode[i] - model.mean[i];
      anchorX += centred * axisX[i];
      anchorY += centred * axisY[i];
    }
    x -= anchorX;
    y -= anchorY;
    for (let i = 0; i < latentDim; i++) out[i] = anchorCode[i] + x * axisX[i] + y * axisY[i];
    return out;
  }
  for (let i = 0; i < latentDim; i++) out[i] = model.mean[i] + x * axisX[i] + y * axisY[i];
  return out;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations; robust to near-equal
 *  eigenvalues, where power iteration would stall. Returns unsorted values and column vectors. */
export function symmetricEigen(matrix: Float64Array, size: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const vectors = new Float64Array(size * size);
  for (let i = 0; i < size; i++) vectors[i * size + i] = 1;

  let scale = 0;
  for (let i = 0; i < size * size; i++) scale += a[i] * a[i];
  const tolerance = 1e-22 * scale;

  for (let sweep = 0; sweep < 60; sweep++) {
    let offDiagonal = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) offDiagonal += a[p * size + q] ** 2;
    if (offDiagonal <= tolerance) break;

    for (let p = 0; p < size - 1; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q];
        if (apq === 0) continue;
        const app = a[p * size + p];
        const aqq = a[q * size + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;

        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p];
          const akq = a[k * size + q];
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k];
          const aqk = a[q * size + k];
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < size; k++) {
          const vkp = vectors[k * size + p];
          const vkq = vectors[k * size + q];
          vectors[k * size + p] = c * vkp - s * vkq;
          vectors[k * size + q] = s * vkp + c * vkq;
        }
      }
    }
  }

  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = a[i * size + i];
  return { values, vectors };
}

/** Eigenvectors have no intrinsic sign; pin it so refits of similar data do not mirror the map.
 *  The first entry within rounding of the largest magnitude is made positive. */
function fixSign(axis: Float64Array): Float64Array {
  let largest = 0;
  for (let i = 0; i < axis.length; i++) largest = Math.max(largest, Math.abs(axis[i]));
  const pivot = axis.findIndex((value) => Math.abs(value) >= largest - 1e-9);
  if (pivot >= 0 && axis[pivot] < 0) for (let i = 0; i < axis.length; i++) axis[i] = -axis[i];
  return axis;
}
