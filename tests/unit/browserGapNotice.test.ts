import { beforeEach, describe, expect, it, vi } from 'vitest';
import { browserGapNotice, forgetBrowserGapsTold, tellBrowserGapsOnce } from '../../src/state/browserGapNotice';

function memoryStorage() {
  const values = new Map<string, string>();
  return { getItem: (key: string) => values.get(key) ?? null, setItem: (key: string, value: string) => void values.set(key, value) };
}

describe('what a browser lacks, in one notice', () => {
  beforeEach(() => forgetBrowserGapsTold());

  it('says nothing when nothing is missing, and names each gap with its fallback and cost', () => {
    expect(browserGapNotice([])).toBeNull();
    expect(browserGapNotice(['webgpu'])).toMatch(/^This browser has no WebGPU, so the GPU trains through WebGL/);
    expect(browserGapNotice(['webgl2'])).toMatch(/^This browser has no WebGL 2, so the GPU trains only through WebGPU/);
    const text = browserGapNotice(['webgpu', 'webgl2', 'simd', 'sharedMemory']) ?? '';
    // Without either GPU path the notice says the CPU trains, not that each stands in for the other.
    expect(text).toMatch(/^This browser has no GPU access for training \(neither WebGPU nor WebGL 2\), so the CPU trains/);
    expect(text).not.toMatch(/through WebGL|through WebGPU/);
    expect(text).toMatch(/no WebAssembly SIMD, so the CPU trains without the app's fast kernels.*several times slower/);
    expect(text).toMatch(/and no shared memory between threads, so WebAssembly trains on one core\. Everything else works as usual\.$/);
    expect(browserGapNotice(['sharedMemory'])).toBe('This browser has no shared memory between threads, so WebAssembly trains on one core. Everything else works as usual.');
  });

  it('tells once a page, and once a browser until the gaps change', () => {
    const storage = memoryStorage();
    const notify = vi.fn();
    tellBrowserGapsOnce(['webgpu'], notify, storage);
    tellBrowserGapsOnce(['webgpu'], notify, storage);
    expect(notify).toHaveBeenCalledTimes(1);
    forgetBrowserGapsTold(); // a reload
    tellBrowserGapsOnce(['webgpu'], notify, storage);
    expect(notify).toHaveBeenCalledTimes(1);
    forgetBrowserGapsTold();
    tellBrowserGapsOnce(['webgpu', 'sharedMemory'], notify, storage);
    expect(notify).toHaveBeenCalledTimes(2);
  });

  it('tells every visit where storage refuses, and never for no gaps', () => {
    const refusing = { getItem: () => { throw new Error('denied'); }, setItem: () => { throw new Error('denied'); } };
    const notify = vi.fn();
    tellBrowserGapsOnce([], notify, refusing);
    expect(notify).not.toHaveBeenCalled();
    tellBrowserGapsOnce(['simd'], notify, refusing);
    expect(notify).toHaveBeenCalledTimes(1);
  });
});
