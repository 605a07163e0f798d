// Draws one dataset or decoded image, enlarged with hard pixel edges: a 28x28 digit blown up to a
// tile must show its real pixels, not a blur the browser invented.
import type { ImageShape } from '../data/dataset';

/** What `pixelsToImageData` writes into: an ImageData, or anything shaped like one (tests). */
export type ImageDataLike = Pick<ImageData, 'data' | 'width' | 'height'>;

type ScratchCanvas = HTMLCanvasElement | OffscreenCanvas;
type ScratchContext = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

interface Scratch {
  canvas: ScratchCanvas;
  context: ScratchContext;
  image: ImageData;
}

/**
 * One small canvas per image size. A cache rather than app state: the app shows one or two image
 * sizes at a time, and creating canvases per drawn tile would churn garbage while the probe moves.
 */
const scratchBySize = new Map<number, Scratch>();

/**
 * Copies the image whose first value is `pixels[offset]` (image index * H * W * C for a batch) into
 * `target`, which must be shape[1] wide and shape[0] high. Float pixels are 0..1, byte pixels 0..255;
 * 1 channel is grey, 3 are RGB, 4 are RGBA; other channel counts show their first channel as grey.
 */
export function pixelsToImageData(
  pixels: Float32Array | Uint8Array,
  offset: number,
  shape: ImageShape,
  target: ImageDataLike,
): void {
  const [height, width, channels] = shape;
  if (target.width !== width || target.height !== height) {
    throw new Error(`Image is ${width}x${height} but the target is ${target.width}x${target.height}.`);
  }
  // Float values scale to bytes; Uint8ClampedArray then rounds and clamps them (NaN becomes 0).
  const scale = pixels instanceof Float32Array ? 255 : 1;
  const data = target.data;
  const count = width * height;
  for (let i = 0; i < count; i++) {
    const source = offset + i * channels;
    const out = 4 * i;
    if (channels === 3 || channels === 4) {
      data[out] = pixels[source] * scale;
      data[out + 1] = pixels[source + 1] * scale;
      data[out + 2] = pixels[source + 2] * scale;
      data[out + 3] = channels === 4 ? pixels[source + 3] * scale : 255;
    } else {
      const grey = pixels[source] * scale;
      data[out] = grey;
      data[out + 1] = grey;
      data[out + 2] = grey;
      data[out + 3] = 255;
    }
  }
}

/**
 * Draws the image starting at `pixels[offset]` at (x, y) in `context`'s units (CSS pixels for a context scaled
 * by the pixel ratio), fitted into a `size` x `size` square with its aspect kept, pixels crisp.
 */
export function drawImage(
  context: CanvasRenderingContext2D,
  pixels: Float32Array | Uint8Array,
  offset: number,
  shape: ImageShape,
  x: number,
  y: number,
  size: number,
): void {
  const [height, width] = shape;
  const scratch = scratchFor(width, height);
  pixelsToImageData(pixels, offset, shape, scratch.image);
  scratch.context.putImageData(scratch.image, 0, 0);

  const fit = size / Math.max(width, height);
  const drawWidth = width * fit;
  const drawHeight = height * fit;
  context.save();
  context.imageSmoothingEnabled = false;
  context.drawImage(scratch.canvas, x + (size - drawWidth) / 2, y + (size - drawHeight) / 2, drawWidth, drawHeight);
  context.restore();
}

function scratchFor(width: number, height: number): Scratch {
  const key = width * 65536 + height;
  const cached = scratchBySize.get(key);
  if (cached !== undefined) return cached;
  const canvas: ScratchCanvas =
    typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(width, height) : document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d') as ScratchContext | null;
  if (context === null) throw new Error('This browser cannot draw on a 2-D canvas.');
  const scratch: Scratch = { canvas, context, image: context.createImageData(width, height) };
  scratchBySize.set(key, scratch);
  return scratch;
}
