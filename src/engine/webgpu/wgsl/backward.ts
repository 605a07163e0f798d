// The two elementwise parts of a layer's backward pass besides its products: the gradient through
// the activation (from the layer's output, in place), and the bias's gradient, the column sums of
// the gradient at the layer's output (one thread per column, rows summed in order: deterministic).
import { ACTIVATIONS, FLAT_INDEX } from './common';

/** u32 fields count, activation. */
export const ACTIVATION_BACK_WGSL = /* wgsl */ `
struct Dims { count: u32, activation: u32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> output: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradient: array<f32>;

${FLAT_INDEX}
${ACTIVATIONS}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let i = flatIndex(wg, groups, local);
  if (i >= dims.count) { return; }
  gradient[i] = activationBack(gradient[i], output[i], dims.activation);
}
`;

/** u32 fields rows, cols, offset (where the sums go in the gradient buffer). */
export const BIAS_SUMS_WGSL = /* wgsl */ `
struct Dims { rows: u32, cols: u32, offset: u32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> gradient: array<f32>;
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;

${FLAT_INDEX}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let col = flatIndex(wg, groups, local);
  if (col >= dims.cols) { return; }
  var sum = 0.0;
  for (var row = 0u; row < dims.rows; row++) {
    sum = sum + gradient[row * dims.cols + col];
  }
  sums[dims.offset + col] = sum;
}
`;
