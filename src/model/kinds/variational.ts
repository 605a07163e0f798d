// The variational autoencoder. The encoder has two dense heads on the dense body: the mean and the
// log-variance of a diagonal Gaussian per image. Training decodes z = mean + exp(logVar / 2) * eps,
// eps ~ N(0, I) drawn from the step's seed, and minimises
//   reconstruction (summed over an image's pixels, averaged over the batch)
//   + beta * KL(q(z | x) || N(0, I)) (summed over code units, averaged over the batch),
// both per image, as in the evidence lower bound. The map shows the means.
import * as tf from '../../lib/tf';
import { createRng } from '../../lib/rng';
import { buildDenseDecoder, seededKernel } from '../dense';
import { gaussianKl } from '../regularisers';
import { lossTermNames, resolveKindOptions, type AutoencoderSpec } from '../spec';
import { DEFAULT_EVALUATION_BATCH, run, summedReconstruction, withTotal, type Autoencoder, type ModelSeeds } from './autoencoder';

/** Image -> flatten -> hidden Dense layers -> [mean, logVar], each `latentDim` values, both linear. */
export function buildVariationalEncoder(spec: AutoencoderSpec, seed: number): tf.LayersModel {
  const rng = createRng(seed);
  const input = tf.input({ shape: [...spec.inputShape], name: 'encoder_input' });
  let hidden = tf.layers.flatten({ name: 'encoder_flatten' }).apply(input) as tf.SymbolicTensor;
  spec.hiddenSizes.forEach((units, index) => {
    hidden = tf.layers
      .dense({ units, activation: spec.activation, kernelInitializer: seededKernel(rng), name: `encoder_hidden_${index}` })
      .apply(hidden) as tf.SymbolicTensor;
  });
  const head = (name: string) =>
    tf.layers
      .dense({ units: spec.latentDim, activation: 'linear', kernelInitializer: seededKernel(rng), name })
      .apply(hidden) as tf.SymbolicTensor;
  const mean = head('encoder_mean');
  const logVar = head('encoder_log_var');
  return tf.model({ inputs: input, outputs: [mean, logVar], name: 'encoder' });
}

export function buildVariational(spec: AutoencoderSpec, seeds: ModelSeeds): Autoencoder {
  const { beta } = resolveKindOptions(spec);
  const encoder = buildVariationalEncoder(spec, seeds.encoder);
  let decoder: tf.LayersModel;
  try {
    decoder = buildDenseDecoder(spec, seeds.decoder);
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  const heads = (images: tf.Tensor, training: boolean) => encoder.apply(images, { training }) as tf.Tensor[];
  return {
    spec,
    encoder,
    decoder,
    termNames: lossTermNames(spec),
    evaluationBatch: DEFAULT_EVALUATION_BATCH,
    encode: (images) => heads(images, false)[0],
    encodeLogVar: (images) => heads(images, false)[1],
    reconstruct: (images) => run(decoder, heads(images, false)[0], false),
    lossTerms: (images, { seed, training }) => {
      const [mean, logVar] = heads(images, training);
      // The reparameterisation: the randomness is an input, so gradients reach mean and logVar.
      const noise = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
      const code = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise));
      const output = run(decoder, code, training);
      return withTotal(spec, summedReconstruction(spec, images, output), { kl: tf.mul(beta, gaussianKl(mean, logVar)) });
    },
    dispose: () => {
      encoder.dispose();
      decoder.dispose();
    },
  };
}
