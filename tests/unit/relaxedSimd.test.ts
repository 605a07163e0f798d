import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { kernelBuild, kernelBytes } from '../../src/engine/kernelModule';

/** Node 20 runs relaxed SIMD only behind this flag; Chromium 114+ ships it. */
const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

interface ProbeResult {
  relaxedValidates: boolean;
  cases?: number;
  worstRelativeDifference?: number;
}

function runProbe(flags: string[]): ProbeResult {
  const output = execFileSync(process.execPath, [...flags, 'tests/fixtures/relaxedGemmProbe.mjs'], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as ProbeResult;
}

describe('the relaxed-SIMD build of the kernels', () => {
  it('is chosen exactly when this engine validates its bytes, and the plain build always validates', () => {
    expect(WebAssembly.validate(kernelBytes('simd'))).toBe(true);
    const relaxedHere = WebAssembly.validate(kernelBytes('relaxed-simd'));
    expect(kernelBuild()).toBe(relaxedHere ? 'relaxed-simd' : 'simd');
  });

  it('differs from the plain build', () => {
    expect(Buffer.from(kernelBytes('relaxed-simd')).equals(Buffer.from(kernelBytes('simd')))).toBe(false);
  });

  it('computes the plain build’s products within float32 rounding, in a Node started with the relaxed-SIMD flag', () => {
    const probe = runProbe([RELAXED_FLAG]);
    if (!probe.relaxedValidates) {
      // A Node whose V8 has neither the feature nor the flag: nothing to compare here.
      console.warn(`relaxed SIMD does not validate in ${process.version} even with ${RELAXED_FLAG}; comparison skipped`);
      return;
    }
    expect(probe.cases).toBe(24);
    // Fused multiply-adds round once instead of twice: differences of a few ulps of the sum's terms.
    expect(probe.worstRelativeDifference).toBeLessThan(1e-5);
  });
});
