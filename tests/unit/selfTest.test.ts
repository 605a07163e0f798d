// The backend self-test times steps as the training loop runs them: on a GPU backend many steps
// queued behind one read of their losses, on the CPU backends one read a step. Node has neither GPU
// backend here, so the steps run on tfjs's CPU backend under a GPU backend's name (the activate hook
// does nothing): what is checked is how often the measurement reads, which follows the name.
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ExperimentConfig } from '../../src/model/spec';
import { selfTest } from '../../src/train/selfTest';
import { Trainer } from '../../src/train/trainer';
import { READBACK_MAX_STEPS } from '../../src/train/lossReadback';
import { PATTERN_SHAPE, patternData } from '../fixtures/patternData';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(() => {
  vi.restoreAllMocks();
});

const DATA = patternData(400, 0, 5);
const CONFIG: ExperimentConfig = {
  spec: { kind: 'basic', inputShape: PATTERN_SHAPE, hiddenSizes: [16], activation: 'relu', latentDim: 2, loss: 'bce' },
  training: { learningRate: 0.01, batchSize: 8, epochs: 50, seed: 3 },
};
const HOOKS = { activate: async () => {} };

/** Runs the self-test under `name`, counting its steps and its reads of the losses. */
async function countReads(name: 'webgl' | 'webgpu' | 'wasm') {
  const deferred = vi.spyOn(Trainer.prototype, 'trainStepDeferred');
  const reads = vi.spyOn(Trainer.prototype, 'readPendingTerms');
  const report = await selfTest(name, CONFIG, DATA, HOOKS);
  return { report, steps: deferred.mock.calls.length, reads: reads.mock.calls.length };
}

describe('backend self-test', () => {
  it('on a GPU backend queues up to the loop\'s steps per read, so it times what training gets, not one read-back a step', async () => {
    for (const name of ['webgl', 'webgpu'] as const) {
      const { report, steps, reads } = await countReads(name);
      expect(report.works, `${name}: ${report.problem}`).toBe(true);
      expect(report.imagesPerSecond).toBeGreaterThan(0);
      // The untimed first step reads on its own; every timed read covers up to READBACK_MAX_STEPS steps.
      expect(reads).toBeGreaterThanOrEqual(2);
      expect(steps - 1).toBeGreaterThan(reads - 1);
      expect(steps - 1).toBeLessThanOrEqual((reads - 1) * READBACK_MAX_STEPS);
    }
  });

  it('on WebAssembly reads every step, as the loop does', async () => {
    const { report, steps, reads } = await countReads('wasm');
    expect(report.works).toBe(true);
    expect(reads).toBe(steps);
  });

  it('rejects a loss that is not a number in any queued step, with the backend reported broken', async () => {
    const real = Trainer.prototype.readPendingTerms;
    let call = 0;
    vi.spyOn(Trainer.prototype, 'readPendingTerms').mockImplementation(async function (this: Trainer) {
      const read = await real.call(this);
      // The second read (the first timed one) holds a NaN in its last step.
      if (++call === 2) read[read.length - 1] = { ...read[read.length - 1], total: Number.NaN };
      return read;
    });
    const report = await selfTest('webgl', CONFIG, DATA, HOOKS);
    expect(report).toMatchObject({ name: 'webgl', works: false, problem: expect.stringMatching(/not a number/) });
  });
});
