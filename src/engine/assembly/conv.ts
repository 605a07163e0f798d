// Direct NHWC convolution kernels (no im2col copies, no GEMM packing) for the small 3x3 layers of the
// conv kinds. Every kernel reads a zero-bordered copy of its input (made by the caller), so no tap ever
// tests a bound, and addresses an output pixel (b, r, c) of the pass as
//   src + b * srcImage + r * srcRow + c * srcPixel   (floats)
// with a list of taps, each a float offset from there. One kernel shape serves a forward convolution
// (one pass, stride s in srcRow / srcPixel) and the input gradient / transposed convolution (one pass
// per output parity class, each a stride-1 correlation with the taps of that class: no inserted zeros).
// The caller (engine/convKernels.ts) lays out every buffer; all offsets are bytes into this memory.

/** Pixels per register block of `convGather` (6 x 8 channels: 12 f32x4 accumulators, as the GEMM). */
const PIXELS: i32 = 6;

/** acc + a * b: one fused multiply-add in the relaxed-SIMD build where the CPU has FMA, else multiply then add. */
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

// A walk over a pass's pixels (b, r, c) in row-major order, holding the current pixel's source and
// destination addresses: a block's six pixels may span rows (7- and 14-pixel rows waste nothing), and
// each step is an add, not the two divisions of (b, r, c) from an index. Wasm globals are per
// instance, so each thread of a threaded engine walks its own.
let walkSrcBase: usize = 0;
let walkSrcImage: usize = 0;
let walkSrcRow: usize = 0;
let walkSrcPixel: usize = 0;
let walkDstBase: usize = 0;
let walkDstImage: usize = 0;
let walkDstRow: usize = 0;
let walkDstPixel: usize = 0;
let walkRows: i32 = 0;
let walkCols: i32 = 0;
let walkB: i32 = 0;
let walkR: i32 = 0;
let walkC: i32 = 0;
let walkSrc: usize = 0;
let walkDst: usize = 0;

function walkBegin(
  src: usize, srcImage: i32, srcRow: i32, srcPixel: i32, dst: usize, dstImage: i32, dstRow: i32, dstPixel: i32, rows: i32, cols: i32,
): void {
  walkSrcBase = src;
  walkSrcImage = <usize>srcImage << 2;
  walkSrcRow = <usize>srcRow << 2;
  walkSrcPixel = <usize>srcPixel << 2;
  walkDstBase = dst;
  walkDstImage = <usize>dstImage << 2;
  walkDstRow = <usize>dstRow << 2;
  walkDstPixel = <usize>dstPixel << 2;
  walkRows = rows;
  walkCols = cols;
  walkB = 0;
  walkR = 0;
  walkC = 0;
  walkSrc = src;
  walkDst = dst;
}

/** Move to the next pixel when `go` (a block's last real pixel stays where it is, so the rest repeat it). */
// @ts-ignore: decorator
@inline
function walkNext(go: bool): void {
  if (!go) return;
  walkC++;
  if (walkC < walkCols) {
    walkSrc += walkSrcPixel;
    walkDst += walkDstPixel;
    return;
  }
  walkC = 0;
  walkR++;
  if (walkR == walkRows) {
    walkR = 0;
    walkB++;
  }
  walkSrc = walkSrcBase + <usize>walkB * walkSrcImage + <usize>walkR * walkSrcRow;
  walkDst = walkDstBase + <usize>walkB * walkDstImage + <usize>walkR * walkDstRow;
}

/**
 * dst[pixel][o] = bias[o] + sum over taps t and d < depth of src[pixel + tapOffset(t) + d] * w[tapRow(t) * depth + d][o],
 * o < outC (a multiple of 4), for every pixel of batch x rows x cols. `taps` holds tapCount pairs of
 * i32: the tap's float offset from the pixel's source address, and its weight block (rows
 * tapRow * depth .. + depth of w, each outC floats). `bias` 0 means none.
 */
export function convGather(
  src: usize, srcImage: i32, srcRow: i32, srcPixel: i32,
  taps: usize, tapCount: i32, depth: i32, w: usize, outC: i32,
  dst: usize, dstImage: i32, dstRow: i32, dstPixel: i32,
  batch: i32, rows: i32, cols: i32, bias: usize,
): void {
  const total = batch * rows * cols;
  const wRowBytes = <usize>outC << 2;
  walkBegin(src, srcImage, srcRow, srcPixel, dst, dstImage, dstRow, dstPixel, rows, cols);
  for (let first = 0; first < total; first += PIXELS) {
    const count = min(PIXELS, total - first);
    // Pixels past the end repeat the last one: computed, never stored.
    const s0 = walkSrc, d0 = walkDst;
    walkNext(count > 1);
    const s1 = walkSrc, d1 = walkDst;
    walkNext(count > 2);
    const s2 = walkSrc, d2 = walkDst;
    walkNext(count > 3);
    const s3 = walkSrc, d3 = walkDst;
    walkNext(count > 4);
    const s4 = walkSrc, d4 = walkDst;
    walkNext(count > 5);
    const s5 = walkSrc, d5 = walkDst;
    walkNext(count == PIXELS);
    for (let o = 0; o < outC; o += 8) {
      // An outC that is 4 more than a multiple of 8 computes its last half block twice, stores it once.
      const second: usize = o + 8 <= outC ? 16 : 0;
      let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
      let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
      for (let t = 0; t < tapCount; t++) {
        const offset = <usize>load<i32>(taps + (<usize>t << 3)) << 2;
        let wp = w + (<usize>(load<i32>(taps + (<usize>t << 3), 4) * depth) * wRowBytes) + (<usize>o << 2);
        let p0 = s0 + offset, p1 = s1 + offset, p2 = s2 + offset;
        let p3 = s3 + offset, p4 = s4 + offset, p5 = s5 + offset;
        for (let d = 0; d < depth; d++) {
          const b0 = v128.load(wp);
          const b1 = v128.load(wp + second);
          const a0 = v128.load32_splat(p0);
          c00 = madd(a0, b0, c00);
          c01 = madd(a0, b1, c01);
          const a1 = v128.load32_splat(p1);
          c10 = madd(a1, b0, c10);
          c11 = madd(a1, b1, c11);
          const a2 = v128.load32_splat(p2);
          c20 = madd(a2, b0, c20);
          c21 = madd(a2, b1, c21);
          const a3 = v128.load32_splat(p3);
          c30 = madd(a3, b0, c30);
          c31 = madd(a3, b1, c31);
          const a4 = v128.load32_splat(p4);
          c40 = madd(a4, b0, c40);
          c41 = madd(a4, b1, c41);
          const a5 = v128.load32_splat(p5);
          c50 = madd(a5, b0, c50);
          c51 = madd(a5, b1, c51);
          wp += wRowBytes;
          p0 += 4; p1 += 4; p2 += 4; p3 += 4; p4 += 4; p5 += 4;
        }
      }
      let bias0 = f32x4.splat(0), bias1 = f32x4.splat(0);
      if (bias != 0) {
        bias0 = v128.load(bias + (<usize>o << 2));
        bias1 = v128.load(bias + (<usize>o << 2) + second);
      }
      const at = <usize>o << 2;
      storePair(d0 + at, c00, c01, bias0, bias1, second);
      if (count > 1) storePair(d1 + at, c10, c11, bias0, bias1, second);
      if (count > 2) storePair(d2 + at, c20, c21, bias0, bias1, second);
      if (count > 3) storePair(d3 + at, c30, c31, bias0, bias1, second);
      if (count > 4) storePair(d4 + at, c40, c41, bias0, bias1, second);
      if (count > 5) storePair(d5 + at, c50, c51, bias0, bias1, second);
    }
  }
}

// @ts-ignore: decorator
@inline
function storePair(to: usize, low: v128, high: v128, biasLow: v128, biasHigh: v128, second: usize): void {
  v128.store(to, f32x4.add(low, biasLow));
  if (second != 0) v128.store(to, f32x4.add(high, biasHigh), 16);
}

/**
 * The same sum for few output channels (outC < 4): four pixels at a time, each a dot product over
 * taps and depth (a multiple of 4) with the weights laid out [o][t][d] in `wT` (see `tapMajorByOutput`).
 */
export function convDot(
  src: usize, srcImage: i32, srcRow: i32, srcPixel: i32,
  taps: usize, tapCount: i32, depth: i32, wT: usize, outC: i32,
  dst: usize, dstImage: i32, dstRow: i32, dstPixel: i32,
  batch: i32, rows: i32, cols: i32, bias: usize,
): void {
  const total = batch * rows * cols;
  const perOutput = <usize>(tapCount * depth) << 2;
  walkBegin(src, srcImage, srcRow, srcPixel, dst, dstImage, dstRow, dstPixel, rows, cols);
  for (let first = 0; first < total; first += 4) {
    const count = min(4, total - first);
    const s0 = walkSrc, d0 = walkDst;
    walkNext(count > 1);
    const s1 = walkSrc, d1 = walkDst;
    walkNext(count > 2);
    const s2 = walkSrc, d2 = walkDst;
    walkNext(count > 3);
    const s3 = walkSrc, d3 = walkDst;
    walkNext(count == 4);
    for (let o = 0; o < outC; o++) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let wp = wT + <usize>o * perOutput;
      for (let t = 0; t < tapCount; t++) {
        const offset = <usize>load<i32>(taps + (<usize>t << 3)) << 2;
        for (let d = 0; d < depth; d += 4) {
          const at = offset + (<usize>d << 2);
          const wv = v128.load(wp);
          a0 = madd(v128.load(s0 + at), wv, a0);
          a1 = madd(v128.load(s1 + at), wv, a1);
          a2 = madd(v128.load(s2 + at), wv, a2);
          a3 = madd(v128.load(s3 + at), wv, a3);
          wp += 16;
        }
      }
      const b: f32 = bias != 0 ? load<f32>(bias + (<usize>o << 2)) : 0;
      const at = <usize>o << 2;
      store<f32>(d0 + at, lanesSum(a0) + b);
      if (count > 1) store<f32>(d1 + at, lanesSum(a1) + b);
      if (count > 2) store<f32>(d2 + at, lanesSum(a2) + b);
      if (count > 3) store<f32>(d3 + at, lanesSum(a3) + b);
    }
  }
}

// @ts-ignore: decorator
@inline
function lanesSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * Weights [kH * kW][depth][outC] (tfjs's filter layout) -> [outC][kH * kW][depth], for `convDot`;
 * or, read as [t][a][b] -> [t][b][a] with `perTap`, the per-tap transpose the input gradient needs.
 */
export function transposeTaps(w: usize, out: usize, taps: i32, a: i32, b: i32, perTap: bool): void {
  for (let t = 0; t < taps; t++) {
    for (let i = 0; i < a; i++) {
      for (let j = 0; j < b; j++) {
        const value = load<f32>(w + (<usize>((t * a + i) * b + j) << 2));
        const to = perTap ? (t * b + j) * a + i : (j * taps + t) * a + i;
        store<f32>(out + (<usize>to << 2), value);
      }
    }
  }
}

/**
 * Weight gradient, outC a multiple of 4: dw[t * depth + d][o] += sum over pixels of
 * src[pixel + tapOffset(t) + d] * dy[pixel][o], six (t, d) rows by eight channels in registers over a
 * run of pixels. `tapOffsets` holds one i32 float offset per tap; dy is dense [batch][rows][cols][outC].
 */
export function convFilterGrad(
  src: usize, srcImage: i32, srcRow: i32, srcPixel: i32,
  tapOffsets: usize, tapCount: i32, depth: i32,
  dy: usize, outC: i32, batch: i32, rows: i32, cols: i32, dw: usize,
): void {
  const total = tapCount * depth;
  const pixelBytes = <usize>srcPixel << 2;
  const dyPixelBytes = <usize>outC << 2;
  for (let first = 0; first < total; first += PIXELS) {
    const count = min(PIXELS, total - first);
    const o0 = rowOffset(tapOffsets, depth, first);
    const o1 = rowOffset(tapOffsets, depth, first + min(1, count - 1));
    const o2 = rowOffset(tapOffsets, depth, first + min(2, count - 1));
    const o3 = rowOffset(tapOffsets, depth, first + min(3, count - 1));
    const o4 = rowOffset(tapOffsets, depth, first + min(4, count - 1));
    const o5 = rowOffset(tapOffsets, depth, first + min(5, count - 1));
    for (let o = 0; o < outC; o += 8) {
      const second: usize = o + 8 <= outC ? 16 : 0;
      const row0 = dw + (<usize>(first * outC + o) << 2);
      const rowBytes = <usize>outC << 2;
      let c00 = v128.load(row0), c01 = v128.load(row0 + second);
      let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
      let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
      let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
      if (count > 1) { c10 = v128.load(row0 + rowBytes); c11 = v128.load(row0 + rowBytes + second); }
      if (count > 2) { c20 = v128.load(row0 + 2 * rowBytes); c21 = v128.load(row0 + 2 * rowBytes + second); }
      if (count > 3) { c30 = v128.load(row0 + 3 * rowBytes); c31 = v128.load(row0 + 3 * rowBytes + second); }
      if (count > 4) { c40 = v128.load(row0 + 4 * rowBytes); c41 = v128.load(row0 + 4 * rowBytes + second); }
      if (count > 5) { c50 = v128.load(row0 + 5 * rowBytes); c51 = v128.load(row0 + 5 * rowBytes + second); }
      let g = dy + (<usize>o << 2);
      for (let b = 0; b < batch; b++) {
        for (let r = 0; r < rows; r++) {
          let p = src + (<usize>(b * srcImage + r * srcRow) << 2);
          for (let c = 0; c < cols; c++) {
            const b0 = v128.load(g);
            const b1 = v128.load(g + second);
            const a0 = v128.load32_splat(p + o0);
            c00 = madd(a0, b0, c00);
            c01 = madd(a0, b1, c01);
            const a1 = v128.load32_splat(p + o1);
            c10 = madd(a1, b0, c10);
            c11 = madd(a1, b1, c11);
            const a2 = v128.load32_splat(p + o2);
            c20 = madd(a2, b0, c20);
            c21 = madd(a2, b1, c21);
            const a3 = v128.load32_splat(p + o3);
            c30 = madd(a3, b0, c30);
            c31 = madd(a3, b1, c31);
            const a4 = v128.load32_splat(p + o4);
            c40 = madd(a4, b0, c40);
            c41 = madd(a4, b1, c41);
            const a5 = v128.load32_splat(p + o5);
            c50 = madd(a5, b0, c50);
            c51 = madd(a5, b1, c51);
            p += pixelBytes;
            g += dyPixelBytes;
          }
        }
      }
      v128.store(row0, c00);
      if (second != 0) v128.store(row0 + second, c01);
      if (count > 1) { v128.store(row0 + rowBytes, c10); if (second != 0) v128.store(row0 + rowBytes + second, c11); }
      if (count > 2) { v128.store(row0 + 2 * rowBytes, c20); if (second != 0) v128.store(row0 + 2 * rowBytes + second, c21); }
      if (count > 3) { v128.store(row0 + 3 * rowBytes, c30); if (second != 0) v128.store(row0 + 3 * rowBytes + second, c31); }
      if (count > 4) { v128.store(row0 + 4 * rowBytes, c40); if (second != 0) v128.store(row0 + 4 * rowBytes + second, c41); }
      if (count > 5) { v128.store(row0 + 5 * rowBytes, c50); if (second != 0) v128.store(row0 + 5 * rowBytes + second, c51); }
    }
  }
}

/** Byte offset from a pixel's source address of weight-gradient row `row` = t * depth + d. */
// @ts-ignore: decorator
@inline
function rowOffset(tapOffsets: usize, depth: i32, row: i32): usize {
  const t = row / depth;
  return <usize>(load<i32>(tapOffsets + (<usize>t << 2)) + row - t * depth) << 2;
}

/**
 * Weight gradient for few output channels (outC < 4) and depth a multiple of 4:
 * dw[t][d..d+3][o] += sum over pixels of src[pixel + tapOffset(t) + d..d+3] * dy[pixel][o], eight
 * (t, d) vectors in registers per run of pixels.
 */
export function convFilterGradDot(
  src: usize, srcImage: i32, srcRow: i32, srcPixel: i32,
  tapOffsets: usize, tapCount: i32, depth: i32,
  dy: usize, outC: i32, batch: i32, rows: i32, cols: i32, dw: usize,
): void {
  const vectors = tapCount * (depth >> 2);
  const pixelBytes = <usize>srcPixel << 2;
  const dyPixelBytes = <usize>outC << 2;
  for (let o = 0; o < outC; o++) {
    for (let first = 0; first < vectors; first += 8) {
      const count = min(8, vectors - first);
      const o0 = vectorOffset(tapOffsets, depth, first);
      const o1 = vectorOffset(tapOffsets, depth, first + min(1, count - 1));
      const o2 = vectorOffset(tapOffsets, depth, first + min(2, count - 1));
      const o3 = vectorOffset(tapOffsets, depth, first + min(3, count - 1));
      const o4 = vectorOffset(tapOffsets, depth, first + min(4, count - 1));
      const o5 = vectorOffset(tapOffsets, depth, first + min(5, count - 1));
      const o6 = vectorOffset(tapOffsets, depth, first + min(6, count - 1));
      const o7 = vectorOffset(tapOffsets, depth, first + min(7, count - 1));
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
      let g = dy + (<usize>o << 2);
      for (let b = 0; b < batch; b++) {
        for (let r = 0; r < rows; r++) {
          let p = src + (<usize>(b * srcImage + r * srcRow) << 2);
          for (let c = 0; c < cols; c++) {
            const e = v128.load32_splat(g);
            a0 = madd(v128.load(p + o0), e, a0);
            a1 = madd(v128.load(p + o1), e, a1);
            a2 = madd(v128.load(p + o2), e, a2);
            a3 = madd(v128.load(p + o3), e, a3);
            a4 = madd(v128.load(p + o4), e, a4);
            a5 = madd(v128.load(p + o5), e, a5);
            a6 = madd(v128.load(p + o6), e, a6);
            a7 = madd(v128.load(p + o7), e, a7);
            p += pixelBytes;
            g += dyPixelBytes;
          }
        }
      }
      addLanes(dw, depth, outC, o, first, a0);
      if (count > 1) addLanes(dw, depth, outC, o, first + 1, a1);
      if (count > 2) addLanes(dw, depth, outC, o, first + 2, a2);
      if (count > 3) addLanes(dw, depth, outC, o, first + 3, a3);
      if (count > 4) addLanes(dw, depth, outC, o, first + 4, a4);
      if (count > 5) addLanes(dw, depth, outC, o, first + 5, a5);
      if (count > 6) addLanes(dw, depth, outC, o, first + 6, a6);
      if (count > 7) addLanes(dw, depth, outC, o, first + 7, a7);
    }
  }
}

/** Byte offset from a pixel's source address of vector `index` (tap index / (depth / 4), depth (index % ..) * 4). */
// @ts-ignore: decorator
@inline
function vectorOffset(tapOffsets: usize, depth: i32, index: i32): usize {
  const perTap = depth >> 2;
  const t = index / perTap;
  return <usize>(load<i32>(tapOffsets + (<usize>t << 2)) + ((index - t * perTap) << 2)) << 2;
}

/** dw[t][d + lane][o] += v[lane] for vector `index` of `convFilterGradDot`. */
function addLanes(dw: usize, depth: i32, outC: i32, o: i32, index: i32, v: v128): void {
  const perTap = depth >> 2;
  const t = index / perTap;
  const row = t * depth + ((index - t * perTap) << 2);
  const at0 = dw + (<usize>(row * outC + o) << 2);
  const step = <usize>outC << 2;
  store<f32>(at0, load<f32>(at0) + f32x4.extract_lane(v, 0));
  store<f32>(at0 + step, load<f32>(at0 + step) + f32x4.extract_lane(v, 1));
  store<f32>(at0 + 2 * step, load<f32>(at0 + 2 * step) + f32x4.extract_lane(v, 2));
  store<f32>(at0 + 3 * step, load<f32>(at0 + 3 * step) + f32x4.extract_lane(v, 3));
}
