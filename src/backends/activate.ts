// Which TensorFlow.js backends this browser can run, and switching between them.
// Runs inside the training worker. Feature detection first, then `tf.setBackend`, which itself
// fails cleanly (returns false) when a backend cannot start; the caller measures the survivors.
import * as tf from '../lib/tf';
import type { BackendName } from './backendName';
import type { GraphicsFacts } from './backendGuess';
import { installWasmKernels } from '../engine/wasmKernels';

/** Fastest-first guess used to order self-tests and fallbacks before anything is measured. */
export const BACKEND_PREFERENCE: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown | null> };
}

/** Backends whose browser feature exists here; a listed one may still fail to start. */
export async function detectBackends(): Promise<{ available: BackendName[]; missing: Map<BackendName, string> }> {
  const { available, missing } = await probeGraphics();
  return { available: [...available], missing: new Map(missing) };
}

/**
 * What the graphics stack says about itself, for the first guess of a backend (see backendGuess):
 * renderer and adapter names show a software rasteriser (SwiftShader, llvmpipe) without training.
 */
export async function readGraphicsFacts(): Promise<GraphicsFacts> {
  const { available, webglRenderer, adapter, wasmTrainsConv } = await probeGraphics();
  return { available: [...available], webglRenderer, webgpuAdapter: adapter.description, webgpuIsFallback: adapter.isFallback, wasmTrainsConv };
}

interface GraphicsProbe {
  available: readonly BackendName[];
  missing: ReadonlyMap<BackendName, string>;
  webglRenderer: string;
  adapter: { description: string; isFallback: boolean };
  wasmTrainsConv: boolean;
}

let graphicsProbe: Promise<GraphicsProbe> | null = null;

/**
 * The graphics do not change while the page lives: they are probed once, with one adapter request
 * and one WebGL context (each took about 100 ms on a software renderer, and they were asked for
 * three times on the way to the first model). The adapter request, the wasm package's import and
 * the WebGL context, which blocks this thread, run side by side.
 */
function probeGraphics(): Promise<GraphicsProbe> {
  graphicsProbe ??= probeGraphicsOnce();
  return graphicsProbe;
}

async function probeGraphicsOnce(): Promise<GraphicsProbe> {
  const missing = new Map<BackendName, string>();
  const gpu = (globalThis as { navigator?: GpuNavigator }).navigator?.gpu;
  const hasWasm = typeof WebAssembly === 'object';
  const adapterAsked = gpu ? webgpuAdapterFacts(gpu) : Promise.resolve(null);
  const wasmAsked = hasWasm ? wasmHasConvTraining() : Promise.resolve(false);
  const webgl = probeWebGl2();
  const adapter = await adapterAsked;
  if (!gpu) missing.set('webgpu', 'this browser has no WebGPU');
  else if (!adapter) missing.set('webgpu', 'no WebGPU adapter');
  if (!webgl) missing.set('webgl', 'no WebGL 2 context');
  if (!hasWasm) missing.set('wasm', 'no WebAssembly');
  return {
    available: BACKEND_PREFERENCE.filter((name) => !missing.has(name)),
    missing,
    webglRenderer: webgl?.renderer ?? '',
    adapter: adapter ?? { description: '', isFallback: false },
    wasmTrainsConv: await wasmAsked,
  };
}

/** Whether the wasm backend (with the engine's kernels) has every kernel a conv model's gradient needs. */
async function wasmHasConvTraining(): Promise<boolean> {
  try {
    await register('wasm');
    return CONV_TRAINING_KERNELS.every((kernel) => tf.getKernel(kernel, 'wasm') !== undefined);
  } catch {
    return false;
  }
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

/** The adapter's names, or null where no adapter is given (or asking failed). */
async function webgpuAdapterFacts(gpu: NonNullable<GpuNavigator['gpu']>): Promise<{ description: string; isFallback: boolean } | null> {
  try {
    const adapter = (await gpu.requestAdapter()) as
      | { info?: AdapterInfoLike; isFallbackAdapter?: boolean; requestAdapterInfo?: () => Promise<AdapterInfoLike> }
      | null
      | undefined;
    if (!adapter) return null;
    let info: AdapterInfoLike = {};
    try {
      info = adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
    } catch {
      // An adapter without readable names is still an adapter.
    }
    const description = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
    return { description, isFallback: Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) };
  } catch {
    return null;
  }
}

/** One WebGL 2 context, made and released: whether it exists, and its renderer's name. */
function probeWebGl2(): { renderer: string } | null {
  try {
    if (typeof OffscreenCanvas === 'undefined') return null;
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return null;
    let renderer = '';
    try {
      const debug = gl.getExtension('WEBGL_debug_renderer_info');
      renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    } catch {
      renderer = '';
    }
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { renderer };
  } catch {
    return null;
  }
}

const registered = new Set<BackendName>(['cpu']);
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
  if (name === 'webgl') {
    await import('@tensorflow/tfjs-backend-webgl');
  } else if (name === 'webgpu') {
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
