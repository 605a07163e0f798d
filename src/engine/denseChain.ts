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
import { layOutRows, runSplitStep, type ChainOperands, type RowSplitRunner, type ThreadLayout } from './chainLayout';
import { runChainRows } from './chainRows';
import type { ChainActivation, ChainLoss } from './chainTypes';
import type { KernelModule } from './kernelModule';
import { copyIn, copyOut, type WasmBackendLike } from './wasmHeap';

export { CHAIN_ACTIVATIONS, type ChainActivation, type ChainLoss } from './chainTypes';

export interface ChainLayer {
  /** [inputs, units], float32 on the wasm backend. */
  kernel: tf.Tensor;
  /** [units], or null for a layer without a bias. */
  bias: tf.Tensor | null;
  activation: ChainActivation;
}


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
 * current backend must be tfjs's wasm backend. With `threads` (and no penalty, whose sparsity
 * terms need the whole batch's code at once) the rows are cut into its slices, run on its threads,
 * and their gradients summed: the same sums in another order.
 */
export function denseChainGradients(
  engine: KernelModule,
  layers: readonly ChainLayer[],
  input: tf.Tensor,
  target: tf.Tensor,
  loss: ChainLoss,
  penalty?: OutputPenalty,
  threads?: RowSplitRunner,
): ChainGradients {
  const backend = tf.backend() as unknown as WasmBackendLike;
  const { rows, widths } = checkShapes(layers, input, target);
  const split = threads && !penalty && rows >= threads.slices ? threads : null;
  const kernels = split ? split.kernels : engine;
  kernels.reset();
  const inputAt = copyIn(kernels, backend, input);
  const operands: ChainOperands = {
    widths,
    activations: layers.map((layer) => layer.activation),
    loss,
    rows,
    inputAt,
    // A plain autoencoder's input is its target: one copy serves both (nothing writes to either).
    targetAt: target === input ? inputAt : copyIn(kernels, backend, target),
    kernelsAt: layers.map((layer) => copyIn(kernels, backend, layer.kernel)),
    biasesAt: layers.map((layer) => (layer.bias ? copyIn(kernels, backend, layer.bias) : -1)),
  };

  let lossSum = 0;
  let penaltyValue = 0;
  let result: ThreadLayout;
  if (split) {
    ({ lossSum, gradients: result } = runSplitStep(operands, split));
  } else {
    result = layOutRows(kernels, operands, 0, rows);
    const atLayerOutput = penalty
      ? (layer: number, outputAt: number, deltaAt: number) => {
          if (layer !== penalty.layer) return 0;
          const floats = kernels.floats();
          const count = rows * widths[layer + 1];
          const view = (at: number) => floats.subarray(at / 4, at / 4 + count);
          return penalty.apply(view(outputAt), view(deltaAt), rows, widths[layer + 1]);
        }
      : undefined;
    ({ lossSum, penalty: penaltyValue } = runChainRows(kernels.exports, result.job, atLayerOutput));
  }

  const toTensor = (at: number, shape: number[]): tf.Tensor => {
    const info = backend.makeOutput(shape, 'float32');
    copyOut(kernels, backend, at, info);
    return tf.engine().makeTensorFromTensorInfo(info);
  };
  const outputs = rows * widths[layers.length];
  return {
    reconstruction: lossSum / outputs,
    penalty: penaltyValue,
    kernels: layers.map((layer, index) => toTensor(result.job.layers[index].kernelGradAt, [...layer.kernel.shape])),
    biases: layers.map((layer, index) => (layer.bias ? toTensor(result.job.layers[index].biasGradAt, [...layer.bias.shape]) : null)),
  };
}
