import { describe, expect, it } from 'vitest';
import type { ImageShape } from '../../src/data/dataset';
import {
  DEFAULT_RAW_SETTINGS,
  validateConfig,
  type RawSettings,
  type SettingField,
} from '../../src/model/validate';

const MNIST_SHAPE: ImageShape = [28, 28, 1];

function withField(field: SettingField, value: string): RawSettings {
  return { ...DEFAULT_RAW_SETTINGS, [field]: value };
}

function errorsFor(raw: RawSettings): Partial<Record<SettingField, string>> {
  const result = validateConfig(raw, MNIST_SHAPE);
  return result.ok ? {} : result.errors;
}

/** Values each field must refuse: empty, text, zero, negative, fractions, junk, out of range. */
const REFUSED: Record<SettingField, string[]> = {
  latentDim: ['', ' ', 'abc', '0', '-2', '1', '129', '2.5', '1e', '1e1', '2abc', '+4', '0x10'],
  hiddenSizes: ['abc', '0', '-64', '3', '2049', '256, abc', '256,,64', '2.5', '64, 1e', '8, 8, 8, 8, 8', ','],
  activation: ['', 'softmax', 'RELU ', 'linear', 'toString', '__proto__'],
  loss: ['', 'l1', 'BCE', 'crossentropy', 'constructor'],
  learningRate: ['', 'abc', '0', '0.0', '-0.1', '1.5', '1e', '1e3', 'Infinity', 'NaN', '0x1', '--1', '0.1.2'],
  batchSize: ['', 'abc', '0', '-1', '4097', '1.5', '1e2', '128 images'],
  epochs: ['', 'x', '0', '-3', '1001', '2.5', '1e', '10e0'],
  seed: ['', 'abc', '-1', '2147483648', '1.5', '1e3', '99999999999999999999'],
};

/** Values at and inside the edges of each field's range, all accepted. */
const ACCEPTED: Record<SettingField, string[]> = {
  latentDim: ['2', '128', ' 16 ', '064'],
  hiddenSizes: ['', '  ', '4', '2048', '256, 64', '8,8,8,8', ' 512 ,128 '],
  activation: ['relu', 'elu', 'tanh', 'sigmoid'],
  loss: ['mse', 'bce'],
  learningRate: ['1', '0.002', '.5', '1.', '1e-4', '2E-3', '0.000001'],
  batchSize: ['1', '4096', '32'],
  epochs: ['1', '1000'],
  seed: ['0', '2147483647', '42'],
};

const FIELDS = Object.keys(REFUSED) as SettingField[];

describe('validateConfig', () => {
  it('accepts the default settings and builds the matching basic config', () => {
    const result = validateConfig(DEFAULT_RAW_SETTINGS, MNIST_SHAPE);
    expect(result).toEqual({
      ok: true,
      config: {
        spec: {
          kind: 'basic',
          inputShape: MNIST_SHAPE,
          hiddenSizes: [128, 32],
          activation: 'relu',
          latentDim: 2,
          loss: 'bce',
        },
        training: { learningRate: 0.01, batchSize: 128, epochs: 100, seed: 1 },
      },
    });
  });

  for (const field of FIELDS) {
    it(`refuses bad ${field} values with a message on ${field} alone`, () => {
      for (const value of REFUSED[field]) {
        const errors = errorsFor(withField(field, value));
        expect(Object.keys(errors), `${field} = ${JSON.stringify(value)}`).toEqual([field]);
        expect(errors[field]).toMatch(/\w.*\.$/);
      }
    });

    it(`accepts ${field} values at the edges of its range`, () => {
      for (const value of ACCEPTED[field]) {
        const result = validateConfig(withField(field, value), MNIST_SHAPE);
        expect(result.ok, `${field} = ${JSON.stringify(value)}`).toBe(true);
      }
    });
  }

  it('names the allowed range in each range message', () => {
    expect(errorsFor(withField('latentDim', '0')).latentDim).toBe(
      'Latent size must be a whole number from 2 to 128.',
    );
    expect(errorsFor(withField('hiddenSizes', '1')).hiddenSizes).toMatch(/up to 4 .*4 to 2048/);
    expect(errorsFor(withField('learningRate', '0')).learningRate).toMatch(/above 0 .*at most 1/);
    expect(errorsFor(withField('batchSize', '0')).batchSize).toMatch(/1 to 4096/);
    expect(errorsFor(withField('epochs', '0')).epochs).toMatch(/1 to 1000/);
    expect(errorsFor(withField('seed', '-1')).seed).toMatch(/0 to 2147483647/);
    expect(errorsFor(withField('activation', 'x')).activation).toMatch(/relu, elu, tanh, sigmoid/);
    expect(errorsFor(withField('loss', 'x')).loss).toMatch(/bce, mse/);
  });

  it('reports every bad field at once', () => {
    const errors = errorsFor({
      ...DEFAULT_RAW_SETTINGS,
      latentDim: '1',
      learningRate: 'fast',
      seed: '-5',
      activation: 'swish',
    });
    expect(Object.keys(errors).sort()).toEqual(['activation', 'latentDim', 'learningRate', 'seed']);
  });

  it('parses the values it accepts exactly, without rounding', () => {
    const result = validateConfig(
      {
        latentDim: ' 16 ',
        hiddenSizes: '512, 128 ,32',
        activation: 'tanh',
        loss: 'mse',
        learningRate: '1e-4',
        batchSize: '4096',
        epochs: '1000',
        seed: '2147483647',
      },
      [8, 8, 3],
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.spec).toEqual({
      kind: 'basic',
      inputShape: [8, 8, 3],
      hiddenSizes: [512, 128, 32],
      activation: 'tanh',
      latentDim: 16,
      loss: 'mse',
    });
    expect(result.config.training).toEqual({ learningRate: 1e-4, batchSize: 4096, epochs: 1000, seed: 2147483647 });
  });

  it('reads an empty hidden-layer list as no hidden layers', () => {
    const result = validateConfig(withField('hiddenSizes', ''), MNIST_SHAPE);
    expect(result.ok && result.config.spec.hiddenSizes).toEqual([]);
  });
});
