// Image quality figures shared by the Applications tabs: PSNR and per-image reconstruction loss.
// Pixels are floats in [0, 1]; images lie back to back, `size` values each.

/** PSNR of a perfect copy would be infinite; it is reported as this many dB instead. */
export const PSNR_CAP_DB = 100;

/** Mean squared difference of one image of `size` values in `a` (from `aOffset`) and `b` (from `bOffset`). */
export function meanSquaredError(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number, size: number): number {
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const difference = a[aOffset + i] - b[bOffset + i];
    sum += difference * difference;
  }
  return size > 0 ? sum / size : 0;
}

/** Peak signal-to-noise ratio in dB for pixels in [0, 1]: 10 log10(1 / MSE), capped at `PSNR_CAP_DB`. */
export function psnrFromMse(mse: number): number {
  if (!(mse > 0)) return mse === 0 ? PSNR_CAP_DB : NaN;
  return Math.min(PSNR_CAP_DB, 10 * Math.log10(1 / mse));
}

/** PSNR (dB) of one image against its reference. */
export function imagePsnr(reference: ArrayLike<number>, refOffset: number, test: ArrayLike<number>, testOffset: number, size: number): number {
  return psnrFromMse(meanSquaredError(reference, refOffset, test, testOffset, size));
}

/** Mean over `count` images of each image's PSNR against its reference (both back to back from 0). */
export function meanPsnr(reference: ArrayLike<number>, test: ArrayLike<number>, count: number, size: number): number {
  if (count === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < count; i++) sum += imagePsnr(reference, i * size, test, i * size, size);
  return sum / count;
}

/** Keeps log() finite at outputs of exactly 0 or 1, as the training loss does. */
const BCE_EPSILON = 1e-7;

/**
 * Each image's reconstruction loss, the mean over its pixels of squared error ('mse') or binary
 * cross-entropy ('bce'), as the model's training loss measures it.
 */
export function perImageLoss(loss: 'mse' | 'bce', target: ArrayLike<number>, output: ArrayLike<number>, count: number, size: number): Float32Array {
  const errors = new Float32Array(count);
  for (let image = 0; image < count; image++) {
    let sum = 0;
    const base = image * size;
    for (let i = 0; i < size; i++) {
      const t = target[base + i];
      const o = output[base + i];
      if (loss === 'mse') {
        sum += (t - o) * (t - o);
      } else {
        const p = Math.min(1 - BCE_EPSILON, Math.max(BCE_EPSILON, o));
        sum -= t * Math.log(p) + (1 - t) * Math.log(1 - p);
      }
    }
    errors[image] = sum / size;
  }
  return errors;
}

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

/** `count` indices spread evenly over `indices` (all of them when there are fewer). */
export function evenSubset(indices: Int32Array, count: number): Int32Array {
  if (indices.length <= count) return indices.slice();
  return Int32Array.from({ length: count }, (_, i) => indices[Math.floor((i * indices.length) / count)]);
}
