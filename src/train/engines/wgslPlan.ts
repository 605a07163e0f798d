// Which models the WGSL step (engine/webgpu) trains, and its spec read off a built model: the same
// kinds as the wasm engine's hand-written step (denseChainPlan.ts): basic, denoising with the
// dense body, sparse with either penalty. Variational and contractive models are not covered.
import type * as tf from '../../lib/tf';
import type { WgslDenseSpec, WgslNoise, WgslPenalty } from '../../engine/webgpu/spec';
import type { Autoencoder } from '../../model/build';
import { BCE_EPSILON } from '../../model/losses';
import { SPARSITY_EPSILON } from '../../model/regularisers';
import { resolveKindOptions } from '../../model/spec';
import { ADAM_BETA1, ADAM_BETA2 } from './adam';
import { coveredDenseChain } from './denseChainPlan';

/** Adam's settings as train/engines/adam.ts uses them. */
export interface WgslAdamSettings {
  learningRate: number;
  /** The tfjs backend's epsilon. */
  epsilon: number;
}

/**
 * The WGSL step's spec for `model`, whose trainable `variables` are in the trainer's order, or
 * null when the model is not a dense chain the step covers (or its variables are not each layer's
 * kernel then bias, first layer first: the flat buffer's layout).
 */
export function planWgslStep(model: Autoencoder, variables: readonly tf.Variable[], adam: WgslAdamSettings, maxRows: number): WgslDenseSpec | null {
  const { spec } = model;
  const options = resolveKindOptions(spec);
  const chain = coveredDenseChain(model, variables);
  if (!chain) return null;
  const { encoder, mapped, used: order } = chain;
  if (order.length !== variables.length || order.some((index, i) => index !== i)) return null;

  const [height, width, channels] = spec.inputShape;
  const inputs = height * width * channels;
  const widths = [inputs, ...mapped.map((layer) => variables[layer.kernelIndex].shape[1] as number)];
  let penalty: WgslPenalty = { kind: 'none' };
  if (spec.kind === 'sparse') {
    const layer = encoder.length - 1;
    penalty = options.sparsityType === 'l1'
      ? { kind: 'l1', layer, weight: options.sparsityWeight }
      : { kind: 'kl', layer, weight: options.sparsityWeight, target: options.sparsityTarget, epsilon: SPARSITY_EPSILON };
  }
  const noise: WgslNoise = spec.kind === 'denoising' ? { kind: options.noiseType, level: options.noiseLevel, channels } : { kind: 'none' };
  return {
    widths,
    activations: mapped.map((layer) => layer.activation),
    biases: mapped.map((layer) => layer.biasIndex !== null),
    encoderLayers: encoder.length,
    loss: spec.loss === 'bce' ? { kind: 'bce', epsilon: BCE_EPSILON } : { kind: 'mse' },
    penalty,
    noise,
    adam: { learningRate: adam.learningRate, beta1: ADAM_BETA1, beta2: ADAM_BETA2, epsilon: adam.epsilon },
    maxRows,
  };
}
