// The benchmark page: runs the bare training loop in a worker and leaves the result on `window`
// for `scripts/bench.mjs` to read. Settings come from the hash: backend, seconds and the app's
// own settings keys (so both loops train the same model).
import { readUrlSettings } from '../state/urlState';
import { DEFAULT_RAW_SETTINGS, validateConfig } from '../model/validate';
import { BUILT_IN_MNIST_PATH } from '../data/packedDataset';
import type { BareBenchRequest, BareBenchResult } from './bareTrainingWorker';
import { runMicroBench, type MicroBenchResult } from './micro';
import type { GemmBenchResult } from './gemmWorker';
import type { EngineStepBenchResult } from './engineStepWorker';
import { denseTrainingFlopsPerImage } from '../model/flops';

declare global {
  interface Window {
    bareBenchResult?: BareBenchResult | { error: string };
    microBenchResult?: MicroBenchResult | { error: string };
    gemmBenchResult?: (GemmBenchResult & { trainingFlopsPerImage: number }) | { error: string };
    engineStepBenchResult?: EngineStepBenchResult | { error: string };
  }
}

const hash = new URLSearchParams(window.location.hash.slice(1));
const settings = readUrlSettings(window.location.hash, DEFAULT_RAW_SETTINGS, [28, 28, 1]);
const validated = validateConfig(settings.raw, [28, 28, 1]);
const output = document.getElementById('result') as HTMLElement;
if (hash.has('gemm')) {
  // The CPU path's GEMM limit, and the FLOP per image of the settings' dense model to set against it.
  output.textContent = 'measuring f32 GEMM rates…';
  const worker = new Worker(new URL('./gemmWorker.ts', import.meta.url), { type: 'module' });
  const spec = validated.ok ? validated.config.spec : null;
  worker.onmessage = (event: MessageEvent<GemmBenchResult | { error: string }>) => {
    window.gemmBenchResult =
      'error' in event.data ? event.data : { ...event.data, trainingFlopsPerImage: spec ? denseTrainingFlopsPerImage(spec) : NaN };
    output.textContent = JSON.stringify(window.gemmBenchResult);
  };
  worker.postMessage({ seconds: Number(hash.get('seconds') ?? '3') });
} else if (hash.has('engineStep')) {
  // The threaded dense step alone, one thread against the pool, with no page work beside it.
  output.textContent = 'timing the dense step on one thread and on the pool…';
  if (!validated.ok) {
    window.engineStepBenchResult = { error: JSON.stringify(validated.errors) };
  } else {
    const worker = new Worker(new URL('./engineStepWorker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<EngineStepBenchResult | { error: string }>) => {
      window.engineStepBenchResult = event.data;
      output.textContent = JSON.stringify(event.data);
    };
    worker.postMessage({ seconds: Number(hash.get('seconds') ?? '6'), spec: validated.config.spec, batchSize: validated.config.training.batchSize });
  }
} else if (hash.has('micro')) {
  output.textContent = 'measuring the map building blocks…';
  runMicroBench().then(
    (result) => {
      window.microBenchResult = result;
      output.textContent = JSON.stringify(result);
    },
    (error: unknown) => {
      window.microBenchResult = { error: String(error) };
    },
  );
} else if (!validated.ok) {
  window.bareBenchResult = { error: JSON.stringify(validated.errors) };
} else {
  const request: BareBenchRequest = {
    datasetUrl: new URL(BUILT_IN_MNIST_PATH, document.baseURI).href,
    backend: settings.backend ?? 'wasm',
    config: validated.config,
    seconds: Number(hash.get('seconds') ?? '15'),
    loop: hash.get('loop') === 'trainer' ? 'trainer' : 'bare',
    readEvery: Math.max(1, Math.floor(Number(hash.get('readEvery') ?? '1')) || 1),
  };
  const worker = new Worker(new URL('./bareTrainingWorker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<BareBenchResult | { error: string }>) => {
    window.bareBenchResult = event.data;
    output.textContent = JSON.stringify(event.data);
  };
  worker.postMessage(request);
  output.textContent = `training ${request.backend} for ${request.seconds} s…`;
}
