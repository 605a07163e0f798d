// A full-covariance Gaussian fitted to latent codes, and seeded samples from it through a Cholesky
// factor: what a plain autoencoder would need to generate, since nothing pulled its codes to N(0, I).
import type { Rng } from '../lib/rng';

export interface GaussianFit {
  dim: number;
  mean: Float64Array;
  /** [dim, dim], row-major, divided by the row count (the maximum-likelihood estimate). */
  covariance: Float64Array;
}

/** Mean and covariance of `rows` of `codes` (`dim` values per row); all rows when `rows` is omitted. */
export function fitGaussian(codes: ArrayLike<number>, dim: number, rows?: ArrayLike<number>): GaussianFit {
  const count = rows ? rows.length : Math.floor(codes.length / dim);
  if (count === 0) throw new RangeError('A Gaussian needs at least one code to fit.');
  const rowAt = (i: number): number => (rows ? rows[i] : i);
  const mean = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    const base = rowAt(i) * dim;
    for (let j = 0; j < dim; j++) mean[j] += codes[base + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    const base = rowAt(i) * dim;
    for (let j = 0; j < dim; j++) centred[j] = codes[base + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const ca = centred[a];
      for (let b = a; b < dim; b++) covariance[a * dim + b] += ca * centred[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const value = covariance[a * dim + b] / count;
      covariance[a * dim + b] = value;
      covariance[b * dim + a] = value;
    }
  }
  return { dim, mean, covariance };
}

/**
 * Lower-triangular L with L Lᵀ = covariance. Codes often lie on a lower-dimensional surface (a
 * dead unit, a sparse code), which makes the covariance singular: a small ridge, grown until the
 * factorisation succeeds, keeps sampling possible and changes the spread by a negligible amount.
 */
export function choleskyFactor(covariance: Float64Array, dim: number): { factor: Float64Array; ridge: number } {
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += covariance[i * dim + i];
  const unit = trace > 0 ? trace / dim : 1;
  for (let ridge = 0, attempt = 0; attempt < 12; attempt++, ridge = unit * 1e-9 * 10 ** attempt) {
    const factor = tryCholesky(covariance, dim, ridge);
    if (factor) return { factor, ridge };
  }
  throw new Error('The codes\' covariance could not be factorised (it holds non-finite values).');
}

function tryCholesky(covariance: Float64Array, dim: number, ridge: number): Float64Array | null {
  const factor = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = covariance[i * dim + j] + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) sum -= factor[i * dim + k] * factor[j * dim + k];
      if (i === j) {
        if (!(sum > 0)) return null;
        factor[i * dim + i] = Math.sqrt(sum);
      } else {
        factor[i * dim + j] = sum / factor[j * dim + j];
      }
    }
  }
  return factor;
}

/** `count` codes mean + L z with z ~ N(0, I), back to back. */
export function sampleGaussian(fit: GaussianFit, count: number, rng: Rng): Float32Array {
  const { dim, mean } = fit;
  const { factor } = choleskyFactor(fit.covariance, dim);
  const out = new Float32Array(count * dim);
  const z = new Float64Array(dim);
  for (let n = 0; n < count; n++) {
    for (let j = 0; j < dim; j++) z[j] = rng.normal();
    for (let i = 0; i < dim; i++) {
      let value = mean[i];
      for (let k = 0; k <= i; k++) value += factor[i * dim + k] * z[k];
      out[n * dim + i] = value;
    }
  }
  return out;
}

/** `count` codes from the standard normal N(0, I): the VAE's prior. */
export function sampleStandardNormal(dim: number, count: number, rng: Rng): Float32Array {
  const out = new Float32Array(count * dim);
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}
