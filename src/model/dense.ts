// Builders for the fully connected encoder and decoder of the basic autoencoder.
// Each layer's initialiser gets its own seed drawn from the caller's seed, so a seed rebuilds the
// same weights on any backend; layer names are fixed so snapshots and messages can refer to them.
import * as tf from '../lib/tf';
import { pixelsPerImage } from '../data/dataset';
import { createRng, type Rng } from '../lib/rng';
import type { AutoencoderSpec } from './spec';

/** A Glorot-uniform kernel initialiser with the next seed from `rng`. */
export function seededKernel(rng: Rng): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: rng.nextSeed() });
}

/**
 * Image [H, W, C] -> flatten -> hidden Dense layers -> code of `latentDim` values, linear unless a
 * kind needs bounded codes (a sparse KL penalty or a contractive one reads them as sigmoid rates).
 */
export function buildDenseEncoder(
  spec: AutoencoderSpec,
  seed: number,
  codeActivation: 'linear' | 'sigmoid' = 'linear',
): tf.LayersModel {
  const rng = createRng(seed);
  const model = tf.sequential({ name: 'encoder' });
  model.add(tf.layers.flatten({ inputShape: [...spec.inputShape], name: 'encoder_flatten' }));
  spec.hiddenSizes.forEach((units, index) => {
    model.add(
      tf.layers.dense({
        units,
        activation: spec.activation,
        kernelInitializer: seededKernel(rng),
        name: `encoder_hidden_${index}`,
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: spec.latentDim,
      activation: codeActivation,
      kernelInitializer: seededKernel(rng),
      name: 'encoder_code',
    }),
  );
  return model;
}

/** Code of `latentDim` values -> hidden Dense layers (encoder's, reversed) -> sigmoid image [H, W, C]. */
export function buildDenseDecoder(spec: AutoencoderSpec, seed: number): tf.LayersModel {
  const rng = createRng(seed);
  const model = tf.sequential({ name: 'decoder' });
  const widths = [...spec.hiddenSizes].reverse();
  // The first layer needs the input shape; with no hidden layers that is the output layer.
  let inputShape: number[] | undefined = [spec.latentDim];
  widths.forEach((units, index) => {
    model.add(
      tf.layers.dense({
        units,
        activation: spec.activation,
        kernelInitializer: seededKernel(rng),
        inputShape,
        name: `decoder_hidden_${index}`,
      }),
    );
    inputShape = undefined;
  });
  model.add(
    tf.layers.dense({
      units: pixelsPerImage(spec.inputShape),
      activation: 'sigmoid',
      kernelInitializer: seededKernel(rng),
      inputShape,
      name: 'decoder_pixels',
    }),
  );
  model.add(tf.layers.reshape({ targetShape: [...spec.inputShape], name: 'decoder_image' }));
  return model;
}
