// Reconstruction losses between target images and the decoder's output, both with pixels in [0, 1].
import * as tf from '../lib/tf';
import type { ReconstructionLoss } from './spec';

/** Keeps log() finite when the sigmoid output saturates at exactly 0 or 1 in float32. */
export const BCE_EPSILON = 1e-7;

/**
 * Mean loss over every pixel of every image in the batch, so the value does not depend on image
 * size or batch size. Allocates intermediates: call inside tf.tidy (or a gradient function).
 */
export function reconstructionLoss(
  kind: ReconstructionLoss,
  target: tf.Tensor,
  output: tf.Tensor,
): tf.Scalar {
  switch (kind) {
    case 'mse':
      return tf.mean(tf.squaredDifference(target, output)) as tf.Scalar;
    case 'bce': {
      const clipped = tf.clipByValue(output, BCE_EPSILON, 1 - BCE_EPSILON);
      // -[t log p + (1 - t) log(1 - p)]
      const positive = tf.mul(target, tf.log(clipped));
      const negative = tf.mul(tf.sub(1, target), tf.log(tf.sub(1, clipped)));
      return tf.neg(tf.mean(tf.add(positive, negative))) as tf.Scalar;
    }
  }
}
