// Moving a model's weights in and out as plain arrays: to post them between threads, or to rebuild a
// model on another backend. Arrays are always copied, because a backend may hand out (or keep) the
// very buffer behind a tensor, and a transferred or reused buffer would then corrupt the model.
import * as tf from '../lib/tf';

/** Weights of one network as flat arrays, in the order of `model.getWeights()`. */
export interface WeightSnapshot {
  shapes: number[][];
  values: Float32Array[];
}

/** Copy every weight of the model, in `model.getWeights()` order. */
export function snapshotWeights(model: tf.LayersModel): Promise<WeightSnapshot> {
  // getWeights returns the live variables themselves, not clones: read them, never dispose them.
  return readTensors(model.getWeights());
}

/**
 * Copies of `tensors`' values, read asynchronously. Never `dataSync`: tfjs-webgpu reads
 * synchronously by drawing the buffer through WebGPU canvases, which in a worker on Chromium's
 * SwiftShader adapter loses the device ("A valid external Instance reference no longer exists")
 * and reads zeros. Every read starts before the first await, so the copies are of one moment: a
 * training step queued after this call cannot change what they hold.
 */
export async function readTensors(tensors: readonly tf.Tensor[]): Promise<WeightSnapshot> {
  const shapes = tensors.map((tensor) => [...tensor.shape]);
  const reads = tensors.map((tensor) => tensor.data());
  const values = await Promise.all(reads);
  return { shapes, values: values.map((data) => new Float32Array(data)) };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

/** Load a snapshot into the model. Throws, leaving the model untouched, if it does not fit. */
export function applyWeights(model: tf.LayersModel, snapshot: WeightSnapshot): void {
  const weights = model.weights;
  // The live variables, for their concrete shapes (a LayerVariable's shape type allows nulls).
  const current = model.getWeights();
  if (snapshot.shapes.length !== weights.length || snapshot.values.length !== weights.length) {
    throw new Error(
      `Weight snapshot does not fit model "${model.name}": it has ${snapshot.shapes.length} ` +
        `weights, the model has ${weights.length}.`,
    );
  }
  weights.forEach((weight, i) => {
    const shape = snapshot.shapes[i];
    const expected = current[i].shape;
    if (!sameShape(shape, expected)) {
      throw new Error(
        `Weight snapshot does not fit model "${model.name}": weight ${i} (${weight.originalName}) ` +
          `has shape [${expected.join(', ')}], the snapshot has [${shape.join(', ')}].`,
      );
    }
    if (snapshot.values[i].length !== sizeOf(shape)) {
      throw new Error(
        `Weight snapshot is corrupt: weight ${i} (${weight.originalName}) should hold ` +
          `${sizeOf(shape)} values, it holds ${snapshot.values[i].length}.`,
      );
    }
  });
  const tensors = snapshot.values.map((values, i) => tf.tensor(values.slice(), snapshot.shapes[i], 'float32'));
  try {
    model.setWeights(tensors);
  } finally {
    // setWeights assigns by reference counting, so the variables keep the data after this.
    tf.dispose(tensors);
  }
}
