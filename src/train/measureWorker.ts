// The backend measurement's own worker: times the self-test on every backend while the training
// worker goes on training, so nobody waits for the measurement. One request, one answer.
import { activateBackend, detectBackends, errorText, readGraphicsFacts } from '../lib/backends';
import { backendDetail } from './backendChoice';
import { hasOnlySoftwareGraphics } from '../lib/backendGuess';
import { measureBackends } from './selfTest';
import type { MeasureRequest, MeasureAnswer } from './backgroundMeasure';
import type { BackendName } from './protocol';

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
      // WebGPU on a software adapter was the slowest backend for every model here and has crashed
      // pages on conv models; timing it would take the CPU from the training it is meant not to disturb.
      const notMeasured = new Map<BackendName, string>();
      if (hasOnlySoftwareGraphics(await readGraphicsFacts())) notMeasured.set('webgpu', 'not measured: software adapter');
      const reports = await measureBackends(
        config,
        data,
        available,
        missing,
        { activate: activateBackend, detail: backendDetail },
        notMeasured,
      );
      scope.postMessage({ reports });
    } catch (error) {
      scope.postMessage({ error: errorText(error) });
    }
  })();
};
