// Benchmark of the threaded dense step alone, in a worker with nothing else on the page: the
// resident engine (train/engines/residentChainEngine.ts) on one thread and on the pool the app
// would use, the default model, batch 128, rounds alternated so the machine's noise falls on both.
// Set against the app's own thread scaling, it tells the engine's split from what the page's work
// (drawing, the map, messages) takes from training on the same cores.
import * as tf from '@tensorflow/tfjs';
import { activateBackend } from '../backends/activate';
import { pixelsPerImage } from '../data/dataset';
import { buildAutoencoder } from '../model/build';
import type { AutoencoderSpec } from '../model/spec';
import { datasetImages } from '../train/engines/datasetImages';
import { trainingThreads } from '../train/engines/engineThreads';
import type { ResidentChainEngine } from '../train/engines/residentChainEngine';
import { buildThreadedChainEngine } from '../train/engines/threadedChainEngine';

export interface EngineStepBenchResult {
  threads: number;
  /** Best of the rounds, ms per whole step (Adam included), on one thread and on `threads`. */
  oneThreadMs: number;
  threadsMs: number;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<{ seconds: number; spec: AutoencoderSpec; batchSize: number }>) => void) | null;
  postMessage(message: EngineStepBenchResult | { error: string }): void;
}
const scope = self as unknown as WorkerScope;

const IMAGES = 2048;
const STEPS_PER_ROUND = 50;

/** A resident engine on `threads` threads, and a `dispose` that frees it with the model and images it borrows. */
async function residentEngine(spec: AutoencoderSpec, batchSize: number, threads: number): Promise<{ engine: ResidentChainEngine; dispose(): void }> {
  const pixels = Uint8Array.from({ length: IMAGES * pixelsPerImage(spec.inputShape) }, (_, i) => (Math.imul(i, 2654435761) >>> 24) & 255);
  const model = buildAutoencoder(spec, 1);
  const variables = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((weight) => weight.read() as tf.Variable);
  const images = datasetImages(pixels, spec.inputShape, IMAGES);
  const freeParts = () => {
    images.dispose();
    model.dispose();
  };
  const offer = await buildThreadedChainEngine({ model, variables, images, pixels, imageCount: IMAGES, batchSize, learningRate: 0.001 }, { threads }).catch((error: unknown) => {
    freeParts();
    throw error;
  });
  if (!offer || !('engine' in offer)) {
    freeParts();
    throw new Error(offer ? offer.unavailable : 'the resident engine does not apply here (no shared memory, or not a dense chain)');
  }
  const engine = offer.engine;
  return {
    engine,
    dispose: () => {
      engine.dispose();
      freeParts();
    },
  };
}

async function run(seconds: number, spec: AutoencoderSpec, batchSize: number): Promise<EngineStepBenchResult> {
  await activateBackend('wasm');
  const threads = trainingThreads();
  const oneThread = await residentEngine(spec, batchSize, 1);
  const pool = await residentEngine(spec, batchSize, threads);
  const [one, many] = [oneThread.engine, pool.engine];
  let step = 0;
  const round = async (engine: ResidentChainEngine) => {
    const started = performance.now();
    for (let i = 0; i < STEPS_PER_ROUND; i++, step++) {
      engine.stepDeferred(Int32Array.from({ length: batchSize }, (_, j) => (step * batchSize + j) % IMAGES), step);
    }
    await engine.readPendingTerms();
    return (performance.now() - started) / STEPS_PER_ROUND;
  };
  await round(one);
  await round(many);
  let [oneThreadMs, threadsMs] = [Infinity, Infinity];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    oneThreadMs = Math.min(oneThreadMs, await round(one));
    threadsMs = Math.min(threadsMs, await round(many));
  }
  oneThread.dispose();
  pool.dispose();
  return { threads, oneThreadMs, threadsMs };
}

scope.onmessage = async ({ data }) => {
  try {
    scope.postMessage(await run(data.seconds, data.spec, data.batchSize));
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
