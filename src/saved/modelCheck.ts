// Does a session's saved state fit the model its settings describe? Builds that model once on the
// page's CPU backend and compares every weight and optimizer moment shape, before anything is replaced.
import * as tf from '../lib/tf';
import { buildAutoencoder } from '../model/build';
import type { ExperimentConfig } from '../model/spec';
import type { WeightSnapshot } from '../model/weights';
import { SessionFileError, shapeText, type SessionContents } from './sessionFormat';
import { modelInputShape } from './sessionRead';

/** Throws a SessionFileError saying what does not fit. Leaves no tensors behind. */
export async function checkSessionFitsModel(contents: SessionContents, config: ExperimentConfig): Promise<void> {
  // The page only ever decodes on the CPU backend (see TrainingClient); building here must not
  // wake a GPU backend on the main thread.
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const model = buildAutoencoder(config.spec, config.training.seed);
  try {
    const encoderShapes = model.encoder.getWeights().map((weight) => [...weight.shape]);
    const decoderShapes = model.decoder.getWeights().map((weight) => [...weight.shape]);
    const trainableShapes = [...model.encoder.trainableWeights, ...model.decoder.trainableWeights].map((weight) => [...weight.shape] as number[]);
    const { training, dataset } = contents;
    const savedInput = modelInputShape(contents.layouts.encoder.topology);
    const describe = (what: string) =>
      savedInput && shapeText(savedInput) !== shapeText(config.spec.inputShape)
        ? `This session's model was made for ${shapeText(savedInput)} images; ${dataset.name} has ${shapeText(config.spec.inputShape)} images.`
        : `This session's ${what} does not fit the model its settings describe`;
    compare(training.encoder, encoderShapes, describe('encoder'));
    compare(training.decoder, decoderShapes, describe('decoder'));
    compare(training.optimizer.firstMoments, trainableShapes, describe('optimizer state'));
    compare(training.optimizer.secondMoments, trainableShapes, describe('optimizer state'));
  } finally {
    model.dispose();
  }
}

function compare(saved: WeightSnapshot, expected: number[][], problem: string): void {
  if (saved.shapes.length !== expected.length) {
    throw new SessionFileError(`${problem} (${saved.shapes.length} weights saved, ${expected.length} expected).`.replace('. (', ' ('));
  }
  saved.shapes.forEach((shape, i) => {
    if (shapeText(shape) !== shapeText(expected[i])) {
      throw new SessionFileError(`${problem} (weight ${i} is [${shape.join(', ')}], the model needs [${expected[i].join(', ')}]).`.replace('. (', ' ('));
    }
  });
}
