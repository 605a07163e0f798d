// The sparse autoencoder: the dense body plus a penalty on the code activations, either
// weight * mean |h| (l1, linear code) or weight * sum_j KL(rho || rhoHat_j) (kl, sigmoid code so
// each unit's batch-mean activation is a firing rate to compare with the target rho).
import * as tf from '../../lib/tf';
import { buildDenseDecoder, buildDenseEncoder } from '../dense';
import { klSparsity, l1Sparsity } from '../regularisers';
import { resolveKindOptions, type AutoencoderSpec } from '../spec';
import { plainAutoencoder, type Autoencoder, type ModelSeeds } from './autoencoder';

export function buildSparse(spec: AutoencoderSpec, seeds: ModelSeeds): Autoencoder {
  const { sparsityType, sparsityWeight, sparsityTarget } = resolveKindOptions(spec);
  const encoder = buildDenseEncoder(spec, seeds.encoder, sparsityType === 'kl' ? 'sigmoid' : 'linear');
  try {
    return plainAutoencoder(spec, encoder, buildDenseDecoder(spec, seeds.decoder), (code) => ({
      sparsity: tf.mul(sparsityWeight, sparsityType === 'kl' ? klSparsity(code, sparsityTarget) : l1Sparsity(code)),
    }));
  } catch (error) {
    encoder.dispose();
    throw error;
  }
}
