// The GPU buffers of one model's step: the dataset (uploaded once), the batch, every layer's
// output, two gradient buffers used in turn on the way back, and the flat parameter, gradient and
// moment buffers that Adam walks.
import type { GpuBuffers } from './gpuBuffers';
import { layerSlots, type WgslDenseSpec } from './spec';
import { LOSS_CHUNK } from './wgsl/loss';
import { STEP_UNIFORM_BYTES } from './wgsl/step';

export interface StepBuffers {
  /** The dataset's bytes, four to a word. */
  pixels: GPUBuffer;
  /** byte / 255 as float32, for each byte value. */
  scale: GPUBuffer;
  /** Dataset indices in the order batches are cut (an epoch's order, or a batch's indices). */
  order: GPUBuffer;
  /** The batch's clean images: the loss's target. */
  clean: GPUBuffer;
  /** What the encoder sees: the clean images, or their noisy copy. */
  input: GPUBuffer;
  /** Each layer's output, kept for the backward pass. */
  outputs: GPUBuffer[];
  /** The gradient at a layer's output, and at its input, swapping roles layer by layer. */
  deltas: [GPUBuffer, GPUBuffer];
  parameters: GPUBuffer;
  gradients: GPUBuffer;
  firstMoments: GPUBuffer;
  secondMoments: GPUBuffer;
  /** Per-workgroup sums of the loss. */
  partials: GPUBuffer;
  /** The penalty's value. */
  penalty: GPUBuffer;
  step: GPUBuffer;
}

/** Exact float32 values of byte / 255 (JS divides in double, then rounds once, as the CPU path does). */
function scaleTable(): Float32Array<ArrayBuffer> {
  return Float32Array.from({ length: 256 }, (_, byte) => byte / 255);
}

export function makeStepBuffers(buffers: GpuBuffers, spec: WgslDenseSpec, pixels: Uint8Array<ArrayBuffer>, count: number): StepBuffers {
  if (pixels.length !== count * spec.widths[0]) throw new Error(`WGSL step: ${pixels.length} bytes are not ${count} images of ${spec.widths[0]} values.`);
  const rows = spec.maxRows;
  // Read at the usage flags here, not at import: a browser without WebGPU has no GPUBufferUsage.
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const floats = (label: string, length: number) => buffers.make(label, length * 4, usage);
  const parameterCount = layerSlots(spec).total;
  const widest = Math.max(...spec.widths);
  return {
    pixels: buffers.withData('dataset', pixels, GPUBufferUsage.STORAGE),
    scale: buffers.withData('byte scale', scaleTable(), GPUBufferUsage.STORAGE),
    order: buffers.make('batch order', Math.max(count, rows) * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
    clean: floats('clean batch', rows * spec.widths[0]),
    input: floats('encoder input', rows * spec.widths[0]),
    outputs: spec.widths.slice(1).map((width, layer) => floats(`layer ${layer} output`, rows * width)),
    deltas: [floats('gradient A', rows * widest), floats('gradient B', rows * widest)],
    parameters: floats('parameters', parameterCount),
    gradients: floats('gradients', parameterCount),
    firstMoments: floats('first moments', parameterCount),
    secondMoments: floats('second moments', parameterCount),
    partials: floats('loss partial sums', Math.ceil((rows * spec.widths[0]) / LOSS_CHUNK)),
    penalty: floats('penalty', 4),
    step: buffers.make('step uniform', STEP_UNIFORM_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
  };
}
