// The backend measurement's own worker: times the self-test on every backend while the training
// worker goes on training, so nobody waits for the measurement. One request, one answer.
import { activateBackend, detectBackends, errorText, wasmThreads } from '../lib/backends';
import { measureBackends } from './selfTest';
import type { MeasureRequest, MeasureAnswer } from './backgroundMeasure';

interface WorkerScope {
  onmessage: ((event: MessageEvent<MeasureRequest>) => void) | null;
  postMessage(message: MeasureAnswer): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { config, data } = event.data;
  void (async () => {
    try {
      const { available, missing } = await detectBackends();
      const reports = await measureBackends(config, data, available, missing, {
        activate: activateBackend,
        detail: (name) => (name === 'wasm' ? (wasmThreads() > 1 ? `${wasmThreads()} threads` : 'one thread') : undefined),
      });
      scope.postMessage({ reports });
    } catch (error) {
      scope.postMessage({ error: errorText(error) });
    }
  })();
};
