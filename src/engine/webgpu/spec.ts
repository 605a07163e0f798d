// What the WGSL training step trains, as plain numbers: the dense chain's widths and activations,
// the loss, the penalty on the code, the input noise and Adam's constants. Nothing here knows
// tfjs; train/engines/wgslPlan.ts reads these off a built model.

/** Activations the step differentiates, with the wasm engine's codes (kernelModule.ts's ACTIVATION_CODES). */
export const WGSL_ACTIVATIONS = { linear: 0, relu: 1, sigmoid: 3, elu: 4, tanh: 6 } as const;
export type WgslActivation = keyof typeof WGSL_ACTIVATIONS;

/** A penalty on one layer's output (the sparse kind's code), as regularisers.ts defines it. */
export type WgslPenalty =
  | { kind: 'none' }
  /** weight * mean |h| over every value of the layer's output. */
  | { kind: 'l1'; layer: number; weight: number }
  /** weight * sum_j KL(target || clip(batch mean of unit j, epsilon, 1 - epsilon)). */
  | { kind: 'kl'; layer: number; weight: number; target: number; epsilon: number };

/** Noise on the encoder's input (the denoising kind), as model/corruption.ts defines its three types. */
export type WgslNoise =
  | { kind: 'none' }
  /** `channels`: values per pixel; masking and salt-and-pepper hit whole pixels. */
  | { kind: 'gaussian' | 'masking' | 'salt-pepper'; level: number; channels: number };

export interface WgslAdam {
  learningRate: number;
  beta1: number;
  beta2: number;
  /** The tfjs backend's epsilon (1e-7 for float32), as train/engines/adam.ts takes it. */
  epsilon: number;
}

export interface WgslDenseSpec {
  /** Values per image at the input, then each layer's units; the last equals the first. */
  widths: number[];
  /** One per layer. */
  activations: WgslActivation[];
  /** One per layer: whether it adds a bias. */
  biases: boolean[];
  /** Layers that belong to the encoder (the rest are the decoder's), for the weight snapshots. */
  encoderLayers: number;
  loss: { kind: 'mse' } | { kind: 'bce'; epsilon: number };
  penalty: WgslPenalty;
  noise: WgslNoise;
  adam: WgslAdam;
  /** The largest batch a step takes; sizes the activation buffers. */
  maxRows: number;
}

/** Where one layer's kernel ([inputs, units], row-major) and bias sit in the flat parameter buffer, in floats. */
export interface LayerSlots {
  inputs: number;
  units: number;
  kernelOffset: number;
  /** -1 for a layer without a bias. */
  biasOffset: number;
}

/**
 * The flat layout: each layer's kernel then its bias, first layer first. That is the order of the
 * model's trainable variables (encoder's, then decoder's) and of `getWeights()` for dense layers,
 * so a network's snapshot is one contiguous run of the buffer.
 */
export function layerSlots(spec: WgslDenseSpec): { layers: LayerSlots[]; total: number } {
  let offset = 0;
  const layers = spec.activations.map((_, index) => {
    const inputs = spec.widths[index];
    const units = spec.widths[index + 1];
    const kernelOffset = offset;
    offset += inputs * units;
    const biasOffset = spec.biases[index] ? offset : -1;
    if (spec.biases[index]) offset += units;
    return { inputs, units, kernelOffset, biasOffset };
  });
  return { layers, total: offset };
}

/** Throws with the first thing wrong with `spec`. */
export function checkSpec(spec: WgslDenseSpec): void {
  const layers = spec.activations.length;
  if (layers === 0) throw new Error('WGSL step: no layers.');
  if (spec.widths.length !== layers + 1 || spec.biases.length !== layers) throw new Error('WGSL step: widths, activations and biases disagree.');
  if (spec.widths.some((width) => !Number.isInteger(width) || width <= 0)) throw new Error('WGSL step: every width must be a positive integer.');
  if (spec.widths[layers] !== spec.widths[0]) throw new Error('WGSL step: the output must be as wide as the input.');
  if (spec.encoderLayers <= 0 || spec.encoderLayers >= layers) throw new Error('WGSL step: the encoder and decoder each need a layer.');
  if (!Number.isInteger(spec.maxRows) || spec.maxRows <= 0) throw new Error('WGSL step: maxRows must be a positive integer.');
  if (spec.penalty.kind !== 'none' && (spec.penalty.layer < 0 || spec.penalty.layer >= layers)) throw new Error('WGSL step: the penalty reads a layer that does not exist.');
  if (spec.noise.kind !== 'none' && spec.widths[0] % spec.noise.channels !== 0) throw new Error('WGSL step: the input is not whole pixels.');
}
