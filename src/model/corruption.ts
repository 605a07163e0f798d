// Seeded input corruption for the denoising autoencoder. Only the encoder's input is corrupted; the
// loss still compares with the clean image, which is what teaches the model to remove the noise.
import * as tf from '../lib/tf';
import type { NoiseType } from './spec';

/**
 * A corrupted copy of `images` ([N, H, W, C], pixels in [0, 1]); `level` as documented on
 * `NoiseType`. tfjs draws seeded random numbers in JavaScript, so a seed gives the same noise on
 * every backend. Salt-and-pepper and masking act on whole pixels (every channel alike), so a colour
 * image loses pixels rather than gaining coloured specks. Allocates: call inside tf.tidy.
 */
export function corruptImages(images: tf.Tensor, noiseType: NoiseType, level: number, seed: number): tf.Tensor {
  const [count, height, width] = images.shape;
  switch (noiseType) {
    case 'gaussian': {
      const noise = tf.randomNormal(images.shape, 0, level, 'float32', seed);
      // Clipped so the encoder never sees values outside the pixel range it is trained on.
      return tf.clipByValue(tf.add(images, noise), 0, 1);
    }
    case 'masking': {
      const draw = tf.randomUniform([count, height, width, 1], 0, 1, 'float32', seed);
      const kept = tf.cast(tf.greaterEqual(draw, level), 'float32');
      return tf.mul(images, kept);
    }
    case 'salt-pepper': {
      // One draw decides both whether a pixel is hit (draw < level) and how: the lower half of the
      // hit range becomes white (salt), the upper half black (pepper).
      const draw = tf.randomUniform([count, height, width, 1], 0, 1, 'float32', seed);
      const hit = tf.cast(tf.less(draw, level), 'float32');
      const salt = tf.cast(tf.less(draw, level / 2), 'float32');
      return tf.add(tf.mul(images, tf.sub(1, hit)), salt);
    }
  }
}
