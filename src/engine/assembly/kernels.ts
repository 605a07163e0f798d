// AssemblyScript source of the engine's WebAssembly module (compiled by scripts/build-wasm.mjs with
// SIMD128 on): a packed, register-blocked f32 GEMM for every transpose combination, the epilogues
// the tfjs kernels fuse (bias, activation), im2col / col2im for convolutions, and a fused Adam pass.
// Memory layout is the caller's: every function takes byte offsets into this module's memory.

// Register block of the micro-kernel: 6 rows of A against 8 columns of B, 12 v128 accumulators
// (15 of the 16 SIMD registers an x86-64 engine has, with the two B vectors and one A splat).
const MR: i32 = 6;
const NR: i32 = 8;
/** Depth of one packed block: an A strip (6 x 256 floats, 6 KiB) stays in L1. */
const KC: i32 = 256;
/** Columns of B packed at once: 256 x 512 floats is 512 KiB, within a typical L2. */
const NC: i32 = 512;

/**
 * acc + a * b on four lanes. The relaxed-SIMD build (--enable relaxed-simd) fuses it into one
 * multiply-add where the CPU has FMA (its rounding may then differ from the plain build's in the
 * last bit, which relaxed_madd allows); the plain SIMD128 build keeps the separate multiply and add.
 */
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/**
 * Pack rows [row0, row0 + rows) x depth [k0, k0 + kc) of op(A) into strips of 4 rows, depth-major:
 * strip s holds, for each kk, the 4 values A[row0 + 4s + r][k0 + kk]. Missing rows are zero.
 * op(A)[i][k] is a[i * lda + k], or a[k * lda + i] when transposed.
 */
function packA(a: usize, lda: i32, transA: bool, row0: i32, rows: i32, k0: i32, kc: i32, out: usize): void {
  const strips = (rows + MR - 1) / MR;
  for (let s = 0; s < strips; s++) {
    const base = out + (<usize>(s * kc * MR) << 2);
    const first = row0 + s * MR;
    const valid = min(MR, row0 + rows - first);
    if (transA) {
      // Rows of op(A) are columns of the stored matrix: 4 neighbours in memory per depth step.
      for (let kk = 0; kk < kc; kk++) {
        const src = a + (<usize>((k0 + kk) * lda + first) << 2);
        const dst = base + (<usize>(kk * MR) << 2);
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < valid ? load<f32>(src + (<usize>r << 2)) : 0);
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const dst = base + (<usize>r << 2);
        if (r < valid) {
          const src = a + (<usize>((first + r) * lda + k0) << 2);
          for (let kk = 0; kk < kc; kk++) store<f32>(dst + (<usize>(kk * MR) << 2), load<f32>(src + (<usize>kk << 2)));
        } else {
          for (let kk = 0; kk < kc; kk++) store<f32>(dst + (<usize>(kk * MR) << 2), 0);
        }
      }
    }
  }
}

/**
 * Pack depth [k0, k0 + kc) x columns [col0, col0 + cols) of op(B) into panels of 8 columns,
 * depth-major. op(B)[k][j] is b[k * ldb + j], or b[j * ldb + k] when transposed. Missing columns are zero.
 */
function packB(b: usize, ldb: i32, transB: bool, k0: i32, kc: i32, col0: i32, cols: i32, out: usize): void {
  const panels = (cols + NR - 1) / NR;
  for (let p = 0; p < panels; p++) {
    const base = out + (<usize>(p * kc * NR) << 2);
    const first = col0 + p * NR;
    const valid = min(NR, col0 + cols - first);
    if (!transB) {
      for (let kk = 0; kk < kc; kk++) {
        const src = b + (<usize>((k0 + kk) * ldb + first) << 2);
        const dst = base + (<usize>(kk * NR) << 2);
        if (valid == NR) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
        } else {
          for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), c < valid ? load<f32>(src + (<usize>c << 2)) : 0);
        }
      }
    } else {
      for (let c = 0; c < NR; c++) {
        const dst = base + (<usize>c << 2);
        if (c < valid) {
          const src = b + (<usize>((first + c) * ldb + k0) << 2);
          for (let kk = 0; kk < kc; kk++) store<f32>(dst + (<usize>(kk * NR) << 2), load<f32>(src + (<usize>kk << 2)));
        } else {
          for (let kk = 0; kk < kc; kk++) store<f32>(dst + (<usize>(kk * NR) << 2), 0);
        }
      }
    }
  }
}

/**
 * One 4 x 8 tile: C[tile] (+)= packedA strip . packedB panel over kc. Full tiles go straight to C;
 * edge tiles go through `edge` (32 floats of scratch) and only their valid part is written.
 */
function microKernel(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, edge: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let kk = 0; kk < kc; kk++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const a0 = v128.load32_splat(pa);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(pa, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(pa, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(pa, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    const a4 = v128.load32_splat(pa, 16);
    c40 = madd(a4, b0, c40);
    c41 = madd(a4, b1, c41);
    const a5 = v128.load32_splat(pa, 20);
    c50 = madd(a5, b0, c50);
    c51 = madd(a5, b1, c51);
    pa += 24;
    pb += 32;
  }
  v128.store(edge, c00);
  v128.store(edge, c01, 16);
  v128.store(edge, c10, 32);
  v128.store(edge, c11, 48);
  v128.store(edge, c20, 64);
  v128.store(edge, c21, 80);
  v128.store(edge, c30, 96);
  v128.store(edge, c31, 112);
  v128.store(edge, c40, 128);
  v128.store(edge, c41, 144);
  v128.store(edge, c50, 160);
  v128.store(edge, c51, 176);
  const rowBytes = <usize>ldc << 2;
  if (cols == NR) {
    for (let r = 0; r < rows; r++) {
      const dst = c + <usize>r * rowBytes;
      const src = edge + (<usize>(r * NR) << 2);
      if (accumulate) {
        v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
        v128.store(dst, f32x4.add(v128.load(dst, 16), v128.load(src, 16)), 16);
      } else {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const dst = c + <usize>r * rowBytes;
    const src = edge + (<usize>(r * NR) << 2);
    for (let col = 0; col < cols; col++) {
      const value = load<f32>(src + (<usize>col << 2));
      const at = dst + (<usize>col << 2);
      store<f32>(at, accumulate ? load<f32>(at) + value : value);
    }
  }
}

/** Bytes of scratch `gemm` needs for its packed panels and edge tile. */
export function gemmScratchBytes(m: i32, n: i32, k: i32): i32 {
  const kc = min(KC, max(k, 1));
  const nc = min(NC, max(n, 1));
  const packedB = ((nc + NR - 1) / NR) * NR * kc;
  const packedA = MR * kc;
  return (packedB + packedA + MR * NR) * 4 + 64 + 0 * m;
}

/**
 * C[m x n] = op(A)[m x k] . op(B)[k x n] (or C += when `accumulate`), row-major, C's row stride n.
 * lda / ldb are the stored matrices' row strides: k (or m when transA) and n (or k when transB) for
 * dense operands. `scratch` holds gemmScratchBytes(m, n, k) bytes, 16-byte aligned.
 */
export function gemm(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32,
  transA: bool, transB: bool, lda: i32, ldb: i32, accumulate: bool, scratch: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) memory.fill(c, 0, <usize>(m * n) << 2);
    return;
  }
  const kcMax = min(KC, k);
  const ncMax = min(NC, n);
  const packedB = scratch;
  const packedA = packedB + (<usize>(((ncMax + NR - 1) / NR) * NR * kcMax) << 2);
  const edge = packedA + (<usize>(MR * kcMax) << 2);
  for (let col0 = 0; col0 < n; col0 += NC) {
    const cols = min(NC, n - col0);
    for (let k0 = 0; k0 < k; k0 += KC) {
      const kc = min(KC, k - k0);
      const add = accumulate || k0 > 0;
      packB(b, ldb, transB, k0, kc, col0, cols, packedB);
      for (let row0 = 0; row0 < m; row0 += MR) {
        const rows = min(MR, m - row0);
        packA(a, lda, transA, row0, rows, k0, kc, packedA);
        const cRow = c + (<usize>(row0 * n + col0) << 2);
        for (let j = 0; j < cols; j += NR) {
          const pb = packedB + (<usize>((j / NR) * kc * NR) << 2);
          microKernel(packedA, pb, kc, cRow + (<usize>j << 2), n, rows, min(NR, cols - j), add, edge);
        }
      }
    }
  }
}

// Activations, numbered as in engine/activations.ts.
const LINEAR: i32 = 0;
const RELU: i32 = 1;
const RELU6: i32 = 2;
const SIGMOID: i32 = 3;
const ELU: i32 = 4;
const LEAKY_RELU: i32 = 5;
const TANH: i32 = 6;

/** C[i][j] += bias[j % biasLength] for every row: the dense layer's bias, broadcast down the rows. */
export function addBias(c: usize, rows: i32, cols: i32, bias: usize, biasLength: i32): void {
  if (biasLength == 1) {
    const value = load<f32>(bias);
    const count = rows * cols;
    for (let i = 0; i < count; i++) {
      const at = c + (<usize>i << 2);
      store<f32>(at, load<f32>(at) + value);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = c + (<usize>(r * cols) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const at = row + (<usize>j << 2);
      v128.store(at, f32x4.add(v128.load(at), v128.load(bias + (<usize>j << 2))));
    }
    for (; j < cols; j++) {
      const at = row + (<usize>j << 2);
      store<f32>(at, load<f32>(at) + load<f32>(bias + (<usize>j << 2)));
    }
  }
}

/** Apply an activation in place to `count` floats; `alpha` is leaky ReLU's slope. */
export function activate(x: usize, count: i32, activation: i32, alpha: f32): void {
  if (activation == LINEAR) return;
  for (let i = 0; i < count; i++) {
    const at = x + (<usize>i << 2);
    const v = load<f32>(at);
    let y: f32 = v;
    if (activation == RELU) y = v < 0 ? 0 : v;
    else if (activation == RELU6) y = v < 0 ? 0 : v > 6 ? 6 : v;
    else if (activation == SIGMOID) y = 1 / (1 + Mathf.exp(-v));
    else if (activation == ELU) y = v < 0 ? Mathf.exp(v) - 1 : v;
    else if (activation == LEAKY_RELU) y = v < 0 ? alpha * v : v;
    else if (activation == TANH) y = Mathf.tanh(v);
    store<f32>(at, y);
  }
}

/**
 * Backpropagate through an activation in place: g[i] *= f'(x[i]), written from the activation's
 * output y[i] as tfjs's gradients are (relu: step(y); sigmoid: y (1 - y); tanh: 1 - y^2; elu:
 * y + 1 below zero; leaky ReLU: alpha below zero).
 */
export function activationGrad(g: usize, y: usize, count: i32, activation: i32, alpha: f32): void {
  if (activation == LINEAR) return;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 2;
    const out = load<f32>(y + at);
    const dy = load<f32>(g + at);
    let dx: f32 = dy;
    if (activation == RELU) dx = out > 0 ? dy : 0;
    else if (activation == RELU6) dx = out > 0 && out < 6 ? dy : 0;
    else if (activation == SIGMOID) dx = dy * (out * (1 - out));
    else if (activation == ELU) dx = out < 0 ? dy * (out + 1) : dy;
    else if (activation == LEAKY_RELU) dx = out < 0 ? dy * alpha : dy;
    else if (activation == TANH) dx = dy * (1 - out * out);
    store<f32>(g + at, dx);
  }
}

/** out[j] = sum over rows of x[r][j]: a dense layer's bias gradient from its output gradient. */
export function columnSums(x: usize, rows: i32, cols: i32, out: usize): void {
  memory.fill(out, 0, <usize>cols << 2);
  for (let r = 0; r < rows; r++) {
    const row = x + (<usize>(r * cols) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const at = <usize>j << 2;
      v128.store(out + at, f32x4.add(v128.load(out + at), v128.load(row + at)));
    }
    for (; j < cols; j++) {
      const at = <usize>j << 2;
      store<f32>(out + at, load<f32>(out + at) + load<f32>(row + at));
    }
  }
}

/**
 * Binary cross-entropy of predictions p against targets t, p clipped to [lo, hi] as the tensor
 * loss does: returns the sum of -[t log p + (1 - t) log(1 - p)] over `count` values and writes
 * d(scale * sum)/dp to g (zero where p was clipped, as clipByValue's gradient is).
 */
export function bceLossGrad(p: usize, t: usize, g: usize, count: i32, lo: f32, hi: f32, scale: f32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 2;
    const raw = load<f32>(p + at);
    const target = load<f32>(t + at);
    const inside = raw >= lo && raw <= hi;
    const clipped: f32 = raw < lo ? lo : raw > hi ? hi : raw;
    const rest: f32 = 1 - target;
    const other: f32 = 1 - clipped;
    sum -= <f64>(target * Mathf.log(clipped) + rest * Mathf.log(other));
    store<f32>(g + at, inside ? scale * (rest / other - target / clipped) : 0);
  }
  return sum;
}

/** Squared error of p against t: returns the sum of (t - p)^2 and writes d(scale * sum)/dp to g. */
export function mseLossGrad(p: usize, t: usize, g: usize, count: i32, scale: f32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < count; i++) {
    const at = <usize>i << 2;
    const difference: f32 = load<f32>(p + at) - load<f32>(t + at);
    sum += <f64>(difference * difference);
    store<f32>(g + at, scale * 2 * difference);
  }
  return sum;
}

/**
 * NHWC image batch -> rows of patches: row (b, oy, ox) holds, for ky, kx, c, the input pixel that
 * filter tap (ky, kx) sees (zero outside the image), so that conv = cols . filter[kh*kw*inC, outC].
 */
export function im2col(
  x: usize, cols: usize, batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): void {
  const channelBytes = <usize>inC << 2;
  let dst = cols;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>(b * inH * inW) * channelBytes;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) {
              memory.fill(dst, 0, channelBytes);
            } else {
              memory.copy(dst, image + <usize>(iy * inW + ix) * channelBytes, channelBytes);
            }
            dst += channelBytes;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: every patch value is added back onto the pixel it came from (dx is zeroed first). */
export function col2im(
  cols: usize, dx: usize, batch: i32, inH: i32, inW: i32, inC: i32, outH: i32, outW: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, padTop: i32, padLeft: i32, dilationH: i32, dilationW: i32,
): void {
  const channelBytes = <usize>inC << 2;
  memory.fill(dx, 0, <usize>(batch * inH * inW) * channelBytes);
  let src = cols;
  for (let b = 0; b < batch; b++) {
    const image = dx + <usize>(b * inH * inW) * channelBytes;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let ky = 0; ky < kH; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          for (let kx = 0; kx < kW; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (iy >= 0 && iy < inH && ix >= 0 && ix < inW) {
              const pixel = image + <usize>(iy * inW + ix) * channelBytes;
              let c = 0;
              for (; c + 4 <= inC; c += 4) {
                const at = pixel + (<usize>c << 2);
                v128.store(at, f32x4.add(v128.load(at), v128.load(src + (<usize>c << 2))));
              }
              for (; c < inC; c++) {
                const at = pixel + (<usize>c << 2);
                store<f32>(at, load<f32>(at) + load<f32>(src + (<usize>c << 2)));
              }
            }
            src += channelBytes;
          }
        }
      }
    }
  }
}

/**
 * One Adam update over flat buffers, in the same order of float32 operations as the Trainer's
 * tensor version: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= (m * stepSize) / (sqrt(v) + eps).
 * Four lanes at a time: SIMD128's mul, add, sqrt and div round each lane exactly as scalar f32 does
 * (no fused multiply-add), so the result is the same bit for bit.
 */
export function adam(
  w: usize, g: usize, m: usize, v: usize, count: i32,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32, stepSize: f32, epsilon: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2);
  const c2 = f32x4.splat(oneMinusBeta2);
  const step = f32x4.splat(stepSize);
  const eps = f32x4.splat(epsilon);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const at = <usize>i << 2;
    const gradient = v128.load(g + at);
    const first = f32x4.add(f32x4.mul(v128.load(m + at), b1), f32x4.mul(gradient, c1));
    const second = f32x4.add(f32x4.mul(v128.load(v + at), b2), f32x4.mul(f32x4.mul(gradient, gradient), c2));
    v128.store(m + at, first);
    v128.store(v + at, second);
    const update = f32x4.div(f32x4.mul(first, step), f32x4.add(f32x4.sqrt(second), eps));
    v128.store(w + at, f32x4.sub(v128.load(w + at), update));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    const gradient = load<f32>(g + at);
    const first = load<f32>(m + at) * beta1 + gradient * oneMinusBeta1;
    const second = load<f32>(v + at) * beta2 + gradient * gradient * oneMinusBeta2;
    store<f32>(m + at, first);
    store<f32>(v + at, second);
    store<f32>(w + at, load<f32>(w + at) - (first * stepSize) / (Mathf.sqrt(second) + epsilon));
  }
}

/** First byte after the module's static data (math tables): the caller's scratch starts here. */
export function heapBase(): usize {
  return __heap_base;
}

/** dst[i] += src[i] for `count` floats: the threaded engine sums each thread's partial gradients. */
export function accumulate(dst: usize, src: usize, count: i32): void {
  const vectors = count & ~3;
  let i = 0;
  for (; i < vectors; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(src + at)));
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    store<f32>(dst + at, load<f32>(dst + at) + load<f32>(src + at));
  }
}

/**
 * Rows of images gathered from the dataset's bytes and scaled to [0, 1]: for each of `count`
 * indices (i32, at `indices`), the `pixelsPerImage` bytes of that image, each divided by 255 in
 * float32, written row after row from `out`. A float32 division is correctly rounded, so each value
 * is the float32 nearest byte / 255, the same number JS's double division gives once rounded to
 * float32 (tests/unit/gatherScaledBytes.test.ts checks all 256). In JS this took 0.4-0.6 ms a batch
 * of 128 MNIST images, a tenth of a two-thread step, all of it on one thread.
 */
export function gatherScaledBytes(bytes: usize, indices: usize, count: i32, pixelsPerImage: i32, out: usize): void {
  const divisor = f32x4.splat(255);
  const vectors = pixelsPerImage & ~15;
  for (let row = 0; row < count; row++) {
    const from = bytes + <usize>load<i32>(indices + (<usize>row << 2)) * <usize>pixelsPerImage;
    const to = out + ((<usize>row * <usize>pixelsPerImage) << 2);
    let p = 0;
    for (; p < vectors; p += 16) {
      const sixteen = v128.load(from + p);
      const low = i16x8.extend_low_i8x16_u(sixteen);
      const high = i16x8.extend_high_i8x16_u(sixteen);
      const at = to + (<usize>p << 2);
      v128.store(at, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(low)), divisor));
      v128.store(at + 16, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(low)), divisor));
      v128.store(at + 32, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(high)), divisor));
      v128.store(at + 48, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(high)), divisor));
    }
    for (; p < pixelsPerImage; p++) store<f32>(to + (<usize>p << 2), <f32>load<u8>(from + p) / 255);
  }
}

// Direct convolution kernels (assembly/conv.ts), compiled into this one module.
export * from './conv';
