// Writing a session: its parts as one zip, the two networks as model.json + weights files exactly
// as tf.io writes them, so tf.loadLayersModel can open them outside the app.
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { NetworkLayout } from '../model/layout';
import type { WeightSnapshot } from '../model/weights';
import { SESSION_FILES as FILES, SESSION_FORMAT, SESSION_VERSION, WEIGHTS_FILE_NAME, type SessionContents } from './sessionFormat';

/** What tf.io writes into model.json's `generatedBy` for this tfjs version. */
const GENERATED_BY = 'TensorFlow.js tfjs-layers v4.22.0';

/** The session as zip bytes. `level` 0 stores without compressing (fast, for autosaves). */
export function writeSessionZip(contents: SessionContents, { level = 6 }: { level?: 0 | 1 | 6 } = {}): Uint8Array {
  const { training, layouts } = contents;
  const json = (value: unknown) => strToU8(JSON.stringify(value, finiteOrNull));
  const binary = (bytes: Uint8Array): [Uint8Array, { level: 0 | 1 | 6 }] => [bytes, { level: level === 6 ? 1 : level }];
  const files: Zippable = {
    [FILES.session]: json({
      format: SESSION_FORMAT,
      version: SESSION_VERSION,
      savedAt: contents.savedAt,
      dataset: contents.dataset,
      classNames: contents.data?.classNames,
      settings: contents.rawSettings,
      losses: contents.losses,
      view: contents.view,
      globalStep: training.globalStep,
      optimizer: { iterations: training.optimizer.iterations, momentShapes: training.optimizer.firstMoments.shapes },
    }),
    [FILES.encoderJson]: json(modelJson(layouts.encoder, training.encoder)),
    [FILES.encoderWeights]: binary(concatFloats(training.encoder.values)),
    [FILES.decoderJson]: json(modelJson(layouts.decoder, training.decoder)),
    [FILES.decoderWeights]: binary(concatFloats(training.decoder.values)),
    [FILES.firstMoments]: binary(concatFloats(training.optimizer.firstMoments.values)),
    [FILES.secondMoments]: binary(concatFloats(training.optimizer.secondMoments.values)),
    [FILES.train]: binary(int32Bytes(contents.split.train)),
    [FILES.heldOut]: binary(int32Bytes(contents.split.heldOut)),
    [FILES.epochOrder]: binary(int32Bytes(training.epochOrder)),
  };
  if (contents.data) {
    // Pixels compress well and can be large: always deflated.
    files[FILES.images] = [contents.data.images, { level: 1 }];
    files[FILES.labels] = [contents.data.labels, { level: 1 }];
  }
  return zipSync(files, { level: level === 0 ? 0 : 6 });
}

/** model.json exactly as tf.io writes it for a Layers model saved with its weights beside it. */
function modelJson(layout: NetworkLayout, weights: WeightSnapshot): Record<string, unknown> {
  if (layout.weightNames.length !== weights.shapes.length) {
    throw new Error(`The model has ${weights.shapes.length} weights but ${layout.weightNames.length} weight names.`);
  }
  return {
    modelTopology: layout.topology,
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightsManifest: [
      {
        paths: [`./${WEIGHTS_FILE_NAME}`],
        weights: weights.shapes.map((shape, i) => ({ name: layout.weightNames[i], shape, dtype: 'float32' })),
      },
    ],
  };
}

/** JSON has no NaN or Infinity: a loss that was not a number is written as null. */
function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

function concatFloats(arrays: readonly Float32Array[]): Uint8Array {
  const total = arrays.reduce((sum, values) => sum + values.length, 0);
  const out = new Float32Array(total);
  let offset = 0;
  for (const values of arrays) {
    out.set(values, offset);
    offset += values.length;
  }
  return new Uint8Array(out.buffer);
}

function int32Bytes(values: Int32Array): Uint8Array {
  return new Uint8Array(values.slice().buffer);
}
