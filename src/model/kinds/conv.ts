// The convolutional autoencoder: 3x3 stride-2 'same' convolutions halve the image at each layer,
// a dense layer makes the code; the decoder grows the smallest feature map back with stride-2
// transposed convolutions, crops any excess (28 -> 14 -> 7 -> 4 comes back as 32) and ends in a
// 3x3 convolution to the image's channels with a sigmoid.
import * as tf from '../../lib/tf';
import { createRng } from '../../lib/rng';
import { seededKernel } from '../dense';
import { resolveKindOptions, type AutoencoderSpec } from '../spec';
import { plainAutoencoder, type Autoencoder, type ModelSeeds } from './autoencoder';

/** Height and width after each stride-2 'same' convolution: ceil(size / 2) per layer. */
export function convFeatureSizes(spec: AutoencoderSpec, layerCount: number): [number, number][] {
  const sizes: [number, number][] = [];
  let [height, width] = spec.inputShape;
  for (let i = 0; i < layerCount; i++) {
    height = Math.ceil(height / 2);
    width = Math.ceil(width / 2);
    sizes.push([height, width]);
  }
  return sizes;
}

function filtersOf(spec: AutoencoderSpec): number[] {
  const filters = resolveKindOptions(spec).convFilters;
  if (filters.length === 0) throw new Error('A convolutional body needs at least one conv layer.');
  return filters;
}

/** Image -> stride-2 convolutions (spec.activation) -> flatten -> linear code of `latentDim` values. */
export function buildConvEncoder(spec: AutoencoderSpec, seed: number): tf.LayersModel {
  const rng = createRng(seed);
  const model = tf.sequential({ name: 'encoder' });
  filtersOf(spec).forEach((filters, index) => {
    model.add(
      tf.layers.conv2d({
        inputShape: index === 0 ? [...spec.inputShape] : undefined,
        filters,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: spec.activation,
        kernelInitializer: seededKernel(rng),
        name: `encoder_conv_${index}`,
      }),
    );
  });
  model.add(tf.layers.flatten({ name: 'encoder_flatten' }));
  model.add(
    tf.layers.dense({
      units: spec.latentDim,
      activation: 'linear',
      kernelInitializer: seededKernel(rng),
      name: 'encoder_code',
    }),
  );
  return model;
}

/** Code -> dense to the smallest feature map -> stride-2 transposed convolutions -> crop -> sigmoid image. */
export function buildConvDecoder(spec: AutoencoderSpec, seed: number): tf.LayersModel {
  const rng = createRng(seed);
  const filters = filtersOf(spec);
  const reversed = [...filters].reverse();
  const [smallestHeight, smallestWidth] = convFeatureSizes(spec, filters.length)[filters.length - 1];
  const [height, width, channels] = spec.inputShape;
  const model = tf.sequential({ name: 'decoder' });
  model.add(
    tf.layers.dense({
      inputShape: [spec.latentDim],
      units: smallestHeight * smallestWidth * reversed[0],
      activation: spec.activation,
      kernelInitializer: seededKernel(rng),
      name: 'decoder_dense',
    }),
  );
  model.add(tf.layers.reshape({ targetShape: [smallestHeight, smallestWidth, reversed[0]], name: 'decoder_feature_map' }));
  reversed.forEach((count, index) => {
    model.add(
      tf.layers.conv2dTranspose({
        filters: count,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: spec.activation,
        kernelInitializer: seededKernel(rng),
        name: `decoder_upconv_${index}`,
      }),
    );
  });
  // Each transposed convolution doubles exactly, so odd sizes on the way down come back too big.
  const grownHeight = smallestHeight * 2 ** filters.length;
  const grownWidth = smallestWidth * 2 ** filters.length;
  if (grownHeight !== height || grownWidth !== width) {
    const extraHeight = grownHeight - height;
    const extraWidth = grownWidth - width;
    model.add(
      tf.layers.cropping2D({
        cropping: [
          [Math.floor(extraHeight / 2), Math.ceil(extraHeight / 2)],
          [Math.floor(extraWidth / 2), Math.ceil(extraWidth / 2)],
        ],
        name: 'decoder_crop',
      }),
    );
  }
  model.add(
    tf.layers.conv2d({
      filters: channels,
      kernelSize: 3,
      padding: 'same',
      activation: 'sigmoid',
      kernelInitializer: seededKernel(rng),
      name: 'decoder_pixels',
    }),
  );
  return model;
}

export function buildConvolutional(spec: AutoencoderSpec, seeds: ModelSeeds): Autoencoder {
  const encoder = buildConvEncoder(spec, seeds.encoder);
  try {
    return plainAutoencoder(spec, encoder, buildConvDecoder(spec, seeds.decoder));
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
