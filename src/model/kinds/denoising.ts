// The denoising autoencoder: the dense or convolutional body, trained to map a corrupted image to
// its clean original. Each step draws fresh noise from its own seed; codes, reconstructions and the
// map use the clean images.
import * as tf from '../../lib/tf';
import { corruptImages } from '../corruption';
import { buildDenseDecoder, buildDenseEncoder } from '../dense';
import { resolveKindOptions, type AutoencoderSpec } from '../spec';
import { plainAutoencoder, type Autoencoder, type ModelSeeds } from './autoencoder';
import { buildConvDecoder, buildConvEncoder } from './conv';

export function buildDenoising(spec: AutoencoderSpec, seeds: ModelSeeds): Autoencoder {
  const { body, noiseType, noiseLevel } = resolveKindOptions(spec);
  const encoder = body === 'conv' ? buildConvEncoder(spec, seeds.encoder) : buildDenseEncoder(spec, seeds.encoder);
  let decoder: tf.LayersModel;
  try {
    decoder = body === 'conv' ? buildConvDecoder(spec, seeds.decoder) : buildDenseDecoder(spec, seeds.decoder);
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  const corrupt = (images: tf.Tensor, seed: number): tf.Tensor => corruptImages(images, noiseType, noiseLevel, seed);
  return plainAutoencoder(spec, encoder, decoder, undefined, corrupt);
}
