// Benchmark baseline: the same autoencoder trained by a bare tfjs loop, with none of the app's
// machinery (no progress events, no map refresh, no weight snapshots, no loss-term reads).
// The basic kind uses Keras-style `model.trainOnBatch`; the other kinds have losses Keras cannot
// express (noise, sampling, penalties), so they use `tf.train.adam().minimize` over the kind's own
// loss. `npm run bench` compares the app's training speed with this one on the same backend.
import * as tf from '@tensorflow/tfjs';
import { loadBuiltInMnist } from '../data/packedDataset';
import { activateBackend, setEngineKernelsEnabled } from '../backends/activate';
import { buildDenseDecoder, buildDenseEncoder } from '../model/dense';
import { buildAutoencoder } from '../model/build';
import { Trainer } from '../train/trainer';
import type { ExperimentConfig } from '../model/spec';
import type { BackendName } from '../train/protocol';

export interface BareBenchRequest {
  datasetUrl: string;
  backend: BackendName;
  config: ExperimentConfig;
  seconds: number;
  /** 'bare': plain tfjs (the baseline); 'trainer': the app's Trainer alone, without the session around it. */
  loop?: 'bare' | 'trainer';
  /** The Trainer loop reads the loss back once per this many steps (1: every step); the app's loop reads every 16 on a GPU. */
  readEvery?: number;
}

export interface BareBenchResult {
  backend: string;
  imagesPerSecond: number;
  steps: number;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<BareBenchRequest>) => void) | null;
  postMessage(message: BareBenchResult | { error: string }): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = async ({ data: request }) => {
  try {
    scope.postMessage(await run(request));
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};

async function run({ datasetUrl, backend, config, seconds, loop = 'bare', readEvery = 1 }: BareBenchRequest): Promise<BareBenchResult> {
  const dataset = await loadBuiltInMnist(datasetUrl);
  // The baseline is plain tfjs; the app's own Trainer loop runs with the engine as the app does.
  setEngineKernelsEnabled(loop === 'trainer');
  await activateBackend(backend);
  if (loop === 'trainer') return runTrainer(dataset.images, dataset.labels.length, config, seconds, readEvery);
  const count = dataset.labels.length;
  const scaled = new Float32Array(dataset.images.length);
  for (let i = 0; i < scaled.length; i++) scaled[i] = dataset.images[i] / 255;
  const images = tf.tensor4d(scaled, [count, ...dataset.shape]);
  const { batchSize } = config.training;
  const step = config.spec.kind === 'basic' ? trainOnBatchStep(config) : minimizeStep(config);
  let cursor = 0;
  // Consecutive images, wrapping around: the cheapest batch source, so the loop measures training.
  const nextBatch = () => {
    const indices = tf.tensor1d(Int32Array.from({ length: batchSize }, (_, i) => (cursor + i) % count), 'int32');
    cursor = (cursor + batchSize) % count;
    const batch = tf.gather(images, indices);
    indices.dispose();
    return batch;
  };
  const timed = async () => {
    const batch = nextBatch();
    await step(batch);
    batch.dispose();
  };
  for (let i = 0; i < 3; i++) await timed();
  const started = performance.now();
  let steps = 0;
  while (performance.now() - started < seconds * 1000) {
    await timed();
    steps++;
  }
  const elapsed = (performance.now() - started) / 1000;
  return { backend: tf.getBackend(), imagesPerSecond: (steps * batchSize) / elapsed, steps };
}

/**
 * The app's own Trainer stepping on its own, to tell the step's cost from the session's; its loss is
 * read once per `readEvery` steps, to measure what the loop's queued read-back saves on a GPU.
 */
async function runTrainer(images: Uint8Array, count: number, config: ExperimentConfig, seconds: number, readEvery: number): Promise<BareBenchResult> {
  const all = Int32Array.from({ length: count }, (_, i) => i);
  // Enough epochs that the timed run never reaches the end.
  const trainer = await Trainer.create({ ...config, training: { ...config.training, epochs: 1000 } }, { images, shape: config.spec.inputShape, train: all, heldOut: all.subarray(0, 0) });
  for (let i = 0; i < 3; i++) await trainer.trainStep();
  const started = performance.now();
  let steps = 0;
  while (performance.now() - started < seconds * 1000) {
    for (let i = 0; i < readEvery; i++) trainer.trainStepDeferred();
    await trainer.readPendingTerms();
    steps += readEvery;
  }
  const elapsed = (performance.now() - started) / 1000;
  trainer.dispose();
  return { backend: tf.getBackend(), imagesPerSecond: (steps * config.training.batchSize) / elapsed, steps };
}

/** The basic kind as one Keras model (encoder then decoder), trained with `trainOnBatch`. */
function trainOnBatchStep({ spec, training }: ExperimentConfig): (batch: tf.Tensor) => Promise<unknown> {
  const encoder = buildDenseEncoder(spec, 1);
  const decoder = buildDenseDecoder(spec, 2);
  const input = tf.input({ shape: [...spec.inputShape] });
  const output = decoder.apply(encoder.apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({
    optimizer: tf.train.adam(training.learningRate),
    loss: spec.loss === 'bce' ? 'binaryCrossentropy' : 'meanSquaredError',
  });
  return (batch) => model.trainOnBatch(batch, batch);
}

/** Other kinds: the kind's own loss (noise, sampling, penalties included) minimised by tfjs's Adam. */
function minimizeStep({ spec, training }: ExperimentConfig): (batch: tf.Tensor) => Promise<unknown> {
  const model = buildAutoencoder(spec, 1);
  const optimizer = tf.train.adam(training.learningRate);
  let stepNumber = 0;
  return async (batch) => {
    const seed = stepNumber++;
    const loss = optimizer.minimize(() => model.lossTerms(batch, { seed, training: true }).total, true) as tf.Scalar;
    await loss.data();
    loss.dispose();
  };
}
