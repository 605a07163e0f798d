// The size limits a load enforces, in one place, so the data panel can state them as they are.
import { MAX_FILE_BYTES } from './parsers/detect';
import { MAX_IMAGE_PIXELS } from './parsers/imageHeader';

/** Largest dataset built from images, once fitted (images x size x size x channels bytes). */
export const MAX_DATASET_BYTES = 512 * 1024 * 1024;

/** The limits in one sentence for the data panel. */
export function limitsSentence(): string {
  const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;
  return `Limits: ${mb(MAX_FILE_BYTES)} per file, ${MAX_IMAGE_PIXELS / 1_000_000} megapixels per image, ${mb(MAX_DATASET_BYTES)} of fitted pixels in all.`;
}
