// Which models train through the engine's hand-written dense gradients (engine/denseChain.ts), and
// how their tfjs layers and loss terms map onto it. The kinds whose objective is a dense chain's
// reconstruction loss plus at most a penalty on the code: basic, denoising with the dense body (its
// corrupted input is drawn by the model as before) and sparse (both penalties, written out below).
// The variational and contractive kinds keep tfjs autodiff, with the engine's kernels underneath.
import * as tf from '../../lib/tf';
import type { RowSplitRunner } from '../../engine/chainLayout';
import { CHAIN_ACTIVATIONS, denseChainGradients, type ChainActivation, type ChainLayer, type ChainLoss, type OutputPenalty } from '../../engine/denseChain';
import { kernelModuleIfLoaded } from '../../engine/kernelModule';
import { wasmKernelsInstalled } from '../../engine/wasmKernels';
import type { Autoencoder } from '../../model/build';
import { BCE_EPSILON } from '../../model/losses';
import { SPARSITY_EPSILON } from '../../model/regularisers';
import { resolveKindOptions, type AutoencoderSpec } from '../../model/spec';

/** One batch's loss terms as plain numbers and every trainable variable's gradient, in the trainer's order. */
export interface ChainStep {
  terms: Record<string, number>;
  /** Fresh tensors; the caller disposes them. */
  gradients: tf.Tensor[];
}

export interface DenseChainPlan {
  /** Whether the hand-written path can run now: the wasm backend with the engine loaded and installed. */
  ready(): boolean;
  /** Whether the step can be split by rows between threads: not with a penalty on the whole batch's code. */
  readonly splitsByRows: boolean;
  /** The chain's layers (encoder's, then decoder's) in the trainer's variables. */
  readonly layers: readonly MappedLayer[];
  readonly loss: ChainLoss;
  /**
   * The step's terms and gradients for `input` (what the encoder sees) against the clean `target`,
   * on `threads` where given and the step splits by rows.
   */
  gradients(input: tf.Tensor, target: tf.Tensor, threads?: RowSplitRunner): ChainStep;
}

export interface MappedLayer {
  layer: tf.layers.Layer;
  activation: ChainActivation;
  kernelIndex: number;
  biasIndex: number | null;
}

/** Dense layers of a model whose other layers only reshape (Flatten, Reshape), or null. */
export function denseLayers(model: tf.LayersModel, variables: readonly tf.Variable[]): MappedLayer[] | null {
  const mapped: MappedLayer[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'Flatten' || kind === 'Reshape') continue;
    if (kind !== 'Dense') return null;
    const config = layer.getConfig();
    const activation = config.activation as string;
    const plain = config.kernelRegularizer == null && config.biasRegularizer == null && config.activityRegularizer == null
      && config.kernelConstraint == null && config.biasConstraint == null;
    if (!plain || !(CHAIN_ACTIVATIONS as readonly string[]).includes(activation)) return null;
    const weights = layer.trainableWeights.map((weight) => variables.indexOf(weight.read() as tf.Variable));
    if (weights.some((index) => index < 0) || weights.length !== (config.useBias ? 2 : 1)) return null;
    mapped.push({ layer, activation: activation as ChainActivation, kernelIndex: weights[0], biasIndex: config.useBias ? weights[1] : null });
  }
  return mapped;
}

/** The sparse kind's penalty on the code, as autodiff of regularisers.ts's l1Sparsity / klSparsity would give it. */
function sparsityPenalty(spec: AutoencoderSpec, codeLayer: number): OutputPenalty {
  const { sparsityType, sparsityWeight: weight, sparsityTarget: target } = resolveKindOptions(spec);
  if (sparsityType === 'l1') {
    return {
      layer: codeLayer,
      apply(code, gradient) {
        // weight * mean |h|; d|h|/dh is tfjs's step(h, -1): 1 above zero, -1 at or below.
        const scale = weight / code.length;
        let sum = 0;
        for (let i = 0; i < code.length; i++) {
          sum += Math.abs(code[i]);
          gradient[i] += code[i] > 0 ? scale : -scale;
        }
        return (weight * sum) / code.length;
      },
    };
  }
  return {
    layer: codeLayer,
    apply(code, gradient, rows, cols) {
      // weight * sum_j KL(rho || rate_j), rate_j the unit's batch mean, clipped (no gradient where clipped).
      let value = 0;
      for (let j = 0; j < cols; j++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += code[r * cols + j];
        const mean = Math.fround(sum / rows);
        const rate = Math.min(Math.max(mean, SPARSITY_EPSILON), 1 - SPARSITY_EPSILON);
        value += target * Math.log(target / rate) + (1 - target) * Math.log((1 - target) / (1 - rate));
        if (mean < SPARSITY_EPSILON || mean > 1 - SPARSITY_EPSILON) continue;
        const slope = (weight * ((1 - target) / (1 - rate) - target / rate)) / rows;
        for (let r = 0; r < rows; r++) gradient[r * cols + j] += slope;
      }
      return weight * value;
    },
  };
}

/**
 * The plan for `model` with its trainable `variables` (the trainer's order), or null where the
 * model is not a dense chain this path covers: then the trainer differentiates with tfjs.
 */
/** The dense layers of a model the hand-written steps cover, and the variables they use in layer order. */
export interface DenseChainLayers {
  encoder: MappedLayer[];
  decoder: MappedLayer[];
  /** Encoder then decoder layers, first layer first. */
  mapped: MappedLayer[];
  /** Each layer's kernel then bias index into the trainer's variables, first layer first. */
  used: number[];
}

/**
 * The layers of `model` where it is a dense chain the hand-written steps (the wasm engine's and the
 * WGSL one) cover: basic, denoising with the dense body, sparse. Null for any other model.
 */
export function coveredDenseChain(model: Autoencoder, variables: readonly tf.Variable[]): DenseChainLayers | null {
  const { spec } = model;
  const options = resolveKindOptions(spec);
  const covered = spec.kind === 'basic' || spec.kind === 'sparse' || (spec.kind === 'denoising' && options.body === 'dense');
  if (!covered) return null;
  const encoder = denseLayers(model.encoder, variables);
  const decoder = denseLayers(model.decoder, variables);
  if (!encoder || !decoder || encoder.length === 0 || decoder.length === 0) return null;
  const mapped = [...encoder, ...decoder];
  const used = mapped.flatMap((layer) => (layer.biasIndex === null ? [layer.kernelIndex] : [layer.kernelIndex, layer.biasIndex]));
  return { encoder, decoder, mapped, used };
}

export function planDenseChain(model: Autoencoder, variables: readonly tf.Variable[]): DenseChainPlan | null {
  const { spec } = model;
  const chain = coveredDenseChain(model, variables);
  if (!chain) return null;
  const { encoder, mapped, used } = chain;
  if (new Set(used).size !== variables.length || used.length !== variables.length) return null;

  const loss: ChainLoss = spec.loss === 'bce' ? { kind: 'bce', epsilon: BCE_EPSILON } : { kind: 'mse' };
  const penalty = spec.kind === 'sparse' ? sparsityPenalty(spec, encoder.length - 1) : undefined;
  const termNames = model.termNames;
  return {
    ready: () => tf.getBackend() === 'wasm' && wasmKernelsInstalled() && kernelModuleIfLoaded() !== null,
    splitsByRows: penalty === undefined,
    layers: mapped,
    loss,
    gradients(input, target, threads) {
      const engine = kernelModuleIfLoaded();
      if (!engine) throw new Error('The engine is not loaded.');
      const layers: ChainLayer[] = mapped.map((layer) => ({
        kernel: variables[layer.kernelIndex],
        bias: layer.biasIndex === null ? null : variables[layer.biasIndex],
        activation: layer.activation,
      }));
      const result = denseChainGradients(engine, layers, input, target, loss, penalty, threads);
      const gradients: tf.Tensor[] = new Array(variables.length);
      mapped.forEach((layer, i) => {
        gradients[layer.kernelIndex] = result.kernels[i];
        const bias = result.biases[i];
        if (layer.biasIndex !== null && bias) gradients[layer.biasIndex] = bias;
      });
      const total = Math.fround(result.reconstruction + result.penalty);
      const values: Record<string, number> = { reconstruction: Math.fround(result.reconstruction), total };
      if (penalty) values.sparsity = Math.fround(result.penalty);
      return { terms: Object.fromEntries(termNames.map((name) => [name, values[name]])), gradients };
    },
  };
}
