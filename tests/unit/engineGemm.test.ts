import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/lib/rng';
import { loadKernelModule, type KernelModule } from '../../src/engine/kernelModule';

let kernels: KernelModule;
beforeAll(async () => {
  kernels = await loadKernelModule();
});

function randomMatrix(count: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: count }, () => rng.next() * 2 - 1);
}

/** The textbook triple loop in float64, on the stored layouts the GEMM takes. */
function naiveProduct(a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = sum;
    }
  }
  return c;
}

function engineProduct(a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean, start?: Float32Array): Float32Array {
  kernels.reset();
  const aAt = kernels.put(a);
  const bAt = kernels.put(b);
  const cAt = start ? kernels.put(start) : kernels.allocFloats(m * n);
  kernels.gemmAt(aAt, bAt, cAt, m, n, k, transA, transB, start !== undefined);
  return kernels.floats().slice(cAt / 4, cAt / 4 + m * n);
}

/** Largest error relative to the size of the terms summed (|A| |B|), which bounds float32 rounding. */
function worstRelativeError(got: Float32Array, want: Float64Array, k: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.sqrt(k)));
  return worst;
}

const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [3, 17, 1],
  [17, 3, 5],
  [7, 9, 300],
  [13, 33, 257],
  [64, 128, 784],
  [5, 784, 128],
  [1, 600, 3],
];

describe('the engine GEMM', () => {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`matches a naive product for every size tried, transposeA=${transA} transposeB=${transB}`, () => {
        SIZES.forEach(([m, n, k], index) => {
          const a = randomMatrix(m * k, 10 + index);
          const b = randomMatrix(k * n, 20 + index);
          const got = engineProduct(a, b, m, n, k, transA, transB);
          expect(worstRelativeError(got, naiveProduct(a, b, m, n, k, transA, transB), k), `${m}x${k} . ${k}x${n}`).toBeLessThan(1e-5);
        });
      });
    }
  }

  it('adds onto C when accumulating, across depth blocks and column blocks', () => {
    const [m, n, k] = [9, 530, 700];
    const a = randomMatrix(m * k, 1);
    const b = randomMatrix(k * n, 2);
    const start = randomMatrix(m * n, 3);
    const got = engineProduct(a, b, m, n, k, true, false, start);
    const want = naiveProduct(a, b, m, n, k, true, false).map((value, i) => value + start[i]);
    expect(worstRelativeError(got, want, k)).toBeLessThan(1e-5);
  });

  it('gives zeros for an empty inner dimension', () => {
    expect(Array.from(engineProduct(new Float32Array(0), new Float32Array(0), 2, 3, 0, false, false))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('leaves memory outside C untouched, also on edge tiles', () => {
    const [m, n, k] = [5, 11, 7];
    kernels.reset();
    const aAt = kernels.put(randomMatrix(m * k, 4));
    const bAt = kernels.put(randomMatrix(k * n, 5));
    const guard = 16;
    const cAt = kernels.allocFloats(m * n + 2 * guard) + guard * 4;
    const floats = kernels.floats();
    floats.fill(42, cAt / 4 - guard, cAt / 4 + m * n + guard);
    kernels.gemmAt(aAt, bAt, cAt, m, n, k, false, false);
    const after = kernels.floats();
    for (let i = 1; i <= guard; i++) {
      expect(after[cAt / 4 - i]).toBe(42);
      expect(after[cAt / 4 + m * n - 1 + i]).toBe(42);
    }
  });
});
