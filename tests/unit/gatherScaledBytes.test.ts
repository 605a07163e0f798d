// The engine's batch gather (assembly/kernels.ts gatherScaledBytes): images picked from the
// dataset's bytes and scaled to [0, 1] in the kernels must be the very numbers the JS path and
// every other engine make, byte / 255 in double rounded to float32, for every byte value.
import { describe, expect, it } from 'vitest';
import { kernelModuleIfLoaded } from '../../src/engine/kernelModule';
import { scaledImages } from '../../src/train/engines/batchPixels';
import { useWasmEngine } from '../fixtures/wasmEngine';

useWasmEngine();

describe('the batch gathered and scaled in the kernels', () => {
  it('gives byte / 255 as float32 for all 256 bytes, at any row length, in the order asked', () => {
    const kernels = kernelModuleIfLoaded();
    if (!kernels) throw new Error('kernels not loaded');
    // 37 bytes a row: two 16-byte vectors and a scalar tail of 5.
    for (const pixelsPerImage of [37, 784, 3]) {
      const images = 300;
      const bytes = Uint8Array.from({ length: images * pixelsPerImage }, (_, i) => (i * 7 + (i >> 8)) & 255);
      const indices = Int32Array.from([299, 0, 5, 5, 128, 17]);
      kernels.reset();
      const bytesAt = kernels.alloc(bytes.length);
      new Uint8Array(kernels.exports.memory.buffer, bytesAt, bytes.length).set(bytes);
      const indicesAt = kernels.alloc(indices.length * 4);
      new Int32Array(kernels.exports.memory.buffer, indicesAt, indices.length).set(indices);
      const out = kernels.allocFloats(indices.length * pixelsPerImage);
      kernels.exports.gatherScaledBytes(bytesAt, indicesAt, indices.length, pixelsPerImage, out);
      const got = kernels.floats().slice(out / 4, out / 4 + indices.length * pixelsPerImage);
      expect(got).toEqual(scaledImages(bytes, indices, pixelsPerImage));
    }
    // Every byte value once, against double division rounded to float32.
    kernels.reset();
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const bytesAt = kernels.alloc(256);
    new Uint8Array(kernels.exports.memory.buffer, bytesAt, 256).set(all);
    const indicesAt = kernels.alloc(4);
    new Int32Array(kernels.exports.memory.buffer, indicesAt, 1).set([0]);
    const out = kernels.allocFloats(256);
    kernels.exports.gatherScaledBytes(bytesAt, indicesAt, 1, 256, out);
    const got = kernels.floats().slice(out / 4, out / 4 + 256);
    all.forEach((byte) => expect(got[byte], `byte ${byte}`).toBe(Math.fround(byte / 255)));
  });
});
