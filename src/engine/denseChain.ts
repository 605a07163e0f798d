// A chain of dense layers and its reconstruction loss, differentiated by hand in the engine's
// memory: the forward pass, the loss and every layer's kernel and bias gradient in one pass of a
// few dozen engine calls, with no tfjs op in between.
//
// Why: with the engine's GEMM, a default training step on wasm spent about 5 of its 14.4 ms in the
// products and most of the rest in tfjs itself: ~160 kernel calls, each with the engine's
// bookkeeping and tape, and the loss's elementwise kernels (clip and its gradient's four masks, two
// logs, reductions). Here the same arithmetic is the products plus one pass per layer and one for
// the loss. The values are autodiff's within float32 rounding (only summation orders differ);
// tests/unit/denseChain.test.ts holds the two to a relative error under 1e-4.
import * as tf from '../lib/tf';
import { ACTIVATION_CODES, type KernelModule } from './kernelModule';
import { copyIn, copyOut, type WasmBackendLike } from './wasmHeap';

/** Activations the chain differentiates: every one a dense layer of this app uses. */
export const CHAIN_ACTIVATIONS = ['linear', 'relu', 'elu', 'tanh', 'sigmoid'] as const;
export type ChainActivation = (typeof CHAIN_ACTIVATIONS)[number];

export interface ChainLayer {
  /** [inputs, units], float32 on the wasm backend. */
  kernel: tf.Tensor;
  /** [units], or null for a layer without a bias. */
  bias: tf.Tensor | null;
  activation: ChainActivation;
}

/** The reconstruction loss, a mean over every value; BCE clips predictions to [epsilon, 1 - epsilon]. */
export type ChainLoss = { kind: 'mse' } | { kind: 'bce'; epsilon: number };

/**
 * A gradient added at one layer's output on the way back, for a penalty on that output (the code
 * of a sparse autoencoder). Reads the output, adds d(penalty)/d(output) into `gradient` and returns
 * the penalty's value.
 */
export interface OutputPenalty {
  /** Index of the layer whose output the penalty reads. */
  layer: number;
  apply(output: Float32Array, gradient: Float32Array, rows: number, cols: number): number;
}

export interface ChainGradients {
  /** The mean reconstruction loss of the batch, before any update. */
  reconstruction: number;
  /** The penalty's value (0 without one). */
  penalty: number;
  /** Gradient of reconstruction + penalty for each layer's kernel, then its bias (null without one). */
  kernels: tf.Tensor[];
  biases: (tf.Tensor | null)[];
}

function checkShapes(layers: readonly ChainLayer[], input: tf.Tensor, target: tf.Tensor): { rows: number; widths: number[] } {
  if (layers.length === 0) throw new Error('dense chain: no layers');
  const rows = input.shape[0];
  const widths = [input.size / rows];
  for (const [index, layer] of layers.entries()) {
    const [inputs, units] = layer.kernel.shape;
    if (layer.kernel.rank !== 2 || inputs !== widths[index]) {
      throw new Error(`dense chain: layer ${index}'s kernel is [${layer.kernel.shape.join(', ')}], its input has ${widths[index]} values`);
    }
    if (layer.bias && layer.bias.size !== units) throw new Error(`dense chain: layer ${index}'s bias has ${layer.bias.size} values, not ${units}`);
    widths.push(units);
  }
  if (target.size !== rows * widths[widths.length - 1]) {
    throw new Error(`dense chain: the target has ${target.size} values, the output ${rows * widths[widths.length - 1]}`);
  }
  for (const tensor of [input, target, ...layers.flatMap((layer) => (layer.bias ? [layer.kernel, layer.bias] : [layer.kernel]))]) {
    if (tensor.dtype !== 'float32') throw new Error('dense chain: every tensor must be float32');
  }
  return { rows, widths };
}

/**
 * Loss of `target` against the chain's output for `input` (both [rows, ...], one image per row),
 * and its gradient for every kernel and bias, as fresh wasm tensors the caller disposes. The
 * current backend must be tfjs's wasm backend.
 */
export function denseChainGradients(
  engine: KernelModule,
  layers: readonly ChainLayer[],
  input: tf.Tensor,
  target: tf.Tensor,
  loss: ChainLoss,
  penalty?: OutputPenalty,
): ChainGradients {
  const backend = tf.backend() as unknown as WasmBackendLike;
  const { rows, widths } = checkShapes(layers, input, target);
  const x = engine.exports;
  engine.reset();
  const inputAt = copyIn(engine, backend, input);
  const targetAt = copyIn(engine, backend, target);
  const kernelsAt = layers.map((layer) => copyIn(engine, backend, layer.kernel));
  const biasesAt = layers.map((layer) => (layer.bias ? copyIn(engine, backend, layer.bias) : -1));

  // Forward: every layer's output is kept for the backward pass (activation gradients read it).
  const outputsAt = [inputAt];
  for (const [index, layer] of layers.entries()) {
    const [inputs, units] = [widths[index], widths[index + 1]];
    const out = engine.allocFloats(rows * units);
    product(engine, outputsAt[index], kernelsAt[index], out, rows, units, inputs, false, false);
    if (layer.bias) x.addBias(out, rows, units, biasesAt[index], units);
    x.activate(out, rows * units, ACTIVATION_CODES[layer.activation], 0);
    outputsAt.push(out);
  }

  // The loss and its gradient at the output.
  const outputs = rows * widths[layers.length];
  let gradientAt = engine.allocFloats(outputs);
  const last = outputsAt[layers.length];
  const sum =
    loss.kind === 'bce'
      ? x.bceLossGrad(last, targetAt, gradientAt, outputs, loss.epsilon, 1 - loss.epsilon, 1 / outputs)
      : x.mseLossGrad(last, targetAt, gradientAt, outputs, 1 / outputs);

  // Backward, last layer first.
  let penaltyValue = 0;
  const kernelGradsAt: number[] = [];
  const biasGradsAt: number[] = [];
  for (let index = layers.length - 1; index >= 0; index--) {
    const [inputs, units] = [widths[index], widths[index + 1]];
    const layer = layers[index];
    if (penalty?.layer === index) {
      const floats = engine.floats();
      const view = (at: number) => floats.subarray(at / 4, at / 4 + rows * units);
      penaltyValue = penalty.apply(view(outputsAt[index + 1]), view(gradientAt), rows, units);
    }
    x.activationGrad(gradientAt, outputsAt[index + 1], rows * units, ACTIVATION_CODES[layer.activation], 0);
    kernelGradsAt[index] = engine.allocFloats(inputs * units);
    product(engine, outputsAt[index], gradientAt, kernelGradsAt[index], inputs, units, rows, true, false);
    if (layer.bias) {
      biasGradsAt[index] = engine.allocFloats(units);
      x.columnSums(gradientAt, rows, units, biasGradsAt[index]);
    }
    if (index > 0) {
      const previous = engine.allocFloats(rows * inputs);
      product(engine, gradientAt, kernelsAt[index], previous, rows, inputs, units, false, true);
      gradientAt = previous;
    }
  }

  const toTensor = (at: number, shape: number[]): tf.Tensor => {
    const info = backend.makeOutput(shape, 'float32');
    copyOut(engine, backend, at, info);
    return tf.engine().makeTensorFromTensorInfo(info);
  };
  return {
    reconstruction: sum / outputs,
    penalty: penaltyValue,
    kernels: layers.map((layer, index) => toTensor(kernelGradsAt[index], [...layer.kernel.shape])),
    biases: layers.map((layer, index) => (layer.bias ? toTensor(biasGradsAt[index], [...layer.bias.shape]) : null)),
  };
}

/** C = op(A) . op(B) with the GEMM's packing scratch given back at once. */
function product(engine: KernelModule, a: number, b: number, c: number, m: number, n: number, k: number, transA: boolean, transB: boolean): void {
  const mark = engine.allocFloats(0);
  engine.gemmAt(a, b, c, m, n, k, transA, transB);
  engine.rewind(mark);
}
