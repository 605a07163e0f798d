// The dispatches of one step for one batch size, with their bind groups and uniforms made once:
// the batch cut, each layer's forward product, the loss, then layer by layer backwards the
// penalty (at the code), the activation's gradient, the kernel's and bias's gradients and the
// gradient at the layer's input, then the loss terms, and Adam. A step only encodes these.
import type { GpuBuffers } from './gpuBuffers';
import type { StepPipelines } from './pipelines';
import { layerSlots, WGSL_ACTIVATIONS as ACTIVATION_CODES, type WgslDenseSpec } from './spec';
import type { StepBuffers } from './stepBuffers';
import { elementwiseGrid } from './wgsl/common';
import { NOISE_CODES } from './wgsl/batch';
import { LOSS_CHUNK } from './wgsl/loss';
import { MATMUL_TILE } from './wgsl/matmul';

export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  groups: [number, number];
}

export interface StepPlan {
  rows: number;
  /** From the batch cut to the loss terms: the gradients, no update. */
  gradients: Dispatch[];
  adam: Dispatch;
}

/** A uniform field: an unsigned integer or a float32. */
type Field = { u: number } | { f: number };

/** Bytes between two dispatches' uniforms: WebGPU's default minUniformBufferOffsetAlignment. */
const SLOT = 256;
/** Bytes each dispatch's uniform may use. */
const SLOT_BYTES = 48;

function encodeFields(fields: readonly Field[], into: DataView, at: number): void {
  fields.forEach((field, i) => {
    if ('u' in field) into.setUint32(at + i * 4, field.u, true);
    else into.setFloat32(at + i * 4, field.f, true);
  });
}

export function buildStepPlan(
  device: GPUDevice,
  buffers: GpuBuffers,
  pipelines: StepPipelines,
  gpu: StepBuffers,
  /** The loss ring's terms buffer, one row per step. */
  terms: GPUBuffer,
  spec: WgslDenseSpec,
  rows: number,
): StepPlan & { uniforms: GPUBuffer } {
  const { layers } = layerSlots(spec);
  const uniformFields: Field[][] = [];
  const pending: { label: string; pipeline: GPUComputePipeline; buffers: GPUBuffer[]; withStep: boolean; groups: [number, number]; slot: number }[] = [];
  const add = (label: string, pipeline: GPUComputePipeline, fields: Field[], groups: [number, number], storage: GPUBuffer[], withStep = false): void => {
    uniformFields.push(fields);
    pending.push({ label, pipeline, buffers: storage, withStep, groups, slot: uniformFields.length - 1 });
  };
  const u = (value: number): Field => ({ u: value });
  const f = (value: number): Field => ({ f: value });

  const width = spec.widths[0];
  const noise = spec.noise;
  add('batch', pipelines.batch, [u(rows), u(width), u(NOISE_CODES[noise.kind]), u(noise.kind === 'none' ? 1 : noise.channels), f(noise.kind === 'none' ? 0 : noise.level)],
    elementwiseGrid(rows * width), [gpu.pixels, gpu.scale, gpu.order, gpu.clean, gpu.input], true);

  const inputOf = (layer: number) => (layer === 0 ? gpu.input : gpu.outputs[layer - 1]);
  const tiles = (m: number, n: number): [number, number] => [Math.ceil(n / MATMUL_TILE), Math.ceil(m / MATMUL_TILE)];
  layers.forEach((slots, layer) => {
    const activation = ACTIVATION_CODES[spec.activations[layer]];
    const biasOffset = Math.max(0, slots.biasOffset);
    add(`layer ${layer} forward`, pipelines.forward,
      [u(rows), u(slots.units), u(slots.inputs), u(0), u(slots.kernelOffset), u(0), u(biasOffset), u(activation), u(slots.biasOffset >= 0 ? 1 : 0)],
      tiles(rows, slots.units), [inputOf(layer), gpu.parameters, gpu.parameters, gpu.outputs[layer]]);
  });

  const outputs = rows * width;
  const lossGroups = Math.ceil(outputs / LOSS_CHUNK);
  const loss = spec.loss;
  add('loss', pipelines.loss, [u(outputs), u(loss.kind === 'bce' ? 1 : 0), f(loss.kind === 'bce' ? loss.epsilon : 0), f(loss.kind === 'bce' ? 1 - loss.epsilon : 0), f(1 / outputs)],
    [lossGroups, 1], [gpu.outputs[layers.length - 1], gpu.clean, gpu.deltas[0], gpu.partials]);

  let delta = 0;
  for (let layer = layers.length - 1; layer >= 0; layer--) {
    const slots = layers[layer];
    const here = gpu.deltas[delta];
    const penalty = spec.penalty;
    if (penalty.kind !== 'none' && penalty.layer === layer) {
      const kl = penalty.kind === 'kl';
      add('code penalty', pipelines.penalty, [u(rows), u(slots.units), u(kl ? 2 : 1), f(penalty.weight), f(kl ? penalty.target : 0), f(kl ? penalty.epsilon : 0)],
        [1, 1], [gpu.outputs[layer], here, gpu.penalty]);
    }
    if (spec.activations[layer] !== 'linear') {
      add(`layer ${layer} activation gradient`, pipelines.activationBack, [u(rows * slots.units), u(ACTIVATION_CODES[spec.activations[layer]])],
        elementwiseGrid(rows * slots.units), [gpu.outputs[layer], here]);
    }
    add(`layer ${layer} kernel gradient`, pipelines.kernelGradient,
      [u(slots.inputs), u(slots.units), u(rows), u(0), u(0), u(slots.kernelOffset), u(0), u(0), u(0)],
      tiles(slots.inputs, slots.units), [inputOf(layer), here, here, gpu.gradients]);
    if (slots.biasOffset >= 0) {
      add(`layer ${layer} bias gradient`, pipelines.biasSums, [u(rows), u(slots.units), u(slots.biasOffset)], elementwiseGrid(slots.units), [here, gpu.gradients]);
    }
    if (layer > 0) {
      add(`layer ${layer} input gradient`, pipelines.inputGradient,
        [u(rows), u(slots.inputs), u(slots.units), u(0), u(slots.kernelOffset), u(0), u(0), u(0), u(0)],
        tiles(rows, slots.inputs), [here, gpu.parameters, gpu.parameters, gpu.deltas[1 - delta]]);
      delta = 1 - delta;
    }
  }
  add('loss terms', pipelines.finalize, [u(lossGroups), u(spec.penalty.kind === 'none' ? 0 : 1), f(outputs)], [1, 1], [gpu.partials, gpu.penalty, terms], true);

  const { adam } = spec;
  const parameterCount = layerSlots(spec).total;
  add('adam', pipelines.adam, [u(parameterCount), f(adam.beta1), f(1 - adam.beta1), f(adam.beta2), f(1 - adam.beta2)],
    elementwiseGrid(parameterCount), [gpu.gradients, gpu.parameters, gpu.firstMoments, gpu.secondMoments], true);

  const bytes = new ArrayBuffer(uniformFields.length * SLOT);
  const view = new DataView(bytes);
  uniformFields.forEach((fields, slot) => encodeFields(fields, view, slot * SLOT));
  const uniforms = buffers.make(`uniforms for ${rows} rows`, bytes.byteLength, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  device.queue.writeBuffer(uniforms, 0, bytes);

  const dispatches: Dispatch[] = pending.map((item) => {
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: uniforms, offset: item.slot * SLOT, size: SLOT_BYTES } }];
    if (item.withStep) entries.push({ binding: 1, resource: { buffer: gpu.step } });
    const first = entries.length;
    item.buffers.forEach((buffer, i) => entries.push({ binding: first + i, resource: { buffer } }));
    const bindGroup = device.createBindGroup({ label: item.label, layout: item.pipeline.getBindGroupLayout(0), entries });
    return { label: item.label, pipeline: item.pipeline, bindGroup, groups: item.groups };
  });
  return { rows, gradients: dispatches.slice(0, -1), adam: dispatches[dispatches.length - 1], uniforms };
}
