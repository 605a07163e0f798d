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
  // The byte loops are written out (no per-byte closure): the first autosave takes the fingerprint
  // on the page's thread while training runs, and the closure version took 20-120 ms there, cold.
  const text = `${dataset.labels.length}|${dataset.shape.join('x')}|${dataset.classNames.join('\u0000')}|`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ (text.charCodeAt(i) & 0xff), 0x01000193);
  const { labels, images } = dataset;
  for (let i = 0; i < labels.length; i++) hash = Math.imul(hash ^ labels[i], 0x01000193);
  if (pixels) {
    const step = Math.max(1, Math.floor(images.length / PIXEL_SAMPLE));
    for (let i = 0; i < images.length; i += step) hash = Math.imul(hash ^ images[i], 0x01000193);
  }
  return `${labels.length}-${(hash >>> 0).toString(16).padStart(8, '0')}`;
}
