// The basic autoencoder: the dense encoder and decoder, reconstruction loss only.
import { buildDenseDecoder, buildDenseEncoder } from '../dense';
import type { AutoencoderSpec } from '../spec';
import { plainAutoencoder, type Autoencoder, type ModelSeeds } from './autoencoder';

export function buildBasic(spec: AutoencoderSpec, seeds: ModelSeeds): Autoencoder {
  const encoder = buildDenseEncoder(spec, seeds.encoder);
  try {
    return plainAutoencoder(spec, encoder, buildDenseDecoder(spec, seeds.decoder));
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
