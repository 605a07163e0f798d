import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ImageShape, splitDataset } from '../../src/data/dataset';
import { createRng } from '../../src/lib/rng';
import type { ExperimentConfig } from '../../src/model/spec';
import type { WorkerEvent } from '../../src/train/protocol';
import { TrainingSession } from '../../src/train/session/trainingSession';
import { Trainer } from '../../src/train/trainer';
import type { TrainerData } from '../../src/train/trainerState';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SHAPE: ImageShape = [6, 6, 3];
const IMAGE_COUNT = 30;
const PIXELS = SHAPE[0] * SHAPE[1] * SHAPE[2];

function randomData(seed: number): TrainerData {
  const rng = createRng(seed);
  const images = Uint8Array.from({ length: IMAGE_COUNT * PIXELS }, () => rng.nextInt(256));
  const split = splitDataset(IMAGE_COUNT, 6, createRng(seed));
  return { images, shape: SHAPE, train: split.train, heldOut: split.heldOut };
}

function config(kind: 'basic' | 'variational'): ExperimentConfig {
  return {
    spec: { kind, inputShape: SHAPE, hiddenSizes: [16], activation: 'relu', latentDim: 3, loss: 'bce' },
    training: { learningRate: 0.01, batchSize: 10, epochs: 1, seed: 5 },
  };
}

/** Dataset images 0..count-1 as the 0..1 pixels a drawing would arrive as. */
function asDrawing(data: TrainerData, count: number): Float32Array {
  return Float32Array.from(data.images.subarray(0, count * PIXELS), (value) => value / 255);
}

describe('Trainer.encodeImages (images from outside the dataset, such as a drawing)', () => {
  for (const kind of ['basic', 'variational'] as const) {
    it(`gives a ${kind} model's map codes and reconstructions for the same pixels, leaking no tensors`, async () => {
      const data = randomData(1);
      const trainer = new Trainer(config(kind), data);
      await trainer.trainStep();
      const expectedCodes = (await trainer.encodeAll()).subarray(0, 2 * 3);
      const expectedPixels = await trainer.reconstruct(Int32Array.from([0, 1]));
      const tensorsBefore = tf.memory().numTensors;
      const { codes, reconstructions } = await trainer.encodeImages(asDrawing(data, 2), 2);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      expect(codes).toHaveLength(6);
      expect(reconstructions).toHaveLength(2 * PIXELS);
      codes.forEach((value, i) => expect(value).toBeCloseTo(expectedCodes[i], 4));
      reconstructions.forEach((value, i) => expect(value).toBeCloseTo(expectedPixels[i], 4));
      trainer.dispose();
    });
  }

  it('refuses pixels that do not make whole images of the input shape', async () => {
    const data = randomData(2);
    const trainer = new Trainer(config('basic'), data);
    await expect(trainer.encodeImages(new Float32Array(PIXELS - 1), 1)).rejects.toThrow(/6x6x3/);
    await expect(trainer.encodeImages(new Float32Array(PIXELS), 2)).rejects.toThrow(/6x6x3/);
    trainer.dispose();
  });
});

describe('TrainingSession encode-images', () => {
  it('answers with an error, not silence, when there is no model yet', async () => {
    const events: WorkerEvent[] = [];
    const session = new TrainingSession((event) => events.push(event));
    await session.handle({ type: 'encode-images', id: 7, pixels: new Float32Array(PIXELS), count: 1 });
    const answer = events.find((event) => event.type === 'encoded-images');
    expect(answer).toMatchObject({ type: 'encoded-images', id: 7, error: 'There is no model yet.' });
  });
});
