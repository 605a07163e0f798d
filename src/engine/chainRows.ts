// One slice of the dense chain's step, on operands already laid out in the kernels'
// memory: the forward pass of its rows, the loss's gradient and every layer's gradients from those
// rows alone. The one-thread step (denseChain.ts) runs it over the whole batch; the threaded step
// (threads/chainPool.ts) runs it on each slice of the rows, in whichever worker takes the slice, and
// sums the partial gradients. Plain numbers only, so a job can cross to a worker as a row of floats.
import { ACTIVATION_CODES, type KernelExports } from './kernelModule';
import type { ChainActivation, ChainLoss } from './chainTypes';

/** Where one layer's operands and results sit (byte offsets), for one slice's rows. */
export interface LayerSlots {
  inputs: number;
  units: number;
  activation: number;
  kernelAt: number;
  /** -1 for a layer without a bias. */
  biasAt: number;
  /** The layer's output for these rows (rows x units). */
  outputAt: number;
  /** The loss's gradient at the layer's output, then at its pre-activation (rows x units). */
  deltaAt: number;
  kernelGradAt: number;
  /** -1 for a layer without a bias. */
  biasGradAt: number;
}

/**
 * What a job runs: the whole step (forward, loss, backward), the forward pass and the loss only
 * (an evaluation: no gradients), or the forward pass only (codes: the chain may stop at the
 * bottleneck, and no loss is taken).
 */
export const JOB_TRAIN = 0;
export const JOB_LOSS = 1;
export const JOB_FORWARD = 2;

export interface ChainRowsJob {
  /** JOB_TRAIN, JOB_LOSS or JOB_FORWARD. */
  mode: number;
  rows: number;
  /** 0: BCE clipped at `epsilon`; 1: MSE. */
  lossKind: number;
  epsilon: number;
  /** 1 / (values in the whole batch's output): each slice's share of one mean. */
  lossScale: number;
  inputAt: number;
  targetAt: number;
  /** GEMM packing scratch for the largest product of these rows. */
  scratchAt: number;
  layers: LayerSlots[];
}

/** Called on the way back at each layer's output; returns a penalty's value (0 for none). */
export type AtLayerOutput = (layer: number, outputAt: number, deltaAt: number) => number;

export function lossCode(loss: ChainLoss): { lossKind: number; epsilon: number } {
  return loss.kind === 'bce' ? { lossKind: 0, epsilon: loss.epsilon } : { lossKind: 1, epsilon: 0 };
}

export function activationCode(activation: ChainActivation): number {
  return ACTIVATION_CODES[activation];
}

/** Bytes of GEMM scratch the largest product of `job`'s rows needs. */
export function chainScratchBytes(x: KernelExports, rows: number, widths: readonly number[]): number {
  let bytes = 0;
  for (let index = 0; index + 1 < widths.length; index++) {
    const [inputs, units] = [widths[index], widths[index + 1]];
    bytes = Math.max(bytes, x.gemmScratchBytes(rows, units, inputs), x.gemmScratchBytes(inputs, units, rows), x.gemmScratchBytes(rows, inputs, units));
  }
  return bytes;
}

/**
 * Forward and backward for `job`'s rows; writes every layer's kernel and bias gradient (these
 * rows' share: sums over them, scaled by the whole batch's mean) and returns the loss's sum over
 * these rows, unscaled. A JOB_LOSS job stops after the loss, a JOB_FORWARD job after the forward
 * pass (its loss sum is 0).
 */
export function runChainRows(x: KernelExports, job: ChainRowsJob, atLayerOutput?: AtLayerOutput): { lossSum: number; penalty: number } {
  const { rows, layers, scratchAt } = job;
  const inputOf = (index: number) => (index === 0 ? job.inputAt : layers[index - 1].outputAt);
  for (const [index, layer] of layers.entries()) {
    x.gemm(inputOf(index), layer.kernelAt, layer.outputAt, rows, layer.units, layer.inputs, 0, 0, layer.inputs, layer.units, 0, scratchAt);
    if (layer.biasAt >= 0) x.addBias(layer.outputAt, rows, layer.units, layer.biasAt, layer.units);
    x.activate(layer.outputAt, rows * layer.units, layer.activation, 0);
  }

  if (job.mode === JOB_FORWARD) return { lossSum: 0, penalty: 0 };
  const last = layers[layers.length - 1];
  const outputs = rows * last.units;
  const lossSum =
    job.lossKind === 0
      ? x.bceLossGrad(last.outputAt, job.targetAt, last.deltaAt, outputs, job.epsilon, 1 - job.epsilon, job.lossScale)
      : x.mseLossGrad(last.outputAt, job.targetAt, last.deltaAt, outputs, job.lossScale);
  if (job.mode === JOB_LOSS) return { lossSum, penalty: 0 };

  let penalty = 0;
  for (let index = layers.length - 1; index >= 0; index--) {
    const layer = layers[index];
    if (atLayerOutput) penalty += atLayerOutput(index, layer.outputAt, layer.deltaAt);
    x.activationGrad(layer.deltaAt, layer.outputAt, rows * layer.units, layer.activation, 0);
    // xᵀ·dy: op(A) is inputs x rows, stored rows x inputs.
    x.gemm(inputOf(index), layer.deltaAt, layer.kernelGradAt, layer.inputs, layer.units, rows, 1, 0, layer.inputs, layer.units, 0, scratchAt);
    if (layer.biasGradAt >= 0) x.columnSums(layer.deltaAt, rows, layer.units, layer.biasGradAt);
    // dy·Wᵀ into the layer below's delta: op(B) is units x inputs, stored inputs x units.
    if (index > 0) x.gemm(layer.deltaAt, layer.kernelAt, layers[index - 1].deltaAt, rows, layer.inputs, layer.units, 0, 1, layer.units, layer.units, 0, scratchAt);
  }
  return { lossSum, penalty };
}

/** Numbers per layer in an encoded job. */
const LAYER_FIELDS = 9;
/** Numbers before the layers. */
const HEADER_FIELDS = 9;

/** Floats a job of `layerCount` layers takes when encoded. */
export function encodedJobLength(layerCount: number): number {
  return HEADER_FIELDS + LAYER_FIELDS * layerCount;
}

/** Write `job` as numbers into `out` (a row of a shared Float64Array), for a worker to decode; its mode comes first. */
export function encodeJob(job: ChainRowsJob, out: Float64Array): void {
  out.set([job.mode, job.rows, job.lossKind, job.epsilon, job.lossScale, job.inputAt, job.targetAt, job.scratchAt, job.layers.length]);
  job.layers.forEach((layer, index) => {
    out.set(
      [layer.inputs, layer.units, layer.activation, layer.kernelAt, layer.biasAt, layer.outputAt, layer.deltaAt, layer.kernelGradAt, layer.biasGradAt],
      HEADER_FIELDS + LAYER_FIELDS * index,
    );
  });
}

export function decodeJob(row: Float64Array): ChainRowsJob {
  const layers: LayerSlots[] = [];
  for (let index = 0; index < row[8]; index++) {
    const at = HEADER_FIELDS + LAYER_FIELDS * index;
    layers.push({
      inputs: row[at], units: row[at + 1], activation: row[at + 2], kernelAt: row[at + 3], biasAt: row[at + 4],
      outputAt: row[at + 5], deltaAt: row[at + 6], kernelGradAt: row[at + 7], biasGradAt: row[at + 8],
    });
  }
  return { mode: row[0], rows: row[1], lossKind: row[2], epsilon: row[3], lossScale: row[4], inputAt: row[5], targetAt: row[6], scratchAt: row[7], layers };
}
