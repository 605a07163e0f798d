// WGSL scratch by several of the step's shaders: the flat index of an elementwise thread, the
// activations and their gradients, and the seeded random stream of the input noise.

/** Threads per workgroup of every elementwise and reduction shader. */
export const WORKGROUP = 256;

/**
 * The index of an elementwise thread when the dispatch is spread over x and y (x is capped at
 * 65,535 workgroups; see `elementwiseGrid`).
 */
export const FLAT_INDEX = /* wgsl */ `
fn flatIndex(wg: vec3u, groups: vec3u, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * ${WORKGROUP}u + local;
}
`;

/**
 * The activations with the wasm engine's codes. tanh is written out from exp of a non-positive
 * argument: some implementations of the builtin overflow to NaN for large |x|.
 */
export const ACTIVATIONS = /* wgsl */ `
fn activate(x: f32, code: u32) -> f32 {
  switch code {
    case 1u: { return max(x, 0.0); }
    case 3u: { return 1.0 / (1.0 + exp(-x)); }
    case 4u: { if (x >= 0.0) { return x; } return exp(x) - 1.0; }
    case 6u: { let e = exp(-2.0 * abs(x)); return sign(x) * (1.0 - e) / (1.0 + e); }
    default: { return x; }
  }
}

// The gradient through an activation from its output y, as the wasm engine's activationGrad has it.
fn activationBack(dy: f32, y: f32, code: u32) -> f32 {
  switch code {
    case 1u: { return select(0.0, dy, y > 0.0); }
    case 3u: { return dy * (y * (1.0 - y)); }
    case 4u: { return select(dy, dy * (y + 1.0), y < 0.0); }
    case 6u: { return dy * (1.0 - y * y); }
    default: { return dy; }
  }
}
`;

/**
 * A counter-based stream: value `index` of the draw `seed` is a hash of the two, so every thread
 * draws its own value with no state, and the same seed gives the same noise on any device. The
 * hash is PCG's output permutation (O'Neill), applied twice.
 */
export const RANDOM = /* wgsl */ `
fn pcgHash(value: u32) -> u32 {
  let state = value * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

// Uniform in [0, 1), 24 bits.
fn uniformAt(seed: u32, index: u32) -> f32 {
  return f32(pcgHash(pcgHash(index) ^ seed) >> 8u) * (1.0 / 16777216.0);
}

// Standard normal by Box-Muller from two uniforms; 1 - u keeps the log's argument in (0, 1].
fn normalAt(seed: u32, index: u32) -> f32 {
  let radius = sqrt(-2.0 * log(1.0 - uniformAt(seed, 2u * index)));
  return radius * cos(6.283185307 * uniformAt(seed, 2u * index + 1u));
}
`;

/** Workgroups for `count` elementwise threads, spread over x and y. */
export function elementwiseGrid(count: number): [number, number] {
  const groups = Math.max(1, Math.ceil(count / WORKGROUP));
  const x = Math.min(groups, 65535);
  return [x, Math.ceil(groups / x)];
}
