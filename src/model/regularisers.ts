// The terms some autoencoder kinds add to the reconstruction loss: the VAE's KL divergence, the
// sparse autoencoder's activity penalties and the contractive autoencoder's Jacobian penalty.
// All return scalars and allocate intermediates: call them inside tf.tidy or a gradient function.
import * as tf from '../lib/tf';
import type { Activation } from './spec';

/** Keeps the logs of the KL sparsity penalty finite when a mean activation reaches 0 or 1. */
export const SPARSITY_EPSILON = 1e-6;

/**
 * KL(N(mean, exp(logVar)) || N(0, I)) = -0.5 * sum_j (1 + logVar_j - mean_j^2 - exp(logVar_j)),
 * summed over code units and averaged over the batch: per image, like the VAE's reconstruction term.
 */
export function gaussianKl(mean: tf.Tensor, logVar: tf.Tensor): tf.Scalar {
  const perUnit = tf.sub(tf.sub(tf.add(1, logVar), tf.square(mean)), tf.exp(logVar));
  const perImage = tf.mul(-0.5, tf.sum(perUnit, -1));
  return tf.mean(perImage) as tf.Scalar;
}

/** Mean |h| over every unit of every code in the batch. */
export function l1Sparsity(code: tf.Tensor): tf.Scalar {
  return tf.mean(tf.abs(code)) as tf.Scalar;
}

/**
 * sum_j KL(rho || rhoHat_j) with rhoHat_j the batch-mean activation of code unit j (in (0, 1): the
 * code layer is a sigmoid), KL(p || q) = p log(p / q) + (1 - p) log((1 - p) / (1 - q)).
 */
export function klSparsity(code: tf.Tensor, target: number): tf.Scalar {
  const rate = tf.clipByValue(tf.mean(code, 0), SPARSITY_EPSILON, 1 - SPARSITY_EPSILON);
  const active = tf.mul(target, tf.log(tf.div(target, rate)));
  const inactive = tf.mul(1 - target, tf.log(tf.div(1 - target, tf.sub(1, rate))));
  return tf.sum(tf.add(active, inactive)) as tf.Scalar;
}

/** Activation of a dense layer as the contractive penalty needs it: the hidden ones, or a linear/sigmoid code. */
export type LayerActivation = Activation | 'linear';

/**
 * The activation's derivative, written in terms of the layer's output y = f(a) so the forward pass
 * need not keep pre-activations: relu' = [y > 0], elu' = 1 if y > 0 else y + 1 (alpha 1),
 * tanh' = 1 - y^2, sigmoid' = y (1 - y). Only ops with gradients (step, minimum; not comparisons),
 * because the training gradient of the penalty flows through these slopes.
 */
export function activationSlope(activation: LayerActivation, output: tf.Tensor): tf.Tensor {
  switch (activation) {
    case 'linear':
      return tf.onesLike(output);
    case 'relu':
      return tf.step(output);
    case 'elu':
      return tf.add(tf.minimum(output, 0), 1);
    case 'tanh':
      return tf.sub(1, tf.square(output));
    case 'sigmoid':
      return tf.mul(output, tf.sub(1, output));
  }
}

/**
 * Exact ||J_f(x)||_F^2, averaged over the batch, for a single dense sigmoid layer h = sigmoid(x W + b):
 * dh_j / dx_i = h_j (1 - h_j) W_ij, so the norm is sum_j (h_j (1 - h_j))^2 * sum_i W_ij^2.
 * `code` is [batch, latent], `kernel` is W, [inputs, latent].
 */
export function contractiveClosedForm(code: tf.Tensor, kernel: tf.Tensor): tf.Scalar {
  const slopeSquared = tf.square(tf.mul(code, tf.sub(1, code)));
  const columnNorms = tf.sum(tf.square(kernel), 0);
  return tf.div(tf.sum(tf.mul(slopeSquared, columnNorms)), code.shape[0]) as tf.Scalar;
}

/** One dense layer of an encoder as the Jacobian penalty sees it. */
export interface DenseStep {
  /** The layer's kernel, [inputs, outputs]; the live variable, so gradients reach it. */
  kernel: tf.Tensor;
  /** The layer's output on the batch, [batch, outputs]. */
  output: tf.Tensor;
  activation: LayerActivation;
}

/**
 * ||J||_F^2 of a stack of dense layers (outermost first, the code last), averaged over the batch.
 * J = D_L K_L^T D_(L-1) K_(L-1)^T ... D_1 K_1^T with D_i the diagonal of activation slopes; the
 * product is formed from the code side, one row per code unit and image, so it costs about as
 * much as latentDim backward passes and holds batch * latentDim * (widest layer) floats. The last
 * factor K_1^T (inputs wide) is folded in through the Gram matrix K_1^T K_1 when the first layer
 * is narrower than the input, so the batch * latentDim * inputs Jacobian itself is never formed.
 *
 * Written out with first-order ops rather than with tf.grad: tfjs does not record the operations
 * of a gradient computation, so a penalty built from tf.grad has the right value but no gradient
 * with respect to the weights. This form trains; `contractivePenaltyByAutodiff` checks it.
 */
export function contractivePenalty(layers: readonly DenseStep[]): tf.Scalar {
  if (layers.length === 0) throw new Error('The contractive penalty needs at least one dense layer.');
  const last = layers[layers.length - 1];
  const [batch, latentDim] = last.output.shape;
  const slopes = layers.map((layer) => activationSlope(layer.activation, layer.output));
  if (layers.length === 1) {
    // The single-layer case of the product: sum_j slope_j^2 * |column j of K|^2.
    const columnNorms = tf.sum(tf.square(last.kernel), 0);
    return tf.div(tf.sum(tf.mul(tf.square(slopes[0]), columnNorms)), batch) as tf.Scalar;
  }
  // rows: [batch * latentDim, width of the layer below], the Jacobian of each code unit so far.
  const codeSide = tf.mul(tf.expandDims(slopes[layers.length - 1], 2), tf.expandDims(tf.transpose(last.kernel), 0));
  let width = last.kernel.shape[0] as number;
  let rows = tf.reshape(codeSide, [batch * latentDim, width]);
  for (let i = layers.length - 2; i >= 0; i--) {
    const slope = tf.reshape(tf.tile(tf.expandDims(slopes[i], 1), [1, latentDim, 1]), [batch * latentDim, width]);
    rows = tf.mul(rows, slope);
    if (i > 0) {
      rows = tf.matMul(rows, layers[i].kernel, false, true);
      width = layers[i].kernel.shape[0] as number;
    }
  }
  const first = layers[0].kernel;
  const [inputs, firstWidth] = first.shape as [number, number];
  const squaredNorm =
    firstWidth < inputs
      ? tf.sum(tf.mul(tf.matMul(rows, tf.matMul(first, first, true, false)), rows))
      : tf.sum(tf.square(tf.matMul(rows, first, false, true)));
  return tf.div(squaredNorm, batch) as tf.Scalar;
}

/**
 * ||J||_F^2 of any encoder by automatic differentiation, averaged over the batch: for each code
 * unit j, the gradient of sum over the batch of h_j with respect to the input is row j of every
 * image's Jacobian (images do not interact). Costs latentDim backward passes. The value only:
 * tfjs cannot differentiate through tf.grad (see `contractivePenalty`), so this is for checking
 * and reporting, not for training.
 */
export function contractivePenaltyByAutodiff(
  encode: (images: tf.Tensor) => tf.Tensor,
  images: tf.Tensor,
  latentDim: number,
): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Tensor = tf.scalar(0);
    for (let unit = 0; unit < latentDim; unit++) {
      const row = tf.grad((input: tf.Tensor) => tf.sum(tf.slice(encode(input), [0, unit], [-1, 1])))(images);
      total = tf.add(total, tf.sum(tf.square(row)));
    }
    return tf.div(total, images.shape[0]) as tf.Scalar;
  });
}
