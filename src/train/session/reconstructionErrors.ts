// Every image's reconstruction error, for colouring the map by it.
import type { Trainer } from '../trainer';
import type { SessionData } from './context';

/** Images rebuilt at a time when measuring every image's reconstruction error. */
const ERROR_CHUNK = 1000;

/** Per-image mean squared error over the whole dataset, in chunks to bound memory. */
export async function reconstructionErrors(trainer: Trainer, data: SessionData): Promise<Float32Array> {
  const pixelsPerImage = data.shape[0] * data.shape[1] * data.shape[2];
  const count = data.images.length / pixelsPerImage;
  const errors = new Float32Array(count);
  for (let start = 0; start < count; start += ERROR_CHUNK) {
    const indices = Int32Array.from({ length: Math.min(ERROR_CHUNK, count - start) }, (_, i) => start + i);
    const rebuilt = await trainer.reconstruct(indices);
    for (let row = 0; row < indices.length; row++) {
      let sum = 0;
      const offset = (start + row) * pixelsPerImage;
      for (let p = 0; p < pixelsPerImage; p++) {
        const difference = rebuilt[row * pixelsPerImage + p] - data.images[offset + p] / 255;
        sum += difference * difference;
      }
      errors[start + row] = sum / pixelsPerImage;
    }
  }
  return errors;
}
