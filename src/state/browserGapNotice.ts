// One notice, in plain words, for what this browser lacks: what the app falls back to, and what
// that costs. Shown once a page (state/controller.ts), whatever number of workers report it.
import type { BrowserGap } from '../train/protocol';

const SENTENCES: Record<BrowserGap, string> = {
  webgpu: "no WebGPU, so the GPU trains through WebGL, without the app's own one-pass GPU step (slower per image)",
  webgl2: 'no WebGL 2, so the GPU trains only through WebGPU',
  simd:
    "no WebAssembly SIMD, so the CPU trains without the app's fast kernels (plain WebAssembly or JavaScript): several times slower, so a smaller model or fewer images helps",
  sharedMemory: 'no shared memory between threads, so WebAssembly trains on one core',
};
/** Both GPU paths missing say one thing: the CPU trains. */
const NO_GPU = 'no GPU access for training (neither WebGPU nor WebGL 2), so the CPU trains, with WebAssembly';

let told = false;
/** Remembers, in this browser, which gaps were told: a class reloading the page hears them once. */
const TOLD_KEY = 'latent-explorer:browser-gaps-told';

/**
 * Notify the notice for `gaps` the first time any controller of this page hears of them (a
 * replaced worker, or the second model of a comparison, finds the same browser), and not again in
 * this browser until what it lacks changes.
 */
export function tellBrowserGapsOnce(gaps: readonly BrowserGap[], notify: (text: string) => void, storage: Pick<Storage, 'getItem' | 'setItem'> | null = pageStorage()): void {
  const text = browserGapNotice(gaps);
  if (told || text === null) return;
  told = true;
  const key = gaps.join(',');
  try {
    if (storage?.getItem(TOLD_KEY) === key) return;
    storage?.setItem(TOLD_KEY, key);
  } catch {
    // Storage refused (a private window, a policy): tell it every visit instead.
  }
  notify(text);
}

function pageStorage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** Forget that the notice was told on this page (tests). */
export function forgetBrowserGapsTold(): void {
  told = false;
}

/** The notice for `gaps`, or null when nothing is missing. */
export function browserGapNotice(gaps: readonly BrowserGap[]): string | null {
  if (gaps.length === 0) return null;
  const noGpu = gaps.includes('webgpu') && gaps.includes('webgl2');
  const parts = noGpu ? [NO_GPU, ...gaps.filter((gap) => gap !== 'webgpu' && gap !== 'webgl2').map((gap) => SENTENCES[gap])] : gaps.map((gap) => SENTENCES[gap]);
  return `This browser has ${joinWithAnd(parts)}. Everything else works as usual.`;
}

function joinWithAnd(parts: readonly string[]): string {
  if (parts.length === 1) return parts[0];
  return `${parts.slice(0, -1).join('; ')}; and ${parts[parts.length - 1]}`;
}
