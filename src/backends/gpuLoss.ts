// Noticing that the GPU under the current tfjs backend is gone, and clearing the dead backend so it
// can be built afresh. WebGL: the `webglcontextlost` event on tfjs's canvas (an OffscreenCanvas in a
// worker) and `isContextLost()`; WebGPU: the device's `lost` promise. After a loss, tensors on that
// backend hold nothing trustworthy (reads give zeros or never settle), so callers must not read
// state from it: they go back to the last state read while the device was alive.
import * as tf from '../lib/tf';
import type { BackendName } from './backendName';

export interface GpuLossWatch {
  readonly backend: BackendName;
  /** The tfjs backend object watched: a later one of the same name is a fresh device. */
  readonly instance: object | null;
  /** Why the device was lost, or null while it is alive. Cheap: safe to call every step. */
  lost(): string | null;
  /** Settles with the reason when the device is lost; never rejects. */
  readonly whenLost: Promise<string>;
  dispose(): void;
}

interface WebGlBackendLike {
  gpgpu?: { gl?: WebGL2RenderingContext | WebGLRenderingContext };
}

interface WebGpuBackendLike {
  device?: { lost?: Promise<{ reason?: string; message?: string }>; destroy?: () => void };
}

/** The gl context of tfjs's current webgl backend, or null on any other backend. */
function currentGl(): WebGL2RenderingContext | WebGLRenderingContext | null {
  if (tf.getBackend() !== 'webgl') return null;
  return (tf.backend() as unknown as WebGlBackendLike).gpgpu?.gl ?? null;
}

function currentGpuDevice(): WebGpuBackendLike['device'] | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as WebGpuBackendLike).device ?? null;
}

/** Watch the device of the current tfjs backend. Backends without one are never lost. */
export function watchGpuLoss(): GpuLossWatch {
  const backend = tf.getBackend() as BackendName;
  const instance = backend ? tf.backend() : null;
  let reason: string | null = null;
  let settle: (why: string) => void = () => {};
  const whenLost = new Promise<string>((resolve) => {
    settle = resolve;
  });
  const markLost = (why: string) => {
    if (reason !== null) return;
    reason = why;
    settle(why);
  };
  let stop = () => {};
  const gl = currentGl();
  const device = currentGpuDevice();
  if (gl) {
    const canvas = gl.canvas as EventTarget;
    const onLost = () => markLost('WebGL context lost');
    canvas.addEventListener('webglcontextlost', onLost);
    stop = () => canvas.removeEventListener('webglcontextlost', onLost);
  } else if (device?.lost) {
    let active = true;
    void device.lost.then((info) => {
      if (active) markLost(`WebGPU device lost${info?.message ? `: ${info.message}` : ''}`);
    });
    stop = () => {
      active = false;
    };
  }
  return {
    backend,
    instance,
    lost() {
      // The event is delivered later than the loss; the context itself knows at once.
      if (reason === null && gl?.isContextLost()) markLost('WebGL context lost');
      return reason;
    },
    whenLost,
    dispose: () => stop(),
  };
}

/**
 * Forget a lost backend: dispose it (its context is gone, so this frees nothing on the GPU) and
 * register its factory again, so the next `setBackend` builds a fresh context or device. Does
 * nothing if `name` has been rebuilt since `watch` was taken (another user of tfjs got there first).
 */
export function resetLostBackend(watch: GpuLossWatch): void {
  const name = watch.backend;
  if (tf.findBackend(name) !== watch.instance) return;
  releasePendingReads(watch.instance);
  let factory: ReturnType<typeof tf.findBackendFactory> | null = null;
  try {
    factory = tf.findBackendFactory(name);
  } catch {
    factory = null;
  }
  if (!factory) return;
  try {
    tf.removeBackend(name);
  } catch {
    // A backend that fails to dispose on a dead context is dropped all the same.
  }
  tf.registerBackend(name, factory, name === 'webgpu' ? 3 : 2);
}

interface PollingGpgpu {
  itemsToPoll?: { resolveFn(): void }[];
}

/**
 * WebGL reads wait on fences that a lost context never signals, and tfjs polls them forever (a
 * busy loop, and the tensors of the step that waits are never freed). Let them all finish now:
 * they read zeros, which nobody uses, and free their tensors.
 */
function releasePendingReads(instance: object | null): void {
  const gpgpu = (instance as { gpgpu?: PollingGpgpu } | null)?.gpgpu;
  if (!gpgpu || !Array.isArray(gpgpu.itemsToPoll)) return;
  const waiting = gpgpu.itemsToPoll;
  gpgpu.itemsToPoll = [];
  for (const item of waiting) item.resolveFn();
}

/** Rejects with the loss's reason as soon as `watch` sees one, else settles as `work` does. */
export function unlessGpuLost<T>(work: Promise<T>, watch: GpuLossWatch | null): Promise<T> {
  if (!watch) return work;
  return Promise.race([work, watch.whenLost.then((reason) => Promise.reject(new GpuLostError(reason, watch)))]);
}

export class GpuLostError extends Error {
  /** `watch`: the watch that saw the loss, so a late error from an old device can be told apart. */
  constructor(
    readonly reason: string,
    readonly watch: GpuLossWatch | null = null,
  ) {
    super(`The GPU was lost (${reason}).`);
    this.name = 'GpuLostError';
  }
}

/**
 * Test only: lose the current backend's device the way a driver reset would, where the app owns the
 * context (WebGL: WEBGL_lose_context; WebGPU: device.destroy()). Returns what it did, or why not.
 */
export function loseGpuForTest(): string {
  const gl = currentGl();
  if (gl) {
    const extension = gl.getExtension('WEBGL_lose_context');
    if (!extension) return 'no WEBGL_lose_context';
    extension.loseContext();
    return 'webgl context lost';
  }
  const device = currentGpuDevice();
  if (device?.destroy) {
    device.destroy();
    return 'webgpu device destroyed';
  }
  return `no GPU under the ${tf.getBackend()} backend`;
}

/**
 * Test only: hooks on the worker's global scope that browser specs call through Playwright's
 * `worker.evaluate`, e.g. `worker.evaluate(() => latentExplorerTest.loseGpu())`.
 */
export function installGpuTestHooks(scope: object, readsInFlight: () => number): void {
  Object.assign(scope, {
    latentExplorerTest: {
      loseGpu: loseGpuForTest,
      backend: () => tf.getBackend(),
      tensorCount: () => tf.memory().numTensors,
      // Reads of the trainer not settled yet: each holds the tensors it made until it settles.
      readsInFlight,
    },
  });
}

/** The backends whose device can be lost. */
export function isGpuBackend(name: string | null): boolean {
  return name === 'webgpu' || name === 'webgl';
}

/**
 * Words in an error that mean the device is gone rather than a kernel missing or a bad input. A
 * WebGPU read pending when its device is destroyed fails with "Buffer was unmapped before mapping
 * was resolved" before the device's `lost` promise settles, so those words count too.
 */
const LOSS_WORDS =
  /CONTEXT_LOST|context (was )?lost|device (was |is )?lost|GPUDevice.*(lost|destroyed)|device.*destroyed|unmapped before mapping was resolved|external Instance reference no longer exists/i;

export function looksLikeGpuLoss(message: string): boolean {
  return LOSS_WORDS.test(message);
}
