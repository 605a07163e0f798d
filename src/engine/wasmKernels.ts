// Replacement kernels for the tfjs wasm backend: BatchMatMul and _FusedMatMul through the engine's
// SIMD GEMM (every transpose combination at full speed); Conv2D, FusedConv2D, Conv2DBackpropInput and
// the missing Conv2DBackpropFilter through the engine's direct NHWC kernels (convKernels.ts) where
// their channel counts suit them, else through im2col / col2im and the same GEMM; and Sum over the
// leading axes (a bias gradient) as column sums. Operands are copied from
// the backend's heap into the engine's memory and the result back; the copies cost a few percent
// of a product (see docs/engine.md, "What was measured, and the choice it led to"). Identity
// shares its input's data instead of copying it, as the CPU backend's does: the gradient tape
// clones every tensor it saves.
import * as tf from '../lib/tf';
import { ACTIVATION_CODES, loadKernelModule, type EngineActivation, type KernelModule } from './kernelModule';
import {
  conv2dFilterGrad, conv2dForward, conv2dInputGrad, coversFilterGrad, coversForward, coversInputGrad,
} from './convKernels';
import { leadingAxesSum } from './leadingSum';
import { copyIn, copyOut, type WasmBackendLike } from './wasmHeap';

type KernelArgs = Parameters<tf.KernelFunc>[0];
type KernelResult = ReturnType<tf.KernelFunc>;

/** Kernels this module replaces or adds, by tfjs kernel name. */
const KERNEL_NAMES = [
  'BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'Identity', 'Sum',
] as const;
type EngineKernelName = (typeof KERNEL_NAMES)[number];

/** The backend's own kernels, kept to serve the cases ours do not cover (other dtypes, odd broadcasts). */
const originals = new Map<EngineKernelName, tf.KernelConfig>();
let kernels: KernelModule | null = null;
let installed = false;

/** Images per im2col chunk target: about this many patch floats, so a chunk's columns stay in L2. */
const IM2COL_CHUNK_FLOATS = 1 << 18;

function delegate(name: EngineKernelName, args: KernelArgs): KernelResult {
  const original = originals.get(name);
  if (!original) throw new Error(`engine kernel: ${name} has no wasm fallback for these inputs`);
  return original.kernelFunc(args);
}

interface ProductShape {
  batchA: number;
  batchB: number;
  batch: number;
  m: number;
  n: number;
  k: number;
  outShape: number[];
}

/** Shapes of a batched product, or null when the broadcast is one our loop does not do (delegated). */
function productShape(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): ProductShape | null {
  const aRank = aShape.length;
  const bRank = bShape.length;
  const k = transposeA ? aShape[aRank - 2] : aShape[aRank - 1];
  const kB = transposeB ? bShape[bRank - 1] : bShape[bRank - 2];
  if (k !== kB) {
    throw new Error(
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${aShape} and ${bShape} and ` +
        `transposeA=${transposeA} and transposeB=${transposeB} must match.`,
    );
  }
  const m = transposeA ? aShape[aRank - 1] : aShape[aRank - 2];
  const n = transposeB ? bShape[bRank - 2] : bShape[bRank - 1];
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  const batch = tf.util.sizeFromShape(outer);
  // Pairs batch i with batch i, or one matrix with all: anything else is a real broadcast.
  const simple = (batchA === batch || batchA === 1) && (batchB === batch || batchB === 1);
  if (!simple) return null;
  return { batchA, batchB, batch, m, n, k, outShape: [...outer, m, n] };
}

/** op(A) . op(B) for every batch into the engine's memory; returns the product's offset there. */
function batchedProduct(
  engine: KernelModule, backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo,
  shape: ProductShape, transposeA: boolean, transposeB: boolean,
): number {
  const aAt = copyIn(engine, backend, a);
  const bAt = copyIn(engine, backend, b);
  const { m, n, k } = shape;
  const cAt = engine.allocFloats(shape.batch * m * n);
  for (let i = 0; i < shape.batch; i++) {
    const aOffset = aAt + (shape.batchA === 1 ? 0 : i * m * k * 4);
    const bOffset = bAt + (shape.batchB === 1 ? 0 : i * k * n * 4);
    engine.gemmAt(aOffset, bOffset, cAt + i * m * n * 4, m, n, k, transposeA, transposeB);
  }
  return cAt;
}

function batchMatMul(args: KernelArgs): KernelResult {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend as unknown as WasmBackendLike;
  const engine = kernels;
  if (!engine || a.dtype !== 'float32' || b.dtype !== 'float32') return delegate('BatchMatMul', args);
  const shape = productShape(a.shape, b.shape, transposeA, transposeB);
  if (!shape) return delegate('BatchMatMul', args);
  const out = backend.makeOutput(shape.outShape, 'float32');
  if (shape.batch * shape.m * shape.n === 0) return out;
  engine.reset();
  const product = batchedProduct(engine, backend, a, b, shape, transposeA, transposeB);
  copyOut(engine, backend, product, out);
  return out;
}

function fusedMatMul(args: KernelArgs): KernelResult {
  const { a, b, bias, preluActivationWeights } = args.inputs as {
    a: tf.TensorInfo;
    b: tf.TensorInfo;
    bias?: tf.TensorInfo;
    preluActivationWeights?: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as { transposeA: boolean; transposeB: boolean; activation: string; leakyreluAlpha?: number };
  const backend = args.backend as unknown as WasmBackendLike;
  const engine = kernels;
  const activation = attrs.activation as EngineActivation;
  if (!engine || a.dtype !== 'float32' || b.dtype !== 'float32' || preluActivationWeights || !(activation in ACTIVATION_CODES)) {
    return delegate('_FusedMatMul', args);
  }
  const shape = productShape(a.shape, b.shape, attrs.transposeA, attrs.transposeB);
  const biasSize = bias ? tf.util.sizeFromShape(bias.shape) : 0;
  // Our bias is one value per output column (or one for all), the dense layer's case.
  const biasFits = !bias || (bias.dtype === 'float32' && (biasSize === 1 || (bias.shape[bias.shape.length - 1] === shape?.n && biasSize === shape?.n)));
  if (!shape || !biasFits) return delegate('_FusedMatMul', args);
  const out = backend.makeOutput(shape.outShape, 'float32');
  const count = shape.batch * shape.m * shape.n;
  if (count === 0) return out;
  engine.reset();
  const product = batchedProduct(engine, backend, a, b, shape, attrs.transposeA, attrs.transposeB);
  if (bias) {
    const biasAt = copyIn(engine, backend, bias);
    engine.exports.addBias(product, shape.batch * shape.m, shape.n, biasAt, biasSize);
  }
  engine.exports.activate(product, count, ACTIVATION_CODES[activation], attrs.leakyreluAlpha ?? 0.2);
  copyOut(engine, backend, product, out);
  return out;
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function convInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  );
}

/** Images per im2col chunk for this convolution (at least one). */
function imagesPerChunk(info: tf.backend_util.Conv2DInfo): number {
  const perImage = info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels;
  return Math.max(1, Math.min(info.batchSize, Math.floor(IM2COL_CHUNK_FLOATS / Math.max(1, perImage))));
}

/** im2col of images [first, first + count) of `x` (in engine memory) into `cols`. */
function patches(engine: KernelModule, info: tf.backend_util.Conv2DInfo, x: number, first: number, count: number, cols: number): void {
  const imageBytes = info.inHeight * info.inWidth * info.inChannels * 4;
  engine.exports.im2col(
    x + first * imageBytes, cols, count, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
    info.dilationHeight, info.dilationWidth,
  );
}

function conv2d(args: KernelArgs): KernelResult {
  const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs;
  const backend = args.backend as unknown as WasmBackendLike;
  const engine = kernels;
  if (!engine || x.dtype !== 'float32' || attrs.dataFormat === 'NCHW') return delegate('Conv2D', args);
  const info = convInfo(x.shape, filter.shape, attrs);
  const out = backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
  const rowsPerImage = info.outHeight * info.outWidth;
  const depth = info.filterHeight * info.filterWidth * info.inChannels;
  if (info.batchSize * rowsPerImage * info.outChannels === 0) return out;
  if (coversForward(info)) {
    conv2dForward(engine, backend, info, x, filter, undefined, out);
    return out;
  }
  engine.reset();
  const xAt = copyIn(engine, backend, x);
  const filterAt = copyIn(engine, backend, filter);
  const outAt = engine.allocFloats(info.batchSize * rowsPerImage * info.outChannels);
  const chunk = imagesPerChunk(info);
  const cols = engine.allocFloats(chunk * rowsPerImage * depth);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    patches(engine, info, xAt, first, count, cols);
    const target = outAt + first * rowsPerImage * info.outChannels * 4;
    engine.gemmAt(cols, filterAt, target, count * rowsPerImage, info.outChannels, depth, false, false);
  }
  copyOut(engine, backend, outAt, out);
  return out;
}

/** dL/dfilter = patches(x)ᵀ . dy, summed over the batch: the kernel tfjs's wasm backend lacks. */
function conv2dBackpropFilter(args: KernelArgs): KernelResult {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  const backend = args.backend as unknown as WasmBackendLike;
  const engine = kernels;
  if (!engine) throw new Error('Conv2DBackpropFilter: the engine kernels are not loaded');
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm supports NHWC only');
  const info = convInfo(x.shape, attrs.filterShape, { ...attrs, dilations: 1 });
  const out = backend.makeOutput([...attrs.filterShape], 'float32');
  if (coversFilterGrad(info) && x.dtype === 'float32') {
    conv2dFilterGrad(engine, backend, info, x, dy, out);
    return out;
  }
  const rowsPerImage = info.outHeight * info.outWidth;
  const depth = info.filterHeight * info.filterWidth * info.inChannels;
  engine.reset();
  const xAt = copyIn(engine, backend, x);
  const dyAt = copyIn(engine, backend, dy);
  const outAt = engine.allocFloats(depth * info.outChannels);
  if (info.batchSize * rowsPerImage === 0) engine.floats().fill(0, outAt / 4, outAt / 4 + depth * info.outChannels);
  const chunk = imagesPerChunk(info);
  const cols = engine.allocFloats(chunk * rowsPerImage * depth);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    patches(engine, info, xAt, first, count, cols);
    const dyChunk = dyAt + first * rowsPerImage * info.outChannels * 4;
    engine.gemmAt(cols, dyChunk, outAt, depth, info.outChannels, count * rowsPerImage, true, false, first > 0);
  }
  copyOut(engine, backend, outAt, out);
  return out;
}

/** dL/dx = col2im(dy . filterᵀ): also the forward pass of a transposed convolution. */
function conv2dBackpropInput(args: KernelArgs): KernelResult {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
  const backend = args.backend as unknown as WasmBackendLike;
  const engine = kernels;
  if (!engine || dy.dtype !== 'float32' || attrs.dataFormat === 'NCHW') return delegate('Conv2DBackpropInput', args);
  const info = convInfo(attrs.inputShape, filter.shape, { ...attrs, dilations: 1 });
  const out = backend.makeOutput([...attrs.inputShape], 'float32');
  const rowsPerImage = info.outHeight * info.outWidth;
  const depth = info.filterHeight * info.filterWidth * info.inChannels;
  const imageFloats = info.inHeight * info.inWidth * info.inChannels;
  if (info.batchSize * imageFloats === 0) return out;
  if (coversInputGrad(info)) {
    conv2dInputGrad(engine, backend, info, dy, filter, out);
    return out;
  }
  engine.reset();
  const dyAt = copyIn(engine, backend, dy);
  const filterAt = copyIn(engine, backend, filter);
  const dxAt = engine.allocFloats(info.batchSize * imageFloats);
  const chunk = imagesPerChunk(info);
  const cols = engine.allocFloats(chunk * rowsPerImage * depth);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    const dyChunk = dyAt + first * rowsPerImage * info.outChannels * 4;
    engine.gemmAt(dyChunk, filterAt, cols, count * rowsPerImage, depth, info.outChannels, false, true);
    engine.exports.col2im(
      cols, dxAt + first * imageFloats * 4, count, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
      info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
      info.dilationHeight, info.dilationWidth,
    );
  }
  copyOut(engine, backend, dxAt, out);
  return out;
}

/**
 * Conv2D with bias and activation (what tfjs-layers dispatches for a conv layer with a linear
 * activation under a gradient tape, and for ReLU / ELU layers outside one): the direct kernel adds the
 * bias per channel and the engine's activation pass follows. Anything else goes to XNNPACK.
 */
function fusedConv2d(args: KernelArgs): KernelResult {
  const { x, filter, bias, preluActivationWeights } = args.inputs as {
    x: tf.TensorInfo;
    filter: tf.TensorInfo;
    bias?: tf.TensorInfo;
    preluActivationWeights?: tf.TensorInfo;
  };
  const attrs = args.attrs as unknown as ConvAttrs & { activation: string; leakyreluAlpha?: number };
  const backend = args.backend as unknown as WasmBackendLike;
  const engine = kernels;
  const activation = attrs.activation as EngineActivation;
  if (!engine || x.dtype !== 'float32' || preluActivationWeights || !(activation in ACTIVATION_CODES) || attrs.dataFormat === 'NCHW') {
    return delegate('FusedConv2D', args);
  }
  const info = convInfo(x.shape, filter.shape, attrs);
  const biasFits = !bias || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === info.outChannels);
  if (!coversForward(info) || !biasFits) return delegate('FusedConv2D', args);
  const out = backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, info.outChannels], 'float32');
  const count = tf.util.sizeFromShape(out.shape);
  if (count === 0) return out;
  conv2dForward(engine, backend, info, x, filter, bias, out, (result) =>
    engine.exports.activate(result, count, ACTIVATION_CODES[activation], attrs.leakyreluAlpha ?? 0.2),
  );
  return out;
}

/** Sum over every axis but the last (a conv layer's bias gradient), which tfjs wasm does by transposing first. */
function sum(args: KernelArgs): KernelResult {
  const engine = kernels;
  return (engine && leadingAxesSum(engine, args)) || delegate('Sum', args);
}

/**
 * The backend's Identity copies its input; under a gradient tape tfjs clones every tensor it saves
 * for backpropagation (about 50 per dense training step, a fifth of the step's time). No wasm
 * kernel writes into its inputs, so sharing the data, as Reshape and the CPU backend do, is safe.
 */
function identity(args: KernelArgs): KernelResult {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string') return delegate('Identity', args);
  const backend = args.backend as unknown as WasmBackendLike;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

const IMPLEMENTATIONS: Record<EngineKernelName, tf.KernelFunc> = {
  BatchMatMul: batchMatMul as tf.KernelFunc,
  _FusedMatMul: fusedMatMul as tf.KernelFunc,
  Conv2D: conv2d as tf.KernelFunc,
  FusedConv2D: fusedConv2d as tf.KernelFunc,
  Conv2DBackpropInput: conv2dBackpropInput as tf.KernelFunc,
  Conv2DBackpropFilter: conv2dBackpropFilter as tf.KernelFunc,
  Identity: identity as tf.KernelFunc,
  Sum: sum as tf.KernelFunc,
};

/**
 * Register the engine's kernels for the wasm backend (once). Call after the backend has started:
 * the originals kept for delegation must already be set up. Returns false where the engine's
 * module cannot run (no WebAssembly SIMD), leaving the backend's own kernels in place.
 */
export async function installWasmKernels(): Promise<boolean> {
  if (installed) return true;
  try {
    kernels = await loadKernelModule();
  } catch {
    return false;
  }
  if (installed) return true;
  for (const name of KERNEL_NAMES) {
    const original = tf.getKernel(name, 'wasm');
    if (original) {
      originals.set(name, original);
      tf.unregisterKernel(name, 'wasm');
    }
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: IMPLEMENTATIONS[name], setupFunc: original?.setupFunc, disposeFunc: original?.disposeFunc });
  }
  installed = true;
  return true;
}

/** Put the backend's own kernels back (Conv2DBackpropFilter, which it lacks, goes away). */
export function uninstallWasmKernels(): void {
  if (!installed) return;
  for (const name of KERNEL_NAMES) {
    tf.unregisterKernel(name, 'wasm');
    const original = originals.get(name);
    if (original) tf.registerKernel(original);
  }
  originals.clear();
  installed = false;
}

/** Whether the engine's kernels are the wasm backend's now. */
export function wasmKernelsInstalled(): boolean {
  return installed;
}
