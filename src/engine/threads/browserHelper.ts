// A pool helper as a module Worker the bundler emits (allowed by the page's CSP: worker-src 'self' blob:).
import type { HelperHandle } from './chainPool';

export function spawnBrowserHelper(): HelperHandle {
  const worker = new Worker(new URL('./chainHelper.worker.ts', import.meta.url), { type: 'module', name: 'engine-helper' });
  return {
    post: (start) => worker.postMessage(start),
    onMessage: (listener) => {
      worker.onmessage = (event) => listener(event.data);
      worker.onerror = (event) => listener({ type: 'error', message: event.message || 'worker failed to start' });
    },
    terminate: () => worker.terminate(),
  };
}
