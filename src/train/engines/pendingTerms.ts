// Loss terms of steps not read yet, kept as tfjs tensors (one 1-d tensor per step, every term in
// it), so reading all of them costs the one device sync that reading the loss did.
import * as tf from '../../lib/tf';
import { freeEach } from './freeAll';

export class PendingTerms {
  private steps: tf.Tensor[] = [];

  get count(): number {
    return this.steps.length;
  }

  /** Keep one step's terms (the caller hands the tensor over). */
  push(terms: tf.Tensor): void {
    this.steps.push(terms);
  }

  /** Every pending step's terms, oldest first, in one read; steps pushed while it waits stay pending. */
  async read(): Promise<Float32Array[]> {
    const pending = this.steps;
    this.steps = [];
    if (pending.length === 0) return [];
    const joined = pending.length === 1 ? pending[0] : tf.concat(pending);
    let values: Float32Array;
    try {
      values = (await joined.data()) as Float32Array;
    } finally {
      if (joined !== pending[0]) joined.dispose();
      tf.dispose(pending);
    }
    const width = values.length / pending.length;
    return pending.map((_, i) => values.subarray(i * width, (i + 1) * width));
  }

  dispose(): void {
    const pending = this.steps;
    this.steps = [];
    freeEach(pending);
  }
}
