// Reading and writing tfjs wasm-backend tensors from JS: where a tensor's values sit in the
// backend's heap, and copies between that heap and the engine's own memory (the backend's
// Emscripten build does not expose its WebAssembly.Memory, so the two modules cannot share one).
import * as tf from '../lib/tf';
import type { KernelModule } from './kernelModule';

/** What the engine needs of tfjs's BackendWasm (not exported as a type by the package). */
export interface WasmBackendLike {
  wasm: { HEAPF32: Float32Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number; refCount: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  incRef(dataId: object): void;
}

export function heap(backend: WasmBackendLike): Float32Array {
  return backend.wasm.HEAPF32;
}

/** Float index of a tensor's first value in the backend's heap. */
export function offsetOf(backend: WasmBackendLike, tensor: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (!data) throw new Error('engine kernel: a tensor has no data on the wasm backend');
  return data.memoryOffset / 4;
}

/** Copy a wasm-backend tensor into the engine's memory; returns its byte offset there. */
export function copyIn(engine: KernelModule, backend: WasmBackendLike, tensor: tf.TensorInfo): number {
  const size = tf.util.sizeFromShape(tensor.shape);
  const offset = engine.allocFloats(size);
  const start = offsetOf(backend, tensor);
  engine.floats().set(heap(backend).subarray(start, start + size), offset / 4);
  return offset;
}

/** Copy `output`'s size of floats from the engine's memory at byte offset `from` into `output`. */
export function copyOut(engine: KernelModule, backend: WasmBackendLike, from: number, output: tf.TensorInfo): void {
  const size = tf.util.sizeFromShape(output.shape);
  const start = offsetOf(backend, output);
  heap(backend).set(engine.floats().subarray(from / 4, from / 4 + size), start);
}
