// Compressing a code: each value stored in `bits` bits, evenly over its dimension's range in the
// training codes. Float32 (32 bits) keeps the code as it is.

export interface CodeRanges {
  min: Float32Array;
  max: Float32Array;
}

/** Each dimension's smallest and largest value over `count` codes of `dim` values. */
export function codeRanges(codes: ArrayLike<number>, count: number, dim: number): CodeRanges {
  const min = new Float32Array(dim).fill(Infinity);
  const max = new Float32Array(dim).fill(-Infinity);
  for (let row = 0; row < count; row++) {
    for (let d = 0; d < dim; d++) {
      const value = codes[row * dim + d];
      if (value < min[d]) min[d] = value;
      if (value > max[d]) max[d] = value;
    }
  }
  for (let d = 0; d < dim; d++) {
    if (!Number.isFinite(min[d])) min[d] = max[d] = 0;
  }
  return { min, max };
}

/**
 * The codes after storing each value as an integer of `bits` bits and reading it back: values
 * outside the range are clamped to it. `bits` 32 returns a plain copy (float32 is lossless here).
 */
export function quantiseCodes(codes: Float32Array, dim: number, ranges: CodeRanges, bits: number): Float32Array {
  if (bits >= 32) return codes.slice();
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) throw new RangeError(`Bits per value must be 1 to 16 or 32, got ${bits}.`);
  const levels = 2 ** bits - 1;
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const d = i % dim;
    const low = ranges.min[d];
    const span = ranges.max[d] - low;
    if (!(span > 0)) {
      out[i] = low;
      continue;
    }
    const level = Math.round((Math.min(Math.max(codes[i], low), ranges.max[d]) - low) / span * levels);
    out[i] = low + (level / levels) * span;
  }
  return out;
}

/** Bytes of one code of `dim` values at `bits` bits each (may be fractional: 6 bits x 3 values = 2.25). */
export function codeBytes(dim: number, bits: number): number {
  return (dim * bits) / 8;
}

/** Input values per code value: 784 / 2 = 392 for a 28x28 image and a 2-value code. */
export function compressionRatio(inputValues: number, codeValues: number): number {
  return inputValues / codeValues;
}
