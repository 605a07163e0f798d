// Sum over every axis but the last, on the engine: the bias gradient of a conv (or dense) layer,
// dL/db = sum over batch, rows and columns of dy. tfjs's wasm Sum reduces innermost axes only, so for
// these axes it first transposes the whole NHWC gradient (3 ms a step for the conv kind's 28x28x16
// map at batch 128); the engine's column sums read it once, in place.
import * as tf from '../lib/tf';
import type { KernelModule } from './kernelModule';
import { copyIn, copyOut, type WasmBackendLike } from './wasmHeap';

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** The reduction's output, or null where it is not a float32 sum over exactly the leading axes. */
export function leadingAxesSum(engine: KernelModule, args: KernelArgs): tf.TensorInfo | null {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  if (x.dtype !== 'float32' || rank < 2) return null;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  if (axes.length !== rank - 1 || axes.some((a, i) => a !== i)) return null;
  const backend = args.backend as unknown as WasmBackendLike;
  const cols = x.shape[rank - 1];
  const rows = tf.util.sizeFromShape(x.shape) / Math.max(1, cols);
  const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, -1).map(() => 1), cols] : [cols], 'float32');
  if (cols === 0) return out;
  engine.reset();
  const xAt = copyIn(engine, backend, x);
  const sums = engine.allocFloats(cols);
  engine.exports.columnSums(xAt, rows, cols, sums);
  copyOut(engine, backend, sums, out);
  return out;
}
