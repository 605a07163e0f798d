// Reading a tensor computed in a tidy scope into a plain array, without tidy walking the array.
// tf.tidy looks for tensors in whatever its function returns, and it walks a typed array element
// by element: returning `t.dataSync()` from a tidy costs a JS call per value. For a chunk of 256
// MNIST images (200,000 values) that walk took far longer than the model itself, so the analysis
// worker spent most of its time there. The tensor is returned from the tidy instead, and read and
// freed outside it.
import * as tf from './tf';

/** Run `compute` in a tidy scope and return its result's values; every tensor made is freed. */
export function readTidy(compute: () => tf.Tensor): Float32Array {
  const result = tf.tidy(compute);
  let values: Float32Array;
  try {
    // The tensor is freed below, so no backend keeps this array: it is the caller's alone.
    values = result.dataSync() as Float32Array;
  } catch (error) {
    // The read's own error is the one to report (a lost GPU is recognised by it), not the free's.
    try {
      result.dispose();
    } catch {
      // freed with its device
    }
    throw error;
  }
  result.dispose();
  return values;
}
