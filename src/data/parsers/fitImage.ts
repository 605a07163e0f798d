// Pixel maths for fitting decoded images into a dataset: centre-crop to a square, shrink by area
// averaging (every source pixel counts, so thin strokes survive), and reduce to gray if asked.
// Decoding PNG/JPEG happens elsewhere; this works on plain RGBA arrays so it runs anywhere.
import { pixelsPerImage, type Dataset, type ImageShape } from '../dataset';
import { DataFileError } from './errors';

/** Rec. 601 luma weights, the usual gray conversion (and what MNIST-style tools use). */
const LUMA_RED = 0.299;
const LUMA_GREEN = 0.587;
const LUMA_BLUE = 0.114;
const MAX_CLASSES = 256;

/** For one output pixel along an axis: the first source pixel it covers and each one's share. */
interface AxisCover {
  first: number;
  weights: number[];
}

/**
 * Fit one RGBA image (row-major, 4 bytes per pixel) to `target`: the centred square crop is
 * resampled by area averaging to target height x width, then kept as RGB (channels 3) or turned
 * into luminance (channels 1). Transparent pixels count as black, the datasets' background.
 */
export function fitRgbaToShape(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, target: ImageShape): Uint8Array {
  const [targetHeight, targetWidth, channels] = target;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive whole numbers, got ${width} x ${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`expected ${width * height * 4} RGBA bytes for ${width} x ${height}, got ${rgba.length}`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`target channels must be 1 or 3, got ${channels}`);
  if (targetHeight < 1 || targetWidth < 1) throw new RangeError(`target size must be positive, got ${targetHeight} x ${targetWidth}`);

  const side = Math.min(width, height);
  const left = Math.floor((width - side) / 2);
  const top = Math.floor((height - side) / 2);
  const columns = axisCovers(side, targetWidth);
  const rows = axisCovers(side, targetHeight);

  // Horizontal pass first: it shrinks each source row to targetWidth, so the buffer stays small
  // even for large photos. Colours are premultiplied by alpha, which both averages correctly
  // across transparency and composites onto black.
  const narrowed = new Float64Array(side * targetWidth * 3);
  for (let y = 0; y < side; y++) {
    const sourceRow = ((top + y) * width + left) * 4;
    for (let x = 0; x < targetWidth; x++) {
      const cover = columns[x];
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let k = 0; k < cover.weights.length; k++) {
        const at = sourceRow + (cover.first + k) * 4;
        const weight = (cover.weights[k] * rgba[at + 3]) / 255;
        red += rgba[at] * weight;
        green += rgba[at + 1] * weight;
        blue += rgba[at + 2] * weight;
      }
      const out = (y * targetWidth + x) * 3;
      narrowed[out] = red;
      narrowed[out + 1] = green;
      narrowed[out + 2] = blue;
    }
  }

  const result = new Uint8Array(targetHeight * targetWidth * channels);
  for (let y = 0; y < targetHeight; y++) {
    const cover = rows[y];
    for (let x = 0; x < targetWidth; x++) {
      let red = 0;
      let green = 0;
      let blue = 0;
      for (let k = 0; k < cover.weights.length; k++) {
        const at = ((cover.first + k) * targetWidth + x) * 3;
        red += narrowed[at] * cover.weights[k];
        green += narrowed[at + 1] * cover.weights[k];
        blue += narrowed[at + 2] * cover.weights[k];
      }
      const out = (y * targetWidth + x) * channels;
      if (channels === 1) {
        result[out] = toByte(LUMA_RED * red + LUMA_GREEN * green + LUMA_BLUE * blue);
      } else {
        result[out] = toByte(red);
        result[out + 1] = toByte(green);
        result[out + 2] = toByte(blue);
      }
    }
  }
  return result;
}

/**
 * Join fitted images into a Dataset. Class names are the distinct labels in natural order
 * ("2" before "10"), so the same folders give the same class numbers whatever the file order.
 */
export function assembleDataset(items: readonly { pixels: Uint8Array; label: string }[], shape: ImageShape, name: string): Dataset {
  if (items.length === 0) throw new DataFileError(name, 'contains no usable images');
  const imageBytes = pixelsPerImage(shape);
  const collator = new Intl.Collator('en', { numeric: true });
  const classNames = [...new Set(items.map((item) => item.label))].sort(collator.compare);
  if (classNames.length > MAX_CLASSES) throw new DataFileError(name, `has ${classNames.length} classes; at most ${MAX_CLASSES} are supported`);
  const classIndex = new Map(classNames.map((className, index) => [className, index]));

  const images = new Uint8Array(items.length * imageBytes);
  const labels = new Uint8Array(items.length);
  items.forEach((item, index) => {
    if (item.pixels.length !== imageBytes) {
      throw new RangeError(`image ${index} has ${item.pixels.length} values, expected ${imageBytes} for shape ${shape.join('x')}`);
    }
    images.set(item.pixels, index * imageBytes);
    labels[index] = classIndex.get(item.label) as number;
  });
  return { name, images, labels, shape, classNames };
}

/**
 * Split [0, sourceLength) into targetLength equal spans and give each source pixel's overlap with
 * each span as a fraction of the span, so the weights of one output pixel sum to 1.
 */
function axisCovers(sourceLength: number, targetLength: number): AxisCover[] {
  const span = sourceLength / targetLength;
  const covers: AxisCover[] = [];
  for (let index = 0; index < targetLength; index++) {
    const start = index * span;
    const end = start + span;
    const first = Math.floor(start);
    const last = Math.min(sourceLength - 1, Math.ceil(end) - 1);
    const weights: number[] = [];
    for (let pixel = first; pixel <= last; pixel++) {
      const overlap = Math.min(end, pixel + 1) - Math.max(start, pixel);
      weights.push(Math.max(0, overlap) / span);
    }
    covers.push({ first, weights });
  }
  return covers;
}

function toByte(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}
