// The session file: what Save session writes reads back exactly, its models load with tf.io as
// standard tfjs Layers models, a restored trainer continues bit for bit, and bad files are refused.
import * as tf from '@tensorflow/tfjs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patternData, PATTERN_SHAPE } from '../fixtures/patternData';
import { Trainer } from '../../src/train/trainer';
import { DEFAULT_RAW_SETTINGS, validateConfig, type RawSettings } from '../../src/model/validate';
import type { ExperimentConfig } from '../../src/model/spec';
import { SessionFileError, type SessionContents } from '../../src/saved/sessionFormat';
import { readSessionZip } from '../../src/saved/sessionRead';
import { writeSessionZip } from '../../src/saved/sessionWrite';
import { checkSessionFitsModel } from '../../src/saved/modelCheck';
import { datasetFingerprint } from '../../src/saved/fingerprint';

const RAW: RawSettings = { ...DEFAULT_RAW_SETTINGS, hiddenSizes: '16', latentDim: '2', batchSize: '16', epochs: '3', seed: '7' };
const data = patternData(120, 20, 3);
const labels = Uint8Array.from({ length: 120 }, (_, i) => i % 3);

let config: ExperimentConfig;
let trainer: Trainer;
let contents: SessionContents;

function configFor(raw: RawSettings): ExperimentConfig {
  const result = validateConfig(raw, PATTERN_SHAPE);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  config = configFor(RAW);
  trainer = new Trainer(config, data);
  for (let i = 0; i < 5; i++) await trainer.trainStep();
  contents = {
    savedAt: '2026-12-01T20:00:00.000Z',
    dataset: {
      source: 'files',
      name: 'patterns',
      count: 120,
      shape: PATTERN_SHAPE,
      fingerprint: datasetFingerprint({ images: data.images, labels, shape: PATTERN_SHAPE, classNames: ['row', 'column', 'square'] }),
      stored: true,
    },
    data: { images: data.images, labels, classNames: ['row', 'column', 'square'] },
    rawSettings: RAW,
    split: { train: data.train, heldOut: data.heldOut },
    losses: [{ epoch: 1, train: 0.4, heldOut: NaN, trainTerms: { reconstruction: 0.4, total: 0.4 } }],
    view: { projection: 'none', colourBy: { mode: 'label', dimension: 0, factor: '' }, zoom: { k: 2, x: -10, y: 5 }, probe: { x: 0.5, y: -1, sourceIndex: -1, code: [0.5, -1] } },
    training: await trainer.exportState(),
    layouts: trainer.networkLayouts(),
  };
});

afterAll(() => trainer.dispose());

/** Unzip, change one file, zip again. */
function edit(bytes: Uint8Array, name: string, change: (file: Uint8Array) => Uint8Array): Uint8Array {
  const files = unzipSync(bytes);
  files[name] = change(files[name]) as Uint8Array<ArrayBuffer>;
  return zipSync(files);
}

function editJson(bytes: Uint8Array, name: string, change: (json: Record<string, unknown>) => void): Uint8Array {
  return edit(bytes, name, (file) => {
    const json = JSON.parse(strFromU8(file));
    change(json);
    return strToU8(JSON.stringify(json));
  });
}

describe('session file', () => {
  it('reads back exactly what was written, settings, split, losses, view, weights and Adam moments included', () => {
    for (const level of [0, 6] as const) {
      const back = readSessionZip(writeSessionZip(contents, { level }));
      expect(back.savedAt).toBe(contents.savedAt);
      expect(back.dataset).toEqual({ ...contents.dataset, builtIn: undefined });
      expect(back.rawSettings).toEqual(RAW);
      expect(back.split.train).toEqual(data.train);
      expect(back.split.heldOut).toEqual(data.heldOut);
      expect(back.losses[0].train).toBe(0.4);
      expect(Number.isNaN(back.losses[0].heldOut)).toBe(true);
      expect(back.view).toEqual(contents.view);
      expect(back.training.globalStep).toBe(5);
      expect(back.training.optimizer.iterations).toBe(5);
      expect(back.training.encoder).toEqual(contents.training.encoder);
      expect(back.training.decoder).toEqual(contents.training.decoder);
      expect(back.training.optimizer.firstMoments).toEqual(contents.training.optimizer.firstMoments);
      expect(back.training.optimizer.secondMoments).toEqual(contents.training.optimizer.secondMoments);
      expect(back.training.epochOrder).toEqual(contents.training.epochOrder);
      expect(back.data?.images).toEqual(data.images);
      expect(back.data?.classNames).toEqual(['row', 'column', 'square']);
    }
  });

  it('holds encoder and decoder as tfjs Layers models that tf.loadLayersModel rebuilds with the same outputs', async () => {
    const files = unzipSync(writeSessionZip(contents));
    for (const network of ['encoder', 'decoder'] as const) {
      const json = JSON.parse(strFromU8(files[`${network}/model.json`]));
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0].paths).toEqual(['./model.weights.bin']);
      const weights = files[`${network}/model.weights.bin`];
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: weights.slice().buffer }),
      );
      const saved = contents.training[network];
      model.getWeights().forEach((weight, i) => expect(Array.from(weight.dataSync())).toEqual(Array.from(saved.values[i])));
      model.dispose();
    }
  });

  it('resumes training bit for bit: a restored trainer takes the same next step as the original', async () => {
    const back = readSessionZip(writeSessionZip(contents, { level: 0 }));
    const restored = await Trainer.restore(config, data, back.training);
    try {
      const original = new Trainer(config, data);
      const again = await Trainer.restore(config, data, contents.training);
      const [a, b] = [await again.trainStep(), await restored.trainStep()];
      expect(b).toBe(a);
      expect(restored.globalStep).toBe(6);
      original.dispose();
      again.dispose();
    } finally {
      restored.dispose();
    }
  });

  it('accepts a file that fits its model and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await checkSessionFitsModel(readSessionZip(writeSessionZip(contents)), config);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model made for another image shape, saying both shapes', async () => {
    const bytes = writeSessionZip(contents);
    // The same session claimed for 8x8 RGB images: its weights were made for 8x8 grayscale.
    const rgb = editJson(editJson(bytes, 'session.json', (json) => ((json.dataset as Record<string, unknown>).shape = [8, 8, 3])), 'encoder/model.json', () => {});
    const read = () => readSessionZip(rgb);
    expect(read).toThrow(SessionFileError);
    expect(read).toThrow(/made for 8×8×1 images.*8×8×3/);
    // With the input shape in model.json changed too, the weights (made for 8x8x1) still do not fit.
    const consistent = editJson(rgb, 'encoder/model.json', (json) => {
      const layers = ((json.modelTopology as Record<string, unknown>).config as Record<string, unknown>).layers as Record<string, Record<string, unknown>>[];
      layers[0].config.batch_input_shape = [null, 8, 8, 3];
    });
    const stored = editJson(consistent, 'session.json', (json) => ((json.dataset as Record<string, unknown>).stored = false));
    const contentsRgb = readSessionZip(stored);
    const rgbConfig = configFor(RAW);
    rgbConfig.spec = { ...rgbConfig.spec, inputShape: [8, 8, 3] };
    await expect(checkSessionFitsModel(contentsRgb, rgbConfig)).rejects.toThrow(/encoder does not fit .*\[64, 16\].*\[192, 16\]/);
  });

  it.each([
    ['an empty file', () => new Uint8Array(0), /empty/],
    ['a file that is not a zip', () => strToU8('hello, not a zip'), /not a zip/],
    ['a truncated zip', () => writeSessionZip(contents).slice(0, 300), /damaged|no session.json|no /],
    ['a zip of something else', () => zipSync({ 'readme.txt': strToU8('hi') }), /no session.json/],
    ['another format', () => editJson(writeSessionZip(contents), 'session.json', (json) => (json.format = 'other')), /not a Latent Explorer session/],
    ['a newer version', () => editJson(writeSessionZip(contents), 'session.json', (json) => (json.version = 99)), /version 99/],
    ['truncated weights', () => edit(writeSessionZip(contents), 'decoder/model.weights.bin', (file) => file.slice(0, file.length - 4)), /bytes; their shapes need/],
    ['a weight that is not a number', () => edit(writeSessionZip(contents), 'encoder/model.weights.bin', (file) => { const copy = file.slice(); new Float32Array(copy.buffer)[3] = NaN; return copy; }), /not a number/],
    ['an index outside the images', () => edit(writeSessionZip(contents), 'split/held-out.i32', (file) => { const copy = file.slice(); new Int32Array(copy.buffer)[0] = 5000; return copy; }), /outside its 120 images/],
    ['an image in both parts of the split', () => edit(writeSessionZip(contents), 'split/held-out.i32', () => new Uint8Array(Int32Array.of(data.train[0]).buffer)), /twice/],
    ['a batch order of other images', () => edit(writeSessionZip(contents), 'split/epoch-order.i32', (file) => { const copy = file.slice(); new Int32Array(copy.buffer)[0] = data.heldOut[0]; return copy; }), /batch order/],
    ['an unknown setting', () => editJson(writeSessionZip(contents), 'session.json', (json) => ((json.settings as Record<string, unknown>).evil = '<script>')), /unknown setting/],
    ['a huge declared image count', () => editJson(writeSessionZip(contents), 'session.json', (json) => ((json.dataset as Record<string, unknown>).count = 1e12)), /image count/],
    ['a zoom out of range', () => editJson(writeSessionZip(contents), 'session.json', (json) => (((json.view as Record<string, unknown>).zoom as Record<string, unknown>).k = 1e9)), /zoom factor/],
    ['a stored label without a class', () => edit(writeSessionZip(contents), 'data/labels.u8', (file) => { const copy = file.slice(); copy[0] = 9; return copy; }), /no class name/],
    ['quantised weights', () => editJson(writeSessionZip(contents), 'decoder/model.json', (json) => (((json.weightsManifest as Record<string, unknown>[])[0].weights as Record<string, unknown>[])[0].quantization = { dtype: 'uint8' })), /plain float32/],
  ])('refuses %s with a message that names the fault', (_name, make, message) => {
    expect(() => readSessionZip(make())).toThrow(SessionFileError);
    expect(() => readSessionZip(make())).toThrow(message);
  });
});
