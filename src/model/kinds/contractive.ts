// The contractive autoencoder: the dense body with a linear code, plus lambda * ||J_f(x)||_F^2, the
// squared Frobenius norm of the whole encoder's Jacobian, averaged over the batch. The Jacobian
// product is formed layer by layer (see `contractivePenalty`), costing about latentDim backward
// passes per step and batch * latentDim * (widest hidden layer) floats of memory.
//
// Why a linear code and not Rifai et al.'s sigmoid one: with a sigmoid code, Adam drove a 2-D code
// of the digits into saturation within ten steps (every image at one corner of the unit square, a
// map with nothing on it), whatever lambda (0 included), learning rate or initial scale; a single
// sigmoid layer did the same. A linear code keeps the map, and the penalty still measures how much
// the code moves when the image moves (docs/engine.md, "Where a 2-D map's kNN levels off").
import * as tf from '../../lib/tf';
import { pixelsPerImage } from '../../data/dataset';
import { buildDenseDecoder, buildDenseEncoder } from '../dense';
import { contractivePenalty, type DenseStep } from '../regularisers';
import { contractiveJacobianFloats, lossTermNames, resolveKindOptions, type AutoencoderSpec } from '../spec';
import { DEFAULT_EVALUATION_BATCH, meanReconstruction, run, withTotal, type Autoencoder, type ModelSeeds } from './autoencoder';

/** Floats the penalty's per-image Jacobian rows may hold during evaluation (16 MB). */
const EVALUATION_JACOBIAN_FLOATS = 2 ** 22;

function kernelOf(layer: tf.layers.Layer): tf.Tensor {
  const kernel = layer.trainableWeights.find((weight) => weight.originalName.endsWith('kernel'));
  if (!kernel) throw new Error(`Layer ${layer.name} has no kernel.`);
  // The live variable: the penalty must see the weights the gradient step updates.
  return kernel.read();
}

export function buildContractive(spec: AutoencoderSpec, seeds: ModelSeeds): Autoencoder {
  const { contractiveWeight } = resolveKindOptions(spec);
  const encoder = buildDenseEncoder(spec, seeds.encoder, 'linear');
  let decoder: tf.LayersModel;
  try {
    decoder = buildDenseDecoder(spec, seeds.decoder);
  } catch (error) {
    encoder.dispose();
    throw error;
  }
  const denseLayers = encoder.layers.filter((layer) => layer.getClassName() === 'Dense');
  const pixels = pixelsPerImage(spec.inputShape);
  const perImageFloats = contractiveJacobianFloats(spec, 1);
  return {
    spec,
    encoder,
    decoder,
    termNames: lossTermNames(spec),
    evaluationBatch: Math.max(16, Math.min(DEFAULT_EVALUATION_BATCH, Math.floor(EVALUATION_JACOBIAN_FLOATS / perImageFloats))),
    encode: (images) => run(encoder, images, false),
    reconstruct: (images) => run(decoder, run(encoder, images, false), false),
    lossTerms: (images, { training }) => {
      // The encoder's own layers, applied one at a time so the penalty can read each output.
      let hidden: tf.Tensor = tf.reshape(images, [images.shape[0], pixels]);
      const steps: DenseStep[] = denseLayers.map((layer, index) => {
        hidden = layer.apply(hidden, { training }) as tf.Tensor;
        const isCode = index === denseLayers.length - 1;
        return { kernel: kernelOf(layer), output: hidden, activation: isCode ? 'linear' : spec.activation };
      });
      const output = run(decoder, hidden, training);
      return withTotal(spec, meanReconstruction(spec, images, output), {
        contractive: tf.mul(contractiveWeight, contractivePenalty(steps)),
      });
    },
    dispose: () => {
      encoder.dispose();
      decoder.dispose();
    },
  };
}
