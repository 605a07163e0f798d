// Where the dense chain's step puts things in the kernels' memory: the batch and the weights once,
// then for each slice of the rows its own outputs, deltas, packing scratch and one contiguous run
// of gradients, laid out alike for every slice so the runs can be summed as flat arrays.
import { activationCode, chainScratchBytes, JOB_TRAIN, lossCode, runChainRows, type ChainRowsJob, type LayerSlots } from './chainRows';
import type { ChainActivation, ChainLoss } from './chainTypes';
import type { KernelModule } from './kernelModule';

/** The batch and the weights, already in the kernels' memory (byte offsets). */
export interface ChainOperands {
  /** Values per row at each layer boundary: the input's, then each layer's units. */
  widths: number[];
  activations: ChainActivation[];
  loss: ChainLoss;
  /** Rows in the whole batch. */
  rows: number;
  inputAt: number;
  targetAt: number;
  kernelsAt: number[];
  /** -1 for a layer without a bias. */
  biasesAt: number[];
}

/** One slice's job and the run its gradients fill. */
export interface ThreadLayout {
  job: ChainRowsJob;
  /** Byte offset and float count of the slice's gradients, every layer's kernel then bias. */
  gradientsAt: number;
  gradientFloats: number;
}

const alignedFloats = (count: number) => Math.ceil(count / 4) * 4;

/** Where each layer's kernel and bias (-1: none) sit in a run of gradients, in floats from its start. */
export interface RunPiece {
  kernel: number;
  bias: number;
}

/**
 * One run for a slice's gradients: every layer's kernel, then its bias where it has one, each piece
 * 16-byte aligned, at the same place in every slice's run (so runs sum as flat arrays, and weights
 * laid out alike take an update over the whole run at once).
 */
export function gradientRun(widths: readonly number[], hasBias: readonly boolean[]): { pieces: RunPiece[]; floats: number } {
  let floats = 0;
  const pieces = hasBias.map((biased, index) => {
    const kernel = floats;
    floats += alignedFloats(widths[index] * widths[index + 1]);
    const bias = biased ? floats : -1;
    if (biased) floats += alignedFloats(widths[index + 1]);
    return { kernel, bias };
  });
  return { pieces, floats };
}

/** Lay out the job (`mode`: chainRows.ts) of rows [firstRow, firstRow + rows) of the batch in `engine`'s memory. */
export function layOutRows(engine: KernelModule, operands: ChainOperands, firstRow: number, rows: number, mode = JOB_TRAIN): ThreadLayout {
  const { widths } = operands;
  const layerCount = widths.length - 1;
  const { pieces, floats: gradientFloats } = gradientRun(widths, operands.biasesAt.map((at) => at >= 0));
  const gradientsAt = engine.allocFloats(gradientFloats);
  const layers: LayerSlots[] = pieces.map(({ kernel: kernelGrad, bias: biasGrad }, index) => ({
    inputs: widths[index],
    units: widths[index + 1],
    activation: activationCode(operands.activations[index]),
    kernelAt: operands.kernelsAt[index],
    biasAt: operands.biasesAt[index],
    outputAt: engine.allocFloats(rows * widths[index + 1]),
    deltaAt: engine.allocFloats(rows * widths[index + 1]),
    kernelGradAt: gradientsAt + kernelGrad * 4,
    biasGradAt: biasGrad < 0 ? -1 : gradientsAt + biasGrad * 4,
  }));
  const scratchAt = engine.alloc(chainScratchBytes(engine.exports, rows, widths));
  const last = widths[layerCount];
  const job: ChainRowsJob = {
    mode,
    rows,
    ...lossCode(operands.loss),
    lossScale: 1 / (operands.rows * last),
    inputAt: operands.inputAt + firstRow * widths[0] * 4,
    targetAt: operands.targetAt + firstRow * last * 4,
    scratchAt,
    layers,
  };
  return { job, gradientsAt, gradientFloats };
}

/** Rows per slice: as even as can be, the first slices taking one more where they do not divide. */
export function splitRows(rows: number, slices: number): number[] {
  const base = Math.floor(rows / slices);
  return Array.from({ length: slices }, (_, index) => base + (index < rows % slices ? 1 : 0));
}

/** Runs the jobs of a step cut into slices of rows, shared out between threads (threads/chainPool.ts). */
export interface RowSplitRunner {
  /** The kernels on the memory every thread shares: the step is laid out there. */
  readonly kernels: KernelModule;
  /** Slices of rows a step is cut into (a few per thread). */
  readonly slices: number;
  /** Run every job, shared out between the threads, and return each one's loss sum in job order. */
  run(jobs: readonly ChainRowsJob[]): number[];
}

/**
 * The jobs (`mode`: chainRows.ts) for `operands` cut into `runner`'s slices of rows (on this thread
 * alone for fewer rows than slices), run; returns the loss's sum over every row and each slice's
 * layout, in row order (a JOB_FORWARD caller reads each slice's last outputs from it).
 */
export function runSplitRows(operands: ChainOperands, runner: RowSplitRunner, mode: number): { lossSum: number; layouts: ThreadLayout[] } {
  const { kernels } = runner;
  const slices = operands.rows >= runner.slices ? runner.slices : 1;
  let firstRow = 0;
  const layouts = splitRows(operands.rows, slices).map((count) => {
    const layout = layOutRows(kernels, operands, firstRow, count, mode);
    firstRow += count;
    return layout;
  });
  const sums = slices > 1 ? runner.run(layouts.map((layout) => layout.job)) : [runChainRows(kernels.exports, layouts[0].job).lossSum];
  let lossSum = 0;
  for (const sum of sums) lossSum += sum;
  return { lossSum, layouts };
}

/**
 * The step for `operands` cut into `runner`'s slices of rows, the partial gradients summed into
 * the first slice's run in slice order, whichever thread ran each, so a seeded run repeats. Returns
 * the loss's sum and where the gradients are.
 */
export function runSplitStep(operands: ChainOperands, runner: RowSplitRunner): { lossSum: number; gradients: ThreadLayout } {
  const { kernels } = runner;
  const { lossSum, layouts } = runSplitRows(operands, runner, JOB_TRAIN);
  const [first, ...others] = layouts;
  for (const other of others) kernels.exports.accumulate(first.gradientsAt, other.gradientsAt, first.gradientFloats);
  return { lossSum, gradients: first };
}
