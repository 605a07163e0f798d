// The kernels on one WebAssembly.Memory shared between threads (a SharedArrayBuffer): the builds
// compiled with --importMemory --sharedMemory (scripts/build-wasm.mjs), which allocate nothing, so
// every thread can run them on buffers the coordinating thread lays out.
import { KERNELS_SHARED_RELAXED_WASM_BASE64, KERNELS_SHARED_WASM_BASE64 } from '../generated/kernelsWasm.js';
import { kernelBuild, KernelModule, type KernelExports } from '../kernelModule';

/** The shared memory's most pages: scripts/build-wasm.mjs compiles the same figure into the module. */
const SHARED_MAXIMUM_PAGES = 16384;
const INITIAL_PAGES = 16;

/** Whether this context can share memory between threads: cross-origin isolated, with shared wasm memory. */
export function sharedMemorySupported(): boolean {
  try {
    if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
    const scope = globalThis as { crossOriginIsolated?: boolean };
    if (scope.crossOriginIsolated === false) return false;
    const probe = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return probe.buffer instanceof SharedArrayBuffer && WebAssembly.validate(sharedKernelBytes());
  } catch {
    return false;
  }
}

/** The shared build matching the one this thread runs (relaxed SIMD where it validates). */
function sharedKernelBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(kernelBuild() === 'relaxed-simd' ? KERNELS_SHARED_RELAXED_WASM_BASE64 : KERNELS_SHARED_WASM_BASE64);
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

export function compileSharedKernels(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(sharedKernelBytes());
}

export function createSharedMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: SHARED_MAXIMUM_PAGES, shared: true });
}

/** An instance of the shared build on `memory`: each thread makes its own, all on the one memory. */
export async function instantiateOnMemory(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelExports> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}

/** The coordinating thread's view: the same bump allocator as the one-thread engine, on the shared memory. */
export async function coordinatorKernels(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<KernelModule> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return new KernelModule(instance);
}
