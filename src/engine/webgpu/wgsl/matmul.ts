// C = op(A) . op(B) for the dense layers, one shader with the transposes as pipeline constants:
// the forward product with its bias and activation fused in (X . W), and the two backward
// products, Xᵀ . dY for the kernel's gradient and dY . Wᵀ for the gradient at the layer's input.
// Operands are read at offsets into flat buffers, so kernels and their gradients live in the one
// parameter buffer and the one gradient buffer that Adam walks.
//
// Two forms (pipelines.ts picks one per device): tiles of 32 x 32 outputs with depth steps of 16
// staged in workgroup memory, each value loaded from the buffers used 32 times; or the same
// threads reading straight from the buffers. Either way 8 x 8 threads each hold a 4 x 4 block.
import { ACTIVATIONS } from './common';

export const MATMUL_TILE = 32;

// What both forms share: the operands and their dims (u32 fields in this order), the reads of
// op(A) and op(B), and the write of four outputs with the bias and activation.
const PRODUCT_COMMON = /* wgsl */ `override TRANSPOSE_A: bool = false;
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

// Four outputs of one row, with the bias and activation, where they fall inside C.
fn storeRow(row: u32, firstCol: u32, values: vec4f) {
  if (row >= dims.m) { return; }
  for (var j = 0u; j < 4u; j++) {
    let col = firstCol + j;
    if (col >= dims.n) { return; }
    var value = values[j];
    if (dims.useBias != 0u) { value = value + bias[dims.biasOffset + col]; }
    c[dims.cOffset + row * dims.n + col] = activate(value, dims.activation);
  }
}
`;

export const MATMUL_WGSL = /* wgsl */ `
${PRODUCT_COMMON}
const DEPTH: u32 = 16u;
var<workgroup> tileA: array<array<f32, TILE>, DEPTH>;
var<workgroup> tileB: array<array<f32, TILE>, DEPTH>;

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) local: vec3u,
        @builtin(local_invocation_index) thread: u32) {
  let rowBase = wg.y * TILE;
  let colBase = wg.x * TILE;
  // Four rows of four outputs as vectors, written out rather than as a 4 x 4 array: a private
  // array indexed in loops may live in memory (llvmpipe keeps it there), vectors stay in registers.
  var sums0 = vec4f(0.0);
  var sums1 = vec4f(0.0);
  var sums2 = vec4f(0.0);
  var sums3 = vec4f(0.0);
  let rowInTile = local.y * 4u;
  let colInTile = local.x * 4u;
  for (var depth = 0u; depth < dims.k; depth += DEPTH) {
    // 64 threads stage DEPTH x 32 values of each operand. Neighbouring threads read neighbouring
    // addresses: along the depth where the operand is stored depth-last, across it otherwise.
    for (var i = 0u; i < DEPTH * TILE / 64u; i++) {
      let e = thread + i * 64u;
      if (TRANSPOSE_A) {
        tileA[e / TILE][e % TILE] = readA(rowBase + e % TILE, depth + e / TILE);
      } else {
        tileA[e % DEPTH][e / DEPTH] = readA(rowBase + e / DEPTH, depth + e % DEPTH);
      }
      if (TRANSPOSE_B) {
        tileB[e % DEPTH][e / DEPTH] = readB(depth + e % DEPTH, colBase + e / DEPTH);
      } else {
        tileB[e / TILE][e % TILE] = readB(depth + e / TILE, colBase + e % TILE);
      }
    }
    workgroupBarrier();
    for (var inner = 0u; inner < DEPTH; inner++) {
      let left = vec4f(tileA[inner][rowInTile], tileA[inner][rowInTile + 1u], tileA[inner][rowInTile + 2u], tileA[inner][rowInTile + 3u]);
      let right = vec4f(tileB[inner][colInTile], tileB[inner][colInTile + 1u], tileB[inner][colInTile + 2u], tileB[inner][colInTile + 3u]);
      sums0 = sums0 + left.x * right;
      sums1 = sums1 + left.y * right;
      sums2 = sums2 + left.z * right;
      sums3 = sums3 + left.w * right;
    }
    workgroupBarrier();
  }
  storeRow(rowBase + rowInTile, colBase + colInTile, sums0);
  storeRow(rowBase + rowInTile + 1u, colBase + colInTile, sums1);
  storeRow(rowBase + rowInTile + 2u, colBase + colInTile, sums2);
  storeRow(rowBase + rowInTile + 3u, colBase + colInTile, sums3);
}
`;

/**
 * The same product without workgroup memory or barriers: each thread reads its operands straight
 * from the buffers. On a CPU's Vulkan (llvmpipe) barriers and workgroup memory are emulated and
 * cost more than the reads they save, so there the step uses this one (see pipelines.ts).
 */
export const MATMUL_DIRECT_WGSL = /* wgsl */ `
${PRODUCT_COMMON}
@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) local: vec3u) {
  let row = wg.y * TILE + local.y * 4u;
  let col = wg.x * TILE + local.x * 4u;
  if (row >= dims.m || col >= dims.n) { return; }
  var sums0 = vec4f(0.0);
  var sums1 = vec4f(0.0);
  var sums2 = vec4f(0.0);
  var sums3 = vec4f(0.0);
  for (var inner = 0u; inner < dims.k; inner++) {
    let left = vec4f(readA(row, inner), readA(row + 1u, inner), readA(row + 2u, inner), readA(row + 3u, inner));
    let right = vec4f(readB(inner, col), readB(inner, col + 1u), readB(inner, col + 2u), readB(inner, col + 3u));
    sums0 = sums0 + left.x * right;
    sums1 = sums1 + left.y * right;
    sums2 = sums2 + left.z * right;
    sums3 = sums3 + left.w * right;
  }
  storeRow(row, col, sums0);
  storeRow(row + 1u, col, sums1);
  storeRow(row + 2u, col, sums2);
  storeRow(row + 3u, col, sums3);
}
`;
