// The training worker: a thin switch from typed commands to the training session.
// TensorFlow.js lives here so training never blocks the page.
import { TrainingSession } from './session/trainingSession';
import { transferablesOf, type WorkerCommand, type WorkerEvent } from './protocol';
import { publishTensorCounts } from '../lib/tensorCounts';
import { installGpuTestHooks } from '../backends/gpuLoss';
import { browserGaps } from '../backends/browserGaps';

interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerCommand>) => void) | null;
  postMessage(message: WorkerEvent, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
publishTensorCounts(self);
const session = new TrainingSession((event) => scope.postMessage(event, transferablesOf(event)));

scope.onmessage = (event) => {
  void session.handle(event.data);
};

// What this browser lacks, once, for the page's notice (feature detection is cached: no extra cost).
void browserGaps().then((gaps) => scope.postMessage({ type: 'browser-gaps', gaps }, []));

// Test only: lets browser specs lose the GPU where the app owns the context (tests/browser/gpuLoss.spec.mjs).
installGpuTestHooks(scope, () => session.readsInFlight);
