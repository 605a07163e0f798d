// The backend measurement's own worker: times the self-test on every backend while the training
// worker goes on training, so nobody waits for the measurement. One request, one answer.
import { activateBackend, detectBackends, errorText, readGraphicsFacts } from '../backends/activate';
import { backendDetail } from './backendChoice';
import { backendsNotWorthMeasuring } from '../backends/backendGuess';
import { usesConvBody } from '../model/spec';
import { measureBackends } from './selfTest';
import type { MeasureRequest, MeasureAnswer } from './measureProtocol';

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
      // Emulated GPUs are not timed: that would take the CPU from the training it must not disturb.
      const notMeasured = backendsNotWorthMeasuring(await readGraphicsFacts(), { convolutional: usesConvBody(config.spec) });
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
