// Where each of the model's variables sits in the WGSL step's one flat parameter buffer, and
// per-variable arrays (weight snapshots, Adam's moments) moved in and out of that layout. The
// layout is the variables' own order (each layer's kernel, then its bias, first layer first), so
// a network's variables, like its snapshot, are one contiguous run.
import { layerSlots, type WgslDenseSpec } from '../../engine/webgpu/spec';
import type { WeightSnapshot } from '../../model/weights';

/** One variable's place in the flat buffer, in floats. */
export interface VariableRun {
  at: number;
  count: number;
  shape: number[];
}

/** The runs of every trainable variable, in the trainer's variable order. */
export function variableRuns(spec: WgslDenseSpec): VariableRun[] {
  const runs: VariableRun[] = [];
  for (const slots of layerSlots(spec).layers) {
    runs.push({ at: slots.kernelOffset, count: slots.inputs * slots.units, shape: [slots.inputs, slots.units] });
    if (slots.biasOffset >= 0) runs.push({ at: slots.biasOffset, count: slots.units, shape: [slots.units] });
  }
  return runs;
}

/** `values`, one array per run, back to back. The caller has checked that each fits its run. */
export function joinRuns(values: readonly Float32Array[], runs: readonly VariableRun[]): Float32Array<ArrayBuffer> {
  const start = runs[0]?.at ?? 0;
  const last = runs[runs.length - 1];
  const flat = new Float32Array(last ? last.at + last.count - start : 0);
  runs.forEach((run, i) => flat.set(values[i], run.at - start));
  return flat;
}

/** The runs' values cut out of `flat`, which starts at float `start` of the layout. */
export function splitRuns(flat: Float32Array, runs: readonly VariableRun[], start = 0): WeightSnapshot {
  return {
    shapes: runs.map((run) => [...run.shape]),
    values: runs.map((run) => flat.slice(run.at - start, run.at - start + run.count)),
  };
}
