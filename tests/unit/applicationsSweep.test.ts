import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SWEEP_SIZES, sweepConfig, sweepSubset, sweepVerdict, type SweepPoint } from '../../src/analysis/bottleneckSweep';
import { codesCsv, csvField } from '../../src/analysis/codesCsv';
import type { AutoencoderKind, ExperimentConfig } from '../../src/model/spec';
import { validateConfig, DEFAULT_RAW_SETTINGS } from '../../src/model/validate';
import { Trainer } from '../../src/train/trainer';
import { PATTERN_SHAPE, patternData } from '../fixtures/patternData';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function point(latentDim: number, trainError: number, heldOutError: number, probeAccuracy = 0.5): SweepPoint {
  return { latentDim, trainError, heldOutError, probeAccuracy, steps: 100 };
}

describe('bottleneck sweep verdict', () => {
  it('marks small sizes where both errors are high, and large sizes where held-out error pulls away', () => {
    // A textbook sweep: errors fall until 8, then training error keeps falling while held-out rises.
    const points = [
      point(1, 0.3, 0.31),
      point(2, 0.22, 0.23),
      point(4, 0.15, 0.16),
      point(8, 0.1, 0.11),
      point(16, 0.09, 0.105),
      point(32, 0.06, 0.12),
      point(64, 0.03, 0.14),
    ];
    const verdict = sweepVerdict(points);
    expect(verdict.bestSize).toBe(16);
    expect(verdict.tooSmall).toEqual([1, 2, 4]);
    expect(verdict.tooLarge).toEqual([32, 64]);
    expect(verdict.sentence).toMatch(/loses information/);
    expect(verdict.sentence).toMatch(/memorises/);
    // The figures in the sentence come from the curves.
    expect(verdict.sentence).toContain('0.31');
    expect(verdict.sentence).toContain('0.14');
    expect(verdict.sentence.endsWith('.')).toBe(true);
  });

  it('marks nothing on flat curves and says so', () => {
    const verdict = sweepVerdict(SWEEP_SIZES.map((size) => point(size, 0.1, 0.101)));
    expect(verdict.tooSmall).toEqual([]);
    expect(verdict.tooLarge).toEqual([]);
    expect(verdict.sentence).toMatch(/no size was clearly worse/i);
  });

  it('does not call undertraining memorising: both errors rising at large sizes is not a growing gap', () => {
    const verdict = sweepVerdict([point(1, 0.3, 0.3), point(2, 0.1, 0.1), point(4, 0.12, 0.12), point(8, 0.2, 0.2)]);
    expect(verdict.bestSize).toBe(2);
    expect(verdict.tooSmall).toEqual([1]);
    expect(verdict.tooLarge).toEqual([]);
    expect(verdict.sentence).toMatch(/no size memorised/);
  });

  it('keeps the too-small band contiguous from the smallest size', () => {
    // 2 is as good as the best on held-out, so only 1 is too small even though 4 is worse again.
    const verdict = sweepVerdict([point(1, 0.5, 0.5), point(2, 0.1, 0.1), point(4, 0.3, 0.3), point(8, 0.1, 0.099)]);
    expect(verdict.tooSmall).toEqual([1]);
  });

  it('has nothing to say before any size is measured', () => {
    expect(sweepVerdict([]).sentence).toMatch(/No size/);
    expect(sweepVerdict([point(1, NaN, NaN)]).tooSmall).toEqual([]);
  });
});

describe('sweep configs', () => {
  const base: ExperimentConfig = {
    spec: { kind: 'basic', inputShape: PATTERN_SHAPE, hiddenSizes: [16], activation: 'relu', latentDim: 2, loss: 'bce' },
    training: { learningRate: 0.01, batchSize: 16, epochs: 3, seed: 2 },
  };

  it('allows latent size 1, which the settings form refuses because a map needs two axes', () => {
    expect(validateConfig({ ...DEFAULT_RAW_SETTINGS, latentDim: '1' }, [28, 28, 1]).ok).toBe(false);
    const result = sweepConfig(base, 1);
    expect(result.ok && result.config.spec.latentDim).toBe(1);
    expect(sweepConfig(base, 0).ok).toBe(false);
    expect(sweepConfig(base, 1.5).ok).toBe(false);
  });

  it('refuses a contractive size whose Jacobian would not fit, with a reason', () => {
    const huge: ExperimentConfig = { ...base, spec: { ...base.spec, kind: 'contractive', hiddenSizes: [2048] }, training: { ...base.training, batchSize: 4096 } };
    const result = sweepConfig(huge, 64);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/Jacobian/);
  });

  for (const kind of ['basic', 'convolutional', 'variational', 'sparse', 'contractive', 'denoising'] as AutoencoderKind[]) {
    it(`trains a ${kind} autoencoder with a 1-value code, leaking no tensors`, async () => {
      const result = sweepConfig({ ...base, spec: { ...base.spec, kind, kindOptions: kind === 'convolutional' ? { convFilters: [4] } : undefined } }, 1);
      if (!result.ok) throw new Error(result.message);
      const before = tf.memory().numTensors;
      const trainer = new Trainer(result.config, patternData(60, 12, 1));
      const loss = await trainer.trainStep();
      const codes = await trainer.encodeAll();
      trainer.dispose();
      expect(Number.isFinite(loss)).toBe(true);
      expect(codes.length).toBe(60);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('draws a seeded, sorted subset of the training images', () => {
    const train = Int32Array.from({ length: 50 }, (_, i) => i * 2);
    const a = sweepSubset(train, 10, 3);
    expect(a.length).toBe(10);
    expect(Array.from(a)).toEqual(Array.from(sweepSubset(train, 10, 3)));
    expect(Array.from(a)).toEqual([...a].sort((x, y) => x - y));
    expect(a.every((index) => index % 2 === 0)).toBe(true);
    expect(sweepSubset(train, 500, 3).length).toBe(50);
  });
});

describe('codes CSV', () => {
  it('writes a header, one CRLF line per image with label, split, code values and map position', () => {
    const csv = codesCsv({
      codes: Float32Array.from([0.5, -1.25, 3, 0.1]),
      latentDim: 2,
      labels: Uint8Array.from([1, 0]),
      classNames: ['zero', 'Smileys, "faces"'],
      heldOut: Int32Array.from([1]),
      mapPoints: Float32Array.from([0.5, -1.25, 3, 0.1]),
    });
    expect(csv).toBe(
      'index,label,label_name,split,z1,z2,map_x,map_y\r\n' +
        '0,1,"Smileys, ""faces""",train,0.5,-1.25,0.5,-1.25\r\n' +
        '1,0,zero,held-out,3,0.1,3,0.1\r\n',
    );
  });

  it('leaves the map columns empty before there is a map and refuses codes of the wrong size', () => {
    const csv = codesCsv({ codes: Float32Array.from([1]), latentDim: 1, labels: Uint8Array.from([0]), classNames: ['a'], heldOut: new Int32Array(0), mapPoints: null });
    expect(csv.split('\r\n')[1]).toBe('0,0,a,train,1,,');
    expect(() => codesCsv({ codes: new Float32Array(3), latentDim: 2, labels: Uint8Array.from([0]), classNames: [], heldOut: new Int32Array(0), mapPoints: null })).toThrow();
    expect(csvField('plain')).toBe('plain');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
  });
});
