// This thread's TensorFlow.js memory figures, published on its global scope as
// `latentExplorerTensors()` (in the page and in the training worker), where the leak test and the
// benchmark read them, as they read `latentExplorerMetrics`. Reading them changes nothing.
import * as tf from './tf';

export interface TensorCounts {
  /** Live tensors on every backend. */
  tensors: number;
  /** Data buffers the current backend holds. */
  dataBuffers: number;
  bytes: number;
  backend: string;
}

export function tensorCounts(): TensorCounts {
  const memory = tf.memory();
  return { tensors: memory.numTensors, dataBuffers: memory.numDataBuffers, bytes: memory.numBytes, backend: tf.getBackend() ?? 'none' };
}

export function publishTensorCounts(scope: object): void {
  (scope as { latentExplorerTensors?: () => TensorCounts }).latentExplorerTensors = tensorCounts;
}
