import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTidy } from '../../src/lib/readTensor';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('readTidy', () => {
  it("returns the result's values and frees every tensor made", () => {
    const before = tf.memory().numTensors;
    const values = readTidy(() => tf.add(tf.tensor1d([1, 2, 3]), tf.scalar(1)));
    expect(Array.from(values)).toEqual([2, 3, 4]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('frees the tensors when the computation throws', () => {
    const before = tf.memory().numTensors;
    expect(() =>
      readTidy(() => {
        tf.ones([4]);
        throw new Error('bad shape');
      }),
    ).toThrow('bad shape');
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reports the read's own error when the read fails, even if freeing fails too", () => {
    const read = () =>
      readTidy(() => {
        const t = tf.ones([2]);
        t.dataSync = () => {
          throw new Error('WebGL context lost');
        };
        t.dispose = () => {
          throw new Error('cannot free');
        };
        return t;
      });
    expect(read).toThrow('WebGL context lost');
  });
});
