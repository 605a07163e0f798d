// The dataset's images as float32 batches in [0, 1], for training steps and inference alike, from
// one of two places picked once by backend: the bytes cut in JS (CPU backends) or one device tensor.
import * as tf from '../../lib/tf';
import { pixelsPerImage, type ImageShape } from '../../data/dataset';
import { scaledImages } from './batchPixels';

export interface DatasetImages {
  /** The images at dataset `indices`, [indices.length, H, W, C]. */
  at(indices: Int32Array): tf.Tensor4D;
  /** Images `start` to `start + count - 1`. */
  inRange(start: number, count: number): tf.Tensor4D;
  dispose(): void;
}

/** The CPU backends (wasm, plain JS) take batches cut from the bytes in JS; GPU backends gather on the device. */
function cutsBatchesInJs(): boolean {
  const backend = tf.getBackend();
  return backend === 'wasm' || backend === 'cpu';
}

/** The `count` images of `shape` in `pixels` (0..255, not copied), batched the way the current backend does best. */
export function datasetImages(pixels: Uint8Array, shape: ImageShape, count: number): DatasetImages {
  return cutsBatchesInJs() ? new ImagesCutInJs(pixels, shape, count) : new ImagesOnDevice(pixels, shape, count);
}

/**
 * Batches cut from the caller's bytes in JS (see batchPixels.ts), the same values the dataset
 * tensor holds. On the CPU backends that tensor was never read, yet it cost 100 ms and 31 MB
 * (10,000 digits) to build, on the way to an enabled Train.
 */
class ImagesCutInJs implements DatasetImages {
  constructor(
    private readonly pixels: Uint8Array,
    private readonly shape: ImageShape,
    private readonly count: number,
  ) {}

  at(indices: Int32Array): tf.Tensor4D {
    const size = pixelsPerImage(this.shape);
    // A transferred (detached) buffer reads as empty: say so rather than train on zeros.
    if (this.pixels.length !== this.count * size) throw new Error('The training images are no longer available to this trainer.');
    return tf.tensor4d(scaledImages(this.pixels, indices, size), [indices.length, ...this.shape], 'float32');
  }

  /** Cut from the bytes too: tfjs wasm's Slice of 1,000 MNIST images took 15 ms, half the cost of encoding them. */
  inRange(start: number, count: number): tf.Tensor4D {
    return this.at(Int32Array.from({ length: count }, (_, i) => start + i));
  }

  dispose(): void {}
}

/** The whole dataset on the device once, [N, H, W, C], for GPU backends to gather batches from. */
class ImagesOnDevice implements DatasetImages {
  private readonly images: tf.Tensor4D;

  constructor(pixels: Uint8Array, private readonly shape: ImageShape, count: number) {
    // Scaled once here in JS rather than per batch on the device; the backend takes this buffer.
    const scaled = new Float32Array(pixels.length);
    for (let i = 0; i < scaled.length; i++) scaled[i] = pixels[i] / 255; // as scaledImages does
    this.images = tf.tensor4d(scaled, [count, ...shape], 'float32');
  }

  at(indices: Int32Array): tf.Tensor4D {
    return tf.gather(this.images, tf.tensor1d(indices, 'int32'));
  }

  inRange(start: number, count: number): tf.Tensor4D {
    return tf.slice(this.images, [start, 0, 0, 0], [count, ...this.shape]);
  }

  dispose(): void {
    this.images.dispose();
  }
}
