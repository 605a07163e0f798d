// The trained model's answers with the weights as they are (no update): evaluation figures, codes,
// reconstructions and the denoising view, over dataset images in bounded batches or over drawings.
import * as tf from '../lib/tf';
import { pixelsPerImage } from '../data/dataset';
import type { Autoencoder } from '../model/build';
import type { AutoencoderSpec } from '../model/spec';
import type { DatasetImages } from './engines/datasetImages';
import { streamSeed, type TrainerSeeds } from './seedStreams';
import type { TermValues } from './trainerState';

/** Images per forward pass when evaluating, encoding or reconstructing: bounds peak memory. */
export const INFERENCE_BATCH = 1000;

/** `values` (in `names` order) by name. */
export function namedTerms(names: readonly string[], values: ArrayLike<number>): TermValues {
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

export class ModelInference {
  constructor(
    private readonly model: Autoencoder,
    private readonly spec: AutoencoderSpec,
    private readonly images: DatasetImages,
    private readonly imageCount: number,
    private readonly seeds: Pick<TrainerSeeds, 'evaluation' | 'view'>,
  ) {}

  /** Mean loss terms over the first `maxCount` of `indices`; NaN for no images. */
  async evaluateTerms(indices: Int32Array, maxCount: number): Promise<TermValues> {
    const termNames = this.model.termNames;
    const chosen = indices.subarray(0, Math.max(0, Math.min(maxCount, indices.length)));
    const sums = new Float64Array(termNames.length);
    if (chosen.length === 0) return namedTerms(termNames, sums.fill(NaN));
    const batchSize = this.model.evaluationBatch;
    for (let start = 0, part = 0; start < chosen.length; start += batchSize, part++) {
      const slice = chosen.subarray(start, start + batchSize);
      const stacked = tf.tidy(() => {
        const batch = this.images.at(slice);
        const terms = this.model.lossTerms(batch, { seed: streamSeed(this.seeds.evaluation, part), training: false });
        return tf.stack(termNames.map((name) => terms[name]));
      });
      try {
        // Each term is a batch mean; weighting by the batch size makes the result an exact mean.
        (await stacked.data()).forEach((value, i) => (sums[i] += value * slice.length));
      } finally {
        stacked.dispose();
      }
    }
    return namedTerms(termNames, sums.map((sum) => sum / chosen.length));
  }

  async encodeAll(batchSize: number): Promise<Float32Array> {
    return this.mapAllImages(batchSize, (batch) => this.model.encode(batch));
  }

  async encodeLogVar(batchSize: number): Promise<Float32Array> {
    const encodeLogVar = this.model.encodeLogVar;
    if (!encodeLogVar) throw new Error(`A ${this.spec.kind} autoencoder has no code variances.`);
    return this.mapAllImages(batchSize, (batch) => encodeLogVar(batch));
  }

  async codeActivations(indices: Int32Array): Promise<Float32Array> {
    return this.mapImages(indices, this.spec.latentDim, (batch) => this.model.encode(batch));
  }

  async reconstruct(indices: Int32Array): Promise<Float32Array> {
    return this.mapImages(indices, pixelsPerImage(this.spec.inputShape), (batch) => this.model.reconstruct(batch));
  }

  /** The noise comes from a fixed seed, so the same indices always give the same noisy images. */
  async corrupt(indices: Int32Array): Promise<Float32Array> {
    const corrupt = this.corruptor();
    return this.mapImages(indices, pixelsPerImage(this.spec.inputShape), (batch, part) =>
      corrupt(batch, streamSeed(this.seeds.view, part)),
    );
  }

  async denoise(indices: Int32Array): Promise<Float32Array> {
    const corrupt = this.corruptor();
    return this.mapImages(indices, pixelsPerImage(this.spec.inputShape), (batch, part) =>
      this.model.reconstruct(corrupt(batch, streamSeed(this.seeds.view, part))),
    );
  }

  async encodeImages(pixels: Float32Array, count: number): Promise<{ codes: Float32Array; reconstructions: Float32Array }> {
    const { inputShape } = this.spec;
    const expected = count * pixelsPerImage(inputShape);
    if (!Number.isInteger(count) || count < 1 || count > INFERENCE_BATCH || pixels.length !== expected) {
      throw new Error(`Expected 1 to ${INFERENCE_BATCH} images of ${inputShape.join('x')}, got ${pixels.length} values for ${count}.`);
    }
    const [codes, reconstructions] = tf.tidy(() => {
      const batch = tf.tensor4d(pixels, [count, ...inputShape]);
      return [this.model.encode(batch), this.model.reconstruct(batch)];
    });
    try {
      // Copies: a backend may hand out its own buffer, and these are transferred to the page.
      return { codes: new Float32Array(await codes.data()), reconstructions: new Float32Array(await reconstructions.data()) };
    } finally {
      codes.dispose();
      reconstructions.dispose();
    }
  }

  private corruptor(): (images: tf.Tensor, seed: number) => tf.Tensor {
    const corrupt = this.model.corrupt;
    if (!corrupt) throw new Error(`A ${this.spec.kind} autoencoder does not corrupt its input.`);
    return corrupt;
  }

  /** `fn` on the given images in batches, its outputs (`valuesPerImage` each) back to back. */
  private async mapImages(
    indices: Int32Array,
    valuesPerImage: number,
    fn: (batch: tf.Tensor, part: number) => tf.Tensor,
  ): Promise<Float32Array> {
    const result = new Float32Array(indices.length * valuesPerImage);
    for (let start = 0, part = 0; start < indices.length; start += INFERENCE_BATCH, part++) {
      const slice = indices.subarray(start, start + INFERENCE_BATCH);
      const output = tf.tidy(() => fn(this.images.at(slice), part));
      try {
        result.set(await output.data(), start * valuesPerImage);
      } finally {
        output.dispose();
      }
    }
    return result;
  }

  /** `fn` on every dataset image in order, in slices of `batchSize`; `latentDim` values per image. */
  private async mapAllImages(batchSize: number, fn: (batch: tf.Tensor) => tf.Tensor): Promise<Float32Array> {
    const { latentDim } = this.spec;
    const result = new Float32Array(this.imageCount * latentDim);
    for (let start = 0; start < this.imageCount; start += batchSize) {
      const count = Math.min(batchSize, this.imageCount - start);
      const output = tf.tidy(() => fn(this.images.inRange(start, count)));
      try {
        result.set(await output.data(), start * latentDim);
      } finally {
        output.dispose();
      }
    }
    return result;
  }
}
