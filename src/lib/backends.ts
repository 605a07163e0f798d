// Which TensorFlow.js backends this browser can run, and switching between them.
// Runs inside the training worker. Feature detection first, then `tf.setBackend`, which itself
// fails cleanly (returns false) when a backend cannot start; the caller measures the survivors.
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from '../train/protocol';
import type { GraphicsFacts } from './backendGuess';
import { installWasmKernels } from '../engine/wasmKernels';

/** Fastest-first guess used to order self-tests and fallbacks before anything is measured. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown | null> };
}

/** Backends whose browser feature exists here; a listed one may still fail to start. */
export async function detectBackends(): Promise<{ available: BackendName[]; missing: Map<BackendName, string> }> {
  const missing = new Map<BackendName, string>();
  const nav = (globalThis as { navigator?: GpuNavigator }).navigator;
  if (!nav?.gpu) {
    missing.set('webgpu', 'this browser has no WebGPU');
  } else {
    try {
      if (!(await nav.gpu.requestAdapter())) missing.set('webgpu', 'no WebGPU adapter');
    } catch {
      missing.set('webgpu', 'no WebGPU adapter');
    }
  }
  if (!hasWebGl2()) missing.set('webgl', 'no WebGL 2 context');
  if (typeof WebAssembly !== 'object') missing.set('wasm', 'no WebAssembly');
  const available = BACKEND_PREFERENCE.filter((name) => !missing.has(name));
  return { available, missing };
}

/**
 * What the graphics stack says about itself, for the first guess of a backend (see backendGuess):
 * renderer and adapter names show a software rasteriser (SwiftShader, llvmpipe) without training.
 */
export function readGraphicsFacts(): Promise<GraphicsFacts> {
  // The graphics do not change while the page lives: read them once (adapter requests are slow).
  graphicsFacts ??= readGraphicsFactsOnce();
  return graphicsFacts;
}

let graphicsFacts: Promise<GraphicsFacts> | null = null;

async function readGraphicsFactsOnce(): Promise<GraphicsFacts> {
  const { available } = await detectBackends();
  let wasmTrainsConv = false;
  if (available.includes('wasm')) {
    try {
      await register('wasm');
      wasmTrainsConv = CONV_TRAINING_KERNELS.every((kernel) => tf.getKernel(kernel, 'wasm') !== undefined);
    } catch {
      wasmTrainsConv = false;
    }
  }
  const adapter = available.includes('webgpu') ? await webgpuAdapterFacts() : { description: '', isFallback: false };
  return {
    available,
    webglRenderer: available.includes('webgl') ? webglRendererName() : '',
    webgpuAdapter: adapter.description,
    webgpuIsFallback: adapter.isFallback,
    wasmTrainsConv,
  };
}

/** Kernels a conv autoencoder's training step runs (forward and backward of conv2d and its transpose). */
const CONV_TRAINING_KERNELS = ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter'];

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  device?: string;
  isFallbackAdapter?: boolean;
}

async function webgpuAdapterFacts(): Promise<{ description: string; isFallback: boolean }> {
  try {
    const nav = (globalThis as { navigator?: GpuNavigator }).navigator;
    const adapter = (await nav?.gpu?.requestAdapter()) as
      | { info?: AdapterInfoLike; isFallbackAdapter?: boolean; requestAdapterInfo?: () => Promise<AdapterInfoLike> }
      | null
      | undefined;
    if (!adapter) return { description: '', isFallback: false };
    const info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
    const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
    return { description, isFallback: Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) };
  } catch {
    return { description: '', isFallback: false };
  }
}

function webglRendererName(): string {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return '';
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return '';
  }
}

function hasWebGl2(): boolean {
  try {
    if (typeof OffscreenCanvas === 'undefined') return false;
    return new OffscreenCanvas(1, 1).getContext('webgl2') !== null;
  } catch {
    return false;
  }
}

const registered = new Set<BackendName>(['webgl', 'cpu']);
let wasmThreadCount: (() => number) | null = null;

/**
 * Threads the wasm backend runs on: more than one only where the page is cross-origin isolated
 * (SharedArrayBuffer) and the browser supports wasm threads.
 */
export function wasmThreads(): number {
  return wasmThreadCount?.() ?? 1;
}

let engineKernelsWanted = true;

/**
 * Whether the wasm backend runs with the engine's kernels (src/engine: SIMD GEMM for every matmul,
 * conv training kernels); on by default. Only the benchmark's bare baseline turns them off, before
 * its first activateBackend('wasm').
 */
export function setEngineKernelsEnabled(enabled: boolean): void {
  engineKernelsWanted = enabled;
}

/**
 * The threaded wasm build starts a pool of 8 helper workers in every worker that loads it, yet
 * XNNPACK runs on half the logical cores, so below 4 cores it computes on one thread anyway: the
 * pool only costs start-up time, memory, and loads cut short when a measuring worker is closed.
 */
function threadsWorthStarting(): boolean {
  return (globalThis.navigator?.hardwareConcurrency ?? 1) >= 4;
}

/** Load the optional backend packages only when asked for: they are large. */
async function register(name: BackendName): Promise<void> {
  if (registered.has(name)) return;
  if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasmThreadCount = wasm.getThreadsCount;
    if (!threadsWorthStarting()) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const [plain, simd, threaded] = await Promise.all([
      import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
      import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
      import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
    ]);
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': plain.default,
      'tfjs-backend-wasm-simd.wasm': simd.default,
      'tfjs-backend-wasm-threaded-simd.wasm': threaded.default,
    });
    // Without WebAssembly SIMD this resolves false and the backend keeps its own kernels.
    if (engineKernelsWanted) await installWasmKernels();
  }
  registered.add(name);
}

/** Make `name` the active backend. Throws with a readable reason when it cannot start. */
export async function activateBackend(name: BackendName): Promise<void> {
  await register(name);
  let started = false;
  try {
    started = await tf.setBackend(name);
  } catch (error) {
    throw new Error(`${name} could not start: ${errorText(error)}`);
  }
  if (!started) throw new Error(`${name} could not start`);
  await tf.ready();
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
