// A main-thread copy of the training worker's decoder, fed with its weight snapshots, so decoding
// the probe never waits for a round trip to the busy worker. Uses whatever tf backend is current.
// Every kind's decoder maps a code to an image, so one replica serves them all.
import * as tf from '@tensorflow/tfjs';
import { buildDecoder } from './build';
import type { AutoencoderSpec } from './spec';
import { applyWeights } from './weights';
import type { WeightSnapshot } from '../train/protocol';

export class DecoderReplica {
  readonly spec: AutoencoderSpec;
  private readonly decoder: tf.LayersModel;
  private disposed = false;

  constructor(spec: AutoencoderSpec) {
    this.spec = spec;
    // The seed only fills the weights until the first snapshot arrives; any fixed value will do.
    this.decoder = buildDecoder(spec, 0);
  }

  /** Replace the weights with a snapshot from the worker; throws if it is for another spec. */
  setWeights(snapshot: WeightSnapshot): void {
    this.assertAlive();
    applyWeights(this.decoder, snapshot);
  }

  /** One code of `latentDim` values -> one image, H*W*C pixels in [0, 1]. */
  decode(code: Float32Array): Float32Array {
    return this.decodeMany(code, 1);
  }

  /** `count` codes back to back -> `count` images back to back. */
  decodeMany(codes: Float32Array, count: number): Float32Array {
    this.assertAlive();
    const { latentDim } = this.spec;
    if (!Number.isInteger(count) || count < 0 || codes.length !== count * latentDim) {
      throw new Error(
        `decodeMany needs ${latentDim} values per code: got ${codes.length} values for ${count} codes.`,
      );
    }
    if (count === 0) return new Float32Array(0);
    return tf.tidy(() => {
      const input = tf.tensor2d(codes, [count, latentDim]);
      // batchSize = count: predict would otherwise split the codes into batches of 32.
      const images = this.decoder.predict(input, { batchSize: count }) as tf.Tensor;
      // The tensor is freed when tidy ends, so no backend keeps this array: it is ours alone.
      return images.dataSync() as Float32Array;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.decoder.dispose();
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('DecoderReplica used after dispose().');
  }
}
