// Floating-point work of one training step, counted from the layer sizes, for the bench's
// training GFLOP/s: each multiply-add is 2 FLOP, done three times per step (forward, dx, dW).
import type { AutoencoderSpec } from './spec';

/** Multiply-adds of one image's forward pass through a dense autoencoder (encoder and mirrored decoder). */
export function denseMultiplyAdds(spec: Pick<AutoencoderSpec, 'inputShape' | 'hiddenSizes' | 'latentDim'>): number {
  const pixels = spec.inputShape[0] * spec.inputShape[1] * spec.inputShape[2];
  const widths = [pixels, ...spec.hiddenSizes, spec.latentDim];
  let total = 0;
  for (let i = 1; i < widths.length; i++) total += widths[i - 1] * widths[i];
  return 2 * total;
}

/** FLOP of one image in one training step: 3 products per layer x 2 FLOP per multiply-add. */
export function denseTrainingFlopsPerImage(spec: Pick<AutoencoderSpec, 'inputShape' | 'hiddenSizes' | 'latentDim'>): number {
  return 3 * 2 * denseMultiplyAdds(spec);
}
