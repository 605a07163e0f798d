// C = op(A) . op(B) for the dense layers, one shader with the transposes as pipeline constants:
// the forward product with its bias and activation fused in (X . W), and the two backward
// products, Xᵀ . dY for the kernel's gradient and dY . Wᵀ for the gradient at the layer's input.
// Operands are read at offsets into flat buffers, so kernels and their gradients live in the one
// parameter buffer and the one gradient buffer that Adam walks.
//
// Tiles of 32 x 32 outputs, 8 x 8 threads each holding a 4 x 4 block, depth steps of 16 staged in
// workgroup memory: each value loaded from the buffers is used 32 times.
import { ACTIVATIONS } from './common';

export const MATMUL_TILE = 32;

/** The uniform's fields, in order (u32 each). */
export const MATMUL_FIELDS = ['m', 'n', 'k', 'aOffset', 'bOffset', 'cOffset', 'biasOffset', 'activation', 'useBias'] as const;

export const MATMUL_WGSL = /* wgsl */ `
override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;

struct Dims {
  m: u32, n: u32, k: u32,
  aOffset: u32, bOffset: u32, cOffset: u32, biasOffset: u32,
  activation: u32, useBias: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;

const TILE: u32 = ${MATMUL_TILE}u;
const DEPTH: u32 = 16u;
var<workgroup> tileA: array<array<f32, TILE>, DEPTH>;
var<workgroup> tileB: array<array<f32, TILE>, DEPTH>;

${ACTIVATIONS}

// op(A)[row, inner]: A is stored [m, k], or [k, m] when transposed.
fn readA(row: u32, inner: u32) -> f32 {
  if (row >= dims.m || inner >= dims.k) { return 0.0; }
  if (TRANSPOSE_A) { return a[dims.aOffset + inner * dims.m + row]; }
  return a[dims.aOffset + row * dims.k + inner];
}

// op(B)[inner, col]: B is stored [k, n], or [n, k] when transposed.
fn readB(inner: u32, col: u32) -> f32 {
  if (inner >= dims.k || col >= dims.n) { return 0.0; }
  if (TRANSPOSE_B) { return b[dims.bOffset + col * dims.k + inner]; }
  return b[dims.bOffset + inner * dims.n + col];
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) local: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = wg.y * TILE;
  let colBase = wg.x * TILE;
  var sums: array<array<f32, 4>, 4>;
  for (var depth = 0u; depth < dims.k; depth += DEPTH) {
    // 64 threads stage 16 x 32 values of each operand, 8 apiece.
    for (var i = 0u; i < 8u; i++) {
      let e = thread + i * 64u;
      let inner = e / TILE;
      let across = e % TILE;
      tileA[inner][across] = readA(rowBase + across, depth + inner);
      tileB[inner][across] = readB(depth + inner, colBase + across);
    }
    workgroupBarrier();
    for (var inner = 0u; inner < DEPTH; inner++) {
      var left: array<f32, 4>;
      var right: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        left[i] = tileA[inner][local.y * 4u + i];
        right[i] = tileB[inner][local.x * 4u + i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          sums[i][j] = sums[i][j] + left[i] * right[j];
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = rowBase + local.y * 4u + i;
    if (row >= dims.m) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let col = colBase + local.x * 4u + j;
      if (col >= dims.n) { continue; }
      var value = sums[i][j];
      if (dims.useBias != 0u) { value = value + bias[dims.biasOffset + col]; }
      c[dims.cOffset + row * dims.n + col] = activate(value, dims.activation);
    }
  }
}
`;
