// Whether a device can run the step for a model and dataset: the limits its buffers and shaders
// need. A reason in words when it cannot, for the notice that tells the user why another engine
// trains instead.
import { layerSlots, type WgslDenseSpec } from './spec';

/** The limits the step reads; a GPUSupportedLimits satisfies it. */
export interface StepLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxStorageBuffersPerShaderStage: number;
}

/** Bytes of the largest storage buffer the step makes for `spec` and `count` images. */
export function largestBuffer(spec: WgslDenseSpec, count: number): number {
  const widest = Math.max(...spec.widths);
  return Math.max(count * spec.widths[0], count * 4, spec.maxRows * widest * 4, layerSlots(spec).total * 4);
}

/** Null when the step fits, else why it does not. */
export function unmetRequirement(limits: StepLimits, spec: WgslDenseSpec, count: number): string | null {
  const needed: [keyof StepLimits, number][] = [
    ['maxComputeInvocationsPerWorkgroup', 256],
    ['maxComputeWorkgroupStorageSize', 4096],
    ['maxStorageBuffersPerShaderStage', 6],
    ['maxStorageBufferBindingSize', largestBuffer(spec, count)],
    ['maxBufferSize', largestBuffer(spec, count)],
  ];
  for (const [name, value] of needed) {
    if (limits[name] < value) return `the GPU's ${name} is ${limits[name]}, the WGSL step needs ${value}`;
  }
  return null;
}
