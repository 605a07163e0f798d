// The direct convolution kernels (assembly/conv.ts) behind tfjs's Conv2D, FusedConv2D,
// Conv2DBackpropInput and Conv2DBackpropFilter on the wasm backend, for NHWC without dilation and
// the channel counts the kernels vectorise (a multiple of 4 output channels, or fewer than 4 with a
// multiple of 4 input channels); `covers*` says which, and the caller keeps its im2col path for the
// rest. Why direct: the conv kinds' layers have 1 to 32 channels, and with one channel on either
// side im2col's GEMM became a k = 1 or n = 1 product at 1-3 GFLOP/s; the direct kernels also skip
// the patch copies (docs/engine.md, "Direct convolution kernels").
import * as tf from '../lib/tf';
import type { KernelModule } from './kernelModule';
import { copyIn, copyOut, heap, offsetOf, type WasmBackendLike } from './wasmHeap';

/** The conv exports of the engine's module, typed here so kernelModule.ts need not list them. */
interface ConvExports {
  convGather(
    src: number, srcImage: number, srcRow: number, srcPixel: number,
    taps: number, tapCount: number, depth: number, w: number, outC: number,
    dst: number, dstImage: number, dstRow: number, dstPixel: number,
    batch: number, rows: number, cols: number, bias: number,
  ): void;
  convDot(
    src: number, srcImage: number, srcRow: number, srcPixel: number,
    taps: number, tapCount: number, depth: number, wT: number, outC: number,
    dst: number, dstImage: number, dstRow: number, dstPixel: number,
    batch: number, rows: number, cols: number, bias: number,
  ): void;
  transposeTaps(w: number, out: number, taps: number, a: number, b: number, perTap: number): void;
  convFilterGrad(
    src: number, srcImage: number, srcRow: number, srcPixel: number,
    tapOffsets: number, tapCount: number, depth: number,
    dy: number, outC: number, batch: number, rows: number, cols: number, dw: number,
  ): void;
  convFilterGradDot(
    src: number, srcImage: number, srcRow: number, srcPixel: number,
    tapOffsets: number, tapCount: number, depth: number,
    dy: number, outC: number, batch: number, rows: number, cols: number, dw: number,
  ): void;
}

function convExports(engine: KernelModule): ConvExports {
  return engine.exports as unknown as ConvExports;
}

/** Floats of a run of images (input and output of a pass): about 256 KiB, so a run stays in L2 for all its passes. */
const CACHED_RUN_FLOATS = 1 << 16;

type Info = tf.backend_util.Conv2DInfo;

/** Whether an output-channel count and the depth summed over suit one of the two kernel forms. */
function channelsFit(outC: number, depth: number): boolean {
  return outC % 4 === 0 || (outC < 4 && depth % 4 === 0);
}

let directEnabled = true;

/** Switch the direct kernels off (every convolution then takes the im2col path): for the micro-benchmark's before / after. */
export function setDirectConvEnabled(enabled: boolean): void {
  directEnabled = enabled;
}

function plain(info: Info): boolean {
  return directEnabled && info.dataFormat === 'channelsLast' && info.dilationHeight === 1 && info.dilationWidth === 1;
}

/** Write i32 values into a fresh allocation; returns its offset. */
function putInts(engine: KernelModule, values: number[]): number {
  const at = engine.alloc(Math.max(1, values.length) * 4);
  new Int32Array(engine.exports.memory.buffer, at, values.length).set(values);
  return at;
}

/** The input of a forward pass or weight gradient in a zero frame wide enough for every tap. */
interface Framed {
  at: number;
  height: number;
  width: number;
}

/**
 * Copy an NHWC tensor from the backend's heap straight into a zero frame in the engine's memory, one
 * image row at a time: one pass over the values rather than a copy and then a framed copy (the conv
 * kind's 28x28x16 maps are 6 MB a batch, and each pass over them cost about a millisecond).
 */
function frameTensor(
  engine: KernelModule, backend: WasmBackendLike, tensor: tf.TensorInfo, margins: [number, number, number, number],
): Framed {
  const [batch, h, w, c] = tensor.shape;
  const [top, bottom, left, right] = margins;
  const height = h + top + bottom;
  const width = w + left + right;
  const at = engine.allocFloats(batch * height * width * c);
  const floats = engine.floats();
  const values = heap(backend);
  const start = offsetOf(backend, tensor);
  const base = at / 4;
  floats.fill(0, base, base + batch * height * width * c);
  const rowFloats = w * c;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < h; y++) {
      const from = start + (b * h + y) * rowFloats;
      floats.set(values.subarray(from, from + rowFloats), base + ((b * height + y + top) * width + left) * c);
    }
  }
  return { at, height, width };
}

/** Zero rows and columns around a conv's input (top, bottom, left, right) so that every tap of every output reads inside. */
function inputMargins(info: Info): [number, number, number, number] {
  const { top, left } = info.padInfo;
  const bottom = Math.max(0, (info.outHeight - 1) * info.strideHeight + info.filterHeight - top - info.inHeight);
  const right = Math.max(0, (info.outWidth - 1) * info.strideWidth + info.filterWidth - left - info.inWidth);
  return [top, bottom, left, right];
}

/** Every tap's float offset in a frame `width` pixels wide, tap t = ky * kW + kx. */
function tapOffsets(info: Info, width: number): number[] {
  const offsets: number[] = [];
  for (let ky = 0; ky < info.filterHeight; ky++) {
    for (let kx = 0; kx < info.filterWidth; kx++) offsets.push((ky * width + kx) * info.inChannels);
  }
  return offsets;
}

/** Whether `conv2dForward` covers this convolution. */
export function coversForward(info: Info): boolean {
  return plain(info) && channelsFit(info.outChannels, info.inChannels);
}

/**
 * out = conv(x, filter) + bias (bias optional), from and into wasm-backend tensors; `after` may
 * rework the result in the engine's memory (an activation) before it is copied out. Call only where
 * `coversForward(info)`.
 */
export function conv2dForward(
  engine: KernelModule, backend: WasmBackendLike, info: Info, x: tf.TensorInfo, filterTensor: tf.TensorInfo,
  biasTensor: tf.TensorInfo | undefined, outTensor: tf.TensorInfo, after?: (out: number, count: number) => void,
): void {
  const kernels = convExports(engine);
  engine.reset();
  const framed = frameTensor(engine, backend, x, inputMargins(info));
  const filter = copyIn(engine, backend, filterTensor);
  const bias = biasTensor ? copyIn(engine, backend, biasTensor) : 0;
  const count = tf.util.sizeFromShape(outTensor.shape);
  const out = engine.allocFloats(count);
  const channels = info.inChannels;
  const offsets = tapOffsets(info, framed.width);
  const taps = putInts(engine, offsets.flatMap((offset, t) => [offset, t]));
  const args = [
    framed.at, framed.height * framed.width * channels, info.strideHeight * framed.width * channels, info.strideWidth * channels,
    taps, offsets.length, channels,
  ] as const;
  const outArgs = [
    out, info.outHeight * info.outWidth * info.outChannels, info.outWidth * info.outChannels, info.outChannels,
    info.batchSize, info.outHeight, info.outWidth, bias,
  ] as const;
  if (info.outChannels % 4 === 0) {
    kernels.convGather(...args, filter, info.outChannels, ...outArgs);
  } else {
    const byOutput = engine.allocFloats(offsets.length * channels * info.outChannels);
    kernels.transposeTaps(filter, byOutput, offsets.length, channels, info.outChannels, 0);
    kernels.convDot(...args, byOutput, info.outChannels, ...outArgs);
  }
  after?.(out, count);
  copyOut(engine, backend, out, outTensor);
}

/** Whether `conv2dInputGrad` covers this input gradient (x's channels are the pass's outputs). */
export function coversInputGrad(info: Info): boolean {
  return plain(info) && info.inChannels % 4 === 0;
}

/** The taps of one output parity along an axis: each tap's index and the offset in dy rows it reads. */
interface AxisTaps {
  /** Output positions of this parity: first, first + stride, ... */
  count: number;
  taps: { k: number; shift: number }[];
}

/**
 * Along one axis of dx (size `size`, stride s, kernel k, padding `before`): dx[i] takes dy[(i + before - kk) / s]
 * for the taps kk where that is whole, so the taps split by i mod s, and within one parity the dy
 * index moves by one per output: a stride-1 correlation (no zeros inserted between dy's values).
 */
function parityTaps(size: number, stride: number, kernel: number, before: number): AxisTaps[] {
  const classes: AxisTaps[] = [];
  for (let parity = 0; parity < stride; parity++) {
    const taps: { k: number; shift: number }[] = [];
    for (let k = 0; k < kernel; k++) {
      const reach = parity + before - k;
      if (((reach % stride) + stride) % stride === 0) taps.push({ k, shift: reach / stride });
    }
    classes.push({ count: Math.max(0, Math.ceil((size - parity) / stride)), taps });
  }
  return classes;
}

/** Zero rows (or columns) dy needs on each side so that every tap of every parity reads inside the frame. */
function dyMargins(classes: AxisTaps[], dySize: number): [number, number] {
  let before = 0;
  let after = 0;
  for (const { count, taps } of classes) {
    if (count === 0) continue;
    for (const { shift } of taps) {
      before = Math.max(before, -shift);
      after = Math.max(after, count - 1 + shift - (dySize - 1));
    }
  }
  return [before, after];
}

/**
 * dx = the input gradient of conv(x, filter) given dy (also the forward pass of a transposed
 * convolution), from and into wasm-backend tensors. One `convGather` pass per parity class of dx's
 * pixels, with the filter's taps transposed to [tap][outC][inC]. Call only where `coversInputGrad(info)`.
 */
export function conv2dInputGrad(
  engine: KernelModule, backend: WasmBackendLike, info: Info, dyTensor: tf.TensorInfo, filterTensor: tf.TensorInfo, dxTensor: tf.TensorInfo,
): void {
  const kernels = convExports(engine);
  const rowsByParity = parityTaps(info.inHeight, info.strideHeight, info.filterHeight, info.padInfo.top);
  const colsByParity = parityTaps(info.inWidth, info.strideWidth, info.filterWidth, info.padInfo.left);
  const [top, bottom] = dyMargins(rowsByParity, info.outHeight);
  const [left, right] = dyMargins(colsByParity, info.outWidth);
  const height = info.outHeight + top + bottom;
  const width = info.outWidth + left + right;
  const depth = info.outChannels;
  const channels = info.inChannels;
  engine.reset();
  const framed = frameTensor(engine, backend, dyTensor, [top, bottom, left, right]).at;
  const filter = copyIn(engine, backend, filterTensor);
  const dx = engine.allocFloats(tf.util.sizeFromShape(dxTensor.shape));
  const tapCount = info.filterHeight * info.filterWidth;
  const transposed = engine.allocFloats(tapCount * channels * depth);
  kernels.transposeTaps(filter, transposed, tapCount, channels, depth, 1);
  const origin = framed + (top * width + left) * depth * 4;
  // Every class's taps, written once; then the classes run image run by image run, so the run's dy
  // stays in cache for all of them (one class after another over the whole batch read dy from memory each time).
  const passes: { taps: number; tapCount: number; dxOffset: number; rows: number; cols: number }[] = [];
  rowsByParity.forEach((rowClass, rowParity) => {
    colsByParity.forEach((colClass, colParity) => {
      if (rowClass.count === 0 || colClass.count === 0) return;
      const pairs: number[] = [];
      for (const row of rowClass.taps) {
        for (const col of colClass.taps) pairs.push((row.shift * width + col.shift) * depth, row.k * info.filterWidth + col.k);
      }
      passes.push({
        taps: putInts(engine, pairs), tapCount: pairs.length / 2, dxOffset: (rowParity * info.inWidth + colParity) * channels,
        rows: rowClass.count, cols: colClass.count,
      });
    });
  });
  const dyImage = height * width * depth;
  const dxImage = info.inHeight * info.inWidth * channels;
  const chunk = Math.max(1, Math.floor(CACHED_RUN_FLOATS / (dyImage + dxImage)));
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    for (const pass of passes) {
      kernels.convGather(
        origin + first * dyImage * 4, dyImage, width * depth, depth,
        pass.taps, pass.tapCount, depth, transposed, channels,
        dx + (first * dxImage + pass.dxOffset) * 4, dxImage, info.strideHeight * info.inWidth * channels, info.strideWidth * channels,
        count, pass.rows, pass.cols, 0,
      );
    }
  }
  copyOut(engine, backend, dx, dxTensor);
}

/** Whether `conv2dFilterGrad` covers this weight gradient. */
export function coversFilterGrad(info: Info): boolean {
  return plain(info) && channelsFit(info.outChannels, info.inChannels);
}

/**
 * dw = the weight gradient of conv(x, filter) given dy, summed over the batch ([kH][kW][inC][outC]),
 * from and into wasm-backend tensors. Images go through in runs small enough for L2. Call only where
 * `coversFilterGrad(info)`.
 */
export function conv2dFilterGrad(
  engine: KernelModule, backend: WasmBackendLike, info: Info, x: tf.TensorInfo, dyTensor: tf.TensorInfo, dwTensor: tf.TensorInfo,
): void {
  const kernels = convExports(engine);
  engine.reset();
  const framed = frameTensor(engine, backend, x, inputMargins(info));
  const dy = copyIn(engine, backend, dyTensor);
  const dw = engine.allocFloats(tf.util.sizeFromShape(dwTensor.shape));
  const channels = info.inChannels;
  const offsets = tapOffsets(info, framed.width);
  const taps = putInts(engine, offsets);
  const tapCount = offsets.length;
  engine.floats().fill(0, dw / 4, dw / 4 + tapCount * channels * info.outChannels);
  const imageFloats = framed.height * framed.width * channels;
  const dyImageFloats = info.outHeight * info.outWidth * info.outChannels;
  const chunk = Math.max(1, Math.floor(CACHED_RUN_FLOATS / (imageFloats + dyImageFloats)));
  const pass = info.outChannels % 4 === 0 ? kernels.convFilterGrad : kernels.convFilterGradDot;
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    pass(
      framed.at + first * imageFloats * 4, imageFloats, info.strideHeight * framed.width * channels, info.strideWidth * channels,
      taps, tapCount, channels,
      dy + first * dyImageFloats * 4, info.outChannels, count, info.outHeight, info.outWidth, dw,
    );
  }
  copyOut(engine, backend, dw, dwTensor);
}
