// Losing the GPU: which backends training is rebuilt on and in which order, what the notice says,
// which errors count as a loss, and the page's decoder copy rebuilding itself from its last weights.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecoderReplica } from '../../src/model/decoderReplica';
import { buildDenseDecoder } from '../../src/model/dense';
import type { AutoencoderSpec } from '../../src/model/spec';
import { snapshotWeights } from '../../src/model/weights';
import type { GpuLossWatch } from '../../src/backends/gpuLoss';
import { isGpuBackend, looksLikeGpuLoss, unlessGpuLost, GpuLostError } from '../../src/backends/gpuLoss';
import {
  GOOD_STATE_INTERVAL_MS,
  LOSS_WINDOW_MS,
  goodStateInterval,
  gpuLossNotice,
  recoveryOrder,
} from '../../src/train/session/gpuRecovery';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const none = new Set<never>();

describe('recoveryOrder', () => {
  it('tries the lost backend again first, then the later ones in webgpu -> webgl -> wasm -> cpu', () => {
    expect(recoveryOrder('webgpu', [1000], 1000, none)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(recoveryOrder('webgl', [1000], 1000, none)).toEqual(['webgl', 'wasm', 'cpu']);
  });

  it('gives up on a backend lost twice within the window, and tries it again once the window has passed', () => {
    expect(recoveryOrder('webgl', [0, 5000], 5000, none)).toEqual(['wasm', 'cpu']);
    expect(recoveryOrder('webgl', [0, LOSS_WINDOW_MS + 10], LOSS_WINDOW_MS + 10, none)).toEqual(['webgl', 'wasm', 'cpu']);
  });

  it('skips backends known broken, and always ends on plain CPU', () => {
    expect(recoveryOrder('webgpu', [0], 0, new Set(['webgl', 'wasm'] as const))).toEqual(['webgpu', 'cpu']);
    expect(recoveryOrder('webgl', [0], 0, new Set(['webgl', 'wasm', 'cpu'] as const))).toEqual(['cpu']);
  });
});

describe('the notice and the words of a loss', () => {
  it('names the cause, where training goes on, the step, and how many steps are trained again', () => {
    expect(gpuLossNotice('webgl', 'WebGL context lost', 'wasm', 340, 352)).toBe(
      'The GPU was lost (WebGL context lost); training goes on on WebAssembly from step 340 (the last 12 steps are trained again).',
    );
    expect(gpuLossNotice('webgl', 'WebGL context lost', 'webgl', 20, 21)).toBe(
      'The GPU was lost (WebGL context lost); training goes on on WebGL again (a fresh context) from step 20 (the last 1 step is trained again).',
    );
    expect(gpuLossNotice('webgpu', 'WebGPU device lost', 'webgpu', 7, 7)).toBe(
      'The GPU was lost (WebGPU device lost); training goes on on WebGPU again (a fresh device) from step 7.',
    );
  });

  it('tells a lost device from other failures', () => {
    expect(looksLikeGpuLoss('WebGL: CONTEXT_LOST_WEBGL: loseContext: context lost')).toBe(true);
    expect(looksLikeGpuLoss('Device is lost')).toBe(true);
    // Seen in Chromium when device.destroy() came while a loss read-back was pending.
    expect(looksLikeGpuLoss("Failed to execute 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved.")).toBe(true);
    expect(looksLikeGpuLoss("Failed to execute 'mapAsync' on 'GPUBuffer': A valid external Instance reference no longer exists.")).toBe(true);
    expect(looksLikeGpuLoss("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'")).toBe(false);
    expect(isGpuBackend('webgl')).toBe(true);
    expect(isGpuBackend('wasm')).toBe(false);
  });

  it('keeps a state at least every few seconds, less often when reading it back is slow', () => {
    expect(goodStateInterval(10)).toBe(GOOD_STATE_INTERVAL_MS);
    expect(goodStateInterval(500)).toBe(10_000);
  });
});

/** A watch whose device is lost when the test says so. */
function fakeWatch(): GpuLossWatch & { lose(reason: string): void } {
  let reason: string | null = null;
  let settle: (why: string) => void = () => {};
  const whenLost = new Promise<string>((resolve) => {
    settle = resolve;
  });
  return {
    backend: 'webgl',
    instance: null,
    lost: () => reason,
    whenLost,
    dispose: () => {},
    lose(why: string) {
      reason = why;
      settle(why);
    },
  };
}

describe('unlessGpuLost', () => {
  it('settles as the work does while the device lives, and rejects at once when it is lost', async () => {
    const watch = fakeWatch();
    await expect(unlessGpuLost(Promise.resolve(3), watch)).resolves.toBe(3);
    const never = new Promise<number>(() => {});
    const raced = unlessGpuLost(never, watch);
    watch.lose('WebGL context lost');
    await expect(raced).rejects.toBeInstanceOf(GpuLostError);
  });
});

describe('DecoderReplica after a GPU loss', () => {
  const spec: AutoencoderSpec = { kind: 'basic', inputShape: [5, 4, 1], hiddenSizes: [8], activation: 'relu', latentDim: 3, loss: 'bce' };

  it('rebuilds itself from the last weights, decodes the same image, and leaks no tensors', async () => {
    const source = buildDenseDecoder(spec, 21);
    const snapshot = await snapshotWeights(source);
    source.dispose();
    const watches: ReturnType<typeof fakeWatch>[] = [];
    const replica = new DecoderReplica(spec, () => {
      const watch = fakeWatch();
      watches.push(watch);
      return watch;
    });
    replica.setWeights(snapshot);
    const code = Float32Array.of(0.3, -1, 2);
    const before = Array.from(replica.decode(code));
    const tensors = tf.memory().numTensors;

    watches[0].lose('WebGL context lost');
    const after = Array.from(replica.decode(code));
    expect(replica.rebuilds).toBe(1);
    expect(watches).toHaveLength(2); // the rebuilt decoder watches its own device
    expect(after).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);

    // A live device: no rebuild, however often it decodes.
    replica.decodeMany(new Float32Array(9), 3);
    expect(replica.rebuilds).toBe(1);
    replica.dispose();
  });

  it('passes other errors on: a wrong-sized code is still refused', () => {
    const replica = new DecoderReplica(spec, () => null);
    expect(() => replica.decodeMany(new Float32Array(2), 1)).toThrow(/needs 3 values per code/);
    replica.dispose();
  });
});
