// The trainer's independent random streams, all drawn from the one user seed, and the seed of any
// draw of a stream: pure functions, so a restored trainer redraws exactly what the original drew.
import { createRng } from '../lib/rng';

export interface TrainerSeeds {
  /** Each epoch's batch order. */
  shuffle: number;
  /** Per-step noise and sampled codes; the step number picks the draw. */
  noise: number;
  /** Fixed draws for evaluation batches, so held-out figures are comparable between epochs. */
  evaluation: number;
  /** Fixed draws for the denoising view. */
  view: number;
}

/**
 * Seeds of the trainer's streams, so that changing, say, the batch order never shifts the initial
 * weights. The first two draws are the model's: `buildAutoencoder` draws them from the same seed.
 */
export function deriveSeeds(seed: number): TrainerSeeds {
  const rng = createRng(seed);
  rng.nextSeed(); // encoder weights
  rng.nextSeed(); // decoder weights
  return { shuffle: rng.nextSeed(), noise: rng.nextSeed(), evaluation: rng.nextSeed(), view: rng.nextSeed() };
}

/** The seed of draw number `index` of a stream: a pure function, so a restored trainer redraws it. */
export function streamSeed(streamSeedValue: number, index: number): number {
  return createRng((streamSeedValue + Math.imul(index + 1, 0x9e3779b1)) >>> 0).nextSeed();
}
