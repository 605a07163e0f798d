// What this browser lacks of the features the app would use, as the training worker finds them:
// the page turns the list into one plain notice (state/browserGapNotice.ts). Feature detection,
// never the user agent: Safari, Firefox and Chromium differ, and each changes from one version to
// the next.
import { kernelsSupported } from '../engine/kernelModule';
import { detectBackends } from './activate';

/** A feature the app would use and this browser does not give it. */
export type BrowserGap = 'webgpu' | 'webgl2' | 'simd' | 'sharedMemory';

/** The gaps here, in the order the notice names them. */
export async function browserGaps(): Promise<BrowserGap[]> {
  const { missing } = await detectBackends();
  const gaps: BrowserGap[] = [];
  if (missing.has('webgpu')) gaps.push('webgpu');
  if (missing.has('webgl')) gaps.push('webgl2');
  // The engine's kernels are SIMD128 throughout: where they do not validate, neither would any SIMD module.
  if (typeof WebAssembly === 'object' && !kernelsSupported()) gaps.push('simd');
  // Threads share memory only on a cross-origin isolated page, in a browser that offers it.
  const scope = globalThis as { crossOriginIsolated?: boolean };
  if (!(scope.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function')) gaps.push('sharedMemory');
  return gaps;
}
