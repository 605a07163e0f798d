// Principal components of raw pixels, as many as a latent code has values: the linear baseline an
// autoencoder's code is compared with. Images have hundreds or thousands of pixels, so the top
// components come from seeded subspace iteration on (a capped sample of) the data instead of an
// eigen-decomposition of the full pixel covariance.
import { createRng } from '../lib/rng';
import { symmetricEigen } from '../latent/pca';

export interface PixelPca {
  pixelsPerImage: number;
  /** Mean image, pixels in [0, 1]. */
  mean: Float64Array;
  /** `count` orthonormal components, each `pixelsPerImage` long, largest variance first. */
  components: Float64Array;
  count: number;
  /** Variance of the fitted images along each component. */
  variances: Float64Array;
  /** Images the fit used. */
  fittedRows: number;
}

export interface PixelPcaOptions {
  seed: number;
  /** Cap on the images fitted (an evenly spaced subset); the projection still covers every image. */
  maxRows?: number;
  /** Cap on rows x pixels held at once, so 64x64 colour images cannot exhaust memory. */
  maxFloats?: number;
  /** Passes of subspace iteration; each sharpens the separation of the leading components. */
  iterations?: number;
}

const OVERSAMPLING = 8;

/** Fit `count` components to the images at `rows` (bytes 0..255, image after image). */
export function fitPixelPca(images: Uint8Array, rows: Int32Array, pixelsPerImage: number, count: number, options: PixelPcaOptions): PixelPca {
  const d = pixelsPerImage;
  const maxRows = Math.min(options.maxRows ?? 2000, Math.max(1, Math.floor((options.maxFloats ?? 1.6e7) / d)));
  const m = Math.min(rows.length, maxRows);
  if (m === 0) throw new RangeError('PCA needs at least one image.');
  if (!Number.isInteger(count) || count < 1 || count > d) throw new RangeError(`PCA components must be from 1 to ${d}, got ${count}.`);
  const width = Math.min(d, count + OVERSAMPLING);

  const mean = new Float64Array(d);
  const data = new Float32Array(m * d);
  for (let i = 0; i < m; i++) {
    const row = rows[Math.floor((i * rows.length) / m)];
    for (let p = 0; p < d; p++) {
      const value = images[row * d + p] / 255;
      data[i * d + p] = value;
      mean[p] += value;
    }
  }
  for (let p = 0; p < d; p++) mean[p] /= m;
  for (let i = 0; i < m; i++) for (let p = 0; p < d; p++) data[i * d + p] -= mean[p];

  // basis: `width` vectors of length d, vector after vector.
  const rng = createRng(options.seed);
  let basis: Float64Array = new Float64Array(width * d);
  for (let i = 0; i < basis.length; i++) basis[i] = rng.normal();
  orthonormalise(basis, width, d);
  const scores = new Float64Array(m * width);
  for (let pass = 0; pass < (options.iterations ?? 4); pass++) {
    projectInto(data, m, d, basis, width, scores);
    basis = backProject(data, m, d, scores, width);
    orthonormalise(basis, width, d);
  }
  // Rayleigh-Ritz: the exact eigenvectors of the covariance restricted to the found subspace.
  projectInto(data, m, d, basis, width, scores);
  const small = new Float64Array(width * width);
  for (let i = 0; i < m; i++) {
    for (let a = 0; a < width; a++) {
      const sa = scores[i * width + a];
      for (let b = a; b < width; b++) small[a * width + b] += sa * scores[i * width + b];
    }
  }
  for (let a = 0; a < width; a++) {
    for (let b = a; b < width; b++) {
      small[a * width + b] /= m;
      small[b * width + a] = small[a * width + b];
    }
  }
  const { values, vectors } = symmetricEigen(small, width);
  const order = Array.from({ length: width }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const components = new Float64Array(count * d);
  const variances = new Float64Array(count);
  for (let c = 0; c < count; c++) {
    const column = order[c];
    variances[c] = Math.max(0, values[column]);
    for (let a = 0; a < width; a++) {
      const weight = vectors[a * width + column];
      if (weight === 0) continue;
      for (let p = 0; p < d; p++) components[c * d + p] += weight * basis[a * d + p];
    }
  }
  return { pixelsPerImage: d, mean, components, count, variances, fittedRows: m };
}

/** Scores of the images at `rows` on the components, `count` per image, image after image. */
export function projectPixels(pca: PixelPca, images: Uint8Array, rows: Int32Array): Float32Array {
  const { pixelsPerImage: d, count, mean, components } = pca;
  const out = new Float32Array(rows.length * count);
  const centred = new Float64Array(d);
  rows.forEach((row, i) => {
    for (let p = 0; p < d; p++) centred[p] = images[row * d + p] / 255 - mean[p];
    for (let c = 0; c < count; c++) {
      let sum = 0;
      for (let p = 0; p < d; p++) sum += centred[p] * components[c * d + p];
      out[i * count + c] = sum;
    }
  });
  return out;
}

/** scores[i, a] = data row i . basis vector a. */
function projectInto(data: Float32Array, m: number, d: number, basis: Float64Array, width: number, scores: Float64Array): void {
  for (let i = 0; i < m; i++) {
    const base = i * d;
    for (let a = 0; a < width; a++) {
      const offset = a * d;
      let sum = 0;
      for (let p = 0; p < d; p++) sum += data[base + p] * basis[offset + p];
      scores[i * width + a] = sum;
    }
  }
}

/** Vector a = sum over rows of scores[i, a] * data row i: the covariance applied to the basis. */
function backProject(data: Float32Array, m: number, d: number, scores: Float64Array, width: number): Float64Array {
  const out = new Float64Array(width * d);
  for (let i = 0; i < m; i++) {
    const base = i * d;
    for (let a = 0; a < width; a++) {
      const weight = scores[i * width + a];
      if (weight === 0) continue;
      const offset = a * d;
      for (let p = 0; p < d; p++) out[offset + p] += weight * data[base + p];
    }
  }
  return out;
}

/**
 * Modified Gram-Schmidt, twice for float stability. A vector that (all but) vanishes, because the
 * data spans fewer directions than asked for, is replaced by a unit axis made orthogonal to the rest.
 */
function orthonormalise(vectors: Float64Array, count: number, d: number): void {
  const removeEarlier = (offset: number, a: number): void => {
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let p = 0; p < d; p++) dot += vectors[offset + p] * vectors[b * d + p];
      for (let p = 0; p < d; p++) vectors[offset + p] -= dot * vectors[b * d + p];
    }
  };
  const norm = (offset: number): number => {
    let sum = 0;
    for (let p = 0; p < d; p++) sum += vectors[offset + p] ** 2;
    return Math.sqrt(sum);
  };
  for (let a = 0; a < count; a++) {
    const offset = a * d;
    const before = norm(offset);
    removeEarlier(offset, a);
    removeEarlier(offset, a);
    let after = norm(offset);
    for (let axis = 0; !(after > 1e-9 * before && after > 1e-300) && axis < d; axis++) {
      vectors.fill(0, offset, offset + d);
      vectors[offset + ((a + axis) % d)] = 1;
      removeEarlier(offset, a);
      removeEarlier(offset, a);
      after = norm(offset);
    }
    for (let p = 0; p < d; p++) vectors[offset + p] /= after;
  }
}
