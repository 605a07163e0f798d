// Adam over the one flat parameter buffer, one thread per parameter, with the float32 operations
// of train/engines/adamUpdate.ts's tensor version in its order:
// m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g²; w -= (m · stepSize) / (√v + ε), where stepSize
// and ε already carry the bias corrections (written per step into the step uniform).
import { FLAT_INDEX } from './common';
import { STEP_WGSL } from './step';

/** u32 count, then f32 beta1, 1 - beta1, beta2, 1 - beta2. */
export const ADAM_WGSL = /* wgsl */ `
${STEP_WGSL}
struct Dims { count: u32, beta1: f32, restBeta1: f32, beta2: f32, restBeta2: f32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<uniform> current: Step;
@group(0) @binding(2) var<storage, read> gradient: array<f32>;
@group(0) @binding(3) var<storage, read_write> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> first: array<f32>;
@group(0) @binding(5) var<storage, read_write> second: array<f32>;

${FLAT_INDEX}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let i = flatIndex(wg, groups, local);
  if (i >= dims.count) { return; }
  let g = gradient[i];
  let m = first[i] * dims.beta1 + g * dims.restBeta1;
  let v = second[i] * dims.beta2 + (g * g) * dims.restBeta2;
  first[i] = m;
  second[i] = v;
  weights[i] = weights[i] - (m * current.stepSize) / (sqrt(v) + current.epsilon);
}
`;
