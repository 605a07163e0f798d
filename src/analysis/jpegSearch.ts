// JPEG at a byte budget: the highest quality whose size stays within the budget, found by bisection
// on the encoder's quality (its size grows with quality), and what part of a JPEG file counts.

export interface QualitySearchResult {
  /** Quality in [0, 1] chosen: the highest tried whose size is within the budget, else the lowest. */
  quality: number;
  bytes: number;
  /** False when even the lowest quality is over the budget. */
  fits: boolean;
}

/**
 * Bisect quality in [0, 1] for `encodedSize` (bytes at a quality, non-decreasing in quality) so
 * that the size is as large as it can be without passing `budget`. `steps` halvings bound the
 * quality to 2^-steps; the encoder is called steps + 2 times at most.
 */
export async function searchQuality(
  budget: number,
  encodedSize: (quality: number) => number | Promise<number>,
  steps = 9,
): Promise<QualitySearchResult> {
  const lowest = await encodedSize(0);
  if (lowest > budget) return { quality: 0, bytes: lowest, fits: false };
  const highest = await encodedSize(1);
  if (highest <= budget) return { quality: 1, bytes: highest, fits: true };
  let low = 0;
  let lowBytes = lowest;
  let high = 1;
  for (let step = 0; step < steps; step++) {
    const middle = (low + high) / 2;
    const bytes = await encodedSize(middle);
    if (bytes <= budget) {
      low = middle;
      lowBytes = bytes;
    } else {
      high = middle;
    }
  }
  return { quality: low, bytes: lowBytes, fits: true };
}

/**
 * Bytes of a JPEG file's entropy-coded image data: everything after the start-of-scan header up to
 * the end-of-image marker. Headers and tables (~600 bytes) are left out, because they are the same
 * for every image of a collection, as the autoencoder's decoder is; counting them would bury the
 * comparison for small images. Throws if the bytes are not a JPEG with one scan.
 */
export function jpegScanBytes(file: Uint8Array): number {
  if (file[0] !== 0xff || file[1] !== 0xd8) throw new Error('Not a JPEG file (no start-of-image marker).');
  let at = 2;
  while (at + 4 <= file.length) {
    if (file[at] !== 0xff) throw new Error(`Malformed JPEG: expected a marker at byte ${at}.`);
    const marker = file[at + 1];
    const length = (file[at + 2] << 8) | file[at + 3];
    if (marker === 0xda) {
      const scanStart = at + 2 + length;
      let end = file.length;
      if (file[end - 2] === 0xff && file[end - 1] === 0xd9) end -= 2;
      return Math.max(0, end - scanStart);
    }
    at += 2 + length;
  }
  throw new Error('Malformed JPEG: no start-of-scan marker.');
}
