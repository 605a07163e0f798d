// The one shape every data source produces, and the seeded train / held-out split.
import { type Rng, shuffleInPlace } from '../lib/rng';

/** Height, width, channels of one image. */
export type ImageShape = readonly [height: number, width: number, channels: number];

export interface Dataset {
  /** Human name shown in the UI, e.g. "MNIST digits". */
  name: string;
  /** Pixels, 0..255, image after image, row-major, channels last (N * H * W * C bytes). */
  images: Uint8Array;
  /** One class index per image, 0..classNames.length-1. */
  labels: Uint8Array;
  shape: ImageShape;
  classNames: string[];
  /**
   * Known generating factors, one value per image, by name (Shapes: x, y, scale, rotation, hue),
   * so the map can be coloured by each and a class can see which factors the model learned.
   */
  factors?: Record<string, Float32Array>;
}

/** The factors of a generated Shapes set as plain named columns (the label already gives the kind). */
export function factorColumns(factors: { x: Float32Array; y: Float32Array; scale: Float32Array; rotation: Float32Array; hue?: Float32Array }): Record<string, Float32Array> {
  const columns: Record<string, Float32Array> = { x: factors.x, y: factors.y, scale: factors.scale, rotation: factors.rotation };
  if (factors.hue) columns.hue = factors.hue;
  return columns;
}

export function imageCount(dataset: Dataset): number {
  return dataset.labels.length;
}

export function pixelsPerImage(shape: ImageShape): number {
  return shape[0] * shape[1] * shape[2];
}

export interface DataSplit {
  /** Indices into the dataset of the training images. */
  train: Int32Array;
  /** Indices into the dataset of the held-out images (never trained on). */
  heldOut: Int32Array;
}

/** Shuffle all indices with the seeded source and cut off `heldOutCount` for evaluation. */
export function splitDataset(count: number, heldOutCount: number, rng: Rng): DataSplit {
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  shuffleInPlace(order, rng);
  const held = Math.min(Math.max(heldOutCount, 0), count);
  return {
    heldOut: order.slice(0, held).sort(),
    train: order.slice(held).sort(),
  };
}
