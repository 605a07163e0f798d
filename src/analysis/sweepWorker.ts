// The bottleneck sweep: trains the current kind and settings at each latent size for a fixed time,
// with the same Trainer as the app, then measures training and held-out error and a code probe.
// Runs in its own worker, so the model on screen and its training worker are never touched.
import { activateBackend, errorText } from '../backends/activate';
import type { BackendName } from '../train/protocol';
import { Trainer } from '../train/trainer';
import { sweepConfig, sweepSubset, type SweepPoint } from './bottleneckSweep';
import { probeAccuracy } from './softmaxProbe';
import type { SweepEvent, SweepRequest } from './sweepProtocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<SweepRequest>) => void) | null;
  postMessage(message: SweepEvent): void;
}
const scope = self as unknown as WorkerScope;

/** Images each error is measured on, at most: bounded time per size, the same images at every size. */
const EVALUATION_LIMIT = 2000;
const PROGRESS_INTERVAL_MS = 200;
/** wasm lacks Conv2DBackpropFilter, so conv bodies need WebGL; CPU always works, slowly. */
const FALLBACKS: readonly BackendName[] = ['wasm', 'webgl', 'cpu'];

scope.onmessage = ({ data }) => {
  if (data.type === 'start') void sweep(data).catch((error) => scope.postMessage({ type: 'error', message: errorText(error) }));
};

/** Evenly spaced indices, at most `limit`. */
function spaced(rows: Int32Array, limit: number): Int32Array {
  if (rows.length <= limit) return rows;
  return Int32Array.from({ length: limit }, (_, i) => rows[Math.floor((i * rows.length) / limit)]);
}

async function sweep(request: SweepRequest): Promise<void> {
  const train = request.subsetSize === null ? request.train : sweepSubset(request.train, request.subsetSize, request.config.training.seed);
  const data = { images: request.images, shape: request.shape, train, heldOut: request.heldOut };
  const order = [...new Set([...(request.preferredBackend ? [request.preferredBackend] : []), ...FALLBACKS])];
  let backendIndex = 0;
  let announced: BackendName | null = null;

  for (const [index, latentDim] of request.sizes.entries()) {
    const made = sweepConfig(request.config, latentDim);
    if (!made.ok) {
      scope.postMessage({ type: 'size-failed', index, latentDim, message: made.message });
      continue;
    }
    let trainer: Trainer | null = null;
    let firstLoss = NaN;
    // The first step proves the backend can train this model (a missing kernel fails here).
    while (!trainer && backendIndex < order.length) {
      const name = order[backendIndex];
      try {
        await activateBackend(name);
        trainer = await Trainer.create(made.config, data);
        firstLoss = await trainer.trainStep();
        if (announced !== name) scope.postMessage({ type: 'backend', name });
        announced = name;
      } catch {
        trainer?.dispose();
        trainer = null;
        backendIndex++;
      }
    }
    if (!trainer) {
      scope.postMessage({ type: 'size-failed', index, latentDim, message: 'No backend here could train this model.' });
      continue;
    }
    try {
      const started = performance.now();
      let lastReport = 0;
      let loss = firstLoss;
      const budgetMs = request.secondsPerSize * 1000;
      while (Number.isFinite(loss) && !trainer.finished && performance.now() - started < budgetMs) {
        loss = await trainer.trainStep();
        const now = performance.now();
        if (now - lastReport > PROGRESS_INTERVAL_MS) {
          lastReport = now;
          scope.postMessage({ type: 'progress', latentDim, index, elapsed: (now - started) / 1000, steps: trainer.globalStep });
        }
      }
      if (!Number.isFinite(loss)) {
        scope.postMessage({ type: 'size-failed', index, latentDim, message: `Training diverged at latent size ${latentDim}.` });
        continue;
      }
      const measuring = performance.now();
      const trainError = await trainer.evaluate(spaced(train, EVALUATION_LIMIT));
      const heldOutError = await trainer.evaluate(spaced(request.heldOut, EVALUATION_LIMIT));
      const codes = await trainer.encodeAll();
      const probe = probeAccuracy({ values: codes, dim: latentDim }, request.labels, train, request.heldOut, {
        classCount: request.classCount,
        seed: request.config.training.seed,
      });
      const point: SweepPoint = { latentDim, trainError, heldOutError, probeAccuracy: probe.accuracy, steps: trainer.globalStep };
      scope.postMessage({ type: 'point', index, point, measureSeconds: (performance.now() - measuring) / 1000 });
    } finally {
      trainer.dispose();
    }
  }
  scope.postMessage({ type: 'done', trainedOn: train.length });
}
