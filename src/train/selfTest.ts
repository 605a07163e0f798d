// The backend self-test: train a few steps of the real model on each backend the browser has and
// time them. Runs in its own worker beside training (see measureWorker), or in place when asked.
import type { ExperimentConfig } from '../model/spec';
import { errorText } from '../backends/activate';
import { Trainer } from './trainer';
import type { TrainerData } from './trainerState';
import type { BackendName, BackendReport } from './protocol';
import { READBACK_MAX_MS, stepsPerReadback } from './lossReadback';

/** Cheap, reliable backends first, so a slow GPU emulation cannot delay the common answer. */
export const SELF_TEST_ORDER: readonly BackendName[] = ['wasm', 'webgl', 'webgpu', 'cpu'];
/** Self-test length per backend: enough steps to get past shader compilation. */
const SELF_TEST_MIN_STEPS = 2;
const SELF_TEST_MIN_MS = 300;
const SELF_TEST_MAX_MS = 1500;
/** A first step slower than this rates the backend from that step alone. */
const SELF_TEST_SLOW_WARMUP_MS = 2500;
/** Images the self-test trains on: a few batches' worth is all it needs, whatever the dataset's size. */
const SELF_TEST_MAX_IMAGES = 2048;

export interface SelfTestHooks {
  activate(name: BackendName): Promise<void>;
  /** How a backend runs, in words (e.g. "one thread"), for the report. */
  detail?(name: BackendName): string | undefined;
}

/**
 * Measure every available backend in SELF_TEST_ORDER, fastest first in the answer. Plain-JavaScript
 * CPU is never faster than WebAssembly, so it is only measured when wasm fails.
 */
export async function measureBackends(
  config: ExperimentConfig,
  data: TrainerData,
  available: readonly BackendName[],
  missing: ReadonlyMap<BackendName, string>,
  hooks: SelfTestHooks,
  /** Backends that work but are not worth timing here, with the reason (e.g. a software GPU adapter). */
  notMeasured: ReadonlyMap<BackendName, string> = new Map(),
): Promise<BackendReport[]> {
  const reports: BackendReport[] = [...missing].map(([name, problem]) => ({ name, works: false, problem }));
  for (const [name, problem] of notMeasured) if (available.includes(name)) reports.push({ name, works: true, problem });
  for (const name of SELF_TEST_ORDER.filter((candidate) => available.includes(candidate) && !notMeasured.has(candidate))) {
    if (name === 'cpu' && reports.some((report) => report.name === 'wasm' && report.works)) {
      reports.push({ name, works: true, problem: 'not measured: WebAssembly is faster' });
      continue;
    }
    reports.push(await selfTest(name, config, data, hooks));
  }
  return sortFastestFirst(reports);
}

export function sortFastestFirst(reports: BackendReport[]): BackendReport[] {
  return [...reports].sort((a, b) => (b.imagesPerSecond ?? -1) - (a.imagesPerSecond ?? -1));
}

/**
 * Train a few steps of the real model on one backend and time them. The first step compiles
 * shaders or kernels and is not timed; a backend whose first step is already very slow is not
 * worth more of the user's time and is rated from that step alone.
 */
export async function selfTest(name: BackendName, config: ExperimentConfig, data: TrainerData, hooks: SelfTestHooks): Promise<BackendReport> {
  const batchSize = config.training.batchSize;
  let trainer: Trainer | null = null;
  try {
    await hooks.activate(name);
    trainer = await Trainer.create(config, data);
    const warmupStarted = performance.now();
    assertFinite(await trainer.trainStep());
    const warmupMs = performance.now() - warmupStarted;
    if (trainer.finished) return { name, works: true, imagesPerSecond: batchSize / (warmupMs / 1000) };
    if (warmupMs > SELF_TEST_SLOW_WARMUP_MS) {
      // Slow already: rate it from one more step, past the shader compilation of the first.
      const secondStarted = performance.now();
      assertFinite(await trainer.trainStep());
      return { name, works: true, imagesPerSecond: batchSize / ((performance.now() - secondStarted) / 1000) };
    }
    const started = performance.now();
    let steps = 0;
    let elapsed = 0;
    // A tiny dataset may run out of steps before the time is up: time what there is.
    while (!trainer.finished && (steps < SELF_TEST_MIN_STEPS || (elapsed < SELF_TEST_MIN_MS && elapsed < SELF_TEST_MAX_MS))) {
      steps += await queuedSteps(trainer, name);
      elapsed = performance.now() - started;
      if (elapsed > SELF_TEST_MAX_MS) break;
    }
    if (steps === 0) return { name, works: true, imagesPerSecond: batchSize / (warmupMs / 1000) };
    return { name, works: true, imagesPerSecond: (steps * batchSize) / (elapsed / 1000), detail: hooks.detail?.(name) };
  } catch (error) {
    return { name, works: false, problem: errorText(error) };
  } finally {
    trainer?.dispose();
  }
}

/**
 * The part of a dataset a self-test needs: at most SELF_TEST_MAX_IMAGES training images (copied,
 * renumbered from 0), no held-out ones. A big dataset then costs the measurement nothing extra.
 */
export function selfTestData(data: TrainerData): TrainerData {
  const pixels = data.shape[0] * data.shape[1] * data.shape[2];
  const count = Math.min(data.train.length, SELF_TEST_MAX_IMAGES);
  const images = new Uint8Array(count * pixels);
  for (let i = 0; i < count; i++) {
    const source = data.train[i] * pixels;
    images.set(data.images.subarray(source, source + pixels), i * pixels);
  }
  return { images, shape: data.shape, train: Int32Array.from({ length: count }, (_, i) => i), heldOut: new Int32Array(0) };
}

/** The same model and batch size, with enough epochs that the self-test never runs out of steps. */
export function selfTestConfig(config: ExperimentConfig): ExperimentConfig {
  return { ...config, training: { ...config.training, epochs: Math.max(config.training.epochs, 1000) } };
}

/**
 * Steps as the training loop runs them (see trainQueuedSteps in session/stepLoop.ts): on a GPU
 * backend up to `stepsPerReadback` steps queued behind one read of their losses, on the CPU
 * backends one step and its read. A GPU timed one read per step was rated by its read-backs (a
 * WebGPU mapAsync costs 0.5-15 ms) rather than by the speed training gets. Returns the steps run.
 */
async function queuedSteps(trainer: Trainer, name: BackendName): Promise<number> {
  const limit = stepsPerReadback(name);
  const queuedAt = performance.now();
  do {
    trainer.trainStepDeferred();
  } while (trainer.unreadSteps < limit && !trainer.finished && performance.now() - queuedAt < READBACK_MAX_MS);
  const read = await trainer.readPendingTerms();
  for (const terms of read) assertFinite(terms.total);
  return read.length;
}

function assertFinite(loss: number): void {
  if (!Number.isFinite(loss)) throw new Error('the self-test loss was not a number');
}
