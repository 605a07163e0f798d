// The loss and its gradient at the decoder's output, the penalty on the code, and the step's loss
// terms. Sums are reduced in a fixed order (per workgroup, then the workgroups' partial sums by
// one workgroup), so a seeded run gives the same loss bit for bit.
import { WORKGROUP } from './common';
import { STEP_WGSL } from './step';

/** Values one workgroup of the loss shader covers: 8 per thread. */
export const LOSS_CHUNK = WORKGROUP * 8;

// Tree reduction of `scratch` (one value per thread) into scratch[0].
const REDUCE = /* wgsl */ `
var<workgroup> scratch: array<f32, ${WORKGROUP}>;
fn reduceShared(local: u32) {
  for (var width = ${WORKGROUP / 2}u; width > 0u; width = width / 2u) {
    workgroupBarrier();
    if (local < width) { scratch[local] = scratch[local] + scratch[local + width]; }
  }
  workgroupBarrier();
}
`;

/**
 * u32 count, kind (0 MSE, 1 BCE), then f32 lo, hi (BCE's clip), scale (1 / count). Writes the
 * gradient of the mean loss for each output and each workgroup's sum of the per-value losses:
 * BCE as losses.ts clips it (no gradient where clipped, as clipByValue's), MSE as (p - t)².
 */
export const LOSS_WGSL = /* wgsl */ `
struct Dims { count: u32, kind: u32, lo: f32, hi: f32, scale: f32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> output: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read_write> gradient: array<f32>;
@group(0) @binding(4) var<storage, read_write> partials: array<f32>;
${REDUCE}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) local: u32) {
  var sum = 0.0;
  for (var j = 0u; j < ${LOSS_CHUNK / WORKGROUP}u; j++) {
    let i = wg.x * ${LOSS_CHUNK}u + j * ${WORKGROUP}u + local;
    if (i >= dims.count) { break; }
    let p = output[i];
    let t = targets[i];
    if (dims.kind == 1u) {
      let clipped = clamp(p, dims.lo, dims.hi);
      let inside = p >= dims.lo && p <= dims.hi;
      sum = sum - (t * log(clipped) + (1.0 - t) * log(1.0 - clipped));
      gradient[i] = select(0.0, dims.scale * ((1.0 - t) / (1.0 - clipped) - t / clipped), inside);
    } else {
      let difference = p - t;
      sum = sum + difference * difference;
      gradient[i] = dims.scale * 2.0 * difference;
    }
  }
  scratch[local] = sum;
  reduceShared(local);
  if (local == 0u) { partials[wg.x] = scratch[0]; }
}
`;

/**
 * The sparse kind's penalty on a layer's output, in one workgroup (the code is small): adds its
 * gradient into the gradient at that output and writes its value. u32 rows, cols, kind (1 L1,
 * 2 KL), then f32 weight, target, epsilon. As train/engines/denseChainPlan.ts writes them out:
 * L1: weight · mean |h|, gradient ± weight / count (tfjs's sign step: -1 at zero);
 * KL: weight · Σ_j KL(target ‖ clip(mean_j)), no gradient for a unit whose mean was clipped.
 */
export const PENALTY_WGSL = /* wgsl */ `
struct Dims { rows: u32, cols: u32, kind: u32, weight: f32, goal: f32, epsilon: f32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> code: array<f32>;
@group(0) @binding(2) var<storage, read_write> gradient: array<f32>;
@group(0) @binding(3) var<storage, read_write> value: array<f32>;
${REDUCE}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_index) local: u32) {
  var sum = 0.0;
  let count = dims.rows * dims.cols;
  if (dims.kind == 1u) {
    let scale = dims.weight / f32(count);
    for (var i = local; i < count; i += ${WORKGROUP}u) {
      let h = code[i];
      sum = sum + abs(h);
      gradient[i] = gradient[i] + select(-scale, scale, h > 0.0);
    }
  } else {
    let rho = dims.goal;
    for (var j = local; j < dims.cols; j += ${WORKGROUP}u) {
      var total = 0.0;
      for (var r = 0u; r < dims.rows; r++) { total = total + code[r * dims.cols + j]; }
      let mean = total / f32(dims.rows);
      let rate = clamp(mean, dims.epsilon, 1.0 - dims.epsilon);
      sum = sum + rho * log(rho / rate) + (1.0 - rho) * log((1.0 - rho) / (1.0 - rate));
      if (mean >= dims.epsilon && mean <= 1.0 - dims.epsilon) {
        let slope = dims.weight * ((1.0 - rho) / (1.0 - rate) - rho / rate) / f32(dims.rows);
        for (var r = 0u; r < dims.rows; r++) { gradient[r * dims.cols + j] = gradient[r * dims.cols + j] + slope; }
      }
    }
  }
  scratch[local] = sum;
  reduceShared(local);
  if (local == 0u) {
    if (dims.kind == 1u) { value[0] = dims.weight * scratch[0] / f32(count); } else { value[0] = dims.weight * scratch[0]; }
  }
}
`;

/** Floats per step in the loss terms: reconstruction, penalty, total, and one unused. */
export const TERMS_PER_STEP = 4;

/**
 * Sums the loss shader's partial sums and writes the step's terms into its row. u32 partials,
 * usePenalty, then f32 count (values the loss averages over).
 */
export const FINALIZE_WGSL = /* wgsl */ `
${STEP_WGSL}
struct Dims { partials: u32, usePenalty: u32, count: f32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<uniform> current: Step;
@group(0) @binding(2) var<storage, read> partials: array<f32>;
@group(0) @binding(3) var<storage, read> penalty: array<f32>;
@group(0) @binding(4) var<storage, read_write> terms: array<f32>;
${REDUCE}

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(local_invocation_index) local: u32) {
  var sum = 0.0;
  for (var i = local; i < dims.partials; i += ${WORKGROUP}u) { sum = sum + partials[i]; }
  scratch[local] = sum;
  reduceShared(local);
  if (local == 0u) {
    let reconstruction = scratch[0] / dims.count;
    let extra = select(0.0, penalty[0], dims.usePenalty != 0u);
    let row = current.termsRow * ${TERMS_PER_STEP}u;
    terms[row] = reconstruction;
    terms[row + 1u] = extra;
    terms[row + 2u] = reconstruction + extra;
    terms[row + 3u] = 0.0;
  }
}
`;
