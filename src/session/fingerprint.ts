// A short fingerprint of a dataset, so files loaded again (or a built-in set regenerated) can be
// told apart from other images before a saved model is resumed on them.
import type { Dataset } from '../data/dataset';

/** Bytes of pixels read at most: enough to tell sets apart, cheap for a million images. */
const PIXEL_SAMPLE = 1 << 20;

/**
 * FNV-1a over the count, shape, class names, every label and an even sample of the pixels.
 * `pixels: false` leaves the pixels out, for sets drawn from the system's fonts (Emoji), whose
 * pixels differ slightly between machines although they are the same set.
 */
export function datasetFingerprint(dataset: Pick<Dataset, 'images' | 'labels' | 'shape' | 'classNames'>, { pixels = true } = {}): string {
  let hash = 0x811c9dc5;
  const mix = (byte: number) => {
    hash ^= byte & 0xff;
    hash = Math.imul(hash, 0x01000193);
  };
  const mixText = (text: string) => {
    for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  };
  mixText(`${dataset.labels.length}|${dataset.shape.join('x')}|${dataset.classNames.join('\u0000')}|`);
  for (const label of dataset.labels) mix(label);
  if (pixels) {
    const step = Math.max(1, Math.floor(dataset.images.length / PIXEL_SAMPLE));
    for (let i = 0; i < dataset.images.length; i += step) mix(dataset.images[i]);
  }
  return `${dataset.labels.length}-${(hash >>> 0).toString(16).padStart(8, '0')}`;
}
