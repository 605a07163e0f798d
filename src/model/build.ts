// One entry point from a spec to its models: picks the kind's builder and hands it seeds derived
// from the one model seed, so the same seed always rebuilds the same weights.
import type * as tf from '../lib/tf';
import { createRng } from '../lib/rng';
import { buildDenseDecoder } from './dense';
import type { Autoencoder, ModelSeeds } from './kinds/autoencoder';
import { buildBasic } from './kinds/basic';
import { buildContractive } from './kinds/contractive';
import { buildConvDecoder, buildConvolutional } from './kinds/conv';
import { buildDenoising } from './kinds/denoising';
import { buildSparse } from './kinds/sparse';
import { buildVariational } from './kinds/variational';
import { usesConvBody, type AutoencoderSpec } from './spec';

export type { Autoencoder, LossTerms, TermContext } from './kinds/autoencoder';

/** Encoder seed first, decoder seed second: the order the basic trainer has always drawn them in. */
function modelSeeds(seed: number): ModelSeeds {
  const rng = createRng(seed);
  return { encoder: rng.nextSeed(), decoder: rng.nextSeed() };
}

/** The kind's encoder, decoder and loss terms, with weights seeded from `seed`. Caller disposes. */
export function buildAutoencoder(spec: AutoencoderSpec, seed: number): Autoencoder {
  const seeds = modelSeeds(seed);
  switch (spec.kind) {
    case 'basic':
      return buildBasic(spec, seeds);
    case 'convolutional':
      return buildConvolutional(spec, seeds);
    case 'denoising':
      return buildDenoising(spec, seeds);
    case 'sparse':
      return buildSparse(spec, seeds);
    case 'variational':
      return buildVariational(spec, seeds);
    case 'contractive':
      return buildContractive(spec, seeds);
  }
}

/**
 * Only the decoder of `buildAutoencoder(spec, seed)`, with the same weights: what a main-thread
 * copy needs. Every dense-bodied kind decodes with the dense decoder, conv bodies with the conv one.
 */
export function buildDecoder(spec: AutoencoderSpec, seed: number): tf.LayersModel {
  const { decoder } = modelSeeds(seed);
  return usesConvBody(spec) ? buildConvDecoder(spec, decoder) : buildDenseDecoder(spec, decoder);
}
