// A network's architecture as plain JSON (the tfjs Layers topology) and the names of its weights,
// which together with the weight values make the standard tfjs model files (model.json + .bin).
import type * as tf from '../lib/tf';

export interface NetworkLayout {
  /** `model.toJSON()`'s topology: what tf.loadLayersModel rebuilds the layers from. */
  topology: Record<string, unknown>;
  /** Each weight's name, in `model.getWeights()` order (the order of a WeightSnapshot). */
  weightNames: string[];
}

/** The layout of a built model. Reads no weight values. */
export function describeNetwork(model: tf.LayersModel): NetworkLayout {
  // returnString false: the topology as an object, so it nests in model.json as tf.io writes it.
  const topology = model.toJSON(null, false) as unknown as Record<string, unknown>;
  // tf.io names weights by their original names (the layer's own, without uniquifying suffixes).
  return { topology, weightNames: model.weights.map((weight) => weight.originalName) };
}
