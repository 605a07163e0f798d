// The backend to start training on before any backend has been measured: a guess from feature
// detection alone (is there a real GPU, or only a software rasteriser?), so Train works at once.
import type { BackendName } from './backendName';

/** What the browser says about its graphics, read without training anything. */
export interface GraphicsFacts {
  /** Backends whose browser feature exists here (a listed one may still fail to start). */
  available: readonly BackendName[];
  /** The WebGL renderer's name (unmasked where the browser allows), or '' if unknown. */
  webglRenderer: string;
  /** The WebGPU adapter's vendor, architecture and description joined, or '' if unknown. */
  webgpuAdapter: string;
  /** The WebGPU adapter says it is a fallback (software) adapter. */
  webgpuIsFallback: boolean;
  /** The wasm backend has every kernel a convolutional model's gradient needs. */
  wasmTrainsConv: boolean;
}

/** Renderers that draw on the CPU: a "GPU" backend there only emulates one, slowly. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|lavapipe|software|microsoft basic render|mesa offscreen/i;

/** Whether the graphics here come from a software rasteriser (or are unknown, which is treated the same). */
export function hasOnlySoftwareGraphics(facts: GraphicsFacts): boolean {
  const webglReal = facts.available.includes('webgl') && facts.webglRenderer !== '' && !SOFTWARE_RENDERER.test(facts.webglRenderer);
  const webgpuReal =
    facts.available.includes('webgpu') && !facts.webgpuIsFallback && facts.webgpuAdapter !== '' && !SOFTWARE_RENDERER.test(facts.webgpuAdapter);
  return !webglReal && !webgpuReal;
}

/**
 * The first backend to train on. Without a real GPU, WebAssembly wins for every model it can train
 * (measured: several times WebGL on SwiftShader); with one, WebGL is the robust GPU path (WebGPU on
 * some adapters has crashed pages on conv models). The background measurement then has the last word.
 */
export function guessBackend(facts: GraphicsFacts, kind: { convolutional: boolean }): BackendName {
  const has = (name: BackendName) => facts.available.includes(name);
  const wasmCanTrain = has('wasm') && (!kind.convolutional || facts.wasmTrainsConv);
  if (hasOnlySoftwareGraphics(facts)) {
    if (wasmCanTrain) return 'wasm';
    // WebGPU on software adapters has crashed pages on conv models: plain CPU is slow but safe.
    return has('webgl') ? 'webgl' : 'cpu';
  }
  if (has('webgl')) return 'webgl';
  if (has('webgpu')) return 'webgpu';
  return wasmCanTrain ? 'wasm' : 'cpu';
}

/** Whether WebGPU here is a software adapter (SwiftShader's fallback adapter, lavapipe): a CPU emulating a GPU. */
function webgpuIsSoftware(facts: GraphicsFacts): boolean {
  return facts.webgpuIsFallback || SOFTWARE_RENDERER.test(facts.webgpuAdapter);
}

/**
 * Backends that cannot train this kind of model here, with the reason the backend picker shows.
 * A software WebGPU adapter runs tfjs's convolutions at about 50 images/s forward (1,000 images in
 * 20 s, where WebGL on the same CPU took 1.4 s): a convolutional model's first map, which encodes
 * the whole dataset, would take minutes before the first training step.
 */
export function backendsUnfitFor(facts: GraphicsFacts, kind: { convolutional: boolean }): Map<BackendName, string> {
  const unfit = new Map<BackendName, string>();
  if (kind.convolutional && facts.available.includes('webgpu') && webgpuIsSoftware(facts)) {
    unfit.set('webgpu', 'too slow for convolutions on a software adapter: minutes before the first step');
  }
  return unfit;
}

/**
 * Backends the background measurement should not time here, with the reason shown in the report.
 * Without a real GPU, WebGL and WebGPU only emulate one on the CPU the training is using: timing
 * them takes a core (SwiftShader spawns threads of its own) from the first seconds of training,
 * and they lost to WebAssembly for every model measured (default dense model: 285 against 1,892
 * images/s; conv: 23 against several hundred). They are still timed where WebAssembly cannot train
 * the model, so a conv model without wasm's conv kernels still finds its fastest backend.
 */
export function backendsNotWorthMeasuring(facts: GraphicsFacts, kind: { convolutional: boolean }): Map<BackendName, string> {
  const skipped = new Map<BackendName, string>();
  if (!hasOnlySoftwareGraphics(facts)) return skipped;
  // WebGPU on software adapters has crashed pages on conv models: never worth the risk.
  skipped.set('webgpu', 'not measured: software adapter');
  const wasmCanTrain = facts.available.includes('wasm') && (!kind.convolutional || facts.wasmTrainsConv);
  if (wasmCanTrain) skipped.set('webgl', 'not measured: software renderer, slower than WebAssembly');
  return skipped;
}
